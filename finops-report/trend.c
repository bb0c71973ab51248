/*
 * finops-report: trends. Hour by hour over the window and the window of the
 * same length before it, the selection's summed requests, usage and
 * max(request, usage) per container (the allocation costs are priced on),
 * for CPU and memory. The window's hours come from the per-container hourly
 * series the costs are computed from (collect.c, hour_add); the previous
 * window's from a pass of the same collection over that window, reduced to
 * what its hours and its savings need: requests, the memory maximum, the
 * CPU figure recommendations are sized to (one subquery), owners and HPAs,
 * and the hourly series. From them: a daily breakdown of the window and the
 * comparison with the previous window (cost, requests, usage, savings).
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>

/* Collects the previous window (the same selection over the same length,
 * ending where the window starts), computes its savings as the report does,
 * and keeps its hours and savings in m. Windows whose cost step is not an
 * hour (over 458 days) have no trend. Returns 0 or -1 with err. */
int fr_collect_trend(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz)
{
	if (fr_choose_step(o->window_s, 3600, FR_MAX_POINTS) != 3600)
		return 0;
	fr_options po = *o;
	po.end = o->end - (double)o->window_s;
	fr_model prev;
	memset(&prev, 0, sizeof prev);
	int rc = fr_collect_prometheus(&po, h, &prev, 1, err, errsz);
	if (rc == 0) {
		fr_report_compute(&po, &prev);
		for (size_t i = 0; i < prev.nwarn; i++)
			if (strncmp(prev.warnings[i], "prometheus warning", 18) == 0)
				fr_model_warn(m, "previous window: %s", prev.warnings[i]);
		free(m->hours);
		m->hours = prev.cur;
		m->nhours = prev.cur ? prev.ncur : 0;
		prev.cur = NULL;
		m->prev_savings = prev.savings;
		m->prev_extra = prev.extra;
		m->have_trend = 1;
	}
	fr_model_free(&prev);
	return rc ? -1 : 0;
}

/* Adds an hour to a period's sums (hours without data do not count). */
static void period_add(fr_period *p, const fr_hour *h)
{
	if (!h->seen)
		return;
	p->hours += 1;
	fr_hour_add(&p->sum, h);
}

/* The period's sums priced and turned into hourly averages. */
static void period_finish(const fr_pricing *pr, fr_period *p)
{
	p->cost_cpu = fr_cost_cpu(pr, p->sum.cpu_alloc);
	p->cost_ram = fr_cost_ram(pr, p->sum.mem_alloc);
	p->cost = p->cost_cpu + p->cost_ram;
	double n = p->hours > 0 ? p->hours : NAN;
	p->cpu_req = p->sum.cpu_req / n;
	p->cpu_use = p->sum.cpu_use / n;
	p->mem_req = p->sum.mem_req / n;
	p->mem_use = p->sum.mem_use / n;
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
	for (size_t d = 0; d < m->ndays; d++) {
		period_finish(&o->pricing, &m->days[d]);
		m->days[d].savings = m->days[d].extra = (fr_money){ NAN, NAN, NAN };
	}
	m->previous.savings = m->prev_savings;
	m->previous.extra = m->prev_extra;
	m->current.savings = m->savings;
	m->current.extra = m->extra;
}

/* Whether the previous window has data for at least 90 % of the hours the
 * window has: otherwise a change would compare with a window Prometheus
 * holds only part of, and is not given. */
int fr_trend_comparable(const fr_model *m)
{
	return m->have_trend && m->current.hours > 0 && m->previous.hours >= 0.9 * m->current.hours;
}
