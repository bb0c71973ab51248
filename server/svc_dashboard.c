/*
 * svc_dashboard.c - an offer's dashboard: which scorer ranks it, its
 * columns, its mean, and its CSV export. Pages, API and CSV all come here,
 * so they rank by the same scorer and show the same mean.
 */
#include <stdio.h>
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

/* The scorer columns: every loaded scorer in --scorers order, then names
 * found in stored scores that no loaded scorer has (kept from an earlier
 * configuration). */
static size_t score_columns(const app *a, const offerapi_application_list *l, const char **cols,
                            size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nranked && n < max; i++)
		cols[n++] = offerapi_scorers_info(a->scorers, a->ranked[i])->name;
	for (size_t i = 0; i < l->count; i++)
		for (size_t k = 0; k < l->items[i].nscores; k++) {
			const char *s = l->items[i].scores[k].scorer;
			size_t j = 0;
			while (j < n && strcmp(cols[j], s))
				j++;
			if (j == n && n < max)
				cols[n++] = s;
		}
	return n;
}

static const char *find_column(const svc_dashboard *d, const char *name)
{
	for (size_t i = 0; name && i < d->ncols; i++)
		if (!strcmp(d->cols[i], name))
			return d->cols[i];
	return NULL;
}

/* The ranking rule: the scorer asked for when it has a column, else the
 * first configured scorer, else the first stored one. */
int svc_dashboard_load(req *r, const char *rank, svc_dashboard *d)
{
	memset(d, 0, sizeof *d);
	int rc = svc_offer_own(r, &d->offer);
	if (rc)
		return rc;
	const app *a = r->app;
	const char *want = rank && *rank ? rank : NULL;
	if (!want && a->nranked)
		want = offerapi_scorers_info(a->scorers, a->ranked[0])->name;
	rc = offerapi_application_list_offer(r->app->store, r->user, r->id, want, 0, &d->list);
	if (rc == 0) {
		d->ncols = score_columns(a, d->list, d->cols, SVC_MAX_COLUMNS);
		d->by = find_column(d, want);
		if (!d->by && d->ncols) {
			/* an unknown name: rank by the default column instead */
			d->by = d->cols[0];
			offerapi_application_list_free(d->list);
			d->list = NULL;
			rc = offerapi_application_list_offer(r->app->store, r->user, r->id, d->by,
			                                     0, &d->list);
			d->ncols = rc ? 0 : score_columns(a, d->list, d->cols, SVC_MAX_COLUMNS);
			d->by = rc ? NULL : find_column(d, d->by);
		}
	}
	if (rc) {
		svc_dashboard_free(d);
		return rc;
	}
	double sum = 0;
	for (size_t i = 0; d->by && i < d->list->count; i++) {
		const offerapi_score *s = svc_find_score(&d->list->items[i], d->by);
		if (s) {
			sum += s->score;
			d->scored++;
		}
	}
	d->mean = d->scored ? sum / (double)d->scored : 0;
	return 0;
}

void svc_dashboard_free(svc_dashboard *d)
{
	offerapi_application_list_free(d->list);
	offerapi_offer_free(d->offer);
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

void svc_dashboard_csv(const svc_dashboard *d, enum lang lang, buf *b)
{
	const offerapi_application_list *l = d->list;
	size_t maxq = 0;
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].nanswers > maxq)
			maxq = l->items[i].nanswers;
	buf_puts(b, "rank,application_id,candidate,login,applied_at,filename");
	for (size_t c = 0; c < d->ncols; c++) {
		buf_puts(b, ",");
		csv_cell(b, d->cols[c]);
	}
	buf_puts(b, ",explanation");
	for (size_t q = 0; q < maxq; q++)
		buf_printf(b, ",question_%zu,answer_%zu", q + 1, q + 1);
	buf_puts(b, "\r\n");
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_application *a = &l->items[i];
		char day[16];
		date_ymd(day, sizeof day, a->created_at);
		buf_printf(b, "%zu,%lld,", i + 1, (long long)a->id);
		csv_cell(b, a->candidate_name);
		buf_puts(b, ",");
		csv_cell(b, a->candidate_login);
		buf_printf(b, ",%s,", day);
		csv_cell(b, a->filename);
		for (size_t c = 0; c < d->ncols; c++) {
			const offerapi_score *s = svc_find_score(a, d->cols[c]);
			if (s)
				buf_printf(b, ",%.4f", s->score);
			else
				buf_puts(b, ",");
		}
		const offerapi_score *s = d->by ? svc_find_score(a, d->by) : NULL;
		buf_puts(b, ",");
		buf line;
		buf_init(&line, 256);
		explain_line(lang, &line, s ? s->explanation : "");
		csv_cell(b, line.data ? line.data : "");
		buf_free(&line);
		for (size_t q = 0; q < maxq; q++) {
			buf_puts(b, ",");
			csv_cell(b, q < a->nanswers ? a->answers[q].question : "");
			buf_puts(b, ",");
			csv_cell(b, q < a->nanswers ? a->answers[q].answer : "");
		}
		buf_puts(b, "\r\n");
	}
}

int svc_dashboard_for(req *r, svc_dashboard *d)
{
	char rank[OFFERAPI_SCORER_NAME_MAX + 1];
	int n = query_var(r, "rank", rank, sizeof rank);
	if (n == -3) {
		memset(d, 0, sizeof *d);
		return svc_fail(OFFERAPI_EINVAL, "err.bad_query");
	}
	return svc_dashboard_load(r, n < 0 ? NULL : rank, d);
}

int svc_dashboard_csv_for(req *r, buf *out)
{
	svc_dashboard d;
	int rc = svc_dashboard_for(r, &d);
	if (rc == 0)
		svc_dashboard_csv(&d, r->lang, out);
	svc_dashboard_free(&d);
	return rc;
}
