/*
 * finops-report: the five output formats. Every format shows the currency and
 * the memory unit prices are per; JSON and CSV carry raw numbers in base
 * units (cores, bytes, currency) and are the machine-readable ones, the table,
 * Markdown and HTML round for people.
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ formatting */

/* Cores as Kubernetes writes them: "250m" below 10 cores, "12.5" above. */
static const char *fcpu(double v, char *b, size_t n)
{
	if (isnan(v))
		snprintf(b, n, "-");
	else if (v < 10)
		snprintf(b, n, "%.0fm", v * 1000.0);
	else
		snprintf(b, n, "%.1f", v);
	return b;
}

/* Bytes in binary units ("512Mi", "1.5Gi"), the units of Kubernetes
 * manifests. */
static const char *fmem(double v, char *b, size_t n)
{
	if (isnan(v))
		snprintf(b, n, "-");
	else if (v >= 10 * FR_GIB || (v >= FR_GIB && fmod(v, FR_GIB) == 0))
		snprintf(b, n, "%.0fGi", v / FR_GIB);
	else if (v >= FR_GIB)
		snprintf(b, n, "%.1fGi", v / FR_GIB);
	else
		snprintf(b, n, "%.0fMi", v / FR_MIB);
	return b;
}

static const char *fmoney(double v, char *b, size_t n)
{
	if (isnan(v))
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%.2f", v);
	return b;
}

static const char *fpct(double v, char *b, size_t n)
{
	if (isnan(v))
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%.0f%%", v * 100.0);
	return b;
}

/* Unix seconds as RFC 3339 UTC. */
static void ftime(double t, char *b, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(b, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Fits s into w columns (UTF-8 unaware: Kubernetes names are ASCII), cutting
 * in the middle so that both the namespace and the pod hash stay visible. */
static const char *fit(const char *s, size_t w, char *b, size_t n)
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
static const char *cut(const char *s, size_t w, char *b, size_t n)
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

static const char *risk_names(unsigned r, char *b, size_t n)
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

/* Flat list of containers for the sections that rank them. */
typedef struct cref {
	const fr_pod *p;
	const fr_container *c;
} cref;

static int cmp_cref(const void *a, const void *b)
{
	const cref *x = a, *y = b;
	/* risks first, then the largest saving */
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

/* Every container, risks first, then by saving (owned array). */
static cref *containers(const fr_model *m, size_t *n)
{
	cref *r = fr_xrealloc(NULL, (m->ncontainers + 1) * sizeof *r);
	size_t k = 0;
	for (size_t i = 0; i < m->npods; i++)
		for (size_t j = 0; j < m->pods[i].nc && k < m->ncontainers; j++) {
			r[k].p = &m->pods[i];
			r[k].c = &m->pods[i].c[j];
			k++;
		}
	qsort(r, k, sizeof *r, cmp_cref);
	*n = k;
	return r;
}

typedef struct pref {
	const char *label;
	char *own;
	fr_cost cost;
	double month, eff, savings;
} pref;

static int cmp_pref(const void *a, const void *b)
{
	double x = nz(((const pref *)a)->cost.total);
	double y = nz(((const pref *)b)->cost.total);
	if (x != y)
		return x < y ? 1 : -1;
	return strcmp(((const pref *)a)->label, ((const pref *)b)->label);
}

/* Rows of the cost section at the chosen grouping, most expensive first. */
static pref *cost_rows(const fr_outctx *c, size_t *n)
{
	const fr_model *m = c->m;
	size_t cap = m->npods + m->nctrls + m->nnss + 1, k = 0;
	pref *r = fr_xrealloc(NULL, cap * sizeof *r);
	if (c->groupby == FR_BY_CONTROLLER || c->groupby == FR_BY_NAMESPACE) {
		const fr_group *g = c->groupby == FR_BY_CONTROLLER ? m->ctrls : m->nss;
		size_t ng = c->groupby == FR_BY_CONTROLLER ? m->nctrls : m->nnss;
		for (size_t i = 0; i < ng; i++) {
			r[k].own = c->groupby == FR_BY_CONTROLLER
			                   ? fr_printf("%s/%s", g[i].ns, g[i].name)
			                   : fr_strdup(g[i].ns);
			r[k].label = r[k].own;
			r[k].cost = g[i].cost;
			r[k].month = g[i].cost_month;
			r[k].eff = g[i].eff_total;
			r[k].savings = g[i].savings_month;
			k++;
		}
	} else {
		for (size_t i = 0; i < m->npods; i++) {
			const fr_pod *p = &m->pods[i];
			r[k].own = fr_printf("%s/%s", p->ns, p->name);
			r[k].label = r[k].own;
			r[k].cost = p->cost;
			r[k].month = fr_per_month(p->cost.total, (double)c->o->window_s);
			r[k].eff = p->eff_total;
			double s = 0;
			for (size_t j = 0; j < p->nc; j++)
				if (p->c[j].savings_month > 0)
					s += p->c[j].savings_month;
			r[k].savings = s;
			k++;
		}
	}
	qsort(r, k, sizeof *r, cmp_pref);
	*n = k;
	return r;
}

/* Frees cost_rows' result. */
static void free_rows(pref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].own);
	free(r);
}

static const char *group_word(int g)
{
	return g == FR_BY_CONTROLLER ? "controller" : g == FR_BY_NAMESPACE ? "namespace" : "pod";
}

/* "7d (start .. end)". */
static void window_text(const fr_outctx *c, char *b, size_t n)
{
	char d[32], s[40], e[40];
	fr_format_duration(c->o->window_s, d, sizeof d);
	ftime(c->o->end - (double)c->o->window_s, s, sizeof s);
	ftime(c->o->end, e, sizeof e);
	snprintf(b, n, "%s (%s .. %s)", d, s, e);
}

/* The pricing model in words, units and currency explicit. */
static void pricing_text(const fr_pricing *p, char *b, size_t n)
{
	snprintf(b, n,
	         "%g %s per vCPU-hour, %g %s per %s-hour of RAM, %g %s per "
	         "%s-month of storage (1 %s = %s bytes; month = 30 days)",
	         p->cpu_hour, p->currency, p->ram_hour, p->currency, p->mem_unit, p->storage_month,
	         p->currency, p->mem_unit, p->mem_unit,
	         p->mem_unit_bytes == FR_GIB ? "2^30" : "10^9");
}

/* ----------------------------------------------------------------- table */

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

/* The terminal table: a summary, the cost per pod (or controller,
 * namespace), the right-sizing of each container, unit economics, and what
 * made the data incomplete. Fits 80 columns. */
void fr_out_table(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const char *cur = c->o->pricing.currency;
	char w[128], pt[400], a[32], b[32], d[32], e[32], g[32], h[64];
	window_text(c, w, sizeof w);
	pricing_text(&c->o->pricing, pt, sizeof pt);
	const fr_pricing *pr = &c->o->pricing;
	char src[96];
	(void)pt;
	fprintf(f, "%sfinops-report%s  window %s\n", c->color ? "\033[1m" : "",
	        c->color ? "\033[0m" : "", w);
	fprintf(f, "source: %s\n", fit(c->sources, 72, src, sizeof src));
	fprintf(f, "pricing: %g %s/vCPU-h, %g %s/%s-h RAM, %g %s/%s-month disk\n", pr->cpu_hour,
	        cur, pr->ram_hour, cur, pr->mem_unit, pr->storage_month, cur, pr->mem_unit);
	fprintf(f, "         (1 %s = %s bytes; month = 30 days = 720 h)\n\n", pr->mem_unit,
	        pr->mem_unit_bytes == FR_GIB ? "2^30" : "10^9");
	fprintf(f, "Cost over the window: %s %s; per month: %s %s\n",
	        fmoney(m->total.total, a, sizeof a), cur, fmoney(m->total_month, b, sizeof b), cur);
	fprintf(f, "Potential savings per month: %s %s\n", fmoney(m->savings_month, a, sizeof a),
	        cur);
	fprintf(f, "Containers: %zu, at risk: %zu, without usage data: %zu\n", m->ncontainers,
	        m->nrisky, m->nmissing);
	if (m->extra_month > 0)
		fprintf(f, "Fixing under-provisioned containers: +%s %s per month\n",
		        fmoney(m->extra_month, a, sizeof a), cur);
	fprintf(f, "Efficiency (usage/request, capped): CPU %s, RAM %s, total %s\n",
	        fpct(m->eff_cpu, a, sizeof a), fpct(m->eff_ram, b, sizeof b),
	        fpct(m->eff_total, d, sizeof d));
	if (m->have_idle)
		fprintf(f, "Kubecost idle cost: %s %s\n", fmoney(m->idle.total, a, sizeof a), cur);
	if (m->have_unallocated)
		fprintf(f, "Kubecost unallocated cost: %s %s\n",
		        fmoney(m->unallocated.total, a, sizeof a), cur);

	size_t nr;
	pref *rows = cost_rows(c, &nr);
	fprintf(f, "\nCOST PER %s (%s, window)\n",
	        c->groupby == FR_BY_CONTROLLER  ? "CONTROLLER"
	        : c->groupby == FR_BY_NAMESPACE ? "NAMESPACE"
	                                        : "POD",
	        cur);
	fprintf(f, "%-32s %7s %7s %6s %8s %8s %5s\n",
	        c->groupby == FR_BY_POD || c->groupby == FR_BY_CONTAINER ? "NAMESPACE/POD"
	        : c->groupby == FR_BY_CONTROLLER                         ? "NAMESPACE/CONTROLLER"
	                                                                 : "NAMESPACE",
	        "CPU", "RAM", "PV", "TOTAL", "/MONTH", "EFF");
	size_t shown = c->top > 0 && (size_t)c->top < nr ? (size_t)c->top : nr;
	for (size_t i = 0; i < shown; i++) {
		char nm[64], x1[24], x2[24], x3[24], x4[24], x5[24], x6[24];
		fprintf(f, "%-32s %7s %7s %6s %8s %8s %5s\n", fit(rows[i].label, 32, nm, sizeof nm),
		        fmoney(rows[i].cost.cpu, x1, sizeof x1),
		        fmoney(rows[i].cost.ram, x2, sizeof x2),
		        fmoney(rows[i].cost.pv, x3, sizeof x3),
		        fmoney(rows[i].cost.total, x4, sizeof x4),
		        fmoney(rows[i].month, x5, sizeof x5), fpct(rows[i].eff, x6, sizeof x6));
	}
	if (shown < nr)
		fprintf(f, "... %zu more (--top 0 shows all)\n", nr - shown);
	free_rows(rows, nr);

	size_t nc;
	cref *cr = containers(m, &nc);
	fprintf(f,
	        "\nRIGHT-SIZING (request > recommended; CPU p%.0f, memory max"
	        " +%.0f%%)\n",
	        c->o->strategy.cpu_use_max ? 100.0 : c->o->strategy.cpu_percentile,
	        c->o->strategy.mem_buffer * 100.0);
	fprintf(f, "%-26s %10s %5s %12s %6s %7s %-7s\n", "POD/CONTAINER", "CPU", "USED", "MEMORY",
	        "MAX", "SAVE/MO", "SEV");
	shown = c->top > 0 && (size_t)c->top < nc ? (size_t)c->top : nc;
	for (size_t i = 0; i < shown; i++) {
		const fr_container *x = cr[i].c;
		char nm[160], nmf[64], cpu[80], mem[80];
		snprintf(nm, sizeof nm, "%s/%s", cr[i].p->name, x->name);
		snprintf(cpu, sizeof cpu, "%s>%s", fcpu(x->cpu.request, a, sizeof a),
		         fcpu(x->cpu.recommended, b, sizeof b));
		snprintf(mem, sizeof mem, "%s>%s", fmem(x->mem.request, d, sizeof d),
		         fmem(x->mem.recommended, e, sizeof e));
		double used = c->o->strategy.cpu_use_max              ? x->cpu.max
		              : c->o->strategy.cpu_percentile == 95.0 ? x->cpu.p95
		              : c->o->strategy.cpu_percentile == 50.0 ? x->cpu.p50
		                                                      : x->cpu.pct;
		fprintf(f, "%-26s %10s %5s %12s %6s %7s %s%s%s\n", fit(nm, 26, nmf, sizeof nmf),
		        cpu, fcpu(used, g, sizeof g), mem, fmem(x->mem.max, h, sizeof h),
		        fmoney(x->savings_month, a, sizeof a), col(c, x->severity),
		        fr_severity_name(x->severity), reset(c, x->severity));
		if (x->note[0]) {
			char nt[80];
			fprintf(f, "  %s\n", cut(x->note, 76, nt, sizeof nt));
		}
	}
	if (shown < nc)
		fprintf(f, "... %zu more (--top 0 shows all)\n", nc - shown);
	free(cr);

	if (m->nunits) {
		fprintf(f, "\nUNIT ECONOMICS (%s, window)\n", cur);
		fprintf(f, "%-22s %9s %11s %9s %7s %9s\n", "NAMESPACE", "COST", "REQUESTS",
		        "PER 1000", "APPS", "PER APP");
		for (size_t i = 0; i < m->nunits; i++) {
			const fr_unit *u = &m->units[i];
			char r1[32], r2[32];
			snprintf(r1, sizeof r1, "%.0f", u->requests);
			snprintf(r2, sizeof r2, "%.0f", u->applications);
			char un[64];
			fprintf(f, "%-22s %9s %11s %9s %7s %9s\n",
			        fit(u->ns ? u->ns : "(all)", 22, un, sizeof un),
			        fmoney(u->cost, a, sizeof a), isnan(u->requests) ? "-" : r1,
			        isnan(u->per_1000_requests)
			                ? "-"
			                : (snprintf(b, sizeof b, "%.4f", u->per_1000_requests), b),
			        isnan(u->applications) ? "-" : r2,
			        isnan(u->per_application)
			                ? "-"
			                : (snprintf(d, sizeof d, "%.4f", u->per_application), d));
		}
	}
	if (m->nwarn) {
		fprintf(f, "\nINCOMPLETE DATA (%zu)\n", m->nwarn);
		for (size_t i = 0; i < m->nwarn; i++) {
			char wt[80];
			fprintf(f, "  - %s\n", cut(m->warnings[i], 76, wt, sizeof wt));
		}
	}
	for (int i = 0; i < c->t->nbreached; i++)
		fprintf(f, "%sTHRESHOLD BREACHED%s: %s\n", c->color ? "\033[1;31m" : "",
		        c->color ? "\033[0m" : "", c->t->breached[i]);
}

/* ------------------------------------------------------------------ json */

/* A JSON number, or null for NAN/Inf: unknown is never written as 0. */
static json_t *jnum(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *jcost(const fr_cost *x)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o}", "cpu", jnum(x->cpu), "ram", jnum(x->ram), "pv",
	                 jnum(x->pv), "network", jnum(x->network), "total", jnum(x->total));
}

/* One controller or namespace of the JSON report. */
static json_t *jgroup(const fr_group *g, const fr_outctx *c)
{
	(void)c;
	return json_pack("{s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:o,s:o,s:o,"
	                 "s:o,s:I,s:b}",
	                 "namespace", g->ns, "kind", g->kind, "name", g->name, "pods",
	                 (json_int_t)g->pods, "containers", (json_int_t)g->containers, "cost",
	                 jcost(&g->cost), "cost_month", jnum(g->cost_month), "savings_month",
	                 jnum(g->savings_month), "extra_cost_month", jnum(g->extra_month),
	                 "efficiency", "cpu", jnum(g->eff_cpu), "ram", jnum(g->eff_ram), "total",
	                 jnum(g->eff_total), "cpu_request_cores", jnum(g->cpu_req),
	                 "cpu_recommended_cores", jnum(g->cpu_rec), "memory_request_bytes",
	                 jnum(g->mem_req), "memory_recommended_bytes", jnum(g->mem_rec),
	                 "containers_at_risk", (json_int_t)g->risks, "hpa", g->hpa);
}

static json_t *jres_cpu(const fr_res *r)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "request_cores", jnum(r->request),
	                 "limit_cores", jnum(r->limit), "p50_cores", jnum(r->p50), "p95_cores",
	                 jnum(r->p95), "percentile_cores", jnum(r->pct), "max_cores", jnum(r->max),
	                 "avg_cores", jnum(r->avg), "allocated_core_hours", jnum(r->alloc_hours),
	                 "recommended_cores", jnum(r->recommended));
}

static json_t *jres_mem(const fr_res *r)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "request_bytes", jnum(r->request),
	                 "limit_bytes", jnum(r->limit), "p95_bytes", jnum(r->p95), "max_bytes",
	                 jnum(r->max), "avg_bytes", jnum(r->avg), "allocated_byte_hours",
	                 jnum(r->alloc_hours), "recommended_bytes", jnum(r->recommended));
}

/* One pod of the JSON report (a new reference). */
static json_t *jpod(const fr_outctx *c, const fr_pod *p)
{
	const fr_model *m = c->m;
	const fr_options *o = c->o;
	char rk[200];
	json_t *cs = json_array();
	for (size_t j = 0; j < p->nc; j++) {
		const fr_container *x = &p->c[j];
		json_t *risks = json_array();
		risk_names(x->risks, rk, sizeof rk);
		char *save = NULL;
		for (char *t = strtok_r(rk, " ", &save); t; t = strtok_r(NULL, " ", &save))
			json_array_append_new(risks, json_string(t));
		json_array_append_new(
			cs, json_pack("{s:s,s:o,s:o,s:o,s:o,s:{s:o,s:o},s:{s:o,s:o},s:o,s:s,s:o,"
		                      "s:b,s:s}",
		                      "container", x->name, "cpu", jres_cpu(&x->cpu), "memory",
		                      jres_mem(&x->mem), "oom_kills", jnum(x->oom_kills),
		                      "restarts", jnum(x->restarts), "cost", "cpu",
		                      jnum(m->cost_from_kubecost ? NAN : x->cost_cpu), "ram",
		                      jnum(m->cost_from_kubecost ? NAN : x->cost_ram), "efficiency",
		                      "cpu", jnum(x->cpu_eff), "ram", jnum(x->mem_eff),
		                      "savings_month", jnum(x->savings_month), "severity",
		                      fr_severity_name(x->severity), "risks", risks,
		                      "missing_usage", x->missing_usage, "note", x->note));
	}
	json_t *hpa = json_null();
	if (p->hpa)
		hpa = json_pack("{s:s,s:o,s:o,s:o,s:o}", "name", p->hpa->name, "cpu_target",
		                jnum(p->hpa->cpu_target), "memory_target", jnum(p->hpa->mem_target),
		                "min_replicas", jnum(p->hpa->min_replicas), "max_replicas",
		                jnum(p->hpa->max_replicas));
	json_t *pod = json_pack(
		"{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:s,s:o}", "namespace", p->ns, "pod",
		p->name, "controller_kind", p->ctrl_kind ? p->ctrl_kind : "Pod", "controller",
		p->ctrl_name ? p->ctrl_name : p->name, "hpa", hpa, "cost", jcost(&p->cost),
		"cost_month", jnum(fr_per_month(p->cost.total, (double)o->window_s)), "efficiency",
		"cpu", jnum(p->eff_cpu), "ram", jnum(p->eff_ram), "total", jnum(p->eff_total),
		"cost_source", p->kubecost_matched == 1 ? "kubecost" : "pricing-model",
		"containers", cs);
	if (p->kubecost_matched == 1)
		json_object_set_new(pod, "kubecost",
		                    json_pack("{s:o,s:o,s:o,s:o}", "cpu_core_request_average",
		                              jnum(p->kc_cpu_req), "cpu_core_usage_average",
		                              jnum(p->kc_cpu_use), "ram_byte_request_average",
		                              jnum(p->kc_ram_req), "ram_byte_usage_average",
		                              jnum(p->kc_ram_use)));
	return pod;
}

/* The JSON report (schema "finops-report/1") without its pods, whose place
 * holds a marker string; field names are documented in docs/finops-report.md
 * and only ever added to. Unknown values are null. */
static json_t *json_head(const fr_outctx *c)
{
	const fr_model *m = c->m;
	const fr_options *o = c->o;
	char s[40], e[40], gen[40];
	ftime(o->end - (double)o->window_s, s, sizeof s);
	ftime(o->end, e, sizeof e);
	ftime((double)time(NULL), gen, sizeof gen);
	json_t *pods = json_string("\x01PODS\x01");
	json_t *ctrls = json_array(), *nss = json_array(), *units = json_array(),
	       *inc = json_array(), *br = json_array();
	for (size_t i = 0; i < m->nctrls; i++)
		json_array_append_new(ctrls, jgroup(&m->ctrls[i], c));
	for (size_t i = 0; i < m->nnss; i++)
		json_array_append_new(nss, jgroup(&m->nss[i], c));
	for (size_t i = 0; i < m->nunits; i++) {
		const fr_unit *u = &m->units[i];
		json_array_append_new(
			units, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "namespace",
		                         u->ns ? json_string(u->ns) : json_null(), "cost",
		                         jnum(u->cost), "requests", jnum(u->requests),
		                         "applications", jnum(u->applications),
		                         "cost_per_1000_requests", jnum(u->per_1000_requests),
		                         "cost_per_application", jnum(u->per_application)));
	}
	for (size_t i = 0; i < m->nwarn; i++)
		json_array_append_new(inc, json_string(m->warnings[i]));
	for (int i = 0; i < c->t->nbreached; i++)
		json_array_append_new(br, json_string(c->t->breached[i]));
	const fr_pricing *pr = &o->pricing;
	const fr_strategy *st = &o->strategy;
	/* the URLs as given, without their passwords (fr_url_redact) */
	char *sp = fr_url_redact(o->prometheus), *sk = fr_url_redact(o->kubecost);
	json_t *j = json_pack(
		"{s:s,s:s,s:s,s:{s:s,s:s,s:I},"
		"s:{s:o,s:o,s:s},"
		"s:{s:s,s:f,s:f,s:f,s:s,s:f,s:f},"
		"s:{s:o,s:f,s:f,s:f,s:f,s:f,s:b},"
		"s:{s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:I,s:I,s:I,s:I,s:o,s:o},"
		"s:o,s:o,s:o,s:o,s:o,"
		"s:{s:o,s:o,s:o,s:b,s:o},s:i}",
		"schema", "finops-report/1", "version", FR_VERSION, "generated_at", gen, "window",
		"start", s, "end", e, "seconds", (json_int_t)o->window_s, "sources", "prometheus",
		sp ? json_string(sp) : json_null(), "kubecost", sk ? json_string(sk) : json_null(),
		"cost_source", m->cost_from_kubecost ? "kubecost" : "pricing-model", "pricing",
		"currency", pr->currency, "cpu_per_vcpu_hour", pr->cpu_hour, "ram_per_unit_hour",
		pr->ram_hour, "storage_per_unit_month", pr->storage_month, "memory_unit",
		pr->mem_unit, "memory_unit_bytes", pr->mem_unit_bytes, "month_hours",
		FR_MONTH_HOURS, "strategy", "cpu_percentile",
		st->cpu_use_max ? json_null() : json_real(st->cpu_percentile), "memory_buffer",
		st->mem_buffer, "cpu_floor_cores", st->cpu_floor, "memory_floor_bytes",
		st->mem_floor, "cpu_round_cores", st->cpu_round, "memory_round_bytes",
		st->mem_round, "cpu_use_max", st->cpu_use_max, "totals", "cost", jcost(&m->total),
		"cost_month", jnum(m->total_month), "savings_month", jnum(m->savings_month),
		"extra_cost_month", jnum(m->extra_month), "efficiency", "cpu", jnum(m->eff_cpu),
		"ram", jnum(m->eff_ram), "total", jnum(m->eff_total), "pods", (json_int_t)m->npods,
		"containers", (json_int_t)m->ncontainers, "containers_at_risk",
		(json_int_t)m->nrisky, "containers_missing_usage", (json_int_t)m->nmissing, "idle",
		m->have_idle ? jcost(&m->idle) : json_null(), "unallocated",
		m->have_unallocated ? jcost(&m->unallocated) : json_null(), "pods", pods,
		"controllers", ctrls, "namespaces", nss, "unit_economics", units, "incomplete", inc,
		"thresholds", "savings_over_month", jnum(c->t->savings_over), "min_efficiency_pct",
		jnum(c->t->min_efficiency), "max_cost_month", jnum(c->t->max_cost), "fail_on_risk",
		c->t->fail_on_risk, "breached", br, "exit_code", c->exit_code);
	free(sp);
	free(sk);
	return j;
}

/* ------------------------------------------------------------------- csv */

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

/* CSV at the chosen grouping: one row per container (default), pod,
 * controller or namespace. Numbers are raw (cores, bytes, currency); an
 * unknown value is an empty field. */
void fr_out_csv(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const char *cur = c->o->pricing.currency;
	char rk[200];
	if (c->groupby == FR_BY_CONTAINER) {
		fputs("namespace,pod,container,controller_kind,controller,"
		      "cpu_request_cores,cpu_limit_cores,cpu_p50_cores,cpu_p95_cores,"
		      "cpu_max_cores,cpu_recommended_cores,memory_request_bytes,"
		      "memory_limit_bytes,memory_p95_bytes,memory_max_bytes,"
		      "memory_recommended_bytes,oom_kills,cost_window,cost_month,"
		      "savings_month,cpu_efficiency,memory_efficiency,severity,risks,"
		      "hpa,note,currency\n",
		      f);
		for (size_t i = 0; i < m->npods; i++) {
			const fr_pod *p = &m->pods[i];
			for (size_t j = 0; j < p->nc; j++) {
				const fr_container *x = &p->c[j];
				double cw = m->cost_from_kubecost ? NAN : x->cost_cpu + x->cost_ram;
				csv_s(f, p->ns, 0);
				csv_s(f, p->name, 0);
				csv_s(f, x->name, 0);
				csv_s(f, p->ctrl_kind, 0);
				csv_s(f, p->ctrl_name, 0);
				csv_n(f, x->cpu.request, 0);
				csv_n(f, x->cpu.limit, 0);
				csv_n(f, x->cpu.p50, 0);
				csv_n(f, x->cpu.p95, 0);
				csv_n(f, x->cpu.max, 0);
				csv_n(f, x->cpu.recommended, 0);
				csv_n(f, x->mem.request, 0);
				csv_n(f, x->mem.limit, 0);
				csv_n(f, x->mem.p95, 0);
				csv_n(f, x->mem.max, 0);
				csv_n(f, x->mem.recommended, 0);
				csv_n(f, x->oom_kills, 0);
				csv_n(f, cw, 0);
				csv_n(f, fr_per_month(cw, (double)c->o->window_s), 0);
				csv_n(f, x->savings_month, 0);
				csv_n(f, x->cpu_eff, 0);
				csv_n(f, x->mem_eff, 0);
				csv_s(f, fr_severity_name(x->severity), 0);
				csv_s(f, risk_names(x->risks, rk, sizeof rk), 0);
				csv_s(f, p->hpa ? p->hpa->name : "", 0);
				csv_s(f, x->note, 0);
				csv_s(f, cur, 1);
			}
		}
		return;
	}
	if (c->groupby == FR_BY_POD) {
		fputs("namespace,pod,controller_kind,controller,cost_cpu,cost_ram,"
		      "cost_pv,cost_network,cost_window,cost_month,cpu_efficiency,"
		      "memory_efficiency,total_efficiency,savings_month,containers,"
		      "containers_at_risk,cost_source,currency\n",
		      f);
		for (size_t i = 0; i < m->npods; i++) {
			const fr_pod *p = &m->pods[i];
			double s = 0;
			int risky = 0;
			for (size_t j = 0; j < p->nc; j++) {
				if (p->c[j].savings_month > 0)
					s += p->c[j].savings_month;
				risky += p->c[j].severity == FR_SEV_RISK;
			}
			csv_s(f, p->ns, 0);
			csv_s(f, p->name, 0);
			csv_s(f, p->ctrl_kind, 0);
			csv_s(f, p->ctrl_name, 0);
			csv_n(f, p->cost.cpu, 0);
			csv_n(f, p->cost.ram, 0);
			csv_n(f, p->cost.pv, 0);
			csv_n(f, p->cost.network, 0);
			csv_n(f, p->cost.total, 0);
			csv_n(f, fr_per_month(p->cost.total, (double)c->o->window_s), 0);
			csv_n(f, p->eff_cpu, 0);
			csv_n(f, p->eff_ram, 0);
			csv_n(f, p->eff_total, 0);
			csv_n(f, s, 0);
			csv_n(f, (double)p->nc, 0);
			csv_n(f, risky, 0);
			csv_s(f, p->kubecost_matched == 1 ? "kubecost" : "pricing-model", 0);
			csv_s(f, cur, 1);
		}
		return;
	}
	const fr_group *g = c->groupby == FR_BY_CONTROLLER ? m->ctrls : m->nss;
	size_t ng = c->groupby == FR_BY_CONTROLLER ? m->nctrls : m->nnss;
	fputs("namespace,kind,name,pods,containers,cost_window,cost_month,"
	      "savings_month,extra_cost_month,cpu_request_cores,"
	      "cpu_recommended_cores,memory_request_bytes,"
	      "memory_recommended_bytes,total_efficiency,containers_at_risk,hpa,"
	      "currency\n",
	      f);
	for (size_t i = 0; i < ng; i++) {
		csv_s(f, g[i].ns, 0);
		csv_s(f, g[i].kind, 0);
		csv_s(f, g[i].name, 0);
		csv_n(f, (double)g[i].pods, 0);
		csv_n(f, (double)g[i].containers, 0);
		csv_n(f, g[i].cost.total, 0);
		csv_n(f, g[i].cost_month, 0);
		csv_n(f, g[i].savings_month, 0);
		csv_n(f, g[i].extra_month, 0);
		csv_n(f, g[i].cpu_req, 0);
		csv_n(f, g[i].cpu_rec, 0);
		csv_n(f, g[i].mem_req, 0);
		csv_n(f, g[i].mem_rec, 0);
		csv_n(f, g[i].eff_total, 0);
		csv_n(f, (double)g[i].risks, 0);
		csv_s(f, g[i].hpa ? "yes" : "no", 0);
		csv_s(f, cur, 1);
	}
}

/* -------------------------------------------------------------- markdown */

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

/* A report an analyst can paste: method, pricing, summary, cost table,
 * over-provisioning table, recommendations with before/after/saving,
 * unit economics and incomplete data. */
void fr_out_markdown(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const fr_options *o = c->o;
	const fr_pricing *pr = &o->pricing;
	const char *cur = pr->currency;
	char w[128], a[32], b[32], d[32], e[32], g[32], h[32], tt[32];
	window_text(c, w, sizeof w);
	fprintf(f, "# FinOps report\n\nWindow: %s. Source: ", w);
	md(f, c->sources);
	fprintf(f,
	        ".\n\n## Method\n\n"
	        "- Requests and limits come from kube-state-metrics; usage from "
	        "cAdvisor (`container_cpu_usage_seconds_total`, "
	        "`container_memory_working_set_bytes`), percentiles computed by "
	        "Prometheus over the whole window.\n"
	        "- Recommended request: CPU = %s of usage, memory = maximum "
	        "working set + %.0f %%, floors %s CPU and %s memory, rounded up "
	        "to %s and %s. Under an HPA the CPU request is divided by the "
	        "HPA's target utilisation.\n"
	        "- Cost: %s. Saving per month = (request - recommended) x price "
	        "x 720 h x the share of the window the container ran.\n"
	        "- Under-provisioning (usage above request, OOM kills, memory "
	        "near its limit, no request) is a **risk**, never counted as "
	        "good efficiency.\n\n",
	        o->strategy.cpu_use_max
	                ? "the maximum"
	                : (snprintf(h, sizeof h, "p%.0f", o->strategy.cpu_percentile), h),
	        o->strategy.mem_buffer * 100.0, fcpu(o->strategy.cpu_floor, a, sizeof a),
	        fmem(o->strategy.mem_floor, b, sizeof b), fcpu(o->strategy.cpu_round, d, sizeof d),
	        fmem(o->strategy.mem_round, e, sizeof e),
	        m->cost_from_kubecost ? "Kubecost's allocation for each pod it priced; the pricing "
	                                "model prices the savings"
	                              : "the pricing model applied to max(request, usage) each "
	                                "hour, as OpenCost allocates");
	fprintf(f,
	        "## Pricing\n\n| Resource | Price |\n|---|---|\n"
	        "| CPU | %g %s per vCPU-hour |\n| RAM | %g %s per %s-hour |\n"
	        "| Storage | %g %s per %s-month |\n\n1 %s = %s bytes; a month is "
	        "30 days (720 h).\n\n",
	        pr->cpu_hour, cur, pr->ram_hour, cur, pr->mem_unit, pr->storage_month, cur,
	        pr->mem_unit, pr->mem_unit, pr->mem_unit_bytes == FR_GIB ? "2^30" : "10^9");
	fprintf(f,
	        "## Summary\n\n| | |\n|---|---|\n"
	        "| Cost over the window | %s %s |\n| Cost per month | %s %s |\n"
	        "| Potential savings per month | %s %s |\n"
	        "| Extra cost to fix risks per month | %s %s |\n"
	        "| Efficiency CPU / RAM / total | %s / %s / %s |\n"
	        "| Pods / containers / at risk / no usage data | %zu / %zu / %zu "
	        "/ %zu |\n\n",
	        fmoney(m->total.total, a, sizeof a), cur, fmoney(m->total_month, b, sizeof b), cur,
	        fmoney(m->savings_month, d, sizeof d), cur, fmoney(m->extra_month, e, sizeof e),
	        cur, fpct(m->eff_cpu, g, sizeof g), fpct(m->eff_ram, h, sizeof h),
	        fpct(m->eff_total, tt, sizeof tt), m->npods, m->ncontainers, m->nrisky,
	        m->nmissing);

	size_t nr;
	pref *rows = cost_rows(c, &nr);
	fprintf(f,
	        "## Cost per %s\n\n| %s | CPU | RAM | PV | Total | Per month "
	        "| Efficiency |\n|---|---:|---:|---:|---:|---:|---:|\n",
	        group_word(c->groupby), group_word(c->groupby));
	for (size_t i = 0; i < nr; i++) {
		char x1[24], x2[24], x3[24], x4[24], x5[24], x6[24];
		fputs("| ", f);
		md(f, rows[i].label);
		fprintf(f, " | %s | %s | %s | %s | %s | %s |\n",
		        fmoney(rows[i].cost.cpu, x1, sizeof x1),
		        fmoney(rows[i].cost.ram, x2, sizeof x2),
		        fmoney(rows[i].cost.pv, x3, sizeof x3),
		        fmoney(rows[i].cost.total, x4, sizeof x4),
		        fmoney(rows[i].month, x5, sizeof x5), fpct(rows[i].eff, x6, sizeof x6));
	}
	free_rows(rows, nr);
	fprintf(f, "\nAmounts in %s.\n\n", cur);

	size_t nc;
	cref *cr = containers(m, &nc);
	fprintf(f, "## Over-provisioning\n\n| Container | CPU request | CPU p50 "
	           "| CPU p95 | CPU max | Memory request | Memory max | Severity |\n"
	           "|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < nc; i++) {
		const fr_container *x = cr[i].c;
		char y1[24], y2[24], y3[24], y4[24], y5[24], y6[24];
		fputs("| ", f);
		md(f, cr[i].p->ns);
		fputs("/", f);
		md(f, cr[i].p->name);
		fputs("/", f);
		md(f, x->name);
		fprintf(f, " | %s | %s | %s | %s | %s | %s | %s |\n",
		        fcpu(x->cpu.request, y1, sizeof y1), fcpu(x->cpu.p50, y2, sizeof y2),
		        fcpu(x->cpu.p95, y3, sizeof y3), fcpu(x->cpu.max, y4, sizeof y4),
		        fmem(x->mem.request, y5, sizeof y5), fmem(x->mem.max, y6, sizeof y6),
		        x->severity == FR_SEV_RISK ? "**risk**" : fr_severity_name(x->severity));
	}
	fprintf(f, "\n## Recommendations\n\n| Container | CPU before -> after "
	           "| Memory before -> after | Saving per month | Note |\n"
	           "|---|---|---|---:|---|\n");
	for (size_t i = 0; i < nc; i++) {
		const fr_container *x = cr[i].c;
		char y1[24], y2[24], y3[24], y4[24], y5[24];
		fputs("| ", f);
		md(f, cr[i].p->ns);
		fputs("/", f);
		md(f, cr[i].p->name);
		fputs("/", f);
		md(f, x->name);
		fprintf(f, " | %s -> %s | %s -> %s | %s %s | ", fcpu(x->cpu.request, y1, sizeof y1),
		        fcpu(x->cpu.recommended, y2, sizeof y2),
		        fmem(x->mem.request, y3, sizeof y3),
		        fmem(x->mem.recommended, y4, sizeof y4),
		        fmoney(x->savings_month, y5, sizeof y5), cur);
		md(f, x->note);
		fputs(" |\n", f);
	}
	free(cr);
	if (m->nunits) {
		fprintf(f, "\n## Unit economics\n\n| Namespace | Cost | Requests | "
		           "Cost per 1 000 requests | Applications | Cost per "
		           "application |\n|---|---:|---:|---:|---:|---:|\n");
		for (size_t i = 0; i < m->nunits; i++) {
			const fr_unit *u = &m->units[i];
			fputs("| ", f);
			md(f, u->ns ? u->ns : "(all)");
			fprintf(f, " | %s %s | %.0f | %.4f %s | %.0f | %.4f %s |\n",
			        fmoney(u->cost, a, sizeof a), cur, nz(u->requests),
			        nz(u->per_1000_requests), cur, nz(u->applications),
			        nz(u->per_application), cur);
		}
	}
	if (m->nwarn) {
		fprintf(f, "\n## Incomplete data\n\n");
		for (size_t i = 0; i < m->nwarn; i++) {
			fputs("- ", f);
			md(f, m->warnings[i]);
			fputc('\n', f);
		}
	}
	if (c->t->nbreached) {
		fprintf(f, "\n## Thresholds breached\n\n");
		for (int i = 0; i < c->t->nbreached; i++) {
			fputs("- ", f);
			md(f, c->t->breached[i]);
			fputc('\n', f);
		}
	}
}

/* ------------------------------------------------------------------ html */

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

/* A horizontal bar chart: one row per label, one or two bars per row
 * (value a and, when b is given, value b under it). Pure SVG, no script. */
static void svg_bars(FILE *f, const char *title, const char *const *labels, const double *va,
                     const double *vb, size_t n, const char *la, const char *lb, const char *unit,
                     int mem)
{
	double mx = 0;
	for (size_t i = 0; i < n; i++) {
		if (nz(va[i]) > mx)
			mx = nz(va[i]);
		if (vb && nz(vb[i]) > mx)
			mx = nz(vb[i]);
	}
	if (mx <= 0)
		mx = 1;
	int rowh = vb ? 26 : 16, left = 260, width = 420;
	int hgt = (int)n * rowh + 40;
	fprintf(f, "<figure><figcaption>");
	hesc(f, title);
	fprintf(f,
	        "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	        "font-family=\"sans-serif\" font-size=\"11\">\n",
	        left + width + 90, hgt, left + width + 90, hgt);
	for (size_t i = 0; i < n; i++) {
		int y = 20 + (int)i * rowh;
		char va_s[32], vb_s[32];
		if (mem) {
			fmem(va[i], va_s, sizeof va_s);
			fmem(vb ? vb[i] : NAN, vb_s, sizeof vb_s);
		} else if (strcmp(unit, "cores") == 0) {
			fcpu(va[i], va_s, sizeof va_s);
			fcpu(vb ? vb[i] : NAN, vb_s, sizeof vb_s);
		} else {
			fmoney(va[i], va_s, sizeof va_s);
			fmoney(vb ? vb[i] : NAN, vb_s, sizeof vb_s);
		}
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6, y + 10);
		hesc(f, labels[i]);
		fprintf(f,
		        "</text>\n<rect class=\"a\" x=\"%d\" y=\"%d\" width=\"%.1f\""
		        " height=\"11\" fill=\"#4e79a7\"><title>%s %s</title></rect>"
		        "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
		        left, y, nz(va[i]) / mx * width, la, va_s,
		        left + nz(va[i]) / mx * width + 4, y + 10, va_s);
		if (vb)
			fprintf(f,
			        "<rect class=\"b\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
			        "height=\"11\" fill=\"#f28e2b\"><title>%s %s</title>"
			        "</rect><text x=\"%.1f\" y=\"%d\">%s</text>\n",
			        left, y + 12, nz(vb[i]) / mx * width, lb, vb_s,
			        left + nz(vb[i]) / mx * width + 4, y + 22, vb_s);
	}
	fprintf(f,
	        "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
	        "fill=\"#4e79a7\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
	        left, hgt - 14, left + 14, hgt - 5, la);
	if (vb)
		fprintf(f,
		        "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		        "fill=\"#f28e2b\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
		        left + 150, hgt - 14, left + 164, hgt - 5, lb);
	fprintf(f, "</svg></figure>\n");
}

/* A self-contained HTML page (inline CSS, SVG charts, no script): summary,
 * cost per pod chart, request versus usage charts, and the tables. */
void fr_out_html(FILE *f, const fr_outctx *c)
{
	const fr_model *m = c->m;
	const char *cur = c->o->pricing.currency;
	char w[128], pt[400], a[32], b[32], d[32];
	window_text(c, w, sizeof w);
	pricing_text(&c->o->pricing, pt, sizeof pt);
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
	        "month</th><td class=\"n\">%s %s</td></tr><tr><th>Containers / at "
	        "risk / no usage data</th><td class=\"n\">%zu / %zu / %zu</td></tr>"
	        "</table>\n",
	        fmoney(m->total.total, a, sizeof a), cur, fmoney(m->total_month, b, sizeof b), cur,
	        fmoney(m->savings_month, d, sizeof d), cur, m->ncontainers, m->nrisky, m->nmissing);

	size_t nr;
	pref *rows = cost_rows(c, &nr);
	size_t n = nr < 40 ? nr : 40;
	const char **labels = fr_xrealloc(NULL, (n + 1) * sizeof *labels);
	double *va = fr_xrealloc(NULL, (n + 1) * sizeof *va);
	for (size_t i = 0; i < n; i++) {
		labels[i] = rows[i].label;
		va[i] = rows[i].month;
	}
	char *title = fr_printf("Cost per month per %s (%s, top %zu)", group_word(c->groupby), cur,
	                        n);
	svg_bars(f, title, labels, va, NULL, n, cur, NULL, "money", 0);
	free(title);
	free(labels);
	free(va);

	size_t nc;
	cref *cr = containers(m, &nc);
	n = nc < 40 ? nc : 40;
	labels = fr_xrealloc(NULL, (n + 1) * sizeof *labels);
	char **own = fr_xrealloc(NULL, (n + 1) * sizeof *own);
	double *ra = fr_xrealloc(NULL, (n + 1) * sizeof *ra);
	double *rb = fr_xrealloc(NULL, (n + 1) * sizeof *rb);
	for (size_t i = 0; i < n; i++) {
		own[i] = fr_printf("%s/%s", cr[i].p->name, cr[i].c->name);
		labels[i] = own[i];
		ra[i] = cr[i].c->cpu.request;
		rb[i] = cr[i].c->cpu.p95;
	}
	svg_bars(f, "CPU: request versus p95 usage (cores)", labels, ra, rb, n, "request",
	         "p95 usage", "cores", 0);
	for (size_t i = 0; i < n; i++) {
		ra[i] = cr[i].c->mem.request;
		rb[i] = cr[i].c->mem.max;
	}
	svg_bars(f, "Memory: request versus max working set", labels, ra, rb, n, "request",
	         "max usage", "bytes", 1);
	for (size_t i = 0; i < n; i++)
		free(own[i]);
	free(own);
	free(labels);
	free(ra);
	free(rb);

	fprintf(f,
	        "<h2>Cost per %s</h2>\n<table id=\"cost\"><tr><th>%s</th>"
	        "<th>CPU</th><th>RAM</th><th>PV</th><th>Total</th><th>Per month"
	        "</th><th>Efficiency</th></tr>\n",
	        group_word(c->groupby), group_word(c->groupby));
	for (size_t i = 0; i < nr; i++) {
		char x1[24], x2[24], x3[24], x4[24], x5[24], x6[24];
		fputs("<tr><td>", f);
		hesc(f, rows[i].label);
		fprintf(f,
		        "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
		        "<td class=\"n\">%s</td><td class=\"n\">%s</td><td "
		        "class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
		        fmoney(rows[i].cost.cpu, x1, sizeof x1),
		        fmoney(rows[i].cost.ram, x2, sizeof x2),
		        fmoney(rows[i].cost.pv, x3, sizeof x3),
		        fmoney(rows[i].cost.total, x4, sizeof x4),
		        fmoney(rows[i].month, x5, sizeof x5), fpct(rows[i].eff, x6, sizeof x6));
	}
	fputs("</table>\n", f);
	free_rows(rows, nr);

	fprintf(f,
	        "<h2>Recommendations</h2>\n<table id=\"rightsizing\"><tr>"
	        "<th>Container</th><th>CPU request</th><th>CPU p95</th>"
	        "<th>CPU recommended</th><th>Memory request</th><th>Memory max"
	        "</th><th>Memory recommended</th><th>Saving per month (%s)</th>"
	        "<th>Severity</th><th>Note</th></tr>\n",
	        cur);
	for (size_t i = 0; i < nc; i++) {
		const fr_container *x = cr[i].c;
		char y[7][24];
		fputs("<tr><td>", f);
		hesc(f, cr[i].p->ns);
		fputc('/', f);
		hesc(f, cr[i].p->name);
		fputc('/', f);
		hesc(f, x->name);
		fprintf(f,
		        "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
		        "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">"
		        "%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
		        "<td class=\"%s\">%s</td><td>",
		        fcpu(x->cpu.request, y[0], 24), fcpu(x->cpu.p95, y[1], 24),
		        fcpu(x->cpu.recommended, y[2], 24), fmem(x->mem.request, y[3], 24),
		        fmem(x->mem.max, y[4], 24), fmem(x->mem.recommended, y[5], 24),
		        fmoney(x->savings_month, y[6], 24),
		        x->severity == FR_SEV_RISK ? "risk" : "sev", fr_severity_name(x->severity));
		hesc(f, x->note);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	free(cr);
	if (m->nunits) {
		fputs("<h2>Unit economics</h2>\n<table id=\"units\"><tr><th>Namespace"
		      "</th><th>Cost</th><th>Cost per 1 000 requests</th><th>Cost per"
		      " application</th></tr>\n",
		      f);
		for (size_t i = 0; i < m->nunits; i++) {
			const fr_unit *u = &m->units[i];
			fputs("<tr><td>", f);
			hesc(f, u->ns ? u->ns : "(all)");
			fprintf(f,
			        "</td><td class=\"n\">%s %s</td><td class=\"n\">%.4f"
			        "</td><td class=\"n\">%.4f</td></tr>\n",
			        fmoney(u->cost, a, sizeof a), cur, nz(u->per_1000_requests),
			        nz(u->per_application));
		}
		fputs("</table>\n", f);
	}
	if (m->nwarn) {
		fputs("<h2>Incomplete data</h2>\n<ul id=\"incomplete\">\n", f);
		for (size_t i = 0; i < m->nwarn; i++) {
			fputs("<li>", f);
			hesc(f, m->warnings[i]);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	for (int i = 0; i < c->t->nbreached; i++) {
		fputs("<p class=\"risk\">Threshold breached: ", f);
		hesc(f, c->t->breached[i]);
		fputs("</p>\n", f);
	}
	fputs("</body></html>\n", f);
}

/* Writes the JSON report. The pods are built and written one at a time into
 * the place of the marker: a tree of every pod of a 2 000-pod cluster would
 * cost more memory than everything else the tool holds. The text is the same
 * as dumping the whole tree with an indent of 2. Returns -1 when a part could
 * not be built (jansson returns NULL for a string that is not UTF-8, or out
 * of memory): the caller must not exit 0 on a missing or truncated report. */
int fr_out_json(FILE *f, const fr_outctx *c)
{
	json_t *head = json_head(c);
	char *txt = head ? json_dumps(head, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(head);
	if (!txt) {
		fputs("finops-report: cannot build the JSON report (a text that is "
		      "not UTF-8?)\n",
		      stderr);
		return -1;
	}
	const char *marker = "\"\\u0001PODS\\u0001\"";
	char *at = strstr(txt, marker);
	if (!at) {
		fputs(txt, f);
		fputc('\n', f);
		free(txt);
		return 0;
	}
	fwrite(txt, 1, (size_t)(at - txt), f);
	if (c->m->npods == 0)
		fputs("[]", f);
	else
		fputs("[\n", f);
	for (size_t i = 0; i < c->m->npods; i++) {
		json_t *p = jpod(c, &c->m->pods[i]);
		char *pt = p ? json_dumps(p, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : NULL;
		json_decref(p);
		if (!pt) {
			fprintf(stderr,
			        "finops-report: cannot build the JSON of pod "
			        "%s/%s\n",
			        c->m->pods[i].ns, c->m->pods[i].name);
			free(txt);
			return -1;
		}
		fputs("    ", f);
		for (const char *q = pt; q && *q; q++) {
			fputc(*q, f);
			if (*q == '\n')
				fputs("    ", f);
		}
		free(pt);
		fputs(i + 1 < c->m->npods ? ",\n" : "\n  ]", f);
	}
	fputs(at + strlen(marker), f);
	fputc('\n', f);
	free(txt);
	return 0;
}
