/*
 * outbox.c - the mail outbox in the database (offerapi/mail.h).
 *
 * Table outbox (migration 7) is claimed exactly as table jobs is (jobs.c):
 * one UPDATE of the oldest ready row, with FOR UPDATE SKIP LOCKED on
 * PostgreSQL and under the single write lock on SQLite; each claim has a
 * random token that every later change of the row must present, so a
 * sender whose lease expired cannot touch a message another sender holds.
 * The fields of a message that is done (sent, logged or failed) are
 * replaced by "{}": a verification or reset link does not outlive its
 * delivery in the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jobs_internal.h"
#include "offerapi/mail.h"

#define MAIL_LEASE_DEFAULT_S 120
#define MAIL_ATTEMPTS_DEFAULT 8
#define MAIL_BACKOFF_BASE_DEFAULT_MS 30000
#define MAIL_BACKOFF_MAX_DEFAULT_MS 900000
#define REQUEUE_EVERY_MS 1000

static const char *const state_names[] = { "pending", "sending", "sent", "failed", "logged" };

/* jobs_queue_fail() reads a row's new state as a job's */
_Static_assert((int)OFFERAPI_MAIL_FAILED == (int)OFFERAPI_JOB_FAILED, "the queues share state 3");

const char *offerapi_mail_state_name(offerapi_mail_state st)
{
	return oa_name_of(state_names, OFFERAPI_MAIL_NSTATES, 0, (int)st);
}

/* The job options with the outbox's own defaults for zero fields. */
static int mail_options(offerapi_job_options *o, const offerapi_job_options *in)
{
	offerapi_job_options d = OFFERAPI_JOB_OPTIONS_INIT;
	if (in)
		d = *in;
	if (!d.lease_s)
		d.lease_s = MAIL_LEASE_DEFAULT_S;
	if (!d.max_attempts)
		d.max_attempts = MAIL_ATTEMPTS_DEFAULT;
	if (!d.backoff_base_ms)
		d.backoff_base_ms = MAIL_BACKOFF_BASE_DEFAULT_MS;
	if (!d.backoff_max_ms)
		d.backoff_max_ms = d.backoff_base_ms > MAIL_BACKOFF_MAX_DEFAULT_MS
		                           ? d.backoff_base_ms
		                           : MAIL_BACKOFF_MAX_DEFAULT_MS;
	return jobs_options(o, &d);
}

int outbox_enqueue_tx(db_conn *c, const char *kind, const char *to, const char *lang,
                      offerapi_id user_id, const char *params)
{
	int64_t now = oa_now_ms();
	return db_exec(c,
	               "INSERT INTO outbox (kind, recipient, lang, params, user_id, state,"
	               " attempts, run_after_ms, enqueued_ms)"
	               " VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $6)",
	               (db_param[]){ P_TEXT(kind), P_TEXT(to), P_TEXT(lang), P_TEXT(params),
	                             user_id ? P_INT(user_id) : P_NULL(), P_INT(now) },
	               6, NULL);
}

/* Messages whose sender's lease expired: pending again, or failed. */
static int requeue_expired(offerapi_store *s, const offerapi_job_options *o, int64_t now)
{
	static _Thread_local int64_t last;
	if (now - last < REQUEUE_EVERY_MS && now >= last)
		return 0;
	last = now;
	db_result *r = NULL;
	int rc = jobs_queue_write(
		s,
		"UPDATE outbox SET state = CASE WHEN attempts >= $2 THEN 3 ELSE 0 END,"
		" finished_ms = CASE WHEN attempts >= $2 THEN $1 ELSE NULL END,"
		" params = CASE WHEN attempts >= $2 THEN '{}' ELSE params END,"
		" run_after_ms = $1, last_error = $3, claimed_until_ms = NULL, claim_token = NULL"
		" WHERE state = 1 AND claimed_until_ms <= $1 RETURNING id",
		(db_param[]){ P_INT(now), P_INT(o->max_attempts),
	                      P_TEXT("the sender stopped without an answer (its lease expired)") },
		3, &r);
	if (rc == 0 && r->nrows > 0)
		oa_log(OFFERAPI_LOG_WARNING,
		       "mail: %d message(s) whose sender stopped mid-delivery (lease expired) made "
		       "claimable again or failed",
		       r->nrows);
	db_result_free(r);
	return rc;
}

#define CLAIM_SQL(skip)                                                                            \
	"UPDATE outbox SET state = 1, attempts = attempts + 1, claimed_until_ms = $1,"             \
	" claim_token = $2, claimed_by = $3"                                                       \
	" WHERE id = (SELECT id FROM outbox WHERE state = 0 AND run_after_ms <= $4"                \
	" ORDER BY run_after_ms, id LIMIT 1" skip ")"                                              \
	" RETURNING id, kind, recipient, lang, params, attempts, enqueued_ms"
static const char claim_sql_sqlite[] = CLAIM_SQL("");
static const char claim_sql_pg[] = CLAIM_SQL(JOBS_SKIP_LOCKED);

static int mail_from_row(const db_result *r, offerapi_mail **out)
{
	offerapi_mail *m = calloc(1, sizeof *m);
	if (m) {
		m->id = db_int(r, 0, 0);
		m->kind = oa_strdup(db_text(r, 0, 1));
		m->recipient = oa_strdup(db_text(r, 0, 2));
		m->lang = oa_strdup(db_text(r, 0, 3));
		m->params = oa_strdup(db_text(r, 0, 4));
		m->attempt = (unsigned int)db_int(r, 0, 5);
		m->enqueued_ms = db_int(r, 0, 6);
	}
	if (!m || !m->kind || !m->recipient || !m->lang || !m->params) {
		offerapi_mail_free(m);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

int offerapi_mail_claim(offerapi_store *s, const char *worker, const offerapi_job_options *opts,
                        offerapi_mail **out)
{
	if (out)
		*out = NULL;
	if (!s || !out)
		return oa_error(OFFERAPI_EINVAL, "mail: no store or no output");
	offerapi_job_options o;
	int rc = mail_options(&o, opts);
	if (rc < 0 ||
	    (rc = oa_check_text("worker name", worker, 0, WORKER_NAME_BUF - 1, false, true)) < 0)
		return rc;
	int64_t now = oa_now_ms();
	if ((rc = requeue_expired(s, &o, now)) < 0)
		return rc;
	int64_t token = jobs_claim_token(), until = now + (int64_t)o.lease_s * 1000;
	db_result *r = NULL;
	rc = jobs_queue_write(
		s, store_is_pg(s) ? claim_sql_pg : claim_sql_sqlite,
		(db_param[]){ P_INT(until), P_INT(token), P_TEXT(worker), P_INT(now) }, 4, &r);
	if (rc == 0 && r->nrows > 0 && (rc = mail_from_row(r, out)) == 0) {
		(*out)->claimed_until_ms = until;
		(*out)->token = token;
	}
	db_result_free(r);
	return rc;
}

void offerapi_mail_free(offerapi_mail *m)
{
	if (!m)
		return;
	free(m->kind);
	free(m->recipient);
	free(m->lang);
	oa_free_secret(m->params);
	free(m);
}

static int check_mail(offerapi_store *s, const offerapi_mail *m)
{
	if (!s || !m || m->id <= 0 || m->token <= 0)
		return oa_error(OFFERAPI_EINVAL, "mail: no store, or not a claimed message");
	return 0;
}

static int lost(const offerapi_mail *m)
{
	return oa_error(OFFERAPI_ENOTFOUND, "mail %lld: the claim was lost", (long long)m->id);
}

int offerapi_mail_done(offerapi_store *s, const offerapi_mail *m, bool logged,
                       double *out_latency_s)
{
	if (out_latency_s)
		*out_latency_s = 0;
	int rc = check_mail(s, m);
	if (rc < 0)
		return rc;
	int64_t now = oa_now_ms();
	db_result *r = NULL;
	rc = jobs_queue_write(
		s,
		"UPDATE outbox SET state = $3, finished_ms = $4, params = '{}',"
		" claimed_until_ms = NULL, claim_token = NULL, last_error = NULL"
		" WHERE id = $1 AND claim_token = $2 AND state = 1 RETURNING enqueued_ms",
		(db_param[]){ P_INT(m->id), P_INT(m->token),
	                      P_INT(logged ? OFFERAPI_MAIL_LOGGED : OFFERAPI_MAIL_SENT),
	                      P_INT(now) },
		4, &r);
	if (rc == 0 && r->nrows == 0)
		rc = lost(m);
	if (rc == 0 && out_latency_s)
		*out_latency_s = (double)(now - db_int(r, 0, 0)) / 1000.0;
	db_result_free(r);
	return rc;
}

int offerapi_mail_fail(offerapi_store *s, const offerapi_mail *m, const char *error,
                       const offerapi_job_options *opts, offerapi_mail_state *out_state,
                       int64_t *out_retry_ms)
{
	if (out_state)
		*out_state = OFFERAPI_MAIL_PENDING;
	if (out_retry_ms)
		*out_retry_ms = 0;
	offerapi_job_options o;
	int rc;
	if ((rc = check_mail(s, m)) < 0 || (rc = mail_options(&o, opts)) < 0)
		return rc;
	bool failed = false;
	rc = jobs_queue_fail(s,
	                     "UPDATE outbox SET state = CASE WHEN attempts >= $3 THEN 3 ELSE 0 END,"
	                     " run_after_ms = $4, last_error = $5,"
	                     " finished_ms = CASE WHEN attempts >= $3 THEN $6 ELSE NULL END,"
	                     " params = CASE WHEN attempts >= $3 THEN '{}' ELSE params END,"
	                     " claimed_until_ms = NULL, claim_token = NULL"
	                     " WHERE id = $1 AND claim_token = $2 AND state = 1 RETURNING state",
	                     &(queue_failure){ m->id, m->token, m->attempt, error, NULL }, &o,
	                     &failed, out_retry_ms);
	if (rc == 1)
		rc = lost(m);
	if (rc == 0 && out_state)
		*out_state = failed ? OFFERAPI_MAIL_FAILED : OFFERAPI_MAIL_PENDING;
	return rc;
}

int offerapi_mail_release(offerapi_store *s, const offerapi_mail *m)
{
	int rc = check_mail(s, m);
	if (rc == 0)
		rc = jobs_queue_release(s, "outbox", m->id, m->token);
	return rc == 1 ? lost(m) : rc;
}

int offerapi_mail_stats_get(offerapi_store *s, offerapi_mail_stats *out)
{
	if (!s || !out)
		return oa_error(OFFERAPI_EINVAL, "mail stats: no store or no output");
	memset(out, 0, sizeof *out);
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT state, COUNT(*) FROM outbox GROUP BY state", NULL, 0, &r);
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		int64_t st = db_int(r, i, 0);
		if (st >= 0 && st < OFFERAPI_MAIL_NSTATES)
			out->count[st] = db_int(r, i, 1);
	}
	db_result_free(r);
	r = NULL;
	if (rc == 0)
		rc = store_exec(s, "SELECT MIN(enqueued_ms) FROM outbox WHERE state = 0", NULL, 0,
		                &r);
	if (rc == 0 && !db_isnull(r, 0, 0)) {
		double age = (double)(oa_now_ms() - db_int(r, 0, 0)) / 1000.0;
		out->oldest_pending_s = age > 0 ? age : 0;
	}
	db_result_free(r);
	return rc;
}

int offerapi_mail_state_get(offerapi_store *s, offerapi_id id, offerapi_mail_state *out_state,
                            unsigned int *out_attempts)
{
	if (!s || !out_state)
		return oa_error(OFFERAPI_EINVAL, "mail state: no store or no output");
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT state, attempts FROM outbox WHERE id = $1",
	                    (db_param[]){ P_INT(id) }, 1, &r);
	rc = store_found(rc, &r, "mail", id);
	if (rc == 0) {
		*out_state = (offerapi_mail_state)db_int(r, 0, 0);
		if (out_attempts)
			*out_attempts = (unsigned int)db_int(r, 0, 1);
	}
	db_result_free(r);
	return rc;
}
