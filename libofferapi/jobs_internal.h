/*
 * jobs_internal.h - what jobs.c shares with the rest of the library.
 */
#ifndef OFFERAPI_JOBS_INTERNAL_H
#define OFFERAPI_JOBS_INTERNAL_H

#include "offerapi/jobs.h"
#include "offerapi/offer.h"
#include "offerapi/scorer.h"
#include "store_internal.h"

/* offerapi_job_status_offer()'s statement ($1 the offer; its first row
 * the offer's, for the owner check), and the list from its result, the
 * owner checked (EPERM / ENOTFOUND as store_owner_row). */
extern const char job_status_offer_sql[];
int job_status_offer_take(const db_result *r, const offerapi_user *actor, offerapi_id offer_id,
                          offerapi_job_status_list **out);

/* Priorities of jobs: new applications and retries before rescoring. */
#define JOB_PRIORITY_RESCORE 0
#define JOB_PRIORITY_NEW 1

/* Room for a worker name (stored with claims), NUL included. */
#define WORKER_NAME_BUF 129

/* Bytes of a failure's last error kept (jobs and mail). */
#define ERROR_KEPT_MAX 2000

/* The delay before attempt @attempt + 1: base * 2^(attempt - 1) capped at
 * max, drawn uniformly in [half of it, all of it] (jobs and mail). */
int64_t jobs_backoff_ms(const offerapi_job_options *o, unsigned int attempt);

/* @in as an error fit to keep: one line, valid UTF-8, at most
 * ERROR_KEPT_MAX bytes cut on a character boundary (jobs and mail). */
void jobs_error_text(char *out, size_t outsz, const char *in);

/* One failed attempt at a claimed row of a queue (jobs, mail, webhook
 * deliveries), as jobs_queue_fail() records it. */
typedef struct queue_failure {
	offerapi_id id; /* the row */
	int64_t token; /* its claim */
	unsigned int attempt; /* the attempt that failed, from 1 */
	const char *error; /* why; kept as jobs_error_text() makes it */
	const db_param *status; /* NULL, or $7 of the UPDATE (a webhook receiver's answer) */
} queue_failure;

/*
 * Record failure @f with @sql, the queue's UPDATE, by the rule every queue
 * follows: at its last attempt (o->max_attempts) the row fails for good,
 * else it is pending again after jobs_backoff_ms(). @sql takes $1 the id,
 * $2 the claim token, $3 o->max_attempts, $4 the time of the retry, $5 the
 * error kept, $6 now (and $7 f->status when given); it changes only the
 * row still claimed with that token and returns its new state (3: failed).
 * On success *@out_failed (may be NULL) says whether the row failed for
 * good and *@out_retry_ms (may be NULL) when it runs again (0 when failed).
 * Returns 0, 1 when no row is claimed with that token any more (the claim
 * was lost: the caller says whose; no error set), or an error.
 */
int jobs_queue_fail(offerapi_store *s, const char *sql, const queue_failure *f,
                    const offerapi_job_options *o, bool *out_failed, int64_t *out_retry_ms);

/* Give the row @id of queue @table ("jobs" or "outbox": a constant), claimed
 * with @token, back before it was tried: pending at once, its attempt not
 * counted; then wake the workers (store_jobs_signal()). Returns 0, 1 when
 * no row is claimed with that token any more (the caller says whose; no
 * error set), or an error. */
int jobs_queue_release(offerapi_store *s, const char *table, offerapi_id id, int64_t token);

/* A random claim token for a queue row: positive, never 0 (jobs, mail,
 * webhook deliveries). */
int64_t jobs_claim_token(void);

/* The name a worker thread claims with (jobs and mail): "@name/@kind@i"
 * when the operator named the process, else "host:pid/@kind@i". */
void jobs_worker_name(char *out, size_t outsz, const char *name, const char *kind, unsigned int i);

/* What ends the subquery that picks the next ready row of a queue to claim,
 * on PostgreSQL: concurrent claimers pass each other by (SQLite has one
 * queue writer at a time: jobs_queue_write). */
#define JOBS_SKIP_LOCKED " FOR UPDATE SKIP LOCKED"

/* store_exec() of a write to a queue (jobs, webhook deliveries, mail): on SQLite
 * it takes its turn with this process's other queue writes, so that their
 * threads do not make each other wait for the lock. */
int jobs_queue_write(offerapi_store *s, const char *sql, const db_param *p, int n, db_result **out);

/* Copy @in (NULL: defaults) into @o, defaults applied, bounds checked. */
int jobs_options(offerapi_job_options *o, const offerapi_job_options *in);

/* Enqueue one pending job per scorer of @set for application @app, on @c
 * inside the caller's transaction (set NULL or empty: nothing). The caller
 * calls store_jobs_signal() after its commit. */
int jobs_enqueue_tx(db_conn *c, offerapi_id app, const offerapi_scorers *set);

/* An application ready to be scored: its offer and CV text as the input a
 * scorer takes (scoring.c). */
typedef struct score_ctx {
	db_result *row; /* offer_id, the sealed cv_text */
	char *text; /* the CV text, opened (wiped when cleared) */
	size_t text_len;
	offerapi_offer *offer;
	offerapi_score_input in;
} score_ctx;

/* Read application @id and its offer into @ctx (OFFERAPI_ENOTFOUND when
 * either is gone). score_ctx_clear() frees it, also after a failure. */
int score_ctx_load(offerapi_store *s, offerapi_id id, score_ctx *ctx);
void score_ctx_clear(score_ctx *ctx);

#endif
