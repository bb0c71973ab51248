/*
 * throttle.c - failed-login limits in the database (offerapi/throttle.h).
 *
 * Table login_throttle holds, per key (a hash of an (account, address)
 * pair or of an address), the failures of its current window and when the window ends;
 * table login_attempts holds the password checks in flight (tickets).
 * begin() locks the two counter rows (an upsert each, in the order of
 * their keys, so that two attempts never wait for each other in a cycle),
 * counts the tickets in flight, and either refuses, asks to wait, or takes
 * a ticket, all in one transaction: attempts at the same moment on any
 * replica are serialised on the rows they share.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "internal.h"
#include "store_internal.h"
#include "offerapi/throttle.h"

#define TICKET_S 60 /* a ticket never ended stops counting after this */
#define PURGE_EVERY_S 60 /* delete expired rows at most this often per store */
#define ADDRESS_MAX 255

static int throttle_options(offerapi_login_throttle_options *o,
                            const offerapi_login_throttle_options *in)
{
	*o = (offerapi_login_throttle_options)OFFERAPI_LOGIN_THROTTLE_OPTIONS_INIT;
	if (in) {
		/* known and not newer; every version so far is 1, so the whole
		 * struct is read (a version 2 will copy by size, as store.c does) */
		int rc = oa_check_version("login throttle options", in->version,
		                          OFFERAPI_LOGIN_THROTTLE_OPTIONS_VERSION);
		if (rc < 0)
			return rc;
		*o = *in;
	}
	if (!o->max_failures)
		o->max_failures = 5;
	if (o->max_failures > 1000000)
		return oa_error(OFFERAPI_EINVAL,
		                "login throttle options: max_failures %u is over 1000000",
		                o->max_failures);
	if (!o->max_failures_address)
		o->max_failures_address = o->max_failures > 250000 ? 1000000 : 4 * o->max_failures;
	if (o->max_failures_address > 1000000)
		return oa_error(OFFERAPI_EINVAL,
		                "login throttle options: max_failures_address %u is over 1000000",
		                o->max_failures_address);
	if (!o->window_s)
		o->window_s = 900;
	if (o->window_s > 7 * 86400)
		return oa_error(OFFERAPI_EINVAL,
		                "login throttle options: window_s %u is over 7 days", o->window_s);
	if (!o->wait_ms)
		o->wait_ms = 5000;
	if (o->wait_ms > 60000)
		return oa_error(OFFERAPI_EINVAL, "login throttle options: wait_ms %u is over 60000",
		                o->wait_ms);
	return 0;
}

/* Feed @s to @st, ASCII letters lower-cased. */
static void hash_lower(crypto_generichash_state *st, const char *s)
{
	unsigned char chunk[256];
	while (*s) {
		size_t n = 0;
		while (*s && n < sizeof chunk)
			chunk[n++] = (unsigned char)tolower((unsigned char)*s++);
		crypto_generichash_update(st, chunk, n);
	}
}

/* The hex BLAKE2b-256 of @kind ":" @s, or of @kind ":" @s US @s2 when @s2
 * is given (a unit separator cannot occur in a login nor in an address
 * the host gives), ASCII letters lower-cased. */
static void key_of(char out[65], char kind, const char *s, const char *s2)
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	unsigned char prefix[2] = { (unsigned char)kind, ':' };
	crypto_generichash_update(&st, prefix, 2);
	hash_lower(&st, s);
	if (s2) {
		crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
		hash_lower(&st, s2);
	}
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* Delete expired counters and tickets, at most once per PURGE_EVERY_S. */
static void purge(offerapi_store *s, int64_t now)
{
	if (!store_due(s, &s->throttle_purged_s, now, PURGE_EVERY_S))
		return;
	/* failures are best-effort housekeeping: the next purge tries again */
	if (store_exec(s, "DELETE FROM login_throttle WHERE expires_at <= $1",
	               (db_param[]){ P_INT(now) }, 1, NULL) < 0 ||
	    store_exec(s, "DELETE FROM login_attempts WHERE expires_at <= $1",
	               (db_param[]){ P_INT(now) }, 1, NULL) < 0)
		oa_log(OFFERAPI_LOG_WARNING, "login throttle: purge failed: %s",
		       offerapi_error_last()->message);
}

/* The two keys of a ticket in lock order, with their limits and the
 * ticket column that counts them. */
typedef struct keyset {
	const char *key[2];
	unsigned int max[2];
	const char *count_sql[2];
} keyset;

static keyset keys_in_order(const offerapi_login_ticket *t,
                            const offerapi_login_throttle_options *o)
{
	static const char acc_sql[] =
		"SELECT COUNT(*) FROM login_attempts WHERE account_key = $1 AND expires_at > $2";
	static const char addr_sql[] =
		"SELECT COUNT(*) FROM login_attempts WHERE address_key = $1 AND expires_at > $2";
	keyset k = { { t->account_key, t->address_key },
		     { o->max_failures, o->max_failures_address },
		     { acc_sql, addr_sql } };
	if (strcmp(k.key[0], k.key[1]) > 0)
		k = (keyset){ { t->address_key, t->account_key },
			      { o->max_failures_address, o->max_failures },
			      { addr_sql, acc_sql } };
	return k;
}

/* Lock the counter of @key (creating it, or starting a new window when
 * the last one ended) and read its failures and window end. */
static int lock_counter(db_conn *c, const char *key, int64_t now, unsigned int window_s,
                        int64_t *failures, int64_t *expires)
{
	db_result *r = NULL;
	int rc = db_exec(c,
	                 "INSERT INTO login_throttle (key, failures, expires_at) VALUES ($1, 0, $2)"
	                 " ON CONFLICT (key) DO UPDATE SET"
	                 " failures = CASE WHEN login_throttle.expires_at <= $3 THEN 0"
	                 " ELSE login_throttle.failures END,"
	                 " expires_at = CASE WHEN login_throttle.expires_at <= $3 THEN $2"
	                 " ELSE login_throttle.expires_at END"
	                 " RETURNING failures, expires_at",
	                 (db_param[]){ P_TEXT(key), P_INT(now + (int64_t)window_s), P_INT(now) }, 3,
	                 &r);
	if (rc == 0) {
		*failures = db_int(r, 0, 0);
		*expires = db_int(r, 0, 1);
	}
	db_result_free(r);
	return rc;
}

enum { ADMITTED, REFUSED, CROWDED };

/* One try at admission, in one transaction. */
static int try_begin(db_conn *c, const offerapi_login_throttle_options *o, offerapi_login_ticket *t,
                     int64_t now, unsigned int *wait_s, int *verdict)
{
	keyset k = keys_in_order(t, o);
	int64_t fails[2] = { 0, 0 }, ends[2] = { 0, 0 }, busy[2] = { 0, 0 };
	int rc = db_begin(c);
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = lock_counter(c, k.key[i], now, o->window_s, &fails[i], &ends[i]);
	for (int i = 0; i < 2 && rc == 0; i++) {
		db_result *r = NULL;
		rc = db_exec(c, k.count_sql[i], (db_param[]){ P_TEXT(k.key[i]), P_INT(now) }, 2,
		             &r);
		busy[i] = rc == 0 ? db_int(r, 0, 0) : 0;
		db_result_free(r);
	}
	*verdict = ADMITTED;
	for (int i = 0; i < 2 && rc == 0; i++) {
		if (fails[i] >= k.max[i]) {
			int64_t w = ends[i] - now;
			*verdict = REFUSED;
			if (w > (int64_t)*wait_s)
				*wait_s = (unsigned int)w;
		} else if (fails[i] + busy[i] >= k.max[i] && *verdict == ADMITTED) {
			*verdict = CROWDED;
		}
	}
	if (rc == 0 && *verdict == ADMITTED) {
		db_result *r = NULL;
		rc = db_exec(c,
		             "INSERT INTO login_attempts (account_key, address_key, expires_at)"
		             " VALUES ($1, $2, $3) RETURNING id",
		             (db_param[]){ P_TEXT(t->account_key), P_TEXT(t->address_key),
		                           P_INT(now + TICKET_S) },
		             3, &r);
		t->id = rc == 0 ? db_int(r, 0, 0) : 0;
		db_result_free(r);
	}
	return db_end(c, rc);
}

static void nap_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

int offerapi_login_throttle_begin(offerapi_store *s, const offerapi_login_throttle_options *opts,
                                  const char *login, const char *address, offerapi_login_ticket *t,
                                  unsigned int *out_wait_s)
{
	if (out_wait_s)
		*out_wait_s = 0;
	offerapi_login_throttle_options o;
	int rc = throttle_options(&o, opts);
	if (rc < 0)
		return rc;
	if (!s || !login || !address || !t || !out_wait_s)
		return oa_error(OFFERAPI_EINVAL, "login throttle: missing argument");
	if (strlen(address) > ADDRESS_MAX)
		return oa_error(OFFERAPI_EINVAL, "login throttle: address longer than %d bytes",
		                ADDRESS_MAX);
	memset(t, 0, sizeof *t);
	/* the pair, not the account alone: failures typed from one address
	 * never lock the account's owner out from another */
	key_of(t->account_key, 'p', login, address);
	key_of(t->address_key, 'i', address, NULL);
	purge(s, oa_now());
	double deadline = oa_monotonic() + o.wait_ms / 1000.0;
	long nap = 2;
	for (;;) {
		db_conn *c;
		if ((rc = store_conn(s, &c)) < 0)
			return rc;
		int verdict = ADMITTED;
		unsigned int wait = 0;
		rc = try_begin(c, &o, t, oa_now(), &wait, &verdict);
		store_release(s, c);
		if (rc < 0 || verdict == ADMITTED)
			return rc;
		if (verdict == REFUSED) {
			*out_wait_s = wait ? wait : 1;
			return 0;
		}
		/* checks in flight could use the rest of the allowance: wait for
		 * their verdicts rather than refuse a right password */
		if (oa_monotonic() >= deadline) {
			*out_wait_s = 1;
			return 0;
		}
		nap_ms(nap);
		nap = nap < 64 ? nap * 2 : 100;
	}
}

static bool hex64(const char *k)
{
	if (strnlen(k, 65) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
			return false;
	return true;
}

/* Count one failure on @key (a new window when the last one ended or
 * held none). */
static int count_failure(db_conn *c, const char *key, int64_t now, unsigned int window_s)
{
	return db_exec(c,
	               "INSERT INTO login_throttle (key, failures, expires_at) VALUES ($1, 1, $2)"
	               " ON CONFLICT (key) DO UPDATE SET"
	               " failures = CASE WHEN login_throttle.expires_at <= $3"
	               " OR login_throttle.failures = 0 THEN 1"
	               " ELSE login_throttle.failures + 1 END,"
	               " expires_at = CASE WHEN login_throttle.expires_at <= $3"
	               " OR login_throttle.failures = 0 THEN $2"
	               " ELSE login_throttle.expires_at END",
	               (db_param[]){ P_TEXT(key), P_INT(now + (int64_t)window_s), P_INT(now) }, 3,
	               NULL);
}

int offerapi_login_throttle_end(offerapi_store *s, const offerapi_login_throttle_options *opts,
                                const offerapi_login_ticket *t, offerapi_login_verdict verdict)
{
	offerapi_login_throttle_options o;
	int rc = throttle_options(&o, opts);
	if (rc < 0)
		return rc;
	if (!s || !t || !hex64(t->account_key) || !hex64(t->address_key) ||
	    (unsigned)verdict > OFFERAPI_LOGIN_UNDECIDED)
		return oa_error(OFFERAPI_EINVAL, "login throttle: not a ticket from begin()");
	db_conn *c;
	if ((rc = store_begin(s, &c)) < 0)
		return rc;
	int64_t now = oa_now();
	keyset k = keys_in_order(t, &o);
	for (int i = 0; i < 2 && rc == 0 && verdict == OFFERAPI_LOGIN_FAILED; i++)
		rc = count_failure(c, k.key[i], now, o.window_s);
	if (rc == 0 && verdict == OFFERAPI_LOGIN_SUCCEEDED)
		rc = db_exec(c, "UPDATE login_throttle SET failures = 0 WHERE key = $1",
		             (db_param[]){ P_TEXT(t->account_key) }, 1, NULL);
	if (rc == 0 && t->id > 0)
		rc = db_exec(c, "DELETE FROM login_attempts WHERE id = $1",
		             (db_param[]){ P_INT(t->id) }, 1, NULL);
	return store_end(s, c, rc);
}

/* ---- rate limits (offerapi_rate_limit_*) ---- */

/* The counter's key: a hash of "r:" bucket, a unit separator, and key. */
static int rate_key(char out[65], const char *bucket, const char *key)
{
	size_t bl = bucket ? strlen(bucket) : 0;
	if (!bl || bl > 32 || !key)
		return oa_error(OFFERAPI_EINVAL, "rate limit: the bucket must be 1 to 32 bytes");
	key_of(out, 'r', bucket, key);
	return 0;
}

int offerapi_rate_limit_hit(offerapi_store *s, const char *bucket, const char *key,
                            unsigned int max, unsigned int window_s, unsigned int *out_wait_s)
{
	if (out_wait_s)
		*out_wait_s = 0;
	if (!s || !out_wait_s)
		return oa_error(OFFERAPI_EINVAL, "rate limit: missing argument");
	if (max < 1 || max > 1000000)
		return oa_error(OFFERAPI_EINVAL, "rate limit: max %u is not within 1..1000000",
		                max);
	if (window_s < 1 || window_s > 7 * 86400)
		return oa_error(OFFERAPI_EINVAL,
		                "rate limit: window_s %u is not within 1 s..7 days", window_s);
	char k[65];
	int rc = rate_key(k, bucket, key);
	if (rc < 0)
		return rc;
	int64_t now = oa_now();
	purge(s, now);
	/* One statement: the count goes up to max + 1 at most, and an event
	 * that finds max already counted is refused (the row then reads
	 * max + 1 until its window ends or an undo) */
	db_result *r = NULL;
	rc = store_exec(s,
	                "INSERT INTO login_throttle (key, failures, expires_at) VALUES ($1, 1, $2)"
	                " ON CONFLICT (key) DO UPDATE SET"
	                " failures = CASE WHEN login_throttle.expires_at <= $3 THEN 1"
	                " WHEN login_throttle.failures <= $4 THEN login_throttle.failures + 1"
	                " ELSE login_throttle.failures END,"
	                " expires_at = CASE WHEN login_throttle.expires_at <= $3 THEN $2"
	                " ELSE login_throttle.expires_at END"
	                " RETURNING failures, expires_at",
	                (db_param[]){ P_TEXT(k), P_INT(now + (int64_t)window_s), P_INT(now),
	                              P_INT((int64_t)max) },
	                4, &r);
	if (rc == 0 && db_int(r, 0, 0) > (int64_t)max) {
		int64_t w = db_int(r, 0, 1) - now;
		*out_wait_s = w > 0 ? (unsigned int)w : 1;
	}
	db_result_free(r);
	return rc;
}

int offerapi_rate_limit_undo(offerapi_store *s, const char *bucket, const char *key,
                             unsigned int max)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "rate limit: missing argument");
	if (max < 1 || max > 1000000)
		return oa_error(OFFERAPI_EINVAL, "rate limit: max %u is not within 1..1000000",
		                max);
	char k[65];
	int rc = rate_key(k, bucket, key);
	if (rc < 0)
		return rc;
	/* the events counted are min(count, max): a refusal left max + 1 */
	return store_exec(s,
	                  "UPDATE login_throttle SET failures ="
	                  " CASE WHEN failures > $3 THEN $3 - 1 ELSE failures - 1 END"
	                  " WHERE key = $1 AND failures > 0 AND expires_at > $2",
	                  (db_param[]){ P_TEXT(k), P_INT(oa_now()), P_INT((int64_t)max) }, 3, NULL);
}
