/*
 * offerapi/application.h - applications (a CV and answers to an offer) and
 * their scores.
 *
 * A candidate applies once per open offer. The PDF is checked and its text
 * extracted (see cv.h) before anything is written; the PDF, its text and the
 * answers are then stored in one transaction. Scores are stored afterwards,
 * one per (application, scorer name), with the scorer's version: a new
 * version of a scorer replaces its older score (offerapi_score_missing()
 * finds what it has not scored yet); a failed scoring never loses the
 * application.
 *
 * Who reads what: a candidate reads their own applications; a recruiter reads
 * the applications of their own offers; nobody else reads any.
 */
#ifndef OFFERAPI_APPLICATION_H
#define OFFERAPI_APPLICATION_H

#include "common.h"
#include "page.h"
#include "store.h"
#include "user.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OFFERAPI_FILENAME_MAX 255
#define OFFERAPI_ANSWER_MAX 5000
/** Longest stored explanation (bytes): a scorer's sentence (at most
 *  OFFERAPI_EXPLANATION_TEXT_MAX) plus its details as a JSON document for
 *  up to OFFERAPI_SKILLS_MAX skills (scoring.h). */
#define OFFERAPI_EXPLANATION_MAX 16384
/** Longest sentence a scorer's explanation may hold (bytes). */
#define OFFERAPI_EXPLANATION_TEXT_MAX 2000
#define OFFERAPI_SCORER_NAME_MAX 64

/** An answer to one screening question. */
typedef struct offerapi_answer {
	char *question; /**< the question as it was when answered */
	char *answer; /**< may be "" */
} offerapi_answer;

/** One stored score. */
typedef struct offerapi_score {
	char *scorer; /**< scorer name */
	char *scorer_version;
	double score; /**< in [0, 1] */
	char *explanation; /**< may be "" */
	int64_t created_at;
} offerapi_score;

/** An application. */
typedef struct offerapi_application {
	offerapi_id id;
	offerapi_id offer_id;
	offerapi_id candidate_id;
	char *offer_title;
	int offer_is_open;
	char *candidate_name; /**< display name */
	char *candidate_login;
	char *filename; /**< the CV's original file name */
	size_t pdf_size; /**< bytes; read the PDF with offerapi_application_pdf() */
	char *cv_text; /**< extracted text (NULL in lists unless asked for) */
	offerapi_answer *answers;
	size_t nanswers;
	offerapi_score *scores; /**< every stored score, ordered by scorer name */
	size_t nscores;
	int64_t created_at;
} offerapi_application;

/**
 * A list of applications. The fields after items are filled by the paged
 * calls (the others leave NULL, NULL, -1, 0 and NULL, except rank_by).
 */
typedef struct offerapi_application_list {
	size_t count;
	offerapi_application *items;
	char *next; /**< cursor of the page after this one (page.h); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< applications in the whole list with OFFERAPI_PAGE_TOTAL, else -1 */
	int64_t offset; /**< position of items[0] in the list (from 0), -1 unknown */
	char *rank_by; /**< ranked lists: the scorer that ranks them; else NULL */
} offerapi_application_list;

/**
 * Version of offerapi_application_input; set .version to this. The library
 * accepts every version from 1 to the one it was built with ("known and
 * not newer"); another is OFFERAPI_EINVAL naming the struct.
 */
#define OFFERAPI_APPLICATION_INPUT_VERSION 1

/**
 * What a candidate sends. Fill it with designated initializers
 * (.version = OFFERAPI_APPLICATION_INPUT_VERSION, .filename = ...) or start
 * from OFFERAPI_APPLICATION_INPUT_INIT.
 */
typedef struct offerapi_application_input {
	unsigned int version; /**< OFFERAPI_APPLICATION_INPUT_VERSION */
	const char *filename; /**< required; only its last path part is kept */
	const void *pdf; /**< the CV */
	size_t pdf_len;
	const char *const *answers; /**< in the order of the offer's questions; */
	size_t nanswers; /**< fewer than the questions are padded with "" */
} offerapi_application_input;

/** Initialiser: the current version, every field empty. */
#define OFFERAPI_APPLICATION_INPUT_INIT                                                            \
	{                                                                                          \
		OFFERAPI_APPLICATION_INPUT_VERSION, NULL, NULL, 0, NULL, 0                         \
	}

/**
 * Apply to an offer as @p actor (a candidate).
 * @return 0 and the id in @p out_id; OFFERAPI_EPERM (not a candidate),
 *         OFFERAPI_ENOTFOUND (no such offer), OFFERAPI_ECLOSED,
 *         OFFERAPI_EEXISTS (already applied), OFFERAPI_EINVAL / OFFERAPI_ETOOBIG
 *         (a field; an unknown or newer @p in->version names the struct), any error of offerapi_cv_extract(), or a database error
 */
OFFERAPI_EXTERN int offerapi_application_submit(offerapi_store *store, const offerapi_user *actor,
                                                offerapi_id offer_id,
                                                const offerapi_application_input *in,
                                                offerapi_id *out_id);

/** Read one application with its text, answers and scores.
 *  @return 0, OFFERAPI_ENOTFOUND, OFFERAPI_EPERM or a database error */
OFFERAPI_EXTERN int offerapi_application_get(offerapi_store *store, const offerapi_user *actor,
                                             offerapi_id id, offerapi_application **out);

/** The PDF of an application; free *out with offerapi_free(). */
OFFERAPI_EXTERN int offerapi_application_pdf(offerapi_store *store, const offerapi_user *actor,
                                             offerapi_id id, void **out, size_t *out_len);

/** Flags for the list functions. */
#define OFFERAPI_LIST_WITH_TEXT 1u /**< fill cv_text too */

/*
 * Ranking: the rules of every ranked view (dashboard page, API list, CSV),
 * defined here once and applied by the database's index scores_rank.
 *
 * - The ranking scorer: offerapi_rank.by when given; otherwise the first
 *   of offerapi_rank.scorers (the host's scorers in configured order, for
 *   the server the order of --scorers); otherwise OFFERAPI_RANK_DEFAULT.
 * - The allowed names: those of offerapi_rank.scorers, and every scorer
 *   that has stored scores for the offer (a plugin since removed keeps its
 *   column). Another name is OFFERAPI_EINVAL, whose message lists them.
 * - The order: applications with a score from the ranking scorer first,
 *   higher score first; equal scores, the older application first (its
 *   created_at), then the smaller id; then the applications without that
 *   score, older first, then by id. Every application has one place, so
 *   pages never overlap and ties are stable from call to call.
 */

/** Version of offerapi_rank. */
#define OFFERAPI_RANK_VERSION 1

/** The ranking scorer when neither a name nor a host list is given: the
 *  original's simulation, as the library's default scorer. */
#define OFFERAPI_RANK_DEFAULT "random"

/** How an offer's applications are ranked (see "Ranking" above). */
typedef struct offerapi_rank {
	unsigned int version; /**< OFFERAPI_RANK_VERSION */
	const char *by; /**< a scorer name, or NULL for the default */
	const char *const *scorers; /**< the host's scorers, in configured order; may be NULL */
	size_t nscorers;
} offerapi_rank;

/** Initialiser: the default scorer, no host list. */
#define OFFERAPI_RANK_INIT                                                                         \
	{                                                                                          \
		OFFERAPI_RANK_VERSION, NULL, NULL, 0                                               \
	}

/**
 * One page of the applications to an offer, for its recruiter, in the
 * order of "Ranking" above, with every stored score and its explanation,
 * without CV texts. list.rank_by names the ranking scorer.
 * @param rank  NULL: the default scorer, no host list
 * @param page  NULL: the first page of OFFERAPI_PAGE_DEFAULT (page.h)
 * @return 0; OFFERAPI_EPERM (not the offer's recruiter), OFFERAPI_ENOTFOUND
 *         (no such offer), OFFERAPI_EINVAL (an unknown scorer, a bad page or
 *         cursor, a cursor of another offer or scorer), a database error
 */
OFFERAPI_EXTERN int offerapi_application_list_offer_page(
	offerapi_store *store, const offerapi_user *actor, offerapi_id offer_id,
	const offerapi_rank *rank, const offerapi_page *page, offerapi_application_list **out);

/**
 * One page of the applications of @p actor (a candidate), newest first
 * (date, then id, both descending), with their scores.
 * @return 0, OFFERAPI_EPERM (not a candidate), OFFERAPI_EINVAL (page or
 *         cursor), a database error
 */
OFFERAPI_EXTERN int offerapi_application_list_mine_page(offerapi_store *store,
                                                        const offerapi_user *actor,
                                                        const offerapi_page *page,
                                                        offerapi_application_list **out);

/** Every application to an offer, for its recruiter, in the order of
 *  "Ranking" above (@p rank_by NULL: the first scorer by name among the
 *  offer's stored scores, else OFFERAPI_RANK_DEFAULT). Memory grows with
 *  the offer: prefer offerapi_application_list_offer_page(), or
 *  offerapi_application_iter_new() to stream them. */
OFFERAPI_EXTERN int offerapi_application_list_offer(offerapi_store *store,
                                                    const offerapi_user *actor,
                                                    offerapi_id offer_id, const char *rank_by,
                                                    unsigned flags,
                                                    offerapi_application_list **out);

/** Every application of @p actor (a candidate), newest first. */
OFFERAPI_EXTERN int offerapi_application_list_mine(offerapi_store *store,
                                                   const offerapi_user *actor, unsigned flags,
                                                   offerapi_application_list **out);

/** Free an application / a list. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_application_free(offerapi_application *app);
OFFERAPI_EXTERN void offerapi_application_list_free(offerapi_application_list *list);

/**
 * Store (or replace) the score of application @p id by a scorer. This is the
 * host's call (the server's scoring step), not a user's: it checks no role.
 * @return 0, OFFERAPI_EINVAL (score not in [0, 1] or NaN, bad name),
 *         OFFERAPI_ENOTFOUND, or a database error
 */
OFFERAPI_EXTERN int offerapi_score_put(offerapi_store *store, offerapi_id id, const char *scorer,
                                       const char *scorer_version, double score,
                                       const char *explanation);

/** Ids of applications lacking a score from (scorer, version), oldest first,
 *  at most @p max; free *out with offerapi_free(). For rescoring. */
OFFERAPI_EXTERN int offerapi_score_missing(offerapi_store *store, const char *scorer,
                                           const char *scorer_version, size_t max,
                                           offerapi_id **out, size_t *out_count);

#ifdef __cplusplus
}
#endif
#endif
