/*
 * finops-report: the Markdown report (-f markdown): a report an analyst can
 * paste into a wiki or a merge request: method, pricing, summary, trend,
 * cost table, over-provisioning table, recommendations with
 * before/after/saving, unit economics and incomplete data, in English or
 * French (--lang).
 */
#include "fr.h"

#include <string.h>

#define T(s) FR_T(c, s)

/* Escapes the characters that would break a Markdown table cell. */
static void md(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<' ||
		    *s == '>' || *s == '[' || *s == ']')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

/* A grid as a Markdown table: the first column left, figures right. */
static void md_grid(FILE *f, const fr_grid *g)
{
	static const fr_grid_marks cell = { "| ", " | ", "", " |\n" },
				   rule = { "|", "", "|", "\n" };
	/* the rule under the head: the first column left, the figures right */
	static const char *const align[FR_GRID_COLS] = { "---",  "---:", "---:", "---:",
		                                         "---:", "---:", "---:", "---:",
		                                         "---:", "---:", "---:", "---:" };
	fr_grid_row(f, g->head, g->ncols, &cell, md);
	fr_grid_row(f, align, g->ncols, &rule, md);
	for (size_t i = 0; i < g->nrows; i++)
		fr_grid_row(f, fr_grid_cells(g, i), g->ncols, &cell, md);
}

/* Title, window, sources and method. */
static void md_method(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const fr_options *o = c->o;
	char w[128], a[32], b[32], d[32], e[32], h[32];
	fr_window_text(c, w, sizeof w);
	fprintf(f, "# %s\n\n%s: %s. %s: ", T("FinOps report"), T("Window"), w, T("Source"));
	md(f, c->sources);
	fprintf(f, ".\n\n## %s\n\n", T("Method"));
	fprintf(f,
	        T("- Requests and limits come from kube-state-metrics; usage from cAdvisor "
	          "(`container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`), "
	          "CPU percentiles computed by this tool from a range query of the usage rate at "
	          "the resolution step (same interpolation as Prometheus' quantile_over_time), "
	          "memory p50, p95 and maximum by Prometheus over the raw working set of the "
	          "whole window.\n"
	          "- Recommended request: CPU = %s of usage, memory = maximum working set + %.0f "
	          "%%, floors %s CPU and %s memory, rounded up to %s and %s. Under an HPA the CPU "
	          "request is divided by the HPA's target utilisation.\n"
	          "- Cost: %s. Per resource, (request - recommended) x price x 720 h x the share "
	          "of the window the container ran is a saving when positive, an extra cost when "
	          "negative; savings and extra costs are never netted.\n"
	          "- Under-provisioning (usage above request, OOM kills, memory near its limit, "
	          "no request) is a **risk**, never counted as good efficiency.\n\n"),
	        o->strategy.cpu_use_max
	                ? T("the maximum")
	                : (snprintf(h, sizeof h, "p%.0f", o->strategy.cpu_percentile), h),
	        o->strategy.mem_buffer * 100.0, fr_fmt_cpu(o->strategy.cpu_floor, a, sizeof a),
	        fr_fmt_mem(o->strategy.mem_floor, b, sizeof b),
	        fr_fmt_cpu(o->strategy.cpu_round, d, sizeof d),
	        fr_fmt_mem(o->strategy.mem_round, e, sizeof e),
	        m->cost_from_kubecost ? T("Kubecost's allocation for each pod it priced; the "
	                                  "pricing model prices the savings")
	                              : T("the pricing model applied to max(request, usage) "
	                                  "each hour, as OpenCost allocates"));
}

/* Pricing and summary. */
static void md_summary(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const fr_pricing *pr = &c->o->pricing;
	const char *cur = pr->currency;
	char a[32], b[32], d[32], e[32], g[32], h[32], tt[32], s1[24], s2[24], e1[24], e2[24];
	fr_fmt_money(m->savings.cpu, s1, sizeof s1);
	fr_fmt_money(m->savings.mem, s2, sizeof s2);
	fr_fmt_money(m->extra.cpu, e1, sizeof e1);
	fr_fmt_money(m->extra.mem, e2, sizeof e2);
	fprintf(f,
	        T("## Pricing\n\n| Resource | Price |\n|---|---|\n"
	          "| CPU | %g %s per vCPU-hour |\n| RAM | %g %s per %s-hour |\n"
	          "| Storage | %g %s per %s-month |\n\n1 %s = %s bytes; a month is "
	          "30 days (720 h).\n\n"),
	        pr->cpu_hour, cur, pr->ram_hour, cur, pr->mem_unit, pr->storage_month, cur,
	        pr->mem_unit, pr->mem_unit, pr->mem_unit_bytes == FR_GIB ? "2^30" : "10^9");
	fprintf(f,
	        T("## Summary\n\n| | |\n|---|---|\n"
	          "| Cost over the window | %s %s |\n| Cost per month | %s %s |\n"
	          "| Potential savings per month (CPU + memory) | %s %s (%s + %s) |\n"
	          "| Extra cost of raising requests per month (CPU + memory) | %s %s (%s + %s) |\n"
	          "| Efficiency CPU / RAM / total | %s / %s / %s |\n"
	          "| Pods / containers / at risk / no usage data / not enough data | %zu / %zu / "
	          "%zu / %zu / %zu |\n\n"),
	        fr_fmt_money(m->total.total, a, sizeof a), cur,
	        fr_fmt_money(m->total_month, b, sizeof b), cur,
	        fr_fmt_money(m->savings.total, d, sizeof d), cur, s1, s2,
	        fr_fmt_money(m->extra.total, e, sizeof e), cur, e1, e2,
	        fr_fmt_pct(m->eff_cpu, g, sizeof g), fr_fmt_pct(m->eff_ram, h, sizeof h),
	        fr_fmt_pct(m->eff_total, tt, sizeof tt), m->npods, m->ncontainers, m->nrisky,
	        m->nmissing, m->nyoung);
}

/* The trend and the cost table. */
static void md_trend_cost(FILE *f, const fr_outctx *c)
{
	fr_grid g;
	if (fr_grid_trend(c, &g)) {
		fprintf(f,
		        T("## Trend\n\nCPU and RAM allocation priced by the pricing model (%s); "
		          "requests and usage are hourly averages; savings per month.\n\n"),
		        c->o->pricing.currency);
		md_grid(f, &g);
		fputc('\n', f);
	}
	fr_grid_free(&g);
	fr_grid_cost(c, &g, 0);
	fprintf(f, "## %s\n\n",
	        T(c->groupby == FR_BY_CONTROLLER  ? "Cost per controller"
	          : c->groupby == FR_BY_NAMESPACE ? "Cost per namespace"
	          : c->groupby == FR_BY_LABEL     ? "Cost per label"
	                                          : "Cost per pod"));
	md_grid(f, &g);
	fr_grid_free(&g);
	fprintf(f, "\n%s %s.\n\n", T("Amounts in"), c->o->pricing.currency);
}

/* A container's cell: namespace/pod/container, escaped. */
static void md_container(FILE *f, const fr_row *r)
{
	fputs("| ", f);
	md(f, r->label);
}

static void md_containers(FILE *f, const fr_outctx *c)
{
	const char *cur = c->o->pricing.currency;
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_CONTAINERS, 1);
	fprintf(f, "## %s\n\n%s", T("Over-provisioning"),
	        T("| Container | CPU request | CPU p50 | CPU p95 | CPU max | Memory request | "
	          "Memory max | Severity |\n|---|---:|---:|---:|---:|---:|---:|---|\n"));
	for (const fr_row *r; (r = fr_rows_next(&it));) {
		char y[FR_CC_N][24];
		fr_container_cells(r->c, y);
		md_container(f, r);
		fprintf(f, " | %s | %s | %s | %s | %s | %s | %s%s%s |\n", y[FR_CC_CPU_REQ],
		        y[FR_CC_CPU_P50], y[FR_CC_CPU_P95], y[FR_CC_CPU_MAX], y[FR_CC_MEM_REQ],
		        y[FR_CC_MEM_MAX], r->c->severity == FR_SEV_RISK ? "**" : "",
		        T(fr_severity_name(r->c->severity)),
		        r->c->severity == FR_SEV_RISK ? "**" : "");
	}
	fprintf(f, "\n## %s\n\n%s", T("Recommendations"),
	        T("| Container | CPU before -> after | Memory before -> after | CPU saving | "
	          "Memory saving | Extra cost | Note |\n|---|---|---|---:|---:|---:|---|\n"));
	it.next = 0;
	for (const fr_row *r; (r = fr_rows_next(&it));) {
		char y[FR_CC_N][24], sc[24], sm[24], ex[24], note[512];
		fr_container_cells(r->c, y);
		md_container(f, r);
		fprintf(f, " | %s -> %s | %s -> %s | %s %s | %s %s | %s %s | ", y[FR_CC_CPU_REQ],
		        y[FR_CC_CPU_REC], y[FR_CC_MEM_REQ], y[FR_CC_MEM_REC],
		        fr_fmt_money(r->c->savings.cpu, sc, sizeof sc), cur,
		        fr_fmt_money(r->c->savings.mem, sm, sizeof sm), cur,
		        fr_fmt_money(r->c->extra.total, ex, sizeof ex), cur);
		md(f, fr_note_text(c, r, note, sizeof note));
		fputs(" |\n", f);
	}
	fr_rows_close(&it);
}

static void md_heading(FILE *f, const char *text)
{
	fputs("\n## ", f);
	md(f, text);
	fputs("\n\n", f);
}

static void md_grid_id(FILE *f, const fr_grid *g, const char *id)
{
	(void)id; /* Markdown has no ids */
	md_grid(f, g);
}

static void md_list(FILE *f, char *const *items, size_t n, const char *id)
{
	(void)id;
	for (size_t i = 0; i < n; i++) {
		fputs("- ", f);
		md(f, items[i]);
		fputc('\n', f);
	}
}

static const fr_doc_ops md_doc = { md_heading, md_grid_id, md_list };

FR_FORMAT(markdown, "md", 0, 0)
{
	md_method(f, c);
	md_summary(f, c);
	md_trend_cost(f, c);
	md_containers(f, c);
	fr_doc_tail(f, c, &md_doc);
	return 0;
}
