/*
 * pages.c - the HTML pages of offerapi-server, server-rendered, no
 * JavaScript. Every piece of data reaches the page through buf_esc(); the
 * only unescaped text is this file's own markup and the i18n strings.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"

/* ---- layout ----------------------------------------------------------------------- */

static void date_str(char *dst, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(dst, n, "%Y-%m-%d", &tm);
}

/* The head of every page and its navigation (depends on the role). */
static void page_start(req *r, buf *b, const char *title)
{
	if (!r->csrf[0])
		csrf_compute(r);
	buf_printf(b,
	           "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	           "<title>",
	           r->lang == LANG_EN ? "en" : "fr");
	buf_esc(b, title);
	buf_puts(
		b,
		" · OffreAPI</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/style.css\">"
		"</head><body><header class=\"top\"><a class=\"brand\" href=\"/\">OffreAPI</a><nav>");
	buf_printf(b, "<a href=\"/\">%s</a>", T(r, "nav.offers"));
	if (r->user && r->user->role == OFFERAPI_ROLE_RECRUITER)
		buf_printf(b, "<a href=\"/offers/new\">%s</a>", T(r, "nav.publish"));
	if (r->user && r->user->role == OFFERAPI_ROLE_CANDIDATE)
		buf_printf(b, "<a href=\"/me/applications\">%s</a>", T(r, "nav.myapps"));
	if (r->user) {
		buf_puts(b, "<span class=\"who\">");
		buf_esc(b, r->user->display_name);
		buf_printf(b, " <small>(%s)</small></span>",
		           T(r, r->user->role == OFFERAPI_ROLE_RECRUITER ? "role.recruiter"
		                                                         : "role.candidate"));
		buf_printf(b,
		           "<form method=\"post\" action=\"/logout\" class=\"inline\">"
		           "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		           "<button class=\"link\" type=\"submit\">%s</button></form>",
		           r->csrf, T(r, "nav.logout"));
	} else {
		buf_printf(b, "<a href=\"/login\">%s</a><a href=\"/signup\">%s</a>",
		           T(r, "nav.login"), T(r, "nav.signup"));
	}
	buf_printf(
		b,
		"<span class=\"lang\"><a href=\"/lang/fr\"%s>FR</a> <a href=\"/lang/en\"%s>EN</a></span>",
		r->lang == LANG_FR ? " aria-current=\"true\"" : "",
		r->lang == LANG_EN ? " aria-current=\"true\"" : "");
	buf_puts(b, "</nav></header><main>");
}

static void page_send(req *r, int status, buf *b)
{
	buf_printf(b, "</main><footer>OffreAPI %s</footer></body></html>\n", OFFERAPI_VERSION);
	if (b->failed) {
		respond(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
	} else {
		req_header(r, "Cache-Control: no-store");
		respond(r, status, "text/html; charset=utf-8", b->data, b->len);
	}
	buf_free(b);
}

static void alert(req *r, buf *b, const char *kind, const char *msg)
{
	(void)r;
	buf_printf(b, "<p class=\"alert %s\" role=\"alert\">", kind);
	buf_esc(b, msg);
	buf_puts(b, "</p>");
}

void page_error(req *r, int status, const char *message)
{
	buf b;
	buf_init(&b, 4096);
	char title[16];
	snprintf(title, sizeof title, "%d", status);
	page_start(r, &b, title);
	buf_printf(&b, "<h1>%d</h1>", status);
	alert(r, &b, "error", message);
	buf_printf(&b, "<p><a href=\"/\">%s</a></p>", T(r, "back.home"));
	if (status == 503)
		req_header(r, "Retry-After: 5");
	page_send(r, status, &b);
}

void page_not_found(req *r)
{
	page_error(r, 404, T(r, "err.notfound"));
}

/* A library failure on a page: the same statuses as the API, a message in
 * the page's language (the library's detail for validation errors, which
 * name the field). */
void page_fail(req *r, int rc)
{
	const char *code;
	int status = http_status_for(rc, false, &code);
	if (status >= 500)
		metrics_db_error(rc);
	if (rc == OFFERAPI_EAUTH) {
		respond_redirect(r, "/login");
		return;
	}
	page_error(r, status, error_text(r, rc));
}

/* Pages that need a login send anonymous visitors to the login page; a
 * logged-in user of the wrong role gets 403. Returns false once answered. */
static bool need_role(req *r, int role)
{
	if (!r->user) {
		respond_redirect(r, "/login");
		return false;
	}
	if (role && (int)r->user->role != role) {
		page_error(r, 403,
		           T(r, role == OFFERAPI_ROLE_RECRUITER ? "err.recruiters_only"
		                                                : "err.candidates_only"));
		return false;
	}
	return true;
}

/* Parse a POSTed form and check its CSRF token. Answers and returns false
 * on failure. */
static bool page_form(req *r, form *f, size_t max_file)
{
	int rc = form_parse(r, f, max_file, g_app.cfg.max_body);
	if (rc) {
		const char *what = f->error_what ? f->error_what : "";
		form_free(f);
		if (rc == 413)
			page_error(r, 413,
			           T(r, !strcmp(what, "file") ? "err.file_too_big"
			                                      : "err.form_too_big"));
		else
			page_error(r, 400, T(r, "err.bad_form"));
		return false;
	}
	for (size_t i = 0; i < f->nfields; i++)
		if (!oa_utf8_valid(f->fields[i].value, f->fields[i].len)) {
			form_free(f);
			page_error(r, 400, T(r, "err.utf8"));
			return false;
		}
	if (!csrf_ok(r, form_get(f, "csrf"))) {
		form_free(f);
		page_error(r, 403, T(r, "err.csrf"));
		return false;
	}
	return true;
}

static void hidden_csrf(req *r, buf *b)
{
	buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf);
}

static void field(buf *b, const char *type, const char *name, const char *label, const char *value,
                  const char *attrs)
{
	buf_printf(b, "<label>%s<input type=\"%s\" name=\"%s\" value=\"", label, type, name);
	buf_esc(b, value ? value : "");
	buf_printf(b, "\" %s></label>", attrs ? attrs : "");
}

/* ---- static ---------------------------------------------------------------------- */

void page_css(req *r)
{
	req_header(r, "Cache-Control: public, max-age=3600");
	respond(r, 200, "text/css; charset=utf-8", server_css, strlen(server_css));
}

/* /lang/fr, /lang/en: remember the choice and go back where the visitor was
 * (only a local path, never another site). */
void page_lang(req *r)
{
	req_header(r, "Set-Cookie: oa_lang=%s; Path=/; Max-Age=31536000; SameSite=Lax%s",
	           r->id == 2 ? "en" : "fr", r->secure ? "; Secure" : "");
	const char *ref = mg_get_header(r->conn, "Referer");
	const char *host = mg_get_header(r->conn, "Host");
	char back[512] = "/";
	if (ref && host) {
		const char *p = strstr(ref, "://");
		if (p && !strncmp(p + 3, host, strlen(host))) {
			p += 3 + strlen(host);
			/* a local path only: not "//host" nor "/\\host" (browsers
			 * read both as another site), no control characters */
			bool ok = *p == '/' && p[1] != '/' && p[1] != '\\' &&
			          strlen(p) < sizeof back;
			for (const char *c = p; ok && *c; c++)
				ok = (unsigned char)*c >= 0x20 && *c != 0x7f;
			if (ok)
				snprintf(back, sizeof back, "%s", p);
		}
	}
	respond_redirect(r, back);
}

#define HOME_PAGE_SIZE 50

/* ---- home -------------------------------------------------------------------------- */

static void offer_card(req *r, buf *b, const offerapi_offer *o, bool owner)
{
	char d[16];
	date_str(d, sizeof d, o->published_at);
	buf_printf(b, "<article class=\"card\"><h2><a href=\"/offers/%lld\">", (long long)o->id);
	buf_esc(b, o->title);
	buf_puts(b, "</a></h2><p class=\"meta\">");
	if (o->location && *o->location) {
		buf_puts(b, "<span class=\"loc\">");
		buf_esc(b, o->location);
		buf_puts(b, "</span> · ");
	}
	buf_esc(b, o->recruiter_name);
	buf_printf(b, " · %s", d);
	if (!o->is_open)
		buf_printf(b, " · <strong class=\"closed\">%s</strong>", T(r, "offer.closed"));
	buf_puts(b, "</p>");
	if (o->nskills) {
		buf_puts(b, "<ul class=\"chips\">");
		for (size_t i = 0; i < o->nskills; i++) {
			buf_puts(b, "<li>");
			buf_esc(b, o->skills[i]);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>");
	}
	if (owner)
		buf_printf(b,
		           "<p class=\"actions\"><a href=\"/offers/%lld/dashboard\">%s (%lld)</a> "
		           "<a href=\"/offers/%lld/edit\">%s</a></p>",
		           (long long)o->id, T(r, "offer.dashboard"), (long long)o->napplications,
		           (long long)o->id, T(r, "offer.edit"));
	buf_puts(b, "</article>");
}

void page_home(req *r)
{
	char q[512] = "", loc[OFFERAPI_LOCATION_MAX + 1] = "", skill[OFFERAPI_SKILL_MAX + 1] = "";
	size_t ql = strlen(r->query);
	int vq = form_var(r->query, ql, "q", q, sizeof q);
	int vl = form_var(r->query, ql, "location", loc, sizeof loc);
	int vs = form_var(r->query, ql, "skill", skill, sizeof skill);
	if (vq == -2 || vl == -2 || vs == -2) {
		page_error(r, 400, T(r, "err.search_too_long"));
		return;
	}
	if (vq == -3 || vl == -3 || vs == -3) {
		page_error(r, 400, T(r, "err.bad_form"));
		return;
	}
	if (!oa_utf8_valid(q, strlen(q)) || !oa_utf8_valid(loc, strlen(loc)) ||
	    !oa_utf8_valid(skill, strlen(skill))) {
		page_error(r, 400, T(r, "err.utf8"));
		return;
	}
	offerapi_offer_query query = OFFERAPI_OFFER_QUERY_INIT;
	query.words = q[0] ? q : NULL;
	query.location = loc[0] ? loc : NULL;
	query.skill = skill[0] ? skill : NULL;
	char pg[12] = "";
	long page = 1;
	if (form_var(r->query, ql, "page", pg, sizeof pg) >= 0 && pg[0]) {
		char *end;
		page = strtol(pg, &end, 10);
		if (*end || page < 1 || page > 10000) {
			page_error(r, 400, T(r, "err.page"));
			return;
		}
	}
	query.limit = HOME_PAGE_SIZE;
	query.offset = (size_t)(page - 1) * HOME_PAGE_SIZE;
	offerapi_offer_list *list = NULL;
	int rc = offerapi_offer_search(g_app.store, &query, &list);
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	offerapi_offer_list *mine = NULL;
	if (r->user && r->user->role == OFFERAPI_ROLE_RECRUITER) {
		offerapi_offer_query mq = OFFERAPI_OFFER_QUERY_INIT;
		mq.recruiter_id = r->user->id;
		mq.include_closed = 1;
		if ((rc = offerapi_offer_search(g_app.store, &mq, &mine)) < 0) {
			offerapi_offer_list_free(list);
			page_fail(r, rc);
			return;
		}
	}
	buf b;
	buf_init(&b, 16384);
	page_start(r, &b, T(r, "home.title"));
	if (mine) {
		buf_printf(&b, "<section><h1>%s</h1>", T(r, "home.mine"));
		if (!mine->count)
			buf_printf(&b, "<p>%s <a href=\"/offers/new\">%s</a></p>",
			           T(r, "home.mine_none"), T(r, "nav.publish"));
		for (size_t i = 0; i < mine->count; i++)
			offer_card(r, &b, &mine->items[i], true);
		buf_puts(&b, "</section>");
	}
	buf_printf(&b, "<section><h1>%s</h1>", T(r, "home.title"));
	buf_puts(&b, "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">");
	field(&b, "search", "q", T(r, "search.words"), q, "maxlength=\"500\"");
	field(&b, "text", "location", T(r, "search.location"), loc, "maxlength=\"200\"");
	field(&b, "text", "skill", T(r, "search.skill"), skill, "maxlength=\"80\"");
	buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "search.go"));
	if (!list->count)
		buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "home.none"));
	for (size_t i = 0; i < list->count; i++)
		offer_card(r, &b, &list->items[i],
		           r->user && list->items[i].recruiter_id == r->user->id);
	if (page > 1 || list->count == HOME_PAGE_SIZE) {
		/* Page links keep the search, URL-encoded then HTML-escaped. */
		char eq[3 * sizeof q], el[3 * sizeof loc], es[3 * sizeof skill];
		mg_url_encode(q, eq, sizeof eq);
		mg_url_encode(loc, el, sizeof el);
		mg_url_encode(skill, es, sizeof es);
		buf_puts(&b, "<nav class=\"pages\">");
		for (int k = 0; k < 2; k++) {
			long to = k == 0 ? page - 1 : page + 1;
			if ((k == 0 && page <= 1) || (k == 1 && list->count < HOME_PAGE_SIZE))
				continue;
			buf_puts(&b, "<a href=\"/?q=");
			buf_esc(&b, eq);
			buf_puts(&b, "&amp;location=");
			buf_esc(&b, el);
			buf_puts(&b, "&amp;skill=");
			buf_esc(&b, es);
			buf_printf(&b, "&amp;page=%ld\">%s</a> ", to,
			           T(r, k == 0 ? "home.prev" : "home.next"));
		}
		buf_puts(&b, "</nav>");
	}
	buf_puts(&b, "</section>");
	offerapi_offer_list_free(list);
	offerapi_offer_list_free(mine);
	page_send(r, 200, &b);
}

/* ---- accounts ---------------------------------------------------------------------------- */

static void signup_form(req *r, int status, const char *err, const form *f)
{
	buf b;
	buf_init(&b, 4096);
	page_start(r, &b, T(r, "signup.title"));
	buf_printf(&b, "<section class=\"narrow\"><h1>%s</h1>", T(r, "signup.title"));
	if (err)
		alert(r, &b, "error", err);
	buf_puts(&b, "<form method=\"post\" action=\"/signup\">");
	hidden_csrf(r, &b);
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
	const char *login = form_get(&f, "login"), *name = form_get(&f, "display_name");
	const char *pw = form_get(&f, "password"), *role_s = form_get(&f, "role");
	offerapi_role role;
	if (!role_s || offerapi_role_parse(&role, role_s) < 0) {
		signup_form(r, 422, T(r, "err.role"), &f);
		form_free(&f);
		return;
	}
	offerapi_user *u = NULL;
	int rc = offerapi_user_create(g_app.store, login ? login : "", name ? name : "",
	                              pw ? pw : "", role, &u);
	char token[OFFERAPI_TOKEN_SIZE];
	if (rc == 0)
		rc = offerapi_session_create(g_app.store, u, token);
	if (rc < 0) {
		const char *code;
		int status = http_status_for(rc, false, &code);
		if (status >= 500) {
			page_fail(r, rc);
		} else {
			signup_form(r, status,
			            rc == OFFERAPI_EEXISTS ? T(r, "err.login_taken")
			                                   : offerapi_error_last()->message,
			            &f);
		}
		offerapi_user_free(u);
		form_free(&f);
		return;
	}
	offerapi_user_free(u);
	form_free(&f);
	cookie_set_session(r, token);
	respond_redirect(r, "/");
}

static void login_form(req *r, int status, const char *err, const char *login)
{
	buf b;
	buf_init(&b, 4096);
	page_start(r, &b, T(r, "login.title"));
	buf_printf(&b, "<section class=\"narrow\"><h1>%s</h1>", T(r, "login.title"));
	if (err)
		alert(r, &b, "error", err);
	buf_puts(&b, "<form method=\"post\" action=\"/login\">");
	hidden_csrf(r, &b);
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

/* Log in, rate-limited per account and per address (each replica counts
 * its own failures). The password hash makes a login slow on purpose. */
int do_login(req *r, const char *login, const char *pw, offerapi_user **u, char *token,
             unsigned *retry_after);
int do_login(req *r, const char *login, const char *pw, offerapi_user **u, char *token,
             unsigned *retry_after)
{
	*retry_after = login_attempt_begin(login, r->addr);
	if (*retry_after) {
		metrics_login(false, true);
		return 429;
	}
	int rc = offerapi_user_authenticate(g_app.store, login, pw, u);
	if (rc == OFFERAPI_EAUTH || rc == OFFERAPI_EINVAL) {
		metrics_login(false, false); /* counted by login_attempt_begin() */
		return OFFERAPI_EAUTH;
	}
	if (rc < 0) {
		login_attempt_undo(login, r->addr);
		return rc;
	}
	metrics_login(true, false);
	login_succeeded(login, r->addr);
	return offerapi_session_create(g_app.store, *u, token);
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
	int rc = do_login(r, login ? login : "", pw ? pw : "", &u, token, &wait);
	offerapi_user_free(u);
	if (rc == 429) {
		req_header(r, "Retry-After: %u", wait);
		login_form(r, 429, T(r, "err.rate_limited"), login);
	} else if (rc == OFFERAPI_EAUTH) {
		login_form(r, 401, T(r, "err.bad_login"), login);
	} else if (rc < 0) {
		page_fail(r, rc);
	} else {
		cookie_set_session(r, token);
		respond_redirect(r, "/");
	}
	form_free(&f);
}

void page_logout(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	form_free(&f);
	if (r->session[0]) {
		int rc = offerapi_session_delete(g_app.store, r->session);
		if (rc < 0) {
			page_fail(r, rc);
			return;
		}
	}
	cookie_clear_session(r);
	respond_redirect(r, "/");
}

/* ---- offers --------------------------------------------------------------------------------- */

/* Split @copy in place at any of @seps; items are trimmed of spaces and
 * empty ones dropped. Returns the number of items found, which may exceed
 * @max (only @max are stored): the caller refuses too many. */
size_t split_list(char *copy, const char *seps, char **items, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, seps, &save); t; t = strtok_r(NULL, seps, &save)) {
		while (*t == ' ' || *t == '\t' || *t == '\r')
			t++;
		size_t l = strlen(t);
		while (l && (t[l - 1] == ' ' || t[l - 1] == '\t' || t[l - 1] == '\r'))
			t[--l] = '\0';
		if (!l)
			continue;
		if (n < max)
			items[n] = t;
		n++;
	}
	return n;
}

static void offer_form(req *r, int status, const char *err, const char *action, const char *title,
                       const char *desc, const char *loc, const char *skills, const char *questions,
                       const char *heading)
{
	buf b;
	buf_init(&b, 8192);
	page_start(r, &b, heading);
	buf_printf(&b, "<section class=\"narrow\"><h1>%s</h1>", heading);
	if (err)
		alert(r, &b, "error", err);
	buf_printf(&b, "<form method=\"post\" action=\"%s\">", action);
	hidden_csrf(r, &b);
	field(&b, "text", "title", T(r, "field.title"), title, "required maxlength=\"200\"");
	buf_printf(
		&b,
		"<label>%s<textarea name=\"description\" rows=\"8\" required maxlength=\"20000\">",
		T(r, "field.description"));
	buf_esc(&b, desc ? desc : "");
	buf_puts(&b, "</textarea></label>");
	field(&b, "text", "location", T(r, "field.location"), loc, "maxlength=\"200\"");
	field(&b, "text", "skills", T(r, "field.skills"), skills, "maxlength=\"4000\"");
	buf_printf(&b, "<label>%s<textarea name=\"questions\" rows=\"4\" maxlength=\"10000\">",
	           T(r, "field.questions"));
	buf_esc(&b, questions ? questions : "");
	buf_printf(&b, "</textarea></label><button type=\"submit\">%s</button></form></section>",
	           T(r, "offer.save"));
	page_send(r, status, &b);
}

void page_offer_new(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	offer_form(r, 200, NULL, "/offers", "", "", "", "", "", T(r, "offer.new"));
}

/* Fill @fields from the form; the arrays point into @skcopy/@qcopy. Returns
 * NULL or a message for too many items. */
static const char *offer_fields_from_form(req *r, const form *f, offerapi_offer_fields *fields,
                                          char **skcopy, char **qcopy, char **sk, char **qs)
{
	memset(fields, 0, sizeof *fields);
	fields->title = form_get(f, "title");
	fields->description = form_get(f, "description");
	fields->location = form_get(f, "location");
	*skcopy = strdup(form_get(f, "skills") ? form_get(f, "skills") : "");
	*qcopy = strdup(form_get(f, "questions") ? form_get(f, "questions") : "");
	if (!*skcopy || !*qcopy)
		return "out of memory";
	fields->nskills = split_list(*skcopy, ",\n", sk, OFFERAPI_SKILLS_MAX);
	fields->nquestions = split_list(*qcopy, "\n", qs, OFFERAPI_QUESTIONS_MAX);
	fields->skills = (const char *const *)sk;
	fields->questions = (const char *const *)qs;
	if (fields->nskills > OFFERAPI_SKILLS_MAX)
		return T(r, "err.too_many_skills");
	if (fields->nquestions > OFFERAPI_QUESTIONS_MAX)
		return T(r, "err.too_many_questions");
	return NULL;
}

void page_offer_create(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	form f;
	if (!page_form(r, &f, 0))
		return;
	offerapi_offer_fields fields;
	char *skc = NULL, *qc = NULL, *sk[OFFERAPI_SKILLS_MAX], *qs[OFFERAPI_QUESTIONS_MAX];
	const char *err = offer_fields_from_form(r, &f, &fields, &skc, &qc, sk, qs);
	offerapi_id id = 0;
	int rc = err ? OFFERAPI_EINVAL : offerapi_offer_create(g_app.store, r->user, &fields, &id);
	if (rc < 0) {
		const char *code;
		int status = http_status_for(rc, false, &code);
		if (status >= 500)
			page_fail(r, rc);
		else
			offer_form(r, status, err ? err : offerapi_error_last()->message, "/offers",
			           form_get(&f, "title"), form_get(&f, "description"),
			           form_get(&f, "location"), form_get(&f, "skills"),
			           form_get(&f, "questions"), T(r, "offer.new"));
	} else {
		char loc[64];
		snprintf(loc, sizeof loc, "/offers/%lld", (long long)id);
		respond_redirect(r, loc);
	}
	free(skc);
	free(qc);
	form_free(&f);
}

/* Load the offer of the route and check that the user owns it. Answers and
 * returns NULL on failure. */
static offerapi_offer *own_offer(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return NULL;
	offerapi_offer *o = NULL;
	int rc = offerapi_offer_get(g_app.store, r->id, &o);
	if (rc < 0) {
		page_fail(r, rc);
		return NULL;
	}
	if (o->recruiter_id != r->user->id) {
		offerapi_offer_free(o);
		page_error(r, 403, T(r, "err.not_yours"));
		return NULL;
	}
	return o;
}

static void join_lines(buf *b, char **items, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, sep);
		buf_puts(b, items[i]);
	}
}

void page_offer_edit(req *r)
{
	offerapi_offer *o = own_offer(r);
	if (!o)
		return;
	buf sk, qs;
	buf_init(&sk, 256);
	buf_init(&qs, 256);
	join_lines(&sk, o->skills, o->nskills, ", ");
	join_lines(&qs, o->questions, o->nquestions, "\n");
	char action[64];
	snprintf(action, sizeof action, "/offers/%lld/edit", (long long)o->id);
	offer_form(r, 200, NULL, action, o->title, o->description, o->location, sk.data, qs.data,
	           T(r, "offer.edit"));
	buf_free(&sk);
	buf_free(&qs);
	offerapi_offer_free(o);
}

void page_offer_update(req *r)
{
	offerapi_offer *o = own_offer(r);
	if (!o)
		return;
	offerapi_offer_free(o);
	form f;
	if (!page_form(r, &f, 0))
		return;
	offerapi_offer_fields fields;
	char *skc = NULL, *qc = NULL, *sk[OFFERAPI_SKILLS_MAX], *qs[OFFERAPI_QUESTIONS_MAX];
	const char *err = offer_fields_from_form(r, &f, &fields, &skc, &qc, sk, qs);
	int rc = err ? OFFERAPI_EINVAL
	             : offerapi_offer_update(g_app.store, r->user, r->id, &fields);
	char loc[64];
	snprintf(loc, sizeof loc, "/offers/%lld", (long long)r->id);
	if (rc < 0) {
		const char *code;
		int status = http_status_for(rc, false, &code);
		char action[64];
		snprintf(action, sizeof action, "/offers/%lld/edit", (long long)r->id);
		if (status >= 500 || status == 403 || status == 404)
			page_fail(r, rc);
		else
			offer_form(r, status, err ? err : offerapi_error_last()->message, action,
			           form_get(&f, "title"), form_get(&f, "description"),
			           form_get(&f, "location"), form_get(&f, "skills"),
			           form_get(&f, "questions"), T(r, "offer.edit"));
	} else {
		respond_redirect(r, loc);
	}
	free(skc);
	free(qc);
	form_free(&f);
}

static void offer_set_open(req *r, int open)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	form f;
	if (!page_form(r, &f, 0))
		return;
	form_free(&f);
	int rc = offerapi_offer_set_open(g_app.store, r->user, r->id, open);
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/offers/%lld", (long long)r->id);
	respond_redirect(r, loc);
}

void page_offer_close(req *r)
{
	offer_set_open(r, 0);
}

void page_offer_reopen(req *r)
{
	offer_set_open(r, 1);
}

/* The offer page; @err (and @status) when re-shown after a refused
 * application, with the answers the candidate typed. */
static void offer_page(req *r, int status, const char *err, const form *f)
{
	offerapi_offer *o = NULL;
	int rc = offerapi_offer_get(g_app.store, r->id, &o);
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	bool owner = r->user && r->user->id == o->recruiter_id;
	bool candidate = r->user && r->user->role == OFFERAPI_ROLE_CANDIDATE;
	offerapi_id applied = 0;
	if (candidate) {
		offerapi_application_list *mine = NULL;
		if ((rc = offerapi_application_list_mine(g_app.store, r->user, 0, &mine)) < 0) {
			offerapi_offer_free(o);
			page_fail(r, rc);
			return;
		}
		for (size_t i = 0; i < mine->count; i++)
			if (mine->items[i].offer_id == o->id)
				applied = mine->items[i].id;
		offerapi_application_list_free(mine);
	}
	buf b;
	buf_init(&b, 16384);
	page_start(r, &b, o->title);
	buf_puts(&b, "<article class=\"offer\"><h1>");
	buf_esc(&b, o->title);
	buf_puts(&b, "</h1><p class=\"meta\">");
	if (o->location && *o->location) {
		buf_esc(&b, o->location);
		buf_puts(&b, " · ");
	}
	char d[16];
	date_str(d, sizeof d, o->published_at);
	buf_esc(&b, o->recruiter_name);
	buf_printf(&b, " · %s · %s</p>", d, T(r, o->is_open ? "offer.open" : "offer.closed"));
	if (o->nskills) {
		buf_puts(&b, "<ul class=\"chips\">");
		for (size_t i = 0; i < o->nskills; i++) {
			buf_printf(&b, "<li><a href=\"/?skill=");
			char enc[3 * OFFERAPI_SKILL_MAX + 1];
			mg_url_encode(o->skills[i], enc, sizeof enc);
			buf_esc(&b, enc);
			buf_puts(&b, "\">");
			buf_esc(&b, o->skills[i]);
			buf_puts(&b, "</a></li>");
		}
		buf_puts(&b, "</ul>");
	}
	buf_puts(&b, "<div class=\"description\">");
	buf_esc(&b, o->description);
	buf_puts(&b, "</div>");
	if (owner) {
		buf_printf(
			&b,
			"<p class=\"actions\"><a class=\"button\" href=\"/offers/%lld/dashboard\">%s (%lld)</a> "
			"<a class=\"button secondary\" href=\"/offers/%lld/edit\">%s</a></p>",
			(long long)o->id, T(r, "offer.dashboard"), (long long)o->napplications,
			(long long)o->id, T(r, "offer.edit"));
		buf_printf(&b, "<form method=\"post\" action=\"/offers/%lld/%s\">",
		           (long long)o->id, o->is_open ? "close" : "reopen");
		hidden_csrf(r, &b);
		buf_printf(&b, "<button type=\"submit\" class=\"secondary\">%s</button></form>",
		           T(r, o->is_open ? "offer.close" : "offer.reopen"));
	}
	buf_puts(&b, "</article>");
	if (err)
		alert(r, &b, "error", err);
	if (applied) {
		buf_printf(&b, "<p class=\"alert ok\">%s <a href=\"/me/applications\">%s</a></p>",
		           T(r, "apply.already"), T(r, "nav.myapps"));
	} else if (candidate && o->is_open) {
		buf_printf(
			&b,
			"<section class=\"apply\"><h2>%s</h2>"
			"<form method=\"post\" action=\"/offers/%lld/apply\" enctype=\"multipart/form-data\">",
			T(r, "apply.title"), (long long)o->id);
		hidden_csrf(r, &b);
		buf_printf(
			&b,
			"<label>%s<input type=\"file\" name=\"cv\" accept=\"application/pdf,.pdf\" required></label>"
			"<p class=\"hint\">%s %zu MiB</p>",
			T(r, "apply.cv"), T(r, "apply.max"), g_app.cfg.max_upload >> 20);
		for (size_t i = 0; i < o->nquestions; i++) {
			char name[32];
			snprintf(name, sizeof name, "answer_%zu", i);
			buf_puts(&b, "<label>");
			buf_esc(&b, o->questions[i]);
			buf_printf(&b, "<textarea name=\"%s\" rows=\"3\" maxlength=\"5000\">",
			           name);
			buf_esc(&b, f && form_get(f, name) ? form_get(f, name) : "");
			buf_puts(&b, "</textarea></label>");
		}
		buf_printf(&b, "<button type=\"submit\">%s</button></form></section>",
		           T(r, "apply.go"));
	} else if (!r->user && o->is_open) {
		buf_printf(&b, "<p class=\"alert\"><a href=\"/login\">%s</a></p>",
		           T(r, "apply.login"));
	} else if (!o->is_open && !owner) {
		buf_printf(&b, "<p class=\"alert\">%s</p>", T(r, "apply.closed"));
	}
	offerapi_offer_free(o);
	page_send(r, status, &b);
}

void page_offer(req *r)
{
	offer_page(r, 200, NULL, NULL);
}

/* Submit, then score with every loaded scorer. A scoring failure is counted
 * and logged but never undoes the stored application. */
int apply_and_score(req *r, offerapi_id offer_id, const char *filename, const void *pdf, size_t len,
                    const char *const *answers, size_t nanswers, offerapi_id *out)
{
	/* A file name that is not UTF-8 would make pages invalid: keep a plain one. */
	if (!filename || !oa_utf8_valid(filename, strlen(filename)))
		filename = "cv.pdf";
	offerapi_application_input in = { filename, pdf, len, answers, nanswers };
	double t0 = now_mono();
	int rc = offerapi_application_submit(g_app.store, r->user, offer_id, &in, out);
	metrics_submit(now_mono() - t0, rc);
	if (rc < 0)
		return rc;
	metrics_application_received();
	if (offerapi_scorers_count(g_app.scorers)) {
		int src = offerapi_application_score(g_app.store, g_app.scorers, *out, 0,
		                                     metrics_scoring, r->request_id);
		if (src < 0) {
			metrics_scoring_failed();
			fprintf(stderr,
			        "level=warn request_id=%s msg=\"scoring failed\" application=%lld detail=\"%s\"\n",
			        r->request_id, (long long)*out, offerapi_error_last()->message);
		}
	}
	return 0;
}

void page_apply(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_CANDIDATE))
		return;
	form f;
	if (!page_form(r, &f, g_app.cfg.max_upload))
		return;
	if (!f.has_file || !f.file_len) {
		offer_page(r, 422, T(r, "err.no_file"), &f);
		form_free(&f);
		return;
	}
	const char *answers[OFFERAPI_QUESTIONS_MAX];
	size_t n = 0;
	for (; n < OFFERAPI_QUESTIONS_MAX; n++) {
		char name[32];
		snprintf(name, sizeof name, "answer_%zu", n);
		if (!(answers[n] = form_get(&f, name)))
			break;
	}
	offerapi_id id = 0;
	int rc = apply_and_score(r, r->id, f.filename, f.file, f.file_len, answers, n, &id);
	if (rc < 0) {
		const char *code;
		int status = http_status_for(rc, true, &code);
		if (status >= 500 || rc == OFFERAPI_ENOTFOUND)
			page_fail(r, rc);
		else
			offer_page(r, status, error_text(r, rc), &f);
	} else {
		respond_redirect(r, "/me/applications?applied=1");
	}
	form_free(&f);
}

void page_my_applications(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_CANDIDATE))
		return;
	offerapi_application_list *list = NULL;
	int rc = offerapi_application_list_mine(g_app.store, r->user, 0, &list);
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	buf b;
	buf_init(&b, 8192);
	page_start(r, &b, T(r, "nav.myapps"));
	buf_printf(&b, "<h1>%s</h1>", T(r, "nav.myapps"));
	if (strstr(r->query, "applied=1"))
		buf_printf(&b, "<p class=\"alert ok\">%s</p>", T(r, "apply.done"));
	if (!list->count)
		buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "myapps.none"));
	else
		buf_printf(
			&b,
			"<div class=\"scroll\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
			T(r, "col.offer"), T(r, "col.status"), T(r, "col.applied"), T(r, "col.cv"));
	for (size_t i = 0; i < list->count; i++) {
		offerapi_application *a = &list->items[i];
		char d[16];
		date_str(d, sizeof d, a->created_at);
		buf_printf(&b, "<tr><td><a href=\"/offers/%lld\">", (long long)a->offer_id);
		buf_esc(&b, a->offer_title);
		buf_printf(
			&b,
			"</a></td><td>%s</td><td>%s</td><td><a href=\"/applications/%lld/cv.pdf\">",
			T(r, a->offer_is_open ? "offer.open" : "offer.closed"), d,
			(long long)a->id);
		buf_esc(&b, a->filename);
		buf_puts(&b, "</a></td></tr>");
	}
	if (list->count)
		buf_puts(&b, "</tbody></table></div>");
	offerapi_application_list_free(list);
	page_send(r, 200, &b);
}

/* ---- dashboard ------------------------------------------------------------------------------ */

/* The scorer columns: every loaded scorer, then names found in stored
 * scores that no loaded scorer has (kept from an earlier configuration). */
static size_t score_columns(const offerapi_application_list *l, const char **cols, size_t max)
{
	size_t n = 0;
	size_t nl = offerapi_scorers_count(g_app.scorers);
	for (size_t i = 0; i < nl && n < max; i++)
		cols[n++] = offerapi_scorers_info(g_app.scorers, i)->name;
	for (size_t i = 0; i < l->count; i++)
		for (size_t k = 0; k < l->items[i].nscores; k++) {
			const char *s = l->items[i].scores[k].scorer;
			size_t j = 0;
			while (j < n && strcmp(cols[j], s))
				j++;
			if (j == n && n < max)
				cols[n++] = s;
		}
	return n;
}

static const offerapi_score *find_score(const offerapi_application *a, const char *scorer)
{
	for (size_t k = 0; k < a->nscores; k++)
		if (!strcmp(a->scores[k].scorer, scorer))
			return &a->scores[k];
	return NULL;
}

/* Read ?rank= and the ranked list. Answers and returns -1 on failure. */
static int dashboard_load(req *r, char *rank, size_t ranksz, offerapi_application_list **list,
                          unsigned flags)
{
	int n = form_var(r->query, strlen(r->query), "rank", rank, ranksz);
	if (n == -2) {
		rank[0] = '\0';
	} else if (n < 0) {
		rank[0] = '\0';
	}
	int rc = offerapi_application_list_offer(g_app.store, r->user, r->id, rank[0] ? rank : NULL,
	                                         flags, list);
	if (rc < 0)
		return rc;
	return 0;
}

/* Two SVG charts: the distribution of scores in ten bins and the ranking
 * (one bar per candidate, best first, at most 40). Text is escaped. */
static void svg_charts(req *r, buf *b, const offerapi_application_list *l, const char *scorer)
{
	unsigned bins[10] = { 0 };
	unsigned maxbin = 1;
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_score *s = find_score(&l->items[i], scorer);
		if (!s)
			continue;
		int k = (int)(s->score * 10);
		if (k > 9)
			k = 9;
		if (k < 0)
			k = 0;
		if (++bins[k] > maxbin)
			maxbin = bins[k];
	}
	buf_printf(b,
	           "<figure class=\"chart\"><svg viewBox=\"0 0 420 220\" role=\"img\" "
	           "xmlns=\"http://www.w3.org/2000/svg\" aria-labelledby=\"dist-t\">"
	           "<title id=\"dist-t\">%s</title>",
	           T(r, "dash.distribution"));
	buf_puts(b, "<line x1=\"30\" y1=\"190\" x2=\"410\" y2=\"190\" class=\"axis\"/>");
	for (int k = 0; k < 10; k++) {
		double h = 170.0 * bins[k] / maxbin;
		buf_printf(b,
		           "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"34\" height=\"%.1f\">"
		           "<title>%.1f-%.1f: %u</title></rect>",
		           32 + k * 38, 190 - h, h, k / 10.0, (k + 1) / 10.0, bins[k]);
		if (bins[k])
			buf_printf(b, "<text x=\"%d\" y=\"%.1f\" class=\"val\">%u</text>",
			           49 + k * 38, 185 - h, bins[k]);
		buf_printf(b, "<text x=\"%d\" y=\"205\" class=\"lbl\">%.1f</text>", 32 + k * 38,
		           k / 10.0);
	}
	buf_printf(
		b,
		"<text x=\"400\" y=\"205\" class=\"lbl\">1.0</text></svg><figcaption>%s</figcaption></figure>",
		T(r, "dash.distribution"));

	size_t nbars = 0;
	for (size_t i = 0; i < l->count && nbars < 40; i++)
		if (find_score(&l->items[i], scorer))
			nbars++;
	int height = 20 + (int)nbars * 18;
	buf_printf(
		b,
		"<figure class=\"chart\"><svg viewBox=\"0 0 420 %d\" role=\"img\" "
		"xmlns=\"http://www.w3.org/2000/svg\" aria-labelledby=\"rank-t\"><title id=\"rank-t\">%s</title>",
		height, T(r, "dash.ranking"));
	size_t row = 0;
	for (size_t i = 0; i < l->count && row < nbars; i++) {
		const offerapi_score *s = find_score(&l->items[i], scorer);
		if (!s)
			continue;
		double w = 250.0 * s->score;
		buf_printf(b, "<text x=\"0\" y=\"%zu\" class=\"name\">", 14 + row * 18);
		/* Names are cut to 22 bytes at a UTF-8 boundary before escaping. */
		const char *nm = l->items[i].candidate_name;
		size_t len = strlen(nm);
		if (len > 22) {
			len = 22;
			while (len && ((unsigned char)nm[len] & 0xC0) == 0x80)
				len--;
		}
		buf_escn(b, nm, len);
		buf_printf(
			b,
			"</text><rect class=\"bar\" x=\"150\" y=\"%zu\" width=\"%.1f\" height=\"14\"/>"
			"<text x=\"%.1f\" y=\"%zu\" class=\"val\">%.2f</text>",
			3 + row * 18, w, 154 + w, 14 + row * 18, s->score);
		row++;
	}
	buf_printf(b, "</svg><figcaption>%s</figcaption></figure>", T(r, "dash.ranking"));
}

void page_dashboard(req *r)
{
	offerapi_offer *o = own_offer(r);
	if (!o)
		return;
	char rank[OFFERAPI_SCORER_NAME_MAX + 1];
	offerapi_application_list *l = NULL;
	int rc = dashboard_load(r, rank, sizeof rank, &l, 0);
	if (rc < 0) {
		offerapi_offer_free(o);
		page_fail(r, rc);
		return;
	}
	const char *cols[32];
	size_t ncols = score_columns(l, cols, 32);
	const char *by = NULL;
	for (size_t i = 0; i < ncols; i++)
		if (rank[0] && !strcmp(cols[i], rank))
			by = cols[i];
	if (!by && ncols)
		by = cols[0];
	double sum = 0;
	size_t scored = 0;
	for (size_t i = 0; by && i < l->count; i++) {
		const offerapi_score *s = find_score(&l->items[i], by);
		if (s) {
			sum += s->score;
			scored++;
		}
	}
	buf b;
	buf_init(&b, 65536);
	page_start(r, &b, T(r, "offer.dashboard"));
	buf_printf(&b, "<h1>%s: <a href=\"/offers/%lld\">", T(r, "offer.dashboard"),
	           (long long)o->id);
	buf_esc(&b, o->title);
	buf_puts(&b, "</a></h1><div class=\"stats\">");
	buf_printf(&b, "<div class=\"stat\"><span>%s</span><strong id=\"count\">%zu</strong></div>",
	           T(r, "dash.count"), l->count);
	if (scored)
		buf_printf(
			&b,
			"<div class=\"stat\"><span>%s</span><strong id=\"mean\">%.2f</strong></div>",
			T(r, "dash.mean"), sum / (double)scored);
	else
		buf_printf(
			&b,
			"<div class=\"stat\"><span>%s</span><strong id=\"mean\">-</strong></div>",
			T(r, "dash.mean"));
	buf_puts(&b, "</div>");
	if (ncols) {
		buf_printf(
			&b,
			"<form method=\"get\" class=\"inline rank\"><label>%s <select name=\"rank\">",
			T(r, "dash.rank_by"));
		for (size_t i = 0; i < ncols; i++) {
			buf_puts(&b, "<option value=\"");
			buf_esc(&b, cols[i]);
			buf_printf(&b, "\"%s>", cols[i] == by ? " selected" : "");
			buf_esc(&b, cols[i]);
			buf_puts(&b, "</option>");
		}
		buf_printf(&b, "</select></label><button type=\"submit\">%s</button></form>",
		           T(r, "dash.apply"));
	}
	buf_printf(&b, " <a class=\"button secondary\" href=\"/offers/%lld/dashboard.csv",
	           (long long)o->id);
	if (by) {
		char enc[3 * sizeof rank + 1];
		mg_url_encode(by, enc, sizeof enc);
		buf_puts(&b, "?rank=");
		buf_esc(&b, enc);
	}
	buf_printf(&b, "\">%s</a>", T(r, "dash.csv"));
	if (by && scored) {
		buf_puts(&b, "<div class=\"charts\">");
		svg_charts(r, &b, l, by);
		buf_puts(&b, "</div>");
	}
	if (!l->count) {
		buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "dash.none"));
	} else {
		buf_printf(
			&b,
			"<div class=\"scroll\"><table class=\"ranked\"><thead><tr><th>#</th><th>%s</th><th>%s</th>",
			T(r, "col.candidate"), T(r, "col.applied"));
		for (size_t i = 0; i < ncols; i++) {
			buf_printf(&b, "<th class=\"num%s\">", cols[i] == by ? " by" : "");
			buf_esc(&b, cols[i]);
			buf_puts(&b, "</th>");
		}
		buf_printf(&b, "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		           T(r, "col.explanation"), T(r, "col.answers"), T(r, "col.cv"));
		for (size_t i = 0; i < l->count; i++) {
			offerapi_application *a = &l->items[i];
			char d[16];
			date_str(d, sizeof d, a->created_at);
			buf_printf(&b, "<tr><td>%zu</td><td>", i + 1);
			buf_esc(&b, a->candidate_name);
			buf_puts(&b, " <small>");
			buf_esc(&b, a->candidate_login);
			buf_printf(&b, "</small></td><td>%s</td>", d);
			for (size_t c = 0; c < ncols; c++) {
				const offerapi_score *s = find_score(a, cols[c]);
				if (s)
					buf_printf(&b, "<td class=\"num\">%.2f</td>", s->score);
				else
					buf_puts(&b, "<td class=\"num\">-</td>");
			}
			const offerapi_score *s = by ? find_score(a, by) : NULL;
			buf_puts(&b, "<td class=\"expl\">");
			buf_esc(&b, s ? s->explanation : "");
			buf_puts(&b, "</td><td class=\"answers\">");
			for (size_t k = 0; k < a->nanswers; k++) {
				buf_puts(&b, "<p><strong>");
				buf_esc(&b, a->answers[k].question);
				buf_puts(&b, "</strong> ");
				buf_esc(&b, a->answers[k].answer);
				buf_puts(&b, "</p>");
			}
			buf_printf(&b,
			           "</td><td><a href=\"/applications/%lld/cv.pdf\">PDF</a> · "
			           "<a href=\"/applications/%lld/cv.txt\">%s</a></td></tr>",
			           (long long)a->id, (long long)a->id, T(r, "dash.text"));
		}
		buf_puts(&b, "</tbody></table></div>");
	}
	offerapi_application_list_free(l);
	offerapi_offer_free(o);
	page_send(r, 200, &b);
}

/* One CSV cell (RFC 4180). A cell starting with = + - @ (or tab/CR) is
 * prefixed with a quote so a spreadsheet never runs it as a formula. */
static void csv_cell(buf *b, const char *s)
{
	buf_puts(b, "\"");
	if (s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r'))
		buf_puts(b, "'");
	for (; s && *s; s++) {
		if (*s == '"')
			buf_puts(b, "\"\"");
		else
			buf_add(b, s, 1);
	}
	buf_puts(b, "\"");
}

int dashboard_csv(req *r, offerapi_id offer_id, const char *rank, buf *b)
{
	offerapi_application_list *l = NULL;
	int rc = offerapi_application_list_offer(g_app.store, r->user, offer_id, rank, 0, &l);
	if (rc < 0)
		return rc;
	const char *cols[32];
	size_t ncols = score_columns(l, cols, 32);
	size_t maxq = 0;
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].nanswers > maxq)
			maxq = l->items[i].nanswers;
	buf_puts(b, "rank,application_id,candidate,login,applied_at,filename");
	for (size_t c = 0; c < ncols; c++) {
		buf_puts(b, ",");
		csv_cell(b, cols[c]);
	}
	buf_puts(b, ",explanation");
	for (size_t q = 0; q < maxq; q++)
		buf_printf(b, ",question_%zu,answer_%zu", q + 1, q + 1);
	buf_puts(b, "\r\n");
	const char *by = rank && *rank ? rank : (ncols ? cols[0] : NULL);
	for (size_t i = 0; i < l->count; i++) {
		offerapi_application *a = &l->items[i];
		char d[16];
		date_str(d, sizeof d, a->created_at);
		buf_printf(b, "%zu,%lld,", i + 1, (long long)a->id);
		csv_cell(b, a->candidate_name);
		buf_puts(b, ",");
		csv_cell(b, a->candidate_login);
		buf_printf(b, ",%s,", d);
		csv_cell(b, a->filename);
		for (size_t c = 0; c < ncols; c++) {
			const offerapi_score *s = find_score(a, cols[c]);
			if (s)
				buf_printf(b, ",%.4f", s->score);
			else
				buf_puts(b, ",");
		}
		const offerapi_score *s = by ? find_score(a, by) : NULL;
		buf_puts(b, ",");
		csv_cell(b, s ? s->explanation : "");
		for (size_t q = 0; q < maxq; q++) {
			buf_puts(b, ",");
			csv_cell(b, q < a->nanswers ? a->answers[q].question : "");
			buf_puts(b, ",");
			csv_cell(b, q < a->nanswers ? a->answers[q].answer : "");
		}
		buf_puts(b, "\r\n");
	}
	offerapi_application_list_free(l);
	return 0;
}

/* Shared by the page and the API route: the API answers errors in JSON. */
void page_dashboard_csv(req *r)
{
	if (!r->user) {
		if (r->is_api)
			respond_api_error(r, 401, "unauthenticated", "log in first");
		else
			respond_redirect(r, "/login");
		return;
	}
	char rank[OFFERAPI_SCORER_NAME_MAX + 1] = "";
	if (form_var(r->query, strlen(r->query), "rank", rank, sizeof rank) < 0)
		rank[0] = '\0';
	buf b;
	buf_init(&b, 16384);
	int rc = dashboard_csv(r, r->id, rank[0] ? rank : NULL, &b);
	if (rc < 0) {
		buf_free(&b);
		if (r->is_api)
			api_fail(r, rc, false);
		else
			page_fail(r, rc);
		return;
	}
	req_header(r, "Content-Disposition: attachment; filename=\"offer-%lld-applications.csv\"",
	           (long long)r->id);
	req_header(r, "Cache-Control: no-store");
	respond(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

/* The CV: the library checks who may read it (the candidate, the offer's
 * recruiter). Served as an attachment-safe inline PDF with a sanitized
 * file name. */
void page_cv_pdf(req *r)
{
	if (!r->user) {
		if (r->is_api)
			respond_api_error(r, 401, "unauthenticated", "log in first");
		else
			respond_redirect(r, "/login");
		return;
	}
	void *pdf = NULL;
	size_t len = 0;
	int rc = offerapi_application_pdf(g_app.store, r->user, r->id, &pdf, &len);
	if (rc < 0) {
		if (r->is_api)
			api_fail(r, rc, false);
		else
			page_fail(r, rc);
		return;
	}
	req_header(r, "Content-Disposition: inline; filename=\"cv-%lld.pdf\"", (long long)r->id);
	req_header(r, "Cache-Control: private, no-store");
	respond(r, 200, "application/pdf", pdf, len);
	offerapi_free(pdf);
}

void page_cv_text(req *r)
{
	if (!r->user) {
		if (r->is_api)
			respond_api_error(r, 401, "unauthenticated", "log in first");
		else
			respond_redirect(r, "/login");
		return;
	}
	offerapi_application *a = NULL;
	int rc = offerapi_application_get(g_app.store, r->user, r->id, &a);
	if (rc < 0) {
		if (r->is_api)
			api_fail(r, rc, false);
		else
			page_fail(r, rc);
		return;
	}
	const char *t = a->cv_text ? a->cv_text : "";
	req_header(r, "Cache-Control: private, no-store");
	respond(r, 200, "text/plain; charset=utf-8", t, strlen(t));
	offerapi_application_free(a);
}
