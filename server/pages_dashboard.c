/*
 * pages_dashboard.c - an offer's dashboard with its charts, its CSV export,
 * and the CVs (PDF and extracted text).
 */
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "pages.h"

/* Two SVG charts: the distribution of scores in ten bins and the ranking
 * (one bar per candidate, best first, at most 40). Text is escaped. */
static void svg_charts(req *r, buf *b, const offerapi_application_list *l, const char *scorer)
{
	unsigned bins[10] = { 0 };
	unsigned maxbin = 1;
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_score *s = svc_find_score(&l->items[i], scorer);
		if (!s)
			continue;
		int k = (int)(s->score * 10);
		if (k > 9)
			k = 9;
		if (k < 0)
			k = 0;
		if (++bins[k] > maxbin)
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
		double h = 170.0 * bins[k] / maxbin;
		buf_printf(b,
		           "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"34\" height=\"%.1f\">"
		           "<title>%.1f-%.1f: %u</title></rect>",
		           32 + k * 38, 190 - h, h, k / 10.0, (k + 1) / 10.0, bins[k]);
		if (bins[k])
			buf_printf(b, "<text x=\"%d\" y=\"%.1f\" class=\"val\">%u</text>",
			           49 + k * 38, 185 - h, bins[k]);
		buf_printf(b, "<text x=\"%d\" y=\"205\" class=\"lbl\">%.1f</text>", 32 + k * 38,
		           k / 10.0);
	}
	buf_printf(
		b,
		"<text x=\"400\" y=\"205\" class=\"lbl\">1.0</text></svg><figcaption>%s</figcaption></figure>",
		T(r, "dash.distribution"));

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
		buf_printf(
			b,
			"</text><rect class=\"bar\" x=\"150\" y=\"%zu\" width=\"%.1f\" height=\"14\"/>"
			"<text x=\"%.1f\" y=\"%zu\" class=\"val%s\">%.2f</text>",
			3 + row * 18, w, inside ? 146 + w : 154 + w, 14 + row * 18,
			inside ? " in" : "", s->score);
		row++;
	}
	buf_printf(b, "</svg><figcaption>%s</figcaption></figure>", T(r, "dash.ranking"));
}

/* Title, count and mean, the ranking choice and the CSV link. */
static void dash_header(req *r, buf *b, const svc_dashboard *d)
{
	buf_printf(b, "<h1>%s: <a href=\"/offers/%lld\">", T(r, "offer.dashboard"),
	           (long long)d->offer->id);
	buf_esc(b, d->offer->title);
	buf_printf(b,
	           "</a></h1><div class=\"stats\"><div class=\"stat\"><span>%s</span>"
	           "<strong id=\"count\">%zu</strong></div>",
	           T(r, "dash.count"), d->list->count);
	buf_printf(b, "<div class=\"stat\"><span>%s</span><strong id=\"mean\">", T(r, "dash.mean"));
	if (d->scored)
		buf_printf(b, "%.2f", d->mean);
	else
		buf_puts(b, "-");
	buf_puts(b, "</strong></div></div>");
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
		buf_printf(b, "</select></label><button type=\"submit\">%s</button></form>",
		           T(r, "dash.apply"));
	}
	buf_printf(b, " <a class=\"button secondary\" href=\"/offers/%lld/dashboard.csv",
	           (long long)d->offer->id);
	if (d->by) {
		char enc[3 * OFFERAPI_SCORER_NAME_MAX + 1];
		mg_url_encode(d->by, enc, sizeof enc);
		buf_puts(b, "?rank=");
		buf_esc(b, enc);
	}
	buf_printf(b, "\">%s</a>", T(r, "dash.csv"));
}

/* One candidate's row: rank, name, date, scores, explanation, answers, CV. */
static void dash_row(req *r, buf *b, const svc_dashboard *d, size_t i)
{
	const offerapi_application *a = &d->list->items[i];
	char day[16];
	date_str(day, sizeof day, a->created_at);
	buf_printf(b, "<tr><td>%zu</td><td>", i + 1);
	buf_esc(b, a->candidate_name);
	buf_puts(b, " <small>");
	buf_esc(b, a->candidate_login);
	buf_printf(b, "</small></td><td>%s</td>", day);
	for (size_t c = 0; c < d->ncols; c++) {
		const offerapi_score *s = svc_find_score(a, d->cols[c]);
		if (s)
			buf_printf(b, "<td class=\"num\">%.2f</td>", s->score);
		else
			buf_puts(b, "<td class=\"num\">-</td>");
	}
	const offerapi_score *s = d->by ? svc_find_score(a, d->by) : NULL;
	buf_puts(b, "<td class=\"expl\">");
	explain_html(r->lang, b, s ? s->explanation : "");
	buf_puts(b, "</td><td class=\"answers\">");
	for (size_t k = 0; k < a->nanswers; k++) {
		buf_puts(b, "<p><strong>");
		buf_esc(b, a->answers[k].question);
		buf_puts(b, "</strong> ");
		buf_esc(b, a->answers[k].answer);
		buf_puts(b, "</p>");
	}
	buf_printf(b,
	           "</td><td><a href=\"/applications/%lld/cv.pdf\">PDF</a> · "
	           "<a href=\"/applications/%lld/cv.txt\">%s</a></td></tr>",
	           (long long)a->id, (long long)a->id, T(r, "dash.text"));
}

static void dash_table(req *r, buf *b, const svc_dashboard *d)
{
	if (!d->list->count) {
		buf_printf(b, "<p class=\"empty\">%s</p>", T(r, "dash.none"));
		return;
	}
	buf_printf(
		b,
		"<div class=\"scroll\"><table class=\"ranked\"><thead><tr><th>#</th><th>%s</th><th>%s</th>",
		T(r, "col.candidate"), T(r, "col.applied"));
	for (size_t i = 0; i < d->ncols; i++) {
		buf_printf(b, "<th class=\"num%s\">", d->cols[i] == d->by ? " by" : "");
		buf_esc(b, scorer_label(r, d->cols[i]));
		buf_puts(b, "</th>");
	}
	buf_printf(b, "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	           T(r, "col.explanation"), T(r, "col.answers"), T(r, "col.cv"));
	for (size_t i = 0; i < d->list->count; i++)
		dash_row(r, b, d, i);
	buf_puts(b, "</tbody></table></div>");
}

void page_dashboard(req *r)
{
	svc_dashboard d;
	int rc = svc_dashboard_for(r, &d);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	buf b;
	buf_init(&b, 65536);
	page_start(r, &b, T(r, "offer.dashboard"));
	dash_header(r, &b, &d);
	if (d.by && d.scored) {
		buf_puts(&b, "<div class=\"charts\">");
		svg_charts(r, &b, d.list, d.by);
		buf_puts(&b, "</div>");
	}
	dash_table(r, &b, &d);
	svc_dashboard_free(&d);
	page_send(r, 200, &b);
}

void page_dashboard_csv(req *r)
{
	buf b;
	buf_init(&b, 16384);
	int rc = svc_dashboard_csv_for(r, &b);
	if (rc)
		page_fail(r, rc);
	else
		respond_csv(r, &b);
	buf_free(&b);
}

void page_cv_pdf(req *r)
{
	void *pdf = NULL;
	size_t len = 0;
	int rc = svc_cv_pdf(r, &pdf, &len);
	if (rc)
		page_fail(r, rc);
	else
		respond_pdf(r, pdf, len);
	offerapi_free(pdf);
}

void page_cv_text(req *r)
{
	offerapi_application *a = NULL;
	int rc = svc_application(r, &a);
	if (rc)
		page_fail(r, rc);
	else
		respond_cv_text(r, a);
	offerapi_application_free(a);
}
