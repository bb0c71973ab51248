/*
 * retention.c - the retention purge (issue 16; rules in
 * offerapi/retention.h, what is kept in docs/privacy.md).
 *
 * Each step is one statement or one short transaction over a batch, so
 * that a purge of a large store never holds the database for long, and
 * repeats until nothing is left to do. The conditions are evaluated by
 * the statement that deletes: an application that gets a note between a
 * count and the delete is not deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "internal.h"
#include "store_internal.h"
#include "offerapi/retention.h"

/* rows handled per transaction */
#define BATCH 200
#define DAY_S INT64_C(86400)

/* The application's last activity: applying, its last stage change, its
 * newest note. */
#define LAST_ACTIVITY(fn)                                                                          \
	fn "(a.created_at, COALESCE(a.stage_at, a.created_at),"                                    \
	   " COALESCE((SELECT MAX(n.created_at) FROM application_notes n"                          \
	   " WHERE n.application_id = a.id), 0))"

/* The SQL of the purge, per backend (PostgreSQL's GREATEST is SQLite's
 * scalar MAX). $1 is the retention in seconds, $2 the pool period. */
typedef struct purge_sql {
	char last[256]; /* LAST_ACTIVITY */
	char until[512]; /* the end of the keeping */
} purge_sql;

static void sql_init(const offerapi_store *s, purge_sql *q)
{
	snprintf(q->last, sizeof q->last, "%s",
	         store_is_pg(s) ? LAST_ACTIVITY("GREATEST") : LAST_ACTIVITY("MAX"));
	snprintf(q->until, sizeof q->until,
	         "(%s + CAST($1 AS BIGINT) + CASE WHEN a.pool_consent = 1"
	         " THEN CAST($2 AS BIGINT) ELSE 0 END)",
	         q->last);
}

static int check_policy(const offerapi_retention_policy *p)
{
	if (!p || p->version < 1 || p->version > OFFERAPI_RETENTION_POLICY_VERSION)
		return oa_error(OFFERAPI_EINVAL,
		                "offerapi_retention_policy: missing or version %u unknown (this"
		                " library reads 1 to %d)",
		                p ? p->version : 0, OFFERAPI_RETENTION_POLICY_VERSION);
	const char *bad = p->application_days < 1  ? "application_days"
	                  : p->unverified_days < 1 ? "unverified_days"
	                                           : NULL;
	if (!bad && (p->application_days > OFFERAPI_RETENTION_DAYS_MAX ||
	             p->pool_days > OFFERAPI_RETENTION_DAYS_MAX ||
	             p->unverified_days > OFFERAPI_RETENTION_DAYS_MAX || p->warn_days > 365))
		bad = "a number of days";
	if (bad)
		return oa_error(
			OFFERAPI_EINVAL,
			"retention policy: %s out of range (1 to %d days; warn_days 0 to 365)", bad,
			OFFERAPI_RETENTION_DAYS_MAX);
	return 0;
}

/* ---- the warnings ---- */

/* The applications to warn about now: due within warn_days, of a
 * candidate with a verified address, not warned since their last
 * activity. Columns: id, candidate id, e-mail, lang, name, offer title,
 * end of keeping, last activity. $3: now + warn_days. */
static void warn_select(const purge_sql *q, char *out, size_t n, bool count)
{
	snprintf(out, n,
	         "SELECT %s FROM applications a JOIN users u ON u.id = a.candidate_id"
	         " JOIN offers o ON o.id = a.offer_id"
	         " WHERE a.stage <> 'hired' AND u.email IS NOT NULL"
	         " AND u.email_verified_at IS NOT NULL AND u.erased = 0"
	         " AND (a.purge_warned_at IS NULL OR a.purge_warned_at < %s)"
	         " AND %s <= CAST($3 AS BIGINT)%s",
	         count ? "COUNT(*)" : "a.id, u.id, u.email, u.lang, u.display_name, o.title",
	         q->last, q->until, count ? "" : " ORDER BY a.id LIMIT 200");
}

/* @t as a day, YYYY-MM-DD (UTC), as the message says it. */
static void day_str(int64_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* Mark row @i of @r warned (unless another process did) and queue its
 * message, in @c's transaction. *@sent: a message was queued. */
static int warn_one_tx(db_conn *c, const db_result *r, int i, int64_t now, int64_t from, bool *sent)
{
	db_result *u = NULL;
	*sent = false;
	int rc = db_exec(c,
	                 "UPDATE applications SET purge_warned_at = $2 WHERE id = $1"
	                 " AND (purge_warned_at IS NULL OR purge_warned_at < $2) RETURNING id",
	                 (db_param[]){ P_INT(db_int(r, i, 0)), P_INT(now) }, 2, &u);
	bool mine = rc == 0 && u->nrows == 1;
	db_result_free(u);
	if (rc < 0 || !mine)
		return rc;
	char day[16];
	day_str(from, day);
	json_t *o = json_pack("{s:s, s:s, s:s}", "name", db_text(r, i, 4), "offer",
	                      db_text(r, i, 5), "date", day);
	char *params = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!params)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	rc = outbox_enqueue_tx(c, "retention-warning", db_text(r, i, 2), db_text(r, i, 3),
	                       db_int(r, i, 1), params);
	free(params);
	*sent = rc == 0;
	return rc;
}

/* One batch of warnings; *@n: how many were queued, *@more: a full batch. */
static int warn_batch(offerapi_store *s, const purge_sql *q, const db_param *p, int64_t now,
                      int64_t from, int64_t *n, bool *more)
{
	char sql[2048];
	warn_select(q, sql, sizeof sql, false);
	*more = false;
	db_conn *c;
	db_result *r = NULL;
	int64_t queued = 0;
	int rc = store_begin_exec(s, &c, sql, p, 3, &r);
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		bool sent;
		rc = warn_one_tx(c, r, i, now, from, &sent);
		queued += sent;
	}
	if (rc == 0)
		*more = r->nrows == BATCH;
	db_result_free(r);
	rc = store_end(s, c, rc);
	if (rc == 0 && queued) {
		*n += queued;
		store_jobs_signal(s); /* the mail senders of this process */
	}
	return rc;
}

static int warn_all(offerapi_store *s, const offerapi_retention_policy *p, const purge_sql *q,
                    int64_t now, int64_t *n)
{
	if (!p->warn_days)
		return 0;
	int64_t keep = (int64_t)p->application_days * DAY_S, pool = (int64_t)p->pool_days * DAY_S;
	int64_t horizon = now + (int64_t)p->warn_days * DAY_S;
	db_param prm[] = { P_INT(keep), P_INT(pool), P_INT(horizon) };
	if (p->dry_run) {
		char sql[2048];
		warn_select(q, sql, sizeof sql, true);
		db_result *r = NULL;
		int rc = store_exec(s, sql, prm, 3, &r);
		if (rc == 0)
			*n += db_int(r, 0, 0);
		db_result_free(r);
		return rc;
	}
	/* the message names the first day the purge may take it: never
	 * sooner than warn_days from now */
	bool more = true;
	int rc = 0;
	for (int round = 0; rc == 0 && more && round < 1000; round++)
		rc = warn_batch(s, q, prm, now, horizon, n, &more);
	return rc;
}

/* ---- the applications ---- */

/* The applications due: past their keeping, not hired, and when their
 * candidate has a verified address and warnings are on, warned since their
 * last activity and at least warn_days ago ($4: now - warn_days; $3 now). */
static void due_where(const purge_sql *q, bool warn, char *out, size_t n)
{
	char w[512] = "";
	if (warn)
		snprintf(w, sizeof w,
		         " AND (u.email IS NULL OR u.email_verified_at IS NULL"
		         " OR (a.purge_warned_at IS NOT NULL AND a.purge_warned_at >= %s"
		         " AND a.purge_warned_at <= CAST($4 AS BIGINT)))",
		         q->last);
	snprintf(out, n,
	         " FROM applications a JOIN users u ON u.id = a.candidate_id"
	         " WHERE a.stage <> 'hired' AND %s <= CAST($3 AS BIGINT)%s",
	         q->until, w);
}

/* Count the rows @r returned (offer_id, created_at, stage) in
 * retention_counts, in @c's transaction. */
static int count_purged_tx(db_conn *c, const db_result *r)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		int64_t created = db_int(r, i, 1);
		rc = db_exec(c,
		             "INSERT INTO retention_counts (offer_id, day, stage, applications)"
		             " VALUES ($1, $2, $3, 1) ON CONFLICT (offer_id, day, stage)"
		             " DO UPDATE SET applications = retention_counts.applications + 1",
		             (db_param[]){ P_INT(db_int(r, i, 0)), P_INT(created - created % DAY_S),
		                           P_TEXT(db_text(r, i, 2)) },
		             3, NULL);
	}
	return rc;
}

/* Delete one batch of due applications (their CVs, scores, jobs, stages,
 * notes and access records go by ON DELETE CASCADE) and count them. */
static int purge_batch(offerapi_store *s, const char *where, const db_param *p, int np, int64_t *n,
                       bool *more)
{
	char sql[4096];
	snprintf(sql, sizeof sql,
	         "DELETE FROM applications WHERE id IN (SELECT a.id%s ORDER BY a.id LIMIT %d)"
	         " RETURNING offer_id, created_at, stage",
	         where, BATCH);
	db_conn *c;
	int rc = store_conn(s, &c);
	if (rc < 0)
		return rc;
	/* on SQLite the job writes of this process take turns (erase.c) */
	store_queue_lock(s);
	db_result *r = NULL;
	*more = false;
	rc = db_begin(c);
	if (rc == 0)
		rc = db_exec(c, sql, p, np, &r);
	if (rc == 0)
		rc = count_purged_tx(c, r);
	int64_t done = rc == 0 ? r->nrows : 0;
	db_result_free(r);
	rc = db_end(c, rc);
	store_queue_unlock(s);
	if (rc == 0 && done)
		store_wal_scrub(s, c, "retention purge");
	store_release(s, c);
	if (rc == 0) {
		*n += done;
		*more = done == BATCH;
	}
	return rc;
}

static int purge_applications(offerapi_store *s, const offerapi_retention_policy *p,
                              const purge_sql *q, int64_t now, int64_t *n)
{
	char where[2048];
	bool warn = p->warn_days > 0;
	due_where(q, warn, where, sizeof where);
	db_param prm[] = { P_INT((int64_t)p->application_days * DAY_S),
		           P_INT((int64_t)p->pool_days * DAY_S), P_INT(now),
		           P_INT(now - (int64_t)p->warn_days * DAY_S) };
	int np = warn ? 4 : 3;
	if (p->dry_run) {
		int64_t k = 0;
		int rc = store_count(s, where, prm, np, &k);
		*n += k;
		return rc;
	}
	bool more = true;
	int rc = 0;
	for (int round = 0; rc == 0 && more && round < 100000; round++)
		rc = purge_batch(s, where, prm, np, n, &more);
	return rc;
}

/* ---- accounts, sessions, tokens ---- */

#define UNVERIFIED_FROM                                                                            \
	" FROM users u WHERE u.email IS NOT NULL AND u.email_verified_at IS NULL"                  \
	" AND u.erased = 0 AND u.created_at <= $1"                                                 \
	" AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = u.id)"               \
	" AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.recruiter_id = u.id)"

static int purge_unverified(offerapi_store *s, const offerapi_retention_policy *p, int64_t now,
                            int64_t *n)
{
	db_param prm[] = { P_INT(now - (int64_t)p->unverified_days * DAY_S) };
	if (p->dry_run) {
		int64_t k = 0;
		int rc = store_count(s, UNVERIFIED_FROM, prm, 1, &k);
		*n += k;
		return rc;
	}
	int rc = 0;
	for (int round = 0; rc == 0 && round < 10000; round++) {
		db_result *r = NULL;
		rc = store_exec(s, "SELECT u.id" UNVERIFIED_FROM " ORDER BY u.id LIMIT 200", prm, 1,
		                &r);
		int rows = rc == 0 ? r->nrows : 0;
		for (int i = 0; rc == 0 && i < rows; i++) {
			int e = offerapi_user_erase(s, db_int(r, i, 0), NULL);
			if (e == 0)
				++*n;
			else if (e != OFFERAPI_ENOTFOUND) /* erased meanwhile: done */
				rc = e;
		}
		db_result_free(r);
		if (rows < BATCH)
			break;
	}
	return rc;
}

/* Sessions and tokens past their expiry. */
static int purge_expired(offerapi_store *s, const offerapi_retention_policy *p, int64_t now,
                         offerapi_retention_counts *out)
{
	static const struct {
		const char *from;
		bool session;
	} steps[] = {
		{ " FROM sessions WHERE expires_at <= $1", true },
		{ " FROM account_tokens WHERE expires_at <= $1", false },
		{ " FROM api_tokens WHERE expires_at IS NOT NULL AND expires_at <= $1", false },
	};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof *steps; i++) {
		int64_t k = 0;
		char sql[256];
		snprintf(sql, sizeof sql, "DELETE%s RETURNING 1", steps[i].from);
		db_result *r = NULL;
		if (p->dry_run) {
			rc = store_count(s, steps[i].from, (db_param[]){ P_INT(now) }, 1, &k);
		} else {
			rc = store_write(s, sql, (db_param[]){ P_INT(now) }, 1, &r);
			k = rc == 0 ? r->nrows : 0;
			db_result_free(r);
		}
		*(steps[i].session ? &out->sessions : &out->tokens) += k;
	}
	return rc;
}

int offerapi_retention_purge(offerapi_store *s, const offerapi_retention_policy *p, int64_t now,
                             offerapi_retention_counts *out)
{
	offerapi_retention_counts n = { 0, 0, 0, 0, 0 };
	if (out)
		*out = n;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	int rc = check_policy(p);
	if (rc < 0)
		return rc;
	purge_sql q;
	sql_init(s, &q);
	rc = warn_all(s, p, &q, now, &n.warned);
	if (rc == 0)
		rc = purge_applications(s, p, &q, now, &n.applications);
	if (rc == 0)
		rc = purge_unverified(s, p, now, &n.accounts);
	if (rc == 0)
		rc = purge_expired(s, p, now, &n);
	if (!p->dry_run && (n.applications || n.accounts || n.warned))
		oa_log(OFFERAPI_LOG_INFO,
		       "retention purge: %lld application(s), %lld account(s), %lld warning(s)",
		       (long long)n.applications, (long long)n.accounts, (long long)n.warned);
	if (out)
		*out = n;
	return rc;
}
