/*
 * finops-report: from collected figures to the report: recommendations,
 * savings, severities, risks, costs, efficiencies, aggregation per controller
 * and per namespace, totals, and unit economics.
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>

const char *fr_severity_name(int sev)
{
	switch (sev) {
	case FR_SEV_OK: return FR_N("ok");
	case FR_SEV_LOW: return FR_N("low");
	case FR_SEV_MEDIUM: return FR_N("medium");
	case FR_SEV_HIGH: return FR_N("high");
	case FR_SEV_RISK: return FR_N("risk");
	default: return FR_N("unknown");
	}
}

static double nz(double v)
{
	return isnan(v) ? 0.0 : v;
}

/* Fraction of a request the recommendation would give back (0 when the
 * recommendation is larger or either is unknown). */
static double waste(double req, double rec)
{
	if (isnan(req) || isnan(rec) || !(req > 0) || rec >= req)
		return 0;
	return (req - rec) / req;
}

/* Share of the window a container ran, in [0, 1]; 1 when unknown. A
 * Deployment rolled out mid-window shows one pod name before and another
 * after: each ran part of the window, and counting each as a replica running
 * all month would add up the same replica's saving once per pod name. The
 * cost per month already works this way (cost over the hours the pod ran,
 * x 720 / window hours), so savings and cost stay comparable. */
static double run_share(const fr_options *o, const fr_container *c)
{
	double wh = (double)o->window_s / 3600.0;
	if (isnan(c->run_hours) || !(wh > 0))
		return 1.0;
	double f = c->run_hours / wh;
	return f < 0 ? 0 : f > 1 ? 1 : f;
}

/* Under-provisioning risks, then the severity (see compute_container). */
static void set_risks(fr_container *c, double cpu_use)
{
	if (!isnan(c->oom_kills) && c->oom_kills > 0)
		c->risks |= FR_RISK_OOM;
	if ((c->risks & FR_RISK_OOM) && !(c->oom_kills > 0))
		c->oom_kills = c->restarts > 0 ? c->restarts : 1;
	if (!isnan(c->cpu.request) && c->cpu.request > 0 && !isnan(cpu_use) &&
	    cpu_use > c->cpu.request * 1.0001)
		c->risks |= FR_RISK_CPU_OVER_REQUEST;
	if (!isnan(c->mem.request) && c->mem.request > 0 && !isnan(c->mem.max) &&
	    c->mem.max > c->mem.request * 1.0001)
		c->risks |= FR_RISK_MEM_OVER_REQUEST;
	if (!isnan(c->mem.limit) && c->mem.limit > 0 && !isnan(c->mem.max) &&
	    c->mem.max >= 0.9 * c->mem.limit)
		c->risks |= FR_RISK_MEM_NEAR_LIMIT;
	if (isnan(c->cpu.request) || isnan(c->mem.request) || c->cpu.request <= 0 ||
	    c->mem.request <= 0)
		c->risks |= FR_RISK_NO_REQUEST;

	if (c->missing_usage)
		c->severity = FR_SEV_UNKNOWN;
	else if (c->risks)
		c->severity = FR_SEV_RISK;
	else if (c->not_enough_data)
		c->severity = FR_SEV_UNKNOWN;
	else {
		double w = waste(c->cpu.request, c->cpu.recommended);
		double wm = waste(c->mem.request, c->mem.recommended);
		if (wm > w)
			w = wm;
		c->severity = w >= 0.75   ? FR_SEV_HIGH
		              : w >= 0.5  ? FR_SEV_MEDIUM
		              : w >= 0.25 ? FR_SEV_LOW
		                          : FR_SEV_OK;
	}
}

/* Whether a container has too little usage history to be sized: less
 * than --min-history hours of usage samples, or than half the window when
 * the window is shorter. */
static int young(const fr_options *o, const fr_container *c)
{
	double need = o->min_history_h;
	double half = (double)o->window_s / 7200.0;
	if (half < need)
		need = half;
	return need > 0 && !isnan(c->usage_hours) && c->usage_hours < need;
}

/* Savings and extra cost per resource, never netted: a CPU request above
 * its recommendation saves money, a memory recommendation above its
 * request costs money, and each is counted apart. Scaled by the share of
 * the window the container ran. */
static void money(const fr_options *o, fr_container *c)
{
	memset(&c->savings, 0, sizeof c->savings);
	memset(&c->extra, 0, sizeof c->extra);
	if (!c->missing_usage && !c->not_enough_data) {
		double share = run_share(o, c);
		double dc = fr_delta_month(&o->pricing, 0, c->cpu.request, c->cpu.recommended) *
		            share;
		double dm = fr_delta_month(&o->pricing, 1, c->mem.request, c->mem.recommended) *
		            share;
		c->savings.cpu = dc > 0 ? dc : 0;
		c->extra.cpu = dc < 0 ? -dc : 0;
		c->savings.mem = dm > 0 ? dm : 0;
		c->extra.mem = dm < 0 ? -dm : 0;
	}
	c->savings.total = c->savings.cpu + c->savings.mem;
	c->extra.total = c->extra.cpu + c->extra.mem;
	c->savings_month = c->savings.total;
}

/* Why a recommendation is above its request, in language lang: usage
 * above the request (under-provisioned), or the buffer, rounding, floor or
 * HPA raising a recommendation above a request that usage stays under. */
static void above_reason(const fr_container *c, double cpu_use, int lang, char *why, size_t size)
{
	char a[32], b[32], u[32];
	size_t n = 0;
	why[0] = '\0';
	for (int mem = 0; mem < 2 && n < size; mem++) {
		const fr_res *r = mem ? &c->mem : &c->cpu;
		double use = mem ? c->mem.max : cpu_use;
		if (isnan(r->request) || isnan(r->recommended) ||
		    !(r->recommended > r->request * 1.0001))
			continue;
		const char *(*fmt)(double, char *, size_t) = mem ? fr_fmt_mem : fr_fmt_cpu;
		int over = use > r->request * 1.0001;
		int k = snprintf(why + n, size - n, fr_tr(lang, "%s%s %s > request %s: %s %s"),
		                 n ? "; " : "", mem ? fr_tr(lang, "memory") : "CPU",
		                 fmt(r->recommended, a, sizeof a), fmt(r->request, b, sizeof b),
		                 over ? fr_tr(lang, "usage above request,")
		                      : fr_tr(lang, "usage under request, raised by"),
		                 over  ? fmt(use, u, sizeof u)
		                 : mem ? fr_tr(lang, "the buffer and rounding")
		                       : fr_tr(lang, "the HPA target, floor or rounding"));
		if (k > 0)
			n += (size_t)k < size - n ? (size_t)k : size - n - 1;
	}
}

/* The recommendation_above_request flag and its reason (English: JSON and
 * CSV). */
static void above_request(fr_container *c, double cpu_use)
{
	c->rec_above_request = (!isnan(c->cpu.request) &&
	                        c->cpu.recommended > c->cpu.request * 1.0001) ||
	                       (!isnan(c->mem.request) &&
	                        c->mem.recommended > c->mem.request * 1.0001);
	above_reason(c, cpu_use, FR_LANG_EN, c->rec_above_reason, sizeof c->rec_above_reason);
}

/* The human note in language lang: why a container is at risk, its
 * recommendation above its request, and the HPA's part. */
static void write_note(const fr_options *o, const fr_hpa *hpa, const fr_container *c, int lang,
                       char *note, size_t size)
{
	const fr_strategy *st = &o->strategy;
	double cpu_t = hpa ? hpa->cpu_target : NAN;
	double mem_t = hpa ? hpa->mem_target : NAN;
	note[0] = '\0';
	size_t n = 0;
#define NOTE(...)                                                                                  \
	do {                                                                                       \
		if (n < size) {                                                                    \
			int k_ = snprintf(note + n, size - n, "%s", n ? "; " : "");                \
			n += (size_t)(k_ > 0 ? k_ : 0);                                            \
		}                                                                                  \
		if (n < size) {                                                                    \
			int k_ = snprintf(note + n, size - n, __VA_ARGS__);                        \
			n += (size_t)(k_ > 0 ? k_ : 0);                                            \
		}                                                                                  \
	} while (0)
#define TR(s) fr_tr(lang, s)
	if (c->missing_usage)
		NOTE("%s", TR("no usage series (cAdvisor): no recommendation"));
	if (c->not_enough_data)
		NOTE(TR("not enough data: %.1f h of usage (--min-history): no recommendation"),
		     c->usage_hours);
	if (c->risks & FR_RISK_OOM)
		NOTE(TR("OOM-killed %.0f time(s)"), c->oom_kills);
	if (c->risks & FR_RISK_MEM_OVER_REQUEST)
		NOTE("%s", TR("memory above request"));
	if (c->risks & FR_RISK_CPU_OVER_REQUEST)
		NOTE("%s", TR("CPU above request"));
	if (c->risks & FR_RISK_MEM_NEAR_LIMIT)
		NOTE("%s", TR("memory near limit"));
	if (c->risks & FR_RISK_NO_REQUEST)
		NOTE("%s", TR("no request set"));
	if (c->rec_above_request &&
	    !(c->risks & (FR_RISK_CPU_OVER_REQUEST | FR_RISK_MEM_OVER_REQUEST))) {
		char why[160];
		above_reason(c, fr_cpu_sized_usage(st, &c->cpu), lang, why, sizeof why);
		NOTE(TR("recommendation above request: %s"), why);
	}
	if (hpa && (!isnan(cpu_t) || !isnan(mem_t)))
		NOTE(TR("HPA %s targets %s %.0f%%: request sized so the HPA sees its target at "
		        "p%.0f load"),
		     hpa->name, !isnan(cpu_t) ? "CPU" : TR("memory"),
		     100.0 * (!isnan(cpu_t) ? cpu_t : mem_t),
		     st->cpu_use_max ? 100.0 : st->cpu_percentile);
#undef TR
#undef NOTE
}

/* Works out one container's recommendation, risks, severity and costs.
 * Severity: "unknown" without usage series; "risk" when the container is
 * under-provisioned (p95 CPU or max memory above its request, OOM kills,
 * memory within 10 % of its limit, or no request at all) because fixing that
 * comes before saving money; otherwise by the share of the larger request the
 * recommendation gives back: >= 75 % high, >= 50 % medium, >= 25 % low. */
static void compute_container(const fr_options *o, const fr_hpa *hpa, fr_container *c)
{
	const fr_strategy *st = &o->strategy;
	const fr_pricing *pr = &o->pricing;
	double cpu_use = fr_cpu_sized_usage(st, &c->cpu);
	c->missing_usage = isnan(cpu_use) || isnan(c->mem.max);
	c->not_enough_data = !c->missing_usage && young(o, c);
	if (!c->not_enough_data) {
		c->cpu.recommended = fr_recommend_cpu(st, cpu_use, hpa ? hpa->cpu_target : NAN);
		c->mem.recommended = fr_recommend_mem(st, c->mem.max, hpa ? hpa->mem_target : NAN);
	}
	c->mem.recommended_limit = c->mem.recommended;
	c->cpu.recommended_limit = o->cpu_limit_factor > 0
	                                   ? c->cpu.recommended * o->cpu_limit_factor
	                                   : NAN;
	money(o, c);
	c->cpu_eff = fr_ratio(c->cpu.avg, c->cpu.request);
	c->mem_eff = fr_ratio(c->mem.avg, c->mem.request);

	set_risks(c, cpu_use);
	above_request(c, cpu_use);
	write_note(o, hpa, c, FR_LANG_EN, c->note, sizeof c->note);

	c->cost_cpu = fr_cost_cpu(pr, nz(c->cpu.alloc_hours));
	c->cost_ram = fr_cost_ram(pr, nz(c->mem.alloc_hours));
}

/* Adds one container's efficiency terms to accumulators. Usage above the
 * request is capped at the request: a container that outgrows its request is
 * a risk, not an efficient one, and must not raise an aggregate. Terms are in
 * money per hour so that CPU and memory weigh as much as they cost. */
static void eff_add(const fr_pricing *pr, const fr_container *c, double *nc, double *dc, double *nr,
                    double *dr)
{
	if (!isnan(c->cpu.request) && c->cpu.request > 0 && !isnan(c->cpu.avg)) {
		double u = c->cpu.avg < c->cpu.request ? c->cpu.avg : c->cpu.request;
		*nc += u * pr->cpu_hour;
		*dc += c->cpu.request * pr->cpu_hour;
	}
	if (!isnan(c->mem.request) && c->mem.request > 0 && !isnan(c->mem.avg)) {
		double u = c->mem.avg < c->mem.request ? c->mem.avg : c->mem.request;
		*nr += u / pr->mem_unit_bytes * pr->ram_hour;
		*dr += c->mem.request / pr->mem_unit_bytes * pr->ram_hour;
	}
}

/* Finds or appends the group `key` (linear: groups are few, and this runs
 * once per pod). */
static fr_group *group_get(fr_group **g, size_t *n, const char *key, const char *ns,
                           const char *kind, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*g)[i].key, key) == 0)
			return &(*g)[i];
	*g = fr_xrealloc(*g, (*n + 1) * sizeof **g);
	fr_group *x = &(*g)[(*n)++];
	memset(x, 0, sizeof *x);
	x->key = fr_strdup(key);
	x->ns = fr_strdup(ns);
	x->kind = fr_strdup(kind);
	x->name = fr_strdup(name);
	return x;
}

static void cost_add(fr_cost *a, const fr_cost *b)
{
	a->cpu += nz(b->cpu);
	a->ram += nz(b->ram);
	a->pv += nz(b->pv);
	a->network += nz(b->network);
	a->total += nz(b->total);
}

/* Adds a pod (its cost, savings, requests and efficiency terms) to a
 * group. */
static void group_add(const fr_options *o, fr_group *g, const fr_pod *p)
{
	g->pods++;
	cost_add(&g->cost, &p->cost);
	g->cost_month += nz(fr_per_month(p->cost.total, (double)o->window_s));
	for (size_t j = 0; j < p->nc; j++) {
		const fr_container *c = &p->c[j];
		g->containers++;
		g->savings.cpu += c->savings.cpu;
		g->savings.mem += c->savings.mem;
		g->savings.total += c->savings.total;
		g->extra.cpu += c->extra.cpu;
		g->extra.mem += c->extra.mem;
		g->extra.total += c->extra.total;
		g->savings_month = g->savings.total;
		g->extra_month = g->extra.total;
		g->cpu_req += nz(c->cpu.request);
		g->mem_req += nz(c->mem.request);
		g->cpu_rec += isnan(c->cpu.recommended) ? nz(c->cpu.request) : c->cpu.recommended;
		g->mem_rec += isnan(c->mem.recommended) ? nz(c->mem.request) : c->mem.recommended;
		if (c->severity == FR_SEV_RISK)
			g->risks++;
		eff_add(&o->pricing, c, &g->num_cpu, &g->den_cpu, &g->num_ram, &g->den_ram);
	}
	if (p->nc == 0 && !isnan(p->eff_total)) {
		/* a pod only Kubecost knows: weigh its efficiencies by its cost */
		double h = (double)o->window_s / 3600.0;
		double cc = nz(p->cost.cpu) / h, rc = nz(p->cost.ram) / h;
		if (!isnan(p->eff_cpu)) {
			g->num_cpu += (p->eff_cpu < 1 ? p->eff_cpu : 1) * cc;
			g->den_cpu += cc;
		}
		if (!isnan(p->eff_ram)) {
			g->num_ram += (p->eff_ram < 1 ? p->eff_ram : 1) * rc;
			g->den_ram += rc;
		}
	}
	if (p->hpa)
		g->hpa = 1;
}

/* Turns a group's efficiency accumulators into ratios. */
static void group_finish(fr_group *g)
{
	g->eff_cpu = fr_ratio(g->num_cpu, g->den_cpu);
	g->eff_ram = fr_ratio(g->num_ram, g->den_ram);
	g->eff_total = fr_ratio(g->num_cpu + g->num_ram, g->den_cpu + g->den_ram);
}

static int cmp_pod(const void *a, const void *b)
{
	const fr_pod *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);
	return c ? c : strcmp(x->name, y->name);
}

static int cmp_ctr(const void *a, const void *b)
{
	return strcmp(((const fr_container *)a)->name, ((const fr_container *)b)->name);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const fr_group *)a)->key, ((const fr_group *)b)->key);
}

/* The HPA that scales the pod's controller, or NULL. */
static const fr_hpa *pod_hpa(const fr_model *m, const fr_pod *p)
{
	const fr_hpa *found = NULL;
	for (size_t k = 0; k < m->nhpas && p->ctrl_name; k++) {
		const fr_hpa *h = &m->hpas[k];
		if (strcmp(h->ns, p->ns) == 0 && strcmp(h->target_name, p->ctrl_name) == 0 &&
		    (!p->ctrl_kind || strcmp(h->target_kind, p->ctrl_kind) == 0))
			found = h;
	}
	return found;
}

/* One pod: its containers, its cost by the pricing model unless Kubecost
 * priced it, its efficiencies and its controller. */
static void compute_pod(const fr_options *o, fr_model *m, fr_pod *p)
{
	const fr_pricing *pr = &o->pricing;
	if (p->nc > 1)
		qsort(p->c, p->nc, sizeof *p->c, cmp_ctr);
	p->hpa = pod_hpa(m, p);
	fr_cost pc = { 0, 0, 0, NAN, 0 };
	double nc = 0, dc = 0, nr = 0, dr = 0;
	for (size_t j = 0; j < p->nc; j++) {
		fr_container *c = &p->c[j];
		compute_container(o, p->hpa, c);
		pc.cpu += c->cost_cpu;
		pc.ram += c->cost_ram;
		eff_add(pr, c, &nc, &dc, &nr, &dr);
		if (c->missing_usage) {
			m->nmissing++;
			fr_model_warn(m,
			              "%s/%s container %s: no usage series "
			              "(container_cpu_usage_seconds_total or "
			              "container_memory_working_set_bytes)",
			              p->ns, p->name, c->name);
		}
		m->ncontainers++;
		m->nyoung += c->not_enough_data;
		if (c->severity == FR_SEV_RISK)
			m->nrisky++;
	}
	pc.pv = fr_cost_storage(pr, p->pv_byte_hours);
	pc.total = pc.cpu + pc.ram + pc.pv;
	if (!p->cost_known) {
		p->cost = pc;
		p->cost_known = 1;
		p->eff_cpu = fr_ratio(nc, dc);
		p->eff_ram = fr_ratio(nr, dr);
		p->eff_total = fr_ratio(nc + nr, dc + dr);
	}
	if (!p->ctrl_kind) {
		p->ctrl_kind = fr_strdup("Pod");
		p->ctrl_name = fr_strdup(p->name);
	}
}

/* Controllers, namespaces and totals. */
static void aggregate(const fr_options *o, fr_model *m)
{
	memset(&m->total, 0, sizeof m->total);
	fr_group all;
	memset(&all, 0, sizeof all);
	for (size_t i = 0; i < m->npods; i++) {
		fr_pod *p = &m->pods[i];
		char *ck = fr_printf("%s/%s/%s", p->ns, p->ctrl_kind, p->ctrl_name);
		group_add(o,
		          group_get(&m->ctrls, &m->nctrls, ck, p->ns, p->ctrl_kind, p->ctrl_name),
		          p);
		free(ck);
		group_add(o, group_get(&m->nss, &m->nnss, p->ns, p->ns, "Namespace", p->ns), p);
		group_add(o, &all, p);
		if (o->group_label) {
			const char *v = p->group_value ? p->group_value : "unlabelled";
			char *kind = fr_printf("label:%s", o->group_label);
			group_add(o, group_get(&m->lbls, &m->nlbls, v, v, kind, v), p);
			free(kind);
		}
	}
	for (size_t i = 0; i < m->nctrls; i++)
		group_finish(&m->ctrls[i]);
	for (size_t i = 0; i < m->nnss; i++)
		group_finish(&m->nss[i]);
	for (size_t i = 0; i < m->nlbls; i++)
		group_finish(&m->lbls[i]);
	if (m->nlbls > 1)
		qsort(m->lbls, m->nlbls, sizeof *m->lbls, cmp_group);
	group_finish(&all);
	if (m->nctrls > 1)
		qsort(m->ctrls, m->nctrls, sizeof *m->ctrls, cmp_group);
	if (m->nnss > 1)
		qsort(m->nss, m->nnss, sizeof *m->nss, cmp_group);
	m->total = all.cost;
	m->total_month = all.cost_month;
	m->savings_month = all.savings_month;
	m->extra_month = all.extra_month;
	m->savings = all.savings;
	m->extra = all.extra;
	m->eff_cpu = all.eff_cpu;
	m->eff_ram = all.eff_ram;
	m->eff_total = all.eff_total;
}

/* a - b per resource, total = cpu + ram (PV and network: none). */
static fr_cost cost_minus(const fr_cost *a, const fr_cost *b, int floor0)
{
	fr_cost c = { a->cpu - b->cpu, a->ram - b->ram, 0, 0, 0 };
	if (floor0) {
		c.cpu = c.cpu > 0 ? c.cpu : 0;
		c.ram = c.ram > 0 ? c.ram : 0;
	}
	c.total = c.cpu + c.ram;
	return c;
}

/* Node costs by the pricing model: capacity, allocatable, what the system
 * reserves (capacity - allocatable) and idle (allocatable - what the pods
 * are allocated, per resource, never below 0); with --share-idle, idle CPU
 * and RAM go to the namespaces in proportion to their CPU and RAM cost. */
static void node_costs(const fr_options *o, fr_model *m)
{
	if (!m->have_nodes)
		return;
	const fr_pricing *pr = &o->pricing;
	fr_nodes *n = &m->nodes;
	n->capacity = (fr_cost){ fr_cost_cpu(pr, n->cap_core_h), fr_cost_ram(pr, n->cap_byte_h), 0,
		                 0, 0 };
	n->capacity.total = n->capacity.cpu + n->capacity.ram;
	n->allocatable = (fr_cost){ fr_cost_cpu(pr, n->alloc_core_h),
		                    fr_cost_ram(pr, n->alloc_byte_h), 0, 0, 0 };
	n->allocatable.total = n->allocatable.cpu + n->allocatable.ram;
	n->reserved = cost_minus(&n->capacity, &n->allocatable, 1);
	fr_cost pods = { nz(m->total.cpu), nz(m->total.ram), 0, 0, 0 };
	n->idle = cost_minus(&n->allocatable, &pods, 1);
	for (size_t i = 0; o->share_idle && i < m->nnss; i++) {
		fr_group *g = &m->nss[i];
		g->idle_share.cpu = pods.cpu > 0 ? n->idle.cpu * nz(g->cost.cpu) / pods.cpu : 0;
		g->idle_share.ram = pods.ram > 0 ? n->idle.ram * nz(g->cost.ram) / pods.ram : 0;
		g->idle_share.total = g->idle_share.cpu + g->idle_share.ram;
	}
}

/* Unit economics: the cost of the namespaces that serve the counters. */
static void unit_economics(fr_model *m)
{
	double ucost = 0, ureq = 0, uapp = 0;
	int any_req = 0, any_app = 0;
	for (size_t i = 0; i < m->nunits; i++) {
		fr_unit *u = &m->units[i];
		u->cost = 0;
		for (size_t k = 0; k < m->nnss; k++)
			if (strcmp(m->nss[k].ns, u->ns) == 0)
				u->cost = m->nss[k].cost.total;
		u->per_1000_requests = fr_unit_cost(u->cost, u->requests, 1000.0);
		u->per_application = fr_unit_cost(u->cost, u->applications, 1.0);
		ucost += u->cost;
		if (!isnan(u->requests)) {
			ureq += u->requests;
			any_req = 1;
		}
		if (!isnan(u->applications)) {
			uapp += u->applications;
			any_app = 1;
		}
	}
	if (m->nunits > 1) {
		m->units = fr_xrealloc(m->units, (m->nunits + 1) * sizeof *m->units);
		fr_unit *t = &m->units[m->nunits++];
		t->ns = NULL;
		t->cost = ucost;
		t->requests = any_req ? ureq : NAN;
		t->applications = any_app ? uapp : NAN;
		t->per_1000_requests = fr_unit_cost(ucost, t->requests, 1000.0);
		t->per_application = fr_unit_cost(ucost, t->applications, 1.0);
	}
}

const char *fr_note_text(const fr_outctx *c, const fr_row *r, char *b, size_t n)
{
	if (c->lang == FR_LANG_EN) {
		snprintf(b, n, "%s", r->c->note);
		return b;
	}
	write_note(c->o, r->p->hpa, r->c, c->lang, b, n);
	return b;
}

/* Computes everything derived. Costs come from Kubecost where it priced the
 * pod (p->cost_known already set), else from the pricing model over
 * Prometheus' hourly max(request, usage). */
void fr_report_compute(const fr_options *o, fr_model *m)
{
	if (m->npods > 1)
		qsort(m->pods, m->npods, sizeof *m->pods, cmp_pod);
	fr_model_drop_empty(m, 1); /* also rebuilds the index after the sort */
	for (size_t i = 0; i < m->npods; i++)
		compute_pod(o, m, &m->pods[i]);
	aggregate(o, m);
	node_costs(o, m);
	unit_economics(m);
	fr_trend_compute(o, m);
}

/* Reads the application's own counters (requests served, applications
 * received) over the window, per namespace, for unit economics. Missing
 * counters are not an error: most workloads are not OffreAPI. */
int fr_collect_units(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz)
{
	const char *metric[2] = { o->requests_metric, o->applications_metric };
	char W[32];
	fr_format_duration(o->window_s, W, sizeof W);
	for (int k = 0; k < 2; k++) {
		if (!metric[k] || !*metric[k])
			continue;
		char *pq = fr_printf("sum by (namespace) (increase(%s[%s]))", metric[k], W);
		fr_promres r;
		int rc = fr_prom_query(h, pq, o->end, &r, err, errsz);
		free(pq);
		if (rc)
			return -1;
		size_t i;
		json_t *ser;
		json_array_foreach(r.result, i, ser)
		{
			const char *ns = fr_prom_label(ser, "namespace");
			if (!ns || !fr_selection_match(ns, NULL))
				continue;
			if (!fr_namespace_listed(o, ns))
				continue;
			fr_unit *u = NULL;
			for (size_t j = 0; j < m->nunits; j++)
				if (strcmp(m->units[j].ns, ns) == 0)
					u = &m->units[j];
			if (!u) {
				m->units = fr_xrealloc(m->units,
				                       (m->nunits + 1) * sizeof *m->units);
				u = &m->units[m->nunits++];
				memset(u, 0, sizeof *u);
				u->ns = fr_strdup(ns);
				u->requests = u->applications = NAN;
			}
			if (k == 0)
				u->requests = round(fr_prom_value(ser));
			else
				u->applications = round(fr_prom_value(ser));
		}
		fr_promres_free(&r);
	}
	return 0;
}
