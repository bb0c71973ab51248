/*
 * jobrunner.c - a pool of worker threads over the job queue (offerapi/jobs.h).
 *
 * Each thread loops: claim a job, process it, report it; when the queue is
 * empty it sleeps on the store's condition variable for poll_ms, so a job
 * enqueued by this process wakes it at once and a job enqueued elsewhere
 * (another replica) is found at the next poll. Stopping sets a flag and
 * wakes everyone; a thread finishes the job it is scoring, and the stopper
 * releases, when its time is up, the jobs still being scored.
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "jobs_internal.h"

#define POLL_DEFAULT_MS 250
#define ERROR_LOG_EVERY_S 10.0 /* log a failing claim at most this often */

typedef struct worker {
	offerapi_job_runner *r;
	pthread_t thread;
	unsigned int index;
	char name[WORKER_NAME_BUF];
	offerapi_job *current; /* being processed (under r->lock) */
	bool released; /* current was released by the stopper (under r->lock) */
} worker;

struct offerapi_job_runner {
	offerapi_store *store;
	offerapi_scorers *set;
	offerapi_job_runner_options o;
	worker *workers;
	unsigned int started; /* threads created */
	pthread_mutex_t lock;
	pthread_cond_t exited; /* signalled as each thread ends */
	unsigned int alive; /* threads not yet ended (under lock) */
	atomic_bool stop;
	atomic_uint busy;
	bool stopped; /* offerapi_job_runner_stop() ran */
	double last_error_log; /* under lock */
};

static void log_claim_error(offerapi_job_runner *r, const worker *w)
{
	double now = oa_monotonic();
	pthread_mutex_lock(&r->lock);
	bool due = now - r->last_error_log >= ERROR_LOG_EVERY_S || r->last_error_log == 0.0;
	if (due)
		r->last_error_log = now;
	pthread_mutex_unlock(&r->lock);
	if (due)
		oa_log(OFFERAPI_LOG_WARNING, "job worker %s: cannot claim: %s", w->name,
		       offerapi_error_last()->message);
}

/* Process @job on @w's thread; it is @w->current meanwhile. */
static void work_on(worker *w, offerapi_job *job)
{
	offerapi_job_runner *r = w->r;
	offerapi_job_report rep;
	int rc = offerapi_job_process(r->store, r->set, job, &r->o.jobs, &rep);
	if (rc < 0 && rep.job_id == 0) /* refused before it started: say so */
		oa_log(OFFERAPI_LOG_ERROR, "job worker %s: %s", w->name,
		       offerapi_error_last()->message);
	pthread_mutex_lock(&r->lock);
	bool released = w->released;
	w->current = NULL;
	w->released = false;
	pthread_mutex_unlock(&r->lock);
	atomic_fetch_sub(&r->busy, 1);
	if (released && rep.result != OFFERAPI_JOB_COMPLETED)
		rep.result = OFFERAPI_JOB_RELEASED; /* the stopper gave it back */
	if (r->o.on_report && rep.job_id)
		r->o.on_report(&rep, r->o.payload);
}

/* Claim and process one job. Returns 1 when one was processed, 0 when the
 * queue had none, -1 on a claim error. */
static int work_once(worker *w)
{
	offerapi_job_runner *r = w->r;
	offerapi_job *job = NULL;
	if (offerapi_job_claim(r->store, r->set, w->name, &r->o.jobs, &job) < 0)
		return -1;
	if (!job)
		return 0;
	pthread_mutex_lock(&r->lock);
	bool stopping = atomic_load(&r->stop);
	if (!stopping) {
		w->current = job;
		atomic_fetch_add(&r->busy, 1);
	}
	pthread_mutex_unlock(&r->lock);
	if (stopping) {
		/* claimed as the runner stops: give it back untouched */
		offerapi_job_report rep = { .job_id = job->id,
			                    .application_id = job->application_id,
			                    .scorer = job->scorer,
			                    .scorer_version = job->scorer_version,
			                    .attempt = job->attempt,
			                    .result = OFFERAPI_JOB_RELEASED };
		if (offerapi_job_release(r->store, job) < 0)
			rep.result = OFFERAPI_JOB_UNRECORDED;
		if (r->o.on_report)
			r->o.on_report(&rep, r->o.payload);
	} else {
		work_on(w, job);
	}
	offerapi_job_free(job);
	return 1;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	offerapi_job_runner *r = w->r;
	unsigned int errors = 0;
	while (!atomic_load(&r->stop)) {
		uint64_t seq = store_jobs_seq(r->store); /* before the claim: no wake-up lost */
		int got = work_once(w);
		if (got > 0) {
			errors = 0;
			continue;
		}
		if (got < 0) {
			log_claim_error(r, w);
			errors += errors < 10;
		} else {
			errors = 0;
		}
		/* an idle queue: poll_ms; a failing database: up to 10 times that */
		unsigned int ms = r->o.poll_ms * (errors ? errors : 1);
		store_jobs_wait(r->store, seq, &r->stop, ms);
	}
	pthread_mutex_lock(&r->lock);
	r->alive--;
	pthread_cond_broadcast(&r->exited);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static int runner_options(offerapi_job_runner_options *o, const offerapi_job_runner_options *in)
{
	*o = (offerapi_job_runner_options)OFFERAPI_JOB_RUNNER_OPTIONS_INIT;
	if (in) {
		/* known and not newer; every version so far is 1, so the whole
		 * struct is read (a version 2 will copy by size, as store.c does) */
		int rc = oa_check_version("job runner options", in->version,
		                          OFFERAPI_JOB_RUNNER_OPTIONS_VERSION);
		if (rc < 0)
			return rc;
		*o = *in;
	}
	if (o->threads > 256)
		return oa_error(OFFERAPI_EINVAL, "job runner options: threads %u is over 256",
		                o->threads);
	if (!o->poll_ms)
		o->poll_ms = POLL_DEFAULT_MS;
	if (o->poll_ms < 10 || o->poll_ms > 60000)
		return oa_error(OFFERAPI_EINVAL,
		                "job runner options: poll_ms %u is not in 10..60000", o->poll_ms);
	if (o->name && (strlen(o->name) > 100 ||
	                oa_check_text("job runner name", o->name, 1, 100, false, false) < 0))
		return oa_error(OFFERAPI_EINVAL,
		                "job runner options: name must be 1 to 100 bytes of one line");
	/* check the job options now rather than at every claim */
	offerapi_job_options checked;
	return jobs_options(&checked, &o->jobs);
}

static int start_threads(offerapi_job_runner *r)
{
	for (unsigned int i = 0; i < r->o.threads; i++) {
		worker *w = &r->workers[i];
		w->r = r;
		w->index = i;
		jobs_worker_name(w->name, sizeof w->name, r->o.name, "", i);
		pthread_mutex_lock(&r->lock);
		r->alive++;
		pthread_mutex_unlock(&r->lock);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			pthread_mutex_lock(&r->lock);
			r->alive--;
			pthread_mutex_unlock(&r->lock);
			return oa_error(OFFERAPI_ERROR, "job runner: cannot start thread %u of %u",
			                i + 1, r->o.threads);
		}
		r->started++;
	}
	return 0;
}

int offerapi_job_runner_start(offerapi_job_runner **out, offerapi_store *s, offerapi_scorers *set,
                              const offerapi_job_runner_options *opts)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "job runner: no output");
	*out = NULL;
	if (!s || !set)
		return oa_error(OFFERAPI_EINVAL, "job runner: no store or no scorers");
	offerapi_job_runner *r = calloc(1, sizeof *r);
	if (!r)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = runner_options(&r->o, opts);
	r->workers = calloc(r->o.threads ? r->o.threads : 1, sizeof *r->workers);
	if (rc == 0 && !r->workers)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc < 0) {
		free(r->workers);
		free(r);
		return rc;
	}
	r->store = s;
	r->set = set;
	pthread_mutex_init(&r->lock, NULL);
	oa_cond_init_monotonic(&r->exited);
	if ((rc = start_threads(r)) < 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
		offerapi_job_runner_free(r);
		return oa_error(rc, "%s", msg);
	}
	*out = r;
	return 0;
}

unsigned int offerapi_job_runner_busy(const offerapi_job_runner *r)
{
	return r ? atomic_load(&r->busy) : 0;
}

/* Release the jobs still being scored (their threads outlived the stop's
 * time); under r->lock. */
static void release_current(offerapi_job_runner *r)
{
	for (unsigned int i = 0; i < r->started; i++) {
		worker *w = &r->workers[i];
		if (!w->current || w->released)
			continue;
		if (offerapi_job_release(r->store, w->current) == 0)
			oa_log(OFFERAPI_LOG_WARNING,
			       "job worker %s: job %lld released unfinished at shutdown", w->name,
			       (long long)w->current->id);
		w->released = true;
	}
}

int offerapi_job_runner_stop(offerapi_job_runner *r, unsigned int timeout_ms)
{
	if (!r)
		return 0;
	atomic_store(&r->stop, true);
	store_jobs_wake(r->store);
	struct timespec until = oa_deadline_ms(CLOCK_MONOTONIC, timeout_ms);
	int rc = 0;
	pthread_mutex_lock(&r->lock);
	r->stopped = true;
	while (r->alive > 0) {
		if (timeout_ms == UINT_MAX) {
			pthread_cond_wait(&r->exited, &r->lock);
		} else if (pthread_cond_timedwait(&r->exited, &r->lock, &until) == ETIMEDOUT) {
			release_current(r);
			rc = oa_error(OFFERAPI_ETIMEOUT,
			              "job runner: %u thread(s) still scoring after %u ms; their "
			              "jobs were released",
			              r->alive, timeout_ms);
			break;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

void offerapi_job_runner_free(offerapi_job_runner *r)
{
	if (!r)
		return;
	if (!r->stopped)
		offerapi_job_runner_stop(r, UINT_MAX);
	else
		atomic_store(&r->stop, true);
	for (unsigned int i = 0; i < r->started; i++)
		pthread_join(r->workers[i].thread, NULL);
	pthread_cond_destroy(&r->exited);
	pthread_mutex_destroy(&r->lock);
	free(r->workers);
	free(r);
}
