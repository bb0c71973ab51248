/*
 * erase.c - the right to be forgotten (issue 16; rules in offerapi/user.h,
 * what is removed and kept in docs/privacy.md).
 *
 * One transaction removes everything that identifies the person: their
 * applications (the CVs, scores, jobs, stages and notes go with them by
 * ON DELETE CASCADE), their sessions, tokens, links, webhooks and stored
 * answers, the mail to them, and every mail not yet sent and every stored
 * answer of another account's request that names them (a recruiter's
 * retried stage change answers with the candidate's name and login). Those
 * are found by the person's login, address and name as JSON strings, with
 * their quotes: a value equal to the person's, not a word inside another.
 * Then the account goes, unless it is a recruiter's with offers: that row
 * stays empty for the offers to point at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "store_internal.h"

/* @s as a JSON string with its quotes (malloc'd), or NULL. */
static char *json_quoted(const char *s)
{
	json_t *j = json_string(s);
	char *out = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	json_decref(j);
	return out;
}

/* The person's identifiers as JSON strings: login, address, name. */
typedef struct who {
	char *q[3];
	size_t n;
} who;

static void who_free(who *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->q[i]);
	w->n = 0;
}

static int who_add(who *w, const char *s)
{
	if (!s || !*s)
		return 0;
	char *q = json_quoted(s);
	if (!q)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	w->q[w->n++] = q;
	return 0;
}

/* Delete the mail not yet sent (state 0 or 1) and the stored answers of
 * any account that hold one of @w's strings. */
static int erase_mentions_tx(offerapi_store *s, db_conn *c, const who *w, int64_t *messages)
{
	const char *mail = store_is_pg(s) ? "DELETE FROM outbox WHERE state IN (0, 1)"
	                                    " AND strpos(params, $1) > 0 RETURNING id"
	                                  : "DELETE FROM outbox WHERE state IN (0, 1)"
	                                    " AND instr(params, $1) > 0 RETURNING id";
	const char *idem = store_is_pg(s) ? "DELETE FROM idempotency_keys WHERE body IS NOT NULL"
	                                    " AND position(convert_to($1, 'UTF8') in body) > 0"
	                                  : "DELETE FROM idempotency_keys WHERE body IS NOT NULL"
	                                    " AND instr(body, CAST($1 AS BLOB)) > 0";
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < w->n; i++) {
		db_result *r = NULL;
		rc = db_exec(c, mail, (db_param[]){ P_TEXT(w->q[i]) }, 1, &r);
		if (rc == 0)
			*messages += r->nrows;
		db_result_free(r);
		if (rc == 0)
			rc = db_exec(c, idem, (db_param[]){ P_TEXT(w->q[i]) }, 1, NULL);
	}
	return rc;
}

/* The rows of account @id (login @login, address @email or ""): its
 * applications, and by cascade their CVs (sealed and any old plaintext
 * row), scores, jobs, stage history and notes; its sessions, tokens,
 * endpoints and keys; the mail to it, sent or not; the addresses it
 * viewed applications from. */
static int erase_rows_tx(db_conn *c, offerapi_id id, const char *login, const char *email,
                         offerapi_erase_info *info)
{
	db_result *r = NULL;
	int rc = db_exec(c, "DELETE FROM applications WHERE candidate_id = $1 RETURNING id",
	                 (db_param[]){ P_INT(id) }, 1, &r);
	if (rc == 0)
		info->applications = r->nrows;
	db_result_free(r);
	static const char *const own[] = {
		"DELETE FROM sessions WHERE user_id = $1",
		"DELETE FROM api_tokens WHERE user_id = $1",
		"DELETE FROM account_tokens WHERE user_id = $1",
		"DELETE FROM webhook_endpoints WHERE user_id = $1",
		"DELETE FROM unsubscribe_tokens WHERE user_id = $1",
		"DELETE FROM idempotency_keys WHERE user_id = $1",
		/* what they viewed stays in the candidates' access logs, without
		 * where they viewed it from */
		"UPDATE access_log SET address = '' WHERE user_id = $1",
	};
	for (size_t i = 0; rc == 0 && i < sizeof own / sizeof *own; i++)
		rc = db_exec(c, own[i], (db_param[]){ P_INT(id) }, 1, NULL);
	if (rc < 0)
		return rc;
	r = NULL;
	rc = db_exec(c,
	             "DELETE FROM outbox WHERE user_id = $1 OR recipient = $2"
	             " OR recipient = $3 RETURNING id",
	             (db_param[]){ P_INT(id), P_TEXT(login), P_TEXT(email) }, 3, &r);
	if (rc == 0)
		info->messages += r->nrows;
	db_result_free(r);
	return rc;
}

/* A former recruiter's account @id: the offers stay, closed, pointing at
 * an empty row that no login reaches ('#' is not a login character). */
static int erase_keep_offers_tx(db_conn *c, offerapi_id id)
{
	char login[32];
	snprintf(login, sizeof login, "#erased-%lld", (long long)id);
	int rc = db_exec(c,
	                 "UPDATE users SET login = $2, display_name = '', password_hash = '',"
	                 " email = NULL, email_verified_at = NULL, lang = 'fr', notify_stages = 0,"
	                 " digest_ms = NULL, created_at = 0, erase_at = NULL, erased = 1"
	                 " WHERE id = $1",
	                 (db_param[]){ P_INT(id), P_TEXT(login) }, 2, NULL);
	if (rc == 0)
		rc = db_exec(
			c,
			"UPDATE offers SET is_open = 0, notify = 'none', version = version + 1,"
			" updated_at = $2 WHERE recruiter_id = $1 AND is_open = 1",
			(db_param[]){ P_INT(id), P_INT(oa_now()) }, 2, NULL);
	return rc;
}

/* Everything of account @id, then its row: deleted, or emptied when the
 * account has offers (a former recruiter's). */
static int erase_tx(offerapi_store *s, db_conn *c, offerapi_id id, offerapi_erase_info *info)
{
	db_result *u = NULL;
	int rc = db_exec(c,
	                 "SELECT login, display_name, email,"
	                 " (SELECT COUNT(*) FROM offers o WHERE o.recruiter_id = users.id)"
	                 " FROM users WHERE id = $1 AND erased = 0",
	                 (db_param[]){ P_INT(id) }, 1, &u);
	if ((rc = store_found(rc, &u, "user", id)) < 0)
		return rc;
	who w = { { NULL }, 0 };
	if ((rc = who_add(&w, db_text(u, 0, 0))) < 0 ||
	    (rc = who_add(&w, db_isnull(u, 0, 2) ? NULL : db_text(u, 0, 2))) < 0 ||
	    (rc = who_add(&w, db_text(u, 0, 1))) < 0) {
		who_free(&w);
		db_result_free(u);
		return rc;
	}
	info->offers_kept = db_int(u, 0, 3);
	rc = erase_rows_tx(c, id, db_text(u, 0, 0), db_isnull(u, 0, 2) ? "" : db_text(u, 0, 2),
	                   info);
	if (rc == 0)
		rc = erase_mentions_tx(s, c, &w, &info->messages);
	who_free(&w);
	db_result_free(u);
	if (rc < 0)
		return rc;
	if (info->offers_kept == 0)
		return db_exec(c, "DELETE FROM users WHERE id = $1", (db_param[]){ P_INT(id) }, 1,
		               NULL);
	return erase_keep_offers_tx(c, id);
}

int offerapi_user_erase(offerapi_store *s, offerapi_id user_id, offerapi_erase_info *out)
{
	offerapi_erase_info info = { 0, 0, 0 };
	if (out)
		*out = info;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	db_conn *c;
	int rc = store_conn(s, &c);
	if (rc < 0)
		return rc;
	/* on SQLite the outbox and job writes of this process take turns */
	store_queue_lock(s);
	if ((rc = db_begin(c)) == 0)
		rc = db_end(c, erase_tx(s, c, user_id, &info));
	store_queue_unlock(s);
	/* the WAL may still hold the pages as they were: copy them back into
	 * the database file (where secure_delete zeroed the freed content)
	 * and empty it, waiting up to 2 s for readers in the way */
	if (rc == 0) {
		char what[64];
		snprintf(what, sizeof what, "erasure of user %lld", (long long)user_id);
		store_wal_scrub(s, c, what);
	}
	store_release(s, c);
	if (rc == 0) {
		oa_log(OFFERAPI_LOG_INFO,
		       "user %lld erased: %lld application(s), %lld offer(s) kept, %lld message(s)",
		       (long long)user_id, (long long)info.applications,
		       (long long)info.offers_kept, (long long)info.messages);
		if (out)
			*out = info;
	}
	return rc;
}

int offerapi_user_erase_schedule(offerapi_store *s, offerapi_id user_id, int64_t at,
                                 int64_t *out_at)
{
	if (out_at)
		*out_at = 0;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	db_conn *c;
	db_result *r = NULL;
	int rc = store_begin_exec(s, &c,
	                          "UPDATE users SET erase_at = COALESCE(erase_at, $2)"
	                          " WHERE id = $1 AND erased = 0 RETURNING erase_at",
	                          (db_param[]){ P_INT(user_id), P_INT(at) }, 2, &r);
	rc = store_found(rc, &r, "user", user_id);
	int64_t when = rc == 0 ? db_int(r, 0, 0) : 0;
	db_result_free(r);
	static const char *const revoke[] = {
		"DELETE FROM sessions WHERE user_id = $1",
		"DELETE FROM api_tokens WHERE user_id = $1",
		"DELETE FROM account_tokens WHERE user_id = $1",
	};
	for (size_t i = 0; rc == 0 && i < sizeof revoke / sizeof *revoke; i++)
		rc = db_exec(c, revoke[i], (db_param[]){ P_INT(user_id) }, 1, NULL);
	rc = store_end(s, c, rc);
	if (rc == 0 && out_at)
		*out_at = when;
	return rc;
}

int offerapi_user_erase_due(offerapi_store *s, int64_t now, int64_t *out_count)
{
	if (out_count)
		*out_count = 0;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	db_result *r = NULL;
	int rc = store_exec(s,
	                    "SELECT id FROM users WHERE erase_at IS NOT NULL AND erase_at <= $1"
	                    " AND erased = 0 ORDER BY erase_at, id LIMIT 100",
	                    (db_param[]){ P_INT(now) }, 1, &r);
	if (rc < 0)
		return rc;
	int first = 0;
	for (int i = 0; i < r->nrows; i++) {
		int e = offerapi_user_erase(s, db_int(r, i, 0), NULL);
		if (e == 0 && out_count)
			++*out_count;
		else if (e < 0 && e != OFFERAPI_ENOTFOUND && !first)
			first = e;
	}
	db_result_free(r);
	return first;
}

int offerapi_user_erase_date(offerapi_store *s, offerapi_id user_id, int64_t *out_at)
{
	*out_at = 0;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT erase_at FROM users WHERE id = $1 AND erased = 0",
	                    (db_param[]){ P_INT(user_id) }, 1, &r);
	rc = store_found(rc, &r, "user", user_id);
	if (rc == 0 && !db_isnull(r, 0, 0))
		*out_at = db_int(r, 0, 0);
	db_result_free(r);
	return rc;
}
