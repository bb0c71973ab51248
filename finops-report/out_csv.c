/*
 * finops-report: CSV (-f csv, RFC 4180) at the chosen grouping: one row per
 * container (the default with Prometheus), pod, controller or namespace.
 * Numbers are raw (cores, bytes, currency); an unknown value is an empty
 * field; text a spreadsheet would run as a formula gets a leading quote.
 */
#include "fr.h"

#include <string.h>

/* Writes one CSV field (RFC 4180 quoting). A text field that a spreadsheet
 * would run as a formula (=, +, @ first) gets a leading quote mark. */
static void csv_s(FILE *f, const char *s, int last)
{
	if (!s)
		s = "";
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	int guard = s[0] == '=' || s[0] == '+' || s[0] == '@';
	if (quote || guard) {
		fputc('"', f);
		if (guard)
			fputc('\'', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

/* Writes one CSV number (%.10g), empty when unknown. */
static void csv_n(FILE *f, double v, int last)
{
	if (!isnan(v) && !isinf(v))
		fprintf(f, "%.10g", v);
	fputc(last ? '\n' : ',', f);
}

/* Writes @n text fields, none of them the row's last. */
static void csv_strs(FILE *f, const char *const *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_s(f, s[i], 0);
}

/* Writes @n number fields, none of them the row's last. */
static void csv_nums(FILE *f, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_n(f, v[i], 0);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void container_rows(FILE *f, const fr_outctx *c)
{
	const char *cur = c->o->pricing.currency;
	char rk[200];
	fputs("namespace,pod,container,controller_kind,controller,"
	      "cpu_request_cores,cpu_limit_cores,cpu_p50_cores,cpu_p95_cores,"
	      "cpu_max_cores,cpu_recommended_cores,memory_request_bytes,"
	      "memory_limit_bytes,memory_p95_bytes,memory_max_bytes,"
	      "memory_recommended_bytes,oom_kills,cost_window,cost_month,"
	      "savings_month,cpu_efficiency,memory_efficiency,severity,risks,"
	      "hpa,note,currency,savings_cpu_month,savings_memory_month,"
	      "extra_cost_cpu_month,extra_cost_memory_month,extra_cost_month,memory_p50_bytes,"
	      "cpu_recommended_limit_cores,memory_recommended_limit_bytes,"
	      "recommendation_above_request,not_enough_data\n",
	      f);
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_CONTAINERS, 0);
	for (const fr_row *r; (r = fr_rows_next(&it));) {
		const fr_pod *p = r->p;
		const fr_container *x = r->c;
		double cw = c->m->cost_from_kubecost ? NAN : x->cost_cpu + x->cost_ram;
		const char *id[] = { p->ns, p->name, x->name, p->ctrl_kind, p->ctrl_name };
		csv_strs(f, id, COUNT(id));
		const double num[] = { x->cpu.request,
			               x->cpu.limit,
			               x->cpu.p50,
			               x->cpu.p95,
			               x->cpu.max,
			               x->cpu.recommended,
			               x->mem.request,
			               x->mem.limit,
			               x->mem.p95,
			               x->mem.max,
			               x->mem.recommended,
			               x->oom_kills,
			               cw,
			               fr_per_month(cw, (double)c->o->window_s),
			               x->savings_month,
			               x->cpu_eff,
			               x->mem_eff };
		csv_nums(f, num, COUNT(num));
		csv_s(f, fr_severity_name(x->severity), 0);
		csv_s(f, fr_risk_names(x->risks, rk, sizeof rk), 0);
		csv_s(f, p->hpa ? p->hpa->name : "", 0);
		csv_s(f, x->note, 0);
		csv_s(f, cur, 0);
		const double more[] = { x->savings.cpu,
			                x->savings.mem,
			                x->extra.cpu,
			                x->extra.mem,
			                x->extra.total,
			                x->mem.p50,
			                x->cpu.recommended_limit,
			                x->mem.recommended_limit };
		csv_nums(f, more, COUNT(more));
		csv_s(f, x->rec_above_request ? "yes" : "no", 0);
		csv_s(f, x->not_enough_data ? "yes" : "no", 1);
	}
	fr_rows_close(&it);
}

static void pod_rows(FILE *f, const fr_outctx *c)
{
	fputs("namespace,pod,controller_kind,controller,cost_cpu,cost_ram,"
	      "cost_pv,cost_network,cost_window,cost_month,cpu_efficiency,"
	      "memory_efficiency,total_efficiency,savings_month,containers,"
	      "containers_at_risk,cost_source,currency\n",
	      f);
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_PODS, 0);
	for (const fr_row *r; (r = fr_rows_next(&it));) {
		const fr_pod *p = r->p;
		int risky = 0;
		for (size_t j = 0; j < p->nc; j++)
			risky += p->c[j].severity == FR_SEV_RISK;
		const char *id[] = { p->ns, p->name, p->ctrl_kind, p->ctrl_name };
		csv_strs(f, id, COUNT(id));
		const double num[] = { p->cost.cpu,   p->cost.ram, p->cost.pv,    p->cost.network,
			               p->cost.total, r->month,    p->eff_cpu,    p->eff_ram,
			               p->eff_total,  r->savings,  (double)p->nc, risky };
		csv_nums(f, num, COUNT(num));
		csv_s(f, p->kubecost_matched == 1 ? "kubecost" : "pricing-model", 0);
		csv_s(f, c->o->pricing.currency, 1);
	}
	fr_rows_close(&it);
}

static void group_rows(FILE *f, const fr_outctx *c)
{
	fputs("namespace,kind,name,pods,containers,cost_window,cost_month,"
	      "savings_month,extra_cost_month,cpu_request_cores,"
	      "cpu_recommended_cores,memory_request_bytes,"
	      "memory_recommended_bytes,total_efficiency,containers_at_risk,hpa,"
	      "currency,savings_cpu_month,savings_memory_month,extra_cost_cpu_month,"
	      "extra_cost_memory_month\n",
	      f);
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_COST, 0);
	for (const fr_row *r; (r = fr_rows_next(&it));) {
		const fr_group *g = r->g;
		csv_s(f, g->ns, 0);
		csv_s(f, g->kind, 0);
		csv_s(f, g->name, 0);
		const double num[] = { (double)g->pods,  (double)g->containers,
			               g->cost.total,    g->cost_month,
			               g->savings_month, g->extra_month,
			               g->cpu_req,       g->cpu_rec,
			               g->mem_req,       g->mem_rec,
			               g->eff_total,     (double)g->risks };
		csv_nums(f, num, COUNT(num));
		csv_s(f, g->hpa ? "yes" : "no", 0);
		csv_s(f, c->o->pricing.currency, 0);
		csv_n(f, g->savings.cpu, 0);
		csv_n(f, g->savings.mem, 0);
		csv_n(f, g->extra.cpu, 0);
		csv_n(f, g->extra.mem, 1);
	}
	fr_rows_close(&it);
}

FR_FORMAT(csv, NULL, 1, 0)
{
	if (c->groupby == FR_BY_CONTAINER)
		container_rows(f, c);
	else if (c->groupby == FR_BY_POD)
		pod_rows(f, c);
	else
		group_rows(f, c);
	return 0;
}
