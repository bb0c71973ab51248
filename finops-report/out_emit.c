/*
 * finops-report: changes ready to apply (--emit patch, --emit vpa), one per
 * workload (Deployment, StatefulSet, DaemonSet; pods reach theirs through
 * kube_pod_owner and the ReplicaSet's owner). A YAML stream of JSON
 * documents (JSON is YAML), each a whole object kustomize and kubectl read:
 *
 *   patch  a strategic-merge patch of the workload: per container, the
 *          recommended requests, the memory limit (= the memory request)
 *          and, with --cpu-limit-factor, the CPU limit. `kubectl patch
 *          KIND NAME -n NS --type strategic --patch-file` takes one;
 *          kustomize's `patches: [{path: FILE}]` takes the stream.
 *   vpa    a VerticalPodAutoscaler (autoscaling.k8s.io/v1) in
 *          recommendation mode (updateMode "Off": it recommends, never
 *          evicts), with this report's figures in an annotation.
 *
 * A container's figure is the largest recommendation over the workload's
 * pods (the safe side); containers without usage or with not enough data
 * are left out, and so is a workload left with none.
 */
#include "fr.h"

#include <string.h>

typedef struct wl_ctr {
	const char *name;
	double cpu, mem, cpu_lim, mem_lim;
} wl_ctr;

#define WL_MAX 64

static int workload_kind(const char *k)
{
	return k && (strcmp(k, "Deployment") == 0 || strcmp(k, "StatefulSet") == 0 ||
	             strcmp(k, "DaemonSet") == 0);
}

static double maxd(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : a > b ? a : b;
}

/* The workload's containers with a recommendation; returns their number. */
static size_t workload_containers(const fr_model *m, const fr_group *g, wl_ctr *w)
{
	size_t n = 0;
	for (size_t i = 0; i < m->npods; i++) {
		const fr_pod *p = &m->pods[i];
		if (strcmp(p->ns, g->ns) || !p->ctrl_kind || strcmp(p->ctrl_kind, g->kind) ||
		    !p->ctrl_name || strcmp(p->ctrl_name, g->name))
			continue;
		for (size_t j = 0; j < p->nc; j++) {
			const fr_container *c = &p->c[j];
			if (c->missing_usage || c->not_enough_data || isnan(c->cpu.recommended) ||
			    isnan(c->mem.recommended))
				continue;
			size_t k;
			for (k = 0; k < n && strcmp(w[k].name, c->name); k++)
				;
			if (k == n) {
				if (n == WL_MAX)
					continue;
				w[n++] = (wl_ctr){ c->name, NAN, NAN, NAN, NAN };
			}
			w[k].cpu = maxd(w[k].cpu, c->cpu.recommended);
			w[k].mem = maxd(w[k].mem, c->mem.recommended);
			w[k].cpu_lim = maxd(w[k].cpu_lim, c->cpu.recommended_limit);
			w[k].mem_lim = maxd(w[k].mem_lim, c->mem.recommended_limit);
		}
	}
	return n;
}

/* A Kubernetes quantity: whole millicores; bytes in Mi when whole, else
 * bytes. */
static json_t *qcpu(double cores)
{
	char b[32];
	snprintf(b, sizeof b, "%.0fm", ceil(cores * 1000.0 - 1e-6));
	return json_string(b);
}

static json_t *qmem(double bytes)
{
	char b[32];
	double mi = bytes / FR_MIB;
	if (fabs(mi - round(mi)) < 1e-9)
		snprintf(b, sizeof b, "%.0fMi", round(mi));
	else
		snprintf(b, sizeof b, "%.0f", ceil(bytes));
	return json_string(b);
}

/* {requests: {cpu, memory}, limits: {memory[, cpu]}} of one container. */
static json_t *resources(const wl_ctr *w)
{
	json_t *lim = json_pack("{s:o}", "memory", qmem(w->mem_lim));
	if (!isnan(w->cpu_lim))
		json_object_set_new(lim, "cpu", qcpu(w->cpu_lim));
	return json_pack("{s:{s:o,s:o},s:o}", "requests", "cpu", qcpu(w->cpu), "memory",
	                 qmem(w->mem), "limits", lim);
}

static json_t *patch_doc(const fr_group *g, const wl_ctr *w, size_t n)
{
	json_t *cs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(cs, json_pack("{s:s,s:o}", "name", w[i].name, "resources",
		                                    resources(&w[i])));
	return json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:{s:{s:o}}}}", "apiVersion", "apps/v1", "kind",
	                 g->kind, "metadata", "name", g->name, "namespace", g->ns, "spec",
	                 "template", "spec", "containers", cs);
}

static json_t *vpa_doc(const fr_group *g, const wl_ctr *w, size_t n)
{
	json_t *pol = json_array(), *rec = json_object();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(pol,
		                      json_pack("{s:s,s:s,s:[s,s],s:s}", "containerName", w[i].name,
		                                "mode", "Auto", "controlledResources", "cpu",
		                                "memory", "controlledValues", "RequestsAndLimits"));
		json_object_set_new(rec, w[i].name, resources(&w[i]));
	}
	char *note = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(rec);
	json_t *j = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:{s:{s:s,s:s,s:s},s:{s:s},s:{s:o}}}",
	                      "apiVersion", "autoscaling.k8s.io/v1", "kind",
	                      "VerticalPodAutoscaler", "metadata", "name", g->name, "namespace",
	                      g->ns, "annotations", "finops-report/recommendation",
	                      note ? note : "{}", "spec", "targetRef", "apiVersion", "apps/v1",
	                      "kind", g->kind, "name", g->name, "updatePolicy", "updateMode", "Off",
	                      "resourcePolicy", "containerPolicies", pol);
	free(note);
	return j;
}

/* Writes one document per workload with recommendations. */
static int emit(FILE *f, const fr_outctx *c, int vpa)
{
	fprintf(f, "# finops-report %s: %s per workload, window ", FR_VERSION,
	        vpa ? "VerticalPodAutoscaler (updateMode Off)" : "strategic-merge patches");
	char w[128];
	fr_window_text(c, w, sizeof w);
	fprintf(f, "%s\n", w);
	fr_rows it;
	fr_rows_open(&it, c, FR_ROWS_CONTROLLERS, 0);
	int rc = 0;
	for (const fr_row *r; rc == 0 && (r = fr_rows_next(&it));) {
		wl_ctr ws[WL_MAX];
		size_t n = workload_kind(r->g->kind) ? workload_containers(c->m, r->g, ws) : 0;
		if (n == 0)
			continue;
		json_t *d = vpa ? vpa_doc(r->g, ws, n) : patch_doc(r->g, ws, n);
		char *txt = d ? json_dumps(d, JSON_INDENT(2)) : NULL;
		json_decref(d);
		if (!txt) {
			fprintf(stderr, "finops-report: cannot build the %s of %s/%s\n",
			        vpa ? "VPA" : "patch", r->g->ns, r->g->name);
			rc = -1;
			break;
		}
		fprintf(f, "---\n%s\n", txt);
		free(txt);
	}
	fr_rows_close(&it);
	return rc;
}

FR_FORMAT(patch, NULL, 0, 1)
{
	return emit(f, c, 0);
}

FR_FORMAT(vpa, NULL, 0, 1)
{
	return emit(f, c, 1);
}
