/*
 * finops-report: what the output formats share: number formatting in
 * Kubernetes units, the window and pricing in words, and the rows every
 * renderer walks (fr_rows_*). Every format shows the currency and the memory
 * unit prices are per; JSON and CSV carry raw numbers in base units (cores,
 * bytes, currency), the table, Markdown and HTML round for people.
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "-": an unknown value. */
static const char *dash(char *b, size_t n)
{
	snprintf(b, n, "-");
	return b;
}

/* Cores as Kubernetes writes them: "250m" below 10 cores, "12.5" above. */
const char *fr_fmt_cpu(double v, char *b, size_t n)
{
	if (isnan(v))
		return dash(b, n);
	snprintf(b, n, v < 10 ? "%.0fm" : "%.1f", v < 10 ? v * 1000.0 : v);
	return b;
}

/* Bytes in binary units ("512Mi", "1.5Gi"), the units of Kubernetes
 * manifests. */
const char *fr_fmt_mem(double v, char *b, size_t n)
{
	if (isnan(v))
		return dash(b, n);
	if (v >= 10 * FR_GIB || (v >= FR_GIB && fmod(v, FR_GIB) == 0))
		snprintf(b, n, "%.0fGi", v / FR_GIB);
	else if (v >= FR_GIB)
		snprintf(b, n, "%.1fGi", v / FR_GIB);
	else
		snprintf(b, n, "%.0fMi", v / FR_MIB);
	return b;
}

const char *fr_fmt_money(double v, char *b, size_t n)
{
	if (isnan(v))
		return dash(b, n);
	snprintf(b, n, "%.2f", v);
	return b;
}

const char *fr_fmt_pct(double v, char *b, size_t n)
{
	if (isnan(v))
		return dash(b, n);
	snprintf(b, n, "%.0f%%", v * 100.0);
	return b;
}

/* Unix seconds as RFC 3339 UTC. */
void fr_fmt_time(double t, char *b, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(b, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Fits s into w columns (UTF-8 unaware: Kubernetes names are ASCII), cutting
 * in the middle so that both the namespace and the pod hash stay visible. */
const char *fr_fit(const char *s, size_t w, char *b, size_t n)
{
	size_t l = strlen(s);
	if (l <= w || w < 5) {
		snprintf(b, n, "%s", s);
		return b;
	}
	size_t head = (w - 1) / 2, tail = w - 1 - head;
	snprintf(b, n, "%.*s~%s", (int)head, s, s + l - tail);
	return b;
}

/* Cuts s to w columns at the end, marking the cut with "..." (for prose,
 * where the start matters most). */
const char *fr_cut(const char *s, size_t w, char *b, size_t n)
{
	if (strlen(s) <= w || w < 4)
		snprintf(b, n, "%s", s);
	else
		snprintf(b, n, "%.*s...", (int)(w - 3), s);
	return b;
}

static double nz(double v)
{
	return isnan(v) ? 0 : v;
}

/* The risk bits as space-separated names (JSON and CSV spell them so). */
const char *fr_risk_names(unsigned r, char *b, size_t n)
{
	static const struct {
		unsigned bit;
		const char *name;
	} t[] = { { FR_RISK_CPU_OVER_REQUEST, "cpu_over_request" },
		  { FR_RISK_MEM_OVER_REQUEST, "memory_over_request" },
		  { FR_RISK_OOM, "oom_killed" },
		  { FR_RISK_NO_REQUEST, "no_request" },
		  { FR_RISK_MEM_NEAR_LIMIT, "memory_near_limit" } };
	size_t used = 0;
	b[0] = '\0';
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (r & t[i].bit) {
			int k = snprintf(b + used, n - used, "%s%s", used ? " " : "", t[i].name);
			if (k > 0 && (size_t)k < n - used)
				used += (size_t)k;
		}
	return b;
}

const char *fr_group_word(int g)
{
	return g == FR_BY_CONTROLLER  ? FR_N("controller")
	       : g == FR_BY_NAMESPACE ? FR_N("namespace")
	       : g == FR_BY_LABEL     ? FR_N("label")
	                              : FR_N("pod");
}

/* "7d (start .. end)". */
void fr_window_text(const fr_outctx *c, char *b, size_t n)
{
	char d[32], s[40], e[40];
	fr_format_duration(c->o->window_s, d, sizeof d);
	fr_fmt_time(c->o->end - (double)c->o->window_s, s, sizeof s);
	fr_fmt_time(c->o->end, e, sizeof e);
	snprintf(b, n, "%s (%s .. %s)", d, s, e);
}

/* The pricing model in words, units and currency explicit. */
void fr_pricing_text(const fr_outctx *c, char *b, size_t n)
{
	const fr_pricing *p = &c->o->pricing;
	snprintf(b, n,
	         FR_T(c, "%g %s per vCPU-hour, %g %s per %s-hour of RAM, %g %s per %s-month of "
	                 "storage (1 %s = %s bytes; month = 30 days)"),
	         p->cpu_hour, p->currency, p->ram_hour, p->currency, p->mem_unit, p->storage_month,
	         p->currency, p->mem_unit, p->mem_unit,
	         p->mem_unit_bytes == FR_GIB ? "2^30" : "10^9");
}

double *fr_cpu_sized_field(const fr_strategy *s, fr_res *cpu)
{
	return s->cpu_use_max              ? &cpu->max
	       : s->cpu_percentile == 95.0 ? &cpu->p95
	       : s->cpu_percentile == 50.0 ? &cpu->p50
	                                   : &cpu->pct;
}

double fr_cpu_sized_usage(const fr_strategy *s, const fr_res *cpu)
{
	return *fr_cpu_sized_field(s, (fr_res *)cpu);
}

void fr_cost_cells(const fr_row *r, char cells[6][24])
{
	fr_fmt_money(r->cost.cpu, cells[0], 24);
	fr_fmt_money(r->cost.ram, cells[1], 24);
	fr_fmt_money(r->cost.pv, cells[2], 24);
	fr_fmt_money(r->cost.total, cells[3], 24);
	fr_fmt_money(r->month, cells[4], 24);
	fr_fmt_pct(r->eff, cells[5], 24);
}

void fr_container_cells(const fr_container *x, char cells[FR_CC_N][24])
{
	const double cpu[] = { x->cpu.request, x->cpu.p50, x->cpu.p95, x->cpu.max,
		               x->cpu.recommended };
	const double mem[] = { x->mem.request, x->mem.max, x->mem.recommended };
	for (int i = 0; i < 5; i++)
		fr_fmt_cpu(cpu[i], cells[FR_CC_CPU_REQ + i], 24);
	for (int i = 0; i < 3; i++)
		fr_fmt_mem(mem[i], cells[FR_CC_MEM_REQ + i], 24);
	fr_fmt_money(x->savings_month, cells[FR_CC_SAVE], 24);
}

/* ------------------------------------------------------------------ grids */

void fr_grid_init(fr_grid *g, size_t ncols, const char *const *head)
{
	memset(g, 0, sizeof *g);
	g->ncols = ncols < FR_GRID_COLS ? ncols : FR_GRID_COLS;
	for (size_t i = 0; i < g->ncols; i++)
		g->head[i] = head[i];
}

void fr_grid_add(fr_grid *g, const char *const *cells)
{
	g->cells = fr_grow(g->cells, &g->cap, (g->nrows + 1) * g->ncols, sizeof *g->cells);
	for (size_t i = 0; i < g->ncols; i++)
		g->cells[g->nrows * g->ncols + i] = fr_strdup(cells[i] ? cells[i] : "");
	g->nrows++;
}

const char *const *fr_grid_cells(const fr_grid *g, size_t row)
{
	return (const char *const *)&g->cells[row * g->ncols];
}

void fr_grid_row(FILE *f, const char *const *cells, size_t n, const fr_grid_marks *m,
                 void (*esc)(FILE *, const char *))
{
	for (size_t k = 0; k < n; k++) {
		fputs(k ? m->sep : m->first, f);
		esc(f, cells[k]);
		fputs(m->close, f);
	}
	fputs(m->end, f);
}

void fr_grid_free(fr_grid *g)
{
	for (size_t i = 0; i < g->nrows * g->ncols; i++)
		free(g->cells[i]);
	free(g->cells);
	memset(g, 0, sizeof *g);
}

/* One period's row: its label, cost, requests, usage, savings, change. */
static void trend_row(fr_grid *g, const char *label, const fr_period *p, const char *change)
{
	char x[6][24];
	fr_fmt_money(p->cost, x[0], 24);
	fr_fmt_cpu(p->cpu_req, x[1], 24);
	fr_fmt_cpu(p->cpu_use, x[2], 24);
	fr_fmt_mem(p->mem_req, x[3], 24);
	fr_fmt_mem(p->mem_use, x[4], 24);
	fr_fmt_money(p->savings.total, x[5], 24);
	const char *cells[] = { label, x[0], x[1], x[2], x[3], x[4], x[5], change };
	fr_grid_add(g, cells);
}

int fr_grid_trend(const fr_outctx *c, fr_grid *g)
{
	const fr_model *m = c->m;
	const char *head[] = { FR_T(c, "Period"),         FR_T(c, "Cost"),
		               FR_T(c, "CPU request"),    FR_T(c, "CPU usage"),
		               FR_T(c, "Memory request"), FR_T(c, "Memory usage"),
		               FR_T(c, "Savings/month"),  FR_T(c, "Change") };
	fr_grid_init(g, 8, head);
	if (!m->have_trend)
		return 0;
	char ch[24] = "";
	if (fr_trend_comparable(m)) {
		double r = fr_ratio(m->current.cost - m->previous.cost, m->previous.cost);
		snprintf(ch, sizeof ch, isnan(r) ? "-" : "%+.0f%%", r * 100.0);
	}
	trend_row(g, FR_T(c, "previous window"), &m->previous, "");
	trend_row(g, FR_T(c, "this window"), &m->current, ch);
	for (size_t d = 0; d < m->ndays; d++) {
		char day[40];
		fr_fmt_time(m->days[d].start, day, sizeof day);
		day[16] = '\0'; /* 2026-11-22T20:00 */
		trend_row(g, day, &m->days[d], "");
	}
	return 1;
}

void fr_grid_cost(const fr_outctx *c, fr_grid *g, size_t top)
{
	const char *head[] = { FR_T(c, fr_group_word(c->groupby)),
		               "CPU",
		               "RAM",
		               "PV",
		               FR_T(c, "Total"),
		               FR_T(c, "Per month"),
		               FR_T(c, "Efficiency") };
	fr_grid_init(g, 7, head);
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_COST, 1);
	for (const fr_row *r; (top == 0 || g->nrows < top) && (r = fr_rows_next(&it));) {
		char x[6][24];
		fr_cost_cells(r, x);
		const char *cells[] = { r->label, x[0], x[1], x[2], x[3], x[4], x[5] };
		fr_grid_add(g, cells);
	}
	g->more = it.n - g->nrows;
	fr_rows_close(&it);
}

/* A figure with `decimals` decimals, or "-" when unknown. */
static const char *count(double v, int decimals, char *b, size_t n)
{
	snprintf(b, n, isnan(v) ? "-" : "%.*f", decimals, v);
	return b;
}

int fr_grid_units(const fr_outctx *c, fr_grid *g)
{
	const char *head[] = { FR_T(c, "Namespace"),    FR_T(c, "Cost"),
		               FR_T(c, "Requests"),     FR_T(c, "Per 1 000 requests"),
		               FR_T(c, "Applications"), FR_T(c, "Per application") };
	fr_grid_init(g, 6, head);
	for (size_t i = 0; i < c->m->nunits; i++) {
		const fr_unit *u = &c->m->units[i];
		char x[5][32];
		const char *cells[] = { u->ns ? u->ns : FR_T(c, "(all)"),
			                fr_fmt_money(u->cost, x[0], 32),
			                count(u->requests, 0, x[1], 32),
			                count(u->per_1000_requests, 4, x[2], 32),
			                count(u->applications, 0, x[3], 32),
			                count(u->per_application, 4, x[4], 32) };
		fr_grid_add(g, cells);
	}
	return c->m->nunits > 0;
}

/* Columns a UTF-8 string takes (one per code point: no wide characters in
 * the texts padded). */
static size_t columns(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void fr_pad(FILE *f, const char *s, size_t w, int right)
{
	size_t n = columns(s);
	for (size_t i = n; right && i < w; i++)
		fputc(' ', f);
	fputs(s, f);
	for (size_t i = n; !right && i < w; i++)
		fputc(' ', f);
}

void fr_doc_tail(FILE *f, const fr_outctx *c, const fr_doc_ops *ops)
{
	fr_grid g;
	if (fr_grid_units(c, &g)) {
		char *t = fr_printf("%s (%s)", FR_T(c, "Unit economics"), c->o->pricing.currency);
		ops->heading(f, t);
		free(t);
		ops->grid(f, &g, "units");
	}
	fr_grid_free(&g);
	if (c->m->nwarn) {
		ops->heading(f, FR_T(c, "Incomplete data"));
		ops->list(f, c->m->warnings, c->m->nwarn, "incomplete");
	}
	if (c->t->nbreached) {
		ops->heading(f, FR_T(c, "Thresholds breached"));
		ops->list(f, c->t->breached, (size_t)c->t->nbreached, "breached");
	}
}

/* ------------------------------------------------------------------ rows */

/* Risks first, then the largest saving, then by name. */
static int cmp_container(const void *a, const void *b)
{
	const fr_row *x = a, *y = b;
	int rx = x->c->severity == FR_SEV_RISK, ry = y->c->severity == FR_SEV_RISK;
	if (rx != ry)
		return ry - rx;
	double sx = nz(x->c->savings_month), sy = nz(y->c->savings_month);
	if (sx != sy)
		return sx < sy ? 1 : -1;
	int k = strcmp(x->p->ns, y->p->ns);
	if (k)
		return k;
	k = strcmp(x->p->name, y->p->name);
	return k ? k : strcmp(x->c->name, y->c->name);
}

/* Most expensive first, then by label. */
static int cmp_cost(const void *a, const void *b)
{
	const fr_row *x = a, *y = b;
	double cx = nz(x->cost.total), cy = nz(y->cost.total);
	if (cx != cy)
		return cx < cy ? 1 : -1;
	return strcmp(x->label, y->label);
}

/* A pod row: its cost, efficiency and positive savings. */
static void pod_row(fr_row *r, const fr_outctx *c, const fr_pod *p)
{
	r->p = p;
	snprintf(r->label, sizeof r->label, "%s/%s", p->ns, p->name);
	r->cost = p->cost;
	r->month = fr_per_month(p->cost.total, (double)c->o->window_s);
	r->eff = p->eff_total;
	r->savings = 0;
	for (size_t j = 0; j < p->nc; j++)
		if (p->c[j].savings_month > 0)
			r->savings += p->c[j].savings_month;
}

/* A controller or namespace row. */
static void group_row(fr_row *r, const fr_group *g, int controller)
{
	r->g = g;
	if (controller)
		snprintf(r->label, sizeof r->label, "%s/%s", g->ns, g->name);
	else
		snprintf(r->label, sizeof r->label, "%s", g->ns);
	r->cost = g->cost;
	r->month = g->cost_month;
	r->eff = g->eff_total;
	r->savings = g->savings_month;
}

void fr_rows_open(fr_rows *it, const fr_outctx *c, int kind, int ranked)
{
	const fr_model *m = c->m;
	if (kind == FR_ROWS_COST)
		kind = c->groupby == FR_BY_CONTROLLER  ? FR_ROWS_CONTROLLERS
		       : c->groupby == FR_BY_NAMESPACE ? FR_ROWS_NAMESPACES
		       : c->groupby == FR_BY_LABEL     ? FR_ROWS_LABELS
		                                       : FR_ROWS_PODS;
	size_t cap = kind == FR_ROWS_CONTAINERS    ? m->ncontainers
	             : kind == FR_ROWS_CONTROLLERS ? m->nctrls
	             : kind == FR_ROWS_NAMESPACES  ? m->nnss
	             : kind == FR_ROWS_LABELS      ? m->nlbls
	                                           : m->npods;
	it->r = fr_xrealloc(NULL, (cap + 1) * sizeof *it->r);
	memset(it->r, 0, (cap + 1) * sizeof *it->r);
	it->n = it->next = 0;
	if (kind == FR_ROWS_CONTAINERS) {
		for (size_t i = 0; i < m->npods; i++)
			for (size_t j = 0; j < m->pods[i].nc && it->n < cap; j++) {
				fr_row *r = &it->r[it->n++];
				r->p = &m->pods[i];
				r->c = &m->pods[i].c[j];
				snprintf(r->label, sizeof r->label, "%s/%s/%s", r->p->ns,
				         r->p->name, r->c->name);
			}
	} else if (kind == FR_ROWS_PODS) {
		for (size_t i = 0; i < m->npods; i++)
			pod_row(&it->r[it->n++], c, &m->pods[i]);
	} else {
		int ctl = kind == FR_ROWS_CONTROLLERS;
		const fr_group *g = ctl ? m->ctrls : kind == FR_ROWS_LABELS ? m->lbls : m->nss;
		for (size_t i = 0; i < cap; i++)
			group_row(&it->r[it->n++], &g[i], ctl);
	}
	if (ranked && it->n > 1)
		qsort(it->r, it->n, sizeof *it->r,
		      kind == FR_ROWS_CONTAINERS ? cmp_container : cmp_cost);
}

const fr_row *fr_rows_next(fr_rows *it)
{
	return it->next < it->n ? &it->r[it->next++] : NULL;
}

void fr_rows_close(fr_rows *it)
{
	free(it->r);
	memset(it, 0, sizeof *it);
}
