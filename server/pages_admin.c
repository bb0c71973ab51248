/*
 * pages_admin.c - the operator's pages (issue 16), for accounts of role
 * admin only (svc_admin.c refuses the others: 403; anonymous visitors go to
 * the login page): /admin lists the accounts, /admin/access searches the
 * access log, /admin/users/{id}/export downloads a person's archive and
 * /admin/users/{id}/erase erases a person after a confirmation (the
 * account's login typed again) with the CSRF token of every form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"

/* Rows of the access log one page shows (the search says when more
 * matched). */
#define ADMIN_ACCESS_ROWS 200

/* The role filter of /admin: "" (every role) or a role's name. */
static void role_filter(req *r, buf *b, offerapi_role role)
{
	static const offerapi_role roles[] = { OFFERAPI_ROLE_CANDIDATE, OFFERAPI_ROLE_RECRUITER,
		                               OFFERAPI_ROLE_ADMIN };
	buf_printf(b,
	           "<form method=\"get\" action=\"/admin\" class=\"inline\"><label for=\"role\">%s"
	           "</label> <select id=\"role\" name=\"role\"><option value=\"\">%s</option>",
	           T(r, "admin.filter_role"), T(r, "admin.all_roles"));
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
		buf_printf(b, "<option value=\"%s\"%s>%s</option>", offerapi_role_name(roles[i]),
		           roles[i] == role ? " selected" : "", role_label(r, roles[i]));
	buf_printf(b, "</select> <button type=\"submit\">%s</button></form>", T(r, "admin.filter"));
}

static void user_row(req *r, buf *b, const offerapi_user *u)
{
	char d[DATE_STR_MAX];
	date_str(r, d, sizeof d, u->created_at);
	buf_printf(b, "<tr><td data-label=\"%s\">", T(r, "admin.col_login"));
	buf_esc(b, u->login);
	buf_printf(b, "</td><td data-label=\"%s\">", T(r, "admin.col_name"));
	buf_esc(b, u->display_name);
	buf_printf(b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">",
	           T(r, "admin.col_role"), role_label(r, u->role), T(r, "admin.col_email"));
	buf_esc(b, u->email ? u->email : "-");
	buf_printf(b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">",
	           T(r, "admin.col_created"), d, T(r, "admin.col_actions"));
	/* each link names its account for a screen reader, which lists the
	 * links of a page out of their rows */
	static const char *const links[][2] = { { "export", "admin.export_zip" },
		                                { "export?format=tar.gz", "admin.export_targz" },
		                                { "erase", "admin.erase_link" } };
	for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
		buf_printf(b, "%s<a href=\"/admin/users/%lld/%s\"%s>%s<span class=\"vh\"> (",
		           i ? " · " : "", (long long)u->id, links[i][0], i < 2 ? " download" : "",
		           T(r, links[i][1]));
		buf_esc(b, u->login);
		buf_puts(b, ")</span></a>");
	}
	buf_puts(b, "</td></tr>");
}

static void users_table(req *r, buf *b, const offerapi_user_list *l, offerapi_role role)
{
	char total[64];
	TF(r, total, sizeof total, "admin.total", (long long)l->total);
	buf_printf(b, "<h2 id=\"users-caption\">%s</h2><p>%s</p>", T(r, "admin.users"), total);
	role_filter(r, b, role);
	static const char *const cols[] = { "admin.col_login",
		                            "admin.col_name",
		                            "admin.col_role",
		                            "admin.col_email",
		                            "admin.col_created",
		                            "admin.col_actions",
		                            NULL };
	if (!table_start(r, b, l->count, "admin.no_users", "users", NULL, cols))
		return;
	for (size_t i = 0; i < l->count; i++)
		user_row(r, b, l->items[i]);
	buf_puts(b, "</tbody></table></div>");
	const char *rn = role ? offerapi_role_name(role) : "";
	if (l->prev || l->next)
		buf_printf(b, "<nav class=\"pager\" aria-label=\"%s\">", T(r, "admin.pages"));
	if (l->prev) /* cursors are [A-Za-z0-9.-] (page.h) */
		buf_printf(b,
		           "<a class=\"button secondary\" rel=\"prev\" "
		           "href=\"/admin?role=%s&amp;cursor=%s\">%s</a> ",
		           rn, l->prev, T(r, "admin.newer"));
	if (l->next)
		buf_printf(b,
		           "<a class=\"button secondary\" rel=\"next\" "
		           "href=\"/admin?role=%s&amp;cursor=%s\">%s</a>",
		           rn, l->next, T(r, "admin.older"));
	if (l->prev || l->next)
		buf_puts(b, "</nav>");
}

/* GET /admin[?role=R][&cursor=C]: the accounts, newest first, by page. */
void page_admin(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_ADMIN))
		return;
	char cursor[OFFERAPI_CURSOR_MAX], rv[16];
	int n = query_var(r, "cursor", cursor, sizeof cursor);
	int nr = query_var(r, "role", rv, sizeof rv);
	offerapi_role role = 0;
	if (n < -1 || nr < -1 || (nr > 0 && offerapi_role_parse(&role, rv) < 0)) {
		page_error(r, 400, T(r, "err.bad_query"));
		return;
	}
	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.cursor = n > 0 ? cursor : NULL;
	page.flags = OFFERAPI_PAGE_TOTAL;
	offerapi_user_list *l = NULL;
	int rc = svc_admin_users(r, role, &page, &l);
	if (rc) {
		page_fail(r, rc == OFFERAPI_EINVAL ? svc_fail(rc, "err.bad_query") : rc);
		return;
	}
	buf b;
	page_open(r, &b, 16384, "admin.title", "admin.intro", false);
	alert_done(r, &b, "erased=1", "admin.erased");
	buf_printf(&b, "<p><a class=\"button\" href=\"/admin/access\">%s</a></p>",
	           T(r, "admin.access_link"));
	users_table(r, &b, l, role);
	offerapi_user_list_free(l);
	page_send(r, 200, &b);
}

/* "YYYY-MM-DD" (an <input type="date">) as the Unix time of its midnight
 * UTC, or -1. */
static int64_t parse_day(const char *s)
{
	const char *shape = "dddd-dd-dd";
	if (strlen(s) != 10)
		return -1;
	for (size_t i = 0; i < 10; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return -1;
	int y = atoi(s), mo = atoi(s + 5), d = atoi(s + 8);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d };
	time_t t = timegm(&tm);
	return t < 0 || tm.tm_mday != d ? -1 : (int64_t)t;
}

/* The search's fields, as typed (for the form) and as a query. */
typedef struct access_form {
	char login[OFFERAPI_LOGIN_MAX + 1], app[24], since[16], until[16];
	offerapi_access_query q;
} access_form;

/* Read one query variable into @dst; an error for @name when malformed. */
static void read_var(req *r, field_errs *e, const char *name, const char *label, char *dst,
                     size_t n)
{
	if (query_var(r, name, dst, n) < -1) {
		dst[0] = '\0';
		ferr_add(r, e, name, label, "ferr.admin_field");
	}
}

static void access_parse(req *r, access_form *f, field_errs *e)
{
	f->q = (offerapi_access_query)OFFERAPI_ACCESS_QUERY_INIT;
	f->q.limit = ADMIN_ACCESS_ROWS;
	read_var(r, e, "login", "admin.f_login", f->login, sizeof f->login);
	read_var(r, e, "application", "admin.f_application", f->app, sizeof f->app);
	read_var(r, e, "since", "admin.f_since", f->since, sizeof f->since);
	read_var(r, e, "until", "admin.f_until", f->until, sizeof f->until);
	if (*f->app) {
		char *end;
		long long id = strtoll(f->app, &end, 10);
		if (*end || id <= 0)
			ferr_add(r, e, "application", "admin.f_application", "ferr.admin_field");
		else
			f->q.application_id = id;
	}
	if (*f->since && (f->q.since = parse_day(f->since)) < 0) {
		f->q.since = 0;
		ferr_add(r, e, "since", "admin.f_since", "ferr.admin_field");
	}
	int64_t until = *f->until ? parse_day(f->until) : 0;
	if (until < 0)
		ferr_add(r, e, "until", "admin.f_until", "ferr.admin_field");
	else if (until)
		f->q.until = until + 86400; /* the day given is included */
	if (f->q.since && f->q.until && f->q.since >= f->q.until)
		ferr_add(r, e, "until", "admin.f_until", "ferr.admin_order");
}

static void access_form_html(req *r, buf *b, const access_form *f, const field_errs *e)
{
	buf_puts(b, "<form method=\"get\" action=\"/admin/access\" novalidate>");
	field_ex(b, "text", "login", T(r, "admin.f_login"), f->login,
	         "autocomplete=\"off\" maxlength=\"64\"", e, T(r, "admin.h_login"));
	field_ex(b, "text", "application", T(r, "admin.f_application"), f->app,
	         "inputmode=\"numeric\" maxlength=\"18\"", e, NULL);
	field_ex(b, "date", "since", T(r, "admin.f_since"), f->since, "", e, NULL);
	field_ex(b, "date", "until", T(r, "admin.f_until"), f->until, "", e, NULL);
	buf_printf(b, "<button type=\"submit\">%s</button></form>", T(r, "admin.search"));
}

static const char *kind_label(req *r, offerapi_access_kind k)
{
	switch (k) {
	case OFFERAPI_ACCESS_CV_PDF: return T(r, "views.kind_cv_pdf");
	case OFFERAPI_ACCESS_CV_TEXT: return T(r, "views.kind_cv_text");
	case OFFERAPI_ACCESS_CSV: return T(r, "views.kind_csv");
	default: return T(r, "views.kind_application");
	}
}

static void access_table(req *r, buf *b, const offerapi_access_list *l)
{
	static const char *const cols[] = { "views.col_when", "admin.col_app",  "views.col_what",
		                            "views.col_who",  "admin.col_addr", NULL };
	if (!table_start(r, b, l->count, "admin.no_access", "access", "admin.access_caption", cols))
		return;
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_access *v = &l->items[i];
		char d[DATE_STR_MAX];
		date_str(r, d, sizeof d, v->at);
		buf_printf(
			b,
			"<tr><td data-label=\"%s\">%s</td><td data-label=\"%s\"><span>%lld "
			"(<a href=\"/offers/%lld\">%s %lld</a>)</span></td><td data-label=\"%s\">%s</td>"
			"<td data-label=\"%s\">",
			T(r, "views.col_when"), d, T(r, "admin.col_app"),
			(long long)v->application_id, (long long)v->offer_id, T(r, "admin.offer"),
			(long long)v->offer_id, T(r, "views.col_what"), kind_label(r, v->kind),
			T(r, "views.col_who"));
		if (*v->viewer_login) {
			buf_esc(b, v->viewer_login);
			buf_puts(b, " (");
			buf_esc(b, v->viewer_name);
			buf_puts(b, ")");
		} else {
			buf_puts(b, T(r, "admin.gone"));
		}
		buf_printf(b, "</td><td data-label=\"%s\">", T(r, "admin.col_addr"));
		buf_esc(b, v->address);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>");
	if (l->truncated)
		buf_printf(b, "<p>%s</p>", T(r, "admin.truncated"));
}

/* GET /admin/access[?login=&application=&since=&until=]: the access log,
 * newest first, at most ADMIN_ACCESS_ROWS records. */
void page_admin_access(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_ADMIN))
		return;
	access_form f = { 0 };
	field_errs e = { 0 };
	access_parse(r, &f, &e);
	offerapi_access_list *l = NULL;
	int rc = e.n ? 0 : svc_admin_access(r, f.login, &f.q, &l);
	if (rc == OFFERAPI_EINVAL) {
		ferr_add(r, &e, "login", "admin.f_login", "ferr.admin_no_login");
		rc = 0;
	}
	if (rc) {
		page_fail(r, rc);
		return;
	}
	buf b;
	page_open(r, &b, 16384, "admin.access_title", "admin.access_intro", false);
	ferr_summary(r, &b, &e);
	access_form_html(r, &b, &f, &e);
	if (l)
		access_table(r, &b, l);
	offerapi_access_list_free(l);
	buf_puts(&b, "<p><a href=\"/admin\">");
	buf_esc(&b, T(r, "admin.back"));
	buf_puts(&b, "</a></p>");
	page_send(r, e.n ? 422 : 200, &b);
}

/* Account r->id, which an operator's page is about (the caller frees
 * it), or NULL once the failure's page is sent. */
static offerapi_user *admin_user(req *r)
{
	offerapi_user *u = NULL;
	int rc = svc_admin_user(r, &u);
	if (rc) {
		page_fail(r, rc);
		return NULL;
	}
	return u;
}

/* GET /admin/users/{id}/export[?format=tar.gz]: the person's archive. */
void page_admin_export(req *r)
{
	offerapi_export_format f;
	if (!need_role(r, OFFERAPI_ROLE_ADMIN) || !page_export_format(r, &f))
		return;
	offerapi_user *u = admin_user(r);
	if (!u)
		return;
	int rc = download_export(r, f, u->login, svc_admin_export);
	offerapi_user_free(u);
	if (rc)
		page_fail(r, rc);
}

/* The erasure's confirmation: who, what goes, the login to type. */
static void erase_form(req *r, int status, const offerapi_user *u, const char *err,
                       const field_errs *errs)
{
	buf b;
	char action[64], msg[512];
	snprintf(action, sizeof action, "/admin/users/%lld/erase", (long long)u->id);
	form_page_start(r, &b, T(r, "admin.erase_title"), err, errs, action);
	buf_puts(&b, "<dl><dt>");
	buf_puts(&b, T(r, "admin.col_login"));
	buf_puts(&b, "</dt><dd>");
	buf_esc(&b, u->login);
	buf_printf(&b, "</dd><dt>%s</dt><dd>", T(r, "admin.col_name"));
	buf_esc(&b, u->display_name);
	buf_printf(&b, "</dd><dt>%s</dt><dd>%s</dd></dl>", T(r, "admin.col_role"),
	           role_label(r, u->role));
	buf_printf(&b, "<p>%s</p>", T(r, "admin.erase_what"));
	if (u->role == OFFERAPI_ROLE_RECRUITER)
		buf_printf(&b, "<p>%s</p>", T(r, "admin.erase_kept_recruiter"));
	buf_printf(&b, "<p><strong>%s</strong></p>", T(r, "admin.erase_now"));
	buf_printf(&b, "<p>%s <a href=\"/admin/users/%lld/export\" download>%s</a></p>",
	           T(r, "admin.erase_export"), (long long)u->id, T(r, "admin.export_zip"));
	field_ex(&b, "text", "confirm", T(r, "admin.f_confirm"), "",
	         "required autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\"", errs,
	         TF(r, msg, sizeof msg, "admin.h_confirm", u->login));
	form_page_end_danger(r, &b, status, T(r, "admin.erase_submit"), "/admin",
	                     T(r, "admin.back"));
}

/* GET /admin/users/{id}/erase */
void page_admin_erase(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_ADMIN))
		return;
	offerapi_user *u = admin_user(r);
	if (!u)
		return;
	erase_form(r, 200, u, NULL, NULL);
	offerapi_user_free(u);
}

/* POST /admin/users/{id}/erase: erase now, then back to /admin. */
void page_admin_erase_post(req *r)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	if (!need_role(r, OFFERAPI_ROLE_ADMIN)) {
		form_free(&f);
		return;
	}
	offerapi_erase_info info;
	int rc = svc_admin_erase(r, form_get(&f, "confirm"), &info);
	form_free(&f);
	if (rc == 0) {
		respond_redirect(r, "/admin?erased=1");
		return;
	}
	offerapi_user *u = NULL;
	if (rc != OFFERAPI_EINVAL || svc_admin_user(r, &u) != 0) {
		page_fail(r, rc);
		return;
	}
	field_errs errs = { 0 };
	ferr_add(r, &errs, "confirm", "admin.f_confirm", "ferr.admin_confirm");
	erase_form(r, 422, u, NULL, &errs);
	offerapi_user_free(u);
}
