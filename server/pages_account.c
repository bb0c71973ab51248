/*
 * pages_account.c - sign-up, login and logout pages.
 */
#include <stdio.h>
#include <string.h>

#include "pages.h"

static void signup_form(req *r, int status, const char *err, const form *f)
{
	buf b;
	form_page_start(r, &b, T(r, "signup.title"), err, "/signup");
	field(&b, "text", "login", T(r, "field.login"), f ? form_get(f, "login") : "",
	      "required minlength=\"3\" maxlength=\"64\" autocomplete=\"username\"");
	field(&b, "text", "display_name", T(r, "field.name"), f ? form_get(f, "display_name") : "",
	      "required maxlength=\"100\"");
	field(&b, "password", "password", T(r, "field.password"), "",
	      "required minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"");
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
	buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "signup.go"));
	buf_printf(&b, "<p>%s <a href=\"/login\">%s</a></p></section>", T(r, "signup.have"),
	           T(r, "nav.login"));
	page_send(r, status, &b);
}

void page_signup(req *r)
{
	signup_form(r, 200, NULL, NULL);
}

void page_signup_post(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	svc_signup_in in = { form_get(&f, "login"), form_get(&f, "display_name"),
		             form_get(&f, "password"), form_get(&f, "role") };
	offerapi_user *u = NULL;
	char token[OFFERAPI_TOKEN_SIZE];
	int rc = svc_signup(r, &in, &u, token);
	offerapi_user_free(u);
	if (rc == 0) {
		cookie_set_session(r, token);
		respond_redirect(r, "/");
	} else {
		http_error e;
		http_error_for(r, rc, false, &e);
		if (e.status >= 500)
			page_error(r, e.status, e.message);
		else
			signup_form(r, e.status, e.message, &f);
	}
	form_free(&f);
}

static void login_form(req *r, int status, const char *err, const char *login)
{
	buf b;
	form_page_start(r, &b, T(r, "login.title"), err, "/login");
	field(&b, "text", "login", T(r, "field.login"), login,
	      "required maxlength=\"64\" autocomplete=\"username\"");
	field(&b, "password", "password", T(r, "field.password"), "",
	      "required maxlength=\"1024\" autocomplete=\"current-password\"");
	buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "login.go"));
	buf_printf(&b, "<p>%s <a href=\"/signup\">%s</a></p></section>", T(r, "login.new"),
	           T(r, "nav.signup"));
	page_send(r, status, &b);
}

void page_login(req *r)
{
	login_form(r, 200, NULL, "");
}

void page_login_post(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	const char *login = form_get(&f, "login"), *pw = form_get(&f, "password");
	offerapi_user *u = NULL;
	char token[OFFERAPI_TOKEN_SIZE];
	unsigned wait = 0;
	int rc = svc_login(r, login ? login : "", pw ? pw : "", &u, token, &wait);
	offerapi_user_free(u);
	if (rc == 0) {
		cookie_set_session(r, token);
		respond_redirect(r, "/");
	} else {
		http_error e;
		http_error_for(r, rc, false, &e);
		if (rc == SVC_ELIMITED)
			req_header(r, "Retry-After: %u", wait);
		if (e.status >= 500)
			page_error(r, e.status, e.message);
		else
			login_form(r, e.status, e.message, login);
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
