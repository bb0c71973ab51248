/*
 * pages_email.c - the pages the account messages link to (issue 13): the
 * e-mail verification page, "forgot password" and the reset form.
 *
 * A link in a message only ever shows a page: the change is a POST of that
 * page's form (with its CSRF token), so a mail scanner that fetches every
 * link changes nothing. The rules (token checks, password policy, rate
 * limits, no account enumeration) are the services' (svc_session.c),
 * shared with the API.
 */
#include <stdio.h>
#include <string.h>

#include "pages.h"

/* A link's token: at most 64 bytes (the library refuses anything that is
 * not 64 hex digits). */
#define LINK_TOKEN_MAX 64

/* The token of the link (?token=) or of the form; NULL when absent or too
 * long to be one. */
static const char *link_token(req *r, const form *f, char dst[LINK_TOKEN_MAX + 1])
{
	if (f) {
		const char *t = form_get(f, "token");
		return t && *t && strlen(t) <= LINK_TOKEN_MAX ? t : NULL;
	}
	return query_var(r, "token", dst, LINK_TOKEN_MAX + 1) > 0 ? dst : NULL;
}

static void hidden_token(buf *b, const char *token)
{
	buf_puts(b, "<input type=\"hidden\" name=\"token\" value=\"");
	buf_esc(b, token);
	buf_puts(b, "\">");
}

/* A short page: a heading, one message (@kind "ok" or "error") and one
 * link onward. */
static void message_page(req *r, int status, const char *title_key, const char *kind,
                         const char *msg, const char *href, const char *link_key)
{
	buf b;
	buf_init(&b, 4096);
	page_start(r, &b, T(r, title_key));
	buf_puts(&b, "<section class=\"narrow\"><h1>");
	buf_esc(&b, T(r, title_key));
	buf_puts(&b, "</h1>");
	alert(r, &b, kind, msg);
	buf_printf(&b, "<p><a href=\"%s\">%s</a></p></section>", href, T(r, link_key));
	page_send(r, status, &b);
}

/* A link that does not work (unknown, used, expired, cut): 400, said
 * plainly, with a way to ask for a new reset link. */
static void bad_link_page(req *r, bool reset)
{
	if (reset)
		message_page(r, 400, "link.bad_title", "error", T(r, "link.bad"),
		             "/forgot-password", "link.new_reset");
	else
		message_page(r, 400, "link.bad_title", "error", T(r, "link.bad"), "/", "back.home");
}

/* ---- GET/POST /verify-email ----------------------------------------------------------------- */

void page_verify_email(req *r)
{
	char tb[LINK_TOKEN_MAX + 1];
	const char *token = link_token(r, NULL, tb);
	if (!token) {
		bad_link_page(r, false);
		return;
	}
	buf b;
	form_page_start(r, &b, T(r, "verify.title"), NULL, NULL, "/verify-email");
	hidden_token(&b, token);
	buf_printf(&b, "<p>%s</p><button type=\"submit\">%s</button></form></section>",
	           T(r, "verify.intro"), T(r, "verify.go"));
	page_send(r, 200, &b);
}

void page_verify_email_post(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	char tb[LINK_TOKEN_MAX + 1];
	const char *token = link_token(r, &f, tb);
	int rc = token ? svc_verify_email(r, token) : OFFERAPI_EAUTH;
	form_free(&f);
	if (rc == 0)
		message_page(r, 200, "verify.done_title", "ok", T(r, "verify.done"), "/",
		             "back.home");
	else if (rc == OFFERAPI_EAUTH)
		bad_link_page(r, false);
	else
		page_fail(r, rc);
}

/* ---- GET/POST /forgot-password -------------------------------------------------------------- */

static void forgot_form(req *r, int status, const char *err, const field_errs *errs,
                        const char *email)
{
	buf b;
	form_page_start(r, &b, T(r, "forgot.title"), err, errs, "/forgot-password");
	buf_printf(&b, "<p>%s</p>", T(r, "forgot.intro"));
	field_ex(&b, "email", "email", T(r, "field.email"), email ? email : "",
	         "required maxlength=\"254\" autocomplete=\"email\" inputmode=\"email\"", errs,
	         NULL);
	buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "forgot.go"));
	buf_printf(&b, "<p><a href=\"/login\">%s</a></p></section>", T(r, "nav.login"));
	page_send(r, status, &b);
}

void page_forgot_password(req *r)
{
	forgot_form(r, 200, NULL, NULL, NULL);
}

void page_forgot_password_post(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	const char *email = form_get(&f, "email");
	unsigned wait = 0;
	int rc = svc_password_reset_request(r, email, &wait);
	if (rc == 0) {
		/* the same answer whether or not an account has this address */
		message_page(r, 200, "forgot.sent_title", "ok", T(r, "forgot.sent"), "/login",
		             "nav.login");
	} else {
		http_error e;
		if (form_refused(r, rc, wait, &e)) {
			/* a server error: answered */
		} else if (rc == OFFERAPI_EINVAL) {
			field_errs errs = { 0 };
			ferr_add(r, &errs, "email", "field.email", "ferr.email");
			forgot_form(r, 422, NULL, &errs, email);
		} else {
			forgot_form(r, e.status, e.message, NULL, email);
		}
	}
	form_free(&f);
}

/* ---- GET/POST /reset-password --------------------------------------------------------------- */

static void reset_form(req *r, int status, const field_errs *errs, const char *token)
{
	buf b;
	form_page_start(r, &b, T(r, "reset.title"), NULL, errs, "/reset-password");
	hidden_token(&b, token);
	field_ex(&b, "password", "password", T(r, "field.pw_new"), "",
	         "required minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"", errs,
	         NULL);
	field_ex(&b, "password", "password2", T(r, "field.pw_again"), "",
	         "required minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"", errs,
	         NULL);
	buf_printf(&b, "<button type=\"submit\">%s</button></form></section>", T(r, "reset.go"));
	page_send(r, status, &b);
}

void page_reset_password(req *r)
{
	char tb[LINK_TOKEN_MAX + 1];
	const char *token = link_token(r, NULL, tb);
	int rc = token ? svc_password_reset_check(r, token) : OFFERAPI_EAUTH;
	if (rc == 0)
		reset_form(r, 200, NULL, token);
	else if (rc == OFFERAPI_EAUTH)
		bad_link_page(r, true);
	else
		page_fail(r, rc);
}

void page_reset_password_post(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	char tb[LINK_TOKEN_MAX + 1];
	const char *token = link_token(r, &f, tb);
	const char *pw = form_get(&f, "password"), *pw2 = form_get(&f, "password2");
	field_errs errs = { 0 };
	offerapi_id uid = 0;
	int rc = OFFERAPI_EAUTH;
	if (token && strcmp(pw ? pw : "", pw2 ? pw2 : "") != 0)
		ferr_add(r, &errs, "password2", "field.pw_again", "ferr.pw_mismatch");
	else if (token)
		rc = svc_password_reset(r, token, pw, &uid);
	if (errs.n) {
		reset_form(r, 422, &errs, token);
	} else if (rc == 0) {
		/* the reset ended the account's sessions: this browser's too */
		if (r->user && r->user->id == uid) {
			cookie_clear_session(r);
			offerapi_user_free(r->user);
			r->user = NULL;
		}
		message_page(r, 200, "reset.done_title", "ok", T(r, "reset.done"), "/login",
		             "nav.login");
	} else if (rc == OFFERAPI_EAUTH) {
		bad_link_page(r, true);
	} else {
		http_error e;
		http_error_for(r, rc, false, &e);
		if (e.status >= 500) {
			page_error(r, e.status, e.message);
		} else {
			/* the password policy, in the page's language, beside the field */
			ferr_add(r, &errs, "password", "field.pw", "ferr.verbatim", e.message);
			reset_form(r, e.status, &errs, token);
		}
	}
	form_free(&f);
}

/* ---- GET/POST /me/email: give, change or confirm the account's address ---------------------- */

static void email_form(req *r, int status, const char *err, const field_errs *errs,
                       const char *typed, const char *next)
{
	const offerapi_user *u = r->user;
	buf b;
	form_page_start(r, &b, T(r, "email.title"), err, errs, "/me/email");
	alert_done(r, &b, "sent=1", "email.sent");
	buf_puts(&b, "<p>");
	if (!u->email) {
		buf_puts(&b, T(r, "email.none"));
	} else {
		buf_printf(&b, "%s <strong>", T(r, "email.current"));
		buf_esc(&b, u->email);
		buf_printf(&b, "</strong> (%s)",
		           T(r, u->email_verified_at ? "email.verified" : "email.unverified"));
	}
	buf_printf(&b, "</p><p>%s</p>", T(r, "email.why"));
	if (next) {
		buf_puts(&b, "<input type=\"hidden\" name=\"next\" value=\"");
		buf_esc(&b, next);
		buf_puts(&b, "\">");
	}
	field_ex(&b, "email", "email", T(r, "field.email"),
	         typed      ? typed
	         : u->email ? u->email
	                    : "",
	         "required maxlength=\"254\" autocomplete=\"email\" inputmode=\"email\"", errs,
	         T(r, "email.hint"));
	buf_printf(&b, "<button type=\"submit\">%s</button></form>",
	           T(r, u->email && !u->email_verified_at ? "email.resend" : "email.save"));
	if (next) {
		buf_puts(&b, "<p><a href=\"");
		buf_esc(&b, next);
		buf_printf(&b, "\">%s</a></p>", T(r, "email.continue"));
	}
	buf_printf(&b, "<p><a href=\"/me/notifications\">%s</a></p></section>",
	           T(r, "notify.title"));
	page_send(r, status, &b);
}

void page_my_email(req *r)
{
	if (!need_role(r, 0))
		return;
	char nb[256];
	const char *next = next_path(r, NULL, nb, sizeof nb);
	email_form(r, 200, NULL, NULL, NULL, strcmp(next, "/") ? next : NULL);
}

void page_my_email_post(req *r)
{
	form f;
	if (!page_form_as(r, &f, 0, 0))
		return;
	const char *next = next_path(r, &f, NULL, 0);
	const char *email = form_get(&f, "email");
	unsigned wait = 0;
	int rc = svc_set_email(r, email, &wait);
	if (rc == 0) {
		respond_redirectf(r, "/me/email?sent=1%s%s", strcmp(next, "/") ? "&next=" : "",
		                  strcmp(next, "/") ? next : "");
	} else {
		http_error e;
		field_errs errs = { 0 };
		if (form_refused(r, rc, wait, &e)) {
			/* a server error: answered */
		} else if (rc == OFFERAPI_EINVAL) {
			ferr_add(r, &errs, "email", "field.email", "ferr.email");
			email_form(r, 422, NULL, &errs, email, strcmp(next, "/") ? next : NULL);
		} else {
			email_form(r, e.status, e.message, NULL, email,
			           strcmp(next, "/") ? next : NULL);
		}
	}
	form_free(&f);
}
