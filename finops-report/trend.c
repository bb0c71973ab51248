/*
 * finops-report: trends. Hour by hour over the window and the window of the
 * same length before it, the selection's summed requests, usage and
 * max(request, usage) per container (the allocation costs are priced on),
 * for CPU and memory. The window's hours come from the per-container hourly
 * series the costs are computed from (collect.c, hour_add); the previous
 * window's from six range queries at a one-hour step, each summed by
 * Prometheus into one series. From them: a daily breakdown of the window
 * and the comparison with the previous window (cost, requests, usage).
 * The per-container max is PromQL's `(R >= U) or U or R`.
 */
#include "fr.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct trendctx {
	fr_http *h;
	const char *S;
	double first, end; /* times of the first and last points */
	size_t n;
	int what; /* index of the field in fr_hour */
	double *v; /* n sums, NAN where no series had a point */
	char err[1024];
	char *warn;
	int rc;
} trendctx;

static int on_trend(void *ud, json_t *metric, const double *ts, const double *v, size_t n)
{
	(void)metric;
	trendctx *x = ud;
	for (size_t i = 0; i < n; i++) {
		double idx = round((ts[i] - x->first) / 3600.0);
		if (isnan(v[i]) || idx < 0 || idx >= (double)x->n)
			continue;
		double *d = &x->v[(size_t)idx];
		*d = isnan(*d) ? v[i] : *d + v[i];
	}
	return 0;
}

/* The PromQL of one field over selector S. */
static char *trend_query(int what, const char *S)
{
	const char *by = "max by (namespace, pod, container)";
	int mem = what >= 3;
	char *R = fr_printf("%s (avg_over_time(kube_pod_container_resource_requests{%s, "
	                    "resource=\"%s\"}[1h]))",
	                    by, S, mem ? "memory" : "cpu");
	char *U = mem ? fr_printf("%s (avg_over_time(container_memory_working_set_bytes{%s, "
	                          "container!=\"\", container!=\"POD\"}[1h]))",
	                          by, S)
	              : fr_printf("%s (rate(container_cpu_usage_seconds_total{%s, "
	                          "container!=\"\", container!=\"POD\"}[1h]))",
	                          by, S);
	char *q = what % 3 == 0   ? fr_printf("sum(%s)", R)
	          : what % 3 == 1 ? fr_printf("sum(%s)", U)
	                          : fr_printf("sum(((%s) >= (%s)) or (%s) or (%s))", R, U, U, R);
	free(R);
	free(U);
	return q;
}

/* The selection as a PromQL matcher: the -n list, or the namespace regex
 * (backslashes and quotes escaped for a PromQL string), or every namespace. */
static char *trend_selector(const fr_options *o)
{
	char *S;
	if (o->nnamespaces) {
		char *acc = fr_strdup("");
		for (size_t i = 0; i < o->nnamespaces; i++) {
			char *q = fr_promql_regex_quote(o->namespaces[i]);
			char *x = fr_printf("%s%s%s", acc, i ? "|" : "", q);
			free(q);
			free(acc);
			acc = x;
		}
		S = fr_printf("namespace=~\"%s\"", acc);
		free(acc);
	} else {
		/* the POSIX regex as a PromQL string: backslashes and quotes escaped */
		const char *re = o->namespace_regex;
		char *q = re ? fr_xrealloc(NULL, 2 * strlen(re) + 1) : NULL, *w = q;
		for (; re && *re; re++) {
			if (*re == '\\' || *re == '"')
				*w++ = '\\';
			*w++ = *re;
		}
		if (q)
			*w = '\0';
		S = q ? fr_printf("namespace=~\"%s\"", q) : fr_strdup("namespace!=\"\"");
		free(q);
	}
	return S;
}

/* Runs one of the six queries (a thread). */
static void *trend_query_run(void *arg)
{
	trendctx *x = arg;
	char *q = trend_query(x->what, x->S);
	x->rc = fr_prom_range_each(x->h, q, x->first, x->end, 3600, on_trend, x, &x->warn, x->err,
	                           sizeof x->err);
	free(q);
	return NULL;
}

/* Collects the hours of the previous window and the window. Only for a
 * selection PromQL can express (namespaces, namespace regex): with --pod or
 * --selector there is no trend. Returns 0 or -1 with err. */
int fr_collect_trend(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz)
{
	if (o->pod_regex || o->selector || 2 * o->window_s / 3600 + 1 > FR_MAX_POINTS)
		return 0;
	char *S = trend_selector(o);
	m->nhours = (size_t)(o->window_s / 3600);
	m->hours = fr_xrealloc(NULL, (m->nhours + 1) * sizeof *m->hours);
	memset(m->hours, 0, (m->nhours + 1) * sizeof *m->hours);
	/* the six queries at once: after the batches, Prometheus has cores to
	 * spare, and each query is one long evaluation on one core */
	trendctx x[6];
	pthread_t th[6];
	int started[6] = { 0 };
	for (int w = 0; w < 6; w++) {
		x[w] = (trendctx){ .h = h,
			           .S = S,
			           .first = o->end - 2.0 * (double)o->window_s + 3600.0,
			           .end = o->end,
			           .n = m->nhours,
			           .what = w };
		x[w].v = fr_xrealloc(NULL, (m->nhours + 1) * sizeof *x[w].v);
		for (size_t i = 0; i <= m->nhours; i++)
			x[w].v[i] = NAN;
		started[w] = pthread_create(&th[w], NULL, trend_query_run, &x[w]) == 0;
		if (!started[w])
			trend_query_run(&x[w]);
	}
	int rc = 0;
	for (int w = 0; w < 6; w++) {
		if (started[w])
			pthread_join(th[w], NULL);
		if (x[w].warn)
			fr_model_warn(m, "prometheus warning: %s", x[w].warn);
		free(x[w].warn);
		if (x[w].rc && rc == 0) {
			snprintf(err, errsz, "%s", x[w].err);
			rc = -1;
		}
		for (size_t i = 0; i < m->nhours; i++) {
			fr_hour *hr = &m->hours[i];
			double *f[] = { &hr->cpu_req, &hr->cpu_use, &hr->cpu_alloc,
				        &hr->mem_req, &hr->mem_use, &hr->mem_alloc };
			if (!isnan(x[w].v[i])) {
				*f[w] = x[w].v[i];
				hr->seen = 1;
			}
		}
		free(x[w].v);
	}
	free(S);
	m->have_trend = rc == 0;
	if (rc) {
		free(m->hours);
		m->hours = NULL;
		m->nhours = 0;
	}
	return rc ? -1 : 0;
}

/* Adds hour i (ending at t) to a period. */
static void period_add(fr_period *p, const fr_hour *h)
{
	if (!h->seen)
		return;
	p->hours += 1;
	p->cpu_req += h->cpu_req;
	p->cpu_use += h->cpu_use;
	p->mem_req += h->mem_req;
	p->mem_use += h->mem_use;
	p->cost_cpu += h->cpu_alloc;
	p->cost_ram += h->mem_alloc;
}

/* Sums into averages and prices: cost_cpu and cost_ram hold core-hours and
 * byte-hours until then. */
static void period_finish(const fr_pricing *pr, fr_period *p)
{
	p->cost_cpu = fr_cost_cpu(pr, p->cost_cpu);
	p->cost_ram = fr_cost_ram(pr, p->cost_ram);
	p->cost = p->cost_cpu + p->cost_ram;
	double n = p->hours > 0 ? p->hours : NAN;
	p->cpu_req /= n;
	p->cpu_use /= n;
	p->mem_req /= n;
	p->mem_use /= n;
}

/* The daily breakdown (24-hour slices from the window's start; the last
 * may be shorter), the window and the previous window. */
void fr_trend_compute(const fr_options *o, fr_model *m)
{
	if (!m->have_trend)
		return;
	double start = o->end - (double)o->window_s;
	m->ndays = (size_t)((o->window_s + 86399) / 86400);
	m->days = fr_xrealloc(NULL, (m->ndays + 1) * sizeof *m->days);
	memset(m->days, 0, (m->ndays + 1) * sizeof *m->days);
	memset(&m->current, 0, sizeof m->current);
	memset(&m->previous, 0, sizeof m->previous);
	m->previous = (fr_period){ .start = start - (double)o->window_s, .end = start };
	m->current = (fr_period){ .start = start, .end = o->end };
	for (size_t d = 0; d < m->ndays; d++) {
		m->days[d].start = start + 86400.0 * (double)d;
		m->days[d].end = fmin(m->days[d].start + 86400.0, o->end);
	}
	for (size_t i = 0; i < m->nhours; i++)
		period_add(&m->previous, &m->hours[i]);
	for (size_t j = 0; j < m->ncur; j++) {
		/* hour j of the window: (start + j h, start + (j + 1) h] */
		period_add(&m->current, &m->cur[j]);
		size_t d = j / 24;
		if (d < m->ndays)
			period_add(&m->days[d], &m->cur[j]);
	}
	period_finish(&o->pricing, &m->previous);
	period_finish(&o->pricing, &m->current);
	for (size_t d = 0; d < m->ndays; d++)
		period_finish(&o->pricing, &m->days[d]);
}

/* Whether the previous window has data for at least 90 % of the hours the
 * window has: otherwise a change would compare with a window Prometheus
 * holds only part of, and is not given. */
int fr_trend_comparable(const fr_model *m)
{
	return m->have_trend && m->current.hours > 0 && m->previous.hours >= 0.9 * m->current.hours;
}
