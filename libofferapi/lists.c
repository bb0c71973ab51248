/*
 * lists.c - an offer's applications ranked by a scorer and a candidate's
 * applications, page by page (page.h, keyset.h); the whole lists of the
 * calls made before pages, built from pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "app_internal.h"

/* ---- the lists ---- */

/*
 * The ranked list, as application.h's "Ranking" says: the applications
 * the scorer scored ($2), score descending, then date and id ascending,
 * read from scores_rank; then the others, by date and id, from
 * applications_offer_created, each probed in the scores' primary key. The
 * probe is a scalar subquery, not NOT EXISTS: PostgreSQL turns NOT EXISTS
 * into an anti-join that hashes every score of the scorer, then sorts;
 * the subquery keeps the walk in index order, stopping at the page.
 */
void ranked_spec(ks_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	spec->kind = 'r';
	spec->nphases = 2;
	spec->phases[0] = (ks_phase){ "sc.application_id",
		                      " FROM scores sc WHERE sc.offer_id = $1 AND sc.scorer = $2",
		                      { { "sc.score", true },
		                        { "sc.app_created_at", false },
		                        { "sc.application_id", false } },
		                      3,
		                      's' };
	spec->phases[1] = (ks_phase){ "a0.id",
		                      " FROM applications a0 WHERE a0.offer_id = $1 AND"
		                      " (SELECT 1 FROM scores x WHERE x.application_id = a0.id"
		                      " AND x.scorer = $2) IS NULL",
		                      { { "a0.created_at", false }, { "a0.id", false } },
		                      2,
		                      'u' };
	spec->count_from = " FROM applications c0 WHERE c0.offer_id = $1";
	spec->nfixed = 2;
}

uint32_t ranked_scope(offerapi_id offer_id, const char *by)
{
	char what[128];
	snprintf(what, sizeof what, "r|%lld|%.64s", (long long)offer_id, by);
	return ks_scope(what);
}

int ranked_page_parse(offerapi_id offer_id, const offerapi_rank *rank, const offerapi_page *page,
                      ranked_req *out)
{
	int rc = rank_choose(rank, out->by, &out->known);
	if (rc < 0)
		return rc;
	unsigned flags = page ? page->flags : 0;
	out->last = flags & OFFERAPI_PAGE_LAST;
	out->total = flags & OFFERAPI_PAGE_TOTAL;
	ks_spec spec;
	ranked_spec(&spec);
	return ks_page_parse(&spec, ranked_scope(offer_id, out->by), page, &out->c, &out->limit);
}

/* A candidate's applications, newest first (applications_candidate_created). */
static void mine_spec(ks_spec *spec)
{
	ks_spec_newest(spec, 'm', "a0.id", "a0.created_at",
	               " FROM applications a0 WHERE a0.candidate_id = $1");
}

/* ---- a page ---- */

/* After k.ph, k.k1, k.k2, k.k3 (and the total): the application, one of its
 * scores (NULL when none: a row per score), and with_text its CV text. */
#define LIST_COLUMNS                                                                               \
	", " APP_COLUMNS ", s2.scorer, s2.scorer_version, s2.score, s2.explanation, s2.created_at"
#define LIST_JOIN(offer)                                                                           \
	" JOIN applications a ON a.id = k.id JOIN offers o ON o.id = " offer                       \
	" JOIN users u ON u.id = a.candidate_id LEFT JOIN scores s2 ON s2.application_id = a.id"
#define LIST_TEXT_JOIN " LEFT JOIN cv_sealed c ON c.application_id = a.id"

/* The items of the page's kept rows, with their scores. */
static int page_items(offerapi_store *s, const db_result *r, int base, bool with_text,
                      const ks_row *rows, const ks_page *pg, offerapi_application_list *l)
{
	l->items = calloc(pg->count ? pg->count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < pg->count && rc == 0; i++)
		if ((rc = app_from_row(r, rows[pg->first + i].row, base, -1, &l->items[i])) == 0)
			l->count++;
	for (size_t i = 0; with_text && rc == 0 && i < l->count; i++)
		rc = app_text_open(s, &l->items[i], r, rows[pg->first + i].row,
		                   base + APP_NCOLUMNS + 5);
	if (rc == 0)
		rc = attach_scores(r, base, base + APP_NCOLUMNS, l->items, l->count);
	return rc;
}

/* The columns and joins of a page of applications, with_text the CV text:
 * a ranked list, or one stage's, has one offer ($1) whose row is read
 * once, not joined to each application (PostgreSQL would merge-join
 * offers_pkey). */
static void apps_sql(const ks_spec *spec, bool with_text, const char **cols, const char **join)
{
	bool one_offer = spec->kind == 'r' || spec->kind == 's';
	*cols = with_text ? LIST_COLUMNS ", c.cv_text" : LIST_COLUMNS;
	if (with_text)
		*join = one_offer ? LIST_JOIN("$1") LIST_TEXT_JOIN
		                  : LIST_JOIN("a.offer_id") LIST_TEXT_JOIN;
	else
		*join = one_offer ? LIST_JOIN("$1") : LIST_JOIN("a.offer_id");
}

/* The request of a page of @spec; @total as ranked_page() takes it. */
static ks_req apps_req(const ks_spec *spec, uint32_t scope, const ks_cursor *c, bool last,
                       int64_t total, size_t limit)
{
	return (ks_req){
		spec, scope, *c, limit, last, total == RANK_TOTAL_COUNT, total >= 0 ? total : -1
	};
}

/* The list from the page of @res (released here). */
static int apps_list(offerapi_store *s, bool with_text, ks_result *res,
                     offerapi_application_list **out)
{
	offerapi_application_list *l = calloc(1, sizeof *l);
	if (!l) {
		ks_result_free(res);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	l->offset = res->page.offset;
	ks_take_page(res, &l->total, &l->next, &l->prev);
	int rc = page_items(s, res->r, res->base, with_text, res->rows, &res->page, l);
	ks_result_free(res);
	if (rc < 0) {
		offerapi_application_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* One page of @spec over @fixed; @total as ranked_page() takes it. */
static int apps_page(offerapi_store *s, const ks_spec *spec, uint32_t scope, const db_param *fixed,
                     const ks_cursor *c, bool last, int64_t total, size_t limit, bool with_text,
                     offerapi_application_list **out)
{
	ks_req req = apps_req(spec, scope, c, last, total, limit);
	const char *cols, *join;
	apps_sql(spec, with_text, &cols, &join);
	ks_result res;
	int rc = ks_run(s, &req, cols, join, fixed, &res);
	return rc < 0 ? rc : apps_list(s, with_text, &res, out);
}

/* The list's scorer, after the list is made. */
static int ranked_by(const char *by, int rc, offerapi_application_list **out)
{
	if (rc == 0 && !((*out)->rank_by = oa_strdup(by))) {
		offerapi_application_list_free(*out);
		*out = NULL;
		rc = OFFERAPI_ENOMEM;
	}
	return rc;
}

int ranked_page(offerapi_store *s, offerapi_id offer_id, const char *by, const ks_cursor *c,
                bool last, int64_t total, size_t limit, bool with_text,
                offerapi_application_list **out)
{
	ks_spec spec;
	ranked_spec(&spec);
	db_param fixed[] = { P_INT(offer_id), P_TEXT(by) };
	int rc = apps_page(s, &spec, ranked_scope(offer_id, by), fixed, c, last, total, limit,
	                   with_text, out);
	return ranked_by(by, rc, out);
}

int ranked_page_query(offerapi_id offer_id, const char *by, const ks_cursor *c, bool last,
                      size_t limit, ks_query *q)
{
	ks_spec spec;
	ranked_spec(&spec);
	db_param fixed[] = { P_INT(offer_id), P_TEXT(by) };
	const char *cols, *join;
	apps_sql(&spec, false, &cols, &join);
	return ks_build(&spec, c, last, false, limit, 0, cols, join, fixed, q);
}

int ranked_page_take(offerapi_store *s, offerapi_id offer_id, const char *by, const ks_cursor *c,
                     bool last, int64_t total, size_t limit, db_result *r,
                     offerapi_application_list **out)
{
	ks_spec spec;
	ranked_spec(&spec);
	db_param fixed[] = { P_INT(offer_id), P_TEXT(by) };
	ks_req req = apps_req(&spec, ranked_scope(offer_id, by), c, last, total, limit);
	ks_result res;
	int rc = ks_run_take(s, &req, fixed, r, &res);
	if (rc == 0)
		rc = apps_list(s, false, &res, out);
	return ranked_by(by, rc, out);
}

/* ---- the ranking scorer ---- */

int rank_choose(const offerapi_rank *rank, char by[OFFERAPI_SCORER_NAME_MAX + 1], bool *known)
{
	offerapi_rank def = OFFERAPI_RANK_INIT;
	if (!rank)
		rank = &def;
	int rc = oa_check_version("rank", rank->version, OFFERAPI_RANK_VERSION);
	if (rc < 0)
		return rc;
	if (rank->nscorers && !rank->scorers)
		return oa_error(OFFERAPI_EINVAL, "rank: %zu scorers and no list", rank->nscorers);
	for (size_t i = 0; i < rank->nscorers; i++)
		if (check_scorer_name(rank->scorers[i]) < 0)
			return oa_error(OFFERAPI_EINVAL, "rank: host scorer %zu: %s", i + 1,
			                offerapi_error_last()->message);
	const char *name = rank->by;
	*known = true;
	if (name) {
		if ((rc = check_scorer_name(name)) < 0)
			return rc;
		*known = false;
		for (size_t i = 0; i < rank->nscorers && !*known; i++)
			*known = strcmp(rank->scorers[i], name) == 0;
	} else {
		name = rank->nscorers ? rank->scorers[0] : OFFERAPI_RANK_DEFAULT;
	}
	snprintf(by, OFFERAPI_SCORER_NAME_MAX + 1, "%s", name);
	return 0;
}

void rank_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

/* The distinct scorers with stored scores for the offer, by name: one seek
 * per name in scores_rank (a loose index scan), not a walk of every score. */
#define STORED_SCORERS                                                                             \
	"WITH RECURSIVE n(s) AS (SELECT MIN(scorer) FROM scores WHERE offer_id = $1"               \
	" UNION ALL SELECT (SELECT MIN(scorer) FROM scores WHERE offer_id = $1"                    \
	" AND scorer > n.s) FROM n WHERE n.s IS NOT NULL)"                                         \
	" SELECT s FROM n WHERE s IS NOT NULL LIMIT 64"

static bool has_name(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

int rank_names(offerapi_store *s, offerapi_id offer_id, const offerapi_rank *rank, char ***out,
               size_t *n)
{
	*out = NULL;
	*n = 0;
	db_result *r = NULL;
	int rc = store_exec(s, STORED_SCORERS, (db_param[]){ P_INT(offer_id) }, 1, &r);
	if (rc < 0)
		return rc;
	size_t host = rank ? rank->nscorers : 0;
	char **names = calloc(host + (size_t)r->nrows + 1, sizeof *names);
	size_t k = 0;
	for (size_t i = 0; names && rc == 0 && i < host + (size_t)r->nrows; i++) {
		const char *name = i < host ? rank->scorers[i] : db_text(r, (int)(i - host), 0);
		if (has_name(names, k, name))
			continue;
		if (!(names[k] = oa_strdup(name)))
			rc = OFFERAPI_ENOMEM;
		else
			k++;
	}
	db_result_free(r);
	if (!names || rc < 0) {
		rank_names_free(names, k);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	*out = names;
	*n = k;
	return 0;
}

int rank_allowed(const char *by, char *const *names, size_t n)
{
	if (has_name(names, n, by))
		return 0;
	char list[1024] = "";
	size_t len = 0;
	for (size_t i = 0; i < n && len + 80 < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
		                        names[i]);
	return oa_error(OFFERAPI_EINVAL, "rank: unknown scorer \"%s\" (allowed: %s)", by,
	                n ? list : "none: no scorer is configured or has scored this offer");
}

/* ---- the public calls ---- */

int offerapi_application_list_offer_page(offerapi_store *s, const offerapi_user *actor,
                                         offerapi_id offer_id, const offerapi_rank *rank,
                                         const offerapi_page *page, offerapi_application_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "application list: no output given");
	*out = NULL;
	ranked_req q;
	int rc = ranked_page_parse(offer_id, rank, page, &q);
	if (rc < 0)
		return rc;
	if ((rc = store_check_owner(s, actor, offer_id, "read the applications to an offer")) < 0)
		return rc;
	if (!q.known) {
		char **names;
		size_t n;
		if ((rc = rank_names(s, offer_id, rank, &names, &n)) < 0)
			return rc;
		rc = rank_allowed(q.by, names, n);
		rank_names_free(names, n);
		if (rc < 0)
			return rc;
	}
	return ranked_page(s, offer_id, q.by, &q.c, q.last,
	                   q.total ? RANK_TOTAL_COUNT : RANK_TOTAL_NO, q.limit, false, out);
}

int offerapi_application_list_mine_page(offerapi_store *s, const offerapi_user *actor,
                                        const offerapi_page *page, offerapi_application_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "application list: no output given");
	*out = NULL;
	int rc = store_require_role(actor, OFFERAPI_ROLE_CANDIDATE, "list your applications");
	if (rc < 0)
		return rc;
	ks_spec spec;
	mine_spec(&spec);
	uint32_t scope = ks_scope_id('m', actor->id);
	ks_cursor c;
	size_t limit;
	if ((rc = ks_page_parse(&spec, scope, page, &c, &limit)) < 0)
		return rc;
	unsigned pf = page ? page->flags : 0;
	rc = apps_page(
		s, &spec, scope, (db_param[]){ P_INT(actor->id) }, &c, pf & OFFERAPI_PAGE_LAST,
		pf & OFFERAPI_PAGE_TOTAL ? RANK_TOTAL_COUNT : RANK_TOTAL_NO, limit, false, out);
	for (size_t i = 0; rc == 0 && i < (*out)->count; i++)
		app_hide_reason(&(*out)->items[i]);
	return rc;
}

/* An offer's applications at one stage, oldest first
 * (applications_offer_stage). */
static void stage_spec(ks_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	spec->kind = 's';
	spec->nphases = 1;
	spec->phases[0] = (ks_phase){
		"a0.id",
		" FROM applications a0 WHERE a0.offer_id = $1 AND a0.stage = $2",
		{ { "a0.created_at", false }, { "a0.id", false } },
		2,
		0
	};
	spec->count_from = spec->phases[0].from;
	spec->nfixed = 2;
}

int offerapi_application_list_stage_page(offerapi_store *s, const offerapi_user *actor,
                                         offerapi_id offer_id, offerapi_stage stage,
                                         const offerapi_page *page, offerapi_application_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "application list: no output given");
	*out = NULL;
	const char *name = offerapi_stage_name(stage);
	if (!name)
		return oa_error(OFFERAPI_EINVAL, "stage: %d is not a stage", (int)stage);
	ks_spec spec;
	stage_spec(&spec);
	char what[64];
	snprintf(what, sizeof what, "s|%lld|%s", (long long)offer_id, name);
	uint32_t scope = ks_scope(what);
	ks_cursor c;
	size_t limit;
	int rc = ks_page_parse(&spec, scope, page, &c, &limit);
	if (rc == 0)
		rc = store_check_owner(s, actor, offer_id, "read the applications to an offer");
	if (rc < 0)
		return rc;
	unsigned pf = page ? page->flags : 0;
	return apps_page(s, &spec, scope, (db_param[]){ P_INT(offer_id), P_TEXT(name) }, &c,
	                 pf & OFFERAPI_PAGE_LAST,
	                 pf & OFFERAPI_PAGE_TOTAL ? RANK_TOTAL_COUNT : RANK_TOTAL_NO, limit, false,
	                 out);
}

/* ---- the whole lists, page after page ---- */

/* Move @src's items to the end of @dst. */
static int list_append(offerapi_application_list *dst, offerapi_application_list *src)
{
	offerapi_application *items = realloc(dst->items,
	                                      (dst->count + src->count + 1) * sizeof *items);
	if (!items)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	memcpy(items + dst->count, src->items, src->count * sizeof *items);
	dst->items = items;
	dst->count += src->count;
	src->count = 0;
	return 0;
}

/* Every page of a list of @spec. @by non-NULL: the ranked list. */
static int whole_list(offerapi_store *s, const ks_spec *spec, uint32_t scope, const db_param *fixed,
                      const char *by, bool with_text, offerapi_application_list **out)
{
	offerapi_application_list *all = calloc(1, sizeof *all), *l = NULL;
	int rc = all ? 0 : oa_error(OFFERAPI_ENOMEM, "out of memory");
	ks_cursor c = { false, false, -1, { 0, 0, 0, 0 } };
	while (rc == 0) {
		rc = by ? ranked_page(s, fixed[0].i, by, &c, false, RANK_TOTAL_NO,
		                      OFFERAPI_PAGE_MAX, with_text, &l)
		        : apps_page(s, spec, scope, fixed, &c, false, RANK_TOTAL_NO,
		                    OFFERAPI_PAGE_MAX, with_text, &l);
		if (rc == 0)
			rc = list_append(all, l);
		if (rc == 0 && !l->next)
			break;
		offerapi_page next = { .version = OFFERAPI_PAGE_VERSION,
			               .cursor = l ? l->next : NULL,
			               .limit = OFFERAPI_PAGE_MAX };
		if (rc == 0)
			rc = ks_page_parse(spec, scope, &next, &c, &(size_t){ 0 });
		offerapi_application_list_free(l);
		l = NULL;
	}
	if (rc == 0 && by && !(all->rank_by = oa_strdup(by)))
		rc = OFFERAPI_ENOMEM;
	offerapi_application_list_free(l);
	if (rc < 0) {
		offerapi_application_list_free(all);
		return rc;
	}
	all->total = -1;
	all->offset = 0;
	*out = all;
	return 0;
}

int offerapi_application_list_offer(offerapi_store *s, const offerapi_user *actor,
                                    offerapi_id offer_id, const char *rank_by, unsigned flags,
                                    offerapi_application_list **out)
{
	*out = NULL;
	int rc = store_check_owner(s, actor, offer_id, "read the applications to an offer");
	if (rc < 0)
		return rc;
	/* as before pages: by default the first scorer by name among the
	 * stored scores (one seek in scores_rank); any name is accepted */
	db_result *r = NULL;
	char *first = NULL;
	if (!rank_by) {
		rc = store_exec(s, "SELECT MIN(scorer) FROM scores WHERE offer_id = $1",
		                (db_param[]){ P_INT(offer_id) }, 1, &r);
		if (rc == 0 && !db_isnull(r, 0, 0) && !(first = oa_strdup(db_text(r, 0, 0))))
			rc = OFFERAPI_ENOMEM;
		db_result_free(r);
	}
	const char *by = rank_by ? rank_by : first ? first : OFFERAPI_RANK_DEFAULT;
	ks_spec spec;
	ranked_spec(&spec);
	if (rc == 0)
		rc = whole_list(s, &spec, ranked_scope(offer_id, by),
		                (db_param[]){ P_INT(offer_id), P_TEXT(by) }, by,
		                flags & OFFERAPI_LIST_WITH_TEXT, out);
	free(first);
	return rc;
}

int offerapi_application_list_mine(offerapi_store *s, const offerapi_user *actor, unsigned flags,
                                   offerapi_application_list **out)
{
	*out = NULL;
	int rc = store_require_role(actor, OFFERAPI_ROLE_CANDIDATE, "list your applications");
	if (rc < 0)
		return rc;
	ks_spec spec;
	mine_spec(&spec);
	rc = whole_list(s, &spec, ks_scope_id('m', actor->id), (db_param[]){ P_INT(actor->id) },
	                NULL, flags & OFFERAPI_LIST_WITH_TEXT, out);
	for (size_t i = 0; rc == 0 && i < (*out)->count; i++)
		app_hide_reason(&(*out)->items[i]);
	return rc;
}
