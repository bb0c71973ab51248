/*
 * svc_session.c - sign-up, login (with its failed-login limiter), logout,
 * e-mail verification and password reset.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "metrics.h"
#include "password.h"
#include "svc.h"
#include "oacommon.h"

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

/* Sign-ups per address per hour (--signup-limit; 0: off), counted in the
 * database (offerapi_rate_limit_hit) so that every replica counts the same
 * sign-ups. Returns 0 or a database error; *@p wait: 0, or the seconds to
 * wait when the address has used its allowance for this hour. */
static int signup_attempt_begin(const req *r, unsigned *wait)
{
	*wait = 0;
	unsigned max = r->app->cfg.signup_limit;
	return max ? offerapi_rate_limit_hit(r->app->store, "signup", r->addr, max, 3600, wait) : 0;
}

/* A sign-up that created no account (a field refused, the login taken, the
 * database failing) gives its count back. */
static void signup_attempt_undo(const req *r)
{
	unsigned max = r->app->cfg.signup_limit;
	char q[600];
	if (max && offerapi_rate_limit_undo(r->app->store, "signup", r->addr, max) < 0)
		fprintf(stderr,
		        "level=warn request_id=%s msg=\"a refused sign-up was not given back\" "
		        "detail=%s\n",
		        r->request_id, oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
}

/* Links sent by mail (reset, address confirmation): at most --reset-limit an
 * hour for @p key in @p bucket, counted in the database like the sign-ups.
 * Returns 0, a database error, or SVC_ELIMITED with @p msg_key and
 * *@p retry_after set to the seconds to wait. */
static int hourly_limit(const req *r, const char *bucket, const char *key, const char *msg_key,
                        unsigned *retry_after)
{
	*retry_after = 0;
	unsigned max = r->app->cfg.reset_limit;
	int rc = max ? offerapi_rate_limit_hit(r->app->store, bucket, key, max, 3600, retry_after)
	             : 0;
	if (rc < 0)
		return rc;
	return *retry_after ? svc_fail(SVC_ELIMITED, msg_key) : 0;
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
	char q[600];
	if (offerapi_session_delete(r->app->store, old) < 0)
		fprintf(stderr,
		        "level=warn request_id=%s msg=\"the previous session was not revoked\" "
		        "detail=%s\n",
		        r->request_id, oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
}

void svc_session_free(svc_session *s)
{
	offerapi_user_free(s->user);
	s->user = NULL;
}

int svc_signup(req *r, const svc_signup_in *in, svc_session *out)
{
	*out = (svc_session){ 0 };
	offerapi_role role;
	/* an admin account is the operator's to make (offerapi-admin), never
	 * a sign-up's */
	if (!in->role || offerapi_role_parse(&role, in->role) < 0 || role == OFFERAPI_ROLE_ADMIN)
		return svc_fail(OFFERAPI_EINVAL, "err.role");
	const char *weak = password_refusal(in->password, in->login, in->display_name);
	if (weak)
		return svc_fail(SVC_EWEAKPW, weak);
	bool email = in->email && *in->email;
	char addr[OFFERAPI_EMAIL_MAX + 1];
	if (email && offerapi_email_normalize(in->email, addr) < 0)
		return svc_fail(OFFERAPI_EINVAL, "err.email");
	int rc = signup_attempt_begin(r, &out->retry_after);
	if (rc < 0)
		return rc;
	if (out->retry_after)
		return svc_fail(SVC_ELIMITED, "err.signup_limited");
	const char *login = in->login ? in->login : "",
		   *name = in->display_name ? in->display_name : "",
		   *pw = in->password ? in->password : "";
	rc = email ? offerapi_user_create_with_email(r->app->store, login, name, pw, role, addr,
	                                             r->lang == LANG_EN ? "en" : "fr", &out->user)
	           : offerapi_user_create(r->app->store, login, name, pw, role, &out->user);
	if (rc < 0)
		signup_attempt_undo(r);
	if (rc == OFFERAPI_EEXISTS && strstr(offerapi_error_last()->message, "email"))
		return svc_fail(rc, "err.email_taken");
	if (rc == OFFERAPI_EEXISTS)
		return svc_fail(rc, "err.login_taken");
	if (rc == 0) {
		revoke_held_session(r);
		rc = offerapi_session_create(r->app->store, out->user, out->token);
	}
	return rc;
}

int svc_verify_email(req *r, const char *token)
{
	int rc = offerapi_email_verify(r->app->store, token ? token : "", NULL);
	return rc == OFFERAPI_EAUTH ? svc_fail(rc, "err.bad_link") : rc;
}

/* "Forgot password" asks per client address per hour (--reset-limit; 0:
 * off), counted in the database as sign-ups are: each ask may send a
 * message, so an address cannot flood someone's mailbox. Only asks that
 * name an address at all are counted; the answer is the same whether or
 * not an account has it. */
int svc_password_reset_request(req *r, const char *email, unsigned *retry_after)
{
	*retry_after = 0;
	char addr[OFFERAPI_EMAIL_MAX + 1];
	if (offerapi_email_normalize(email ? email : "", addr) < 0)
		return svc_fail(OFFERAPI_EINVAL, "err.email");
	int rc = hourly_limit(r, "password-reset", r->addr, "err.reset_limited", retry_after);
	if (rc)
		return rc;
	rc = offerapi_password_reset_request(r->app->store, addr);
	return rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG
	               ? svc_fail(OFFERAPI_EINVAL, "err.email")
	               : rc;
}

/* Each call may send a message to the address given, so it is limited per
 * account as "forgot password" is per address (--reset-limit an hour):
 * nobody can use an account to flood someone else's mailbox. */
int svc_set_email(req *r, const char *email, unsigned *retry_after)
{
	*retry_after = 0;
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	char addr[OFFERAPI_EMAIL_MAX + 1];
	if (offerapi_email_normalize(email ? email : "", addr) < 0)
		return svc_fail(OFFERAPI_EINVAL, "err.email");
	if (r->user->email && r->user->email_verified_at && !strcmp(r->user->email, addr))
		return 0; /* verified already: nothing to send */
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)r->user->id);
	rc = hourly_limit(r, "email-link", key, "err.email_limited", retry_after);
	if (rc)
		return rc;
	rc = offerapi_user_set_email(r->app->store, r->user->id, addr,
	                             r->lang == LANG_EN ? "en" : "fr");
	if (rc == OFFERAPI_EEXISTS)
		return svc_fail(rc, "err.email_taken");
	return rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG
	               ? svc_fail(OFFERAPI_EINVAL, "err.email")
	               : rc;
}

int svc_password_reset_check(req *r, const char *token)
{
	int rc = offerapi_password_reset_check(r->app->store, token ? token : "");
	return rc == OFFERAPI_EAUTH ? svc_fail(rc, "err.bad_link") : rc;
}

int svc_password_reset(req *r, const char *token, const char *password, offerapi_id *user_id)
{
	const char *weak = password_refusal(password ? password : "", NULL, NULL);
	if (weak)
		return svc_fail(SVC_EWEAKPW, weak);
	int rc = offerapi_password_reset(r->app->store, token ? token : "",
	                                 password ? password : "", user_id);
	return rc == OFFERAPI_EAUTH ? svc_fail(rc, "err.bad_link") : rc;
}

/* offerapi_user_authenticate() under the failed-login limit, when
 * --login-max-failures sets one: SVC_ELIMITED with *@retry_after while it
 * holds. *@wrong: the password or login was refused (a failure counted). */
static int authenticate_limited(req *r, const char *login, const char *password,
                                offerapi_user **user, unsigned *retry_after, bool *wrong)
{
	*wrong = false;
	bool limit = r->app->cfg.login_max_failures > 0;
	offerapi_login_throttle_options o = throttle_opts(r->app);
	offerapi_login_ticket t;
	if (limit) {
		int trc = offerapi_login_throttle_begin(r->app->store, &o, login, r->addr, &t,
		                                        retry_after);
		if (trc < 0)
			return trc;
		if (*retry_after)
			return svc_fail(SVC_ELIMITED, "err.rate_limited");
	}
	int rc = offerapi_user_authenticate(r->app->store, login, password, user);
	*wrong = rc == OFFERAPI_EAUTH || rc == OFFERAPI_EINVAL;
	if (limit)
		offerapi_login_throttle_end(r->app->store, &o, &t,
		                            rc == 0  ? OFFERAPI_LOGIN_SUCCEEDED
		                            : *wrong ? OFFERAPI_LOGIN_FAILED
		                                     : OFFERAPI_LOGIN_UNDECIDED);
	return rc;
}

/* Rate-limited per (account, address) and per address, in the database
 * (shared by replicas). The password hash makes a login slow on purpose. */
int svc_login(req *r, const char *login, const char *password, svc_session *out)
{
	*out = (svc_session){ 0 };
	if (!login || !password)
		return svc_fail(OFFERAPI_EINVAL, "err.login_fields");
	bool bad;
	int rc = authenticate_limited(r, login, password, &out->user, &out->retry_after, &bad);
	if (rc == SVC_ELIMITED)
		metrics_login(false, true);
	if (bad) {
		metrics_login(false, false);
		return svc_fail(OFFERAPI_EAUTH, "err.bad_login");
	}
	if (rc < 0)
		return rc;
	metrics_login(true, false);
	revoke_held_session(r);
	return offerapi_session_create(r->app->store, out->user, out->token);
}

int svc_sessions(req *r, const offerapi_page *page, offerapi_session_list **out,
                 char current[OFFERAPI_SESSION_ID_SIZE])
{
	*out = NULL;
	current[0] = '\0';
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	if (r->session[0])
		offerapi_session_id(r->session, current);
	return page ? offerapi_session_list_page(r->app->store, r->user->id, page, out)
	            : offerapi_session_list_user(r->app->store, r->user->id, out);
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

int svc_export(req *r, offerapi_export_format f, offerapi_export_write_fn write, void *payload)
{
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	return offerapi_user_export(r->app->store, r->user->id, f, write, payload);
}

int svc_erase(req *r, const char *password, int64_t *erase_at, unsigned *retry_after)
{
	*erase_at = 0;
	*retry_after = 0;
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	if (!password || !*password)
		return svc_fail(OFFERAPI_EINVAL, "err.erase_password");
	/* the password proves it is the person, not a borrowed session; its
	 * guesses count as failed logins do */
	offerapi_user *u = NULL;
	bool bad;
	rc = authenticate_limited(r, r->user->login, password, &u, retry_after, &bad);
	bool same = u && u->id == r->user->id;
	offerapi_user_free(u);
	if (bad || (rc == 0 && !same))
		return svc_fail(OFFERAPI_EPERM, "err.erase_bad_password");
	if (rc < 0)
		return rc;
	unsigned days = r->app->cfg.erase_grace_days;
	if (days == 0)
		return offerapi_user_erase(r->app->store, r->user->id, NULL);
	return offerapi_user_erase_schedule(r->app->store, r->user->id,
	                                    (int64_t)time(NULL) + (int64_t)days * 86400, erase_at);
}

/* ---- personal access tokens ------------------------------------------------------------------ */

int svc_tokens(req *r, const offerapi_page *page, offerapi_pat_list **out)
{
	*out = NULL;
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	return page ? offerapi_pat_list_page(r->app->store, r->user->id, page, out)
	            : offerapi_pat_list_user(r->app->store, r->user->id, out);
}

int svc_token_create(req *r, const svc_token_in *in, char token[OFFERAPI_PAT_SIZE], offerapi_id *id)
{
	token[0] = '\0';
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	unsigned scopes = 0;
	for (size_t i = 0; i < in->nscopes; i++) {
		unsigned bit;
		if ((rc = offerapi_scope_parse(in->scopes[i], &bit)) < 0)
			return rc;
		scopes |= bit;
	}
	if (in->expires_in_days < 0 || in->expires_in_days > SVC_TOKEN_DAYS_MAX)
		return svc_fail(OFFERAPI_EINVAL, "err.token_days");
	rc = offerapi_pat_create(r->app->store, r->user, in->name ? in->name : "", scopes,
	                         in->expires_in_days * 86400, token, id);
	return rc == OFFERAPI_ETOOBIG ? svc_fail(OFFERAPI_ECONFLICT, "err.token_many") : rc;
}

int svc_token_revoke(req *r)
{
	int rc = svc_require(r, 0);
	if (rc == 0)
		rc = offerapi_pat_revoke(r->app->store, r->user->id, r->id);
	return rc == OFFERAPI_ENOTFOUND ? svc_fail(rc, "err.no_token") : rc;
}
