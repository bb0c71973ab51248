/*
 * jobs.c - the scoring queue in the database (see offerapi/jobs.h).
 *
 * One row per (application, scorer) in table jobs (migration 2): its state
 * is the job's and what a dashboard shows. Claiming is one UPDATE of the
 * next ready row, atomic on both backends: on PostgreSQL its sub-select
 * locks the row with FOR UPDATE SKIP LOCKED, so concurrent workers take
 * different rows without waiting for each other; on SQLite the statement
 * runs under the database's single write lock. Each claim gets a random
 * token, and every later change of the job (complete, fail, release)
 * requires that token: a worker whose claim was lost cannot touch a job
 * that another worker now holds.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"
#include "jobs_internal.h"

#define REQUEUE_EVERY_MS 1000 /* look for expired leases at most this often */
#define RESCORE_BATCH 5000 /* applications per statement of enqueue_missing */
#define VERSION_MAX 64

static const char *const state_names[] = { "pending", "running", "done", "failed" };

const char *offerapi_job_state_name(offerapi_job_state st)
{
	return oa_name_of(state_names, 4, 0, (int)st);
}

/* Copy @in (NULL: defaults) into @o with defaults applied and bounds checked. */
int jobs_options(offerapi_job_options *o, const offerapi_job_options *in)
{
	*o = (offerapi_job_options)OFFERAPI_JOB_OPTIONS_INIT;
	if (in) {
		/* known and not newer; every version so far is 1, so the whole
		 * struct is read (a version 2 will copy by size, as store.c does) */
		int rc = oa_check_version("job options", in->version, OFFERAPI_JOB_OPTIONS_VERSION);
		if (rc < 0)
			return rc;
		*o = *in;
	}
	if (!o->lease_s)
		o->lease_s = OFFERAPI_JOB_LEASE_S_DEFAULT;
	if (!o->max_attempts)
		o->max_attempts = OFFERAPI_JOB_ATTEMPTS_DEFAULT;
	if (!o->backoff_base_ms)
		o->backoff_base_ms = OFFERAPI_JOB_BACKOFF_MS_DEFAULT;
	if (o->backoff_base_ms > OFFERAPI_JOB_BACKOFF_MS_MAX)
		return oa_error(OFFERAPI_EINVAL, "job options: backoff_base_ms %u is over %d",
		                o->backoff_base_ms, OFFERAPI_JOB_BACKOFF_MS_MAX);
	if (!o->backoff_max_ms)
		o->backoff_max_ms = o->backoff_base_ms > OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT
		                            ? o->backoff_base_ms
		                            : OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT;
	if (o->lease_s > OFFERAPI_JOB_LEASE_S_MAX)
		return oa_error(OFFERAPI_EINVAL, "job options: lease_s %u is over %d", o->lease_s,
		                OFFERAPI_JOB_LEASE_S_MAX);
	if (o->max_attempts > OFFERAPI_JOB_ATTEMPTS_MAX)
		return oa_error(OFFERAPI_EINVAL, "job options: max_attempts %u is over %d",
		                o->max_attempts, OFFERAPI_JOB_ATTEMPTS_MAX);
	if (o->backoff_max_ms > OFFERAPI_JOB_BACKOFF_MS_MAX)
		return oa_error(OFFERAPI_EINVAL, "job options: backoff_max_ms %u is over %d",
		                o->backoff_max_ms, OFFERAPI_JOB_BACKOFF_MS_MAX);
	if (o->backoff_max_ms < o->backoff_base_ms)
		return oa_error(OFFERAPI_EINVAL,
		                "job options: backoff_max_ms %u is below backoff_base_ms %u",
		                o->backoff_max_ms, o->backoff_base_ms);
	return 0;
}

/* store_exec() of a job write. The connection is taken before the turn:
 * a thread waiting for its turn must never hold the connection that the
 * thread whose turn it is waits for. */
int jobs_queue_write(offerapi_store *s, const char *sql, const db_param *p, int n, db_result **out)
{
	db_conn *c;
	int rc = store_conn(s, &c);
	if (rc < 0)
		return rc;
	store_queue_lock(s);
	rc = db_exec(c, sql, p, n, out);
	store_queue_unlock(s);
	store_release(s, c);
	return rc;
}

void store_jobs_signal(offerapi_store *s)
{
	pthread_mutex_lock(&s->jobs_lock);
	s->jobs_seq++;
	pthread_cond_broadcast(&s->jobs_cond);
	pthread_mutex_unlock(&s->jobs_lock);
}

void store_jobs_wake(offerapi_store *s)
{
	pthread_mutex_lock(&s->jobs_lock);
	pthread_cond_broadcast(&s->jobs_cond);
	pthread_mutex_unlock(&s->jobs_lock);
}

uint64_t store_jobs_seq(offerapi_store *s)
{
	pthread_mutex_lock(&s->jobs_lock);
	uint64_t v = s->jobs_seq;
	pthread_mutex_unlock(&s->jobs_lock);
	return v;
}

bool store_due(offerapi_store *s, int64_t *last, int64_t now, int64_t every)
{
	pthread_mutex_lock(&s->jobs_lock);
	bool due = now - *last >= every || now < *last;
	if (due)
		*last = now;
	pthread_mutex_unlock(&s->jobs_lock);
	return due;
}

void store_jobs_wait(offerapi_store *s, uint64_t seq, atomic_bool *stop, unsigned int ms)
{
	struct timespec until = oa_deadline_ms(CLOCK_MONOTONIC, ms);
	pthread_mutex_lock(&s->jobs_lock);
	while (s->jobs_seq == seq && !atomic_load(stop))
		if (pthread_cond_timedwait(&s->jobs_cond, &s->jobs_lock, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&s->jobs_lock);
}

/* ---- enqueuing ---- */

int jobs_enqueue_tx(db_conn *c, offerapi_id app, const offerapi_scorers *set)
{
	size_t n = set ? offerapi_scorers_count(set) : 0;
	int64_t now = oa_now_ms();
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const offerapi_scorer_info *info = offerapi_scorers_info(set, i);
		rc = db_exec(c,
		             "INSERT INTO jobs (application_id, scorer, scorer_version, state,"
		             " priority, attempts, run_after_ms, enqueued_ms)"
		             " VALUES ($1, $2, $3, 0, $4, 0, $5, $5)",
		             (db_param[]){ P_INT(app), P_TEXT(info->name), P_TEXT(info->version),
		                           P_INT(JOB_PRIORITY_NEW), P_INT(now) },
		             5, NULL);
	}
	return rc;
}

/* Enqueue the missing jobs of one scorer for applications with ids in
 * [lo, hi); adds the number enqueued to *count. A job of the same version,
 * or one running under a live lease, is left alone. */
static int enqueue_missing_range(offerapi_store *s, const offerapi_scorer_info *info,
                                 offerapi_id lo, offerapi_id hi, int64_t now, size_t *count)
{
	db_result *r = NULL;
	int rc = store_exec(
		s,
		"INSERT INTO jobs (application_id, scorer, scorer_version, state, priority,"
		" attempts, run_after_ms, enqueued_ms)"
		" SELECT a.id, $1, $2, 0, 0, 0, $3, $3 FROM applications a"
		" WHERE a.id >= $4 AND a.id < $5"
		" AND NOT EXISTS (SELECT 1 FROM scores sc WHERE sc.application_id = a.id"
		" AND sc.scorer = $1 AND sc.scorer_version = $2)"
		" AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.application_id = a.id"
		" AND j.scorer = $1 AND (j.scorer_version = $2"
		" OR (j.state = 1 AND j.claimed_until_ms > $3)))"
		" ORDER BY a.id"
		" ON CONFLICT (application_id, scorer) DO UPDATE SET"
		" scorer_version = excluded.scorer_version, state = 0, priority = 0,"
		" attempts = 0, run_after_ms = excluded.run_after_ms,"
		" enqueued_ms = excluded.enqueued_ms, claimed_until_ms = NULL,"
		" claim_token = NULL, claimed_by = NULL, last_error = NULL, finished_ms = NULL"
		" WHERE jobs.scorer_version <> excluded.scorer_version"
		" AND NOT (jobs.state = 1 AND jobs.claimed_until_ms > excluded.run_after_ms)"
		" RETURNING application_id",
		(db_param[]){ P_TEXT(info->name), P_TEXT(info->version), P_INT(now), P_INT(lo),
	                      P_INT(hi) },
		5, &r);
	if (rc == 0)
		*count += (size_t)r->nrows;
	db_result_free(r);
	return rc;
}

int offerapi_job_enqueue_missing(offerapi_store *s, const offerapi_scorers *set, size_t *out_count)
{
	if (out_count)
		*out_count = 0;
	if (!s || !set)
		return oa_error(OFFERAPI_EINVAL, "jobs: no store or no scorers");
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT MIN(id), MAX(id) FROM applications", NULL, 0, &r);
	if (rc < 0)
		return rc;
	offerapi_id lo = db_int(r, 0, 0), hi = db_int(r, 0, 1);
	bool empty = db_isnull(r, 0, 0);
	db_result_free(r);
	size_t count = 0, n = offerapi_scorers_count(set);
	int64_t now = oa_now_ms();
	for (size_t i = 0; i < n && !empty && rc == 0; i++) {
		const offerapi_scorer_info *info = offerapi_scorers_info(set, i);
		/* one statement per range of ids: bounded work per statement,
		 * and each range makes progress whatever it finds */
		for (offerapi_id a = lo; a <= hi && rc == 0; a += RESCORE_BATCH)
			rc = enqueue_missing_range(s, info, a, a + RESCORE_BATCH, now, &count);
	}
	if (count) {
		oa_log(OFFERAPI_LOG_INFO, "jobs: %zu rescoring job(s) enqueued", count);
		store_jobs_signal(s);
	}
	if (out_count)
		*out_count = count;
	return rc;
}

/* ---- claiming ---- */

void jobs_worker_name(char *out, size_t outsz, const char *name, const char *kind, unsigned int i)
{
	if (name) {
		snprintf(out, outsz, "%s/%s%u", name, kind, i);
		return;
	}
	char host[64] = "host";
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "host");
	host[sizeof host - 1] = '\0';
	snprintf(out, outsz, "%s:%ld/%s%u", host, (long)getpid(), kind, i);
}

int64_t jobs_claim_token(void)
{
	uint64_t u;
	randombytes_buf(&u, sizeof u);
	int64_t t = (int64_t)(u >> 1);
	return t ? t : 1;
}

/* Running jobs whose lease has expired: pending again (their worker is
 * gone), or failed when that was their last attempt. At most once per
 * REQUEUE_EVERY_MS per store. */
static int requeue_expired(offerapi_store *s, const offerapi_job_options *o, int64_t now)
{
	if (!store_due(s, &s->jobs_requeued_ms, now, REQUEUE_EVERY_MS))
		return 0;
	db_result *r = NULL;
	int rc = jobs_queue_write(
		s,
		"UPDATE jobs SET state = CASE WHEN attempts >= $2 THEN 3 ELSE 0 END,"
		" finished_ms = CASE WHEN attempts >= $2 THEN $1 ELSE NULL END,"
		" run_after_ms = $1, last_error = $3, claimed_until_ms = NULL, claim_token = NULL"
		" WHERE state = 1 AND claimed_until_ms <= $1 RETURNING id, state",
		(db_param[]){ P_INT(now), P_INT(o->max_attempts),
	                      P_TEXT("the worker scoring it stopped without an answer "
	                             "(its lease expired)") },
		3, &r);
	if (rc == 0 && r->nrows > 0) {
		oa_log(OFFERAPI_LOG_WARNING,
		       "jobs: %d job(s) whose worker stopped mid-job (lease expired) made "
		       "claimable again or failed",
		       r->nrows);
		store_jobs_signal(s);
	}
	db_result_free(r);
	return rc;
}

#define CLAIM_SQL(skip)                                                                            \
	"UPDATE jobs SET state = 1, attempts = attempts + 1, claimed_until_ms = $1,"               \
	" claim_token = $2, claimed_by = $3"                                                       \
	" WHERE id = (SELECT id FROM jobs WHERE state = 0 AND scorer = $4"                         \
	" AND scorer_version = $5 AND run_after_ms <= $6"                                          \
	" ORDER BY priority DESC, run_after_ms, id LIMIT 1" skip ")"                               \
	" RETURNING id, application_id, attempts, enqueued_ms"
static const char claim_sql_sqlite[] = CLAIM_SQL("");
static const char claim_sql_pg[] = CLAIM_SQL(JOBS_SKIP_LOCKED);

/* Claim the next ready job of scorer @info; *out stays NULL when none. */
static int claim_one(offerapi_store *s, const offerapi_scorer_info *info, const char *worker,
                     const offerapi_job_options *o, int64_t now, offerapi_job **out)
{
	int64_t token = jobs_claim_token(), until = now + (int64_t)o->lease_s * 1000;
	db_result *r = NULL;
	int rc = jobs_queue_write(s, store_is_pg(s) ? claim_sql_pg : claim_sql_sqlite,
	                          (db_param[]){ P_INT(until), P_INT(token), P_TEXT(worker),
	                                        P_TEXT(info->name), P_TEXT(info->version),
	                                        P_INT(now) },
	                          6, &r);
	if (rc < 0 || r->nrows == 0) {
		db_result_free(r);
		return rc;
	}
	offerapi_job *j = calloc(1, sizeof *j);
	if (j) {
		j->scorer = oa_strdup(info->name);
		j->scorer_version = oa_strdup(info->version);
	}
	if (!j || !j->scorer || !j->scorer_version) {
		/* the claim stands in the database: its lease will expire */
		offerapi_job_free(j);
		db_result_free(r);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	j->id = db_int(r, 0, 0);
	j->application_id = db_int(r, 0, 1);
	j->attempt = (unsigned int)db_int(r, 0, 2);
	j->enqueued_ms = db_int(r, 0, 3);
	j->claimed_until_ms = until;
	j->token = token;
	db_result_free(r);
	*out = j;
	return 0;
}

int offerapi_job_claim(offerapi_store *s, const offerapi_scorers *set, const char *worker,
                       const offerapi_job_options *opts, offerapi_job **out)
{
	if (out)
		*out = NULL;
	if (!s || !set || !out)
		return oa_error(OFFERAPI_EINVAL, "jobs: no store, scorers or output");
	offerapi_job_options o;
	int rc = jobs_options(&o, opts);
	if (rc < 0 ||
	    (rc = oa_check_text("worker name", worker, 0, (WORKER_NAME_BUF - 1), false, true)) < 0)
		return rc;
	int64_t now = oa_now_ms();
	if ((rc = requeue_expired(s, &o, now)) < 0)
		return rc;
	size_t n = offerapi_scorers_count(set);
	/* start with another scorer each time, so that one scorer's backlog
	 * does not starve the others of this thread's attention */
	static _Thread_local size_t turn;
	size_t first = n ? turn++ % n : 0;
	for (size_t k = 0; k < n && rc == 0 && !*out; k++) {
		const offerapi_scorer_info *info = offerapi_scorers_info(set, (first + k) % n);
		rc = claim_one(s, info, worker, &o, now, out);
	}
	return rc;
}

void offerapi_job_free(offerapi_job *j)
{
	if (!j)
		return;
	free(j->scorer);
	free(j->scorer_version);
	free(j);
}

/* ---- outcomes ---- */

/* The answer of a statement that completes job @j (@rc, @r, freed here):
 * its enqueue time into *@enqueued, or ENOTFOUND when no row came back. */
static int claim_answer(const offerapi_job *j, int rc, db_result *r, int64_t *enqueued)
{
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND,
		              "job %lld (application %lld, %s): the claim was lost (lease "
		              "expired and the job taken again, or released); result dropped",
		              (long long)j->id, (long long)j->application_id, j->scorer);
	if (rc == 0)
		*enqueued = db_int(r, 0, 0);
	db_result_free(r);
	return rc;
}

/* Store the score and mark the job done, on @c inside a transaction.
 * *enqueued receives the job's enqueue time. */
static int complete_tx(db_conn *c, const offerapi_job *j, double score, const char *expl,
                       int64_t now, int64_t *enqueued)
{
	db_result *r = NULL;
	int rc = db_exec(c,
	                 "UPDATE jobs SET state = 2, claimed_until_ms = NULL, last_error = NULL,"
	                 " finished_ms = CASE WHEN state = 2 THEN finished_ms ELSE $3 END"
	                 " WHERE id = $1 AND claim_token = $2 AND state IN (1, 2)"
	                 " RETURNING enqueued_ms",
	                 (db_param[]){ P_INT(j->id), P_INT(j->token), P_INT(now) }, 3, &r);
	rc = claim_answer(j, rc, r, enqueued);
	if (rc == 0)
		rc = db_exec(c,
		             SCORES_INSERT " SELECT $1, $2, $3, $4, $5, $6, offer_id, created_at"
		                           " FROM applications WHERE id = $1" SCORES_UPSERT,
		             (db_param[]){ P_INT(j->application_id), P_TEXT(j->scorer),
		                           P_TEXT(j->scorer_version), P_REAL(score), P_TEXT(expl),
		                           P_INT(now / 1000) },
		             6, NULL);
	return rc;
}

/* PostgreSQL: complete_tx() as one statement (one round trip instead of
 * four); its two changes are one transaction all the same. */
static int complete_pg(offerapi_store *s, const offerapi_job *j, double score, const char *expl,
                       int64_t now, int64_t *enqueued)
{
	db_result *r = NULL;
	int rc = store_exec(
		s,
		"WITH done AS (UPDATE jobs SET state = 2, claimed_until_ms = NULL,"
		" last_error = NULL, finished_ms = CASE WHEN state = 2 THEN finished_ms ELSE $3 END"
		" WHERE id = $1 AND claim_token = $2 AND state IN (1, 2)"
		" RETURNING application_id, scorer, scorer_version, enqueued_ms),"
		" stored AS (" SCORES_INSERT
		" SELECT d.application_id, d.scorer, d.scorer_version, $4, $5, $6, a.offer_id,"
		" a.created_at FROM done d JOIN applications a ON a.id = d.application_id" SCORES_UPSERT
		")"
		" SELECT enqueued_ms FROM done",
		(db_param[]){ P_INT(j->id), P_INT(j->token), P_INT(now), P_REAL(score),
	                      P_TEXT(expl), P_INT(now / 1000) },
		6, &r);
	rc = claim_answer(j, rc, r, enqueued);
	return rc;
}

static int check_job(const offerapi_job *j)
{
	if (!j || !j->scorer || !j->scorer_version || j->id <= 0)
		return oa_error(OFFERAPI_EINVAL, "jobs: no job given");
	return 0;
}

int offerapi_job_complete(offerapi_store *s, const offerapi_job *j, double score,
                          const char *explanation, double *out_latency_s)
{
	if (out_latency_s)
		*out_latency_s = 0.0;
	int rc;
	if (!s || (rc = check_job(j)) < 0)
		return s ? rc : oa_error(OFFERAPI_EINVAL, "jobs: no store");
	if (!(score >= 0.0 && score <= 1.0)) /* also false for NaN */
		return oa_error(OFFERAPI_EINVAL, "score from %s: %g is not in [0, 1]", j->scorer,
		                score);
	if ((rc = oa_check_text("explanation", explanation, 0, OFFERAPI_EXPLANATION_MAX, true,
	                        true)) < 0)
		return rc;
	int64_t now = oa_now_ms(), enqueued = now;
	if (store_is_pg(s)) {
		rc = complete_pg(s, j, score, explanation ? explanation : "", now, &enqueued);
		if (rc == 0 && out_latency_s)
			*out_latency_s = now > enqueued ? (double)(now - enqueued) / 1000.0 : 0.0;
		return rc;
	}
	db_conn *c;
	if ((rc = store_conn(s, &c)) < 0)
		return rc;
	store_queue_lock(s);
	if ((rc = db_begin(c)) == 0)
		rc = db_end(c, complete_tx(c, j, score, explanation ? explanation : "", now,
		                           &enqueued));
	store_queue_unlock(s);
	store_release(s, c);
	if (rc == 0 && out_latency_s)
		*out_latency_s = now > enqueued ? (double)(now - enqueued) / 1000.0 : 0.0;
	return rc;
}

/* The delay before attempt @attempt + 1: base * 2^(attempt - 1) capped at
 * max, then drawn uniformly in [half of it, all of it]. */
int64_t jobs_backoff_ms(const offerapi_job_options *o, unsigned int attempt)
{
	double d = (double)o->backoff_base_ms * ldexp(1.0, attempt > 1 ? (int)attempt - 1 : 0);
	if (d > (double)o->backoff_max_ms)
		d = (double)o->backoff_max_ms;
	uint32_t half = (uint32_t)(d / 2.0);
	return (int64_t)(d - (double)half) + (int64_t)randombytes_uniform(half + 1);
}

/* A copy of an error message fit to keep: one line, valid UTF-8, at most
 * ERROR_KEPT_MAX bytes (cut on a character boundary). */
void jobs_error_text(char *out, size_t outsz, const char *in)
{
	snprintf(out, outsz, "%s", in && *in ? in : "failed without a message");
	size_t n = strlen(out);
	/* a cut in the middle of a character leaves at most 3 bytes of it */
	for (int k = 0; k < 3 && n > 0 && !oa_utf8_valid(out, n); k++)
		out[--n] = '\0';
	if (!oa_utf8_valid(out, n))
		snprintf(out, outsz, "failed (the error message was not valid UTF-8)");
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
}

int jobs_queue_fail(offerapi_store *s, const char *sql, const queue_failure *f,
                    const offerapi_job_options *o, bool *out_failed, int64_t *out_retry_ms)
{
	char err[ERROR_KEPT_MAX + 1];
	jobs_error_text(err, sizeof err, f->error);
	int64_t now = oa_now_ms(), retry = now + jobs_backoff_ms(o, f->attempt);
	db_param p[7] = { P_INT(f->id), P_INT(f->token), P_INT(o->max_attempts),
		          P_INT(retry), P_TEXT(err),     P_INT(now) };
	if (f->status)
		p[6] = *f->status;
	db_result *r = NULL;
	int rc = jobs_queue_write(s, sql, p, f->status ? 7 : 6, &r);
	if (rc == 0 && r->nrows == 0)
		rc = 1;
	if (rc == 0) {
		bool failed = db_int(r, 0, 0) == OFFERAPI_JOB_FAILED;
		if (out_failed)
			*out_failed = failed;
		if (out_retry_ms)
			*out_retry_ms = failed ? 0 : retry;
	}
	db_result_free(r);
	return rc;
}

int offerapi_job_fail(offerapi_store *s, const offerapi_job *j, const char *error,
                      const offerapi_job_options *opts, offerapi_job_state *out_state,
                      int64_t *out_retry_ms)
{
	if (out_state)
		*out_state = OFFERAPI_JOB_PENDING;
	if (out_retry_ms)
		*out_retry_ms = 0;
	offerapi_job_options o;
	int rc;
	if (!s || (rc = check_job(j)) < 0)
		return s ? rc : oa_error(OFFERAPI_EINVAL, "jobs: no store");
	if ((rc = jobs_options(&o, opts)) < 0)
		return rc;
	bool failed = false;
	rc = jobs_queue_fail(s,
	                     "UPDATE jobs SET state = CASE WHEN attempts >= $3 THEN 3 ELSE 0 END,"
	                     " run_after_ms = $4, last_error = $5,"
	                     " finished_ms = CASE WHEN attempts >= $3 THEN $6 ELSE NULL END,"
	                     " claimed_until_ms = NULL, claim_token = NULL"
	                     " WHERE id = $1 AND claim_token = $2 AND state = 1 RETURNING state",
	                     &(queue_failure){ j->id, j->token, j->attempt, error, NULL }, &o,
	                     &failed, out_retry_ms);
	if (rc == 1)
		rc = oa_error(OFFERAPI_ENOTFOUND,
		              "job %lld (application %lld, %s): the claim was lost before its "
		              "failure could be recorded",
		              (long long)j->id, (long long)j->application_id, j->scorer);
	if (rc == 0 && out_state)
		*out_state = failed ? OFFERAPI_JOB_FAILED : OFFERAPI_JOB_PENDING;
	return rc;
}

int jobs_queue_release(offerapi_store *s, const char *table, offerapi_id id, int64_t token)
{
	char sql[400];
	snprintf(sql, sizeof sql,
	         "UPDATE %s SET state = 0,"
	         " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,"
	         " run_after_ms = $3, claimed_until_ms = NULL, claim_token = NULL"
	         " WHERE id = $1 AND claim_token = $2 AND state = 1 RETURNING id",
	         table);
	db_result *r = NULL;
	int rc = jobs_queue_write(
		s, sql, (db_param[]){ P_INT(id), P_INT(token), P_INT(oa_now_ms()) }, 3, &r);
	if (rc == 0 && r->nrows == 0)
		rc = 1;
	db_result_free(r);
	if (rc == 0)
		store_jobs_signal(s);
	return rc;
}

int offerapi_job_release(offerapi_store *s, const offerapi_job *j)
{
	int rc;
	if (!s || (rc = check_job(j)) < 0)
		return s ? rc : oa_error(OFFERAPI_EINVAL, "jobs: no store");
	if ((rc = jobs_queue_release(s, "jobs", j->id, j->token)) == 1)
		rc = oa_error(OFFERAPI_ENOTFOUND,
		              "job %lld (application %lld, %s): the claim was already lost",
		              (long long)j->id, (long long)j->application_id, j->scorer);
	return rc;
}

/* ---- processing ---- */

/* A short, stable label of an error code for metrics. */
static const char *reason_of(int rc)
{
	switch (rc) {
	case OFFERAPI_EPLUGIN: return "plugin";
	case OFFERAPI_EUNAVAILABLE:
	case OFFERAPI_EBUSY:
	case OFFERAPI_EREADONLY: return "database";
	case OFFERAPI_ENOTFOUND: return "not_found";
	case OFFERAPI_EINVAL:
	case OFFERAPI_ETOOBIG: return "invalid";
	default: return "other";
	}
}

/* Note error @err (message @msg) in @rep. */
static void report_error(offerapi_job_report *rep, int err, const char *msg)
{
	rep->error = err;
	rep->reason = reason_of(err);
	snprintf(rep->message, sizeof rep->message, "%s", msg);
}

/* Record a failed attempt (error @err, message @msg) and say what became
 * of the job in @rep. Returns 0, or the database error (UNRECORDED). */
static int process_failed(offerapi_store *s, const offerapi_job *j, const offerapi_job_options *o,
                          int err, const char *msg, offerapi_job_report *rep)
{
	report_error(rep, err, msg);
	oa_log(OFFERAPI_LOG_WARNING, "job %lld (application %lld, %s) attempt %u: %s",
	       (long long)j->id, (long long)j->application_id, j->scorer, j->attempt, msg);
	offerapi_job_state st;
	int64_t retry;
	int rc = offerapi_job_fail(s, j, msg, o, &st, &retry);
	if (rc == OFFERAPI_ENOTFOUND) {
		rep->result = OFFERAPI_JOB_LOST;
		return 0;
	}
	if (rc < 0) {
		rep->result = OFFERAPI_JOB_UNRECORDED;
		report_error(rep, rc, offerapi_error_last()->message);
		return rc;
	}
	if (st == OFFERAPI_JOB_FAILED) {
		int64_t now = oa_now_ms();
		rep->result = OFFERAPI_JOB_GAVE_UP;
		rep->latency_s = now > j->enqueued_ms ? (double)(now - j->enqueued_ms) / 1000.0 : 0;
	} else {
		rep->result = OFFERAPI_JOB_RETRYING;
		rep->retry_ms = retry;
	}
	return 0;
}

/* Score @j with scorer @idx; on success *score and @expl hold the result. */
static int run_scorer(offerapi_store *s, offerapi_scorers *set, size_t idx, const offerapi_job *j,
                      double *score, char *expl, size_t explsz, offerapi_job_report *rep)
{
	score_ctx ctx;
	int rc = score_ctx_load(s, j->application_id, &ctx);
	if (rc == 0) {
		double t0 = oa_monotonic();
		rc = offerapi_scorers_score_explained(set, idx, &ctx.in, score, expl, explsz);
		rep->score_s = oa_monotonic() - t0;
	}
	score_ctx_clear(&ctx);
	return rc;
}

/* Whether @set has the scorer and version @j is for; its index in *idx. */
static bool set_has(const offerapi_scorers *set, const offerapi_job *j, size_t *idx)
{
	if (offerapi_scorers_find(set, j->scorer, idx) < 0)
		return false;
	return strcmp(offerapi_scorers_info(set, *idx)->version, j->scorer_version) == 0;
}

int offerapi_job_process(offerapi_store *s, offerapi_scorers *set, const offerapi_job *j,
                         const offerapi_job_options *opts, offerapi_job_report *rep)
{
	if (!rep)
		return oa_error(OFFERAPI_EINVAL, "jobs: no report given");
	memset(rep, 0, sizeof *rep);
	offerapi_job_options o;
	int rc;
	if (!s || !set)
		return oa_error(OFFERAPI_EINVAL, "jobs: no store or no scorers");
	if ((rc = check_job(j)) < 0 || (rc = jobs_options(&o, opts)) < 0)
		return rc;
	*rep = (offerapi_job_report){ .job_id = j->id,
		                      .application_id = j->application_id,
		                      .scorer = j->scorer,
		                      .scorer_version = j->scorer_version,
		                      .attempt = j->attempt };
	size_t idx;
	if (!set_has(set, j, &idx)) {
		char msg[300];
		snprintf(msg, sizeof msg, "job %lld is for scorer %s %s, which this set lacks",
		         (long long)j->id, j->scorer, j->scorer_version);
		report_error(rep, OFFERAPI_EINVAL, msg);
		rep->result = offerapi_job_release(s, j) == 0 ? OFFERAPI_JOB_RELEASED
		                                              : OFFERAPI_JOB_UNRECORDED;
		return oa_error(OFFERAPI_EINVAL, "%s", msg);
	}
	double score = 0.0;
	char *expl = malloc(OFFERAPI_EXPLANATION_MAX + 1);
	rc = expl ? run_scorer(s, set, idx, j, &score, expl, OFFERAPI_EXPLANATION_MAX + 1, rep)
	          : oa_error(OFFERAPI_ENOMEM, "out of memory");
	bool scored = rc == 0;
	if (scored)
		rc = offerapi_job_complete(s, j, score, expl, &rep->latency_s);
	free(expl);
	if (rc == 0) {
		rep->result = OFFERAPI_JOB_COMPLETED;
		return 0;
	}
	char msg[512];
	snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
	if (scored && rc == OFFERAPI_ENOTFOUND) { /* complete found the claim lost */
		report_error(rep, rc, msg);
		rep->result = OFFERAPI_JOB_LOST;
		return 0;
	}
	/* the scorer failed, its output was refused, or the database failed
	 * (then recording the failure may work, or fail too: UNRECORDED) */
	return process_failed(s, j, &o, rc, msg, rep);
}

/* ---- the recruiter's retry ---- */

/* OFFERAPI_EPERM / OFFERAPI_ENOTFOUND unless @actor may read application
 * @id; *recruiter says whether as the offer's recruiter. */
static int may_read(offerapi_store *s, const offerapi_user *actor, offerapi_id id, bool *recruiter)
{
	if (!actor)
		return oa_error(OFFERAPI_EPERM, "log in to read applications");
	db_result *r = NULL;
	int rc = store_exec(s,
	                    "SELECT a.candidate_id, o.recruiter_id FROM applications a"
	                    " JOIN offers o ON o.id = a.offer_id WHERE a.id = $1",
	                    (db_param[]){ P_INT(id) }, 1, &r);
	if (rc < 0)
		return rc;
	bool exists = r->nrows > 0;
	offerapi_id cand = exists ? db_int(r, 0, 0) : 0, rec = exists ? db_int(r, 0, 1) : 0;
	db_result_free(r);
	if (!exists)
		return oa_error(OFFERAPI_ENOTFOUND, "application %lld: not found", (long long)id);
	*recruiter = actor->role == OFFERAPI_ROLE_RECRUITER && actor->id == rec;
	if (*recruiter || (actor->role == OFFERAPI_ROLE_CANDIDATE && actor->id == cand))
		return 0;
	return oa_error(OFFERAPI_EPERM, "application %lld is not yours to read", (long long)id);
}

/* After a retry found no failed job: say why from the job's state. */
static int retry_why_not(offerapi_store *s, offerapi_id app, const char *scorer)
{
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT state FROM jobs WHERE application_id = $1 AND scorer = $2",
	                    (db_param[]){ P_INT(app), P_TEXT(scorer) }, 2, &r);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "application %lld has no %s scoring job",
		              (long long)app, scorer);
	else if (rc == 0 && db_int(r, 0, 0) == OFFERAPI_JOB_DONE)
		rc = oa_error(OFFERAPI_EINVAL,
		              "application %lld is already scored by %s: nothing to retry",
		              (long long)app, scorer);
	db_result_free(r);
	return rc; /* pending or running: already queued */
}

int offerapi_job_retry(offerapi_store *s, const offerapi_user *actor, offerapi_id app,
                       const char *scorer)
{
	int rc = store_require_role(actor, OFFERAPI_ROLE_RECRUITER, "retry a scoring job");
	if (rc < 0)
		return rc;
	if (!s || !scorer || !*scorer || strlen(scorer) > OFFERAPI_SCORER_NAME_MAX)
		return oa_error(OFFERAPI_EINVAL, "retry: no store, or a bad scorer name");
	bool recruiter = false;
	if ((rc = may_read(s, actor, app, &recruiter)) < 0)
		return rc;
	if (!recruiter)
		return oa_error(OFFERAPI_EPERM,
		                "application %lld is not an application to your offers",
		                (long long)app);
	db_result *r = NULL;
	int64_t now = oa_now_ms();
	rc = store_exec(
		s,
		"UPDATE jobs SET state = 0, attempts = 0, priority = $3, run_after_ms = $4,"
		" enqueued_ms = $4, last_error = NULL, finished_ms = NULL, claimed_by = NULL"
		" WHERE application_id = $1 AND scorer = $2 AND state = 3 RETURNING id",
		(db_param[]){ P_INT(app), P_TEXT(scorer), P_INT(JOB_PRIORITY_NEW), P_INT(now) }, 4,
		&r);
	bool retried = rc == 0 && r->nrows > 0;
	db_result_free(r);
	if (rc < 0)
		return rc;
	if (!retried)
		return retry_why_not(s, app, scorer);
	store_jobs_signal(s);
	return 0;
}

/* ---- reading states ---- */

void offerapi_job_status_list_free(offerapi_job_status_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].scorer);
		free(l->items[i].scorer_version);
		free(l->items[i].last_error);
	}
	free(l->items);
	free(l);
}

#define STATUS_SQL                                                                                 \
	"SELECT j.application_id, j.scorer, j.scorer_version, j.state, j.attempts,"                \
	" j.last_error, j.enqueued_ms, j.run_after_ms, j.finished_ms FROM jobs j"

/* Build a list from the rows of STATUS_SQL; @errors: keep last_error. */
static int status_list(const db_result *r, bool errors, offerapi_job_status_list **out)
{
	offerapi_job_status_list *l = calloc(1, sizeof *l);
	if (l)
		l->items = calloc(r->nrows ? (size_t)r->nrows : 1, sizeof *l->items);
	if (!l || !l->items) {
		free(l);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	for (int i = 0; i < r->nrows; i++) {
		if (db_isnull(r, i, 1))
			continue; /* STATUS_OFFER_SQL's offer row */
		offerapi_job_status *st = &l->items[l->count++];
		st->application_id = db_int(r, i, 0);
		st->scorer = oa_strdup(db_text(r, i, 1));
		st->scorer_version = oa_strdup(db_text(r, i, 2));
		st->state = (offerapi_job_state)db_int(r, i, 3);
		st->attempts = (unsigned int)db_int(r, i, 4);
		const char *e = errors && !db_isnull(r, i, 5) ? db_text(r, i, 5) : "";
		st->last_error = oa_strdup(e);
		st->enqueued_ms = db_int(r, i, 6);
		st->run_after_ms = db_int(r, i, 7);
		st->finished_ms = db_int(r, i, 8);
		if (!st->scorer || !st->scorer_version || !st->last_error) {
			offerapi_job_status_list_free(l);
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
		}
	}
	*out = l;
	return 0;
}

int offerapi_job_status_application(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                                    offerapi_job_status_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "jobs: no output");
	*out = NULL;
	bool recruiter = false;
	int rc = s ? may_read(s, actor, id, &recruiter) : oa_error(OFFERAPI_EINVAL, "no store");
	if (rc < 0)
		return rc;
	db_result *r = NULL;
	rc = store_exec(s, STATUS_SQL " WHERE j.application_id = $1 ORDER BY j.scorer",
	                (db_param[]){ P_INT(id) }, 1, &r);
	if (rc == 0)
		rc = status_list(r, recruiter, out);
	db_result_free(r);
	return rc;
}

/*
 * The jobs not done of an offer's applications, read from the queue's side
 * (the partial index jobs_not_done, migration 4) and each checked against
 * the offer by its application's primary key, so that the cost follows the
 * jobs not done, not the offer's applications. A join let SQLite walk every
 * application of the offer and probe its jobs instead: 40 000 probes for
 * 20 000 applications, 12 ms per dashboard page. Sorted in C, not by an
 * ORDER BY that would sort in a temporary b-tree.
 */
/* Its first row is the offer's (recruiter_id first, NULL scorer): the
 * owner check in the same round trip. */
#define STATUS_OFFER_SQL                                                                           \
	"SELECT o.recruiter_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM offers o"      \
	" WHERE o.id = $1 UNION ALL " STATUS_SQL " WHERE j.state <> 2 AND"                         \
	" (SELECT a.offer_id FROM applications a WHERE a.id = j.application_id) = $1"

static int status_cmp(const void *pa, const void *pb)
{
	const offerapi_job_status *a = pa, *b = pb;
	if (a->application_id != b->application_id)
		return a->application_id < b->application_id ? -1 : 1;
	return strcmp(a->scorer, b->scorer);
}

const char job_status_offer_sql[] = STATUS_OFFER_SQL;

int job_status_offer_take(const db_result *r, const offerapi_user *actor, offerapi_id offer_id,
                          offerapi_job_status_list **out)
{
	*out = NULL;
	int owner;
	int rc = store_owner_row(r, 1, 0, actor, offer_id, &owner);
	if (rc == 0)
		rc = status_list(r, true, out);
	if (rc == 0 && (*out)->count > 1)
		qsort((*out)->items, (*out)->count, sizeof *(*out)->items, status_cmp);
	return rc;
}

int offerapi_job_status_offer(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id,
                              offerapi_job_status_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "jobs: no output");
	*out = NULL;
	int rc = s ? store_require_role(actor, OFFERAPI_ROLE_RECRUITER,
	                                "read the applications to an offer")
	           : oa_error(OFFERAPI_EINVAL, "no store");
	if (rc < 0)
		return rc;
	db_result *r = NULL;
	rc = store_exec(s, job_status_offer_sql, (db_param[]){ P_INT(offer_id) }, 1, &r);
	if (rc == 0)
		rc = job_status_offer_take(r, actor, offer_id, out);
	db_result_free(r);
	return rc;
}

/* ---- statistics ---- */

void offerapi_job_stats_free(offerapi_job_stats *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->count; i++)
		free(st->items[i].scorer);
	free(st->items);
	free(st);
}

/* The counts of @counts (scorer, state, count) into a new @st. */
static offerapi_job_stats *stats_counts(const db_result *counts)
{
	offerapi_job_stats *st = calloc(1, sizeof *st);
	if (!st ||
	    !(st->items = calloc(counts->nrows ? (size_t)counts->nrows : 1, sizeof *st->items))) {
		free(st);
		return NULL;
	}
	for (int i = 0; i < counts->nrows; i++) {
		offerapi_job_count *c = &st->items[st->count];
		if (!(c->scorer = oa_strdup(db_text(counts, i, 0)))) {
			offerapi_job_stats_free(st);
			return NULL;
		}
		c->state = (offerapi_job_state)db_int(counts, i, 1);
		c->count = db_int(counts, i, 2);
		st->count++;
	}
	return st;
}

/* The oldest enqueue time of each scorer's pending jobs, from @oldest
 * (scorer, MIN(enqueued_ms)), into @st. */
static void stats_oldest(offerapi_job_stats *st, const db_result *oldest)
{
	int64_t first = 0;
	for (int i = 0; i < oldest->nrows; i++) {
		int64_t t = db_int(oldest, i, 1);
		for (size_t k = 0; k < st->count; k++)
			if (st->items[k].state == OFFERAPI_JOB_PENDING &&
			    !strcmp(st->items[k].scorer, db_text(oldest, i, 0)))
				st->items[k].oldest_enqueued_ms = t;
		if (!first || t < first)
			first = t;
	}
	if (first && st->now_ms > first)
		st->oldest_pending_s = (double)(st->now_ms - first) / 1000.0;
}

int offerapi_job_stats_get(offerapi_store *s, offerapi_job_stats **out)
{
	if (!s || !out)
		return oa_error(OFFERAPI_EINVAL, "jobs: no store or no output");
	*out = NULL;
	/* one round trip on PostgreSQL: the counts read the index (jobs_state)
	 * alone; the oldest reads the table for the pending jobs only */
	const db_stmt q[2] = {
		{ "SELECT scorer, state, COUNT(*) FROM jobs GROUP BY scorer, state"
		  " ORDER BY scorer, state",
		  NULL, 0 },
		{ "SELECT scorer, MIN(enqueued_ms) FROM jobs WHERE state = 0 GROUP BY scorer", NULL,
		  0 },
	};
	db_result *r[2];
	int rc = store_batch(s, 2, q, r);
	if (rc < 0)
		return rc;
	offerapi_job_stats *st = stats_counts(r[0]);
	if (st) {
		st->now_ms = oa_now_ms();
		stats_oldest(st, r[1]);
	}
	db_result_free(r[0]);
	db_result_free(r[1]);
	if (!st)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	*out = st;
	return 0;
}
