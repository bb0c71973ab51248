/*
 * finops-report: the JSON report (-f json), schema "finops-report/2": stable
 * field names, documented in docs/finops-report.md and only ever added to;
 * unknown values are null, never 0.
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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
/* {cpu, memory, total}: money per month, never negative. */
static json_t *jmoney(const fr_money *x)
{
	return json_pack("{s:o,s:o,s:o}", "cpu", jnum(x->cpu), "memory", jnum(x->mem), "total",
	                 jnum(x->total));
}

static json_t *jgroup(const fr_group *g, const fr_outctx *c)
{
	json_t *j = json_pack("{s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:o,s:o,s:o,"
	                      "s:o,s:I,s:b}",
	                      "namespace", g->ns, "kind", g->kind, "name", g->name, "pods",
	                      (json_int_t)g->pods, "containers", (json_int_t)g->containers, "cost",
	                      jcost(&g->cost), "cost_month", jnum(g->cost_month), "savings_month",
	                      jmoney(&g->savings), "extra_cost_month", jmoney(&g->extra),
	                      "efficiency", "cpu", jnum(g->eff_cpu), "ram", jnum(g->eff_ram),
	                      "total", jnum(g->eff_total), "cpu_request_cores", jnum(g->cpu_req),
	                      "cpu_recommended_cores", jnum(g->cpu_rec), "memory_request_bytes",
	                      jnum(g->mem_req), "memory_recommended_bytes", jnum(g->mem_rec),
	                      "containers_at_risk", (json_int_t)g->risks, "hpa", g->hpa);
	if (j && c->o->share_idle && strcmp(g->kind, "Namespace") == 0)
		json_object_set_new(j, "idle_share",
		                    c->m->have_nodes ? jcost(&g->idle_share) : json_null());
	return j;
}

static json_t *jres_cpu(const fr_res *r)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "request_cores",
	                 jnum(r->request), "limit_cores", jnum(r->limit), "p50_cores", jnum(r->p50),
	                 "p95_cores", jnum(r->p95), "percentile_cores", jnum(r->pct), "max_cores",
	                 jnum(r->max), "avg_cores", jnum(r->avg), "allocated_core_hours",
	                 jnum(r->alloc_hours), "recommended_cores", jnum(r->recommended),
	                 "recommended_limit_cores", jnum(r->recommended_limit));
}

static json_t *jres_mem(const fr_res *r)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "request_bytes", jnum(r->request),
	                 "limit_bytes", jnum(r->limit), "p50_bytes", jnum(r->p50), "p95_bytes",
	                 jnum(r->p95), "max_bytes", jnum(r->max), "avg_bytes", jnum(r->avg),
	                 "allocated_byte_hours", jnum(r->alloc_hours), "recommended_bytes",
	                 jnum(r->recommended), "recommended_limit_bytes",
	                 jnum(r->recommended_limit));
}

/* One container of a pod. */
static json_t *jcontainer(const fr_outctx *c, const fr_container *x)
{
	int kc = c->m->cost_from_kubecost;
	char rk[200];
	json_t *risks = json_array();
	fr_risk_names(x->risks, rk, sizeof rk);
	char *save = NULL;
	for (char *t = strtok_r(rk, " ", &save); t; t = strtok_r(NULL, " ", &save))
		json_array_append_new(risks, json_string(t));
	json_t *j = json_pack(
		"{s:s,s:o,s:o,s:o,s:o,s:{s:o,s:o},s:{s:o,s:o},s:o,s:o,s:s,s:o,s:b,s:b,s:o,s:b,"
		"s:o,s:b,s:s}",
		"container", x->name, "cpu", jres_cpu(&x->cpu), "memory", jres_mem(&x->mem),
		"oom_kills", jnum(x->oom_kills), "restarts", jnum(x->restarts), "cost", "cpu",
		jnum(kc ? NAN : x->cost_cpu), "ram", jnum(kc ? NAN : x->cost_ram), "efficiency",
		"cpu", jnum(x->cpu_eff), "ram", jnum(x->mem_eff), "savings_month",
		jmoney(&x->savings), "extra_cost_month", jmoney(&x->extra), "severity",
		fr_severity_name(x->severity), "risks", risks, "under_provisioned",
		x->severity == FR_SEV_RISK, "recommendation_above_request", x->rec_above_request,
		"recommendation_above_request_reason",
		x->rec_above_request ? json_string(x->rec_above_reason) : json_null(),
		"not_enough_data", x->not_enough_data, "usage_hours", jnum(x->usage_hours),
		"missing_usage", x->missing_usage, "note", x->note);
	return j;
}

/* One pod of the JSON report (a new reference). */
static json_t *jpod(const fr_outctx *c, const fr_pod *p)
{
	const fr_options *o = c->o;
	json_t *cs = json_array();
	for (size_t j = 0; j < p->nc; j++)
		json_array_append_new(cs, jcontainer(c, &p->c[j]));
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

/* The groups of a kind (controllers or namespaces), in the model's order. */
static json_t *jgroups(const fr_outctx *c, int kind)
{
	json_t *a = json_array();
	fr_rows it;
	fr_rows_open(&it, c, kind, 0);
	for (const fr_row *r; (r = fr_rows_next(&it));)
		json_array_append_new(a, jgroup(r->g, c));
	fr_rows_close(&it);
	return a;
}

static json_t *junits(const fr_model *m)
{
	json_t *units = json_array();
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
	return units;
}

/* An array of strings. */
static json_t *jstrings(char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

static json_t *jsettings(const fr_outctx *c, json_t **pricing)
{
	const fr_pricing *pr = &c->o->pricing;
	const fr_strategy *st = &c->o->strategy;
	*pricing = json_pack("{s:s,s:f,s:f,s:f,s:s,s:f,s:f}", "currency", pr->currency,
	                     "cpu_per_vcpu_hour", pr->cpu_hour, "ram_per_unit_hour", pr->ram_hour,
	                     "storage_per_unit_month", pr->storage_month, "memory_unit",
	                     pr->mem_unit, "memory_unit_bytes", pr->mem_unit_bytes, "month_hours",
	                     FR_MONTH_HOURS);
	return json_pack("{s:o,s:f,s:f,s:f,s:f,s:f,s:b}", "cpu_percentile",
	                 st->cpu_use_max ? json_null() : json_real(st->cpu_percentile),
	                 "memory_buffer", st->mem_buffer, "cpu_floor_cores", st->cpu_floor,
	                 "memory_floor_bytes", st->mem_floor, "cpu_round_cores", st->cpu_round,
	                 "memory_round_bytes", st->mem_round, "cpu_use_max", st->cpu_use_max);
}

static json_t *jtotals(const fr_model *m)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "cost",
	                 jcost(&m->total), "cost_month", jnum(m->total_month), "savings_month",
	                 jmoney(&m->savings), "extra_cost_month", jmoney(&m->extra), "efficiency",
	                 "cpu", jnum(m->eff_cpu), "ram", jnum(m->eff_ram), "total",
	                 jnum(m->eff_total), "pods", (json_int_t)m->npods, "containers",
	                 (json_int_t)m->ncontainers, "containers_at_risk", (json_int_t)m->nrisky,
	                 "containers_missing_usage", (json_int_t)m->nmissing,
	                 "containers_not_enough_data", (json_int_t)m->nyoung, "idle",
	                 m->have_idle ? jcost(&m->idle) : json_null(), "unallocated",
	                 m->have_unallocated ? jcost(&m->unallocated) : json_null());
}

/* The nodes' capacity priced, or null without node series. */
static json_t *jnodes(const fr_model *m)
{
	if (!m->have_nodes)
		return json_null();
	const fr_nodes *n = &m->nodes;
	return json_pack("{s:f,s:f,s:f,s:f,s:o,s:o,s:o,s:o}", "capacity_core_hours", n->cap_core_h,
	                 "capacity_byte_hours", n->cap_byte_h, "allocatable_core_hours",
	                 n->alloc_core_h, "allocatable_byte_hours", n->alloc_byte_h, "capacity",
	                 jcost(&n->capacity), "allocatable", jcost(&n->allocatable),
	                 "system_reserved", jcost(&n->reserved), "idle", jcost(&n->idle));
}

static json_t *jperiod(const fr_period *p)
{
	char a[40], b[40];
	fr_fmt_time(p->start, a, sizeof a);
	fr_fmt_time(p->end, b, sizeof b);
	int money = !isnan(p->savings.total); /* not computed for a day */
	return json_pack(
		"{s:s,s:s,s:f,s:{s:o,s:o,s:o},s:o,s:o,s:o,s:o,s:o,s:o}", "start", a, "end", b,
		"hours", p->hours, "cost", "cpu", jnum(p->cost_cpu), "ram", jnum(p->cost_ram),
		"total", jnum(p->cost), "cpu_request_cores", jnum(p->cpu_req), "cpu_usage_cores",
		jnum(p->cpu_use), "memory_request_bytes", jnum(p->mem_req), "memory_usage_bytes",
		jnum(p->mem_use), "savings_month", money ? jmoney(&p->savings) : json_null(),
		"extra_cost_month", money ? jmoney(&p->extra) : json_null());
}

/* (now - before) / before, null when unknown or before is 0. */
static json_t *jchange(double now, double before)
{
	return jnum(fr_ratio(now - before, before));
}

/* The daily breakdown and the comparison with the previous window. */
static json_t *jtrend(const fr_model *m)
{
	if (!m->have_trend)
		return json_null();
	json_t *days = json_array();
	for (size_t i = 0; i < m->ndays; i++)
		json_array_append_new(days, jperiod(&m->days[i]));
	const fr_period *c = &m->current, *p = &m->previous;
	if (!fr_trend_comparable(m))
		return json_pack("{s:o,s:o,s:o,s:o}", "days", days, "window", jperiod(c),
		                 "previous_window", jperiod(p), "change", json_null());
	return json_pack("{s:o,s:o,s:o,s:{s:o,s:o,s:o,s:o,s:o,s:o,s:o}}", "days", days, "window",
	                 jperiod(c), "previous_window", jperiod(p), "change", "cost",
	                 jchange(c->cost, p->cost), "cpu_request", jchange(c->cpu_req, p->cpu_req),
	                 "cpu_usage", jchange(c->cpu_use, p->cpu_use), "memory_request",
	                 jchange(c->mem_req, p->mem_req), "memory_usage",
	                 jchange(c->mem_use, p->mem_use), "savings",
	                 jchange(c->savings.total, p->savings.total), "extra_cost",
	                 jchange(c->extra.total, p->extra.total));
}

/* The JSON report without its pods, whose place holds a marker string. */
static json_t *json_head(const fr_outctx *c)
{
	const fr_model *m = c->m;
	const fr_options *o = c->o;
	char s[40], e[40], gen[40];
	fr_fmt_time(o->end - (double)o->window_s, s, sizeof s);
	fr_fmt_time(o->end, e, sizeof e);
	fr_fmt_time((double)time(NULL), gen, sizeof gen);
	json_t *pricing, *strategy = jsettings(c, &pricing);
	/* the URLs as given, without their passwords (fr_url_redact) */
	char *sp = fr_url_redact(o->prometheus), *sk = fr_url_redact(o->kubecost);
	json_t *j = json_pack(
		"{s:s,s:s,s:s,s:{s:s,s:s,s:I},s:{s:o,s:o,s:s},s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
		"s:o,s:o,s:{s:o,s:o,s:o,s:b,s:o},s:i}",
		"schema", "finops-report/2", "version", FR_VERSION, "generated_at", gen, "window",
		"start", s, "end", e, "seconds", (json_int_t)o->window_s, "sources", "prometheus",
		sp ? json_string(sp) : json_null(), "kubecost", sk ? json_string(sk) : json_null(),
		"cost_source", m->cost_from_kubecost ? "kubecost" : "pricing-model", "pricing",
		pricing, "strategy", strategy, "totals", jtotals(m), "nodes", jnodes(m), "trend",
		jtrend(m), "pods", json_string("\x01PODS\x01"), "controllers",
		jgroups(c, FR_ROWS_CONTROLLERS), "labels",
		o->group_label ? json_pack("{s:s,s:o}", "key", o->group_label, "groups",
	                                   jgroups(c, FR_ROWS_LABELS))
			       : json_null(),
		"namespaces", jgroups(c, FR_ROWS_NAMESPACES), "unit_economics", junits(m),
		"incomplete", jstrings(m->warnings, m->nwarn), "thresholds", "savings_over_month",
		jnum(c->t->savings_over), "min_efficiency_pct", jnum(c->t->min_efficiency),
		"max_cost_month", jnum(c->t->max_cost), "fail_on_risk", c->t->fail_on_risk,
		"breached", jstrings(c->t->breached, (size_t)c->t->nbreached), "exit_code",
		c->exit_code);
	free(sp);
	free(sk);
	return j;
}

/* Writes one pod's JSON, indented to its place in the pods array. */
static int write_pod(FILE *f, const fr_outctx *c, const fr_pod *pod)
{
	json_t *p = jpod(c, pod);
	char *pt = p ? json_dumps(p, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(p);
	if (!pt) {
		fprintf(stderr, "finops-report: cannot build the JSON of pod %s/%s\n", pod->ns,
		        pod->name);
		return -1;
	}
	fputs("    ", f);
	for (const char *q = pt; *q; q++) {
		fputc(*q, f);
		if (*q == '\n')
			fputs("    ", f);
	}
	free(pt);
	return 0;
}

/* Writes the JSON report. The pods are built and written one at a time into
 * the place of the marker: a tree of every pod of a 2 000-pod cluster would
 * cost more memory than everything else the tool holds. The text is the same
 * as dumping the whole tree with an indent of 2. Returns -1 when a part could
 * not be built (jansson returns NULL for a string that is not UTF-8, or out
 * of memory): the caller must not exit 0 on a missing or truncated report. */
FR_FORMAT(json, NULL, 0, 0)
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
	fputs(c->m->npods == 0 ? "[]" : "[\n", f);
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_PODS, 0);
	int rc = 0;
	for (const fr_row *r; rc == 0 && (r = fr_rows_next(&it));) {
		rc = write_pod(f, c, r->p);
		if (rc == 0)
			fputs(it.next < it.n ? ",\n" : "\n  ]", f);
	}
	fr_rows_close(&it);
	if (rc) {
		free(txt);
		return -1;
	}
	fputs(at + strlen(marker), f);
	fputc('\n', f);
	free(txt);
	return 0;
}
