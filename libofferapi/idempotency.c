/*
 * idempotency.c - requests made safe to retry (offerapi/idempotency.h):
 * the table idempotency_keys, one row per (user, key).
 *
 * state 0: the first request is running (since created_at); 1: done, and
 * status, content_type, location and body hold its answer. A row is the
 * key's until expires_at (created_at + OFFERAPI_IDEM_TTL_S); an expired
 * row, or a running one older than OFFERAPI_IDEM_STALE_S, is replaced by
 * the next request with the key.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store_internal.h"
#include "offerapi/idempotency.h"

static bool printable(const char *s, size_t max)
{
	size_t n = 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e || n >= max)
			return false;
	return n > 0;
}

static int check_args(const char *key, const char *fingerprint)
{
	if (!key || !printable(key, OFFERAPI_IDEM_KEY_MAX))
		return oa_error(OFFERAPI_EINVAL,
		                "idempotency key: 1 to %d printable ASCII characters",
		                OFFERAPI_IDEM_KEY_MAX);
	if (fingerprint && !printable(fingerprint, 128))
		return oa_error(OFFERAPI_EINVAL, "idempotency fingerprint: 1 to 128 characters");
	return 0;
}

void offerapi_idem_record_free(offerapi_idem_record *rec)
{
	if (!rec)
		return;
	free(rec->content_type);
	free(rec->location);
	free(rec->body);
	free(rec);
}

static char *dup_or_null(const char *s)
{
	return s ? oa_strdup(s) : NULL;
}

/* The stored answer of row 0 of @res (columns status, content_type,
 * location, body, created_at). */
static int record_from(const db_result *res, offerapi_idem_record **out)
{
	offerapi_idem_record *rec = calloc(1, sizeof *rec);
	if (!rec)
		return oa_error(OFFERAPI_ENOMEM, "idempotency: out of memory");
	const db_cell *body = db_cell_at(res, 0, 3);
	rec->status = (int)db_int(res, 0, 0);
	rec->content_type = dup_or_null(db_text(res, 0, 1));
	rec->location = dup_or_null(db_text(res, 0, 2));
	rec->body = malloc(body->len + 1);
	rec->created_at = db_int(res, 0, 4);
	if (!rec->body || (db_text(res, 0, 1) && !rec->content_type) ||
	    (db_text(res, 0, 2) && !rec->location)) {
		offerapi_idem_record_free(rec);
		return oa_error(OFFERAPI_ENOMEM, "idempotency: out of memory");
	}
	if (body->len)
		memcpy(rec->body, body->data, body->len);
	rec->body[body->len] = '\0';
	rec->body_len = body->len;
	*out = rec;
	return 0;
}

/* One try: insert the running row; when the key is taken, judge the row
 * there. *@p retry is set when that row was expired or stale and has been
 * deleted (the caller tries again). */
static int try_begin(offerapi_store *s, offerapi_id user, const char *key, const char *fp,
                     int64_t now, offerapi_idem_record **out, bool *retry)
{
	int rc = store_exec(s,
	                    "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, state,"
	                    " created_at, expires_at) VALUES ($1, $2, $3, 0, $4, $5)",
	                    (db_param[]){ P_INT(user), P_TEXT(key), P_TEXT(fp), P_INT(now),
	                                  P_INT(now + OFFERAPI_IDEM_TTL_S) },
	                    5, NULL);
	if (rc != OFFERAPI_EEXISTS)
		return rc < 0 ? rc : OFFERAPI_IDEM_NEW;
	db_result *res = NULL;
	rc = store_exec(
		s,
		"SELECT status, content_type, location, body, created_at, fingerprint,"
		" state, expires_at FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
		(db_param[]){ P_INT(user), P_TEXT(key) }, 2, &res);
	if (rc == 0 && res->nrows == 0) {
		*retry = true; /* deleted meanwhile */
	} else if (rc == 0) {
		bool running = db_int(res, 0, 6) == 0;
		int64_t created = db_int(res, 0, 4);
		if (db_int(res, 0, 7) <= now ||
		    (running && created + OFFERAPI_IDEM_STALE_S <= now)) {
			/* only the row as read: a request that took it over
			 * meanwhile keeps it */
			rc = store_exec(s,
			                "DELETE FROM idempotency_keys WHERE user_id = $1 AND"
			                " idem_key = $2 AND created_at = $3 AND state = $4",
			                (db_param[]){ P_INT(user), P_TEXT(key), P_INT(created),
			                              P_INT(running ? 0 : 1) },
			                4, NULL);
			*retry = rc == 0;
		} else if (strcmp(db_text(res, 0, 5), fp) != 0) {
			rc = OFFERAPI_IDEM_MISMATCH;
		} else if (running) {
			rc = OFFERAPI_IDEM_RUNNING;
		} else {
			rc = record_from(res, out);
			if (rc == 0)
				rc = OFFERAPI_IDEM_REPLAY;
		}
	}
	db_result_free(res);
	return rc;
}

int offerapi_idem_begin(offerapi_store *s, offerapi_id user_id, const char *key,
                        const char *fingerprint, int64_t now, offerapi_idem_record **out)
{
	*out = NULL;
	int rc = check_args(key, fingerprint ? fingerprint : "");
	if (rc == 0 && !fingerprint)
		rc = oa_error(OFFERAPI_EINVAL, "idempotency fingerprint: missing");
	/* a few tries: each lost race means another request took the key,
	 * and the next look sees its row */
	for (int tries = 0; rc == 0 && tries < 4; tries++) {
		bool retry = false;
		rc = try_begin(s, user_id, key, fingerprint, now, out, &retry);
		if (!retry)
			return rc;
	}
	return rc < 0 ? rc
	              : oa_error(OFFERAPI_EBUSY, "idempotency key: taken and freed repeatedly");
}

int offerapi_idem_finish(offerapi_store *s, offerapi_id user_id, const char *key, int status,
                         const char *content_type, const char *location, const void *body,
                         size_t len)
{
	int rc = check_args(key, NULL);
	if (rc)
		return rc;
	if (len > OFFERAPI_IDEM_BODY_MAX) {
		offerapi_idem_abandon(s, user_id, key);
		return oa_error(OFFERAPI_ETOOBIG,
		                "idempotency: an answer over %d bytes is not kept",
		                OFFERAPI_IDEM_BODY_MAX);
	}
	db_result *res = NULL;
	rc = store_write(s,
	                 "UPDATE idempotency_keys SET state = 1, status = $3, content_type = $4,"
	                 " location = $5, body = $6 WHERE user_id = $1 AND idem_key = $2"
	                 " AND state = 0 RETURNING user_id",
	                 (db_param[]){ P_INT(user_id), P_TEXT(key), P_INT(status),
	                               P_TEXT(content_type), P_TEXT(location),
	                               P_BLOB(body ? body : "", len) },
	                 6, &res);
	if (rc == 0 && res->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "idempotency key: no request running with it");
	db_result_free(res);
	return rc;
}

int offerapi_idem_abandon(offerapi_store *s, offerapi_id user_id, const char *key)
{
	int rc = check_args(key, NULL);
	if (rc)
		return rc;
	return store_exec(s,
	                  "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2"
	                  " AND state = 0",
	                  (db_param[]){ P_INT(user_id), P_TEXT(key) }, 2, NULL);
}

int offerapi_idem_purge(offerapi_store *s, int64_t now, int64_t *deleted)
{
	db_result *res = NULL;
	int rc = store_write(s,
	                     "DELETE FROM idempotency_keys WHERE expires_at <= $1"
	                     " RETURNING user_id",
	                     (db_param[]){ P_INT(now) }, 1, &res);
	if (rc == 0 && deleted)
		*deleted = res->nrows;
	db_result_free(res);
	return rc;
}
