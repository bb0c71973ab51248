/*
 * finops-report: the HTML report (-f html): one self-contained page (inline
 * CSS, SVG charts, no script, nothing fetched): summary, cost per pod chart,
 * request versus usage charts, and the tables. Every text is escaped.
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>

#define T(s) FR_T(c, s)

static double nz(double v)
{
	return isnan(v) ? 0 : v;
}

/* Writes s HTML-escaped (text and attribute safe). */
static void hesc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

enum unit { U_MONEY, U_CORES, U_BYTES };

/* A horizontal bar chart: one row per label, one or two bars per row
 * (value a and, when vb is given, value b under it). */
typedef struct chart {
	const char *title;
	size_t n;
	const char **labels;
	double *va, *vb; /* vb NULL: one bar per row */
	const char *la, *lb; /* legends */
	int unit;
} chart;

static const char *value_text(int unit, double v, char *b, size_t n)
{
	return unit == U_BYTES   ? fr_fmt_mem(v, b, n)
	       : unit == U_CORES ? fr_fmt_cpu(v, b, n)
	                         : fr_fmt_money(v, b, n);
}

/* One bar (row i, second bar when b) at height y. */
static void bar(FILE *f, const chart *ch, double v, int y, int b, double mx)
{
	enum { LEFT = 260, WIDTH = 420 };
	char s[32];
	value_text(ch->unit, v, s, sizeof s);
	fprintf(f,
	        "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"11\" "
	        "fill=\"%s\"><title>%s %s</title></rect><text x=\"%.1f\" y=\"%d\">%s</text>\n",
	        b ? "b" : "a", LEFT, y, nz(v) / mx * WIDTH, b ? "#f28e2b" : "#4e79a7",
	        b ? ch->lb : ch->la, s, LEFT + nz(v) / mx * WIDTH + 4, y + 10, s);
}

/* Pure SVG, no script. */
static void svg_bars(FILE *f, const chart *ch)
{
	enum { LEFT = 260, WIDTH = 420 };
	double mx = 0;
	for (size_t i = 0; i < ch->n; i++) {
		mx = nz(ch->va[i]) > mx ? nz(ch->va[i]) : mx;
		if (ch->vb && nz(ch->vb[i]) > mx)
			mx = nz(ch->vb[i]);
	}
	if (mx <= 0)
		mx = 1;
	int rowh = ch->vb ? 26 : 16;
	int hgt = (int)ch->n * rowh + 40;
	fprintf(f, "<figure><figcaption>");
	hesc(f, ch->title);
	fprintf(f,
	        "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	        "font-family=\"sans-serif\" font-size=\"11\">\n",
	        LEFT + WIDTH + 90, hgt, LEFT + WIDTH + 90, hgt);
	for (size_t i = 0; i < ch->n; i++) {
		int y = 20 + (int)i * rowh;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LEFT - 6, y + 10);
		hesc(f, ch->labels[i]);
		fputs("</text>\n", f);
		bar(f, ch, ch->va[i], y, 0, mx);
		if (ch->vb)
			bar(f, ch, ch->vb[i], y + 12, 1, mx);
	}
	fprintf(f,
	        "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
	        "fill=\"#4e79a7\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
	        LEFT, hgt - 14, LEFT + 14, hgt - 5, ch->la);
	if (ch->vb)
		fprintf(f,
		        "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		        "fill=\"#f28e2b\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
		        LEFT + 150, hgt - 14, LEFT + 164, hgt - 5, ch->lb);
	fprintf(f, "</svg></figure>\n");
}

/* A grid as an HTML table: the first column text, figures right. */
static void html_grid(FILE *f, const fr_grid *g, const char *id)
{
	static const fr_grid_marks th = { "<tr><th>", "<th>", "</th>", "</tr>\n" },
				   td = { "<tr><td>", "<td class=\"n\">", "</td>", "</tr>\n" };
	fprintf(f, "<table id=\"%s\">", id);
	fr_grid_row(f, g->head, g->ncols, &th, hesc);
	for (size_t i = 0; i < g->nrows; i++)
		fr_grid_row(f, fr_grid_cells(g, i), g->ncols, &td, hesc);
	fputs("</table>\n", f);
}

/* A heading and a paragraph, escaped. */
static void h2(FILE *f, const char *title)
{
	fputs("<h2>", f);
	hesc(f, title);
	fputs("</h2>\n", f);
}

static void head(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const char *cur = c->o->pricing.currency;
	char w[128], pt[400], a[32], b[32], d[32], e[32], cnt[96];
	fr_window_text(c, w, sizeof w);
	fr_pricing_text(c, pt, sizeof pt);
	fprintf(f,
	        "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	        "<title>%s</title><style>body{font-family:sans-serif;"
	        "margin:2em;max-width:1100px}table{border-collapse:collapse;"
	        "margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px}"
	        "td.n{text-align:right}.risk{color:#b00;font-weight:bold}"
	        "figure{margin:1em 0}</style></head><body>\n<h1>%s</h1>\n",
	        c->lang == FR_LANG_FR ? "fr" : "en", T("FinOps report"), T("FinOps report"));
	fprintf(f, "<p>%s: ", T("Window"));
	hesc(f, w);
	fprintf(f, ". %s: ", T("Source"));
	hesc(f, c->sources);
	fprintf(f, ".</p>\n<p>%s: ", T("Pricing"));
	hesc(f, pt);
	fputs(".</p>\n", f);
	snprintf(cnt, sizeof cnt, "%zu / %zu / %zu / %zu", m->ncontainers, m->nrisky, m->nmissing,
	         m->nyoung);
	const char *rows[][2] = {
		{ T("Cost over the window"), fr_fmt_money(m->total.total, a, sizeof a) },
		{ T("Cost per month"), fr_fmt_money(m->total_month, b, sizeof b) },
		{ T("Potential savings per month"), fr_fmt_money(m->savings.total, d, sizeof d) },
		{ T("Extra cost of raising requests per month"),
		  fr_fmt_money(m->extra.total, e, sizeof e) },
		{ T("Containers / at risk / no usage data / not enough data"), cnt }
	};
	fputs("<table id=\"summary\">", f);
	for (size_t i = 0; i < 5; i++)
		fprintf(f, "<tr><th>%s</th><td class=\"n\">%s%s%s</td></tr>", rows[i][0],
		        rows[i][1], i < 4 ? " " : "", i < 4 ? cur : "");
	fputs("</table>\n", f);
}

/* The three charts: cost per month of the 40 most expensive rows; CPU and
 * memory request versus usage of the first 40 containers (risks first). */
static void charts(FILE *f, const fr_outctx *c)
{
	const char *cur = c->o->pricing.currency;
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_COST, 1);
	size_t n = it.n < 40 ? it.n : 40;
	chart ch = { 0 };
	ch.labels = fr_xrealloc(NULL, (40 + 1) * sizeof *ch.labels);
	ch.va = fr_xrealloc(NULL, (40 + 1) * sizeof *ch.va);
	ch.vb = NULL;
	for (size_t i = 0; i < n; i++) {
		ch.labels[i] = it.r[i].label;
		ch.va[i] = it.r[i].month;
	}
	char *title = fr_printf("%s (%s, top %zu)",
	                        T(c->groupby == FR_BY_CONTROLLER  ? "Cost per month per controller"
	                          : c->groupby == FR_BY_NAMESPACE ? "Cost per month per namespace"
	                          : c->groupby == FR_BY_LABEL     ? "Cost per month per label"
	                                                          : "Cost per month per pod"),
	                        cur, n);
	ch = (chart){ title, n, ch.labels, ch.va, NULL, cur, NULL, U_MONEY };
	svg_bars(f, &ch);
	free(title);
	fr_rows_close(&it);

	fr_rows_open(&it, c, FR_ROWS_CONTAINERS, 1);
	n = it.n < 40 ? it.n : 40;
	char(*own)[160] = fr_xrealloc(NULL, (n + 1) * sizeof *own);
	double *vb = fr_xrealloc(NULL, (40 + 1) * sizeof *vb);
	for (size_t i = 0; i < n; i++) {
		snprintf(own[i], sizeof own[i], "%s/%s", it.r[i].p->name, it.r[i].c->name);
		ch.labels[i] = own[i];
	}
	for (int mem = 0; mem < 2; mem++) {
		for (size_t i = 0; i < n; i++) {
			const fr_container *x = it.r[i].c;
			ch.va[i] = mem ? x->mem.request : x->cpu.request;
			vb[i] = mem ? x->mem.max : x->cpu.p95;
		}
		ch = (chart){ mem ? T("Memory: request versus max working set")
			          : T("CPU: request versus p95 usage (cores)"),
			      n,
			      ch.labels,
			      ch.va,
			      vb,
			      T("request"),
			      mem ? T("max usage") : T("p95 usage"),
			      mem ? U_BYTES : U_CORES };
		svg_bars(f, &ch);
	}
	fr_rows_close(&it);
	free(own);
	free(vb);
	free(ch.labels);
	free(ch.va);
}

static void cost_table(FILE *f, const fr_outctx *c)
{
	fr_grid g;
	fr_grid_cost(c, &g, 0);
	h2(f, T(c->groupby == FR_BY_CONTROLLER  ? "Cost per controller"
	        : c->groupby == FR_BY_NAMESPACE ? "Cost per namespace"
	        : c->groupby == FR_BY_LABEL     ? "Cost per label"
	                                        : "Cost per pod"));
	html_grid(f, &g, "cost");
	fr_grid_free(&g);
}

/* One container's row of the recommendations. */
static void rightsizing_row(FILE *f, const fr_outctx *c, const fr_row *r)
{
	static const int col[] = { FR_CC_CPU_REQ, FR_CC_CPU_P95, FR_CC_CPU_REC, FR_CC_MEM_REQ,
		                   FR_CC_MEM_MAX, FR_CC_MEM_REC, FR_CC_SAVE };
	const fr_container *x = r->c;
	char y[FR_CC_N][24], note[512];
	fr_container_cells(x, y);
	fputs("<tr><td>", f);
	hesc(f, r->label);
	fputs("</td>", f);
	for (size_t i = 0; i < sizeof col / sizeof col[0]; i++)
		fprintf(f, "<td class=\"n\">%s</td>", y[col[i]]);
	const double mo[] = { x->savings.cpu, x->savings.mem, x->extra.total };
	for (size_t i = 0; i < 3; i++)
		fprintf(f, "<td class=\"n\">%s</td>", fr_fmt_money(mo[i], y[0], 24));
	fprintf(f, "<td class=\"%s\">%s</td><td>", x->severity == FR_SEV_RISK ? "risk" : "sev",
	        T(fr_severity_name(x->severity)));
	hesc(f, fr_note_text(c, r, note, sizeof note));
	fputs("</td></tr>\n", f);
}

static void rightsizing_table(FILE *f, const fr_outctx *c)
{
	static const char *const head[] = { FR_N("Container"),
		                            FR_N("CPU request"),
		                            FR_N("CPU p95"),
		                            FR_N("CPU recommended"),
		                            FR_N("Memory request"),
		                            FR_N("Memory max"),
		                            FR_N("Memory recommended"),
		                            FR_N("Saving per month"),
		                            FR_N("CPU saving"),
		                            FR_N("Memory saving"),
		                            FR_N("Extra cost"),
		                            FR_N("Severity"),
		                            FR_N("Note") };
	h2(f, T("Recommendations"));
	fputs("<table id=\"rightsizing\"><tr>", f);
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
		fputs("<th>", f);
		hesc(f, T(head[i]));
		if (i == 7)
			fprintf(f, " (%s)", c->o->pricing.currency);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_CONTAINERS, 1);
	for (const fr_row *r; (r = fr_rows_next(&it));)
		rightsizing_row(f, c, r);
	fputs("</table>\n", f);
	fr_rows_close(&it);
}

static void html_list(FILE *f, char *const *items, size_t n, const char *id)
{
	fprintf(f, "<ul id=\"%s\"%s>\n", id, strcmp(id, "breached") ? "" : " class=\"risk\"");
	for (size_t i = 0; i < n; i++) {
		fputs("<li>", f);
		hesc(f, items[i]);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static const fr_doc_ops html_doc = { h2, html_grid, html_list };

/* A sparkline of the daily cost: an inline SVG polyline, no axis. */
static void sparkline(FILE *f, const fr_model *m)
{
	double mx = 0;
	for (size_t i = 0; i < m->ndays; i++)
		mx = m->days[i].cost > mx ? m->days[i].cost : mx;
	fprintf(f, "<svg class=\"spark\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	           "width=\"160\" height=\"32\" viewBox=\"0 0 160 32\"><title>daily cost</title>"
	           "<polyline fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\" points=\"");
	for (size_t i = 0; i < m->ndays; i++) {
		double x = m->ndays > 1 ? 4.0 + 152.0 * (double)i / (double)(m->ndays - 1) : 80.0;
		double y = 28.0 - (mx > 0 ? 24.0 * nz(m->days[i].cost) / mx : 0);
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	fputs("\"/></svg>", f);
}

static void trend_table(FILE *f, const fr_outctx *c)
{
	fr_grid g;
	if (fr_grid_trend(c, &g)) {
		h2(f, T("Trend"));
		fprintf(f, "<p>%s ", T("Daily cost"));
		sparkline(f, c->m);
		fprintf(f, " (%s; %s)</p>\n", c->o->pricing.currency,
		        T("CPU and RAM allocation by the pricing model"));
		html_grid(f, &g, "trend");
	}
	fr_grid_free(&g);
}

FR_FORMAT(html, NULL, 0, 0)
{
	head(f, c);
	trend_table(f, c);
	charts(f, c);
	cost_table(f, c);
	rightsizing_table(f, c);
	fr_doc_tail(f, c, &html_doc);
	fputs("</body></html>\n", f);
	return 0;
}
