/*
 * finops-report: the Kubecost / OpenCost allocation API client.
 *
 * GET /model/allocation (Kubecost) or /allocation (OpenCost) with
 * window=<start>,<end> (RFC 3339, the same window as the Prometheus queries),
 * aggregate=pod and accumulate=true. The envelope is
 * {"code":200,"data":[{"<name>":{allocation}}]}; values may be null (Kubecost
 * writes NaN as null); errors come as {"code":4xx,"message":...} or as plain
 * text, with or without an HTTP error status.
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A number field: JSON numbers as they are; null, absent, "NaN" and anything
 * unreadable as NAN. */
static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v)) {
		char *end;
		double d = strtod(json_string_value(v), &end);
		if (end != json_string_value(v) && !*end && !isinf(d))
			return d;
	}
	return NAN;
}

static double nz(double v)
{
	return isnan(v) ? 0 : v;
}

/* Adds an allocation's costs to c; a null totalCost is rebuilt from the
 * parts that are known. */
static void add_cost(fr_cost *c, json_t *a)
{
	c->cpu += nz(num(a, "cpuCost"));
	c->ram += nz(num(a, "ramCost"));
	c->pv += nz(num(a, "pvCost"));
	c->network += nz(num(a, "networkCost"));
	double t = num(a, "totalCost");
	if (isnan(t))
		t = nz(num(a, "cpuCost")) + nz(num(a, "ramCost")) + nz(num(a, "pvCost")) +
		    nz(num(a, "networkCost")) + nz(num(a, "loadBalancerCost")) +
		    nz(num(a, "sharedCost"));
	c->total += t;
}

/* Whether the allocation passes the namespace list, the regexes and the
 * label selector (Kubecost gives labels unprefixed in properties.labels). */
static int selected(const fr_options *o, const char *ns, const char *pod, json_t *props)
{
	if (!fr_namespace_listed(o, ns))
		return 0;
	if (!fr_selection_match(ns, pod))
		return 0;
	if (o->selector) {
		char **l = fr_labels_from(json_object_get(props, "labels"));
		int ok = fr_selector_match(o->selector, l, 0) == 1;
		fr_labels_free(l);
		if (!ok)
			return 0;
	}
	return 1;
}

/* Namespace and pod from an allocation's name, [cluster/]namespace/pod or
 * pod, for those *ns and *pod that are NULL (into the buffers, 256 bytes). */
static void name_parts(const char *name, char *nsbuf, char *podbuf, const char **ns,
                       const char **pod)
{
	const char *last = strrchr(name, '/');
	snprintf(podbuf, 256, "%s", last ? last + 1 : name);
	if (last) {
		const char *prev = last;
		while (prev > name && prev[-1] != '/')
			prev--;
		snprintf(nsbuf, 256, "%.*s", (int)(last - prev), prev);
	}
	if (!*pod)
		*pod = podbuf;
	if (!*ns)
		*ns = nsbuf;
}

/* The controller of a pod only Kubecost knows, from its properties.
 * Kubecost writes kinds in lower case ("deployment"). */
static void set_controller(fr_pod *p, json_t *props)
{
	const char *ck = json_string_value(json_object_get(props, "controllerKind"));
	const char *cn = json_string_value(json_object_get(props, "controller"));
	if (!cn || !*cn || p->ctrl_name)
		return;
	char kind[64];
	snprintf(kind, sizeof kind, "%s", ck && *ck ? ck : "Controller");
	if (kind[0] >= 'a' && kind[0] <= 'z')
		kind[0] = (char)(kind[0] - 'a' + 'A');
	static const char *const camel[] = { "StatefulSet", "DaemonSet", "ReplicaSet" };
	for (size_t i = 0; i < 3; i++)
		if (strcasecmp(kind, camel[i]) == 0)
			snprintf(kind, sizeof kind, "%s", camel[i]);
	p->ctrl_kind = fr_strdup(kind);
	p->ctrl_name = fr_strdup(cn);
}

/* Merges one allocation set ({name: allocation}) into m: idle and
 * unallocated apart, each selected pod matched by namespace/pod from its
 * properties (else from its name), created when missing. */
static void one_set(json_t *set, fr_model *m, int create_pods, const fr_options *o)
{
	const char *name;
	json_t *a;
	json_object_foreach(set, name, a)
	{
		if (!json_is_object(a))
			continue;
		if (strstr(name, "__idle__")) {
			add_cost(&m->idle, a);
			m->have_idle = 1;
			continue;
		}
		if (strstr(name, "__unallocated__")) {
			add_cost(&m->unallocated, a);
			m->have_unallocated = 1;
			continue;
		}
		json_t *props = json_object_get(a, "properties");
		const char *ns = json_string_value(json_object_get(props, "namespace"));
		const char *pod = json_string_value(json_object_get(props, "pod"));
		char nsbuf[256] = "", podbuf[256] = "";
		if (!pod || !ns)
			name_parts(name, nsbuf, podbuf, &ns, &pod);
		if (!*ns || !*pod) {
			fr_model_warn(m, "kubecost: allocation '%s' has no namespace/pod", name);
			continue;
		}
		if (!selected(o, ns, pod, props))
			continue;
		fr_pod *p = fr_model_find_pod(m, ns, pod);
		if (!p) {
			if (!create_pods) {
				fr_model_warn(m,
				              "%s/%s: priced by Kubecost but no "
				              "Prometheus series",
				              ns, pod);
			}
			p = fr_model_pod(m, ns, pod);
			p->from_kubecost_only = 1;
			set_controller(p, props);
		}
		if (isnan(num(a, "totalCost")) && isnan(num(a, "cpuCost")) &&
		    isnan(num(a, "ramCost"))) {
			/* null costs are unknown costs, not zero: keep the pricing
             * model's figure (or none) and say the data is incomplete */
			fr_model_warn(m,
			              "kubecost: %s/%s has no cost (null values); "
			              "priced with the pricing model",
			              ns, pod);
			if (!p->kubecost_matched)
				p->kubecost_matched = 2;
			continue;
		}
		if (p->kubecost_matched != 1) {
			memset(&p->cost, 0, sizeof p->cost);
			p->kc_cpu_req = p->kc_cpu_use = p->kc_ram_req = p->kc_ram_use = 0;
		}
		add_cost(&p->cost, a);
		p->kc_cpu_req += nz(num(a, "cpuCoreRequestAverage"));
		p->kc_cpu_use += nz(num(a, "cpuCoreUsageAverage"));
		p->kc_ram_req += nz(num(a, "ramByteRequestAverage"));
		p->kc_ram_use += nz(num(a, "ramByteUsageAverage"));
		p->eff_cpu = num(a, "cpuEfficiency");
		p->eff_ram = num(a, "ramEfficiency");
		p->eff_total = num(a, "totalEfficiency");
		p->cost_known = 1;
		p->kubecost_matched = 1;
	}
}

/* Parses an allocation response body into m. With create_pods, every
 * selected allocation becomes a pod (Kubecost-only mode); without, pods are
 * matched to those Prometheus found and the others are added with a warning.
 * Returns 0, or -1 with a message for an error envelope or a body that is
 * not the allocation shape. */
int fr_kubecost_parse(const char *body, fr_model *m, int create_pods, const fr_options *o,
                      char *err, size_t errsz)
{
	json_error_t je;
	json_t *root = json_loads(body, 0, &je);
	if (!root) {
		char first[120];
		size_t i = 0;
		while (body[i] && body[i] != '\n' && i + 1 < sizeof first) {
			first[i] = (body[i] >= 32 && body[i] < 127) ? body[i] : '?';
			i++;
		}
		first[i] = '\0';
		snprintf(err, errsz, "not JSON (%s): \"%s\"", je.text, first);
		fr_one_line(err);
		return -1;
	}
	json_t *code = json_object_get(root, "code");
	if (!json_is_object(root) || (code && json_integer_value(code) != 200)) {
		const char *msg = json_string_value(json_object_get(root, "message"));
		snprintf(err, errsz, "error code %lld: %s", (long long)json_integer_value(code),
		         msg ? msg : "no message");
		fr_one_line(err); /* Kubecost's own text */
		json_decref(root);
		return -1;
	}
	json_t *data = json_object_get(root, "data");
	if (json_is_object(data)) {
		one_set(data, m, create_pods, o);
	} else if (json_is_array(data)) {
		size_t i;
		json_t *set;
		json_array_foreach(data, i, set) if (json_is_object(set))
			one_set(set, m, create_pods, o);
	} else {
		snprintf(err, errsz, "no \"data\" array of allocation sets");
		json_decref(root);
		return -1;
	}
	json_t *w = json_object_get(root, "warning");
	if (!w)
		w = json_object_get(root, "warnings");
	if (json_is_string(w))
		fr_model_warn(m, "kubecost warning: %s", json_string_value(w));
	else if (json_is_array(w) && json_array_size(w))
		fr_model_warn(m, "kubecost warning: %s",
		              json_string_value(json_array_get(w, 0))
		                      ? json_string_value(json_array_get(w, 0))
		                      : "?");
	json_decref(root);
	return 0;
}

static void rfc3339(double t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Fetches the allocations of the window and merges them into m. Pods that
 * Prometheus found but Kubecost did not price keep the pricing model's cost
 * and are reported as incomplete data. */
int fr_collect_kubecost(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz)
{
	char a[40], b[40];
	rfc3339(o->end - (double)o->window_s, a, sizeof a);
	rfc3339(o->end, b, sizeof b);
	char *win = fr_printf("%s,%s", a, b);
	char *ew = fr_url_escape(win);
	char *path = fr_printf("%s?window=%s&aggregate=pod&accumulate=true",
	                       o->opencost ? "/allocation" : "/model/allocation", ew);
	free(ew);
	char *body = NULL;
	long status = 0;
	int rc = fr_http_get(h, path, &body, &status, err, errsz);
	if (rc == 0) {
		char why[800];
		int create = m->npods == 0;
		size_t before = m->npods;
		if (status >= 300 || fr_kubecost_parse(body, m, create, o, why, sizeof why)) {
			if (status >= 300) {
				json_t *j = json_loads(body, 0, NULL);
				const char *msg = json_string_value(json_object_get(j, "message"));
				snprintf(why, sizeof why, "%s", msg ? msg : body);
				json_decref(j);
			}
			snprintf(err, errsz, "%s: GET %s%s (window %s): HTTP %ld, %s", h->name,
			         h->shown, o->opencost ? "/allocation" : "/model/allocation", win,
			         status, why);
			rc = -1;
		} else if (!create) {
			for (size_t i = 0; i < before; i++)
				if (!m->pods[i].kubecost_matched)
					fr_model_warn(m,
					              "%s/%s: no Kubecost allocation; cost "
					              "from the pricing model",
					              m->pods[i].ns, m->pods[i].name);
		}
		m->cost_from_kubecost = rc == 0;
	}
	free(body);
	free(path);
	free(win);
	return rc;
}
