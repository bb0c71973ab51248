/*
 * app_internal.h - reading application rows, shared by applications.c,
 * lists.c and dashboard.c (never installed).
 */
#ifndef OFFERAPI_APP_INTERNAL_H
#define OFFERAPI_APP_INTERNAL_H

#include <stdbool.h>

#include "offerapi/application.h"
#include "keyset.h"
#include "store_internal.h"

/*
 * The columns app_from_row() reads, from column @c on: id, offer_id,
 * candidate_id, offer title, offer is_open, candidate name and login,
 * filename, pdf_size, answers, created_at, stage, stage_at, reason,
 * reason_text, show_reason, the candidate's email, pool_consent,
 * consent_at, notice_version. @text_col (or -1) holds
 * the CV text.
 */
#define APP_COLUMNS                                                                                \
	"a.id, a.offer_id, a.candidate_id, o.title, o.is_open, u.display_name, u.login,"           \
	" a.filename, a.pdf_size, a.answers, a.created_at, a.stage, a.stage_at, a.reason,"         \
	" a.reason_text, a.show_reason, u.email, a.pool_consent, a.consent_at, a.notice_version"
#define APP_NCOLUMNS 20
int app_from_row(const db_result *r, int row, int c, int text_col, offerapi_application *a);
void app_clear(offerapi_application *a);

/* The candidate's view of @a: the rejection's reason only when shown. */
void app_hide_reason(offerapi_application *a);

/* Open the sealed CV text in cell (@row, @col) of @r (NULL: none) into
 * a->cv_text. */
int app_text_open(offerapi_store *s, offerapi_application *a, const db_result *r, int row, int col);

/* Attach the scores of @r's rows (the application's id in column @idcol;
 * scorer, version, score, explanation, created_at from column @scol; rows
 * whose scorer is NULL skipped) to @items, in any order; each item's scores
 * end up ordered by scorer name. */
int attach_scores(const db_result *r, int idcol, int scol, offerapi_application *items,
                  size_t count);

/* EINVAL unless @name is a scorer name (a-z, 0-9, -; at most 64 bytes). */
int check_scorer_name(const char *name);

/* ---- ranked lists (lists.c) ---- */

/* The ranked list of an offer (see "Ranking" in application.h). */
void ranked_spec(ks_spec *spec);
uint32_t ranked_scope(offerapi_id offer_id, const char *by);

/* The ranking scorer for @rank (defaults applied, version checked) into
 * @by; @known says whether it is the default or in the host's list (else
 * it must have stored scores for the offer: rank_check_stored()). */
int rank_choose(const offerapi_rank *rank, char by[OFFERAPI_SCORER_NAME_MAX + 1], bool *known);

/* A request for a page of an offer's ranked list. */
typedef struct ranked_req {
	char by[OFFERAPI_SCORER_NAME_MAX + 1]; /* the ranking scorer */
	bool known; /* rank_choose()'s */
	ks_cursor c;
	size_t limit;
	bool last, total; /* OFFERAPI_PAGE_LAST, OFFERAPI_PAGE_TOTAL */
} ranked_req;

/* rank_choose() into @out's by and known, then @page read as a place in
 * the offer's ranked list by that scorer: its cursor, limit and flags. */
int ranked_page_parse(offerapi_id offer_id, const offerapi_rank *rank, const offerapi_page *page,
                      ranked_req *out);

/* The scorers of @rank's host list then those with stored scores for the
 * offer, by name, without repeats: malloc'd names (free with
 * rank_names_free). */
int rank_names(offerapi_store *s, offerapi_id offer_id, const offerapi_rank *rank, char ***out,
               size_t *n);
void rank_names_free(char **names, size_t n);

/* EINVAL naming the allowed scorers unless @by is one of @names. */
int rank_allowed(const char *by, char *const *names, size_t n);

/* total of ranked_page(): not wanted, or counted by its statement;
 * otherwise the caller knows it (>= 0). */
#define RANK_TOTAL_NO (-1)
#define RANK_TOTAL_COUNT (-2)

/* One page of the ranked list, no permission checked. */
int ranked_page(offerapi_store *s, offerapi_id offer_id, const char *by, const ks_cursor *c,
                bool last, int64_t total, size_t limit, bool with_text,
                offerapi_application_list **out);

/* ranked_page() in two steps around a batch (no CV text, no total
 * counted): the page's statement into @q, then the page from its result
 * @r (taken: freed here) once the total (>= 0) is known. */
int ranked_page_query(offerapi_id offer_id, const char *by, const ks_cursor *c, bool last,
                      size_t limit, ks_query *q);
int ranked_page_take(offerapi_store *s, offerapi_id offer_id, const char *by, const ks_cursor *c,
                     bool last, int64_t total, size_t limit, db_result *r,
                     offerapi_application_list **out);

#endif
