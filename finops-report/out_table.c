/*
 * finops-report: the terminal table (-f table, the default): a summary, the
 * cost per pod (or controller, namespace), the right-sizing of each
 * container, unit economics, and what made the data incomplete. Fits 80
 * columns; colour only when asked or on a TTY.
 */
#include "fr.h"

#include <string.h>

#define T(s) FR_T(c, s)

static const char *col(const fr_outctx *c, int sev)
{
	if (!c->color)
		return "";
	switch (sev) {
	case FR_SEV_RISK: return "\033[1;31m";
	case FR_SEV_HIGH: return "\033[33m";
	case FR_SEV_MEDIUM: return "\033[36m";
	case FR_SEV_UNKNOWN: return "\033[2m";
	default: return "";
	}
}

static const char *reset(const fr_outctx *c, int sev)
{
	return c->color && *col(c, sev) ? "\033[0m" : "";
}

/* A line of columns one space apart after `lead`: the first left-aligned
 * and the others right-aligned, or with a lead all right-aligned but the
 * last (UTF-8 aware: French headings). */
static void text_row(FILE *f, const char *lead, const char *const *cells, const size_t *w, size_t n)
{
	fputs(lead, f);
	for (size_t k = 0; k < n; k++) {
		if (k)
			fputc(' ', f);
		fr_pad(f, cells[k], w[k], *lead ? k + 1 < n : k > 0);
	}
	fputc('\n', f);
}

/* A grid in fixed columns: w the widths, head the terminal's short
 * headings (translated here). */
static void text_grid(FILE *f, const fr_outctx *c, const fr_grid *g, const size_t *w,
                      const char *const *head)
{
	const char *hd[FR_GRID_COLS];
	for (size_t k = 0; k < g->ncols; k++)
		hd[k] = T(head[k]);
	text_row(f, "", hd, w, g->ncols);
	for (size_t i = 0; i < g->nrows; i++)
		text_row(f, "", (const char *const *)&g->cells[i * g->ncols], w, g->ncols);
}

static void summary(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const fr_pricing *pr = &c->o->pricing;
	const char *cur = pr->currency;
	char w[128], a[32], b[32], d[32], e[32], g[32], src[96];
	fr_window_text(c, w, sizeof w);
	fprintf(f, "%sfinops-report%s  %s %s\n", c->color ? "\033[1m" : "",
	        c->color ? "\033[0m" : "", T("window"), w);
	fprintf(f, "%s: %s\n", T("source"), fr_fit(c->sources, 72, src, sizeof src));
	fprintf(f, T("pricing: %g %s/vCPU-h, %g %s/%s-h RAM, %g %s/%s-month disk\n"), pr->cpu_hour,
	        cur, pr->ram_hour, cur, pr->mem_unit, pr->storage_month, cur, pr->mem_unit);
	fprintf(f, T("         (1 %s = %s bytes; month = 30 days = 720 h)\n\n"), pr->mem_unit,
	        pr->mem_unit_bytes == FR_GIB ? "2^30" : "10^9");
	fprintf(f, T("Cost over the window: %s %s; per month: %s %s\n"),
	        fr_fmt_money(m->total.total, a, sizeof a), cur,
	        fr_fmt_money(m->total_month, b, sizeof b), cur);
	fprintf(f, T("Potential savings per month: %s %s (CPU %s, memory %s)\n"),
	        fr_fmt_money(m->savings.total, a, sizeof a), cur,
	        fr_fmt_money(m->savings.cpu, b, sizeof b),
	        fr_fmt_money(m->savings.mem, d, sizeof d));
	fprintf(f, T("Extra cost of raising requests per month: +%s %s (CPU %s, memory %s)\n"),
	        fr_fmt_money(m->extra.total, a, sizeof a), cur,
	        fr_fmt_money(m->extra.cpu, b, sizeof b), fr_fmt_money(m->extra.mem, d, sizeof d));
	fprintf(f,
	        T("Containers: %zu, at risk: %zu, without usage data: %zu, not enough data: %zu\n"),
	        m->ncontainers, m->nrisky, m->nmissing, m->nyoung);
	fprintf(f, T("Efficiency (usage/request, capped): CPU %s, RAM %s, total %s\n"),
	        fr_fmt_pct(m->eff_cpu, a, sizeof a), fr_fmt_pct(m->eff_ram, b, sizeof b),
	        fr_fmt_pct(m->eff_total, d, sizeof d));
	if (m->have_idle)
		fprintf(f, T("Kubecost idle cost: %s %s\n"),
		        fr_fmt_money(m->idle.total, a, sizeof a), cur);
	if (m->have_nodes)
		fprintf(f, T("Nodes: allocatable %s %s, reserved %s, idle %s (CPU %s, RAM %s)\n"),
		        fr_fmt_money(m->nodes.allocatable.total, a, sizeof a), cur,
		        fr_fmt_money(m->nodes.reserved.total, b, sizeof b),
		        fr_fmt_money(m->nodes.idle.total, d, sizeof d),
		        fr_fmt_money(m->nodes.idle.cpu, e, sizeof e),
		        fr_fmt_money(m->nodes.idle.ram, g, sizeof g));
	if (m->have_unallocated)
		fprintf(f, T("Kubecost unallocated cost: %s %s\n"),
		        fr_fmt_money(m->unallocated.total, a, sizeof a), cur);
}

/* "... N more (--top 0 shows all)". */
static void more_line(FILE *f, const fr_outctx *c, size_t n)
{
	if (n)
		fprintf(f, T("... %zu more (--top 0 shows all)\n"), n);
}

static void cost_section(FILE *f, const fr_outctx *c)
{
	static const char *const title[] = { FR_N("COST PER POD"), FR_N("COST PER POD"),
		                             FR_N("COST PER CONTROLLER"),
		                             FR_N("COST PER NAMESPACE"), FR_N("COST PER LABEL") };
	static const char *const head[] = { FR_N("NAMESPACE/POD"), FR_N("NAMESPACE/POD"),
		                            FR_N("NAMESPACE/CONTROLLER"), FR_N("NAMESPACE"),
		                            FR_N("VALUE") };
	static const size_t w[] = { 32, 7, 7, 6, 8, 8, 5 };
	fr_grid g;
	fr_grid_cost(c, &g, c->top > 0 ? (size_t)c->top : 0);
	fprintf(f, "\n%s%s%s (%s, %s)\n", T(title[c->groupby]), c->o->group_label ? " " : "",
	        c->o->group_label ? c->o->group_label : "", c->o->pricing.currency, T("window"));
	const char *hd[] = { T(head[c->groupby]), "CPU",       "RAM",   "PV",
		             T("TOTAL"),          T("/MONTH"), T("EFF") };
	text_row(f, "", hd, w, 7);
	for (size_t i = 0; i < g.nrows; i++) {
		const char *const *r = (const char *const *)&g.cells[i * g.ncols];
		/* a name longer than its column has a line of its own: never cut */
		if (strlen(r[0]) > 32)
			fprintf(f, "%s\n", r[0]);
		const char *cells[] = {
			strlen(r[0]) > 32 ? "" : r[0], r[1], r[2], r[3], r[4], r[5], r[6]
		};
		text_row(f, "", cells, w, 7);
	}
	more_line(f, c, g.more);
	fr_grid_free(&g);
}

/* Two lines a container: its whole name, then the figures. */
static void rightsizing_row(FILE *f, const fr_outctx *c, const fr_row *r)
{
	const fr_container *x = r->c;
	char y[FR_CC_N][24], used[24], cpu[64], mem[64], save[24], extra[24], note[512];
	fr_container_cells(x, y);
	snprintf(cpu, sizeof cpu, "%s->%s", y[FR_CC_CPU_REQ], y[FR_CC_CPU_REC]);
	snprintf(mem, sizeof mem, "%s->%s", y[FR_CC_MEM_REQ], y[FR_CC_MEM_REC]);
	fr_fmt_cpu(fr_cpu_sized_usage(&c->o->strategy, &x->cpu), used, sizeof used);
	fprintf(f, "%s\n", r->label);
	fprintf(f, "  %12s %6s %14s %7s %8s %8s %s%s%s\n", cpu, used, mem, y[FR_CC_MEM_MAX],
	        fr_fmt_money(x->savings.total, save, sizeof save),
	        fr_fmt_money(x->extra.total, extra, sizeof extra), col(c, x->severity),
	        T(fr_severity_name(x->severity)), reset(c, x->severity));
	if (x->note[0]) {
		char nt[160];
		fprintf(f, "  %s\n",
		        fr_cut(fr_note_text(c, r, note, sizeof note), 76, nt, sizeof nt));
	}
}

/* The containers with too little history, apart. */
static void young_section(FILE *f, const fr_outctx *c, fr_rows *it, size_t young)
{
	if (!young)
		return;
	fprintf(f,
	        T("\nNOT ENOUGH DATA (%zu: less than --min-history of usage; no "
	          "recommendation)\n"),
	        young);
	it->next = 0;
	for (const fr_row *r; (r = fr_rows_next(it));)
		if (r->c->not_enough_data)
			fprintf(f, "  %s (%.1f h)\n", r->label, r->c->usage_hours);
}

static void rightsizing_section(FILE *f, const fr_outctx *c)
{
	static const size_t w[] = { 12, 6, 14, 7, 8, 8, 7 };
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_CONTAINERS, 1);
	fprintf(f,
	        T("\nRIGHT-SIZING (request->recommended; CPU p%.0f, memory max +%.0f%%; %s per "
	          "month)\n"),
	        c->o->strategy.cpu_use_max ? 100.0 : c->o->strategy.cpu_percentile,
	        c->o->strategy.mem_buffer * 100.0, c->o->pricing.currency);
	const char *hd[] = {
		"CPU", T("USED"), T("MEMORY"), "MAX", T("SAVING"), T("EXTRA"), T("SEV")
	};
	text_row(f, "  ", hd, w, 7);
	size_t shown = 0, young = 0;
	for (const fr_row *r; (r = fr_rows_next(&it));) {
		if (r->c->not_enough_data) {
			young++;
		} else if (c->top <= 0 || shown < (size_t)c->top) {
			rightsizing_row(f, c, r);
			shown++;
		}
	}
	more_line(f, c, it.n - young - shown);
	young_section(f, c, &it, young);
	fr_rows_close(&it);
}

/* Unit economics and the trend, as grids. */
static void grid_sections(FILE *f, const fr_outctx *c, int trend)
{
	static const size_t wt[] = { 18, 8, 8, 8, 8, 8, 8, 6 };
	static const size_t wu[] = { 22, 9, 11, 9, 7, 9 };
	static const char *const ht[] = { FR_N("PERIOD"),   FR_N("COST"),    FR_N("CPU REQ"),
		                          FR_N("CPU USED"), FR_N("MEM REQ"), FR_N("MEM USED"),
		                          FR_N("SAVING/M"), FR_N("CHANGE") };
	static const char *const hu[] = { FR_N("NAMESPACE"), FR_N("COST"), FR_N("REQUESTS"),
		                          FR_N("PER 1000"),  FR_N("APPS"), FR_N("PER APP") };
	fr_grid g;
	int any = trend ? fr_grid_trend(c, &g) : fr_grid_units(c, &g);
	if (any && trend)
		fprintf(f,
		        T("\nTREND (%s; CPU and RAM allocation by the pricing model; averages)\n"),
		        c->o->pricing.currency);
	else if (any)
		fprintf(f, "\n%s (%s, %s)\n", T("UNIT ECONOMICS"), c->o->pricing.currency,
		        T("window"));
	if (any)
		text_grid(f, c, &g, trend ? wt : wu, trend ? ht : hu);
	fr_grid_free(&g);
}

FR_FORMAT(table, NULL, 0, 0)
{
	const fr_model *m = c->m;
	summary(f, c);
	grid_sections(f, c, 1);
	cost_section(f, c);
	rightsizing_section(f, c);
	grid_sections(f, c, 0);
	if (m->nwarn) {
		fprintf(f, "\n%s (%zu)\n", T("INCOMPLETE DATA"), m->nwarn);
		for (size_t i = 0; i < m->nwarn; i++) {
			char wt[80];
			fprintf(f, "  - %s\n", fr_cut(m->warnings[i], 76, wt, sizeof wt));
		}
	}
	for (int i = 0; i < c->t->nbreached; i++)
		fprintf(f, "%s%s%s: %s\n", c->color ? "\033[1;31m" : "", T("THRESHOLD BREACHED"),
		        c->color ? "\033[0m" : "", c->t->breached[i]);
	return 0;
}
