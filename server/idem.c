/*
 * idem.c - Idempotency-Key on the API's POSTs (offerapi/idempotency.h).
 *
 * A logged-in client may send "Idempotency-Key: K" (1-255 printable ASCII
 * characters) with a POST. The first request with K runs, and its answer
 * (status, Content-Type, Location, body) is stored before it is sent; a
 * retry with K and the same request (method, path, Content-Type and body,
 * by their BLAKE2b digest) gets that answer again, marked
 * "Idempotent-Replayed: true", without running anything. K with another
 * request is 422 idempotency_mismatch; K while its first request still
 * runs is 409 idempotency_in_progress (Retry-After: 1). A 5xx answer is not
 * stored: the retry runs again. Keys are per user and kept 24 hours.
 *
 * The body is read ahead (bounded by the largest any POST takes) to digest
 * it; the handler then reads it from memory (read_body). Without a user,
 * and on the routes whose answer carries a secret (marked so in router.c's
 * table: sign-up, log-in, a new personal token, a new webhook endpoint),
 * the key is ignored: a secret is never stored in clear.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "api.h"
#include "i18n.h"
#include "oacommon.h"

/* The key of the request, or NULL; *@p bad when present but malformed. */
static const char *idem_key(req *r, bool *bad)
{
	const char *k = mg_get_header(r->conn, "Idempotency-Key");
	*bad = false;
	if (!k)
		return NULL;
	size_t n = strlen(k);
	*bad = n == 0 || n > OFFERAPI_IDEM_KEY_MAX;
	for (size_t i = 0; !*bad && i < n; i++)
		*bad = (unsigned char)k[i] < 0x20 || (unsigned char)k[i] > 0x7e;
	return k;
}

/* Hex BLAKE2b-256 of the method, path, Content-Type and body. */
static void fingerprint(req *r, char out[65])
{
	const char *ct = mg_get_header(r->conn, "Content-Type");
	const char *parts[3] = { r->method, r->path, ct ? ct : "" };
	unsigned char h[32];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	for (int i = 0; i < 3; i++)
		crypto_generichash_update(&st, (const unsigned char *)parts[i],
		                          strlen(parts[i]) + 1);
	crypto_generichash_update(&st, (const unsigned char *)r->pre_body, r->pre_len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* The largest body any POST of the API takes: a CV in base64 with the
 * other fields, or a multipart CV with its part heads. */
static size_t body_max(const app *a)
{
	size_t json = a->cfg.max_upload / 3 * 4 + 8 + a->cfg.max_body;
	size_t form = a->cfg.max_upload + a->cfg.max_body + 16384;
	return json > form ? json : form;
}

static void replay(req *r, const offerapi_idem_record *rec)
{
	if (rec->location)
		req_header(r, "Location: %s", rec->location);
	req_header(r, "Idempotent-Replayed: true");
	respond(r, rec->status, rec->content_type, rec->body, rec->body_len);
}

/* Read the body ahead, or answer (413, 408, 400) and return false. */
static bool read_ahead(req *r)
{
	char *body = NULL;
	size_t len = 0;
	int rc = read_body(r, body_max(r->app), &body, &len);
	if (rc == 413)
		respond_api_error(r, 413, "too_big", "the body is larger than any request takes");
	else if (rc == 408)
		respond_api_error(r, 408, "request_timeout", "the body took too long to arrive");
	else if (rc)
		respond_api_error(r, 400, "bad_request", "the body could not be read");
	if (rc)
		return false;
	r->pre_body = body;
	r->pre_len = len;
	r->pre_read = true;
	return true;
}

/* Delete expired keys, at most once a minute per process (an index range
 * on expires_at): the table holds about a day of keys. */
static void purge_now_and_then(req *r, int64_t now)
{
	static atomic_llong last;
	long long prev = atomic_load(&last);
	if (now - prev < 60 || !atomic_compare_exchange_strong(&last, &prev, now))
		return;
	char q[600];
	if (offerapi_idem_purge(r->app->store, now, NULL) < 0)
		fprintf(stderr, "level=warn msg=\"idempotency: purge failed\" detail=%s\n",
		        oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
}

void idem_run(req *r, handler_fn fn, bool secret)
{
	bool bad;
	const char *key = idem_key(r, &bad);
	/* answers that carry a secret are never stored: the key is ignored */
	if (!key || !r->user || secret) {
		fn(r);
		return;
	}
	if (bad) {
		respond_api_error(r, 400, "invalid", T(r, "err.idem_key"));
		return;
	}
	if (!read_ahead(r))
		return;
	char fp[65];
	fingerprint(r, fp);
	offerapi_idem_record *rec = NULL;
	int64_t now = (int64_t)time(NULL);
	purge_now_and_then(r, now);
	int rc = offerapi_idem_begin(r->app->store, r->user->id, key, fp, now, &rec);
	switch (rc) {
	case OFFERAPI_IDEM_NEW:
		snprintf(r->idem_key, sizeof r->idem_key, "%s", key);
		fn(r);
		if (r->idem_key[0]) /* not stored by respond(): a streamed or no answer */
			offerapi_idem_abandon(r->app->store, r->user->id, r->idem_key);
		break;
	case OFFERAPI_IDEM_REPLAY: replay(r, rec); break;
	case OFFERAPI_IDEM_MISMATCH:
		respond_api_error(r, 422, "idempotency_mismatch", T(r, "err.idem_mismatch"));
		break;
	case OFFERAPI_IDEM_RUNNING:
		req_header(r, "Retry-After: 1");
		respond_api_error(r, 409, "idempotency_in_progress", T(r, "err.idem_running"));
		break;
	default: api_fail(r, rc, false);
	}
	offerapi_idem_record_free(rec);
}

/* The Location header queued for the answer, into @out ("" when none). */
static void queued_location(const req *r, char *out, size_t n)
{
	out[0] = '\0';
	const char *p = strstr(r->extra_headers, "Location: ");
	if (p && (p == r->extra_headers || p[-1] == '\n')) {
		p += 10;
		size_t len = strcspn(p, "\r\n");
		if (len < n)
			snprintf(out, n, "%.*s", (int)len, p);
	}
}

void idem_store(req *r, int status, const char *ctype, const void *body, size_t len)
{
	if (!r->idem_key[0])
		return;
	if (status < 500) {
		char loc[512], q[600];
		queued_location(r, loc, sizeof loc);
		int rc = offerapi_idem_finish(r->app->store, r->user->id, r->idem_key, status,
		                              ctype, loc[0] ? loc : NULL, body, len);
		if (rc < 0 && rc != OFFERAPI_ETOOBIG)
			fprintf(stderr,
			        "level=warn msg=\"idempotency: answer not kept\" request_id=%s "
			        "detail=%s\n",
			        r->request_id,
			        oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
	} else {
		offerapi_idem_abandon(r->app->store, r->user->id, r->idem_key);
	}
	r->idem_key[0] = '\0';
}
