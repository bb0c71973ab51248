/*
 * jobs.c - the server's pool of scoring workers (issue 12).
 *
 * Applying stores the application and its scoring jobs (one per loaded
 * scorer) in one transaction; the scoring itself runs here, on
 * --workers threads of libofferapi's job runner, or in offerapi-worker
 * processes (--workers 0). At start the jobs missing for the loaded scorers
 * (a new scorer, a new version, applications stored before the queue) are
 * enqueued: the library's rescoring replaces the old start-up pass.
 *
 * The optional short wait (--apply-wait-ms): a request that just applied
 * may wait that long for this process's workers to finish its jobs, so
 * fast scorers show a score on the next page at once. It never waits when
 * no worker runs here, and never longer than the bound: a slow scorer only
 * makes the candidate see "received".
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "metrics.h"
#include "oacommon.h"

#define RECENT 1024 /* applications whose jobs finished lately, for waiters */

static offerapi_job_runner *runner;
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	offerapi_id recent[RECENT];
	size_t next;
} done_ring = { .lock = PTHREAD_MUTEX_INITIALIZER }; /* cond: ring_init() */
static pthread_once_t ring_once = PTHREAD_ONCE_INIT;

/* done_ring.cond waits on the monotonic clock: a step of the wall clock
 * neither stretches nor cuts a request's wait for its scores. */
static void ring_init(void)
{
	oa_cond_init_monotonic(&done_ring.cond);
}

static const char *const result_names[] = { "completed", "retrying", "gave_up",
	                                    "released",  "lost",     "unrecorded" };

/* The runner's callback, on a worker thread: metrics, a log line for what
 * did not complete, and a wake-up for requests waiting on this application. */
static void on_report(const offerapi_job_report *rep, void *payload)
{
	(void)payload;
	metrics_job_report(rep);
	char qm[600]; /* scorer names and reasons are tokens: no quoting */
	if (rep->result != OFFERAPI_JOB_COMPLETED)
		fprintf(stderr,
		        "level=warn msg=job job_id=%lld application_id=%lld scorer=%s result=%s "
		        "attempt=%u reason=%s detail=%s\n",
		        (long long)rep->job_id, (long long)rep->application_id, rep->scorer,
		        (unsigned)rep->result < 6 ? result_names[rep->result] : "unknown",
		        rep->attempt, rep->reason ? rep->reason : "none",
		        oa_logfmt_q(qm, sizeof qm, rep->message));
	if (rep->result != OFFERAPI_JOB_COMPLETED && rep->result != OFFERAPI_JOB_GAVE_UP)
		return;
	pthread_mutex_lock(&done_ring.lock);
	done_ring.recent[done_ring.next++ % RECENT] = rep->application_id;
	pthread_cond_broadcast(&done_ring.cond);
	pthread_mutex_unlock(&done_ring.lock);
}

int jobs_start(app *a)
{
	if (!offerapi_scorers_count(a->scorers))
		return 0;
	size_t n = 0;
	char q[600];
	/* several replicas may do this at once: the library makes it safe */
	if (offerapi_job_enqueue_missing(a->store, a->scorers, &n) < 0)
		fprintf(stderr, "level=warn msg=\"cannot enqueue missing scores\" detail=%s\n",
		        oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
	else if (n)
		fprintf(stderr, "level=info msg=\"rescoring enqueued\" jobs=%zu\n", n);
	if (!a->cfg.workers)
		return 0;
	pthread_once(&ring_once, ring_init);
	offerapi_job_runner_options ro = OFFERAPI_JOB_RUNNER_OPTIONS_INIT;
	ro.threads = a->cfg.workers;
	ro.on_report = on_report;
	ro.jobs.lease_s = a->cfg.lease_s;
	ro.jobs.max_attempts = a->cfg.max_attempts;
	ro.jobs.backoff_base_ms = a->cfg.backoff_ms;
	ro.jobs.backoff_max_ms = a->cfg.backoff_max_ms; /* 0: the library's */
	if (offerapi_job_runner_start(&runner, a->store, a->scorers, &ro) < 0) {
		fprintf(stderr, "offerapi-server: cannot start the scoring workers: %s\n",
		        offerapi_error_last()->message);
		return -1;
	}
	return 0;
}

unsigned jobs_busy(void)
{
	return runner ? offerapi_job_runner_busy(runner) : 0;
}

bool jobs_local(void)
{
	return runner != NULL;
}

/* How many finished jobs of @id the ring holds (lock held). */
static size_t ring_count(offerapi_id id)
{
	size_t k = 0;
	for (size_t i = 0; i < RECENT; i++)
		k += done_ring.recent[i] == id;
	return k;
}

void jobs_wait(offerapi_id application_id, size_t njobs, unsigned wait_ms)
{
	if (!runner || !wait_ms || !njobs)
		return;
	struct timespec until = oa_deadline_ms(CLOCK_MONOTONIC, wait_ms);
	pthread_mutex_lock(&done_ring.lock);
	while (ring_count(application_id) < njobs)
		if (pthread_cond_timedwait(&done_ring.cond, &done_ring.lock, &until) != 0)
			break;
	pthread_mutex_unlock(&done_ring.lock);
}

int jobs_stop(app *a)
{
	if (!runner)
		return 0;
	fprintf(stderr, "level=info msg=\"stopping scoring workers\" busy=%u drain_ms=%u\n",
	        offerapi_job_runner_busy(runner), a->cfg.worker_drain_ms);
	if (offerapi_job_runner_stop(runner, a->cfg.worker_drain_ms) < 0) {
		/* the jobs still scoring were released for another worker; their
		 * threads are inside a scorer: do not wait for them */
		char q[600];
		fprintf(stderr, "level=warn msg=\"scoring jobs released at stop\" detail=%s\n",
		        oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
		runner = NULL;
		return -1;
	}
	offerapi_job_runner_free(runner);
	runner = NULL;
	return 0;
}
