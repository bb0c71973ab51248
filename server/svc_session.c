/*
 * svc_session.c - sign-up, login (with its failed-login limiter) and logout.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "metrics.h"
#include "svc.h"

/* ---- failed-login limiter ----------------------------------------------------------------- */

/* A fixed table of recent failures keyed by "l:login" or "a:address". Per
 * process (each replica limits on its own: documented); entries older than
 * the window are reused, so memory stays bounded whatever an attacker sends. */
#define LIMIT_SLOTS 4096
typedef struct limit_slot {
	uint64_t hash;
	unsigned failures;
	time_t first;
} limit_slot;
static limit_slot limit_table[LIMIT_SLOTS];
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t limit_hash(char kind, const char *s)
{
	unsigned char h[8];
	unsigned char in[2 + OFFERAPI_LOGIN_MAX + 64];
	size_t n = strlen(s);
	if (n > sizeof in - 2)
		n = sizeof in - 2;
	in[0] = (unsigned char)kind;
	in[1] = ':';
	for (size_t i = 0; i < n; i++)
		in[2 + i] = (unsigned char)tolower((unsigned char)s[i]);
	crypto_shorthash(h, in, n + 2, g_app.csrf_key);
	uint64_t v;
	memcpy(&v, h, 8);
	return v ? v : 1;
}

/* Find the slot of @h among the 8 slots of its probe run. With @create,
 * a missing key takes a free slot, else an expired one, else the oldest:
 * an attacker flooding the table can only evict, never grow it. */
static limit_slot *limit_find(uint64_t h, time_t now, bool create)
{
	size_t i0 = (size_t)(h % LIMIT_SLOTS);
	limit_slot *victim = NULL;
	for (size_t k = 0; k < 8; k++) {
		limit_slot *s = &limit_table[(i0 + k) % LIMIT_SLOTS];
		if (s->hash == h)
			return s;
		bool reusable = s->hash == 0 || now - s->first >= (time_t)g_app.cfg.login_window_s;
		if (!victim || (reusable && victim->hash != 0) ||
		    (victim->hash != 0 && s->first < victim->first))
			victim = s;
	}
	if (!create)
		return NULL;
	victim->hash = h;
	victim->failures = 0;
	victim->first = now;
	return victim;
}

static unsigned limit_check_one(uint64_t h, time_t now, unsigned max)
{
	limit_slot *s = limit_find(h, now, false);
	if (!s)
		return 0;
	time_t age = now - s->first;
	if (age >= (time_t)g_app.cfg.login_window_s)
		return 0;
	if (s->failures >= max)
		return (unsigned)(g_app.cfg.login_window_s - (unsigned)age);
	return 0;
}

static void limit_bump(uint64_t h, time_t now);

/* Check the limits and, when the attempt may go on, count it as a failure
 * in the same step, before the slow password hash: attempts sent at the
 * same moment cannot all pass the check. login_succeeded() takes the count
 * back. Returns 0, or the seconds to wait. */
static unsigned login_attempt_begin(const char *login, const char *addr)
{
	if (!g_app.cfg.login_max_failures)
		return 0;
	time_t now = time(NULL);
	uint64_t hl = limit_hash('l', login), ha = limit_hash('a', addr);
	pthread_mutex_lock(&limit_lock);
	/* Addresses get four times the allowance: many people share one NAT. */
	unsigned a = limit_check_one(hl, now, g_app.cfg.login_max_failures);
	unsigned b = limit_check_one(ha, now, 4 * g_app.cfg.login_max_failures);
	if (!a && !b) {
		limit_bump(hl, now);
		limit_bump(ha, now);
	}
	pthread_mutex_unlock(&limit_lock);
	return a > b ? a : b;
}

static void limit_bump(uint64_t h, time_t now)
{
	limit_slot *s = limit_find(h, now, true);
	if (now - s->first >= (time_t)g_app.cfg.login_window_s) {
		s->first = now;
		s->failures = 0;
	}
	s->failures++;
}

/* An attempt that never reached a verdict (the database failed): give
 * back what login_attempt_begin() counted, on both counters. */
static void login_attempt_undo(const char *login, const char *addr)
{
	if (!g_app.cfg.login_max_failures)
		return;
	pthread_mutex_lock(&limit_lock);
	time_t now = time(NULL);
	limit_slot *s = limit_find(limit_hash('l', login), now, false);
	if (s && s->failures)
		s->failures--;
	s = limit_find(limit_hash('a', addr), now, false);
	if (s && s->failures)
		s->failures--;
	pthread_mutex_unlock(&limit_lock);
}

/* A good password: the account's count starts again, and the address gets
 * back the attempt login_attempt_begin() counted. */
static void login_succeeded(const char *login, const char *addr)
{
	if (!g_app.cfg.login_max_failures)
		return;
	pthread_mutex_lock(&limit_lock);
	time_t now = time(NULL);
	limit_slot *s = limit_find(limit_hash('l', login), now, false);
	if (s)
		s->hash = 0;
	s = limit_find(limit_hash('a', addr), now, false);
	if (s && s->failures)
		s->failures--;
	pthread_mutex_unlock(&limit_lock);
}

/* ---- services ------------------------------------------------------------------------------- */

int svc_signup(req *r, const svc_signup_in *in, offerapi_user **user,
               char token[OFFERAPI_TOKEN_SIZE])
{
	*user = NULL;
	offerapi_role role;
	if (!in->role || offerapi_role_parse(&role, in->role) < 0)
		return svc_fail(OFFERAPI_EINVAL, "err.role");
	int rc = offerapi_user_create(r->app->store, in->login ? in->login : "",
	                              in->display_name ? in->display_name : "",
	                              in->password ? in->password : "", role, user);
	if (rc == OFFERAPI_EEXISTS)
		return svc_fail(rc, "err.login_taken");
	if (rc == 0)
		rc = offerapi_session_create(r->app->store, *user, token);
	return rc;
}

/* Rate-limited per account and per address (each replica counts its own
 * failures). The password hash makes a login slow on purpose. */
int svc_login(req *r, const char *login, const char *password, offerapi_user **user,
              char token[OFFERAPI_TOKEN_SIZE], unsigned *retry_after)
{
	*user = NULL;
	if (!login || !password)
		return svc_fail(OFFERAPI_EINVAL, "err.login_fields");
	*retry_after = login_attempt_begin(login, r->addr);
	if (*retry_after) {
		metrics_login(false, true);
		return svc_fail(SVC_ELIMITED, "err.rate_limited");
	}
	int rc = offerapi_user_authenticate(r->app->store, login, password, user);
	if (rc == OFFERAPI_EAUTH || rc == OFFERAPI_EINVAL) {
		metrics_login(false, false); /* counted by login_attempt_begin() */
		return svc_fail(OFFERAPI_EAUTH, "err.bad_login");
	}
	if (rc < 0) {
		login_attempt_undo(login, r->addr);
		return rc;
	}
	metrics_login(true, false);
	login_succeeded(login, r->addr);
	return offerapi_session_create(r->app->store, *user, token);
}

int svc_logout(req *r)
{
	if (!r->session[0])
		return 0;
	return offerapi_session_delete(r->app->store, r->session);
}
