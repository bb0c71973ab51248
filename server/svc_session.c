/*
 * svc_session.c - sign-up, login (with its failed-login limiter) and logout.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "metrics.h"
#include "password.h"
#include "svc.h"

/* ---- failed-login limiter ----------------------------------------------------------------- */

/* Failed logins are counted in the database (offerapi/throttle.h), per
 * account and per address over --login-window-s, so that every replica
 * counts the same failures; checks in flight count until their verdict, and
 * a right password waits for them instead of being refused. */
static offerapi_login_throttle_options throttle_opts(const app *a)
{
	offerapi_login_throttle_options o = OFFERAPI_LOGIN_THROTTLE_OPTIONS_INIT;
	o.max_failures = a->cfg.login_max_failures;
	o.window_s = a->cfg.login_window_s;
	return o;
}

/* ---- sign-up throttle ----------------------------------------------------------------------- */

/* Sign-ups per address per hour (--signup-limit; 0: off). Per process,
 * unlike the login limiter (each replica counts its own: documented), in a
 * fixed table: a slot per address with the start of its hour and its count;
 * when the 8 slots of a probe run are taken, the oldest is reused, so memory
 * stays bounded whatever an attacker sends. */
typedef struct limit_slot {
	uint64_t hash;
	unsigned failures;
	time_t first;
} limit_slot;

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

#define SIGNUP_SLOTS 4096
#define SIGNUP_WINDOW_S 3600
static limit_slot signup_table[SIGNUP_SLOTS];
static pthread_mutex_t signup_lock = PTHREAD_MUTEX_INITIALIZER;

static limit_slot *signup_slot(uint64_t h, time_t now)
{
	size_t i0 = (size_t)(h % SIGNUP_SLOTS);
	limit_slot *victim = NULL;
	for (size_t k = 0; k < 8; k++) {
		limit_slot *s = &signup_table[(i0 + k) % SIGNUP_SLOTS];
		if (s->hash == h)
			return s;
		if (!victim || s->hash == 0 || (victim->hash != 0 && s->first < victim->first))
			victim = s;
	}
	victim->hash = h;
	victim->failures = 0;
	victim->first = now;
	return victim;
}

/* Count one sign-up from @addr (before the slow password hash, so that a
 * burst cannot pass the check together). Returns 0, or the seconds to wait
 * when the address has used its allowance for this hour. */
static unsigned signup_attempt_begin(const char *addr)
{
	unsigned max = g_app.cfg.signup_limit;
	if (!max)
		return 0;
	time_t now = time(NULL);
	uint64_t h = limit_hash('s', addr);
	unsigned wait = 0;
	pthread_mutex_lock(&signup_lock);
	limit_slot *s = signup_slot(h, now);
	if (now - s->first >= SIGNUP_WINDOW_S) {
		s->first = now;
		s->failures = 0;
	}
	if (s->failures >= max)
		wait = (unsigned)(SIGNUP_WINDOW_S - (now - s->first));
	else
		s->failures++;
	pthread_mutex_unlock(&signup_lock);
	return wait;
}

/* A sign-up that created no account (a field refused, the login taken, the
 * database failing) gives its count back. */
static void signup_attempt_undo(const char *addr)
{
	if (!g_app.cfg.signup_limit)
		return;
	pthread_mutex_lock(&signup_lock);
	limit_slot *s = signup_slot(limit_hash('s', addr), time(NULL));
	if (s->failures)
		s->failures--;
	pthread_mutex_unlock(&signup_lock);
}

/* ---- services ------------------------------------------------------------------------------- */

/* A new login or sign-up ends the session whose cookie the browser still
 * held (any user's): a cookie set before, by someone else on a shared
 * computer or planted by an attacker, is not kept alive beside the new
 * one (session fixation). */
static void revoke_held_session(req *r)
{
	char old[OFFERAPI_TOKEN_SIZE + 8];
	if (!cookie_value(r, "oa_session", old, sizeof old) ||
	    strlen(old) != OFFERAPI_TOKEN_SIZE - 1)
		return;
	if (offerapi_session_delete(r->app->store, old) < 0)
		fprintf(stderr,
		        "level=warn request_id=%s msg=\"the previous session was not revoked\" "
		        "detail=\"%s\"\n",
		        r->request_id, offerapi_error_last()->message);
}

int svc_signup(req *r, const svc_signup_in *in, offerapi_user **user,
               char token[OFFERAPI_TOKEN_SIZE], unsigned *retry_after)
{
	*user = NULL;
	offerapi_role role;
	if (!in->role || offerapi_role_parse(&role, in->role) < 0)
		return svc_fail(OFFERAPI_EINVAL, "err.role");
	const char *weak = password_refusal(in->password, in->login, in->display_name);
	if (weak)
		return svc_fail(SVC_EWEAKPW, weak);
	bool email = in->email && *in->email;
	char addr[OFFERAPI_EMAIL_MAX + 1];
	if (email && offerapi_email_normalize(in->email, addr) < 0)
		return svc_fail(OFFERAPI_EINVAL, "err.email");
	*retry_after = signup_attempt_begin(r->addr);
	if (*retry_after)
		return svc_fail(SVC_ELIMITED, "err.signup_limited");
	const char *login = in->login ? in->login : "",
		   *name = in->display_name ? in->display_name : "",
		   *pw = in->password ? in->password : "";
	int rc = email ? offerapi_user_create_with_email(r->app->store, login, name, pw, role, addr,
	                                                 r->lang == LANG_EN ? "en" : "fr", user)
	               : offerapi_user_create(r->app->store, login, name, pw, role, user);
	if (rc < 0)
		signup_attempt_undo(r->addr);
	if (rc == OFFERAPI_EEXISTS && strstr(offerapi_error_last()->message, "email"))
		return svc_fail(rc, "err.email_taken");
	if (rc == OFFERAPI_EEXISTS)
		return svc_fail(rc, "err.login_taken");
	if (rc == 0) {
		revoke_held_session(r);
		rc = offerapi_session_create(r->app->store, *user, token);
	}
	return rc;
}

int svc_verify_email(req *r, const char *token)
{
	int rc = offerapi_email_verify(r->app->store, token ? token : "", NULL);
	return rc == OFFERAPI_EAUTH ? svc_fail(rc, "err.bad_link") : rc;
}

int svc_password_reset_request(req *r, const char *email)
{
	int rc = offerapi_password_reset_request(r->app->store, email ? email : "");
	return rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG
	               ? svc_fail(OFFERAPI_EINVAL, "err.email")
	               : rc;
}

int svc_password_reset(req *r, const char *token, const char *password)
{
	const char *weak = password_refusal(password ? password : "", NULL, NULL);
	if (weak)
		return svc_fail(SVC_EWEAKPW, weak);
	int rc = offerapi_password_reset(r->app->store, token ? token : "",
	                                 password ? password : "", NULL);
	return rc == OFFERAPI_EAUTH ? svc_fail(rc, "err.bad_link") : rc;
}

/* Rate-limited per account and per address, in the database (shared by
 * replicas). The password hash makes a login slow on purpose. */
int svc_login(req *r, const char *login, const char *password, offerapi_user **user,
              char token[OFFERAPI_TOKEN_SIZE], unsigned *retry_after)
{
	*user = NULL;
	*retry_after = 0;
	if (!login || !password)
		return svc_fail(OFFERAPI_EINVAL, "err.login_fields");
	bool limit = r->app->cfg.login_max_failures > 0;
	offerapi_login_throttle_options o = throttle_opts(r->app);
	offerapi_login_ticket t;
	if (limit) {
		int trc = offerapi_login_throttle_begin(r->app->store, &o, login, r->addr, &t,
		                                        retry_after);
		if (trc < 0)
			return trc;
		if (*retry_after) {
			metrics_login(false, true);
			return svc_fail(SVC_ELIMITED, "err.rate_limited");
		}
	}
	int rc = offerapi_user_authenticate(r->app->store, login, password, user);
	bool bad = rc == OFFERAPI_EAUTH || rc == OFFERAPI_EINVAL;
	if (limit)
		offerapi_login_throttle_end(r->app->store, &o, &t,
		                            rc == 0 ? OFFERAPI_LOGIN_SUCCEEDED
		                            : bad   ? OFFERAPI_LOGIN_FAILED
		                                    : OFFERAPI_LOGIN_UNDECIDED);
	if (bad) {
		metrics_login(false, false);
		return svc_fail(OFFERAPI_EAUTH, "err.bad_login");
	}
	if (rc < 0)
		return rc;
	metrics_login(true, false);
	revoke_held_session(r);
	return offerapi_session_create(r->app->store, *user, token);
}

int svc_sessions(req *r, offerapi_session_list **out, char current[OFFERAPI_SESSION_ID_SIZE])
{
	*out = NULL;
	current[0] = '\0';
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	if (r->session[0])
		offerapi_session_id(r->session, current);
	return offerapi_session_list_user(r->app->store, r->user->id, out);
}

int svc_session_revoke(req *r, bool *was_current)
{
	*was_current = false;
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	char current[OFFERAPI_SESSION_ID_SIZE] = "";
	if (r->session[0])
		offerapi_session_id(r->session, current);
	rc = offerapi_session_revoke(r->app->store, r->user->id, r->sid);
	if (rc == OFFERAPI_ENOTFOUND)
		return svc_fail(rc, "err.no_session");
	*was_current = rc == 0 && !strcmp(current, r->sid);
	return rc;
}

int svc_logout(req *r)
{
	if (!r->session[0])
		return 0;
	return offerapi_session_delete(r->app->store, r->session);
}
