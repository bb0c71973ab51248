/*
 * finops-report: the HTML report (-f html): one self-contained page (inline
 * CSS, SVG charts, no script, nothing fetched): summary, cost per pod chart,
 * request versus usage charts, and the tables. Every text is escaped.
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>

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

static void head(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const char *cur = c->o->pricing.currency;
	char w[128], pt[400], a[32], b[32], d[32], e[32];
	fr_window_text(c, w, sizeof w);
	fr_pricing_text(&c->o->pricing, pt, sizeof pt);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<title>FinOps report</title><style>body{font-family:sans-serif;"
	      "margin:2em;max-width:1100px}table{border-collapse:collapse;"
	      "margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px}"
	      "td.n{text-align:right}.risk{color:#b00;font-weight:bold}"
	      "figure{margin:1em 0}</style></head><body>\n<h1>FinOps report</h1>\n",
	      f);
	fputs("<p>Window: ", f);
	hesc(f, w);
	fputs(". Source: ", f);
	hesc(f, c->sources);
	fputs(".</p>\n<p>Pricing: ", f);
	hesc(f, pt);
	fputs(".</p>\n", f);
	fprintf(f,
	        "<table id=\"summary\"><tr><th>Cost over the window</th>"
	        "<td class=\"n\">%s %s</td></tr><tr><th>Cost per month</th>"
	        "<td class=\"n\">%s %s</td></tr><tr><th>Potential savings per "
	        "month</th><td class=\"n\">%s %s</td></tr><tr><th>Extra cost of raising "
	        "requests per month</th><td class=\"n\">%s %s</td></tr><tr><th>Containers / at "
	        "risk / no usage data / not enough data</th><td class=\"n\">%zu / %zu / %zu / "
	        "%zu</td></tr></table>\n",
	        fr_fmt_money(m->total.total, a, sizeof a), cur,
	        fr_fmt_money(m->total_month, b, sizeof b), cur,
	        fr_fmt_money(m->savings.total, d, sizeof d), cur,
	        fr_fmt_money(m->extra.total, e, sizeof e), cur, m->ncontainers, m->nrisky,
	        m->nmissing, m->nyoung);
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
	char *title = fr_printf("Cost per month per %s (%s, top %zu)", fr_group_word(c->groupby),
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
		ch = (chart){ mem ? "Memory: request versus max working set"
			          : "CPU: request versus p95 usage (cores)",
			      n,
			      ch.labels,
			      ch.va,
			      vb,
			      "request",
			      mem ? "max usage" : "p95 usage",
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
	fprintf(f,
	        "<h2>Cost per %s</h2>\n<table id=\"cost\"><tr><th>%s</th>"
	        "<th>CPU</th><th>RAM</th><th>PV</th><th>Total</th><th>Per month"
	        "</th><th>Efficiency</th></tr>\n",
	        fr_group_word(c->groupby), fr_group_word(c->groupby));
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_COST, 1);
	for (const fr_row *r; (r = fr_rows_next(&it));) {
		char x[6][24];
		fr_cost_cells(r, x);
		fputs("<tr><td>", f);
		hesc(f, r->label);
		fputs("</td>", f);
		for (int i = 0; i < 6; i++)
			fprintf(f, "<td class=\"n\">%s</td>", x[i]);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	fr_rows_close(&it);
}

static void rightsizing_table(FILE *f, const fr_outctx *c)
{
	fprintf(f,
	        "<h2>Recommendations</h2>\n<table id=\"rightsizing\"><tr>"
	        "<th>Container</th><th>CPU request</th><th>CPU p95</th>"
	        "<th>CPU recommended</th><th>Memory request</th><th>Memory max"
	        "</th><th>Memory recommended</th><th>Saving per month (%s)</th>"
	        "<th>CPU saving</th><th>Memory saving</th><th>Extra cost</th>"
	        "<th>Severity</th><th>Note</th></tr>\n",
	        c->o->pricing.currency);
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_CONTAINERS, 1);
	static const int col[] = { FR_CC_CPU_REQ, FR_CC_CPU_P95, FR_CC_CPU_REC, FR_CC_MEM_REQ,
		                   FR_CC_MEM_MAX, FR_CC_MEM_REC, FR_CC_SAVE };
	for (const fr_row *r; (r = fr_rows_next(&it));) {
		const fr_container *x = r->c;
		char y[FR_CC_N][24];
		fr_container_cells(x, y);
		fputs("<tr><td>", f);
		hesc(f, r->label);
		fputs("</td>", f);
		for (size_t i = 0; i < sizeof col / sizeof col[0]; i++)
			fprintf(f, "<td class=\"n\">%s</td>", y[col[i]]);
		const double mo[] = { x->savings.cpu, x->savings.mem, x->extra.total };
		for (size_t i = 0; i < 3; i++)
			fprintf(f, "<td class=\"n\">%s</td>", fr_fmt_money(mo[i], y[0], 24));
		fprintf(f, "<td class=\"%s\">%s</td><td>",
		        x->severity == FR_SEV_RISK ? "risk" : "sev", fr_severity_name(x->severity));
		hesc(f, x->note);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	fr_rows_close(&it);
}

static void tail(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	if (m->nunits) {
		fputs("<h2>Unit economics</h2>\n<table id=\"units\"><tr><th>Namespace"
		      "</th><th>Cost</th><th>Cost per 1 000 requests</th><th>Cost per"
		      " application</th></tr>\n",
		      f);
		for (size_t i = 0; i < m->nunits; i++) {
			const fr_unit *u = &m->units[i];
			char a[32];
			fputs("<tr><td>", f);
			hesc(f, u->ns ? u->ns : "(all)");
			fprintf(f,
			        "</td><td class=\"n\">%s %s</td><td class=\"n\">%.4f"
			        "</td><td class=\"n\">%.4f</td></tr>\n",
			        fr_fmt_money(u->cost, a, sizeof a), c->o->pricing.currency,
			        nz(u->per_1000_requests), nz(u->per_application));
		}
		fputs("</table>\n", f);
	}
	if (m->nwarn) {
		fputs("<h2>Incomplete data</h2>\n<ul id=\"incomplete\">\n", f);
		fr_out_list(f, m->warnings, m->nwarn, "<li>", "</li>\n", hesc);
		fputs("</ul>\n", f);
	}
	fr_out_list(f, c->t->breached, (size_t)c->t->nbreached,
	            "<p class=\"risk\">Threshold breached: ", "</p>\n", hesc);
}

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
	const fr_period *rows[64];
	char labels[64][32];
	size_t n = fr_trend_rows(c->m, rows, labels);
	if (!n)
		return;
	fputs("<h2>Trend</h2>\n<p>Daily cost ", f);
	sparkline(f, c->m);
	fprintf(f,
	        " (%s; CPU and RAM allocation by the pricing model)</p>\n<table id=\"trend\">"
	        "<tr><th>Period</th><th>Cost</th><th>CPU request</th><th>CPU usage</th>"
	        "<th>Memory request</th><th>Memory usage</th><th>Savings per month</th></tr>\n",
	        c->o->pricing.currency);
	for (size_t i = 0; i < n; i++) {
		char x[6][24];
		fr_period_cells(rows[i], x);
		fprintf(f, "<tr><td>%s</td>", labels[i]);
		for (int k = 0; k < 6; k++)
			fprintf(f, "<td class=\"n\">%s</td>", x[k]);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

FR_RENDERER(html)
{
	head(f, c);
	trend_table(f, c);
	charts(f, c);
	cost_table(f, c);
	rightsizing_table(f, c);
	tail(f, c);
	fputs("</body></html>\n", f);
	return 0;
}
