/*
 * svc_session.c - sign-up, login (with its failed-login limiter) and logout.
 */
#include <stdbool.h>
#include <string.h>

#include "app.h"
#include "metrics.h"
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
	return offerapi_session_create(r->app->store, *user, token);
}

int svc_logout(req *r)
{
	if (!r->session[0])
		return 0;
	return offerapi_session_delete(r->app->store, r->session);
}
