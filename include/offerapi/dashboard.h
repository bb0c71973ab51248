/*
 * offerapi/dashboard.h - an offer's dashboard and its CSV, for its
 * recruiter: one call for pages, API and CSV alike.
 *
 * The summary (counts, mean, extremes, histogram) covers every application
 * of the offer and costs the same however many applications there are: the
 * counts, sums and bins are kept by the store in the transaction of every
 * write to scores and applications, the extremes are an index seek each;
 * the applications themselves come one page at a
 * time (offerapi_dashboard_get) or one batch at a time (the iterator), in
 * the order that application.h's "Ranking" defines. Nothing here holds a
 * CV text or a PDF.
 */
#ifndef OFFERAPI_DASHBOARD_H
#define OFFERAPI_DASHBOARD_H

#include "common.h"
#include "page.h"
#include "store.h"
#include "user.h"
#include "application.h"
#include "jobs.h"
#include "offer.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Bins of the histogram. Bin k (0..9) counts the scores s with
 * k/10 <= s < (k+1)/10, the last bin 1.0 too; the bounds are the doubles
 * nearest 0.1, 0.2, ... 0.9 (as written in C or SQL).
 */
#define OFFERAPI_DASHBOARD_BINS 10

/** A dashboard: the summary of every application, and one page of them. */
typedef struct offerapi_dashboard {
	offerapi_id offer_id;
	char *rank_by; /**< the scorer that ranks (application.h, "Ranking") */
	char **scorers; /**< the columns: the host's scorers in their order, then
				   every other scorer with stored scores, by name */
	size_t nscorers;
	int64_t count; /**< applications to the offer */
	int64_t scored; /**< of them, with a score from rank_by */
	double mean; /**< of rank_by's scores; 0 when scored is 0 */
	double min, max; /**< of rank_by's scores; 0 when scored is 0 */
	int64_t histogram[OFFERAPI_DASHBOARD_BINS]; /**< of rank_by's scores */
	int64_t max_answers; /**< the most answers an application holds (CSV columns) */
	/** The page asked for (page->total is count); NULL from the iterator. */
	offerapi_application_list *page;
	/* appended with the retention purge (issue 16) */
	/** Applications to the offer deleted by the retention purge
	 *  (retention.h): counted here, in no other field; count + purged is
	 *  every application the offer ever had. */
	int64_t purged;
	/* appended with the batched dashboard (issue 18). The dashboard is
	 * only ever allocated by the library and read through a pointer, so
	 * appending fields changes neither the size callers see nor the
	 * offset of any earlier field: the ABI stays compatible. */
	/** The offer itself, as offerapi_offer_get() gives it, owned by the
	 *  dashboard (freed with it); NULL from the iterator. */
	offerapi_offer *offer;
	/** The scoring jobs not done of the offer's applications, as
	 *  offerapi_job_status_offer() gives them, owned by the dashboard;
	 *  NULL from the iterator. */
	offerapi_job_status_list *jobs;
} offerapi_dashboard;

/**
 * The dashboard of offer @p offer_id for its recruiter: the summary and one
 * page of ranked applications, with every stored score and explanation,
 * the offer and its scoring jobs not done. Four statements (the offer,
 * the summary with the permission check, the page, the jobs) sent
 * together: on PostgreSQL one round trip, in which they read one snapshot.
 * Nothing of an offer the actor may not read is returned, and the
 * permission is checked before the page and cursor are: a bad cursor for
 * another recruiter's offer is OFFERAPI_EPERM.
 * @param rank  the ranking scorer and the host's scorers (NULL: the
 *              default, see application.h)
 * @param page  which page (NULL: the first of OFFERAPI_PAGE_DEFAULT);
 *              OFFERAPI_PAGE_TOTAL changes nothing (the count is known)
 * @param out   receives the dashboard: free it with offerapi_dashboard_free()
 * @return 0; OFFERAPI_EPERM (not the offer's recruiter), OFFERAPI_ENOTFOUND,
 *         OFFERAPI_EINVAL (an unknown scorer: the message lists the allowed
 *         ones; a bad page or cursor), a database error
 */
OFFERAPI_EXTERN int offerapi_dashboard_get(offerapi_store *store, const offerapi_user *actor,
                                           offerapi_id offer_id, const offerapi_rank *rank,
                                           const offerapi_page *page, offerapi_dashboard **out);

/** Free a dashboard. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_dashboard_free(offerapi_dashboard *dashboard);

/**
 * An iterator over every ranked application of an offer, in constant
 * memory: it reads @p batch applications at a time by key (keyset), so a
 * CSV of any size streams. Each batch is one statement; rows inserted while
 * it runs appear at most once.
 */
typedef struct offerapi_application_iter offerapi_application_iter;

/**
 * Start iterating (the permission check and the summary are made here).
 * @param batch  applications per statement: 0 for 200, at most
 *               OFFERAPI_PAGE_MAX
 * @return 0 or the errors of offerapi_dashboard_get()
 */
OFFERAPI_EXTERN int offerapi_application_iter_new(offerapi_application_iter **out,
                                                  offerapi_store *store, const offerapi_user *actor,
                                                  offerapi_id offer_id, const offerapi_rank *rank,
                                                  size_t batch);

/**
 * The next application in ranked order. @p *out is borrowed from the
 * iterator until the next call (or its free); NULL at the end.
 * @return 0, or a database error (the iterator then stays at the end)
 */
OFFERAPI_EXTERN int offerapi_application_iter_next(offerapi_application_iter *it,
                                                   const offerapi_application **out);

/** The summary of the iterated offer (page is NULL): the CSV's header
 *  (rank_by, scorers, max_answers). Borrowed from the iterator. */
OFFERAPI_EXTERN const offerapi_dashboard *offerapi_application_iter_summary(
	const offerapi_application_iter *it);

/** Free an iterator. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_application_iter_free(offerapi_application_iter *it);

#ifdef __cplusplus
}
#endif
#endif
