/*
 * offerapi/jobs.h - scoring as durable jobs: a queue in the database.
 *
 * Storing an application with offerapi_application_submit_jobs() also
 * enqueues one job per scorer of a set, in the same transaction: either the
 * application and all its jobs are stored, or nothing is. Workers (threads
 * of a server, or offerapi-worker processes, on any number of machines)
 * then claim jobs, score, and record the outcome:
 *
 *     offerapi_job *job;
 *     while (offerapi_job_claim(store, set, "host-1:42", NULL, &job) == 0 && job) {
 *         offerapi_job_report rep;
 *         offerapi_job_process(store, set, job, NULL, &rep);   // score + complete / fail
 *         offerapi_job_free(job);
 *     }
 *
 * or let a runner (offerapi_job_runner_start()) do exactly that on N threads.
 *
 * Guarantees:
 *  - Exclusive claims: a pending job is given to one worker at a time
 *    (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so workers never wait
 *    for each other; SQLite: one writer at a time claims).
 *  - Leases: a claim lasts lease_s seconds. A worker that dies (SIGKILL, a
 *    lost node) loses nothing: once its lease has expired the job is
 *    claimable again (and counts that attempt).
 *  - Bounded attempts: a failing job is retried after an exponential
 *    backoff with jitter, at most max_attempts claims in all, then it is
 *    "failed" with the last error, until someone calls offerapi_job_retry().
 *  - Idempotent completion: the score is stored (one per application and
 *    scorer: a later one replaces it) and the job marked done in one
 *    transaction, and only while the claim is still the worker's own: a
 *    worker whose lease expired and whose job another worker took has its
 *    result dropped (OFFERAPI_JOB_LOST), so each job ends with one score.
 *  - A job is for a scorer name AND version; a worker claims only the jobs
 *    whose (name, version) its set has loaded, so during a rolling upgrade
 *    old workers never score new-version jobs.
 *
 * Clocks: leases and backoff use each host's wall clock; keep the clocks of
 * servers and workers in sync (NTP) to well under lease_s.
 *
 * Threads: every function may be called from any thread on a shared store
 * and a loaded set (scorers.h). Records returned through **out belong to
 * the caller, who frees them with the matching _free function.
 */
#ifndef OFFERAPI_JOBS_H
#define OFFERAPI_JOBS_H

#include "common.h"
#include "store.h"
#include "user.h"
#include "application.h"
#include "scorers.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a job stands. Values are stored: stable, only appended. */
typedef enum offerapi_job_state {
	OFFERAPI_JOB_PENDING = 0, /**< waiting for a worker (maybe for its backoff) */
	OFFERAPI_JOB_RUNNING = 1, /**< claimed by a worker, under a lease */
	OFFERAPI_JOB_DONE = 2, /**< scored; the score is stored */
	OFFERAPI_JOB_FAILED = 3 /**< every attempt failed: see last_error */
} offerapi_job_state;

/** "pending", "running", "done" or "failed" (static), or NULL. */
OFFERAPI_EXTERN const char *offerapi_job_state_name(offerapi_job_state state);

/** Version of offerapi_job_options; set .version to this. */
#define OFFERAPI_JOB_OPTIONS_VERSION 1

/** @name Defaults and bounds of offerapi_job_options
 *  Plain numbers, so that a program may also write them in its help
 *  (the server's and the worker's options take them). @{ */
#define OFFERAPI_JOB_LEASE_S_DEFAULT 300
#define OFFERAPI_JOB_LEASE_S_MAX 86400
#define OFFERAPI_JOB_ATTEMPTS_DEFAULT 5
#define OFFERAPI_JOB_ATTEMPTS_MAX 100
#define OFFERAPI_JOB_BACKOFF_MS_DEFAULT 10000
#define OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT 900000
/** The most either backoff field may be: a day. */
#define OFFERAPI_JOB_BACKOFF_MS_MAX 86400000
/** @} */

/** How workers treat jobs. A zero field takes its default. */
typedef struct offerapi_job_options {
	unsigned int version; /**< OFFERAPI_JOB_OPTIONS_VERSION */
	/** Seconds a claim lasts (OFFERAPI_JOB_LEASE_S_DEFAULT, at most
	 *  OFFERAPI_JOB_LEASE_S_MAX). Give more than the slowest scorer can
	 *  take (the llm scorer's timeout and retries): a job still scoring
	 *  when its lease ends may be claimed again. */
	unsigned int lease_s;
	/** Claims a job may have in all before it is failed
	 *  (OFFERAPI_JOB_ATTEMPTS_DEFAULT, at most OFFERAPI_JOB_ATTEMPTS_MAX).
	 *  A worker that dies mid-job uses one up. */
	unsigned int max_attempts;
	/** Backoff before attempt n + 1: base * 2^(n - 1), capped at max, then
	 *  drawn uniformly in [half, all] of it (jitter). Defaults
	 *  OFFERAPI_JOB_BACKOFF_MS_DEFAULT (10 s) and
	 *  OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT (15 minutes), or the base when
	 *  it is more; each at most OFFERAPI_JOB_BACKOFF_MS_MAX. */
	unsigned int backoff_base_ms;
	unsigned int backoff_max_ms; /**< see backoff_base_ms; at least the base */
} offerapi_job_options;

/** Initialiser giving every default. */
#define OFFERAPI_JOB_OPTIONS_INIT                                                                  \
	{                                                                                          \
		OFFERAPI_JOB_OPTIONS_VERSION, 0, 0, 0, 0                                           \
	}

/**
 * Apply to an offer like offerapi_application_submit() (application.h),
 * and enqueue one scoring job per scorer of @p set in the same
 * transaction, for the scorer's name and version. The jobs of a new
 * application go before rescoring jobs. Runners of this process are woken
 * at once; others find the jobs at their next poll.
 * @param set  the scorers to enqueue for; NULL or empty enqueues nothing
 *             (as offerapi_application_submit(), which enqueues nothing)
 * @return as offerapi_application_submit(); on any error neither the
 *         application nor any job is stored
 */
OFFERAPI_EXTERN int offerapi_application_submit_jobs(
	offerapi_store *store, const offerapi_user *actor, offerapi_id offer_id,
	const offerapi_application_input *in, const offerapi_scorers *set, offerapi_id *out_id);

/**
 * Enqueue a job for every stored application that lacks a score from a
 * scorer of @p set at its current version (a new scorer, a new version, or
 * applications stored by offerapi_application_submit()). Call it at start
 * with the loaded set; it is cheap when nothing is missing, and safe when
 * several replicas start at once. A job of the same (name, version)
 * already queued, running, done or failed is left as it is; a pending or
 * finished job of another version is turned into a pending job of this
 * version; a job running under a live lease is left alone. Rescoring jobs
 * go after the jobs of new applications.
 * @param out_count  may be NULL; receives the number of jobs enqueued
 * @return 0 or a database error
 */
OFFERAPI_EXTERN int offerapi_job_enqueue_missing(offerapi_store *store, const offerapi_scorers *set,
                                                 size_t *out_count);

/** A claimed job. Free it with offerapi_job_free(). */
typedef struct offerapi_job {
	offerapi_id id; /**< the job */
	offerapi_id application_id; /**< what to score */
	char *scorer; /**< with which scorer (name) */
	char *scorer_version; /**< at which version */
	unsigned int attempt; /**< 1 for the first claim, 2 for the second, ... */
	int64_t enqueued_ms; /**< Unix time in ms it was (re)enqueued */
	int64_t claimed_until_ms; /**< Unix time in ms the lease ends */
	int64_t token; /**< identifies this claim: the library's, do not change it */
} offerapi_job;

/**
 * Claim the next job one of the scorers of @p set can do: a pending job
 * whose backoff has passed, new applications first, then the oldest. Also
 * turns back to pending, at most once a second per store, the running jobs
 * whose lease has expired (or fails them when their attempts are used up).
 * @param set     the loaded scorers: only jobs of their (name, version)
 * @param worker  a name for operators, stored with the claim ("host:pid");
 *                at most 128 bytes; NULL for none
 * @param opts    NULL for the defaults
 * @param out     receives the job, or NULL when none is ready (not an error)
 * @return 0; OFFERAPI_EINVAL (bad options or worker name); a database error
 */
OFFERAPI_EXTERN int offerapi_job_claim(offerapi_store *store, const offerapi_scorers *set,
                                       const char *worker, const offerapi_job_options *opts,
                                       offerapi_job **out);

/** Free a job. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_job_free(offerapi_job *job);

/**
 * Record a job's score: store it (replacing any score of that scorer for
 * that application) and mark the job done, in one transaction, if the claim
 * is still this one. Calling it again for the same claim changes nothing
 * more (it succeeds again).
 * @param out_latency_s  may be NULL; receives the seconds from enqueuing to
 *                       done, for a latency histogram
 * @return 0; OFFERAPI_ENOTFOUND when the claim was lost (the lease expired
 *         and another worker took the job, the job was released or
 *         re-enqueued: the result is dropped, nothing is stored);
 *         OFFERAPI_EINVAL (score outside [0, 1], bad explanation); a
 *         database error (nothing stored: the lease will expire)
 */
OFFERAPI_EXTERN int offerapi_job_complete(offerapi_store *store, const offerapi_job *job,
                                          double score, const char *explanation,
                                          double *out_latency_s);

/**
 * Record a failed attempt, if the claim is still this one: the job is
 * pending again after its backoff, or failed for good when this was its
 * last attempt; @p error is kept as its last error either way.
 * @param error          one line saying why (at most 2000 bytes kept)
 * @param opts           NULL for the defaults (max_attempts, backoff)
 * @param out_state      may be NULL; OFFERAPI_JOB_PENDING or
 *                       OFFERAPI_JOB_FAILED
 * @param out_retry_ms   may be NULL; pending: the Unix time in ms the job
 *                       may be claimed again; failed: 0
 * @return 0, OFFERAPI_ENOTFOUND (claim lost), OFFERAPI_EINVAL or a database
 *         error
 */
OFFERAPI_EXTERN int offerapi_job_fail(offerapi_store *store, const offerapi_job *job,
                                      const char *error, const offerapi_job_options *opts,
                                      offerapi_job_state *out_state, int64_t *out_retry_ms);

/**
 * Give a claimed job back unscored (a worker shutting down): pending again
 * at once, and the attempt is not counted.
 * @return 0, OFFERAPI_ENOTFOUND (claim lost) or a database error
 */
OFFERAPI_EXTERN int offerapi_job_release(offerapi_store *store, const offerapi_job *job);

/** What became of a job a worker processed. */
typedef enum offerapi_job_result {
	OFFERAPI_JOB_COMPLETED = 0, /**< scored and stored: done */
	OFFERAPI_JOB_RETRYING = 1, /**< failed; pending again after its backoff */
	OFFERAPI_JOB_GAVE_UP = 2, /**< failed on its last attempt: now failed */
	OFFERAPI_JOB_RELEASED = 3, /**< given back unscored (shutdown) */
	OFFERAPI_JOB_LOST = 4, /**< the claim was no longer ours: result dropped */
	OFFERAPI_JOB_UNRECORDED = 5 /**< the outcome could not be written (database
	                                  error): the lease will expire, then the job
	                                  runs again */
} offerapi_job_result;

/** A processed job, for the host's metrics and logs. Strings are borrowed:
 *  valid during the callback (runner) or while the job lives. */
typedef struct offerapi_job_report {
	offerapi_id job_id;
	offerapi_id application_id;
	const char *scorer; /**< name */
	const char *scorer_version;
	offerapi_job_result result;
	unsigned int attempt; /**< which attempt this was (1 = the first) */
	double latency_s; /**< COMPLETED and GAVE_UP: enqueue to done/failed; else 0 */
	double score_s; /**< seconds spent in the scorer (0 when not run) */
	int64_t retry_ms; /**< RETRYING: Unix time in ms of the next try; else 0 */
	int error; /**< 0, or the OFFERAPI_E* code of the failure */
	/** NULL on success; else a short, stable label for metrics: "plugin" (the
	 *  scorer failed), "database", "not_found" (application or offer gone),
	 *  "invalid" (the scorer's output was refused), "other" */
	const char *reason;
	char message[512]; /**< "" on success; else one line */
} offerapi_job_report;

/**
 * Process a claimed job with the scorer of @p set it names: read the
 * application and its offer, score, then complete or fail the job (see
 * above). Never returns with the job left claimed except when the database
 * fails (UNRECORDED: the lease expires).
 * @param opts  NULL for the defaults (used when the job fails)
 * @param out   receives what happened (never NULL)
 * @return 0 when the outcome was recorded (whatever it was: see
 *         out->result); OFFERAPI_EINVAL (bad arguments, a scorer the set
 *         lacks); a database error (UNRECORDED)
 */
OFFERAPI_EXTERN int offerapi_job_process(offerapi_store *store, offerapi_scorers *set,
                                         const offerapi_job *job, const offerapi_job_options *opts,
                                         offerapi_job_report *out);

/**
 * The recruiter's "retry" button: turn the failed job of @p scorer on
 * application @p application_id back into a pending job with all its
 * attempts, ahead of rescoring jobs. Only the recruiter who owns the
 * application's offer may. A job already pending or running is left as it
 * is (0: a second click changes nothing).
 * @return 0; OFFERAPI_EPERM; OFFERAPI_ENOTFOUND (no such application, or
 *         no job of that scorer for it); OFFERAPI_EINVAL (the job is done:
 *         there is nothing to retry); a database error
 */
OFFERAPI_EXTERN int offerapi_job_retry(offerapi_store *store, const offerapi_user *actor,
                                       offerapi_id application_id, const char *scorer);

/** The state of one (application, scorer) job, for dashboards. */
typedef struct offerapi_job_status {
	offerapi_id application_id;
	char *scorer; /**< name */
	char *scorer_version; /**< the version the job is for */
	offerapi_job_state state;
	unsigned int attempts; /**< claims so far */
	/** Why the last attempt failed ("" when none). Only the offer's
	 *  recruiter reads it: for the candidate it is always "". */
	char *last_error;
	int64_t enqueued_ms; /**< Unix ms it was (re)enqueued */
	int64_t run_after_ms; /**< pending: not claimed before this (backoff) */
	int64_t finished_ms; /**< done or failed: when; else 0 */
} offerapi_job_status;

/** A list of job states. */
typedef struct offerapi_job_status_list {
	size_t count;
	offerapi_job_status *items; /**< by application id, then scorer name */
} offerapi_job_status_list;

/**
 * The jobs of one application, read by its candidate or by the recruiter
 * of its offer (the same rule as offerapi_application_get()).
 * @return 0, OFFERAPI_EPERM, OFFERAPI_ENOTFOUND or a database error
 */
OFFERAPI_EXTERN int offerapi_job_status_application(offerapi_store *store,
                                                    const offerapi_user *actor,
                                                    offerapi_id application_id,
                                                    offerapi_job_status_list **out);

/**
 * The jobs not done yet (pending, running or failed) of the applications to
 * an offer, for its recruiter: one query, for a dashboard that shows each
 * missing score as pending or failed (a done job's score is in the
 * application). Its size follows the queue, not the number of applications.
 * @return 0, OFFERAPI_EPERM, OFFERAPI_ENOTFOUND or a database error
 */
OFFERAPI_EXTERN int offerapi_job_status_offer(offerapi_store *store, const offerapi_user *actor,
                                              offerapi_id offer_id, offerapi_job_status_list **out);

/** Free a list of job states. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_job_status_list_free(offerapi_job_status_list *list);

/** Jobs of one scorer in one state. */
typedef struct offerapi_job_count {
	char *scorer; /**< name (all versions together) */
	offerapi_job_state state;
	int64_t count;
	int64_t oldest_enqueued_ms; /**< Unix ms of the oldest such job */
} offerapi_job_count;

/** The queue at a glance, for metrics. */
typedef struct offerapi_job_stats {
	size_t count;
	offerapi_job_count *items; /**< by scorer, then state; absent pairs count 0 */
	int64_t now_ms; /**< when the figures were read (Unix ms) */
	/** Age in seconds of the oldest pending job, any scorer; 0 when none */
	double oldest_pending_s;
} offerapi_job_stats;

/**
 * Count the jobs by scorer and state (one query over an index).
 * @return 0 or a database error
 */
OFFERAPI_EXTERN int offerapi_job_stats_get(offerapi_store *store, offerapi_job_stats **out);

/** Free queue statistics. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_job_stats_free(offerapi_job_stats *stats);

/* ---- a pool of worker threads ---- */

/** A running set of worker threads. */
typedef struct offerapi_job_runner offerapi_job_runner;

/**
 * Called by a worker thread after each job it processed (never for an idle
 * poll), so that the host counts and times jobs. It runs on the worker's
 * thread: keep it short and thread-safe.
 */
typedef void (*offerapi_job_report_fn)(const offerapi_job_report *report, void *payload);

/** Version of offerapi_job_runner_options; set .version to this. */
#define OFFERAPI_JOB_RUNNER_OPTIONS_VERSION 1

/** How a runner works. A zero field takes its default. */
typedef struct offerapi_job_runner_options {
	unsigned int version; /**< OFFERAPI_JOB_RUNNER_OPTIONS_VERSION */
	/** Worker threads; 0 starts none (a server that leaves scoring to
	 *  offerapi-worker processes). At most 256. */
	unsigned int threads;
	/** When the queue is empty, a thread looks again after this many ms
	 *  (default 250, 10 .. 60 000); it is woken at once when this process
	 *  enqueues. After a database error it waits up to 10 times longer. */
	unsigned int poll_ms;
	/** A name stored with each claim; default "HOSTNAME:PID". At most 100
	 *  bytes (the thread number is appended). */
	const char *name;
	offerapi_job_options jobs; /**< lease, attempts, backoff */
	offerapi_job_report_fn on_report; /**< may be NULL */
	void *payload; /**< given to on_report */
} offerapi_job_runner_options;

/** Initialiser giving every default (and 1 thread). */
#define OFFERAPI_JOB_RUNNER_OPTIONS_INIT                                                           \
	{                                                                                          \
		OFFERAPI_JOB_RUNNER_OPTIONS_VERSION, 1, 0, NULL, OFFERAPI_JOB_OPTIONS_INIT, NULL,  \
			NULL                                                                       \
	}

/**
 * Start @p opts->threads worker threads, each claiming a job, processing it
 * with @p set, and starting over; they sleep when the queue is empty.
 * @p store and @p set must outlive the runner, and the set must not change
 * while it runs.
 * @return 0 and the runner in @p out; OFFERAPI_EINVAL (options);
 *         OFFERAPI_ENOMEM or OFFERAPI_ERROR (a thread could not start)
 */
OFFERAPI_EXTERN int offerapi_job_runner_start(offerapi_job_runner **out, offerapi_store *store,
                                              offerapi_scorers *set,
                                              const offerapi_job_runner_options *opts);

/**
 * Stop claiming and wait up to @p timeout_ms for the jobs being scored to
 * finish and be recorded. A job claimed but not yet started is released.
 * When the time is up, the jobs still being scored are released (pending
 * again at once, for another worker); their threads' results will then be
 * dropped as LOST.
 * @return 0 when every thread finished in time; OFFERAPI_ETIMEOUT when
 *         jobs had to be released (their threads still run until their
 *         scorer returns: offerapi_job_runner_free() waits for them, or the
 *         host may exit)
 */
OFFERAPI_EXTERN int offerapi_job_runner_stop(offerapi_job_runner *runner, unsigned int timeout_ms);

/** Jobs being processed right now (for a "busy workers" gauge). */
OFFERAPI_EXTERN unsigned int offerapi_job_runner_busy(const offerapi_job_runner *runner);

/** Stop (as offerapi_job_runner_stop() with no time limit, if not done
 *  yet), join every thread and free the runner. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_job_runner_free(offerapi_job_runner *runner);

#ifdef __cplusplus
}
#endif
#endif
