/*
 * pages_dashboard.c - an offer's dashboard with its charts, its CSV export,
 * and the CVs (PDF and extracted text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "pages.h"

/* What the bulk form sent (POST /offers/{id}/applications/stage), shown
 * again with its error when it was refused. */
typedef struct bulk_state {
	const char **sel; /* the selected ids, as sent */
	size_t nsel;
	bool reject; /* the "reject" button, not "move" */
	const char *stage, *reason, *reason_text;
	bool show;
	const char *err_field; /* "application_ids", "stage", "reason", "reason_text" */
	offerapi_id bad_app; /* the application the error is about, or 0 (every one) */
	char err[700];
} bulk_state;

/* Whether application @id was among the selected ones. */
static bool bulk_selected(const bulk_state *bs, offerapi_id id)
{
	for (size_t i = 0; bs && i < bs->nsel; i++)
		if (strtoll(bs->sel[i], NULL, 10) == id)
			return true;
	return false;
}

/* The error of field @name of the bulk form, or NULL. */
static const char *bulk_err(const bulk_state *bs, const char *name)
{
	return bs && bs->err_field && !strcmp(bs->err_field, name) ? bs->err : NULL;
}

/* The view of the dashboard the request shows (?rank, ?stage, and with
 * @cursor ?cursor and ?limit), as a query string without '?': for an
 * attribute (@html: "&amp;") or a Location header. Every part is checked
 * or encoded, so the result needs no more escaping. */
static void view_query(req *r, const svc_dashboard *d, buf *b, bool cursor, bool html)
{
	const char *amp = html ? "&amp;" : "&";
	const char *sep = "";
	if (d->by) {
		char enc[3 * OFFERAPI_SCORER_NAME_MAX + 1];
		mg_url_encode(d->by, enc, sizeof enc);
		buf_printf(b, "rank=%s", enc);
		sep = amp;
	}
	if (d->stage) { /* a stage name: [a-z] */
		buf_printf(b, "%sstage=%s", sep, d->stage);
		sep = amp;
	}
	char v[OFFERAPI_CURSOR_MAX];
	if (cursor && query_var(r, "cursor", v, sizeof v) > 0 &&
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-") ==
	            strlen(v)) {
		buf_printf(b, "%scursor=%s", sep, v);
		sep = amp;
	}
	if (cursor && query_var(r, "limit", v, 8) > 0 && strspn(v, "0123456789") == strlen(v))
		buf_printf(b, "%slimit=%s", sep, v);
}

/* Two SVG charts: the distribution of every score in ten bins (from the
 * summary's aggregate) and the ranking of this page (one bar per candidate,
 * best first, at most 40). Text is escaped. */
static void svg_charts(req *r, buf *b, const svc_dashboard *d)
{
	const offerapi_application_list *l = d->list;
	const char *scorer = d->by;
	int64_t bins[10];
	int64_t maxbin = 1;
	for (int k = 0; k < 10; k++) {
		bins[k] = d->dash->histogram[k];
		if (bins[k] > maxbin)
			maxbin = bins[k];
	}
	buf_printf(
		b,
		"<figure class=\"chart\" tabindex=\"0\"><svg viewBox=\"0 0 420 220\" role=\"img\" "
		"xmlns=\"http://www.w3.org/2000/svg\" aria-labelledby=\"dist-t\">"
		"<title id=\"dist-t\">%s</title>",
		T(r, "dash.distribution"));
	buf_puts(b, "<line x1=\"30\" y1=\"190\" x2=\"410\" y2=\"190\" class=\"axis\"/>");
	for (int k = 0; k < 10; k++) {
		double h = 170.0 * (double)bins[k] / (double)maxbin;
		char lo[16], hi[16];
		num_str(r, lo, sizeof lo, k / 10.0, 1);
		num_str(r, hi, sizeof hi, (k + 1) / 10.0, 1);
		buf_printf(b,
		           "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"34\" height=\"%.1f\">"
		           "<title>%s-%s: %lld</title></rect>",
		           32 + k * 38, 190 - h, h, lo, hi, (long long)bins[k]);
		if (bins[k])
			buf_printf(b, "<text x=\"%d\" y=\"%.1f\" class=\"val\">%lld</text>",
			           49 + k * 38, 185 - h, (long long)bins[k]);
		buf_printf(b, "<text x=\"%d\" y=\"205\" class=\"lbl\">%s</text>", 32 + k * 38, lo);
	}
	char one[16];
	num_str(r, one, sizeof one, 1.0, 1);
	buf_printf(
		b,
		"<text x=\"400\" y=\"205\" class=\"lbl\">%s</text></svg><figcaption>%s</figcaption></figure>",
		one, T(r, "dash.distribution"));

	size_t nbars = 0;
	for (size_t i = 0; i < l->count && nbars < 40; i++)
		if (svc_find_score(&l->items[i], scorer))
			nbars++;
	int height = 20 + (int)nbars * 18;
	buf_printf(
		b,
		"<figure class=\"chart\" tabindex=\"0\"><svg viewBox=\"0 0 420 %d\" role=\"img\" "
		"xmlns=\"http://www.w3.org/2000/svg\" aria-labelledby=\"rank-t\"><title id=\"rank-t\">%s</title>",
		height, T(r, "dash.ranking"));
	size_t row = 0;
	for (size_t i = 0; i < l->count && row < nbars; i++) {
		const offerapi_score *s = svc_find_score(&l->items[i], scorer);
		if (!s)
			continue;
		double w = 250.0 * s->score;
		buf_printf(b, "<text x=\"0\" y=\"%zu\" class=\"name\">", 14 + row * 18);
		/* Names are cut to 22 bytes at a UTF-8 boundary before escaping. */
		const char *nm = l->items[i].candidate_name;
		size_t len = strlen(nm);
		if (len > 22) {
			len = 22;
			while (len && ((unsigned char)nm[len] & 0xC0) == 0x80)
				len--;
		}
		buf_escn(b, nm, len);
		/* a long bar carries its value inside its end, never past the
		 * right edge of the chart */
		bool inside = w > 210;
		char val[16];
		num_str(r, val, sizeof val, s->score, 2);
		buf_printf(
			b,
			"</text><rect class=\"bar\" x=\"150\" y=\"%zu\" width=\"%.1f\" height=\"14\"/>"
			"<text x=\"%.1f\" y=\"%zu\" class=\"val%s\">%s</text>",
			3 + row * 18, w, inside ? 146 + w : 154 + w, 14 + row * 18,
			inside ? " in" : "", val);
		row++;
	}
	buf_printf(b, "</svg><figcaption>%s</figcaption></figure>", T(r, "dash.ranking"));
}

/* The filter by stage (?stage=), keeping the ranking. */
static void stage_filter(req *r, buf *b, const svc_dashboard *d)
{
	buf_printf(
		b,
		"<form method=\"get\" class=\"inline stage-filter\"><label for=\"stage-filter\">"
		"%s</label> <select id=\"stage-filter\" name=\"stage\"><option value=\"\">%s</option>",
		T(r, "dash.stage_filter"), T(r, "dash.stage_all"));
	for (int i = 0; i < OFFERAPI_NSTAGES; i++) {
		const char *name = offerapi_stage_name((offerapi_stage)i);
		buf_printf(b, "<option value=\"%s\"%s>%s</option>", name,
		           d->stage && !strcmp(d->stage, name) ? " selected" : "",
		           stage_label(r, (offerapi_stage)i));
	}
	buf_puts(b, "</select>");
	if (d->by) {
		buf_puts(b, "<input type=\"hidden\" name=\"rank\" value=\"");
		buf_esc(b, d->by);
		buf_puts(b, "\">");
	}
	buf_printf(b, " <button type=\"submit\">%s</button></form>", T(r, "dash.apply"));
}

/* Title, count and mean, the ranking choice and the CSV link. */
static void dash_header(req *r, buf *b, const svc_dashboard *d)
{
	buf_printf(b, "<h1>%s: <a href=\"/offers/%lld\">", T(r, "offer.dashboard"),
	           (long long)d->offer->id);
	buf_esc(b, d->offer->title);
	buf_printf(b,
	           "</a></h1><div class=\"stats\"><div class=\"stat\"><span>%s</span>"
	           "<strong id=\"count\">%lld</strong></div>",
	           T(r, "dash.count"), (long long)d->count);
	buf_printf(b, "<div class=\"stat\"><span>%s</span><strong id=\"mean\">", T(r, "dash.mean"));
	char mean[16];
	num_str(r, mean, sizeof mean, d->mean, 2);
	if (d->scored)
		buf_puts(b, mean);
	else
		buf_puts(b, "-");
	buf_puts(b, "</strong></div>");
	if (d->dash && d->dash->purged) /* older ones, gone by the retention policy */
		buf_printf(b,
		           "<div class=\"stat\"><span>%s</span><strong id=\"purged\">%lld</strong>"
		           "</div>",
		           T(r, "dash.purged"), (long long)d->dash->purged);
	buf_puts(b, "</div>");
	if (d->ncols) {
		buf_printf(
			b,
			"<form method=\"get\" class=\"inline rank\"><label>%s <select name=\"rank\">",
			T(r, "dash.rank_by"));
		for (size_t i = 0; i < d->ncols; i++) {
			buf_puts(b, "<option value=\"");
			buf_esc(b, d->cols[i]);
			buf_printf(b, "\"%s>", d->cols[i] == d->by ? " selected" : "");
			buf_esc(b, scorer_label(r, d->cols[i]));
			buf_puts(b, "</option>");
		}
		buf_puts(b, "</select></label>");
		if (d->stage)
			buf_printf(b, "<input type=\"hidden\" name=\"stage\" value=\"%s\">",
			           d->stage);
		buf_printf(b, "<button type=\"submit\">%s</button></form>", T(r, "dash.apply"));
	}
	stage_filter(r, b, d);
	/* the CSV twice: as the standard says, and for Excel in French */
	for (int excel = 0; excel < 2; excel++) {
		buf_printf(b, " <a class=\"button secondary\" href=\"/offers/%lld/dashboard.csv%s",
		           (long long)d->offer->id, excel ? "?dialect=excel" : "");
		if (d->by) {
			char enc[3 * OFFERAPI_SCORER_NAME_MAX + 1];
			mg_url_encode(d->by, enc, sizeof enc);
			buf_puts(b, excel ? "&amp;rank=" : "?rank=");
			buf_esc(b, enc);
		}
		buf_printf(b, "\">%s</a>", T(r, excel ? "dash.csv_excel" : "dash.csv"));
	}
}

/* A score cell: the score when there is one, else the job's state; a
 * failed job also shows its reason and a retry button (CSRF-protected). */
static void score_cell(req *r, buf *b, const offerapi_application *a, const char *scorer,
                       const offerapi_job_status_list *jobs)
{
	const offerapi_score *s = svc_find_score(a, scorer);
	const offerapi_job_status *j = svc_job_find(jobs, a->id, scorer);
	buf_puts(b, "<td class=\"num\">");
	char v[16];
	num_str(r, v, sizeof v, s ? s->score : 0, 2);
	if (s)
		buf_puts(b, v);
	else if (j && j->state != OFFERAPI_JOB_FAILED)
		buf_printf(b, "<span class=\"job %s\">%s</span>", offerapi_job_state_name(j->state),
		           T(r, j->state == OFFERAPI_JOB_DONE ? "job.done" : "job.pending"));
	else if (!j)
		buf_puts(b, "-");
	if (j && j->state == OFFERAPI_JOB_FAILED) {
		buf_printf(b, "<span class=\"job failed\">%s</span> <small class=\"reason\">",
		           T(r, "job.failed"));
		buf_esc(b, j->last_error);
		buf_printf(b,
		           "</small><form method=\"post\" class=\"inline\" "
		           "action=\"/applications/%lld/retry\">",
		           (long long)a->id);
		hidden_csrf(r, b);
		buf_puts(b, "<input type=\"hidden\" name=\"scorer\" value=\"");
		buf_esc(b, scorer);
		buf_printf(b, "\"><button type=\"submit\">%s</button></form>", T(r, "job.retry"));
	}
	buf_puts(b, "</td>");
}

/* One candidate's row: rank, name, date, scores, explanation, answers, CV. */
static void dash_row(req *r, buf *b, const svc_dashboard *d, size_t i,
                     const offerapi_job_status_list *jobs, const bulk_state *bs)
{
	const offerapi_application *a = &d->list->items[i];
	char day[DATE_STR_MAX];
	date_str(r, day, sizeof day, a->created_at);
	int64_t pos = d->list->offset >= 0 ? d->list->offset + (int64_t)i + 1 : 0;
	/* the box belongs to the bulk form below the table (form="bulk"):
	 * forms do not nest, and the retry buttons are forms */
	long long id = (long long)a->id;
	const char *err = bulk_err(bs, "application_ids");
	bool faulty = err && (!bs->bad_app || bs->bad_app == a->id);
	buf_printf(b,
	           "<tr><td class=\"sel\"><input type=\"checkbox\" form=\"bulk\" "
	           "name=\"application_ids\" value=\"%lld\" id=\"sel-%lld\"%s%s> "
	           "<label for=\"sel-%lld\"><span class=\"vh\">%s </span>",
	           id, id, bulk_selected(bs, a->id) ? " checked" : "",
	           faulty ? " aria-invalid=\"true\" aria-describedby=\"e-bulk-ids\"" : "", id,
	           T(r, "bulk.select"));
	buf_puts(b, "<span class=\"vh\">");
	buf_esc(b, a->candidate_name);
	buf_puts(b, "</span>");
	if (pos && !d->stage)
		buf_printf(b, "%lld", (long long)pos);
	buf_puts(b, "</label></td><td>");
	buf_printf(b, "<a href=\"/applications/%lld\">", (long long)a->id);
	buf_esc(b, a->candidate_name);
	buf_puts(b, "</a> <small>");
	buf_esc(b, a->candidate_login);
	if (a->candidate_email[0]) {
		buf_puts(b, "<br>");
		buf_esc(b, a->candidate_email);
	}
	buf_puts(b, "</small></td><td>");
	stage_badge(r, b, a->stage);
	buf_printf(b, "</td><td>%s</td>", day);
	for (size_t c = 0; c < d->ncols; c++)
		score_cell(r, b, a, d->cols[c], jobs);
	const offerapi_score *s = d->by ? svc_find_score(a, d->by) : NULL;
	buf_puts(b, "<td class=\"expl\">");
	explain_html(r->lang, b, s ? s->explanation : "");
	buf_puts(b, "</td><td class=\"answers\">");
	answers_html(b, a, " ");
	buf_printf(b,
	           "</td><td><a href=\"/applications/%lld/cv.pdf\">PDF</a> · "
	           "<a href=\"/applications/%lld/cv.txt\">%s</a></td></tr>",
	           (long long)a->id, (long long)a->id, T(r, "dash.text"));
}

static void dash_table(req *r, buf *b, const svc_dashboard *d, const offerapi_job_status_list *jobs,
                       const bulk_state *bs)
{
	if (!d->list->count) {
		buf_printf(b, "<p class=\"empty\">%s</p>", T(r, "dash.none"));
		return;
	}
	buf_printf(
		b,
		"<div class=\"scroll\"><table class=\"ranked\"><thead><tr><th><span class=\"vh\">%s "
		"</span>#</th><th>%s</th><th>%s</th><th>%s</th>",
		T(r, "bulk.col"), T(r, "col.candidate"), T(r, "col.stage"), T(r, "col.applied"));
	for (size_t i = 0; i < d->ncols; i++) {
		buf_printf(b, "<th class=\"num%s\">", d->cols[i] == d->by ? " by" : "");
		buf_esc(b, scorer_label(r, d->cols[i]));
		buf_puts(b, "</th>");
	}
	buf_printf(b, "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	           T(r, "col.explanation"), T(r, "col.answers"), T(r, "col.cv"));
	for (size_t i = 0; i < d->list->count; i++)
		dash_row(r, b, d, i, jobs, bs);
	buf_puts(b, "</tbody></table></div>");
}

/* "?rank=...&cursor=..." links to the pages before and after this one. */
static void pager_link(req *r, buf *b, const svc_dashboard *d, const char *cursor, const char *key)
{
	buf_printf(b, "<a class=\"button secondary\" rel=\"%s\" href=\"/offers/%lld/dashboard?",
	           strcmp(key, "page.next") ? "prev" : "next", (long long)d->offer->id);
	if (d->by) {
		char enc[3 * OFFERAPI_SCORER_NAME_MAX + 1];
		mg_url_encode(d->by, enc, sizeof enc);
		buf_puts(b, "rank=");
		buf_esc(b, enc);
		buf_puts(b, "&amp;");
	}
	if (d->stage)
		buf_printf(b, "stage=%s&amp;", d->stage);
	buf_puts(b, "cursor=");
	buf_esc(b, cursor); /* [A-Za-z0-9.-] (page.h) */
	buf_printf(b, "\">%s</a> ", T(r, key));
}

static void dash_pager(req *r, buf *b, const svc_dashboard *d)
{
	if (!d->list->prev && !d->list->next)
		return;
	buf_puts(b, "<nav class=\"pager\">");
	if (d->list->prev)
		pager_link(r, b, d, d->list->prev, "page.prev");
	if (d->list->next)
		pager_link(r, b, d, d->list->next, "page.next");
	buf_puts(b, "</nav>");
}

/* The attributes tying a bulk form field to its error. */
static void bulk_aria(buf *b, const bulk_state *bs, const char *name, const char *id)
{
	if (bulk_err(bs, name))
		buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", id);
}

static void bulk_error(buf *b, const bulk_state *bs, const char *name, const char *id)
{
	const char *err = bulk_err(bs, name);
	if (!err)
		return;
	buf_printf(b, "<p class=\"field-error\" id=\"e-%s\">", id);
	buf_esc(b, err);
	buf_puts(b, "</p>");
}

/* Below the table: one form for the selected rows, "move them to" a stage
 * or "reject them" with one reason and one message. */
static void bulk_form(req *r, buf *b, const svc_dashboard *d, const bulk_state *bs)
{
	buf_printf(b,
	           "<form id=\"bulk\" class=\"bulk\" method=\"post\" "
	           "action=\"/offers/%lld/applications/stage?",
	           (long long)d->offer->id);
	view_query(r, d, b, true, true);
	buf_puts(b, "\">");
	hidden_csrf(r, b);
	buf_printf(b, "<fieldset><legend>%s</legend><p class=\"hint\" id=\"h-bulk\">%s</p>",
	           T(r, "bulk.legend"), T(r, "bulk.hint"));
	bulk_error(b, bs, "application_ids", "bulk-ids");
	const char *want = bs && bs->stage && !bs->reject ? bs->stage : "";
	buf_printf(b,
	           "<div class=\"bulk-part\"><label for=\"bulk-stage\">%s</label>"
	           "<select id=\"bulk-stage\" name=\"stage\"",
	           T(r, "bulk.move_to"));
	bulk_aria(b, bs, "stage", "bulk-stage");
	buf_puts(b, ">");
	for (int i = OFFERAPI_STAGE_REVIEWED; i <= OFFERAPI_STAGE_HIRED; i++) {
		const char *name = offerapi_stage_name((offerapi_stage)i);
		buf_printf(b, "<option value=\"%s\"%s>%s</option>", name,
		           !strcmp(want, name) ? " selected" : "",
		           stage_label(r, (offerapi_stage)i));
	}
	buf_puts(b, "</select>");
	bulk_error(b, bs, "stage", "bulk-stage");
	buf_printf(b,
	           "<button type=\"submit\" name=\"action\" value=\"move\">%s</button></div>"
	           "<div class=\"bulk-part\"><label for=\"bulk-reason\">%s</label>"
	           "<select id=\"bulk-reason\" name=\"reason\"",
	           T(r, "bulk.move"), T(r, "bulk.reject_reason"));
	bulk_aria(b, bs, "reason", "bulk-reason");
	buf_printf(b, "><option value=\"\">%s</option>", T(r, "bulk.reason_none"));
	const char *why = bs && bs->reason ? bs->reason : "";
	for (int i = 1; i < OFFERAPI_NREASONS; i++) {
		char key[48];
		const char *name = offerapi_reject_reason_name((offerapi_reject_reason)i);
		snprintf(key, sizeof key, "reason.%s", name);
		buf_printf(b, "<option value=\"%s\"%s>%s</option>", name,
		           !strcmp(why, name) ? " selected" : "", T(r, key));
	}
	buf_puts(b, "</select>");
	bulk_error(b, bs, "reason", "bulk-reason");
	buf_printf(b,
	           "<label for=\"bulk-text\">%s</label><p class=\"hint\" id=\"h-bulk-text\">%s</p>"
	           "<textarea id=\"bulk-text\" name=\"reason_text\" rows=\"3\" maxlength=\"%d\"",
	           T(r, "bulk.message"), T(r, "bulk.message_hint"), OFFERAPI_REASON_TEXT_MAX);
	if (bulk_err(bs, "reason_text"))
		buf_puts(b, " aria-invalid=\"true\" aria-describedby=\"e-bulk-text h-bulk-text\"");
	else
		buf_puts(b, " aria-describedby=\"h-bulk-text\"");
	buf_puts(b, ">");
	if (bs && bs->reason_text)
		buf_esc(b, bs->reason_text);
	buf_puts(b, "</textarea>");
	bulk_error(b, bs, "reason_text", "bulk-text");
	buf_printf(b,
	           "<label class=\"check\"><input type=\"checkbox\" name=\"show_reason\" "
	           "value=\"1\"%s> %s</label>"
	           "<button type=\"submit\" name=\"action\" value=\"reject\">%s</button></div>"
	           "</fieldset></form>",
	           bs && bs->show ? " checked" : "", T(r, "app.show_reason"), T(r, "bulk.reject"));
}

/* "3 applications moved": after a bulk form, from ?moved=N. */
static void bulk_notice(req *r, buf *b)
{
	char v[8];
	if (query_var(r, "moved", v, sizeof v) <= 0 || strspn(v, "0123456789") != strlen(v))
		return;
	long n = strtol(v, NULL, 10);
	if (n < 1 || n > OFFERAPI_STAGE_BATCH_MAX)
		return;
	char msg[160];
	TF(r, msg, sizeof msg, n == 1 ? "bulk.moved_one" : "bulk.moved", n);
	buf_printf(b, "<p class=\"alert ok\" role=\"status\">%s</p>", msg);
}

/* The dashboard, with the bulk form's state @bs (NULL: a fresh one). */
static void dashboard_view(req *r, int status, const bulk_state *bs)
{
	svc_dashboard d;
	int rc = svc_dashboard_for(r, &d);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	/* read with the dashboard, in the same round trip */
	const offerapi_job_status_list *jobs = d.dash->jobs;
	buf b;
	buf_init(&b, 65536);
	page_start(r, &b, T(r, "offer.dashboard"));
	if (bs && bs->err[0]) { /* the summary links to the field at fault */
		const char *to = !strcmp(bs->err_field, "stage")         ? "bulk-stage"
		                 : !strcmp(bs->err_field, "reason")      ? "bulk-reason"
		                 : !strcmp(bs->err_field, "reason_text") ? "bulk-text"
		                                                         : "bulk";
		buf_printf(&b, "<div class=\"alert error\" role=\"alert\"><p><a href=\"#%s\">", to);
		buf_esc(&b, bs->err);
		buf_puts(&b, "</a></p></div>");
	}
	bulk_notice(r, &b);
	dash_header(r, &b, &d);
	if (d.by && d.scored) {
		buf_puts(&b, "<div class=\"charts\">");
		svg_charts(r, &b, &d);
		buf_puts(&b, "</div>");
	}
	dash_table(r, &b, &d, jobs, bs);
	if (d.list->count)
		bulk_form(r, &b, &d, bs);
	dash_pager(r, &b, &d);
	svc_dashboard_free(&d);
	page_send(r, status, &b);
}

void page_dashboard(req *r)
{
	dashboard_view(r, 200, NULL);
}

/* The candidate and stage of application @id on the dashboard's page, for
 * a message; "#id" and no stage when it is not on it. */
static const offerapi_application *find_app(const svc_dashboard *d, offerapi_id id)
{
	for (size_t i = 0; d->list && i < d->list->count; i++)
		if (d->list->items[i].id == id)
			return &d->list->items[i];
	return NULL;
}

/* The message of a batch refused because of application @id (code @rc),
 * in the page's language, into bs->err. */
static void bulk_app_message(req *r, int rc, offerapi_id id, const char *to, bulk_state *bs)
{
	svc_dashboard d;
	const offerapi_application *a = NULL;
	bool loaded = svc_dashboard_for(r, &d) == 0;
	if (loaded)
		a = find_app(&d, id);
	char who[200];
	if (a)
		snprintf(who, sizeof who, "%s (#%lld)", a->candidate_name, (long long)id);
	else
		snprintf(who, sizeof who, "#%lld", (long long)id);
	offerapi_stage st;
	if (rc == OFFERAPI_ECONFLICT && a)
		TF(r, bs->err, sizeof bs->err, "bulk.conflict", who, stage_label(r, a->stage),
		   offerapi_stage_parse(&st, to) == 0 ? stage_label(r, st) : to);
	else if (rc == OFFERAPI_ECONFLICT)
		TF(r, bs->err, sizeof bs->err, "bulk.conflict_other", who);
	else
		TF(r, bs->err, sizeof bs->err, "bulk.not_here", who);
	if (loaded)
		svc_dashboard_free(&d);
}

/* A reason's text as one line: the textarea's line breaks become spaces
 * (the library keeps a rejection's text on one line). */
static void one_line(char *s)
{
	for (; s && *s; s++)
		if (*s == '\r' || *s == '\n' || *s == '\t')
			*s = ' ';
}

/* The form's own checks of a bulk change of @n selected applications, in
 * the page's words: false with bs->err_field and bs->err set when it fails. */
static bool bulk_form_ok(req *r, bulk_state *bs, size_t n)
{
	field_errs fe = { 0 };
	if (bs->reject)
		ferr_text(r, &fe, "reason_text", "bulk.message", bs->reason_text, 0,
		          OFFERAPI_REASON_TEXT_MAX, true);
	if (n == 0) {
		bs->err_field = "application_ids";
		snprintf(bs->err, sizeof bs->err, "%s", T(r, "bulk.none"));
	} else if (n > OFFERAPI_STAGE_BATCH_MAX) {
		bs->err_field = "application_ids";
		TF(r, bs->err, sizeof bs->err, "bulk.too_many", OFFERAPI_STAGE_BATCH_MAX);
	} else if (bs->reject && (!bs->reason || !*bs->reason)) {
		bs->err_field = "reason";
		snprintf(bs->err, sizeof bs->err, "%s", T(r, "bulk.reason_missing"));
	} else if (fe.n) {
		bs->err_field = "reason_text";
		snprintf(bs->err, sizeof bs->err, "%s", fe.text[0]);
	}
	return !bs->err_field;
}

/* Back to the dashboard, in the same view, saying @moved moved. */
static void bulk_moved(req *r, size_t moved)
{
	svc_dashboard d;
	buf loc;
	buf_init(&loc, 256);
	buf_printf(&loc, "/offers/%lld/dashboard?", (long long)r->id);
	if (svc_dashboard_for(r, &d) == 0) {
		view_query(r, &d, &loc, false, false);
		if (loc.p[loc.len - 1] != '?')
			buf_puts(&loc, "&");
		svc_dashboard_free(&d);
	}
	buf_printf(&loc, "moved=%zu", moved);
	if (loc.failed)
		page_fail(r, OFFERAPI_ENOMEM);
	else
		respond_redirect(r, loc.p);
	buf_free(&loc);
}

/* Moves the @n selected applications; 0 when done, else the library's
 * code with bs->err_field and bs->err set where the form is at fault. */
static int bulk_move(req *r, bulk_state *bs, size_t n, size_t *moved)
{
	offerapi_id ids[OFFERAPI_STAGE_BATCH_MAX];
	for (size_t i = 0; i < n; i++) {
		char *end;
		long long v = strtoll(bs->sel[i], &end, 10);
		ids[i] = *end || v < 1 ? 0 : (offerapi_id)v; /* 0: the library names it */
	}
	char text[OFFERAPI_REASON_TEXT_MAX + 1];
	snprintf(text, sizeof text, "%s", bs->reason_text ? bs->reason_text : "");
	one_line(text);
	svc_stage_in in = { bs->stage, bs->reject ? bs->reason : NULL, bs->reject ? text : NULL,
		            bs->reject && bs->show, NULL };
	size_t bad = n;
	int rc = svc_stage_many(r, &in, ids, n, moved, &bad);
	if ((rc == OFFERAPI_EINVAL || rc == OFFERAPI_ECONFLICT || rc == OFFERAPI_ETOOBIG) &&
	    bad < n) {
		bs->err_field = "application_ids";
		bs->bad_app = ids[bad];
		bulk_app_message(r, rc, ids[bad], bs->stage, bs);
	} else if (rc == OFFERAPI_EINVAL) {
		const char *msg = offerapi_error_last()->message;
		bs->err_field = !strncmp(msg, "reason_text", 11) ? "reason_text"
		                : !strncmp(msg, "reason", 6)     ? "reason"
		                                                 : "stage";
		snprintf(bs->err, sizeof bs->err, "%s", error_text(r, rc));
	}
	return rc;
}

/* POST /offers/{id}/applications/stage: the bulk form of the dashboard.
 * All move or none; back to the dashboard saying how many, or the
 * dashboard again with the error tied to its field (422, 409). */
void page_offer_applications_stage(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	form f;
	if (!page_form(r, &f, 0))
		return;
	bulk_state bs;
	memset(&bs, 0, sizeof bs);
	const char *sel[OFFERAPI_STAGE_BATCH_MAX];
	size_t n = form_get_all(&f, "application_ids", sel, OFFERAPI_STAGE_BATCH_MAX);
	bs.sel = sel;
	bs.nsel = n < OFFERAPI_STAGE_BATCH_MAX ? n : OFFERAPI_STAGE_BATCH_MAX;
	const char *action = form_get(&f, "action"), *show = form_get(&f, "show_reason");
	bs.reject = action && !strcmp(action, "reject");
	bs.stage = bs.reject ? "rejected" : form_get(&f, "stage");
	bs.reason = form_get(&f, "reason");
	bs.reason_text = form_get(&f, "reason_text");
	bs.show = show && !strcmp(show, "1");
	int rc = 0;
	size_t moved = 0;
	if (bulk_form_ok(r, &bs, n) && (rc = bulk_move(r, &bs, n, &moved)) == 0)
		bulk_moved(r, moved);
	else if (!bs.err_field) /* not the form's fault: 403, 404, 503... */
		page_fail(r, rc);
	else
		dashboard_view(r, rc == OFFERAPI_ECONFLICT ? 409 : 422, &bs);
	form_free(&f);
}

/* The retry button: the failed job of a scorer on application r->id goes
 * back to the queue; then back to the offer's dashboard. */
void page_job_retry(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	form f;
	if (!page_form(r, &f, 0))
		return;
	int rc = svc_job_retry(r, form_get(&f, "scorer"));
	form_free(&f);
	offerapi_application *a = NULL;
	if (rc == 0)
		rc = svc_application(r, &a);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/offers/%lld/dashboard", (long long)a->offer_id);
	offerapi_application_free(a);
	respond_redirect(r, loc);
}

void page_dashboard_csv(req *r)
{
	respond_dashboard_csv(r, page_fail);
}

void page_cv_pdf(req *r)
{
	respond_cv(r, false, page_fail);
}

void page_cv_text(req *r)
{
	respond_cv(r, true, page_fail);
}
