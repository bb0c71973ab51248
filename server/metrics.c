/*
 * metrics.c - the Prometheus metrics of offerapi-server, rendered in the
 * text exposition format 0.0.4.
 *
 * Series are kept in small fixed tables under one mutex: the label sets are
 * bounded by construction (method x route template x status; scorer names
 * come from the loaded plugins), so no input can grow them without bound.
 * A request that would need a series beyond the table is counted in the
 * overflow series (path="overflow") instead of being lost.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "metrics.h"
#include "http.h"
#include "oacommon.h"

static const double http_buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	                               0.1,    0.25,  0.5,    1,     2.5,  5,     10 };
#define NHB (sizeof http_buckets / sizeof http_buckets[0])
static const double slow_buckets[] = { 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
	                               0.5,   1,     2.5,  5,     10,   30,  60 };
#define NSB (sizeof slow_buckets / sizeof slow_buckets[0])

/* enqueue to done: from a job picked at once to a backlog or a backoff
 * (the same buckets as offerapi-worker's) */
static const double job_buckets[] = { 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,   2.5,
	                              5,    10,    30,   60,  120,  300, 600, 1800 };
#define NJB (sizeof job_buckets / sizeof job_buckets[0])
#define NRESULTS 6
#define NREASONS 6
static const char *const job_results[NRESULTS] = { "completed", "retrying", "gave_up",
	                                           "released",  "lost",     "unrecorded" };
static const char *const job_reasons[NREASONS] = { "plugin",  "database", "not_found",
	                                           "invalid", "other",    "unknown" };

typedef struct hist {
	uint64_t counts[NJB]; /* non-cumulative per bucket (NJB is the most) */
	uint64_t count;
	double sum;
} hist;

typedef struct http_series {
	char method[8];
	const char *route; /* static route template */
	int status;
	hist h;
} http_series;

#define MAX_HTTP_SERIES 512
#define MAX_SCORERS 32

static struct {
	pthread_mutex_t lock;
	http_series http[MAX_HTTP_SERIES];
	size_t nhttp;
	int64_t inflight;
	uint64_t applications;
	hist submit;
	uint64_t submit_fail[9]; /* by reason, see submit_reason() */
	struct {
		char name[OFFERAPI_SCORER_NAME_MAX + 1];
		hist h;
		uint64_t errors;
		uint64_t results[NRESULTS]; /* jobs this process's workers processed */
		uint64_t failures[NREASONS];
		hist latency; /* enqueue to done */
	} scorer[MAX_SCORERS];
	size_t nscorers;
	uint64_t scoring_failed;
	uint64_t db_errors[4]; /* unavailable, busy, read_only, other */
	uint64_t logins[3]; /* ok, failed, limited */
	uint64_t mail[6]; /* by offerapi_mail_result */
	hist mail_latency; /* written to sent */
} M = { .lock = PTHREAD_MUTEX_INITIALIZER };

void metrics_init(void)
{
}

static void hist_add(hist *h, const double *bounds, size_t n, double v)
{
	size_t i = 0;
	while (i < n && v > bounds[i])
		i++;
	if (i < n)
		h->counts[i]++;
	h->count++;
	h->sum += v;
}

void metrics_inflight(int delta)
{
	pthread_mutex_lock(&M.lock);
	M.inflight += delta;
	pthread_mutex_unlock(&M.lock);
}

/* Record one request. @route is a static string (a route template, or
 * "unmatched"), so the series can keep the pointer. */
void metrics_request(const char *method, const char *route, int status, double seconds)
{
	pthread_mutex_lock(&M.lock);
	http_series *s = NULL;
	for (size_t i = 0; i < M.nhttp; i++) {
		http_series *c = &M.http[i];
		if (c->status == status && c->route == route && !strcmp(c->method, method)) {
			s = c;
			break;
		}
	}
	if (!s) {
		if (M.nhttp < MAX_HTTP_SERIES - 1) {
			s = &M.http[M.nhttp++];
			snprintf(s->method, sizeof s->method, "%s", method);
			s->route = route;
			s->status = status;
		} else {
			s = &M.http[MAX_HTTP_SERIES - 1];
			if (!s->route) {
				snprintf(s->method, sizeof s->method, "OTHER");
				s->route = "overflow";
				s->status = 0;
			}
		}
	}
	hist_add(&s->h, http_buckets, NHB, seconds);
	pthread_mutex_unlock(&M.lock);
}

void metrics_application_received(void)
{
	pthread_mutex_lock(&M.lock);
	M.applications++;
	pthread_mutex_unlock(&M.lock);
}

static const char *const submit_reasons[9] = { "ok",      "too_big",     "not_pdf",
	                                       "bad_pdf", "too_complex", "no_text",
	                                       "refused", "database",    "other" };

static int submit_reason(int rc)
{
	switch (rc) {
	case 0: return 0;
	case OFFERAPI_ETOOBIG: return 1;
	case OFFERAPI_ENOTPDF: return 2;
	case OFFERAPI_EPDFDAMAGED:
	case OFFERAPI_EPDFENCRYPTED:
	case OFFERAPI_ETOOMANYPAGES: return 3;
	case OFFERAPI_EPDFTOOCOMPLEX: return 4;
	case OFFERAPI_ENOTEXT: return 5;
	case OFFERAPI_EPERM:
	case OFFERAPI_EEXISTS:
	case OFFERAPI_ECLOSED:
	case OFFERAPI_ENOTFOUND:
	case OFFERAPI_EINVAL: return 6;
	case OFFERAPI_EUNAVAILABLE:
	case OFFERAPI_EBUSY:
	case OFFERAPI_EREADONLY: return 7;
	default: return 8;
	}
}

void metrics_submit(double seconds, int rc)
{
	pthread_mutex_lock(&M.lock);
	hist_add(&M.submit, slow_buckets, NSB, seconds);
	M.submit_fail[submit_reason(rc)]++;
	pthread_mutex_unlock(&M.lock);
}

/* The scorer's series, created on first use (M.lock held); M.nscorers when the
 * table is full. */
static size_t scorer_index(const char *scorer)
{
	size_t i;
	for (i = 0; i < M.nscorers; i++)
		if (!strcmp(M.scorer[i].name, scorer))
			return i;
	if (M.nscorers < MAX_SCORERS)
		snprintf(M.scorer[M.nscorers++].name, sizeof M.scorer[0].name, "%s", scorer);
	return i;
}

/* offerapi_scoring_fn: called by offerapi_application_score() once per
 * scorer run, on the request's thread. */
void metrics_scoring(const char *scorer, int rc, double seconds, const char *message, void *payload)
{
	const char *request_id = payload;
	if (rc != 0) {
		char qm[600]; /* a scorer's name is a token (the loader checks it) */
		fprintf(stderr,
		        "level=warn request_id=%s msg=\"scorer failed\" scorer=%s detail=%s\n",
		        request_id ? request_id : "-", scorer, oa_logfmt_q(qm, sizeof qm, message));
	}
	pthread_mutex_lock(&M.lock);
	size_t i = scorer_index(scorer);
	if (i < M.nscorers) {
		hist_add(&M.scorer[i].h, slow_buckets, NSB, seconds);
		if (rc != 0)
			M.scorer[i].errors++;
	}
	pthread_mutex_unlock(&M.lock);
}

static size_t reason_index(const char *reason)
{
	for (size_t i = 0; reason && i < NREASONS - 1; i++)
		if (!strcmp(reason, job_reasons[i]))
			return i;
	return NREASONS - 1;
}

void metrics_job_report(const offerapi_job_report *rep)
{
	bool failed = rep->result == OFFERAPI_JOB_RETRYING || rep->result == OFFERAPI_JOB_GAVE_UP;
	pthread_mutex_lock(&M.lock);
	size_t i = scorer_index(rep->scorer);
	if (i < M.nscorers) {
		if ((unsigned)rep->result < NRESULTS)
			M.scorer[i].results[rep->result]++;
		if (failed) {
			M.scorer[i].failures[reason_index(rep->reason)]++;
			M.scorer[i].errors++;
		}
		if (rep->result == OFFERAPI_JOB_COMPLETED)
			hist_add(&M.scorer[i].latency, job_buckets, NJB, rep->latency_s);
		if (rep->score_s > 0)
			hist_add(&M.scorer[i].h, slow_buckets, NSB, rep->score_s);
	}
	if (rep->result == OFFERAPI_JOB_GAVE_UP)
		M.scoring_failed++;
	pthread_mutex_unlock(&M.lock);
}

static const char *const mail_results[6] = { "sent",    "logged",   "retrying",
	                                     "gave_up", "released", "unrecorded" };

void metrics_mail_report(const offerapi_mail_report *rep, void *payload)
{
	(void)payload;
	pthread_mutex_lock(&M.lock);
	if ((unsigned)rep->result < 6)
		M.mail[rep->result]++;
	if (rep->result == OFFERAPI_MAIL_RESULT_SENT)
		hist_add(&M.mail_latency, job_buckets, NJB, rep->latency_s);
	pthread_mutex_unlock(&M.lock);
}

void metrics_db_error(int rc)
{
	int k = rc == OFFERAPI_EUNAVAILABLE ? 0
	        : rc == OFFERAPI_EBUSY      ? 1
	        : rc == OFFERAPI_EREADONLY  ? 2
	                                    : 3;
	pthread_mutex_lock(&M.lock);
	M.db_errors[k]++;
	pthread_mutex_unlock(&M.lock);
}

void metrics_login(bool ok, bool limited)
{
	pthread_mutex_lock(&M.lock);
	M.logins[limited ? 2 : ok ? 0 : 1]++;
	pthread_mutex_unlock(&M.lock);
}

/* Write a histogram's buckets (cumulative, with +Inf), sum and count. */
static void hist_render(buf *b, const char *name, const char *labels, const hist *h,
                        const double *bounds, size_t n)
{
	uint64_t cum = 0;
	const char *sep = labels[0] ? "," : "";
	for (size_t i = 0; i < n; i++) {
		cum += h->counts[i];
		buf_printf(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, bounds[i],
		           (unsigned long long)cum);
	}
	buf_printf(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
	           (unsigned long long)h->count);
	const char *open = labels[0] ? "{" : "", *close = labels[0] ? "}" : "";
	buf_printf(b, "%s_sum%s%s%s %.9g\n", name, open, labels, close, h->sum);
	buf_printf(b, "%s_count%s%s%s %llu\n", name, open, labels, close,
	           (unsigned long long)h->count);
}

/* Label values here are method names, route templates and scorer names:
 * none can hold a quote, backslash or newline, but escape anyway. */
static void label_esc(char *dst, size_t dstsz, const char *s)
{
	size_t j = 0;
	for (; *s && j + 3 < dstsz; s++) {
		if (*s == '"' || *s == '\\') {
			dst[j++] = '\\';
			dst[j++] = *s;
		} else if (*s == '\n') {
			dst[j++] = '\\';
			dst[j++] = 'n';
		} else {
			dst[j++] = *s;
		}
	}
	dst[j] = '\0';
}

/* Process metrics from /proc, named as the official client libraries do. */
static void process_render(buf *b)
{
	long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	FILE *f = fopen("/proc/self/stat", "r");
	if (f) {
		char line[1024];
		if (fgets(line, sizeof line, f)) {
			/* Fields after the command (which may hold spaces) start after ')'. */
			char *p = strrchr(line, ')');
			unsigned long utime = 0, stime = 0, vsize = 0;
			unsigned long long starttime = 0;
			long rss = 0;
			if (p &&
			    sscanf(p + 2,
			           "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d "
			           "%*d %*d %llu %lu %ld",
			           &utime, &stime, &starttime, &vsize, &rss) == 5) {
				buf_printf(
					b,
					"# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
					"# TYPE process_cpu_seconds_total counter\n"
					"process_cpu_seconds_total %.2f\n",
					(double)(utime + stime) / (double)tick);
				buf_printf(
					b,
					"# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
					"# TYPE process_virtual_memory_bytes gauge\n"
					"process_virtual_memory_bytes %lu\n",
					vsize);
				buf_printf(
					b,
					"# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
					"# TYPE process_resident_memory_bytes gauge\n"
					"process_resident_memory_bytes %ld\n",
					rss * page);
			}
		}
		fclose(f);
	}
	buf_printf(
		b,
		"# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
		"# TYPE process_start_time_seconds gauge\n"
		"process_start_time_seconds %.3f\n",
		g_app.start_time);
	int nfds = 0;
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				nfds++;
		closedir(d);
		nfds--; /* the directory stream itself */
		buf_printf(b,
		           "# HELP process_open_fds Number of open file descriptors.\n"
		           "# TYPE process_open_fds gauge\nprocess_open_fds %d\n",
		           nfds);
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		buf_printf(b,
		           "# HELP process_max_fds Maximum number of open file descriptors.\n"
		           "# TYPE process_max_fds gauge\nprocess_max_fds %llu\n",
		           (unsigned long long)rl.rlim_cur);
}

/* The # HELP and # TYPE lines of a metric family. */
static void family(buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_info(buf *b, const offerapi_scorers *set, size_t nloaded)
{
	char l1[256], l2[256];
	family(b, "offerapi_build_info", "gauge",
	       "Version of offerapi-server and libofferapi; always 1.");
	buf_printf(
		b,
		"offerapi_build_info{version=\"%s\",library=\"%s\",civetweb=\"%s\",backend=\"%s\"} 1\n",
		OFFERAPI_VERSION, offerapi_version(), mg_version(),
		offerapi_store_backend(g_app.store));
	family(b, "offerapi_scorer_info", "gauge", "Loaded scorer plugins; always 1.");
	for (size_t i = 0; i < nloaded; i++) {
		const offerapi_scorer_info *in = offerapi_scorers_info(set, i);
		label_esc(l1, sizeof l1, in->name);
		label_esc(l2, sizeof l2, in->version);
		buf_printf(b, "offerapi_scorer_info{scorer=\"%s\",version=\"%s\"} 1\n", l1, l2);
	}
}

/* Requests: in flight, counts, error classes, durations (M.lock held). */
static void render_http(buf *b)
{
	char l1[256];
	family(b, "offerapi_http_requests_in_flight", "gauge", "Requests being served now.");
	buf_printf(b, "offerapi_http_requests_in_flight %lld\n", (long long)M.inflight);
	family(b, "offerapi_http_requests_total", "counter",
	       "HTTP requests answered, by method, route template and status.");
	uint64_t e5 = 0, e4 = 0;
	for (size_t i = 0; i < MAX_HTTP_SERIES; i++) {
		http_series *s = &M.http[i];
		if (!s->route)
			continue;
		label_esc(l1, sizeof l1, s->route);
		buf_printf(
			b,
			"offerapi_http_requests_total{method=\"%s\",path=\"%s\",status=\"%d\"} %llu\n",
			s->method, l1, s->status, (unsigned long long)s->h.count);
		if (s->status >= 500)
			e5 += s->h.count;
		else if (s->status >= 400)
			e4 += s->h.count;
	}
	family(b, "offerapi_http_request_errors_total", "counter",
	       "HTTP requests answered with a 5xx status.");
	buf_printf(b,
	           "offerapi_http_request_errors_total{class=\"5xx\"} %llu\n"
	           "offerapi_http_request_errors_total{class=\"4xx\"} %llu\n",
	           (unsigned long long)e5, (unsigned long long)e4);
	family(b, "offerapi_http_request_duration_seconds", "histogram",
	       "Time to answer an HTTP request.");
	for (size_t i = 0; i < MAX_HTTP_SERIES; i++) {
		http_series *s = &M.http[i];
		if (!s->route)
			continue;
		char labels[400];
		label_esc(l1, sizeof l1, s->route);
		snprintf(labels, sizeof labels, "method=\"%s\",path=\"%s\",status=\"%d\"",
		         s->method, l1, s->status);
		hist_render(b, "offerapi_http_request_duration_seconds", labels, &s->h,
		            http_buckets, NHB);
	}
}

/* Applications, extraction and scoring (M.lock held). */
static void render_applications(buf *b, const offerapi_scorers *set, size_t nloaded)
{
	char l1[256], labels[320];
	family(b, "offerapi_applications_received_total", "counter",
	       "Applications accepted and stored.");
	buf_printf(b, "offerapi_applications_received_total %llu\n",
	           (unsigned long long)M.applications);
	family(b, "offerapi_application_submissions_total", "counter",
	       "Application submissions, by outcome.");
	for (int i = 0; i < 9; i++)
		buf_printf(b, "offerapi_application_submissions_total{outcome=\"%s\"} %llu\n",
		           submit_reasons[i], (unsigned long long)M.submit_fail[i]);
	family(b, "offerapi_cv_extraction_duration_seconds", "histogram",
	       "Time to check a CV, extract its text with MuPDF and store the application.");
	hist_render(b, "offerapi_cv_extraction_duration_seconds", "", &M.submit, slow_buckets, NSB);
	family(b, "offerapi_scoring_duration_seconds", "histogram",
	       "Time one scorer took on one application.");
	for (size_t i = 0; i < M.nscorers; i++) {
		label_esc(l1, sizeof l1, M.scorer[i].name);
		snprintf(labels, sizeof labels, "scorer=\"%s\"", l1);
		hist_render(b, "offerapi_scoring_duration_seconds", labels, &M.scorer[i].h,
		            slow_buckets, NSB);
	}
	family(b, "offerapi_scorer_errors_total", "counter",
	       "Scorer runs that failed (nothing stored), by scorer.");
	for (size_t i = 0; i < nloaded; i++) {
		const offerapi_scorer_info *in = offerapi_scorers_info(set, i);
		uint64_t n = 0;
		for (size_t k = 0; k < M.nscorers; k++)
			if (!strcmp(M.scorer[k].name, in->name))
				n = M.scorer[k].errors;
		label_esc(l1, sizeof l1, in->name);
		buf_printf(b, "offerapi_scorer_errors_total{scorer=\"%s\"} %llu\n", l1,
		           (unsigned long long)n);
	}
	family(b, "offerapi_scorer_violations_total", "counter",
	       "Contract violations by a scorer plugin (NaN, out of range, overrun).");
	for (size_t i = 0; i < nloaded; i++) {
		label_esc(l1, sizeof l1, offerapi_scorers_info(set, i)->name);
		buf_printf(b, "offerapi_scorer_violations_total{scorer=\"%s\"} %llu\n", l1,
		           (unsigned long long)offerapi_scorers_violations(set, i));
	}
	family(b, "offerapi_scoring_failures_total", "counter",
	       "Scoring jobs this process's workers failed for good (all attempts used).");
	buf_printf(b, "offerapi_scoring_failures_total %llu\n",
	           (unsigned long long)M.scoring_failed);
}

/* Database errors and logins (M.lock held). */
static void render_counters(buf *b)
{
	static const char *const kinds[] = { "unavailable", "busy", "read_only", "other" };
	static const char *const logins[] = { "ok", "failed", "rate_limited" };
	family(b, "offerapi_database_errors_total", "counter",
	       "Requests that failed on the database, by kind.");
	for (size_t i = 0; i < 4; i++)
		buf_printf(b, "offerapi_database_errors_total{kind=\"%s\"} %llu\n", kinds[i],
		           (unsigned long long)M.db_errors[i]);
	family(b, "offerapi_logins_total", "counter", "Login attempts, by outcome.");
	for (size_t i = 0; i < 3; i++)
		buf_printf(b, "offerapi_logins_total{outcome=\"%s\"} %llu\n", logins[i],
		           (unsigned long long)M.logins[i]);
}

/* The samples of counter @name by scorer and @label: for each loaded
 * scorer, its failures by reason (@failures) or its jobs by result, one
 * sample per name of @values (0 where this process counted none). M.lock
 * held. */
static void scorer_counts(buf *b, const offerapi_scorers *set, size_t nloaded, const char *name,
                          const char *label, const char *const *values, bool failures)
{
	char l1[256];
	for (size_t i = 0; i < nloaded; i++) {
		size_t k = scorer_index(offerapi_scorers_info(set, i)->name);
		label_esc(l1, sizeof l1, offerapi_scorers_info(set, i)->name);
		const uint64_t *n = NULL;
		if (k < M.nscorers)
			n = failures ? M.scorer[k].failures : M.scorer[k].results;
		for (size_t j = 0; j < (failures ? NREASONS : NRESULTS); j++)
			buf_printf(b, "%s{scorer=\"%s\",%s=\"%s\"} %llu\n", name, l1, label,
			           values[j], (unsigned long long)(n ? n[j] : 0));
	}
}

/* Counters and latency of the jobs this process's workers processed, with
 * the names offerapi-worker uses (M.lock held). */
static void render_jobs(buf *b, const offerapi_scorers *set, size_t nloaded)
{
	char l1[256], labels[320];
	family(b, "offerapi_worker_jobs_total", "counter",
	       "Jobs this process processed, by scorer and result.");
	scorer_counts(b, set, nloaded, "offerapi_worker_jobs_total", "result", job_results, false);
	family(b, "offerapi_worker_job_failures_total", "counter",
	       "Failed attempts, by scorer and reason.");
	scorer_counts(b, set, nloaded, "offerapi_worker_job_failures_total", "reason", job_reasons,
	              true);
	family(b, "offerapi_job_latency_seconds", "histogram",
	       "From enqueue to done, for the jobs this process completed.");
	for (size_t i = 0; i < nloaded; i++) {
		size_t k = scorer_index(offerapi_scorers_info(set, i)->name);
		if (k >= M.nscorers)
			continue;
		label_esc(l1, sizeof l1, M.scorer[k].name);
		snprintf(labels, sizeof labels, "scorer=\"%s\"", l1);
		hist_render(b, "offerapi_job_latency_seconds", labels, &M.scorer[k].latency,
		            job_buckets, NJB);
	}
	family(b, "offerapi_worker_threads", "gauge", "Scoring worker threads of this process.");
	buf_printf(b, "offerapi_worker_threads %u\n", g_app.cfg.workers);
	family(b, "offerapi_worker_threads_busy", "gauge",
	       "Scoring worker threads processing a job now.");
	buf_printf(b, "offerapi_worker_threads_busy %u\n", jobs_busy());
}

/* The queue as the database holds it (every server and worker together):
 * every (loaded scorer, state) pair, 0 when absent. @st NULL: not read. */
static void render_queue(buf *b, const offerapi_scorers *set, size_t nloaded,
                         const offerapi_job_stats *st)
{
	char l1[256];
	family(b, "offerapi_jobs_stats_up", "gauge",
	       "Whether the queue could be read for this scrape.");
	buf_printf(b, "offerapi_jobs_stats_up %d\n", st != NULL);
	if (!st)
		return;
	family(b, "offerapi_jobs", "gauge", "Jobs in the queue, by scorer and state.");
	for (size_t i = 0; i < nloaded; i++) {
		const char *name = offerapi_scorers_info(set, i)->name;
		label_esc(l1, sizeof l1, name);
		for (int state = 0; state < 4; state++) {
			long long n = 0;
			for (size_t k = 0; k < st->count; k++)
				if ((int)st->items[k].state == state &&
				    !strcmp(st->items[k].scorer, name))
					n = (long long)st->items[k].count;
			buf_printf(b, "offerapi_jobs{scorer=\"%s\",state=\"%s\"} %lld\n", l1,
			           offerapi_job_state_name((offerapi_job_state)state), n);
		}
	}
	family(b, "offerapi_jobs_oldest_pending_seconds", "gauge",
	       "Age of the oldest pending job (0 when none).");
	buf_printf(b, "offerapi_jobs_oldest_pending_seconds %.3f\n", st->oldest_pending_s);
}

/* This process's mail sender, and the outbox as the database holds it
 * (@st NULL: not read). Called under M.lock for the counters. */
static void render_mail(buf *b, const offerapi_mail_stats *st)
{
	family(b, "offerapi_mail_messages_total", "counter",
	       "Messages this process's mail sender handled, by result.");
	for (int i = 0; i < 6; i++)
		buf_printf(b, "offerapi_mail_messages_total{result=\"%s\"} %llu\n", mail_results[i],
		           (unsigned long long)M.mail[i]);
	family(b, "offerapi_mail_latency_seconds", "histogram",
	       "From writing a message to the relay accepting it, for this process's sender.");
	hist_render(b, "offerapi_mail_latency_seconds", "", &M.mail_latency, job_buckets, NJB);
	if (!st)
		return;
	family(b, "offerapi_mail_outbox", "gauge", "Messages in the outbox, by state.");
	for (int s = 0; s < OFFERAPI_MAIL_NSTATES; s++)
		buf_printf(b, "offerapi_mail_outbox{state=\"%s\"} %lld\n",
		           offerapi_mail_state_name((offerapi_mail_state)s),
		           (long long)st->count[s]);
	family(b, "offerapi_mail_oldest_pending_seconds", "gauge",
	       "Age of the oldest message waiting to be sent (0 when none).");
	buf_printf(b, "offerapi_mail_oldest_pending_seconds %.3f\n", st->oldest_pending_s);
}

void metrics_render(buf *b)
{
	const offerapi_scorers *set = g_app.scorers;
	size_t nloaded = set ? offerapi_scorers_count(set) : 0;
	offerapi_job_stats *st = NULL;
	if (g_app.store && nloaded && offerapi_job_stats_get(g_app.store, &st) < 0)
		st = NULL;
	offerapi_mail_stats ms;
	bool mail_up = g_app.store && offerapi_mail_stats_get(g_app.store, &ms) == 0;
	process_render(b);
	render_info(b, set, nloaded);
	pthread_mutex_lock(&M.lock);
	render_http(b);
	render_applications(b, set, nloaded);
	render_jobs(b, set, nloaded);
	render_counters(b);
	render_mail(b, mail_up ? &ms : NULL);
	pthread_mutex_unlock(&M.lock);
	if (nloaded)
		render_queue(b, set, nloaded, st);
	offerapi_job_stats_free(st);
}
