/*
 * svc_dashboard.c - an offer's dashboard: which scorer ranks it, its
 * columns, its mean, and its CSV export. Pages, API and CSV all come here,
 * so they rank by the same scorer and show the same mean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "explain.h"
#include "svc.h"

const offerapi_score *svc_find_score(const offerapi_application *a, const char *scorer)
{
	for (size_t k = 0; k < a->nscores; k++)
		if (!strcmp(a->scores[k].scorer, scorer))
			return &a->scores[k];
	return NULL;
}

/* The host's scorers, in --scorers order: the ranking's default and the
 * first columns (the library adds every other scorer with stored scores). */
static size_t host_scorers(const app *a, const char **names, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nranked && n < max; i++)
		names[n++] = offerapi_scorers_info(a->scorers, a->ranked[i])->name;
	return n;
}

static void take_summary(svc_dashboard *d, const offerapi_dashboard *x)
{
	d->ncols = 0;
	for (size_t i = 0; i < x->nscorers && d->ncols < SVC_MAX_COLUMNS; i++)
		d->cols[d->ncols++] = x->scorers[i];
	d->by = NULL;
	for (size_t i = 0; x->rank_by && i < d->ncols; i++)
		if (!strcmp(d->cols[i], x->rank_by))
			d->by = d->cols[i];
	d->count = x->count;
	d->scored = (size_t)x->scored;
	d->mean = x->mean;
}

/* Ask the library: an unknown ranking name (OFFERAPI_EINVAL) ranks by the
 * default instead, as the dashboard always did. */
static int get_dashboard(req *r, const char *want, const offerapi_page *page,
                         offerapi_dashboard **out)
{
	const char *host[SVC_MAX_COLUMNS];
	offerapi_rank rank = OFFERAPI_RANK_INIT;
	rank.scorers = host;
	rank.nscorers = host_scorers(r->app, host, SVC_MAX_COLUMNS);
	rank.by = want;
	int rc = offerapi_dashboard_get(r->app->store, r->user, r->id, &rank, page, out);
	if (rc == OFFERAPI_EINVAL && want) {
		rank.by = NULL;
		rc = offerapi_dashboard_get(r->app->store, r->user, r->id, &rank, page, out);
	}
	return rc;
}

/* The summary comes from aggregate queries over every application; the
 * rows are one page of @page; the offer and its jobs come with them, the
 * permission checked by the library before any of it is read
 * (offerapi_dashboard_get: one round trip on PostgreSQL). Its errors are
 * svc_offer_own()'s: a recruiter's role first, then another's offer is
 * err.not_yours and a missing one the library's 404. */
int svc_dashboard_load(req *r, const char *rank, const offerapi_page *page, svc_dashboard *d)
{
	memset(d, 0, sizeof *d);
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = get_dashboard(r, rank && *rank ? rank : NULL, page, &d->dash);
	if (rc == OFFERAPI_EPERM)
		rc = svc_fail(rc, "err.not_yours");
	if (rc) {
		svc_dashboard_free(d);
		return rc;
	}
	d->offer = d->dash->offer; /* borrowed from the dashboard */
	d->list = d->dash->page;
	take_summary(d, d->dash);
	return 0;
}

void svc_dashboard_free(svc_dashboard *d)
{
	offerapi_application_list_free(d->staged);
	offerapi_dashboard_free(d->dash); /* and d->offer, its own */
	memset(d, 0, sizeof *d);
}

/* One CSV cell (RFC 4180). A cell starting with = + - @ (or tab/CR) is
 * prefixed with a quote so a spreadsheet never runs it as a formula. */
static void csv_cell(buf *b, const char *s)
{
	buf_puts(b, "\"");
	if (s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r'))
		buf_puts(b, "'");
	for (; s && *s; s++) {
		if (*s == '"')
			buf_puts(b, "\"\"");
		else
			buf_add(b, s, 1);
	}
	buf_puts(b, "\"");
}

static void date_ymd(char *dst, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(dst, n, "%Y-%m-%d", &tm);
}

/* How the CSV is written: RFC 4180 (',' and '.') by default; ?dialect=excel
 * for a spreadsheet in a French locale (a UTF-8 byte order mark, ';' between
 * cells and ',' in numbers: what French Excel opens as columns and numbers
 * with a double click). */
typedef struct csv_fmt {
	char sep;
	bool comma_decimals;
	bool bom;
} csv_fmt;

/* The CSV's first line. */
static void csv_header(const csv_fmt *f, const svc_dashboard *d, size_t maxq, buf *b)
{
	static const char *const fixed[] = { "rank",        "application_id", "candidate",
		                             "login",       "email",          "stage",
		                             "stage_since", "applied_at",     "filename" };
	if (f->bom)
		buf_puts(b, "\xEF\xBB\xBF");
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		buf_printf(b, "%s%s", i ? (char[]){ f->sep, 0 } : "", fixed[i]);
	for (size_t c = 0; c < d->ncols; c++) {
		buf_add(b, &f->sep, 1);
		csv_cell(b, d->cols[c]);
	}
	buf_printf(b, "%cexplanation", f->sep);
	for (size_t q = 0; q < maxq; q++)
		buf_printf(b, "%cquestion_%zu%canswer_%zu", f->sep, q + 1, f->sep, q + 1);
	buf_puts(b, "\r\n");
}

/* One application's line, ranked @rank (from 1). */
static void csv_row(const csv_fmt *f, const svc_dashboard *d, enum lang lang, size_t maxq,
                    size_t rank, const offerapi_application *a, buf *b)
{
	char day[16], since[16];
	const char s1[2] = { f->sep, 0 };
	date_ymd(day, sizeof day, a->created_at);
	date_ymd(since, sizeof since, a->stage_at ? a->stage_at : a->created_at);
	buf_printf(b, "%zu%s%lld%s", rank, s1, (long long)a->id, s1);
	csv_cell(b, a->candidate_name);
	buf_puts(b, s1);
	csv_cell(b, a->candidate_login);
	buf_puts(b, s1);
	csv_cell(b, a->candidate_email);
	buf_printf(b, "%s%s%s%s%s%s%s", s1, offerapi_stage_name(a->stage), s1, since, s1, day, s1);
	csv_cell(b, a->filename);
	for (size_t c = 0; c < d->ncols; c++) {
		const offerapi_score *s = svc_find_score(a, d->cols[c]);
		buf_puts(b, s1);
		if (s) {
			char num[32];
			snprintf(num, sizeof num, "%.4f", s->score);
			if (f->comma_decimals)
				for (char *p = num; *p; p++)
					if (*p == '.')
						*p = ',';
			buf_puts(b, num);
		}
	}
	const offerapi_score *s = d->by ? svc_find_score(a, d->by) : NULL;
	buf_puts(b, s1);
	buf line;
	buf_init(&line, 256);
	explain_line(lang, &line, s ? s->explanation : "");
	csv_cell(b, line.p ? line.p : "");
	buf_free(&line);
	for (size_t q = 0; q < maxq; q++) {
		buf_puts(b, s1);
		csv_cell(b, q < a->nanswers ? a->answers[q].question : "");
		buf_puts(b, s1);
		csv_cell(b, q < a->nanswers ? a->answers[q].answer : "");
	}
	buf_puts(b, "\r\n");
}

/* The request's ?rank, ?cursor and ?limit (1..OFFERAPI_PAGE_MAX; absent:
 * OFFERAPI_PAGE_DEFAULT). A malformed value is OFFERAPI_EINVAL; a too
 * long or unknown ranking name ranks by the default. */
static int page_query(req *r, char *rank, size_t nrank, char *cursor, size_t ncursor,
                      offerapi_page *page, const char **want)
{
	int n = query_var(r, "rank", rank, nrank);
	int c = query_var(r, "cursor", cursor, ncursor);
	char limit[8];
	int l = query_var(r, "limit", limit, sizeof limit);
	*page = (offerapi_page)OFFERAPI_PAGE_INIT;
	*want = n < 0 ? NULL : rank;
	if (n == -3 || c == -3 || c == -2 || l == -3 || l == -2)
		return svc_fail(OFFERAPI_EINVAL, "err.bad_query");
	page->cursor = c < 0 ? NULL : cursor;
	if (l >= 0) {
		char *end;
		long v = strtol(limit, &end, 10);
		if (!*limit || *end || v < 1 || v > OFFERAPI_PAGE_MAX)
			return svc_fail(OFFERAPI_EINVAL, "err.bad_query");
		page->limit = (size_t)v;
	}
	return 0;
}

int svc_dashboard_for(req *r, svc_dashboard *d)
{
	char rank[OFFERAPI_SCORER_NAME_MAX + 1], cursor[OFFERAPI_CURSOR_MAX];
	offerapi_page page;
	const char *want;
	memset(d, 0, sizeof *d);
	int rc = page_query(r, rank, sizeof rank, cursor, sizeof cursor, &page, &want);
	char name[16];
	int n = query_var(r, "stage", name, sizeof name);
	offerapi_stage st = OFFERAPI_STAGE_RECEIVED;
	if (rc == 0 && (n == -3 || n == -2 || (n > 0 && offerapi_stage_parse(&st, name) < 0)))
		rc = svc_fail(OFFERAPI_EINVAL, "err.bad_stage");
	if (rc || n <= 0)
		return rc ? rc : svc_dashboard_load(r, want, &page, d);
	/* the summary with the smallest ranked page, then the stage's page */
	offerapi_page one = OFFERAPI_PAGE_INIT;
	one.limit = 1;
	if ((rc = svc_dashboard_load(r, want, &one, d)))
		return rc;
	page.flags |= OFFERAPI_PAGE_TOTAL;
	rc = offerapi_application_list_stage_page(r->app->store, r->user, r->id, st, &page,
	                                          &d->staged);
	if (rc) {
		svc_dashboard_free(d);
		return rc;
	}
	d->list = d->staged;
	d->stage = offerapi_stage_name(st);
	return 0;
}

/* ---- the CSV, streamed ---- */

struct svc_csv {
	svc_dashboard d; /* the summary only (no page); d.offer is @offer */
	offerapi_offer *offer;
	offerapi_application_iter *it;
	enum lang lang;
	csv_fmt fmt;
	size_t rank; /* rows written */
	bool header_done;
};

int svc_dashboard_csv_open(req *r, svc_csv **out)
{
	*out = NULL;
	char rank[OFFERAPI_SCORER_NAME_MAX + 1], cursor[OFFERAPI_CURSOR_MAX];
	offerapi_page page;
	const char *want;
	int rc = page_query(r, rank, sizeof rank, cursor, sizeof cursor, &page, &want);
	char dialect[16];
	int n = query_var(r, "dialect", dialect, sizeof dialect);
	csv_fmt fmt = { ',', false, false };
	if (n >= 0 && !strcmp(dialect, "excel"))
		fmt = (csv_fmt){ ';', true, true };
	else if (rc == 0 && n != -1 && !(n >= 0 && !strcmp(dialect, "rfc4180")))
		rc = svc_fail(OFFERAPI_EINVAL, "err.bad_dialect");
	svc_csv *c = rc ? NULL : calloc(1, sizeof *c);
	if (rc == 0 && !c)
		rc = OFFERAPI_ENOMEM;
	if (rc == 0)
		rc = svc_offer_own(r, &c->offer);
	const char *host[SVC_MAX_COLUMNS];
	offerapi_rank rk = OFFERAPI_RANK_INIT;
	rk.scorers = host;
	rk.nscorers = host_scorers(r->app, host, SVC_MAX_COLUMNS);
	rk.by = want && *want ? want : NULL;
	if (rc == 0) {
		rc = offerapi_application_iter_new(&c->it, r->app->store, r->user, r->id, &rk, 0);
		if (rc == OFFERAPI_EINVAL && rk.by) {
			rk.by = NULL;
			rc = offerapi_application_iter_new(&c->it, r->app->store, r->user, r->id,
			                                   &rk, 0);
		}
	}
	/* the export shows every candidate's data: one record each */
	if (rc == 0)
		rc = svc_access(r, r->id, OFFERAPI_ACCESS_CSV, NULL);
	if (rc) {
		svc_dashboard_csv_close(c);
		return rc;
	}
	take_summary(&c->d, offerapi_application_iter_summary(c->it));
	c->d.offer = c->offer;
	c->lang = r->lang;
	c->fmt = fmt;
	*out = c;
	return 0;
}

int svc_dashboard_csv_next(svc_csv *c, buf *out, size_t want)
{
	const offerapi_dashboard *x = offerapi_application_iter_summary(c->it);
	size_t maxq = x->max_answers > 0 ? (size_t)x->max_answers : 0;
	if (!c->header_done) {
		csv_header(&c->fmt, &c->d, maxq, out);
		c->header_done = true;
	}
	while (out->len < want && !out->failed) {
		const offerapi_application *a = NULL;
		int rc = offerapi_application_iter_next(c->it, &a);
		if (rc)
			return rc;
		if (!a)
			return 1;
		csv_row(&c->fmt, &c->d, c->lang, maxq, ++c->rank, a, out);
	}
	return out->failed ? OFFERAPI_ENOMEM : 0;
}

void svc_dashboard_csv_close(svc_csv *c)
{
	if (!c)
		return;
	offerapi_application_iter_free(c->it);
	offerapi_offer_free(c->offer);
	free(c);
}
