/*
 * api_account.c - accounts and sessions: sign-up, login, logout, me, and
 * the export of one's data.
 */
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "i18n.h"

/* A new session (sign-up or login): the cookie for browsers, and the user
 * and the token in the body for programs (Authorization: Bearer). */
static void respond_session(req *r, const offerapi_user *u, const char *token)
{
	cookie_set_session(r, token);
	respond_json(r, 201, json_pack("{s:o,s:s}", "user", user_json(u), "token", token));
}

/* The answer of a sign-up or login: the session, or the refusal (with
 * Retry-After when a limit was hit). Frees the session's user. */
static void answer_session(req *r, int rc, svc_session *s)
{
	if (rc == SVC_ELIMITED)
		req_header(r, "Retry-After: %u", s->retry_after);
	if (rc)
		api_fail(r, rc, false);
	else
		respond_session(r, s->user, s->token);
	svc_session_free(s);
}

void api_signup(req *r)
{
	json_t *j = api_body(r);
	if (!j)
		return;
	json_t *errs = json_array();
	api_check_string(r, j, "login", OFFERAPI_LOGIN_MAX * 4, true, errs); /* characters */
	api_check_string(r, j, "display_name", OFFERAPI_NAME_MAX, true, errs);
	api_check_string(r, j, "password", OFFERAPI_PASSWORD_MAX, true, errs);
	api_check_string(r, j, "role", 16, true, errs);
	api_check_string(r, j, "email", OFFERAPI_EMAIL_MAX, false, errs);
	if (!api_fields_ok(r, errs)) {
		json_decref(j);
		return;
	}
	bool bad = false;
	svc_signup_in in = { jstr(j, "login", &bad), jstr(j, "display_name", &bad),
		             jstr(j, "password", &bad), jstr(j, "role", &bad),
		             json_string_value(json_object_get(j, "email")) };
	svc_session s;
	answer_session(r, svc_signup(r, &in, &s), &s);
	json_decref(j);
}

void api_login(req *r)
{
	json_t *j = api_body(r);
	if (!j)
		return;
	bool bad = false;
	const char *login = jstr(j, "login", &bad), *pw = jstr(j, "password", &bad);
	svc_session s = { 0 };
	int rc = bad ? svc_fail(OFFERAPI_EINVAL, "err.login_fields") : svc_login(r, login, pw, &s);
	answer_session(r, rc, &s);
	json_decref(j);
}

/* The body's string fields @names (at most @max bytes each, all
 * required); NULL when the answer was sent. */
static json_t *api_strings(req *r, const char *const *names, const size_t *max, size_t n)
{
	json_t *j = api_body(r);
	if (!j)
		return NULL;
	json_t *errs = json_array();
	for (size_t i = 0; i < n; i++)
		api_check_string(r, j, names[i], max[i], true, errs);
	if (!api_fields_ok(r, errs)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static const char *sval(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

void api_verify_email(req *r)
{
	json_t *j = api_strings(r, (const char *[]){ "token" }, (size_t[]){ 64 }, 1);
	if (!j)
		return;
	api_done(r, svc_verify_email(r, sval(j, "token")), 204);
	json_decref(j);
}

void api_password_reset_request(req *r)
{
	json_t *j = api_strings(r, (const char *[]){ "email" }, (size_t[]){ OFFERAPI_EMAIL_MAX },
	                        1);
	if (!j)
		return;
	unsigned wait = 0;
	int rc = svc_password_reset_request(r, sval(j, "email"), &wait);
	if (rc == SVC_ELIMITED)
		req_header(r, "Retry-After: %u", wait);
	api_done(r, rc, 202);
	json_decref(j);
}

void api_password_reset(req *r)
{
	json_t *j = api_strings(r, (const char *[]){ "token", "password" },
	                        (size_t[]){ 64, OFFERAPI_PASSWORD_MAX }, 2);
	if (!j)
		return;
	api_done(r, svc_password_reset(r, sval(j, "token"), sval(j, "password"), NULL), 204);
	json_decref(j);
}

void api_logout(req *r)
{
	if (!api_need(r, 0))
		return;
	int rc = svc_logout(r);
	if (rc < 0) {
		api_fail(r, rc, false);
		return;
	}
	if (!r->via_bearer)
		cookie_clear_session(r);
	respond(r, 204, NULL, "", 0);
}

void api_me(req *r)
{
	if (!api_need(r, 0))
		return;
	respond_json(r, 200, json_pack("{s:o}", "user", user_json(r->user)));
}

void api_my_email(req *r)
{
	if (!api_need(r, 0))
		return;
	json_t *j = api_strings(r, (const char *[]){ "email" }, (size_t[]){ OFFERAPI_EMAIL_MAX },
	                        1);
	if (!j)
		return;
	unsigned wait = 0;
	int rc = svc_set_email(r, sval(j, "email"), &wait);
	offerapi_user *u = NULL;
	if (rc == 0)
		rc = offerapi_user_get(r->app->store, r->user->id, &u);
	if (rc) {
		if (rc == SVC_ELIMITED)
			req_header(r, "Retry-After: %u", wait);
		api_fail(r, rc, false);
	} else {
		respond_json(r, 200, json_pack("{s:o}", "user", user_json(u)));
	}
	offerapi_user_free(u);
	json_decref(j);
}

/* DELETE /api/v1/me {password}: the right to be forgotten. 200 with
 * {status: "erased"} now, or {status: "scheduled", erase_at} with a grace
 * period (the account is disabled meanwhile). */
void api_erase_me(req *r)
{
	if (!api_need(r, 0))
		return;
	json_t *j = api_strings(r, (const char *[]){ "password" },
	                        (size_t[]){ OFFERAPI_PASSWORD_MAX }, 1);
	if (!j)
		return;
	int64_t at = 0;
	unsigned wait = 0;
	int rc = svc_erase(r, sval(j, "password"), &at, &wait);
	json_decref(j);
	if (rc == SVC_ELIMITED)
		req_header(r, "Retry-After: %u", wait);
	if (rc) {
		api_fail(r, rc, false);
		return;
	}
	if (!r->via_bearer)
		cookie_clear_session(r);
	json_t *o = json_pack("{s:s}", "status", at ? "scheduled" : "erased");
	json_object_set_new(o, "erase_at", at ? json_integer((json_int_t)at) : json_null());
	respond_json(r, 200, o);
}

/* The user's live sessions, newest first, by page (api_page.c). */
void api_my_sessions(req *r)
{
	api_list q;
	if (!api_list_query(r, 0, &q))
		return;
	offerapi_session_list *l = NULL;
	char current[OFFERAPI_SESSION_ID_SIZE];
	if (api_page_failed(r, svc_sessions(r, &q.page, &l, current), &q.page))
		return;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(arr,
		                      json_pack("{s:s,s:I,s:I,s:b}", "id", l->items[i].id,
		                                "created_at", (json_int_t)l->items[i].created_at,
		                                "expires_at", (json_int_t)l->items[i].expires_at,
		                                "current", !strcmp(l->items[i].id, current)));
	api_list_send(r, &q, json_pack("{s:o}", "sessions", arr), l->next, l->prev, l->total);
	offerapi_session_list_free(l);
}

void api_session_revoke(req *r)
{
	bool was_current;
	int rc = svc_session_revoke(r, &was_current);
	if (rc) {
		api_fail(r, rc, false);
		return;
	}
	if (was_current && !r->via_bearer)
		cookie_clear_session(r);
	respond(r, 204, NULL, "", 0);
}

/* ?format= as a format, or false once a 400 naming the parameter and the
 * allowed values is sent. */
static bool export_format(req *r, offerapi_export_format *f)
{
	if (query_export_format(r, f))
		return true;
	json_t *errs = json_array();
	problem_add(r, errs, "format", "field.format");
	json_object_set_new(json_array_get(errs, 0), "allowed",
	                    json_pack("[s,s]", offerapi_export_format_name(OFFERAPI_EXPORT_ZIP),
	                              offerapi_export_format_name(OFFERAPI_EXPORT_TAR_GZ)));
	respond_problem(r, 400, "invalid", T(r, "problem.bad_query"), errs);
	return false;
}

void api_my_export(req *r)
{
	offerapi_export_format f;
	if (!api_need(r, 0) || !export_format(r, &f))
		return;
	int rc = download_export(r, f, r->user->login, svc_export);
	if (rc)
		api_fail(r, rc, false);
}

/* ---- personal access tokens ---- */

static json_t *token_json(const offerapi_pat *t)
{
	json_t *scopes = json_array();
	for (unsigned bit = 1; bit <= OFFERAPI_SCOPE_ALL; bit <<= 1)
		if (t->scopes & bit)
			json_array_append_new(scopes, json_string(offerapi_scope_name(bit)));
	json_t *o = json_pack("{s:I,s:s,s:o,s:I}", "id", (json_int_t)t->id, "name", t->name,
	                      "scopes", scopes, "created_at", (json_int_t)t->created_at);
	json_object_set_new(o, "last_used_at",
	                    t->last_used_at ? json_integer(t->last_used_at) : json_null());
	json_object_set_new(o, "expires_at",
	                    t->expires_at ? json_integer(t->expires_at) : json_null());
	return o;
}

/* The account's live tokens, newest first, by page (api_page.c). */
void api_my_tokens(req *r)
{
	api_list q;
	if (!api_list_query(r, 0, &q))
		return;
	offerapi_pat_list *l = NULL;
	if (api_page_failed(r, svc_tokens(r, &q.page, &l), &q.page))
		return;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(arr, token_json(&l->items[i]));
	api_list_send(r, &q, json_pack("{s:o}", "tokens", arr), l->next, l->prev, l->total);
	offerapi_pat_list_free(l);
}

/* {name, scopes, expires_in_days}; expires_in_days absent: 90, null: never. */
static bool token_body(req *r, json_t *body, svc_token_in *in, const char **names)
{
	json_t *errs = json_array();
	api_check_string(r, body, "name", OFFERAPI_PAT_NAME_MAX, true, errs);
	api_check_strings(r, body, "scopes", 4, 32, errs);
	json_t *scopes = json_object_get(body, "scopes");
	if (!json_array_size(scopes))
		problem_add(r, errs, "/scopes", "field.missing");
	json_t *days = json_object_get(body, "expires_in_days");
	if (days && !json_is_null(days) &&
	    (!json_is_integer(days) || json_integer_value(days) < 1 ||
	     json_integer_value(days) > SVC_TOKEN_DAYS_MAX))
		problem_add(r, errs, "/expires_in_days", "field.token_days");
	if (!api_fields_ok(r, errs))
		return false;
	bool bad = false;
	in->name = jstr(body, "name", &bad);
	for (size_t i = 0; i < json_array_size(scopes) && i < 4; i++)
		names[in->nscopes++] = json_string_value(json_array_get(scopes, i));
	in->scopes = names;
	in->expires_in_days = !days ? 90 : json_is_null(days) ? 0 : json_integer_value(days);
	return true;
}

void api_token_create(req *r)
{
	json_t *body = api_need_body(r, 0);
	if (!body)
		return;
	const char *names[4];
	svc_token_in in = { 0 };
	if (!token_body(r, body, &in, names)) {
		json_decref(body);
		return;
	}
	char token[OFFERAPI_PAT_SIZE];
	offerapi_id id = 0;
	int rc = svc_token_create(r, &in, token, &id);
	json_decref(body);
	offerapi_pat_list *l = NULL;
	if (rc == 0)
		rc = svc_tokens(r, NULL, &l);
	const offerapi_pat *made = NULL;
	for (size_t i = 0; l && i < l->count && !made; i++)
		if (l->items[i].id == id)
			made = &l->items[i];
	if (rc) {
		api_fail(r, rc, false);
	} else if (!made) { /* revoked between the two calls */
		api_fail(r, svc_fail(OFFERAPI_ENOTFOUND, "err.no_token"), false);
	} else {
		json_t *o = token_json(made);
		json_object_set_new(o, "token", json_string(token));
		respond_json(r, 201, o);
	}
	sodium_memzero(token, sizeof token);
	offerapi_pat_list_free(l);
}

void api_token_revoke(req *r)
{
	api_done(r, svc_token_revoke(r), 204);
}

/* ---- /api/v1/me/notifications ---- */

static void notifications_answer(req *r, int rc, bool stages)
{
	if (rc)
		api_fail(r, rc, false);
	else
		respond_json(r, 200,
		             json_pack("{s:{s:b}}", "notifications", "stage_emails", stages));
}

void api_my_notifications(req *r)
{
	bool stages = true;
	int rc = svc_notify_get(r, &stages);
	notifications_answer(r, rc, stages);
}

/* PUT {"stage_emails": bool}: the candidate's stage e-mails on or off. */
void api_my_notifications_put(req *r)
{
	json_t *j = api_need_body(r, 0);
	if (!j)
		return;
	json_t *v = json_object_get(j, "stage_emails"), *errs = json_array();
	if (!v || json_is_null(v))
		problem_add(r, errs, "/stage_emails", "field.missing");
	else if (!json_is_boolean(v))
		problem_add(r, errs, "/stage_emails", "field.boolean");
	bool on = json_is_true(v);
	json_decref(j);
	if (!api_fields_ok(r, errs))
		return;
	int rc = svc_notify_set(r, on);
	if (rc == 0)
		rc = svc_notify_get(r, &on);
	notifications_answer(r, rc, on);
}
