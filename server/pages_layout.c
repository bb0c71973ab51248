/*
 * pages_layout.c - what every page shares: the layout, error pages, forms
 * with their CSRF check, and the language switch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"

/* Month abbreviations: French (CLDR's, with their dots) and English. */
static const char *const months[2][12] = {
	[LANG_FR] = { "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
	              "oct.", "nov.", "déc." },
	[LANG_EN] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
	              "Dec" },
};

/* Append the @w digits of @v (0 <= @v < 10^@w) to @p; returns the end. */
static char *put_digits(char *p, int v, int w)
{
	for (int i = w - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + w;
}

void date_str(const req *r, char *dst, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || n < 1) {
		if (n)
			*dst = '\0';
		return;
	}
	const char *mon = months[r->lang == LANG_EN ? LANG_EN : LANG_FR][tm.tm_mon];
	int year = tm.tm_year + 1900;
	/* a machine-readable date for tools, the page's language for people;
	 * no-break spaces (U+00A0) so that a date never wraps on a phone */
	if (year < 0 || year > 9999 || n < DATE_STR_MAX) {
		snprintf(dst, n, "<time datetime=\"%04d-%02d-%02d\">%d\xc2\xa0%s\xc2\xa0%d</time>",
		         year, tm.tm_mon + 1, tm.tm_mday, tm.tm_mday, mon, year);
		return;
	}
	/* the same text without snprintf, a tenth of its cost: 100 dates a
	 * home page (at most 70 bytes: DATE_STR_MAX is 80) */
	static const char open[] = "<time datetime=\"", close[] = "</time>";
	char *p = dst;
	memcpy(p, open, sizeof open - 1);
	p += sizeof open - 1;
	p = put_digits(p, year, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = '"';
	*p++ = '>';
	p = put_digits(p, tm.tm_mday, tm.tm_mday < 10 ? 1 : 2);
	memcpy(p, "\xc2\xa0", 2);
	p += 2;
	size_t ml = strlen(mon);
	memcpy(p, mon, ml);
	p += ml;
	memcpy(p, "\xc2\xa0", 2);
	p += 2;
	p = put_digits(p, year, year < 10 ? 1 : year < 100 ? 2 : year < 1000 ? 3 : 4);
	memcpy(p, close, sizeof close);
}

void num_str(const req *r, char *dst, size_t n, double v, int decimals)
{
	if (!n)
		return;
	snprintf(dst, n, "%.*f", decimals, v);
	if (r->lang != LANG_EN) /* 0,98 */
		for (char *p = dst; *p; p++)
			if (*p == '.')
				*p = ',';
}

const char *role_label(req *r, offerapi_role role)
{
	return T(r, role == OFFERAPI_ROLE_RECRUITER ? "role.recruiter"
	            : role == OFFERAPI_ROLE_ADMIN   ? "role.admin"
	                                            : "role.candidate");
}

/* The navigation's links (they depend on the role). */
static void nav_links(req *r, buf *b)
{
	buf_printf(b, "<a href=\"/\">%s</a>", T(r, "nav.offers"));
	if (r->user && r->user->role == OFFERAPI_ROLE_RECRUITER)
		buf_printf(b, "<a href=\"/offers/new\">%s</a>", T(r, "nav.publish"));
	if (r->user && r->user->role == OFFERAPI_ROLE_CANDIDATE)
		buf_printf(b, "<a href=\"/me/applications\">%s</a>", T(r, "nav.myapps"));
	if (r->user && r->user->role == OFFERAPI_ROLE_ADMIN)
		buf_printf(b, "<a href=\"/admin\">%s</a>", T(r, "nav.admin"));
	if (r->user) {
		buf_printf(b, "<a href=\"/me/sessions\">%s</a>", T(r, "nav.sessions"));
		buf_printf(b, "<a href=\"/me/email\">%s</a>", T(r, "nav.email"));
		buf_puts(b, "<span class=\"who\">");
		buf_esc(b, r->user->display_name);
		buf_printf(b, " <small>(%s)</small></span>", role_label(r, r->user->role));
		buf_printf(b,
		           "<form method=\"post\" action=\"/logout\" class=\"inline\">"
		           "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		           "<button class=\"link\" type=\"submit\">%s</button></form>",
		           r->csrf, T(r, "nav.logout"));
	} else {
		buf_printf(b, "<a href=\"/login\">%s</a><a href=\"/signup\">%s</a>",
		           T(r, "nav.login"), T(r, "nav.signup"));
	}
	buf_printf(b,
	           "<span class=\"lang\"><a href=\"/lang/fr\" lang=\"fr\"%s>FR</a> "
	           "<a href=\"/lang/en\" lang=\"en\"%s>EN</a></span>",
	           r->lang == LANG_FR ? " aria-current=\"true\"" : "",
	           r->lang == LANG_EN ? " aria-current=\"true\"" : "");
}

/* The head of every page and its navigation (depends on the role). */
void page_start(req *r, buf *b, const char *title)
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
		"</head><body>");
	buf_printf(b, "<a class=\"skip\" href=\"#main\">%s</a>", T(r, "nav.skip"));
	buf_puts(b, "<header class=\"top\"><a class=\"brand\" href=\"/\">OffreAPI</a>");
	/* The same links twice: in a line on wide screens, in a <details>
	 * menu (no JavaScript) on phones; CSS shows one of the two. */
	buf links;
	buf_init(&links, 1024);
	nav_links(r, &links);
	buf_printf(b, "<nav class=\"wide\" aria-label=\"%s\">%s</nav>", T(r, "nav.label"),
	           links.failed ? "" : links.p);
	buf_printf(b,
	           "<details class=\"menu\"><summary>%s</summary><nav aria-label=\"%s\">%s</nav>"
	           "</details>",
	           T(r, "nav.menu"), T(r, "nav.label"), links.failed ? "" : links.p);
	b->failed |= links.failed;
	buf_free(&links);
	buf_puts(b, "</header><main id=\"main\" tabindex=\"-1\">");
	/* a reminder on every page until the account's address is verified
	 * (the account works meanwhile: nothing waits for a slow mailbox) */
	if (r->user && !r->user->email_verified_at && strcmp(r->path, "/me/email") != 0)
		buf_printf(b, "<p class=\"alert\"><a href=\"/me/email\">%s</a></p>",
		           T(r, r->user->email ? "email.remind_verify" : "email.remind_add"));
}

void page_send(req *r, int status, buf *b)
{
	buf_printf(b, "</main><footer>OffreAPI %s</footer></body></html>\n", OFFERAPI_VERSION);
	if (!b->failed)
		req_header(r, "Cache-Control: no-store");
	respond_buf(r, status, "text/html; charset=utf-8", b);
}

void alert(req *r, buf *b, const char *kind, const char *msg)
{
	(void)r;
	buf_printf(b, "<p class=\"alert %s\" role=\"alert\">", kind);
	buf_esc(b, msg);
	buf_puts(b, "</p>");
}

bool table_start(req *r, buf *b, size_t n, const char *empty_key, const char *id,
                 const char *caption_key, const char *const *cols)
{
	if (!n) {
		buf_printf(b, "<p class=\"empty\">%s</p>", T(r, empty_key));
		return false;
	}
	if (caption_key)
		buf_printf(b, "<h2 id=\"%s-caption\">%s</h2>", id, T(r, caption_key));
	buf_printf(b,
	           "<div class=\"scroll\"><table class=\"stack\" aria-labelledby=\"%s-caption\">"
	           "<thead><tr>",
	           id);
	for (; *cols; cols++)
		buf_printf(b, "<th scope=\"col\">%s</th>", T(r, *cols));
	buf_puts(b, "</tr></thead><tbody>");
	return true;
}

void alert_done(req *r, buf *b, const char *flag, const char *msg_key)
{
	if (strstr(r->query, flag))
		alert(r, b, "ok", T(r, msg_key));
}

void page_open(req *r, buf *b, size_t size, const char *title_key, const char *intro_key,
               bool narrow)
{
	buf_init(b, size);
	page_start(r, b, T(r, title_key));
	buf_printf(b, "%s<h1>%s</h1>", narrow ? "<section class=\"narrow\">" : "", T(r, title_key));
	if (intro_key)
		buf_printf(b, "<p>%s</p>", T(r, intro_key));
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

void page_fail(req *r, int rc)
{
	http_error e;
	http_error_for(r, rc, false, &e);
	if (rc == OFFERAPI_EAUTH)
		respond_redirect(r, "/login");
	else
		page_error(r, e.status, e.message);
}

bool need_role(req *r, int role)
{
	int rc = svc_require(r, role);
	if (rc)
		page_fail(r, rc);
	return rc == 0;
}

/* Parse a POSTed form and check its CSRF token. Answers and returns false
 * on failure. */
bool page_form(req *r, form *f, size_t max_file)
{
	int rc = form_parse(r, f, max_file, r->app->cfg.max_body);
	/* a file over the limit: the form comes back with what was typed, the
	 * caller sees f->error == 413 */
	bool file_big = rc == 413 && max_file && !strcmp(f->error_what, "file");
	if (rc && !file_big) {
		const char *what = f->error_what ? f->error_what : "";
		form_free(f);
		if (rc == 413)
			page_error(r, 413,
			           T(r, !strcmp(what, "file") ? "err.file_too_big"
			                                      : "err.form_too_big"));
		else if (rc == 408)
			page_error(r, 408, T(r, "err.body_timeout"));
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
		page_error(r, file_big ? 413 : 403,
		           T(r, file_big ? "err.file_too_big" : "err.csrf"));
		return false;
	}
	return true;
}

bool page_form_as(req *r, form *f, size_t max_file, int role)
{
	if (!page_form(r, f, max_file))
		return false;
	if (need_role(r, role))
		return true;
	form_free(f);
	return false;
}

void hidden_csrf(req *r, buf *b)
{
	buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf);
}

void field(buf *b, const char *type, const char *name, const char *label, const char *value,
           const char *attrs)
{
	field_ex(b, type, name, label, value, attrs, NULL, NULL);
}

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

void form_page_start(req *r, buf *b, const char *heading, const char *err, const field_errs *errs,
                     const char *action)
{
	buf_init(b, 8192);
	page_start(r, b, heading);
	buf_puts(b, "<section class=\"narrow\"><h1>");
	buf_esc(b, heading);
	buf_puts(b, "</h1>");
	if (err)
		alert(r, b, "error", err);
	ferr_summary(r, b, errs);
	/* novalidate: the server says every error at once, in the page's
	 * language, instead of the browser's bubbles one at a time */
	buf_puts(b, "<form method=\"post\" novalidate action=\"");
	buf_esc(b, action);
	buf_puts(b, "\">");
	hidden_csrf(r, b);
}

void form_page_end_danger(req *r, buf *b, int status, const char *submit, const char *back_href,
                          const char *back)
{
	buf_puts(b, "<button type=\"submit\" class=\"danger\">");
	buf_esc(b, submit);
	buf_puts(b, "</button></form><p><a href=\"");
	buf_esc(b, back_href);
	buf_puts(b, "\">");
	buf_esc(b, back);
	buf_puts(b, "</a></p></section>");
	page_send(r, status, b);
}

void demo_banner(req *r, buf *b)
{
	const app *a = r->app;
	if (!a->cfg.demo || !a->ndemo)
		return;
	buf_printf(b, "<aside class=\"demo\" aria-label=\"%s\"><strong>%s</strong> %s",
	           T(r, "demo.label"), T(r, "demo.label"), T(r, "demo.try"));
	for (size_t i = 0; i < a->ndemo; i++)
		buf_printf(b, "%s%s <code>%s</code> / <code>%s</code>", i ? " · " : " ",
		           T(r, a->demo[i].role), a->demo[i].login, a->demo[i].password);
	buf_puts(b, "</aside>");
}
