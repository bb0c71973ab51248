/*
 * dashboard.c - an offer's dashboard (summary and a ranked page) and the
 * iterator that streams its ranked applications (offerapi/dashboard.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "app_internal.h"
#include "jobs_internal.h"
#include "offerapi/dashboard.h"

/*
 * The summary in one statement, O(scorers) rows whatever the number of
 * applications: its first row from the offer (whose recruiter_id checks the
 * permission), with the counts kept by migration 20's triggers
 * (offer_app_counts; score_bins: the scorer's ten bins and their sum in one
 * aggregate over its rows, a range of the primary key; eleven subqueries, a
 * seek each, made a generic plan of eleven subplans that PostgreSQL spent
 * about a third more CPU starting and running), the
 * extremes a seek each in scores_rank, the largest number of answers a
 * seek in applications_offer_answers and what the retention purge left
 * (retention_counts); then a row per scorer with stored scores (score_bins).
 * $1 the offer, $2 the ranking scorer.
 */
#define SC " FROM scores s WHERE s.offer_id = o.id AND s.scorer = $2"
#define BIN(k) ", CAST(COALESCE(SUM(CASE WHEN b.bin = " #k " THEN b.n END), 0) AS BIGINT) AS n" #k
#define COUNT OFFER_APP_COUNT("o")
#define PURGED                                                                                     \
	"(SELECT CAST(COALESCE(SUM(rc.applications), 0) AS BIGINT) FROM retention_counts rc"       \
	" WHERE rc.offer_id = o.id)"
#define BINS                                                                                       \
	"(SELECT SUM(b.total) AS total" BIN(0) BIN(1) BIN(2) BIN(3) BIN(4) BIN(5) BIN(6) BIN(7)    \
		BIN(8) BIN(9) " FROM score_bins b WHERE b.offer_id = $1 AND b.scorer = $2) bins"
#define NAMES                                                                                      \
	" UNION ALL SELECT b.scorer, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"  \
	" NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM score_bins b WHERE b.offer_id = $1"        \
	" GROUP BY b.scorer HAVING SUM(b.n) > 0"
#define SUMMARY_SQL                                                                                \
	"SELECT NULL AS name, o.recruiter_id, " COUNT ", bins.total,"                              \
	" (SELECT MIN(s.score)" SC "), (SELECT MAX(s.score)" SC "),"                               \
	" (SELECT MAX(c.nanswers) FROM applications c WHERE c.offer_id = o.id), bins.n0, bins.n1," \
	" bins.n2, bins.n3, bins.n4, bins.n5, bins.n6, bins.n7, bins.n8, bins.n9, " PURGED         \
	" FROM offers o, " BINS " WHERE o.id = $1" NAMES
#define SUMMARY_PURGED 17 /* the column of the purged count */

void offerapi_dashboard_free(offerapi_dashboard *d)
{
	if (!d)
		return;
	free(d->rank_by);
	rank_names_free(d->scorers, d->nscorers);
	offerapi_application_list_free(d->page);
	offerapi_offer_free(d->offer);
	offerapi_job_status_list_free(d->jobs);
	free(d);
}

/* The summary's first row into @d; EPERM / ENOTFOUND as the owner check. */
static int summary_row(const db_result *r, const offerapi_user *actor, offerapi_id offer_id,
                       offerapi_dashboard *d)
{
	int row; /* the offer's row: the one without a name */
	int rc = store_owner_row(r, 0, 1, actor, offer_id, &row);
	if (rc < 0)
		return rc;
	d->count = db_int(r, row, 2);
	for (int k = 0; k < OFFERAPI_DASHBOARD_BINS; k++) {
		d->histogram[k] = db_int(r, row, 7 + k);
		d->scored += d->histogram[k];
	}
	if (d->scored) {
		d->mean = db_real(r, row, 3) / (double)d->scored;
		d->min = db_real(r, row, 4);
		d->max = db_real(r, row, 5);
	}
	d->max_answers = db_int(r, row, 6);
	d->purged = db_int(r, row, SUMMARY_PURGED);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The columns: the host's scorers, then those of the summary's name rows
 * by name. */
static int summary_names(const db_result *r, const offerapi_rank *rank, offerapi_dashboard *d)
{
	size_t host = rank ? rank->nscorers : 0, k = 0,
	       first = SIZE_MAX; /* where the name rows start */
	d->scorers = calloc(host + (size_t)r->nrows + 1, sizeof *d->scorers);
	if (!d->scorers)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; i < host + (size_t)r->nrows; i++) {
		if (i == host)
			first = k;
		const char *name = i < host ? rank->scorers[i] : db_text(r, (int)(i - host), 0);
		bool seen = !name;
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp(d->scorers[j], name) == 0;
		if (seen)
			continue;
		if (!(d->scorers[k] = oa_strdup(name)))
			return OFFERAPI_ENOMEM;
		d->nscorers = ++k;
	}
	if (first != SIZE_MAX && k > first)
		qsort(d->scorers + first, k - first, sizeof *d->scorers, name_cmp);
	return 0;
}

/*
 * The summary of @offer_id ranked by @by (checked against the allowed
 * names unless @known) from SUMMARY_SQL's result @r, the permission
 * checked first.
 */
static int summary_take(const db_result *r, const offerapi_user *actor, offerapi_id offer_id,
                        const offerapi_rank *rank, const char *by, bool known,
                        offerapi_dashboard **out)
{
	*out = NULL;
	offerapi_dashboard *d = calloc(1, sizeof *d);
	int rc = d ? summary_row(r, actor, offer_id, d)
	           : oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc == 0 && (rc = summary_names(r, rank, d)) == OFFERAPI_ENOMEM)
		rc = oa_error(rc, "out of memory");
	if (rc == 0 && !known)
		rc = rank_allowed(by, d->scorers, d->nscorers);
	if (rc == 0 && !(d->rank_by = oa_strdup(by)))
		rc = OFFERAPI_ENOMEM;
	if (rc < 0) {
		offerapi_dashboard_free(d);
		return rc;
	}
	d->offer_id = offer_id;
	*out = d;
	return 0;
}

#define READ_APPS "read the applications to an offer"

/* The summary alone (the iterator's), the permission checked. */
static int summary(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id,
                   const offerapi_rank *rank, const char *by, bool known, offerapi_dashboard **out)
{
	*out = NULL;
	int rc = store_require_role(actor, OFFERAPI_ROLE_RECRUITER, READ_APPS);
	if (rc < 0)
		return rc;
	db_result *r = NULL;
	rc = store_exec(s, SUMMARY_SQL, (db_param[]){ P_INT(offer_id), P_TEXT(by) }, 2, &r);
	if (rc == 0)
		rc = summary_take(r, actor, offer_id, rank, by, known, out);
	db_result_free(r);
	return rc;
}

/* The statements of a dashboard, sent together (dashboard_read). */
enum { DASH_OFFER, DASH_SUMMARY, DASH_PAGE, DASH_JOBS, DASH_NSTMTS };

/* The dashboard from the batch's results @r: the summary's owner check
 * first, so that nothing of another recruiter's offer is read further;
 * the page once the summary gave its total. The results stay the
 * caller's, but the page's once ranked_page_take() took it (then NULL). */
static int dashboard_take(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id,
                          const offerapi_rank *rank, const ranked_req *q, db_result **r,
                          offerapi_dashboard **out)
{
	offerapi_dashboard *d;
	int rc = summary_take(r[DASH_SUMMARY], actor, offer_id, rank, q->by, q->known, &d);
	if (rc < 0)
		return rc;
	rc = offer_get_take(r[DASH_OFFER], offer_id, &d->offer);
	if (rc == 0)
		rc = job_status_offer_take(r[DASH_JOBS], actor, offer_id, &d->jobs);
	if (rc == 0) {
		rc = ranked_page_take(s, offer_id, q->by, &q->c, q->last, d->count, q->limit,
		                      r[DASH_PAGE], &d->page);
		r[DASH_PAGE] = NULL; /* taken, even on failure */
	}
	if (rc < 0) {
		offerapi_dashboard_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

/*
 * The offer, the summary, the ranked page and the jobs in one batch
 * (store_batch): on PostgreSQL one round trip instead of four, and one
 * snapshot, so the page and the summary's count and histogram agree even
 * while applications arrive. The page's statement needs no count (the
 * summary's is its total, applied after both results are in).
 */
static int dashboard_read(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id,
                          const offerapi_rank *rank, const ranked_req *q, offerapi_dashboard **out)
{
	ks_query *pq = malloc(sizeof *pq);
	if (!pq)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = ranked_page_query(offer_id, q->by, &q->c, q->last, q->limit, pq);
	db_param id[] = { P_INT(offer_id) }, idby[] = { P_INT(offer_id), P_TEXT(q->by) };
	db_stmt st[DASH_NSTMTS] = {
		[DASH_OFFER] = { offer_get_sql, id, 1 },
		[DASH_SUMMARY] = { SUMMARY_SQL, idby, 2 },
		[DASH_PAGE] = { pq->sql, pq->params, pq->nparams },
		[DASH_JOBS] = { job_status_offer_sql, id, 1 },
	};
	db_result *r[DASH_NSTMTS] = { NULL };
	if (rc == 0)
		rc = store_batch(s, DASH_NSTMTS, st, r);
	free(pq);
	if (rc == 0)
		rc = dashboard_take(s, actor, offer_id, rank, q, r, out);
	for (int k = 0; k < DASH_NSTMTS; k++)
		db_result_free(r[k]);
	return rc;
}

/* A page or cursor refused (@rc) for an offer the actor may not read is
 * refused for the offer: the permission is checked first, as when the
 * offer was read before anything else. */
static int owner_first(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id, int rc)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
	int own = store_check_owner(s, actor, offer_id, READ_APPS);
	return own < 0 ? own : oa_error(rc, "%s", msg);
}

int offerapi_dashboard_get(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id,
                           const offerapi_rank *rank, const offerapi_page *page,
                           offerapi_dashboard **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "dashboard: no output given");
	*out = NULL;
	int rc = store_require_role(actor, OFFERAPI_ROLE_RECRUITER, READ_APPS);
	if (rc < 0)
		return rc;
	ranked_req q;
	if ((rc = ranked_page_parse(offer_id, rank, page, &q)) < 0)
		return owner_first(s, actor, offer_id, rc);
	return dashboard_read(s, actor, offer_id, rank, &q, out);
}

/* ---- the iterator ---- */

struct offerapi_application_iter {
	offerapi_store *s;
	offerapi_dashboard *summary;
	size_t batch;
	offerapi_application_list *cur; /* the batch being read */
	size_t next; /* its next item */
	bool done;
};

int offerapi_application_iter_new(offerapi_application_iter **out, offerapi_store *s,
                                  const offerapi_user *actor, offerapi_id offer_id,
                                  const offerapi_rank *rank, size_t batch)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "iterator: no output given");
	*out = NULL;
	if (batch > OFFERAPI_PAGE_MAX)
		return oa_error(OFFERAPI_EINVAL, "iterator: batch %zu is over %d", batch,
		                OFFERAPI_PAGE_MAX);
	char by[OFFERAPI_SCORER_NAME_MAX + 1];
	bool known;
	int rc = rank_choose(rank, by, &known);
	if (rc < 0)
		return rc;
	offerapi_application_iter *it = calloc(1, sizeof *it);
	if (!it)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	if ((rc = summary(s, actor, offer_id, rank, by, known, &it->summary)) < 0) {
		free(it);
		return rc;
	}
	it->s = s;
	it->batch = batch ? batch : 200;
	*out = it;
	return 0;
}

/* Read the batch after the current one (the first without one). */
static int iter_fetch(offerapi_application_iter *it)
{
	ks_cursor c = { false, false, -1, { 0, 0, 0, 0 } };
	if (it->cur) {
		ks_spec spec;
		ranked_spec(&spec);
		offerapi_page p = { .version = OFFERAPI_PAGE_VERSION,
			            .cursor = it->cur->next,
			            .limit = it->batch };
		uint32_t scope = ranked_scope(it->summary->offer_id, it->summary->rank_by);
		int rc = ks_page_parse(&spec, scope, &p, &c, &(size_t){ 0 });
		if (rc < 0)
			return rc;
	}
	/* the last batch goes before the next is read (its items were
	 * borrowed until this call): one batch in memory, not two */
	offerapi_application_list_free(it->cur);
	it->cur = NULL;
	int rc = ranked_page(it->s, it->summary->offer_id, it->summary->rank_by, &c, false,
	                     RANK_TOTAL_NO, it->batch, false, &it->cur);
	if (rc < 0)
		return rc;
	it->next = 0;
	return 0;
}

int offerapi_application_iter_next(offerapi_application_iter *it, const offerapi_application **out)
{
	if (!it || !out)
		return oa_error(OFFERAPI_EINVAL, "iterator: NULL");
	*out = NULL;
	if (it->done)
		return 0;
	if (!it->cur || (it->next == it->cur->count && it->cur->next)) {
		int rc = iter_fetch(it);
		if (rc < 0) {
			it->done = true;
			return rc;
		}
	}
	if (it->next == it->cur->count) {
		it->done = true;
		return 0;
	}
	*out = &it->cur->items[it->next++];
	return 0;
}

const offerapi_dashboard *offerapi_application_iter_summary(const offerapi_application_iter *it)
{
	return it ? it->summary : NULL;
}

void offerapi_application_iter_free(offerapi_application_iter *it)
{
	if (!it)
		return;
	offerapi_dashboard_free(it->summary);
	offerapi_application_list_free(it->cur);
	free(it);
}
