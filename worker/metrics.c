/*
 * metrics.c - see metrics.h. Series are fixed at start (scorers x results,
 * reasons, buckets), so nothing a job does can add series.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"

#define MAX_SCORERS 32
#define NRESULTS 6
#define NREASONS 6

static const char *const result_names[NRESULTS] = { "completed", "retrying", "gave_up",
	                                            "released",  "lost",     "unrecorded" };
static const char *const reason_names[NREASONS] = { "plugin",  "database", "not_found",
	                                            "invalid", "other",    "unknown" };
/* enqueue to done: from milliseconds (a job picked at once) to minutes
 * (a backlog, a backoff) */
static const double latency_buckets[] = { 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,   2.5,
	                                  5,    10,    30,   60,  120,  300, 600, 1800 };
#define NLB (sizeof latency_buckets / sizeof *latency_buckets)
static const double scoring_buckets[] = { 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
	                                  0.5,   1,     2.5,  5,     10,   30,  60 };
#define NSB (sizeof scoring_buckets / sizeof *scoring_buckets)
static const double attempt_buckets[] = { 1, 2, 3, 4, 5, 10 };
#define NAB (sizeof attempt_buckets / sizeof *attempt_buckets)

typedef struct hist {
	uint64_t counts[NLB]; /* per bucket, not cumulative; NLB is the largest */
	uint64_t count;
	double sum;
} hist;

static struct {
	pthread_mutex_t lock;
	size_t nscorers;
	struct {
		char name[OFFERAPI_SCORER_NAME_MAX + 1];
		uint64_t results[NRESULTS];
		uint64_t failures[NREASONS];
		hist latency, scoring, attempts;
	} s[MAX_SCORERS];
	unsigned int workers;
	uint64_t stats_errors;
	double start_time;
} m = { .lock = PTHREAD_MUTEX_INITIALIZER };

void wm_init(const offerapi_scorers *set, unsigned int workers)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&m.lock);
	m.start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	m.workers = workers;
	size_t n = offerapi_scorers_count(set);
	for (size_t i = 0; i < n && m.nscorers < MAX_SCORERS; i++)
		snprintf(m.s[m.nscorers++].name, sizeof m.s[0].name, "%s",
		         offerapi_scorers_info(set, i)->name);
	pthread_mutex_unlock(&m.lock);
}

static void observe(hist *h, const double *bounds, size_t nb, double v)
{
	size_t i = 0;
	while (i < nb && v > bounds[i])
		i++;
	if (i < nb)
		h->counts[i]++;
	h->count++;
	h->sum += v;
}

static size_t reason_index(const char *reason)
{
	for (size_t i = 0; reason && i < NREASONS - 1; i++)
		if (!strcmp(reason, reason_names[i]))
			return i;
	return NREASONS - 1;
}

void wm_report(const offerapi_job_report *rep, void *payload)
{
	(void)payload;
	pthread_mutex_lock(&m.lock);
	for (size_t i = 0; i < m.nscorers; i++) {
		if (strcmp(m.s[i].name, rep->scorer))
			continue;
		if ((unsigned)rep->result < NRESULTS)
			m.s[i].results[rep->result]++;
		if (rep->result == OFFERAPI_JOB_RETRYING || rep->result == OFFERAPI_JOB_GAVE_UP)
			m.s[i].failures[reason_index(rep->reason)]++;
		if (rep->result == OFFERAPI_JOB_COMPLETED) {
			observe(&m.s[i].latency, latency_buckets, NLB, rep->latency_s);
			observe(&m.s[i].attempts, attempt_buckets, NAB, (double)rep->attempt);
		}
		if (rep->score_s > 0)
			observe(&m.s[i].scoring, scoring_buckets, NSB, rep->score_s);
		break;
	}
	pthread_mutex_unlock(&m.lock);
}

void wm_stats_error(void)
{
	pthread_mutex_lock(&m.lock);
	m.stats_errors++;
	pthread_mutex_unlock(&m.lock);
}

static void render_hist(oa_buf *b, const char *name, const char *scorer, const hist *h,
                        const double *bounds, size_t nb)
{
	uint64_t cum = 0;
	for (size_t i = 0; i < nb; i++) {
		cum += h->counts[i];
		oa_buf_printf(b, "%s_bucket{scorer=\"%s\",le=\"%g\"} %llu\n", name, scorer,
		              bounds[i], (unsigned long long)cum);
	}
	oa_buf_printf(b, "%s_bucket{scorer=\"%s\",le=\"+Inf\"} %llu\n", name, scorer,
	              (unsigned long long)h->count);
	oa_buf_printf(b, "%s_sum{scorer=\"%s\"} %.6f\n%s_count{scorer=\"%s\"} %llu\n", name, scorer,
	              h->sum, name, scorer, (unsigned long long)h->count);
}

/* Counters and histograms of the jobs this process worked on (m.lock held). */
static void render_jobs(oa_buf *b)
{
	oa_buf_printf(b, "# HELP offerapi_worker_jobs_total Jobs this process processed, by "
	                 "scorer and result.\n# TYPE offerapi_worker_jobs_total counter\n");
	for (size_t i = 0; i < m.nscorers; i++)
		for (size_t k = 0; k < NRESULTS; k++)
			oa_buf_printf(
				b, "offerapi_worker_jobs_total{scorer=\"%s\",result=\"%s\"} %llu\n",
				m.s[i].name, result_names[k],
				(unsigned long long)m.s[i].results[k]);
	oa_buf_printf(b, "# HELP offerapi_worker_job_failures_total Failed attempts, by scorer and "
	                 "reason.\n# TYPE offerapi_worker_job_failures_total counter\n");
	for (size_t i = 0; i < m.nscorers; i++)
		for (size_t k = 0; k < NREASONS; k++)
			oa_buf_printf(
				b,
				"offerapi_worker_job_failures_total{scorer=\"%s\",reason=\"%s\"} "
				"%llu\n",
				m.s[i].name, reason_names[k],
				(unsigned long long)m.s[i].failures[k]);
	oa_buf_printf(b,
	              "# HELP offerapi_job_latency_seconds From enqueue to done, for the jobs "
	              "this process completed.\n# TYPE offerapi_job_latency_seconds histogram\n");
	for (size_t i = 0; i < m.nscorers; i++)
		render_hist(b, "offerapi_job_latency_seconds", m.s[i].name, &m.s[i].latency,
		            latency_buckets, NLB);
	oa_buf_printf(b, "# HELP offerapi_job_scoring_seconds Time in the scorer per attempt.\n"
	                 "# TYPE offerapi_job_scoring_seconds histogram\n");
	for (size_t i = 0; i < m.nscorers; i++)
		render_hist(b, "offerapi_job_scoring_seconds", m.s[i].name, &m.s[i].scoring,
		            scoring_buckets, NSB);
	oa_buf_printf(b, "# HELP offerapi_job_attempts Attempts a completed job took.\n"
	                 "# TYPE offerapi_job_attempts histogram\n");
	for (size_t i = 0; i < m.nscorers; i++)
		render_hist(b, "offerapi_job_attempts", m.s[i].name, &m.s[i].attempts,
		            attempt_buckets, NAB);
}

/* The queue as the database holds it (all workers together). */
static void render_queue(oa_buf *b, offerapi_store *store)
{
	offerapi_job_stats *st = NULL;
	bool up = offerapi_job_stats_get(store, &st) == 0;
	if (!up)
		wm_stats_error();
	oa_buf_printf(b,
	              "# HELP offerapi_jobs_stats_up Whether the queue could be read for this "
	              "scrape.\n# TYPE offerapi_jobs_stats_up gauge\nofferapi_jobs_stats_up %d\n",
	              up);
	if (up) {
		oa_buf_printf(b, "# HELP offerapi_jobs Jobs in the queue, by scorer and state.\n"
		                 "# TYPE offerapi_jobs gauge\n");
		pthread_mutex_lock(&m.lock);
		/* every (loaded scorer, state) pair, 0 when absent, so that a
		 * queue that empties reads 0 rather than vanishing */
		for (size_t i = 0; i < m.nscorers; i++)
			for (int state = 0; state < 4; state++) {
				long long n = 0;
				for (size_t k = 0; k < st->count; k++)
					if ((int)st->items[k].state == state &&
					    !strcmp(st->items[k].scorer, m.s[i].name))
						n = (long long)st->items[k].count;
				oa_buf_printf(b, "offerapi_jobs{scorer=\"%s\",state=\"%s\"} %lld\n",
				              m.s[i].name,
				              offerapi_job_state_name((offerapi_job_state)state),
				              n);
			}
		pthread_mutex_unlock(&m.lock);
		oa_buf_printf(
			b,
			"# HELP offerapi_jobs_oldest_pending_seconds Age of the oldest pending "
			"job (0 when none).\n# TYPE offerapi_jobs_oldest_pending_seconds gauge\n"
			"offerapi_jobs_oldest_pending_seconds %.3f\n",
			st->oldest_pending_s);
	}
	offerapi_job_stats_free(st);
}

/* Standard process metrics, from /proc and getrusage. */
static void render_process(oa_buf *b)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	long pages = 0, rss_pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss_pages) != 2)
			rss_pages = 0;
		fclose(f);
	}
	int fds = 0;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));)
		fds += e->d_name[0] != '.';
	if (d)
		closedir(d);
	struct rlimit rl = { 0, 0 };
	getrlimit(RLIMIT_NOFILE, &rl);
	oa_buf_printf(b,
	              "# HELP process_cpu_seconds_total User and system CPU time.\n"
	              "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.3f\n"
	              "# HELP process_resident_memory_bytes Resident memory.\n"
	              "# TYPE process_resident_memory_bytes gauge\n"
	              "process_resident_memory_bytes %lld\n"
	              "# HELP process_start_time_seconds Start time since the epoch.\n"
	              "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.3f\n"
	              "# HELP process_open_fds Open file descriptors.\n"
	              "# TYPE process_open_fds gauge\nprocess_open_fds %d\n"
	              "# HELP process_max_fds Limit of open file descriptors.\n"
	              "# TYPE process_max_fds gauge\nprocess_max_fds %lld\n",
	              cpu, (long long)rss_pages * (long long)sysconf(_SC_PAGESIZE), m.start_time,
	              fds - (d ? 1 : 0), (long long)rl.rlim_cur);
}

void wm_render(oa_buf *b, offerapi_store *store, const offerapi_job_runner *runner)
{
	pthread_mutex_lock(&m.lock);
	oa_buf_printf(b,
	              "# HELP offerapi_build_info What runs.\n# TYPE offerapi_build_info gauge\n"
	              "offerapi_build_info{version=\"%s\",component=\"worker\"} 1\n"
	              "# HELP offerapi_worker_threads Worker threads of this process.\n"
	              "# TYPE offerapi_worker_threads gauge\nofferapi_worker_threads %u\n"
	              "# HELP offerapi_worker_threads_busy Worker threads processing a job now.\n"
	              "# TYPE offerapi_worker_threads_busy gauge\nofferapi_worker_threads_busy %u\n"
	              "# HELP offerapi_jobs_stats_errors_total Failed reads of the queue.\n"
	              "# TYPE offerapi_jobs_stats_errors_total counter\n"
	              "offerapi_jobs_stats_errors_total %llu\n",
	              offerapi_version(), m.workers, offerapi_job_runner_busy(runner),
	              (unsigned long long)m.stats_errors);
	render_jobs(b);
	pthread_mutex_unlock(&m.lock);
	render_queue(b, store);
	render_process(b);
}
