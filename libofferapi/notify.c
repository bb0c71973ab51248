/*
 * notify.c - notifications people control (offerapi/mail.h, issue 13):
 * the candidate's stage e-mail setting, the recruiter's per-offer setting
 * (one e-mail per application, a daily digest, or none), the one-click
 * unsubscribe tokens (RFC 8058) and the digests.
 *
 * Unsubscribe tokens are 32 random bytes in hex; table unsubscribe_tokens
 * (migration 10) keeps their SHA-256 with the one setting each turns off,
 * so a token read from the database cannot be used, and a token tells
 * nothing about its account. A token is made for each message (the
 * message's params carry it until the message is sent, then they are
 * emptied) and lives as long as its account and offer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "internal.h"
#include "store_internal.h"
#include "offerapi/mail.h"
#include "offerapi/offer.h"

#define HASH_HEX (2 * crypto_hash_sha256_BYTES + 1)

static const char *const notify_names[] = { NULL, "each", "daily", "none" };

int notify_error(void)
{
	return oa_name_error("notify", notify_names, OFFERAPI_NOTIFY_NONE + 1, OFFERAPI_NOTIFY_EACH,
	                     NULL);
}

const char *offerapi_notify_name(offerapi_notify n)
{
	return oa_name_of(notify_names, OFFERAPI_NOTIFY_NONE + 1, OFFERAPI_NOTIFY_EACH, (int)n);
}

int offerapi_notify_parse(const char *name, offerapi_notify *out)
{
	int i;
	int rc = oa_name_parse("notify", notify_names, OFFERAPI_NOTIFY_NONE + 1,
	                       OFFERAPI_NOTIFY_EACH, name, &i);
	if (rc == 0)
		*out = (offerapi_notify)i;
	return rc;
}

int notify_token_tx(db_conn *c, offerapi_id user_id, int kind, offerapi_id offer_id, char *token)
{
	char th[HASH_HEX];
	token_new(token, th);
	return db_exec(c,
	               "INSERT INTO unsubscribe_tokens (token_hash, user_id, kind, offer_id,"
	               " created_ms) VALUES ($1, $2, $3, $4, $5)",
	               (db_param[]){ P_TEXT(th), P_INT(user_id), P_INT(kind),
	                             offer_id ? P_INT(offer_id) : P_NULL(), P_INT(oa_now_ms()) },
	               5, NULL);
}

/* The recruiter's message for application @app_id, from row 0 of @r (see
 * notify_application_tx). */
static int received_mail_tx(db_conn *c, offerapi_id app_id, const db_result *r)
{
	char token[OFFERAPI_TOKEN_SIZE], app[24];
	int rc = notify_token_tx(c, db_int(r, 0, 4), NOTIFY_KIND_OFFER, db_int(r, 0, 6), token);
	if (rc < 0)
		return rc;
	snprintf(app, sizeof app, "%lld", (long long)app_id);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", db_text(r, 0, 3), "offer",
	                      db_text(r, 0, 0), "who", db_text(r, 0, 5), "app", app, "unsub",
	                      token);
	char *params = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	sodium_memzero(token, sizeof token);
	if (!params)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	rc = outbox_enqueue_tx(c, "application-received", db_text(r, 0, 1), db_text(r, 0, 2),
	                       db_int(r, 0, 4), params);
	free(params);
	return rc;
}

int notify_application_tx(db_conn *c, offerapi_id app_id, bool *queued)
{
	*queued = false;
	db_result *r = NULL;
	int rc = db_exec(c,
	                 "SELECT o.title, ru.email, ru.lang, ru.display_name, ru.id,"
	                 " cu.display_name, o.id, o.notify"
	                 " FROM applications a JOIN offers o ON o.id = a.offer_id"
	                 " JOIN users ru ON ru.id = o.recruiter_id"
	                 " JOIN users cu ON cu.id = a.candidate_id WHERE a.id = $1",
	                 (db_param[]){ P_INT(app_id) }, 1, &r);
	if (rc == 0 && r->nrows > 0) {
		const char *how = db_text(r, 0, 7);
		if (!strcmp(how, "daily"))
			rc = db_exec(c, "UPDATE applications SET digest_pending = 1 WHERE id = $1",
			             (db_param[]){ P_INT(app_id) }, 1, NULL);
		else if (!strcmp(how, "each") && !db_isnull(r, 0, 1)) {
			rc = received_mail_tx(c, app_id, r);
			*queued = rc == 0;
		}
	}
	db_result_free(r);
	return rc;
}

/* ---- the candidate's setting ---- */

int offerapi_notify_stages_get(offerapi_store *s, offerapi_id user_id, bool *out_on)
{
	if (!s || !out_on)
		return oa_error(OFFERAPI_EINVAL, "notifications: no store or no output");
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT notify_stages FROM users WHERE id = $1",
	                    (db_param[]){ P_INT(user_id) }, 1, &r);
	rc = store_found(rc, &r, "user", user_id);
	if (rc == 0)
		*out_on = db_int(r, 0, 0) != 0;
	db_result_free(r);
	return rc;
}

int offerapi_notify_stages_set(offerapi_store *s, const offerapi_user *actor, bool on)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "notifications: no store");
	if (!actor)
		return oa_error(OFFERAPI_EPERM, "log in to change your notifications");
	return store_exec(s, "UPDATE users SET notify_stages = $2 WHERE id = $1",
	                  (db_param[]){ P_INT(actor->id), P_INT(on) }, 2, NULL);
}

/* ---- one-click unsubscribe ---- */

void offerapi_unsubscribe_free(offerapi_unsubscribe *u)
{
	if (!u)
		return;
	free(u->offer_title);
	free(u);
}

/* What @token names and whether it is on, read on @c. */
static int unsub_read(db_conn *c, const char *token, offerapi_unsubscribe **out)
{
	if (!token_wellformed(token))
		return oa_error(OFFERAPI_EINVAL,
		                "t: not an unsubscribe link (copy the whole link from the e-mail)");
	char th[HASH_HEX];
	hash_token(token, th);
	db_result *r = NULL;
	int rc = db_exec(c,
	                 "SELECT t.kind, t.user_id, t.offer_id, o.title, u.lang,"
	                 " CASE t.kind WHEN 1 THEN u.notify_stages"
	                 " WHEN 2 THEN (CASE WHEN o.notify = 'none' THEN 0 ELSE 1 END)"
	                 " ELSE (SELECT COUNT(*) FROM offers d WHERE d.recruiter_id = u.id"
	                 " AND d.notify = 'daily') END"
	                 " FROM unsubscribe_tokens t JOIN users u ON u.id = t.user_id"
	                 " LEFT JOIN offers o ON o.id = t.offer_id AND o.recruiter_id = t.user_id"
	                 " WHERE t.token_hash = $1",
	                 (db_param[]){ P_TEXT(th) }, 1, &r);
	if (rc == 0 &&
	    (r->nrows == 0 || (db_int(r, 0, 0) == NOTIFY_KIND_OFFER && db_isnull(r, 0, 3))))
		rc = oa_error(OFFERAPI_ENOTFOUND,
		              "t: this unsubscribe link is unknown or no longer valid (its account"
		              " or offer is gone)");
	offerapi_unsubscribe *u = rc == 0 ? calloc(1, sizeof *u) : NULL;
	if (rc == 0 && !u)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc == 0) {
		u->kind = (offerapi_unsubscribe_kind)db_int(r, 0, 0);
		u->user_id = db_int(r, 0, 1);
		u->offer_id = db_isnull(r, 0, 2) ? 0 : db_int(r, 0, 2);
		u->offer_title = db_isnull(r, 0, 3) ? NULL : oa_strdup(db_text(r, 0, 3));
		snprintf(u->lang, sizeof u->lang, "%s", db_text(r, 0, 4));
		u->was_on = db_int(r, 0, 5) != 0;
		if (!db_isnull(r, 0, 3) && !u->offer_title) {
			offerapi_unsubscribe_free(u);
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
		} else {
			*out = u;
		}
	}
	db_result_free(r);
	return rc;
}

int offerapi_unsubscribe_peek(offerapi_store *s, const char *token, offerapi_unsubscribe **out)
{
	if (!s || !out)
		return oa_error(OFFERAPI_EINVAL, "unsubscribe: no store or no output");
	*out = NULL;
	db_conn *c;
	int rc = store_conn(s, &c);
	if (rc == 0) {
		rc = unsub_read(c, token, out);
		store_release(s, c);
	}
	return rc;
}

/* Turn the setting off on @c, in the caller's transaction. */
static int unsub_write(db_conn *c, const offerapi_unsubscribe *u)
{
	switch (u->kind) {
	case OFFERAPI_UNSUBSCRIBE_STAGES:
		return db_exec(c, "UPDATE users SET notify_stages = 0 WHERE id = $1",
		               (db_param[]){ P_INT(u->user_id) }, 1, NULL);
	case OFFERAPI_UNSUBSCRIBE_OFFER:
		return db_exec(c,
		               "UPDATE offers SET notify = 'none', version = version + 1"
		               " WHERE id = $1 AND recruiter_id = $2 AND notify <> 'none'",
		               (db_param[]){ P_INT(u->offer_id), P_INT(u->user_id) }, 2, NULL);
	case OFFERAPI_UNSUBSCRIBE_DIGEST:
		return db_exec(c,
		               "UPDATE offers SET notify = 'none', version = version + 1"
		               " WHERE recruiter_id = $1 AND notify = 'daily'",
		               (db_param[]){ P_INT(u->user_id) }, 1, NULL);
	}
	return oa_error(OFFERAPI_EINVAL, "unsubscribe: unknown kind");
}

int offerapi_unsubscribe_apply(offerapi_store *s, const char *token, offerapi_unsubscribe **out)
{
	if (!s || !out)
		return oa_error(OFFERAPI_EINVAL, "unsubscribe: no store or no output");
	*out = NULL;
	db_conn *c;
	int rc = store_begin(s, &c);
	if (rc < 0)
		return rc;
	rc = unsub_read(c, token, out);
	if (rc == 0)
		rc = unsub_write(c, *out);
	/* a daily offer turned off: its waiting applications leave the digest */
	if (rc == 0 && (*out)->kind != OFFERAPI_UNSUBSCRIBE_STAGES)
		rc = db_exec(c,
		             "UPDATE applications SET digest_pending = 0 WHERE digest_pending = 1"
		             " AND offer_id IN (SELECT id FROM offers WHERE recruiter_id = $1"
		             " AND notify <> 'daily')",
		             (db_param[]){ P_INT((*out)->user_id) }, 1, NULL);
	rc = store_end(s, c, rc);
	if (rc < 0) {
		offerapi_unsubscribe_free(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- daily digests ---- */

/* The digest's fields: the recruiter's name, the applications of @r (id,
 * offer title, candidate name), the unsubscribe token. */
static char *digest_params(const char *name, const db_result *r, const char *token)
{
	json_t *items = json_array();
	for (int i = 0; items && i < r->nrows; i++) {
		char app[24];
		snprintf(app, sizeof app, "%lld", (long long)db_int(r, i, 0));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "app", app, "offer",
		                                       db_text(r, i, 1), "who", db_text(r, i, 2)));
	}
	json_t *o = items ? json_pack("{s:s, s:o, s:s}", "name", name, "items", items, "unsub",
	                              token)
	                  : NULL;
	char *params = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return params;
}

/* In the claim's transaction: list the waiting applications, clear them,
 * write the message (when the recruiter has an address). *@listed:
 * whether there was anything to list (the transaction is then kept). */
static int digest_body_tx(db_conn *c, offerapi_id rid, const db_result *who, bool *listed)
{
	db_result *r = NULL;
	*listed = false;
	int rc = db_exec(c,
	                 "SELECT a.id, o.title, cu.display_name FROM applications a"
	                 " JOIN offers o ON o.id = a.offer_id"
	                 " JOIN users cu ON cu.id = a.candidate_id"
	                 " WHERE a.digest_pending = 1 AND o.recruiter_id = $1"
	                 " AND o.notify = 'daily' ORDER BY a.id LIMIT $2",
	                 (db_param[]){ P_INT(rid), P_INT(OFFERAPI_DIGEST_MAX) }, 2, &r);
	if (rc < 0 || r->nrows == 0) {
		db_result_free(r);
		return rc;
	}
	rc = db_exec(c,
	             "UPDATE applications SET digest_pending = 0 WHERE digest_pending = 1"
	             " AND id <= $2 AND offer_id IN (SELECT id FROM offers"
	             " WHERE recruiter_id = $1 AND notify = 'daily')",
	             (db_param[]){ P_INT(rid), P_INT(db_int(r, r->nrows - 1, 0)) }, 2, NULL);
	char token[OFFERAPI_TOKEN_SIZE];
	if (rc == 0 && !db_isnull(who, 0, 0) &&
	    (rc = notify_token_tx(c, rid, NOTIFY_KIND_DIGEST, 0, token)) == 0) {
		char *params = digest_params(db_text(who, 0, 2), r, token);
		sodium_memzero(token, sizeof token);
		rc = params ? outbox_enqueue_tx(c, "application-digest", db_text(who, 0, 0),
		                                db_text(who, 0, 1), rid, params)
		            : oa_error(OFFERAPI_ENOMEM, "out of memory");
		free(params);
	}
	*listed = rc == 0;
	db_result_free(r);
	return rc;
}

/* Claim and write recruiter @rid's digest, if it is still due (@last: the
 * digest_ms read, -1 for NULL). *@written: a message was written. */
static int digest_one(offerapi_store *s, offerapi_id rid, int64_t last, int64_t now, bool *written)
{
	db_conn *c;
	*written = false;
	int rc = store_begin(s, &c);
	if (rc < 0)
		return rc;
	db_result *who = NULL;
	bool listed = false;
	rc = db_exec(c,
	             "UPDATE users SET digest_ms = $3 WHERE id = $1"
	             " AND COALESCE(digest_ms, -1) = $2 RETURNING email, lang, display_name",
	             (db_param[]){ P_INT(rid), P_INT(last), P_INT(now) }, 3, &who);
	if (rc == 0 && who->nrows > 0) /* ours: no other process claimed it */
		rc = digest_body_tx(c, rid, who, &listed);
	/* nothing to list (another claim took them): leave the day unspent */
	if (rc == 0 && listed)
		rc = db_commit(c);
	else
		db_rollback(c);
	*written = rc == 0 && listed && !db_isnull(who, 0, 0);
	db_result_free(who);
	store_release(s, c);
	return rc;
}

int offerapi_mail_digest_run(offerapi_store *s, int *out_written)
{
	if (out_written)
		*out_written = 0;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "digest: no store");
	int64_t now = oa_now_ms();
	db_result *r = NULL;
	int rc = store_exec(s,
	                    "SELECT DISTINCT o.recruiter_id, COALESCE(u.digest_ms, -1)"
	                    " FROM applications a JOIN offers o ON o.id = a.offer_id"
	                    " JOIN users u ON u.id = o.recruiter_id"
	                    " WHERE a.digest_pending = 1 AND o.notify = 'daily'"
	                    " AND (u.digest_ms IS NULL OR u.digest_ms <= $1) LIMIT 100",
	                    (db_param[]){ P_INT(now - OFFERAPI_DIGEST_PERIOD_MS) }, 1, &r);
	int written = 0;
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		bool w;
		rc = digest_one(s, db_int(r, i, 0), db_int(r, i, 1), now, &w);
		written += w;
	}
	db_result_free(r);
	if (written)
		store_jobs_signal(s);
	if (out_written)
		*out_written = written;
	return rc;
}
