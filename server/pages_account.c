/*
 * pages_account.c - sign-up, login and logout pages (the pages that account
 * messages link to: pages_email.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pages.h"

const char *next_path(req *r, const form *f, char *dst, size_t n)
{
	const char *v = f ? form_get(f, "next") : NULL;
	if (!f && query_var(r, "next", dst, n) >= 0)
		v = dst;
	return local_path_ok(v) ? v : "/";
}

static void hidden_next(buf *b, const char *next)
{
	if (strcmp(next, "/") != 0)
		buf_printf(b, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
}

/* The end of the sign-up and login forms: the link (i18n keys @intro_key
 * and @link_key) to the other one at @path, keeping @next; then the page
 * is sent. */
static void form_end(req *r, buf *b, int status, const char *intro_key, const char *path,
                     const char *link_key, const char *next)
{
	bool keep = strcmp(next, "/") != 0;
	buf_printf(b, "<p>%s <a href=\"%s%s%s\">%s</a></p></section>", T(r, intro_key), path,
	           keep ? "?next=" : "", keep ? next : "", T(r, link_key));
	page_send(r, status, b);
}

static void signup_form(req *r, int status, const char *err, const field_errs *errs, const form *f,
                        const char *next)
{
	buf b;
	form_page_start(r, &b, T(r, "signup.title"), err, errs, "/signup");
	hidden_next(&b, next);
	field_ex(&b, "text", "login", T(r, "field.login"), f ? form_get(f, "login") : "",
	         "required minlength=\"3\" maxlength=\"64\" autocomplete=\"username\"", errs,
	         T(r, "hint.login"));
	field_ex(&b, "text", "display_name", T(r, "field.name"),
	         f ? form_get(f, "display_name") : "", "required maxlength=\"100\"", errs, NULL);
	field_ex(&b, "password", "password", T(r, "field.pw"), "",
	         "required minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"", errs,
	         T(r, "hint.pw_signup"));
	field_ex(&b, "email", "email", T(r, "field.email_opt"), f ? form_get(f, "email") : "",
	         "maxlength=\"254\" autocomplete=\"email\" inputmode=\"email\"", errs,
	         T(r, "hint.email_signup"));
	const char *role = f ? form_get(f, "role") : NULL;
	bool rec = role && !strcmp(role, "recruiter");
	buf_printf(
		&b,
		"<fieldset><legend>%s</legend>"
		"<label class=\"radio\"><input type=\"radio\" name=\"role\" value=\"candidate\"%s> %s</label>"
		"<label class=\"radio\"><input type=\"radio\" name=\"role\" value=\"recruiter\"%s> %s</label>"
		"</fieldset>",
		T(r, "field.role"), rec ? "" : " checked", T(r, "role.candidate"),
		rec ? " checked" : "", T(r, "role.recruiter"));
	privacy_notice(r, &b);
	buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "signup.go"));
	form_end(r, &b, status, "signup.have", "/login", "nav.login", next);
}

void page_signup(req *r)
{
	char next[256];
	signup_form(r, 200, NULL, NULL, NULL, next_path(r, NULL, next, sizeof next));
}

/* Every sign-up rule of the library, said at once in the page's words. */
static void signup_check(req *r, const form *f, field_errs *e)
{
	const char *login = form_get(f, "login");
	size_t n = login ? strlen(login) : 0;
	bool chars_ok = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)login[i];
		chars_ok &= c < 0x80 && (isalnum(c) || strchr(".@_+-", c));
	}
	if (!n)
		ferr_add(r, e, "login", "field.login", "ferr.empty");
	else if (n < OFFERAPI_LOGIN_MIN)
		ferr_add(r, e, "login", "field.login", "ferr.min", OFFERAPI_LOGIN_MIN);
	else if (n > OFFERAPI_LOGIN_MAX)
		ferr_add(r, e, "login", "field.login", "ferr.max", OFFERAPI_LOGIN_MAX);
	else if (!chars_ok)
		ferr_add(r, e, "login", "field.login", "ferr.login_chars");
	ferr_text(r, e, "display_name", "field.name", form_get(f, "display_name"), 1,
	          OFFERAPI_NAME_MAX, false);
	const char *pw = form_get(f, "password");
	n = pw ? strlen(pw) : 0;
	if (n < OFFERAPI_PASSWORD_MIN)
		ferr_add(r, e, "password", "field.pw", "ferr.min", OFFERAPI_PASSWORD_MIN);
	else if (n > OFFERAPI_PASSWORD_MAX)
		ferr_add(r, e, "password", "field.pw", "ferr.max", OFFERAPI_PASSWORD_MAX);
}

/* A refusal the checks above did not foresee: the library's detail is in
 * English, so a page says it in general terms. */
static const char *form_message(const http_error *e, int rc)
{
	return rc == OFFERAPI_EINVAL && e->message == offerapi_error_last()->message ? NULL
	                                                                             : e->message;
}

/* The end of a sign-up or a login that opened session @p s: its cookie
 * and the way on to @p next (true); false when @p rc refused it. Frees
 * the session's user either way. */
static bool session_begun(req *r, int rc, svc_session *s, const char *next)
{
	if (rc == 0) {
		cookie_set_session(r, s->token);
		respond_redirect(r, next);
	}
	svc_session_free(s);
	return rc == 0;
}

void page_signup_post(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	const char *next = next_path(r, &f, NULL, 0);
	field_errs errs = { 0 };
	signup_check(r, &f, &errs);
	if (errs.n) {
		signup_form(r, 422, NULL, &errs, &f, next);
		form_free(&f);
		return;
	}
	svc_signup_in in = { form_get(&f, "login"), form_get(&f, "display_name"),
		             form_get(&f, "password"), form_get(&f, "role"),
		             form_get(&f, "email") };
	svc_session s;
	int rc = svc_signup(r, &in, &s);
	if (!session_begun(r, rc, &s, next)) {
		http_error e;
		if (form_refused(r, rc, s.retry_after, &e)) {
			/* a server error: answered */
		} else if (e.message == T(r, "err.email") || e.message == T(r, "err.email_taken")) {
			/* the address: said beside its field */
			if (e.message == T(r, "err.email"))
				ferr_add(r, &errs, "email", "field.email", "ferr.email");
			else
				ferr_add(r, &errs, "email", "field.email", "ferr.verbatim",
				         e.message);
			signup_form(r, e.status, NULL, &errs, &f, next);
		} else {
			const char *msg = form_message(&e, rc);
			signup_form(r, e.status, msg ? msg : T(r, "err.check_form"), NULL, &f,
			            next);
		}
	}
	form_free(&f);
}

static void login_form(req *r, int status, const char *err, const char *login, const char *next)
{
	buf b;
	form_page_start(r, &b, T(r, "login.title"), err, NULL, "/login");
	demo_banner(r, &b);
	hidden_next(&b, next);
	field(&b, "text", "login", T(r, "field.login"), login,
	      "required maxlength=\"64\" autocomplete=\"username\"");
	field(&b, "password", "password", T(r, "field.pw"), "",
	      "required maxlength=\"1024\" autocomplete=\"current-password\"");
	buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "login.go"));
	buf_printf(&b, "<p><a href=\"/forgot-password\">%s</a></p>", T(r, "login.forgot"));
	form_end(r, &b, status, "login.new", "/signup", "nav.signup", next);
}

void page_login(req *r)
{
	char next[256];
	login_form(r, 200, NULL, "", next_path(r, NULL, next, sizeof next));
}

void page_login_post(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	const char *next = next_path(r, &f, NULL, 0);
	const char *login = form_get(&f, "login"), *pw = form_get(&f, "password");
	svc_session s;
	int rc = svc_login(r, login ? login : "", pw ? pw : "", &s);
	if (!session_begun(r, rc, &s, next)) {
		http_error e;
		char waitmsg[256];
		unsigned wait = s.retry_after;
		if (!form_refused(r, rc, wait, &e)) {
			/* how long, in minutes rounded up (the text holds one %u) */
			if (rc == SVC_ELIMITED)
				e.message = TF(r, waitmsg, sizeof waitmsg, "err.login_wait",
				               (wait + 59) / 60);
			login_form(r, e.status, e.message, login, next);
		}
	}
	form_free(&f);
}

void page_logout(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	form_free(&f);
	int rc = svc_logout(r);
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	cookie_clear_session(r);
	respond_redirect(r, "/");
}

void page_my_sessions(req *r)
{
	if (!need_role(r, 0))
		return;
	offerapi_session_list *l = NULL;
	char current[OFFERAPI_SESSION_ID_SIZE];
	int rc = svc_sessions(r, NULL, &l, current);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	buf b;
	page_open(r, &b, 4096, "nav.sessions", "sessions.intro", false);
	alert_done(r, &b, "revoked=1", "sessions.revoked");
	buf_printf(&b,
	           "<div class=\"scroll\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
	           "</tr></thead><tbody>",
	           T(r, "sessions.created"), T(r, "sessions.expires"), T(r, "sessions.action"));
	for (size_t i = 0; i < l->count; i++) {
		char c[DATE_STR_MAX], e[DATE_STR_MAX];
		date_str(r, c, sizeof c, l->items[i].created_at);
		date_str(r, e, sizeof e, l->items[i].expires_at);
		bool cur = !strcmp(l->items[i].id, current);
		buf_printf(&b,
		           "<tr><td>%s%s</td><td>%s</td><td><form method=\"post\" "
		           "action=\"/me/sessions/%s/revoke\" class=\"inline\">",
		           c, cur ? T(r, "sessions.this") : "", e, l->items[i].id);
		hidden_csrf(r, &b);
		buf_printf(&b, "<button type=\"submit\">%s</button></form></td></tr>",
		           T(r, cur ? "sessions.logout" : "sessions.revoke"));
	}
	buf_puts(&b, "</tbody></table></div>");
	offerapi_session_list_free(l);
	buf_printf(&b,
	           "<h2>%s</h2><p>%s</p><p><a class=\"button\" href=\"/me/export\" download>%s</a> "
	           "<a class=\"button secondary\" href=\"/me/export?format=tar.gz\" "
	           "download>%s</a></p>",
	           T(r, "export.title"), T(r, "export.intro"), T(r, "export.zip"),
	           T(r, "export.targz"));
	buf_printf(&b, "<h2>%s</h2><p><a href=\"/me/tokens\">%s</a></p>", T(r, "tokens.title"),
	           T(r, "tokens.link"));
	buf_printf(&b, "<h2>%s</h2><p>%s</p><p><a href=\"/me/delete\">%s</a></p>",
	           T(r, "erase.title"), T(r, "erase.teaser"), T(r, "erase.link"));
	page_send(r, 200, &b);
}

void page_session_revoke(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	form_free(&f);
	bool was_current;
	int rc = svc_session_revoke(r, &was_current);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	if (was_current) {
		cookie_clear_session(r);
		respond_redirect(r, "/login");
	} else {
		respond_redirect(r, "/me/sessions?revoked=1");
	}
}

/* The erasure form: what goes, what stays, when, and the password. */
static void delete_form(req *r, int status, const char *err, const field_errs *errs)
{
	buf b;
	form_page_start(r, &b, T(r, "erase.title"), err, errs, "/me/delete");
	bool recruiter = r->user->role == OFFERAPI_ROLE_RECRUITER;
	buf_printf(&b, "<p>%s</p><p>%s</p>",
	           T(r, recruiter ? "erase.what_recruiter" : "erase.what_candidate"),
	           T(r, recruiter ? "erase.kept_recruiter" : "erase.kept_candidate"));
	unsigned days = r->app->cfg.erase_grace_days;
	if (days) {
		char when[DATE_STR_MAX], msg[512];
		date_str(r, when, sizeof when, (int64_t)time(NULL) + (int64_t)days * 86400);
		buf_printf(&b, "<p><strong>%s</strong></p>",
		           TF(r, msg, sizeof msg, "erase.grace", days, when));
	} else {
		buf_printf(&b, "<p><strong>%s</strong></p>", T(r, "erase.now"));
	}
	buf_printf(&b, "<p>%s <a href=\"/me/export\" download>%s</a></p>", T(r, "erase.export"),
	           T(r, "export.zip"));
	field_ex(&b, "password", "password", T(r, "erase.password"), "",
	         "required autocomplete=\"current-password\"", errs, T(r, "erase.hint"));
	form_page_end_danger(r, &b, status, T(r, "erase.submit"), "/me/sessions",
	                     T(r, "erase.cancel"));
}

void page_my_delete(req *r)
{
	if (need_role(r, 0))
		delete_form(r, 200, NULL, NULL);
}

void page_my_delete_post(req *r)
{
	form f;
	if (!page_form_as(r, &f, 0, 0))
		return;
	int64_t at = 0;
	unsigned wait = 0;
	int rc = svc_erase(r, form_get(&f, "password"), &at, &wait);
	form_free(&f);
	if (rc) {
		http_error e;
		field_errs errs = { 0 };
		if (form_refused(r, rc, wait, &e)) {
			/* a server error: answered */
		} else if (rc == OFFERAPI_EINVAL || rc == OFFERAPI_EPERM) {
			ferr_add(r, &errs, "password", "erase.password",
			         rc == OFFERAPI_EINVAL ? "ferr.erase_password"
			                               : "ferr.erase_bad_password");
			delete_form(r, rc == OFFERAPI_EINVAL ? 422 : 403, NULL, &errs);
		} else {
			delete_form(r, e.status, e.message, NULL);
		}
		return;
	}
	/* the account is gone (or disabled): so is this browser's session */
	cookie_clear_session(r);
	offerapi_user_free(r->user);
	r->user = NULL;
	buf b;
	page_open(r, &b, 2048, "erase.done_title", NULL, true);
	if (at) {
		char when[DATE_STR_MAX], msg[512];
		date_str(r, when, sizeof when, at);
		alert(r, &b, "ok", T(r, "erase.scheduled"));
		buf_printf(&b, "<p>%s</p>", TF(r, msg, sizeof msg, "erase.scheduled_on", when));
	} else {
		alert(r, &b, "ok", T(r, "erase.done"));
	}
	buf_printf(&b, "<p><a href=\"/\">%s</a></p></section>", T(r, "erase.home"));
	page_send(r, 200, &b);
}

bool page_export_format(req *r, offerapi_export_format *f)
{
	if (query_export_format(r, f))
		return true;
	page_error(r, 400, T(r, "export.bad_format"));
	return false;
}

/* The archive of one's data; ?format=tar.gz for the other format. */
void page_my_export(req *r)
{
	offerapi_export_format f;
	if (!need_role(r, 0) || !page_export_format(r, &f))
		return;
	int rc = download_export(r, f, r->user->login, svc_export);
	if (rc)
		page_fail(r, rc);
}
