/*
 * finops-report: one run, stage by stage: collect (Prometheus, then Kubecost),
 * compute and decide (thresholds, exit code), render (the format's renderer,
 * to stdout or --output). Every stage leaves the run in a state fr_run_free
 * can free, whatever it returned.
 */
#include "cli.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A base URL without trailing slashes, so paths join with one. */
static char *strip_slash(const char *u)
{
	char *s = fr_strdup(u);
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

void fr_run_init(fr_run *r)
{
	memset(r, 0, sizeof *r);
	r->prom.name = "prometheus";
	r->kc.name = "kubecost";
}

/* One HTTP client from the configuration (i: 0 Prometheus, 1 Kubecost). */
static void setup_http(const fr_config *cfg, fr_http *h, const char *url, int i)
{
	h->timeout_s = cfg->o.timeout_s;
	h->retries = cfg->o.retries;
	h->retry_delay_s = cfg->o.retry_delay_s;
	h->cacert = cfg->o.cacert;
	h->compress = cfg->compress;
	h->base = url ? strip_slash(url) : NULL;
	h->shown = fr_url_redact(h->base);
	h->token = cfg->token[i];
	if (cfg->user[i]) {
		h->user = (char *)cfg->user[i];
		h->password = cfg->password[i];
	}
}

/* Node idle cost is measured against every pod: only without a selection. */
static int whole_cluster(const fr_options *o)
{
	return !o->nnamespaces && !o->namespace_regex && !o->pod_regex && !o->selector;
}

int fr_run_collect(fr_config *cfg, fr_run *r)
{
	char err[2048];
	const fr_options *o = &cfg->o;
	setup_http(cfg, &r->prom, o->prometheus, 0);
	setup_http(cfg, &r->kc, o->kubecost, 1);
	r->t0 = mono_s();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fputs("finops-report: cannot initialise libcurl\n", stderr);
		return FR_EXIT_ERROR;
	}
	r->curl_ready = 1;
	fr_progress_init(cfg->progress, o->quiet);
	fr_progress_plan((o->prometheus ? 4 : 0) + (o->kubecost ? 1 : 0), 0);
	int rc = 0;
	if (o->prometheus)
		rc = fr_collect_prometheus(o, &r->prom, &r->m, 0, err, sizeof err) ||
		     fr_collect_units(o, &r->prom, &r->m, err, sizeof err) ||
		     (whole_cluster(o) && fr_collect_nodes(o, &r->prom, &r->m, err, sizeof err));
	/* the trend is an extra: when its queries fail, the report stands,
	 * without it, and says why (incomplete data) */
	if (rc == 0 && o->prometheus && !cfg->no_trend &&
	    fr_collect_trend(o, &r->prom, &r->m, err, sizeof err))
		fr_model_warn(&r->m, "no trend: %s", err);
	if (rc == 0 && o->kubecost)
		rc = fr_collect_kubecost(o, &r->kc, &r->m, err, sizeof err);
	fr_progress_end();
	if (rc) {
		fprintf(stderr, "finops-report: %s\n", err);
		return FR_EXIT_ERROR;
	}
	return FR_CONTINUE;
}

/* Records a breached threshold (takes msg). */
static void breach(fr_thresholds *t, char *msg)
{
	if (t->nbreached < 8)
		t->breached[t->nbreached++] = msg;
	else
		free(msg);
}

/* Computes the report, then the thresholds and the exit code. */
int fr_run_decide(fr_config *cfg, fr_run *r)
{
	fr_model *m = &r->m;
	fr_thresholds *t = &cfg->t;
	const char *cur = cfg->o.pricing.currency;
	fr_report_compute(&cfg->o, m);
	if (m->npods == 0)
		fr_model_warn(m, "no pod matched the selection in the window");
	if (!isnan(t->savings_over) && m->savings_month > t->savings_over)
		breach(t, fr_printf("potential savings %.2f %s per month exceed "
		                    "--fail-if-savings-over %.2f",
		                    m->savings_month, cur, t->savings_over));
	if (!isnan(t->min_efficiency) &&
	    (isnan(m->eff_total) || m->eff_total * 100.0 < t->min_efficiency))
		breach(t, fr_printf("total efficiency %.1f%% is below --min-efficiency %.1f%%",
		                    isnan(m->eff_total) ? 0.0 : m->eff_total * 100.0,
		                    t->min_efficiency));
	if (!isnan(t->max_cost) && m->total_month > t->max_cost)
		breach(t, fr_printf("cost %.2f %s per month exceeds --max-monthly-cost %.2f",
		                    m->total_month, cur, t->max_cost));
	if (t->fail_on_risk && m->nrisky > 0)
		breach(t,
		       fr_printf("%zu under-provisioned container(s) (--fail-on-risk)", m->nrisky));
	r->code = t->nbreached                           ? FR_EXIT_THRESHOLD
	          : (m->nwarn && !cfg->allow_incomplete) ? FR_EXIT_INCOMPLETE
	                                                 : FR_EXIT_OK;
	return FR_CONTINUE;
}

/* The data sources in words, URLs masked. */
static void sources_text(const fr_config *cfg, const fr_run *r, char *b, size_t n)
{
	const char *kcname = cfg->o.opencost ? "OpenCost" : "Kubecost";
	if (cfg->o.prometheus && cfg->o.kubecost)
		snprintf(b, n, "Prometheus %s (requests, usage), %s %s (costs)", r->prom.shown,
		         kcname, r->kc.shown);
	else if (cfg->o.prometheus)
		snprintf(b, n, "Prometheus %s; costs from the pricing model", r->prom.shown);
	else
		snprintf(b, n, "%s %s (no Prometheus: no percentiles, no recommendations)", kcname,
		         r->kc.shown);
}

/* The reasons the data is incomplete, on stderr: every format, CSV too, then
 * says why, and a breach does not hide them. */
static void incomplete_lines(const fr_model *m, int code)
{
	fprintf(stderr, "finops-report: data incomplete (%zu warning(s))%s:\n", m->nwarn,
	        code == FR_EXIT_INCOMPLETE ? "; exit 3" : "");
	for (size_t i = 0; i < m->nwarn && i < 5; i++)
		fprintf(stderr, "  - %s\n", m->warnings[i]);
	if (m->nwarn > 5)
		fprintf(stderr, "  (%zu more in the report)\n", m->nwarn - 5);
}

int fr_run_render(fr_config *cfg, fr_run *r)
{
	const char *output = cfg->output;
	FILE *f = stdout;
	if (output && strcmp(output, "-") != 0 && !(f = fopen(output, "w"))) {
		fprintf(stderr, "finops-report: --output %s: %s\n", output, strerror(errno));
		return FR_EXIT_ERROR;
	}
	char srcs[1024];
	sources_text(cfg, r, srcs, sizeof srcs);
	int color = cfg->color == 1 || (cfg->color == 0 && f == stdout && isatty(fileno(stdout)) &&
	                                !getenv("NO_COLOR"));
	fr_outctx ctx = { .o = &cfg->o,
		          .m = &r->m,
		          .t = &cfg->t,
		          .color = color,
		          .groupby = cfg->groupby,
		          .top = cfg->top,
		          .exit_code = r->code,
		          .lang = cfg->lang,
		          .sources = srcs };
	int werr = cfg->format->render(f, &ctx) != 0;
	werr |= ferror(f);
	werr |= (f != stdout ? fclose(f) : fflush(f)) != 0;
	if (werr) {
		fprintf(stderr, "finops-report: writing %s failed\n", output ? output : "stdout");
		return FR_EXIT_ERROR;
	}
	if (r->m.nwarn && !cfg->o.quiet && !cfg->allow_incomplete)
		incomplete_lines(&r->m, r->code);
	for (int i = 0; i < cfg->t.nbreached && !cfg->o.quiet; i++)
		fprintf(stderr, "finops-report: threshold breached: %s\n", cfg->t.breached[i]);
	return r->code;
}

void fr_run_stats(const fr_config *cfg, const fr_run *r)
{
	if (!cfg->stats || r->t0 == 0)
		return;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr,
	        "finops-report: stats: queries=%ld wall=%.3fs peak_rss_kib=%ld pods=%zu "
	        "containers=%zu\n",
	        r->prom.queries + r->kc.queries, mono_s() - r->t0, ru.ru_maxrss, r->m.npods,
	        r->m.ncontainers);
}

void fr_run_free(fr_run *r)
{
	if (r->curl_ready)
		curl_global_cleanup();
	free(r->prom.base);
	free(r->kc.base);
	free(r->prom.shown);
	free(r->kc.shown);
	fr_model_free(&r->m);
	fr_run_init(r);
}
