/*
 * finops-report: collecting the model from Prometheus.
 *
 * Per batch of namespaces: instant queries for what is one number per
 * container over the window (requests and limits from kube-state-metrics,
 * memory p95 and maximum, OOM kills, restarts, owners, HPAs, volumes), and
 * range queries for the rest: CPU usage at the resolution step (never more
 * than 11 000 points a series), whose percentiles, maximum and mean are
 * computed here, and hourly requests and usage, combined here into
 * sum(max(request, usage)) per hour as OpenCost allocates. One range query
 * replaces the four subqueries (p50, p95, max, mean) that would each make
 * Prometheus evaluate the rate at every step again, and plain range queries
 * replace a max(request, usage) subquery whose binary operators Prometheus
 * evaluates anew at every hour (the slowest query in the first version).
 *
 * Bounds: namespaces are discovered through the series API (index only) and
 * grouped into batches of about --batch-pods pods, run by at most
 * --concurrency threads; range queries go by groups of pods sized so that a
 * response stays near 1.5 MB, and are parsed without a JSON tree
 * (fr_prom_range_each), so memory does not grow with the window.
 */
#include "fr.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct batch {
	char **ns;
	size_t nns;
	size_t pods;
	size_t groups[2]; /* range queries' groups of pods: resolution, hourly */
	fr_model m;
	char err[1024];
	int rc;
} batch;

typedef struct shared {
	const fr_options *o;
	fr_http *h;
	batch *b;
	size_t nb;
	size_t next, done;
	pthread_mutex_t mu;
	int failed;
	int prev; /* the previous window's pass: what the trend and its savings
	           * need only */
	double at; /* time of the instant queries */
	char W[32]; /* the window as a PromQL duration */
} shared;

/* The namespace matcher for a list of namespaces: `namespace="a"` for one,
 * `namespace=~"a|b"` (each name quoted) for several. */
static char *ns_matcher(char *const *ns, size_t n)
{
	if (n == 1) {
		char *q = fr_promql_regex_quote(ns[0]);
		char *r = fr_printf("namespace=~\"%s\"", q);
		free(q);
		return r;
	}
	char *acc = fr_strdup("");
	for (size_t i = 0; i < n; i++) {
		char *q = fr_promql_regex_quote(ns[i]);
		char *x = fr_printf("%s%s%s", acc, i ? "|" : "", q);
		free(q);
		free(acc);
		acc = x;
	}
	char *r = fr_printf("namespace=~\"%s\"", acc);
	free(acc);
	return r;
}

/* Runs one instant query for a batch, its PromQL formatted from fmt; a
 * failure is fatal for the batch (the message is kept in b->err),
 * Prometheus warnings become incomplete-data warnings. */
static int q(shared *s, batch *b, fr_promres *r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int q(shared *s, batch *b, fr_promres *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *promql = fr_vprintf(fmt, ap);
	va_end(ap);
	int rc = fr_prom_query(s->h, promql, s->at, r, b->err, sizeof b->err);
	free(promql);
	if (rc)
		return -1;
	if (r->warnings)
		fr_model_warn(&b->m, "prometheus warning: %s", r->warnings);
	return 0;
}

/* The per-container figures read with instant queries; CPU statistics and
 * hourly allocations come from range queries (collect_ranges). The first
 * six create the containers they find. */
enum field {
	F_CPU_REQ,
	F_MEM_REQ,
	F_CPU_LIM,
	F_MEM_LIM,
	F_MEM_P50,
	F_MEM_P95,
	F_MEM_MAX,
	F_OOM_FLAG,
	F_RESTARTS,
	F_OOM_EVENTS,
	F_COUNT
};

/* Where an instant-query field lands in a container; NULL for the fields
 * handled apart (OOM flag, restarts, OOM events). */
static double *field_ptr(fr_container *c, int f)
{
	switch (f) {
	case F_CPU_REQ: return &c->cpu.request;
	case F_MEM_REQ: return &c->mem.request;
	case F_CPU_LIM: return &c->cpu.limit;
	case F_MEM_LIM: return &c->mem.limit;
	case F_MEM_P50: return &c->mem.p50;
	case F_MEM_P95: return &c->mem.p95;
	case F_MEM_MAX: return &c->mem.max;
	default: return NULL;
	}
}

/* Builds the PromQL of one per-container statistic for a batch. */
static char *field_query(const fr_options *o, int f, const char *S)
{
	char W[32];
	fr_format_duration(o->window_s, W, sizeof W);
	const char *by = "max by (namespace, pod, container)";
	char *CS = fr_printf("%s, container!=\"\", container!=\"POD\"", S);
	char *r = NULL;
	switch (f) {
	case F_CPU_REQ:
	case F_MEM_REQ:
	case F_CPU_LIM:
	case F_MEM_LIM:
		r = fr_printf("%s (last_over_time(kube_pod_container_resource_%s{%s, "
		              "resource=\"%s\"}[%s]))",
		              by, (f == F_CPU_REQ || f == F_MEM_REQ) ? "requests" : "limits", S,
		              (f == F_CPU_REQ || f == F_CPU_LIM) ? "cpu" : "memory", W);
		break;
	case F_MEM_P50:
	case F_MEM_P95:
		r = fr_printf("%s (quantile_over_time(%s, "
		              "container_memory_working_set_bytes{%s}[%s]))",
		              by, f == F_MEM_P50 ? "0.5" : "0.95", CS, W);
		break;
	case F_MEM_MAX:
		r = fr_printf("%s (max_over_time(container_memory_working_set_bytes{%s}"
		              "[%s]))",
		              by, CS, W);
		break;
	case F_OOM_FLAG:
		r = fr_printf("%s (max_over_time(kube_pod_container_status_last_"
		              "terminated_reason{%s, reason=\"OOMKilled\"}[%s]))",
		              by, S, W);
		break;
	case F_RESTARTS:
		r = fr_printf("%s (increase(kube_pod_container_status_restarts_total"
		              "{%s}[%s]))",
		              by, S, W);
		break;
	case F_OOM_EVENTS:
		r = fr_printf("%s (increase(container_oom_events_total{%s}[%s]))", by, CS, W);
		break;
	}
	free(CS);
	return r;
}

/* Whether the pod passes the filters; creates it in the batch if so. Returns
 * NULL for pods the filters exclude. With a label selector, pods must have
 * been created by the labels query first (pods it never saw stay out). */
static fr_pod *batch_pod(shared *s, batch *b, const char *ns, const char *pod, int create)
{
	if (!ns || !pod)
		return NULL;
	fr_pod *p = fr_model_find_pod(&b->m, ns, pod);
	if (p)
		return p->excluded ? NULL : p;
	if (!create || s->o->selector || !fr_selection_match(ns, pod))
		return NULL;
	return fr_model_pod(&b->m, ns, pod);
}

/* With a label selector: reads kube_pod_labels first and creates every pod
 * of the batch, marked excluded when the selector does not match, so that
 * later queries only fill pods the selector let through. Returns 0 or -1
 * (message in b->err). */
static int collect_labels(shared *s, batch *b, const char *S)
{
	fr_promres r;
	if (q(s, b, &r, "last_over_time(kube_pod_labels{%s}[%s])", S, s->W))
		return -1;
	size_t i;
	json_t *ser;
	json_array_foreach(r.result, i, ser)
	{
		const char *ns = fr_prom_label(ser, "namespace");
		const char *pod = fr_prom_label(ser, "pod");
		if (!ns || !pod || !fr_selection_match(ns, pod))
			continue;
		if (fr_model_find_pod(&b->m, ns, pod))
			continue;
		char **labels = fr_labels_from(json_object_get(ser, "metric"));
		int match = s->o->selector ? fr_selector_match(s->o->selector, labels, 1) : 1;
		fr_pod *p = fr_model_pod(&b->m, ns, pod);
		p->labels = labels;
		p->excluded = match != 1;
	}
	fr_promres_free(&r);
	return 0;
}

/* Runs the per-container instant queries of a batch. The requests, limits
 * and memory queries create the containers they find (usage without
 * kube-state-metrics still shows, as "no request"); the others only fill
 * containers found already. Warns when a batch has no request series at
 * all, the sign of a missing kube-state-metrics. Returns 0 or -1. */
static int collect_fields(shared *s, batch *b, const char *S)
{
	/* the previous window's pass: requests and the memory maximum */
	static const int prev_fields[] = { F_CPU_REQ, F_MEM_REQ, F_MEM_MAX };
	int fields[F_COUNT], nf = 0;
	for (int f = 0; f < F_COUNT; f++)
		fields[nf++] = s->prev ? prev_fields[f % 3] : f;
	if (s->prev)
		nf = 3;
	size_t nreq = 0, i;
	json_t *ser;
	for (int k = 0; k < nf; k++) {
		int f = fields[k];
		char *pq = field_query(s->o, f, S);
		fr_promres r;
		int rc = q(s, b, &r, "%s", pq);
		free(pq);
		if (rc)
			return -1;
		json_array_foreach(r.result, i, ser)
		{
			const char *ctr = fr_prom_label(ser, "container");
			fr_pod *p = batch_pod(s, b, fr_prom_label(ser, "namespace"),
			                      fr_prom_label(ser, "pod"), f <= F_MEM_MAX);
			if (!p || !ctr || !*ctr || strcmp(ctr, "POD") == 0)
				continue;
			double v = fr_prom_value(ser);
			if (f > F_MEM_MAX) {
				/* only for containers a resource query already found */
				size_t j;
				for (j = 0; j < p->nc; j++)
					if (strcmp(p->c[j].name, ctr) == 0)
						break;
				if (j == p->nc)
					continue;
			}
			fr_container *c = fr_pod_container(p, ctr);
			if (f == F_CPU_REQ || f == F_MEM_REQ)
				nreq++;
			if (f == F_OOM_FLAG) {
				if (v > 0)
					c->risks |= FR_RISK_OOM;
			} else if (f == F_RESTARTS) {
				c->restarts = round(v);
			} else if (f == F_OOM_EVENTS) {
				c->oom_kills = round(v);
			} else {
				double *d = field_ptr(c, f);
				if (d)
					*d = v;
			}
		}
		fr_promres_free(&r);
	}
	if (nreq == 0 && b->m.npods > 0)
		fr_model_warn(&b->m,
		              "no kube_pod_container_resource_requests series in "
		              "namespace(s) %s: is kube-state-metrics scraped?",
		              S);
	return 0;
}

/* Persistent volumes: byte-hours of the claims each pod mounts. */
static int collect_volumes(shared *s, batch *b, const char *S, long cost_step)
{
	char CW[32], CST[32];
	fr_format_duration(s->o->window_s - 1, CW, sizeof CW);
	fr_format_duration(cost_step, CST, sizeof CST);
	fr_promres r;
	size_t i;
	json_t *ser;
	if (q(s, b, &r,
	      "sum by (namespace, pod) (sum_over_time((max by (namespace, pod, "
	      "persistentvolumeclaim) (kube_pod_spec_volumes_persistentvolumeclaims_info{%s}) * on "
	      "(namespace, persistentvolumeclaim) group_left max by (namespace, "
	      "persistentvolumeclaim) (kube_persistentvolumeclaim_resource_requests_storage_bytes{"
	      "%s}))[%s:%s])) * %g",
	      S, S, CW, CST, (double)cost_step / 3600.0))
		return -1;
	json_array_foreach(r.result, i, ser)
	{
		fr_pod *p = batch_pod(s, b, fr_prom_label(ser, "namespace"),
		                      fr_prom_label(ser, "pod"), 0);
		if (p)
			p->pv_byte_hours = fr_prom_value(ser);
	}
	fr_promres_free(&r);
	return 0;
}

/* The owner of ReplicaSet `name` in namespace ns (its Deployment), from the
 * kube_replicaset_owner answer; kind and name stay as they are if none. */
static void replicaset_owner(json_t *rs, const char *ns, const char **kind, const char **name)
{
	size_t k;
	json_t *x;
	json_array_foreach(rs, k, x)
	{
		const char *rsn = fr_prom_label(x, "replicaset");
		const char *rk = fr_prom_label(x, "owner_kind");
		const char *rns = fr_prom_label(x, "namespace");
		if (rsn && rk && rns && strcmp(rsn, *name) == 0 && strcmp(rns, ns) == 0 &&
		    strcmp(rk, "<none>") != 0 && *rk) {
			*kind = rk;
			*name = fr_prom_label(x, "owner_name");
			return;
		}
	}
}

/* Owners: pod -> ReplicaSet -> Deployment, or pod -> StatefulSet... */
static int collect_owners(shared *s, batch *b, const char *S)
{
	fr_promres r, rs;
	size_t i;
	json_t *ser;
	if (q(s, b, &rs,
	      "max by (namespace, replicaset, owner_kind, owner_name) "
	      "(last_over_time(kube_replicaset_owner{%s}[%s]))",
	      S, s->W))
		return -1;
	if (q(s, b, &r,
	      "max by (namespace, pod, owner_kind, owner_name) "
	      "(last_over_time(kube_pod_owner{%s}[%s]))",
	      S, s->W)) {
		fr_promres_free(&rs);
		return -1;
	}
	json_array_foreach(r.result, i, ser)
	{
		fr_pod *p = batch_pod(s, b, fr_prom_label(ser, "namespace"),
		                      fr_prom_label(ser, "pod"), 0);
		const char *kind = fr_prom_label(ser, "owner_kind");
		const char *name = fr_prom_label(ser, "owner_name");
		if (!p || !kind || !name || !*kind || strcmp(kind, "<none>") == 0)
			continue;
		if (strcmp(kind, "ReplicaSet") == 0)
			replicaset_owner(rs.result, p->ns, &kind, &name);
		free(p->ctrl_kind);
		free(p->ctrl_name);
		p->ctrl_kind = fr_strdup(kind);
		p->ctrl_name = fr_strdup(name ? name : "");
	}
	fr_promres_free(&r);
	fr_promres_free(&rs);
	return 0;
}

/* Sets what one series of an HPA's spec says (e: 0 target metric, 1 min
 * replicas, 2 max replicas) on the batch's HPA it names. */
static void hpa_spec(batch *b, json_t *ser, int e)
{
	const char *ns = fr_prom_label(ser, "namespace");
	const char *name = fr_prom_label(ser, "horizontalpodautoscaler");
	double v = fr_prom_value(ser);
	for (size_t k = 0; ns && name && k < b->m.nhpas; k++) {
		fr_hpa *hp = &b->m.hpas[k];
		if (strcmp(hp->ns, ns) || strcmp(hp->name, name))
			continue;
		if (e == 1) {
			hp->min_replicas = v;
		} else if (e == 2) {
			hp->max_replicas = v;
		} else {
			const char *mn = fr_prom_label(ser, "metric_name");
			const char *tt = fr_prom_label(ser, "metric_target_type");
			if (!mn || !tt || strcmp(tt, "utilization") != 0)
				continue;
			if (strcmp(mn, "cpu") == 0)
				hp->cpu_target = v / 100.0;
			else if (strcmp(mn, "memory") == 0)
				hp->mem_target = v / 100.0;
		}
	}
}

/* Appends one HPA of a kube_horizontalpodautoscaler_info series. */
static void hpa_add(fr_model *m, json_t *ser)
{
	const char *ns = fr_prom_label(ser, "namespace");
	const char *name = fr_prom_label(ser, "horizontalpodautoscaler");
	const char *tk = fr_prom_label(ser, "scaletargetref_kind");
	const char *tn = fr_prom_label(ser, "scaletargetref_name");
	if (!ns || !name || !tn)
		return;
	if (m->nhpas == m->caphpas) {
		m->caphpas = m->caphpas ? 2 * m->caphpas : 4;
		m->hpas = fr_xrealloc(m->hpas, m->caphpas * sizeof *m->hpas);
	}
	fr_hpa *hp = &m->hpas[m->nhpas++];
	hp->ns = fr_strdup(ns);
	hp->name = fr_strdup(name);
	hp->target_kind = fr_strdup(tk ? tk : "Deployment");
	hp->target_name = fr_strdup(tn);
	hp->cpu_target = hp->mem_target = NAN;
	hp->min_replicas = hp->max_replicas = NAN;
}

/* HPAs and their targets. Returns 0 or -1. */
static int collect_hpas(shared *s, batch *b, const char *S)
{
	static const char *const q_of[] = { "kube_horizontalpodautoscaler_info",
		                            "kube_horizontalpodautoscaler_spec_target_metric",
		                            "kube_horizontalpodautoscaler_spec_min_replicas",
		                            "kube_horizontalpodautoscaler_spec_max_replicas" };
	for (int e = 0; e < 4 && (e == 0 || b->m.nhpas > 0); e++) {
		fr_promres r;
		size_t i;
		json_t *ser;
		if (q(s, b, &r, "%s(last_over_time(%s{%s}[%s]))",
		      e == 0 ? "max by (namespace, horizontalpodautoscaler, scaletargetref_kind, "
		               "scaletargetref_name) "
		             : "",
		      q_of[e], S, s->W))
			return -1;
		json_array_foreach(r.result, i, ser)
		{
			if (e == 0)
				hpa_add(&b->m, ser);
			else
				hpa_spec(b, ser, e - 1);
		}
		fr_promres_free(&r);
	}
	return 0;
}

/* Runs the per-pod queries of a batch: volumes (byte-hours), owners
 * (ReplicaSet resolved to its Deployment) and HPAs with their targets.
 * Returns 0 or -1. */
static int collect_pod_level(shared *s, batch *b, const char *S, long cost_step)
{
	if ((!s->prev && collect_volumes(s, b, S, cost_step)) || collect_owners(s, b, S))
		return -1;
	return s->o->hpa_aware ? collect_hpas(s, b, S) : 0;
}

/* ------------------------------------------------------------ ranges */

/* One container's points in a range query: the series that name it (a
 * container split over several cAdvisor or kube-state-metrics series at
 * once) merged point by point with max, as `max by (namespace, pod,
 * container)` would, but here rather than in Prometheus, where that
 * aggregation at every step costs twice the query itself. */
typedef struct slot {
	fr_container *c;
	double *a; /* npoints values, NAN where no series had a point */
} slot;

typedef struct rangectx {
	batch *b;
	double start;
	long step;
	size_t npoints;
	int cpu; /* hourly: CPU (1) or memory (0) */
	const fr_options *o;
	int prev; /* the previous window's pass */
	slot *slots; /* the query being read, one per container */
	size_t nslots;
} rangectx;

/* Records that a container ran `steps` cost steps of the window, counted
 * over the same hours its allocation is (so a pod's savings and its cost per
 * month scale alike); the larger of the CPU and memory counts wins. */
static void run_hours_add(fr_container *c, size_t steps, long step)
{
	double h = (double)steps * (double)step / 3600.0;
	if (isnan(c->run_hours) || h > c->run_hours)
		c->run_hours = h;
}

/* The existing, selected container a series' labels name, or NULL. */
static fr_container *find_container(batch *b, json_t *metric)
{
	const char *ns = json_string_value(json_object_get(metric, "namespace"));
	const char *pod = json_string_value(json_object_get(metric, "pod"));
	const char *ctr = json_string_value(json_object_get(metric, "container"));
	if (!ns || !pod || !ctr)
		return NULL;
	fr_pod *p = fr_model_find_pod(&b->m, ns, pod);
	if (!p || p->excluded)
		return NULL;
	for (size_t j = 0; j < p->nc; j++)
		if (strcmp(p->c[j].name, ctr) == 0)
			return &p->c[j];
	return NULL;
}

/* Adds one container-hour (request, usage; NAN unknown) of the window to
 * the model's hourly sums, which the trend reads: the window's hours cost no
 * query of their own. Only at a one-hour step. */
static void hour_add(const rangectx *x, size_t j, double req, double use)
{
	fr_model *m = &x->b->m;
	if (x->step != 3600)
		return;
	if (!m->cur) {
		m->ncur = x->npoints;
		m->cur = fr_xrealloc(NULL, (m->ncur + 1) * sizeof *m->cur);
		memset(m->cur, 0, (m->ncur + 1) * sizeof *m->cur);
	}
	if (j >= m->ncur)
		return;
	fr_hour *h = &m->cur[j];
	double alloc = isnan(req) ? use : isnan(use) || req > use ? req : use;
	double r = isnan(req) ? 0 : req, u = isnan(use) ? 0 : use;
	if (x->cpu) {
		h->cpu_req += r;
		h->cpu_use += u;
		h->cpu_alloc += alloc;
	} else {
		h->mem_req += r;
		h->mem_use += u;
		h->mem_alloc += alloc;
	}
	h->seen = 1;
}

/* Series callback of the range queries: merges the series into its
 * container's slot (max per point). Containers the instant queries did not
 * find are ignored rather than created, so the pointers kept in slots stay
 * valid. */
static int on_range(void *ud, json_t *metric, const double *ts, const double *v, size_t n)
{
	rangectx *x = ud;
	fr_container *c = find_container(x->b, metric);
	if (!c || n == 0)
		return 0;
	slot *sl = NULL;
	for (size_t k = 0; k < x->nslots && !sl; k++)
		if (x->slots[k].c == c)
			sl = &x->slots[k];
	if (!sl) {
		x->slots = fr_xrealloc(x->slots, (x->nslots + 1) * sizeof *x->slots);
		sl = &x->slots[x->nslots++];
		sl->c = c;
		sl->a = fr_xrealloc(NULL, (x->npoints ? x->npoints : 1) * sizeof *sl->a);
		for (size_t i = 0; i < x->npoints; i++)
			sl->a[i] = NAN;
	}
	for (size_t i = 0; i < n; i++) {
		double idx = round((ts[i] - x->start) / (double)x->step);
		if (isnan(v[i]) || idx < 0 || idx >= (double)x->npoints)
			continue;
		double *d = &sl->a[(size_t)idx];
		if (isnan(*d) || v[i] > *d)
			*d = v[i];
	}
	return 0;
}

/* Frees the slots of a query. */
static void slots_free(slot *sl, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(sl[k].a);
	free(sl);
}

/* Runs one range query over a group of pods into x->slots (emptied first);
 * Prometheus warnings become incomplete-data warnings. */
static int range_query(shared *s, batch *b, const char *pq, rangectx *x)
{
	char *warn = NULL;
	slots_free(x->slots, x->nslots);
	x->slots = NULL;
	x->nslots = 0;
	int rc = fr_prom_range_each(s->h, pq, x->start, s->o->end, x->step, on_range, x, &warn,
	                            b->err, sizeof b->err);
	if (warn)
		fr_model_warn(&b->m, "prometheus warning: %s", warn);
	free(warn);
	return rc;
}

/* The CPU usage statistics of each container of the last query: the
 * percentiles, maximum and average over the window, computed here (the same
 * interpolation as Prometheus' quantile_over_time) by selecting the order
 * statistics each percentile needs rather than sorting the points. */
static void cpu_stats(rangectx *x)
{
	for (size_t k = 0; k < x->nslots; k++) {
		fr_container *c = x->slots[k].c;
		double *w = x->slots[k].a, sum = 0, max = -INFINITY;
		size_t n = 0;
		for (size_t i = 0; i < x->npoints; i++)
			if (!isnan(w[i])) {
				sum += w[i];
				max = w[i] > max ? w[i] : max;
				w[n++] = w[i];
			}
		if (n == 0)
			continue;
		c->usage_hours = (double)n * (double)x->step / 3600.0;
		c->cpu.max = max;
		c->cpu.avg = sum / (double)n;
		c->cpu.p50 = fr_quantile_select(0.5, w, n);
		c->cpu.p95 = fr_quantile_select(0.95, w, n);
		c->cpu.pct = fr_quantile_select(x->o->strategy.cpu_percentile / 100.0, w, n);
	}
}

/* One container's hours: its hourly request a and usage u (either may be
 * NULL), combined hour by hour into sum(max(request, usage)), the
 * allocation OpenCost prices, the hours it ran (a request or usage that
 * hour) and the mean usage. */
static void hours_combine(const rangectx *x, fr_container *c, const double *a, const double *u)
{
	double alloc = 0, sum = 0;
	size_t cnt = 0, ran = 0;
	for (size_t j = 0; j < x->npoints; j++) {
		double req = a ? a[j] : NAN, use = u ? u[j] : NAN;
		if (isnan(req) && isnan(use))
			continue;
		ran++;
		alloc += isnan(req) || use > req ? use : req;
		hour_add(x, j, req, use);
		if (!isnan(use)) {
			sum += use;
			cnt++;
		}
	}
	fr_res *r = x->cpu ? &c->cpu : &c->mem;
	r->alloc_hours = alloc * (double)x->step / 3600.0;
	run_hours_add(c, ran, x->step);
	if (cnt > 0 && (!x->cpu || x->prev))
		r->avg = sum / (double)cnt;
	if (x->cpu && x->prev) /* no CPU range query there: hours of usage */
		c->usage_hours = (double)cnt * (double)x->step / 3600.0;
}

/* Combines the request slots req[0..nreq) with the usage slots of the last
 * query, container by container. */
static void hours_finish(rangectx *x, const slot *req, size_t nreq)
{
	for (size_t k = 0; k < nreq; k++) {
		const double *u = NULL;
		for (size_t i = 0; i < x->nslots && !u; i++)
			if (x->slots[i].c == req[k].c)
				u = x->slots[i].a;
		hours_combine(x, req[k].c, req[k].a, u);
	}
	for (size_t i = 0; i < x->nslots; i++) {
		size_t k;
		for (k = 0; k < nreq; k++)
			if (req[k].c == x->slots[i].c)
				break;
		if (k == nreq) /* usage without a request series */
			hours_combine(x, x->slots[i].c, NULL, x->slots[i].a);
	}
}

/* The hourly requests, then usage, of CPU and memory, combined into
 * allocations. G selects the group of pods. */
static int hourly_ranges(shared *s, batch *b, const char *G, const char *CG, rangectx *x)
{
	char CST[32];
	fr_format_duration(x->step, CST, sizeof CST);
	int rc = 0;
	for (int cpu = 1; cpu >= 0 && rc == 0; cpu--) {
		x->cpu = cpu;
		char *pq = fr_printf("avg_over_time(kube_pod_container_resource_requests{%s, "
		                     "resource=\"%s\"}[%s])",
		                     G, cpu ? "cpu" : "memory", CST);
		rc = range_query(s, b, pq, x);
		free(pq);
		slot *req = x->slots;
		size_t nreq = x->nslots;
		x->slots = NULL;
		x->nslots = 0;
		pq = cpu ? fr_printf("rate(container_cpu_usage_seconds_total{%s}[%s])", CG, CST)
		         : fr_printf("avg_over_time(container_memory_working_set_bytes{%s}[%s])",
		                     CG, CST);
		if (rc == 0)
			rc = range_query(s, b, pq, x);
		free(pq);
		if (rc == 0)
			hours_finish(x, req, nreq);
		slots_free(req, nreq);
	}
	return rc;
}

/* `namespace="ns", pod=~"a|b|..."` for the pods idx[0..n) of a batch, all
 * in namespace ns: a group never spans namespaces, so that a pod name that
 * several namespaces of the batch share (a StatefulSet's db-0) is read once
 * in its own namespace's group, not again in every group naming it. */
static char *group_selector(const batch *b, const char *ns, const size_t *idx, size_t n)
{
	char *re = fr_strdup("");
	for (size_t i = 0; i < n; i++) {
		char *qp = fr_promql_regex_quote(b->m.pods[idx[i]].name);
		char *x = fr_printf("%s%s%s", re, i ? "|" : "", qp);
		free(qp);
		free(re);
		re = x;
	}
	char *S = ns_matcher((char *const *)&ns, 1);
	char *G = fr_printf("%s, pod=~\"%s\"", S, re);
	free(S);
	free(re);
	return G;
}

/* The indexes of the batch's selected pods in namespace ns; their count. */
static size_t ns_pods(const batch *b, const char *ns, size_t *idx)
{
	size_t n = 0;
	for (size_t i = 0; i < b->m.npods; i++)
		if (!b->m.pods[i].excluded && strcmp(b->m.pods[i].ns, ns) == 0)
			idx[n++] = i;
	return n;
}

/* Pods per range query: a response near 1.5 MB of JSON (about 30 bytes a
 * point), which bounds the memory of --concurrency responses in flight, and
 * at most 100 pods, which keeps the URL (a regex of pod names) near 3 KB. */
static size_t group_size(size_t npoints)
{
	size_t group = 50000 / (npoints ? npoints : 1);
	return group < 1 ? 1 : group > 100 ? 100 : group;
}

/* One range query of a group of pods: the CPU usage at the resolution step
 * (pass 0), or the hourly requests and usage of CPU and memory (pass 1). */
static int group_ranges(shared *s, batch *b, const char *G, int pass, long st)
{
	const fr_options *o = s->o;
	char RW[32];
	fr_format_duration(o->rate_window_s, RW, sizeof RW);
	char *CG = fr_printf("%s, container!=\"\", container!=\"POD\"", G);
	rangectx x = { .b = b,
		       .start = o->end - (double)o->window_s + (double)st,
		       .step = st,
		       .npoints = (size_t)(o->window_s / st),
		       .o = o,
		       .prev = s->prev };
	int rc;
	if (pass == 0) {
		char *pq = fr_printf("rate(container_cpu_usage_seconds_total{%s}[%s])", CG, RW);
		rc = range_query(s, b, pq, &x);
		free(pq);
		if (rc == 0)
			cpu_stats(&x);
	} else {
		rc = hourly_ranges(s, b, G, CG, &x);
	}
	slots_free(x.slots, x.nslots);
	free(CG);
	return rc;
}

/* The range-query part of a batch, namespace by namespace and by groups of
 * pods: the CPU usage at the resolution step (not in the previous window's
 * pass, whose CPU figure is one subquery), then the hourly requests and
 * usage of CPU and memory. */
static int collect_ranges(shared *s, batch *b, long cost_step)
{
	const fr_options *o = s->o;
	long step = fr_choose_step(o->window_s, o->resolution_s, FR_MAX_POINTS);
	size_t *idx = fr_xrealloc(NULL, (b->m.npods + 1) * sizeof *idx);
	int rc = 0;
	for (int pass = s->prev ? 1 : 0; pass < 2 && rc == 0; pass++) {
		long st = pass == 0 ? step : cost_step;
		size_t group = group_size((size_t)(o->window_s / st));
		for (size_t k = 0; k < b->nns && rc == 0; k++) {
			size_t n = ns_pods(b, b->ns[k], idx);
			for (size_t g0 = 0; g0 < n && rc == 0; g0 += group) {
				size_t g1 = g0 + group < n ? g0 + group : n;
				char *G = group_selector(b, b->ns[k], idx + g0, g1 - g0);
				rc = group_ranges(s, b, G, pass, st);
				free(G);
			}
		}
	}
	free(idx);
	return rc ? -1 : 0;
}

/* The previous window's pass: the CPU usage a recommendation is sized to
 * (the --cpu-percentile, or the maximum), as one subquery evaluated by
 * Prometheus at the resolution step over the window, instead of the range
 * query whose every point the window's pass reads. A container split over
 * several series gets the largest of their figures. */
static int collect_cpu_sized(shared *s, batch *b, const char *S)
{
	const fr_options *o = s->o;
	long step = fr_choose_step(o->window_s, o->resolution_s, FR_MAX_POINTS);
	char RW[32], W1[32], ST[32], Q[32];
	fr_format_duration(o->rate_window_s, RW, sizeof RW);
	fr_format_duration(o->window_s - 1, W1, sizeof W1);
	fr_format_duration(step, ST, sizeof ST);
	snprintf(Q, sizeof Q, "%.10g, ", o->strategy.cpu_percentile / 100.0);
	char *pq = fr_printf("max by (namespace, pod, container) (%s_over_time(%srate("
	                     "container_cpu_usage_seconds_total{%s, container!=\"\", "
	                     "container!=\"POD\"}[%s])[%s:%s]))",
	                     o->strategy.cpu_use_max ? "max" : "quantile",
	                     o->strategy.cpu_use_max ? "" : Q, S, RW, W1, ST);
	fr_promres r;
	int rc = fr_prom_query(s->h, pq, o->end, &r, b->err, sizeof b->err);
	free(pq);
	if (rc)
		return -1;
	if (r.warnings)
		fr_model_warn(&b->m, "prometheus warning: %s", r.warnings);
	size_t i;
	json_t *ser;
	json_array_foreach(r.result, i, ser)
	{
		fr_container *c = find_container(b, json_object_get(ser, "metric"));
		if (c)
			*fr_cpu_sized_field(&o->strategy, &c->cpu) = fr_prom_value(ser);
	}
	fr_promres_free(&r);
	return 0;
}

/* --group-by label:KEY: each pod's value, from its own labels, else from
 * its namespace's (kube_namespace_labels); none: "unlabelled" later. */
static int group_values(shared *s, batch *b, const char *S)
{
	fr_promres r;
	if (q(s, b, &r, "last_over_time(kube_namespace_labels{%s}[%s])", S, s->W))
		return -1;
	for (size_t i = 0; i < b->m.npods; i++) {
		fr_pod *p = &b->m.pods[i];
		const char *v = fr_label_value(p->labels, s->o->group_label, 1);
		size_t k;
		json_t *ser;
		json_array_foreach(r.result, k, ser)
		{
			const char *ns = fr_prom_label(ser, "namespace");
			if (v || !ns || strcmp(ns, p->ns) != 0)
				continue;
			char **l = fr_labels_from(json_object_get(ser, "metric"));
			const char *nv = fr_label_value(l, s->o->group_label, 1);
			if (nv && *nv)
				p->group_value = fr_strdup(nv);
			fr_labels_free(l);
		}
		if (v && *v && !p->group_value)
			p->group_value = fr_strdup(v);
	}
	fr_promres_free(&r);
	return 0;
}

/* Collects one batch into its own model; b->rc is 0 or -1 with b->err. */
static void collect_batch(shared *s, batch *b)
{
	char *S = ns_matcher(b->ns, b->nns);
	long cost_step = fr_choose_step(s->o->window_s, 3600, FR_MAX_POINTS);
	b->rc = -1;
	if ((s->o->selector || (!s->prev && s->o->group_label)) && collect_labels(s, b, S))
		goto out;
	if (collect_fields(s, b, S))
		goto out;
	if (collect_ranges(s, b, cost_step))
		goto out;
	if (s->prev && collect_cpu_sized(s, b, S))
		goto out;
	if (collect_pod_level(s, b, S, cost_step))
		goto out;
	if (!s->prev && s->o->group_label && group_values(s, b, S))
		goto out;
	b->rc = 0;
out:
	free(S);
}

/* A worker thread: takes batches until none is left or one has failed,
 * and draws the progress line (stderr is a TTY, after a second). */
static void *worker(void *arg)
{
	shared *s = arg;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		size_t i = s->next < s->nb && !s->failed ? s->next++ : s->nb;
		pthread_mutex_unlock(&s->mu);
		if (i >= s->nb)
			break;
		fr_progress_batch(i, s->b[i].ns[0]);
		collect_batch(s, &s->b[i]);
		pthread_mutex_lock(&s->mu);
		s->done++;
		if (s->b[i].rc)
			s->failed = 1;
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

/* The namespaces of the selection and their pod counts, sorted by name. */
typedef struct nslist {
	char **names;
	double *counts;
	size_t n, cap;
} nslist;

/* Counts one pod of namespace ns. */
static void ns_count(nslist *l, const char *ns)
{
	size_t j;
	for (j = 0; j < l->n; j++)
		if (strcmp(l->names[j], ns) == 0)
			break;
	if (j == l->n) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			l->names = fr_xrealloc(l->names, l->cap * sizeof *l->names);
			l->counts = fr_xrealloc(l->counts, l->cap * sizeof *l->counts);
		}
		l->names[l->n] = fr_strdup(ns);
		l->counts[l->n++] = 0;
	}
	l->counts[j] += 1;
}

/* Discovery through the series API: it reads the index, not the samples, so
 * it costs milliseconds where an instant query over a 14-day window decodes
 * every chunk of every container. Namespaces and their pods: KSM's pods,
 * else cAdvisor's. Returns 0 or -1 with err. */
static int discover(const fr_options *o, fr_http *h, nslist *l, char *err, size_t errsz)
{
	char *S = o->nnamespaces ? ns_matcher((char *const *)o->namespaces, o->nnamespaces)
	                         : fr_strdup("namespace!=\"\"");
	char *match[2] = { fr_printf("kube_pod_container_resource_requests{%s, resource=\"cpu\"}",
		                     S),
		           fr_printf("container_memory_working_set_bytes{%s, container!=\"\", "
		                     "container!=\"POD\"}",
		                     S) };
	free(S);
	fr_model seen;
	memset(&seen, 0, sizeof seen);
	int rc = 0;
	for (int k = 0; k < 2; k++) {
		json_t *series = NULL, *ser;
		size_t i;
		if (rc == 0)
			rc = fr_prom_series(h, match[k], o->end - (double)o->window_s, o->end,
			                    &series, err, errsz);
		free(match[k]);
		json_array_foreach(series, i, ser)
		{
			const char *ns = json_string_value(json_object_get(ser, "namespace"));
			const char *pod = json_string_value(json_object_get(ser, "pod"));
			if (!ns || !pod || !fr_selection_match(ns, NULL) ||
			    fr_model_find_pod(&seen, ns, pod))
				continue;
			fr_model_pod(&seen, ns, pod);
			ns_count(l, ns);
		}
		json_decref(series);
	}
	fr_model_free(&seen);
	/* sort names and counts together */
	for (size_t a = 1; a < l->n; a++)
		for (size_t b = a; b > 0 && strcmp(l->names[b - 1], l->names[b]) > 0; b--) {
			char *tn = l->names[b];
			l->names[b] = l->names[b - 1];
			l->names[b - 1] = tn;
			double tc = l->counts[b];
			l->counts[b] = l->counts[b - 1];
			l->counts[b - 1] = tc;
		}
	return rc ? -1 : 0;
}

/* The queries the batches will send, about: for the progress line. */
static long expected_queries(const shared *s)
{
	const fr_options *o = s->o;
	long total = 0;
	for (size_t k = 0; k < s->nb; k++) {
		for (int pass = s->prev ? 1 : 0; pass < 2; pass++)
			total += (long)s->b[k].groups[pass] * (pass ? 4 : 1);
		int labels = o->selector || (!s->prev && o->group_label);
		total += (s->prev ? 3 + 1 + 2 : F_COUNT + 3) + labels + (o->hpa_aware ? 1 : 0) +
		         (!s->prev && o->group_label ? 1 : 0);
	}
	return total;
}

/* Groups namespaces, in name order, into batches of about batch_pods. */
static void make_batches(shared *s, const nslist *l, int batch_pods)
{
	const fr_options *o = s->o;
	long step = fr_choose_step(o->window_s, o->resolution_s, FR_MAX_POINTS);
	long cost_step = fr_choose_step(o->window_s, 3600, FR_MAX_POINTS);
	size_t group[2] = { group_size((size_t)(o->window_s / step)),
		            group_size((size_t)(o->window_s / cost_step)) };
	s->b = fr_xrealloc(NULL, (l->n + 1) * sizeof *s->b);
	for (size_t k = 0; k < l->n; k++) {
		if (s->nb == 0 || s->b[s->nb - 1].pods >= (size_t)batch_pods ||
		    s->b[s->nb - 1].pods + (size_t)l->counts[k] > (size_t)batch_pods * 3 / 2) {
			memset(&s->b[s->nb], 0, sizeof s->b[s->nb]);
			s->b[s->nb].ns = fr_xrealloc(NULL, l->n * sizeof(char *));
			s->nb++;
		}
		batch *b = &s->b[s->nb - 1];
		b->ns[b->nns++] = l->names[k];
		b->pods += (size_t)l->counts[k];
		for (int pass = 0; pass < 2; pass++) /* groups never span namespaces */
			b->groups[pass] += ((size_t)l->counts[k] + group[pass] - 1) / group[pass];
	}
	fr_progress_plan(expected_queries(s), s->nb);
}

/* Runs the batches on at most --concurrency threads. */
static void run_batches(shared *s)
{
	pthread_mutex_init(&s->mu, NULL);
	int nt = s->o->concurrency < 1 ? 1 : s->o->concurrency;
	if ((size_t)nt > s->nb)
		nt = (int)s->nb;
	pthread_t th[64];
	if (nt > 64)
		nt = 64;
	int started = 0;
	for (int t = 0; t < nt; t++)
		if (pthread_create(&th[t], NULL, worker, s) == 0)
			started++;
	if (started == 0 && s->nb > 0)
		worker(s);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&s->mu);
}

/* Sums a range query's points into *acc (value x step in hours). */
typedef struct nodesum {
	double cpu, mem;
	long step;
} nodesum;

static int on_node(void *ud, json_t *metric, const double *ts, const double *v, size_t n)
{
	(void)ts;
	nodesum *x = ud;
	const char *res = json_string_value(json_object_get(metric, "resource"));
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			sum += v[i] * (double)x->step / 3600.0;
	if (res && strcmp(res, "cpu") == 0)
		x->cpu += sum;
	else if (res && strcmp(res, "memory") == 0)
		x->mem += sum;
	return 0;
}

/* Node capacity and allocatable over the window, in resource-hours, hour
 * by hour as the pods' allocation is counted. Without node series the
 * model has no node figures (and says so). Returns 0 or -1. */
int fr_collect_nodes(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz)
{
	long step = fr_choose_step(o->window_s, 3600, FR_MAX_POINTS);
	char ST[32];
	fr_format_duration(step, ST, sizeof ST);
	nodesum x[2] = { { 0, 0, step }, { 0, 0, step } };
	static const char *const what[2] = { "capacity", "allocatable" };
	for (int k = 0; k < 2; k++) {
		char *pq = fr_printf("sum by (resource) (avg_over_time(kube_node_status_%s{"
		                     "resource=~\"cpu|memory\"}[%s]))",
		                     what[k], ST);
		char *warn = NULL;
		int rc = fr_prom_range_each(h, pq, o->end - (double)o->window_s + (double)step,
		                            o->end, step, on_node, &x[k], &warn, err, errsz);
		free(pq);
		if (warn)
			fr_model_warn(m, "prometheus warning: %s", warn);
		free(warn);
		if (rc)
			return -1;
	}
	m->have_nodes = x[0].cpu > 0 && x[1].cpu > 0 && x[0].mem > 0 && x[1].mem > 0;
	if (!m->have_nodes) /* no node series: no idle cost (nodes: null), not an error */
		return 0;
	m->nodes.cap_core_h = x[0].cpu;
	m->nodes.cap_byte_h = x[0].mem;
	m->nodes.alloc_core_h = x[1].cpu;
	m->nodes.alloc_byte_h = x[1].mem;
	return 0;
}

/* Collects every pod of the selection from Prometheus into m: the window's
 * whole pass, or with `previous` what the previous window's savings and
 * hours need (o then ends where the window starts). Returns 0, or -1 with
 * the first failing query's message in err. */
int fr_collect_prometheus(const fr_options *o, fr_http *h, fr_model *m, int previous, char *err,
                          size_t errsz)
{
	nslist l = { 0 };
	int rc = discover(o, h, &l, err, errsz);
	shared s;
	memset(&s, 0, sizeof s);
	s.o = o;
	s.h = h;
	s.prev = previous;
	/* the previous window's instant queries stop a millisecond before the
	 * window starts: a sample at that instant belongs to the window */
	s.at = previous ? o->end - 0.001 : o->end;
	fr_format_duration(o->window_s, s.W, sizeof s.W);
	if (rc == 0) {
		make_batches(&s, &l, o->batch_pods);
		run_batches(&s);
	}
	for (size_t k = 0; k < s.nb; k++) {
		if (s.b[k].rc && rc == 0 && s.b[k].err[0]) {
			snprintf(err, errsz, "%s", s.b[k].err);
			rc = -1;
		}
		fr_model_merge(m, &s.b[k].m);
		free(s.b[k].ns);
	}
	if (rc == 0 && s.failed) {
		snprintf(err, errsz, "prometheus: a batch failed");
		rc = -1;
	}
	for (size_t k = 0; k < l.n; k++)
		free(l.names[k]);
	free(l.names);
	free(l.counts);
	free(s.b);
	fr_model_drop_empty(m, 0);
	return rc;
}
