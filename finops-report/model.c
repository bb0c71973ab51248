/*
 * finops-report: the in-memory model (pods, their containers, HPAs, warnings)
 * and the selection filters (namespace regex, pod regex, label selector).
 */
#include "fr.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Marks every figure of a resource unknown (NAN). */
void fr_res_init(fr_res *r)
{
	r->request = r->limit = NAN;
	r->p50 = r->p95 = r->pct = r->max = r->avg = NAN;
	r->alloc_hours = NAN;
	r->recommended = r->recommended_limit = NAN;
}

/* FNV-1a of "namespace/pod". */
static size_t hash_key(const char *ns, const char *pod)
{
	size_t h = 1469598103934665603u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)ns; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	h = (h ^ '/') * 1099511628211u;
	for (const unsigned char *p = (const unsigned char *)pod; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return h;
}

/* Rebuilds the hash index at twice the pod capacity, so the table is never
 * more than half full and probing stays short. Slots hold index + 1, 0 = free. */
static void reindex(fr_model *m)
{
	size_t cap = 64;
	while (cap < 2 * m->npods + 2)
		cap *= 2;
	free(m->index);
	m->index = calloc(cap, sizeof *m->index);
	if (!m->index) {
		fputs("finops-report: out of memory\n", stderr);
		exit(FR_EXIT_ERROR);
	}
	m->capindex = cap;
	for (size_t i = 0; i < m->npods; i++) {
		size_t s = hash_key(m->pods[i].ns, m->pods[i].name) & (cap - 1);
		while (m->index[s])
			s = (s + 1) & (cap - 1);
		m->index[s] = i + 1;
	}
}

/* Finds the pod ns/pod; NULL if the model has none. */
fr_pod *fr_model_find_pod(fr_model *m, const char *ns, const char *pod)
{
	if (!m->capindex)
		return NULL;
	size_t s = hash_key(ns, pod) & (m->capindex - 1);
	while (m->index[s]) {
		fr_pod *p = &m->pods[m->index[s] - 1];
		if (strcmp(p->ns, ns) == 0 && strcmp(p->name, pod) == 0)
			return p;
		s = (s + 1) & (m->capindex - 1);
	}
	return NULL;
}

/* Finds or creates the pod ns/pod. The pointer is valid until the next call
 * that creates a pod (the array may move). */
fr_pod *fr_model_pod(fr_model *m, const char *ns, const char *pod)
{
	fr_pod *p = fr_model_find_pod(m, ns, pod);
	if (p)
		return p;
	if (m->npods == m->cappods) {
		m->cappods = m->cappods ? 2 * m->cappods : 64;
		m->pods = fr_xrealloc(m->pods, m->cappods * sizeof *m->pods);
	}
	p = &m->pods[m->npods++];
	memset(p, 0, sizeof *p);
	p->ns = fr_strdup(ns);
	p->name = fr_strdup(pod);
	p->eff_cpu = p->eff_ram = p->eff_total = NAN;
	p->cost.cpu = p->cost.ram = p->cost.pv = p->cost.network = NAN;
	p->cost.total = NAN;
	if (2 * m->npods + 2 > m->capindex)
		reindex(m);
	else {
		size_t s = hash_key(ns, pod) & (m->capindex - 1);
		while (m->index[s])
			s = (s + 1) & (m->capindex - 1);
		m->index[s] = m->npods;
	}
	return p;
}

/* Finds or creates the container `name` of pod p. */
fr_container *fr_pod_container(fr_pod *p, const char *name)
{
	for (size_t i = 0; i < p->nc; i++)
		if (strcmp(p->c[i].name, name) == 0)
			return &p->c[i];
	if (p->nc == p->capc) {
		p->capc = p->capc ? 2 * p->capc : 2;
		p->c = fr_xrealloc(p->c, p->capc * sizeof *p->c);
	}
	fr_container *c = &p->c[p->nc++];
	memset(c, 0, sizeof *c);
	c->name = fr_strdup(name);
	fr_res_init(&c->cpu);
	fr_res_init(&c->mem);
	c->oom_kills = c->restarts = NAN;
	c->cost_cpu = c->cost_ram = NAN;
	c->cpu_eff = c->mem_eff = NAN;
	c->savings_month = NAN;
	c->run_hours = NAN;
	c->usage_hours = NAN;
	return c;
}

/* Records a reason why the data is incomplete (exit code 3). Identical
 * messages are kept once; after 200 distinct ones the rest are counted, so a
 * cluster-wide gap does not flood the report. */
void fr_model_warn(fr_model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < m->nwarn; i++)
		if (strcmp(m->warnings[i], buf) == 0)
			return;
	if (m->nwarn == m->capwarn) {
		m->capwarn = m->capwarn ? 2 * m->capwarn : 8;
		m->warnings = fr_xrealloc(m->warnings, m->capwarn * sizeof *m->warnings);
	}
	if (m->nwarn == 200)
		m->warnings[m->nwarn++] = fr_strdup("more incomplete-data warnings were left out");
	else if (m->nwarn < 200)
		m->warnings[m->nwarn++] = fr_strdup(buf);
}

/* The labels of a JSON object as "name=value" strings, NULL-terminated
 * (owned; free with fr_labels_free). */
char **fr_labels_from(json_t *obj)
{
	size_t n = json_object_size(obj), k = 0;
	char **l = fr_xrealloc(NULL, (n + 1) * sizeof *l);
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		const char *t = json_string_value(v);
		l[k++] = fr_printf("%s=%s", key, t ? t : "");
	}
	l[k] = NULL;
	return l;
}

void fr_labels_free(char **l)
{
	for (char **x = l; x && *x; x++)
		free(*x);
	free(l);
}

/* Whether ns is in the -n list (any namespace when there is none). */
int fr_namespace_listed(const fr_options *o, const char *ns)
{
	for (size_t i = 0; i < o->nnamespaces; i++)
		if (strcmp(o->namespaces[i], ns) == 0)
			return 1;
	return o->nnamespaces == 0;
}

/* Frees what a pod owns (not the pod itself, which lives in an array). */
static void free_pod(fr_pod *p)
{
	free(p->ns);
	free(p->name);
	free(p->ctrl_kind);
	free(p->ctrl_name);
	for (size_t j = 0; j < p->nc; j++)
		free(p->c[j].name);
	free(p->c);
	fr_labels_free(p->labels);
	free(p->group_value);
}

/* Frees an array of groups and their strings. */
static void free_groups(fr_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].key);
		free(g[i].ns);
		free(g[i].kind);
		free(g[i].name);
	}
	free(g);
}

/* Frees everything the model owns and zeroes it. */
void fr_model_free(fr_model *m)
{
	for (size_t i = 0; i < m->npods; i++)
		free_pod(&m->pods[i]);
	free(m->pods);
	for (size_t i = 0; i < m->nhpas; i++) {
		free(m->hpas[i].ns);
		free(m->hpas[i].name);
		free(m->hpas[i].target_kind);
		free(m->hpas[i].target_name);
	}
	free(m->hpas);
	for (size_t i = 0; i < m->nwarn; i++)
		free(m->warnings[i]);
	free(m->warnings);
	free_groups(m->ctrls, m->nctrls);
	free_groups(m->nss, m->nnss);
	free_groups(m->lbls, m->nlbls);
	for (size_t i = 0; i < m->nunits; i++)
		free(m->units[i].ns);
	free(m->units);
	free(m->index);
	free(m->hours);
	free(m->cur);
	free(m->days);
	memset(m, 0, sizeof *m);
}

/* Adds hour h's sums to d. */
void fr_hour_add(fr_hour *d, const fr_hour *h)
{
	d->cpu_req += h->cpu_req;
	d->cpu_use += h->cpu_use;
	d->cpu_alloc += h->cpu_alloc;
	d->mem_req += h->mem_req;
	d->mem_use += h->mem_use;
	d->mem_alloc += h->mem_alloc;
	d->seen |= h->seen;
}

/* Moves everything src holds into dst (pods of src must not already be in
 * dst: batches partition the namespaces) and leaves src empty. */
void fr_model_merge(fr_model *dst, fr_model *src)
{
	if (src->npods) { /* memcpy takes no NULL, even for 0 bytes */
		dst->pods = fr_grow(dst->pods, &dst->cappods, dst->npods + src->npods,
		                    sizeof *dst->pods);
		memcpy(dst->pods + dst->npods, src->pods, src->npods * sizeof *src->pods);
		dst->npods += src->npods;
		src->npods = 0;
	}
	if (src->nhpas) {
		dst->hpas = fr_grow(dst->hpas, &dst->caphpas, dst->nhpas + src->nhpas,
		                    sizeof *dst->hpas);
		memcpy(dst->hpas + dst->nhpas, src->hpas, src->nhpas * sizeof *src->hpas);
		dst->nhpas += src->nhpas;
		src->nhpas = 0;
	}
	for (size_t i = 0; i < src->nwarn; i++)
		fr_model_warn(dst, "%s", src->warnings[i]);
	if (src->cur && !dst->cur) {
		dst->cur = src->cur;
		dst->ncur = src->ncur;
		src->cur = NULL;
	}
	for (size_t i = 0; src->cur && i < src->ncur && i < dst->ncur; i++)
		fr_hour_add(&dst->cur[i], &src->cur[i]);
	reindex(dst);
	fr_model_free(src);
}

/* Removes pods with no container (seen only through pod-level series such as
 * labels or owners) and pods the label selector excluded. Pods known only
 * from Kubecost are kept when keep_kubecost_only. */
void fr_model_drop_empty(fr_model *m, int keep_kubecost_only)
{
	size_t j = 0;
	for (size_t i = 0; i < m->npods; i++) {
		fr_pod *p = &m->pods[i];
		int keep = !p->excluded &&
		           (p->nc > 0 || (keep_kubecost_only && p->from_kubecost_only));
		if (keep)
			m->pods[j++] = *p;
		else
			free_pod(p);
	}
	m->npods = j;
	reindex(m);
}

/* ------------------------------------------------------------ selection */

static regex_t ns_re, pod_re;
static int have_ns_re, have_pod_re;

/* Compiles ^(src)$ as a POSIX extended regex; the message names the
 * option. */
static int compile_anchored(regex_t *re, const char *what, const char *src, char *err, size_t errsz)
{
	char *pat = fr_printf("^(%s)$", src);
	int rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
	free(pat);
	if (rc != 0) {
		char msg[200];
		regerror(rc, re, msg, sizeof msg);
		snprintf(err, errsz, "%s '%s': not a POSIX extended regex: %s", what, src, msg);
		return -1;
	}
	return 0;
}

/* Compiles the namespace and pod regexes of the options (POSIX extended,
 * anchored at both ends like PromQL's =~, so "api" does not match
 * "api-gateway"). Returns 0 or -1 with a message. */
int fr_selection_init(const fr_options *o, char *err, size_t errsz)
{
	if (o->namespace_regex) {
		if (compile_anchored(&ns_re, "--namespace-regex", o->namespace_regex, err, errsz))
			return -1;
		have_ns_re = 1;
	}
	if (o->pod_regex) {
		if (compile_anchored(&pod_re, "--pod", o->pod_regex, err, errsz))
			return -1;
		have_pod_re = 1;
	}
	return 0;
}

/* Frees the compiled regexes. */
void fr_selection_free(void)
{
	if (have_ns_re)
		regfree(&ns_re);
	if (have_pod_re)
		regfree(&pod_re);
	have_ns_re = have_pod_re = 0;
}

/* Whether ns/pod passes the regex filters (pod may be NULL to test only the
 * namespace). The namespace list is applied by the queries themselves. */
int fr_selection_match(const char *ns, const char *pod)
{
	if (have_ns_re && regexec(&ns_re, ns, 0, NULL, 0) != 0)
		return 0;
	if (pod && have_pod_re && regexec(&pod_re, pod, 0, NULL, 0) != 0)
		return 0;
	return 1;
}

/* Looks up label `key` in a NULL-terminated list of "name=value" strings.
 * kube-state-metrics exports labels as label_<name> with every character
 * outside [a-zA-Z0-9_] turned into '_': with prefixed set, key is converted
 * the same way before the lookup. */
static const char *label_get(char *const *labels, const char *key, int prefixed)
{
	char want[256];
	if (prefixed) {
		size_t n = 0;
		n += (size_t)snprintf(want, sizeof want, "label_");
		for (const char *k = key; *k && n + 1 < sizeof want; k++)
			want[n++] = isalnum((unsigned char)*k) ? *k : '_';
		want[n] = '\0';
	} else {
		snprintf(want, sizeof want, "%s", key);
	}
	size_t wl = strlen(want);
	for (; labels && *labels; labels++)
		if (strncmp(*labels, want, wl) == 0 && (*labels)[wl] == '=')
			return *labels + wl + 1;
	return NULL;
}

const char *fr_label_value(char *const *labels, const char *key, int prefixed)
{
	return label_get(labels, key, prefixed);
}

/* Evaluates a Kubernetes equality-based label selector ("app=api,tier!=db",
 * "app", "!canary"; "==" works as "=") against labels. Returns 1 on match,
 * 0 otherwise, -1 when the selector does not parse. Set-based selectors
 * ("in", "notin") are not supported and do not parse. */
int fr_selector_match(const char *selector, char *const *labels, int prefixed)
{
	char *copy = fr_strdup(selector), *save = NULL;
	int ok = 1;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*t))
			t++;
		char *e = t + strlen(t);
		while (e > t && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*t) {
			ok = -1;
			break;
		}
		char *ne = strstr(t, "!="), *eq = strchr(t, '=');
		if (strchr(t, ' ') || strchr(t, '(')) {
			ok = -1;
			break;
		}
		if (ne) {
			*ne = '\0';
			const char *v = label_get(labels, t, prefixed);
			if (v && strcmp(v, ne + 2) == 0)
				ok = 0;
		} else if (eq) {
			const char *want = eq[1] == '=' ? eq + 2 : eq + 1;
			*eq = '\0';
			const char *v = label_get(labels, t, prefixed);
			if (!v || strcmp(v, want) != 0)
				ok = 0;
		} else if (*t == '!') {
			if (label_get(labels, t + 1, prefixed))
				ok = 0;
		} else if (!label_get(labels, t, prefixed)) {
			ok = 0;
		}
		if (ok == 0) {
			/* keep parsing to report a syntax error over a mismatch */
			continue;
		}
	}
	free(copy);
	return ok;
}
