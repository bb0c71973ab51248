/*
 * finops-report: the terminal table (-f table, the default): a summary, the
 * cost per pod (or controller, namespace), the right-sizing of each
 * container, unit economics, and what made the data incomplete. Fits 80
 * columns; colour only when asked or on a TTY.
 */
#include "fr.h"

#include <string.h>

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

/* How many of n rows a section shows under --top. */
static size_t shown_rows(const fr_outctx *c, size_t n)
{
	return c->top > 0 && (size_t)c->top < n ? (size_t)c->top : n;
}

static void summary(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const fr_pricing *pr = &c->o->pricing;
	const char *cur = pr->currency;
	char w[128], a[32], b[32], d[32], e[32], g[32], src[96];
	fr_window_text(c, w, sizeof w);
	fprintf(f, "%sfinops-report%s  window %s\n", c->color ? "\033[1m" : "",
	        c->color ? "\033[0m" : "", w);
	fprintf(f, "source: %s\n", fr_fit(c->sources, 72, src, sizeof src));
	fprintf(f, "pricing: %g %s/vCPU-h, %g %s/%s-h RAM, %g %s/%s-month disk\n", pr->cpu_hour,
	        cur, pr->ram_hour, cur, pr->mem_unit, pr->storage_month, cur, pr->mem_unit);
	fprintf(f, "         (1 %s = %s bytes; month = 30 days = 720 h)\n\n", pr->mem_unit,
	        pr->mem_unit_bytes == FR_GIB ? "2^30" : "10^9");
	fprintf(f, "Cost over the window: %s %s; per month: %s %s\n",
	        fr_fmt_money(m->total.total, a, sizeof a), cur,
	        fr_fmt_money(m->total_month, b, sizeof b), cur);
	fprintf(f, "Potential savings per month: %s %s (CPU %s, memory %s)\n",
	        fr_fmt_money(m->savings.total, a, sizeof a), cur,
	        fr_fmt_money(m->savings.cpu, b, sizeof b),
	        fr_fmt_money(m->savings.mem, d, sizeof d));
	fprintf(f, "Extra cost of raising requests per month: +%s %s (CPU %s, memory %s)\n",
	        fr_fmt_money(m->extra.total, a, sizeof a), cur,
	        fr_fmt_money(m->extra.cpu, b, sizeof b), fr_fmt_money(m->extra.mem, d, sizeof d));
	fprintf(f, "Containers: %zu, at risk: %zu, without usage data: %zu, not enough data: %zu\n",
	        m->ncontainers, m->nrisky, m->nmissing, m->nyoung);
	fprintf(f, "Efficiency (usage/request, capped): CPU %s, RAM %s, total %s\n",
	        fr_fmt_pct(m->eff_cpu, a, sizeof a), fr_fmt_pct(m->eff_ram, b, sizeof b),
	        fr_fmt_pct(m->eff_total, d, sizeof d));
	if (m->have_idle)
		fprintf(f, "Kubecost idle cost: %s %s\n", fr_fmt_money(m->idle.total, a, sizeof a),
		        cur);
	if (m->have_nodes)
		fprintf(f, "Nodes: allocatable %s %s, reserved %s, idle %s (CPU %s, RAM %s)\n",
		        fr_fmt_money(m->nodes.allocatable.total, a, sizeof a), cur,
		        fr_fmt_money(m->nodes.reserved.total, b, sizeof b),
		        fr_fmt_money(m->nodes.idle.total, d, sizeof d),
		        fr_fmt_money(m->nodes.idle.cpu, e, sizeof e),
		        fr_fmt_money(m->nodes.idle.ram, g, sizeof g));
	if (m->have_unallocated)
		fprintf(f, "Kubecost unallocated cost: %s %s\n",
		        fr_fmt_money(m->unallocated.total, a, sizeof a), cur);
}

static void cost_section(FILE *f, const fr_outctx *c)
{
	static const char *const title[] = { "POD", "POD", "CONTROLLER", "NAMESPACE", "LABEL" };
	static const char *const head[] = { "NAMESPACE/POD", "NAMESPACE/POD",
		                            "NAMESPACE/CONTROLLER", "NAMESPACE", "VALUE" };
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_COST, 1);
	fprintf(f, "\nCOST PER %s%s%s (%s, window)\n", title[c->groupby],
	        c->o->group_label ? " " : "", c->o->group_label ? c->o->group_label : "",
	        c->o->pricing.currency);
	fprintf(f, "%-32s %7s %7s %6s %8s %8s %5s\n", head[c->groupby], "CPU", "RAM", "PV", "TOTAL",
	        "/MONTH", "EFF");
	size_t shown = shown_rows(c, it.n);
	const fr_row *r;
	for (size_t i = 0; i < shown && (r = fr_rows_next(&it)); i++) {
		char x[6][24];
		fr_cost_cells(r, x);
		/* a name longer than its column has a line of its own: never cut */
		if (strlen(r->label) > 32)
			fprintf(f, "%s\n", r->label);
		fprintf(f, "%-32s %7s %7s %6s %8s %8s %5s\n", strlen(r->label) > 32 ? "" : r->label,
		        x[0], x[1], x[2], x[3], x[4], x[5]);
	}
	if (shown < it.n)
		fprintf(f, "... %zu more (--top 0 shows all)\n", it.n - shown);
	fr_rows_close(&it);
}

/* Two lines a container: its whole name, then the figures. */
static void rightsizing_row(FILE *f, const fr_outctx *c, const fr_row *r)
{
	const fr_container *x = r->c;
	char y[FR_CC_N][24], used[24], cpu[64], mem[64], save[24], extra[24];
	fr_container_cells(x, y);
	snprintf(cpu, sizeof cpu, "%s->%s", y[FR_CC_CPU_REQ], y[FR_CC_CPU_REC]);
	snprintf(mem, sizeof mem, "%s->%s", y[FR_CC_MEM_REQ], y[FR_CC_MEM_REC]);
	fr_fmt_cpu(fr_cpu_sized_usage(&c->o->strategy, &x->cpu), used, sizeof used);
	fprintf(f, "%s\n", r->label);
	fprintf(f, "  %12s %6s %14s %7s %8s %8s %s%s%s\n", cpu, used, mem, y[FR_CC_MEM_MAX],
	        fr_fmt_money(x->savings.total, save, sizeof save),
	        fr_fmt_money(x->extra.total, extra, sizeof extra), col(c, x->severity),
	        fr_severity_name(x->severity), reset(c, x->severity));
	if (x->note[0]) {
		char nt[80];
		fprintf(f, "  %s\n", fr_cut(x->note, 76, nt, sizeof nt));
	}
}

static void rightsizing_section(FILE *f, const fr_outctx *c)
{
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_CONTAINERS, 1);
	fprintf(f,
	        "\nRIGHT-SIZING (request->recommended; CPU p%.0f, memory max"
	        " +%.0f%%; %s per month)\n",
	        c->o->strategy.cpu_use_max ? 100.0 : c->o->strategy.cpu_percentile,
	        c->o->strategy.mem_buffer * 100.0, c->o->pricing.currency);
	fprintf(f, "  %12s %6s %14s %7s %8s %8s %-7s\n", "CPU", "USED", "MEMORY", "MAX", "SAVING",
	        "EXTRA", "SEV");
	size_t shown = 0, young = 0;
	const fr_row *r;
	while ((r = fr_rows_next(&it))) {
		if (r->c->not_enough_data) {
			young++;
		} else if (c->top <= 0 || shown < (size_t)c->top) {
			rightsizing_row(f, c, r);
			shown++;
		}
	}
	if (shown < it.n - young)
		fprintf(f, "... %zu more (--top 0 shows all)\n", it.n - young - shown);
	if (young) {
		fprintf(f,
		        "\nNOT ENOUGH DATA (%zu: less than --min-history of usage; no "
		        "recommendation)\n",
		        young);
		it.next = 0;
		while ((r = fr_rows_next(&it)))
			if (r->c->not_enough_data)
				fprintf(f, "  %s (%.1f h)\n", r->label, r->c->usage_hours);
	}
	fr_rows_close(&it);
}

/* A figure with `decimals` decimals, or "-" when unknown. */
static const char *count(double v, int decimals, char *b, size_t n)
{
	if (isnan(v))
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%.*f", decimals, v);
	return b;
}

static void units_section(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	if (!m->nunits)
		return;
	fprintf(f, "\nUNIT ECONOMICS (%s, window)\n", c->o->pricing.currency);
	fprintf(f, "%-22s %9s %11s %9s %7s %9s\n", "NAMESPACE", "COST", "REQUESTS", "PER 1000",
	        "APPS", "PER APP");
	for (size_t i = 0; i < m->nunits; i++) {
		const fr_unit *u = &m->units[i];
		char un[64], a[32], r1[32], r2[32], p1[32], p2[32];
		fprintf(f, "%-22s %9s %11s %9s %7s %9s\n",
		        fr_fit(u->ns ? u->ns : "(all)", 22, un, sizeof un),
		        fr_fmt_money(u->cost, a, sizeof a), count(u->requests, 0, r1, sizeof r1),
		        count(u->per_1000_requests, 4, p1, sizeof p1),
		        count(u->applications, 0, r2, sizeof r2),
		        count(u->per_application, 4, p2, sizeof p2));
	}
}

/* The daily breakdown and the previous window. */
static void trend_section(FILE *f, const fr_outctx *c)
{
	const fr_period *rows[64];
	char labels[64][32];
	size_t n = fr_trend_rows(c->m, rows, labels);
	if (!n)
		return;
	fprintf(f, "\nTREND (%s; CPU and RAM allocation by the pricing model; averages)\n",
	        c->o->pricing.currency);
	fprintf(f, "%-16s %8s %8s %8s %8s %8s %8s %6s\n", "PERIOD", "COST", "CPU REQ", "CPU USED",
	        "MEM REQ", "MEM USED", "SAVING/M", "CHANGE");
	for (size_t i = 0; i < n; i++) {
		char x[6][24], ch[24] = "";
		fr_period_cells(rows[i], x);
		if (i == 1 && fr_trend_comparable(c->m)) {
			double r = fr_ratio(rows[1]->cost - rows[0]->cost, rows[0]->cost);
			snprintf(ch, sizeof ch, isnan(r) ? "-" : "%+.0f%%", r * 100.0);
		}
		fprintf(f, "%-16s %8s %8s %8s %8s %8s %8s %6s\n", labels[i], x[0], x[1], x[2], x[3],
		        x[4], x[5], ch);
	}
}

FR_RENDERER(table)
{
	const fr_model *m = c->m;
	summary(f, c);
	trend_section(f, c);
	cost_section(f, c);
	rightsizing_section(f, c);
	units_section(f, c);
	if (m->nwarn) {
		fprintf(f, "\nINCOMPLETE DATA (%zu)\n", m->nwarn);
		for (size_t i = 0; i < m->nwarn; i++) {
			char wt[80];
			fprintf(f, "  - %s\n", fr_cut(m->warnings[i], 76, wt, sizeof wt));
		}
	}
	for (int i = 0; i < c->t->nbreached; i++)
		fprintf(f, "%sTHRESHOLD BREACHED%s: %s\n", c->color ? "\033[1;31m" : "",
		        c->color ? "\033[0m" : "", c->t->breached[i]);
	return 0;
}
