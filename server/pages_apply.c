/*
 * pages_apply.c - an offer's page, applying to it, and a candidate's
 * applications.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"

static void apply_form(req *r, buf *b, const offerapi_offer *o, const field_errs *errs,
                       const form *f);

/* The id of the current candidate's application to @p o in *@p applied (0:
 * none). Returns 0 or a library error code. */
static int applied_to(req *r, const offerapi_offer *o, offerapi_id *applied)
{
	*applied = 0;
	offerapi_application_list *mine = NULL;
	int rc = offerapi_application_list_mine(r->app->store, r->user, 0, &mine);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < mine->count; i++)
		if (mine->items[i].offer_id == o->id)
			*applied = mine->items[i].id;
	offerapi_application_list_free(mine);
	return 0;
}

/* The offer itself: title, meta line, skills, description, and the
 * recruiter's actions when @p owner. */
static void offer_article(req *r, buf *b, const offerapi_offer *o, bool owner)
{
	buf_puts(b, "<article class=\"offer\"><h1>");
	buf_esc(b, o->title);
	buf_puts(b, "</h1><p class=\"meta\">");
	if (o->location && *o->location) {
		buf_esc(b, o->location);
		buf_puts(b, " · ");
	}
	char d[DATE_STR_MAX];
	date_str(r, d, sizeof d, o->published_at);
	buf_esc(b, *o->recruiter_name ? o->recruiter_name : T(r, "offer.former_recruiter"));
	buf_printf(b, " · %s · %s</p>", d, T(r, o->is_open ? "offer.open" : "offer.closed"));
	offer_facts(r, b, o);
	if (o->nskills) {
		buf_puts(b, "<ul class=\"chips\">");
		for (size_t i = 0; i < o->nskills; i++) {
			buf_printf(b, "<li><a href=\"/?skill=");
			char enc[3 * OFFERAPI_SKILL_MAX + 1];
			mg_url_encode(o->skills[i], enc, sizeof enc);
			buf_esc(b, enc);
			buf_puts(b, "\">");
			buf_esc(b, o->skills[i]);
			buf_puts(b, "</a></li>");
		}
		buf_puts(b, "</ul>");
	}
	buf_puts(b, "<div class=\"description\">");
	buf_esc(b, o->description);
	buf_puts(b, "</div>");
	if (owner) {
		buf_printf(
			b,
			"<p class=\"actions\"><a class=\"button\" href=\"/offers/%lld/dashboard\">%s (%lld)</a> "
			"<a class=\"button secondary\" href=\"/offers/%lld/edit\">%s</a></p>",
			(long long)o->id, T(r, "offer.dashboard"), (long long)o->napplications,
			(long long)o->id, T(r, "offer.edit"));
		if (o->is_open) { /* asked first: what becomes of the applications */
			buf_printf(
				b,
				"<p><a class=\"button secondary\" href=\"/offers/%lld/close\">%s</a></p>",
				(long long)o->id, T(r, "offer.close"));
		} else {
			buf_printf(b, "<form method=\"post\" action=\"/offers/%lld/reopen\">",
			           (long long)o->id);
			hidden_csrf(r, b);
			buf_printf(b,
			           "<button type=\"submit\" class=\"secondary\">%s</button></form>",
			           T(r, "offer.reopen"));
		}
	}
	buf_puts(b, "</article>");
}

/* The offer page; @errs (and @status) when re-shown after a refused
 * application, with the answers the candidate typed. */
static void offer_page(req *r, int status, const field_errs *errs, const form *f)
{
	offerapi_offer *o = NULL;
	int rc = offerapi_offer_get(r->app->store, r->id, &o);
	if (rc == 0 && o->archived_at) { /* archived (DELETE): gone */
		offerapi_offer_free(o);
		rc = OFFERAPI_ENOTFOUND;
	}
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	bool owner = r->user && r->user->id == o->recruiter_id;
	bool candidate = r->user && r->user->role == OFFERAPI_ROLE_CANDIDATE;
	/* past its deadline, closed for applications before the housekeeping
	 * closes it (hourly) */
	bool open = o->is_open && !(o->deadline && o->deadline < (int64_t)time(NULL));
	offerapi_id applied = 0;
	if (candidate && (rc = applied_to(r, o, &applied)) < 0) {
		offerapi_offer_free(o);
		page_fail(r, rc);
		return;
	}
	buf b;
	buf_init(&b, 16384);
	page_start(r, &b, o->title);
	if (owner && !o->is_open) { /* back from closing it: what was done */
		char v[24], msg[256];
		if (query_var(r, "rejected", v, sizeof v) > 0)
			alert(r, &b, "ok",
			      TF(r, msg, sizeof msg, "close.done_rejected",
			         (size_t)strtoul(v, NULL, 10)));
		else if (query_var(r, "closed", v, sizeof v) > 0)
			alert(r, &b, "ok", T(r, "close.done_kept"));
	}
	offer_article(r, &b, o, owner);
	ferr_summary(r, &b, errs);
	if (applied) {
		buf_printf(&b, "<p class=\"alert ok\">%s <a href=\"/me/applications\">%s</a></p>",
		           T(r, "apply.already"), T(r, "nav.myapps"));
	} else if (candidate && open) {
		apply_form(r, &b, o, errs, f);
	} else if (!r->user && open) {
		buf_printf(&b,
		           "<p class=\"alert\">%s <a href=\"/login?next=/offers/%lld\">%s</a> %s "
		           "<a href=\"/signup?next=/offers/%lld\">%s</a>.</p>",
		           T(r, "apply.anon"), (long long)o->id, T(r, "apply.anon_login"),
		           T(r, "apply.anon_or"), (long long)o->id, T(r, "apply.anon_signup"));
	} else if (!open && !owner) {
		buf_printf(&b, "<p class=\"alert\">%s</p>", T(r, "apply.closed"));
	}
	offerapi_offer_free(o);
	page_send(r, status, &b);
}

/* The application form: the answers first and the CV last, so that when
 * the CV is over the limit the answers arrive before it and come back. */
static void apply_form(req *r, buf *b, const offerapi_offer *o, const field_errs *errs,
                       const form *f)
{
	buf_printf(b,
	           "<section class=\"apply\"><h2>%s</h2>"
	           "<form method=\"post\" action=\"/offers/%lld/apply\" "
	           "enctype=\"multipart/form-data\">",
	           T(r, "apply.title"), (long long)o->id);
	hidden_csrf(r, b);
	for (size_t i = 0; i < o->nquestions; i++) {
		char name[32];
		snprintf(name, sizeof name, "answer_%zu", i);
		buf_printf(b, "<label for=\"f-%s\">", name);
		buf_esc(b, o->questions[i]);
		buf_printf(
			b,
			"</label><textarea id=\"f-%s\" name=\"%s\" rows=\"3\" maxlength=\"5000\">",
			name, name);
		buf_esc(b, f && form_get(f, name) ? form_get(f, name) : "");
		buf_puts(b, "</textarea>");
	}
	char size[32], hint[128];
	size_str(r, size, sizeof size, r->app->cfg.max_upload);
	snprintf(hint, sizeof hint, "%s %s.", T(r, "apply.max"), size);
	field_ex(b, "file", "cv", T(r, "apply.cv"), "", "accept=\"application/pdf,.pdf\" required",
	         errs, hint);
	privacy_notice(r, b);
	const char *pool = f ? form_get(f, "pool_consent") : NULL;
	privacy_pool_box(r, b, pool && *pool);
	buf_printf(b, "<button type=\"submit\">%s</button></form></section>", T(r, "apply.go"));
}

void page_offer(req *r)
{
	offer_page(r, 200, NULL, NULL);
}

void page_apply(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_CANDIDATE))
		return;
	form f;
	if (!page_form(r, &f, r->app->cfg.max_upload))
		return;
	field_errs errs = { 0 };
	char size[32];
	size_str(r, size, sizeof size, r->app->cfg.max_upload);
	if (f.error == 413) {
		ferr_add(r, &errs, "cv", "apply.cv", "ferr.file_big", size);
		offer_page(r, 413, &errs, &f);
		form_free(&f);
		return;
	}
	const char *answers[OFFERAPI_QUESTIONS_MAX];
	const char *pool = form_get(&f, "pool_consent");
	svc_apply_in in = { f.filename,
		            f.has_file ? f.file : NULL,
		            f.file_len,
		            answers,
		            form_answers(&f, answers, OFFERAPI_QUESTIONS_MAX),
		            pool && *pool };
	offerapi_id id = 0;
	int rc = svc_apply(r, r->id, &in, &id);
	if (rc == 0) {
		respond_redirect(r, "/me/applications?applied=1");
	} else {
		http_error e;
		http_error_for(r, rc, true, &e);
		if (e.status >= 500 || rc == OFFERAPI_ENOTFOUND) {
			page_error(r, e.status, e.message);
		} else {
			if (rc == OFFERAPI_ETOOBIG)
				ferr_add(r, &errs, "cv", "apply.cv", "ferr.file_big", size);
			else
				ferr_add(r, &errs, "cv", "apply.cv", "ferr.verbatim",
				         e.message == offerapi_error_last()->message
				                 ? T(r, "err.check_form")
				                 : e.message);
			offer_page(r, e.status, &errs, &f);
		}
	}
	form_free(&f);
}

/* A button of the candidate's on application @a: a form posting to
 * /me/applications/ID/@action, the text of i18n key @key, and the offer's
 * title in its accessible name. */
static void app_button(req *r, buf *b, const offerapi_application *a, const char *action,
                       const char *key)
{
	buf_printf(b, "<form method=\"post\" class=\"inline\" action=\"/me/applications/%lld/%s\">",
	           (long long)a->id, action);
	hidden_csrf(r, b);
	buf_printf(b, "<button type=\"submit\" class=\"secondary\" aria-label=\"%s (", T(r, key));
	buf_esc(b, a->offer_title);
	buf_printf(b, ")\">%s</button></form>", T(r, key));
}

/* The candidate's withdraw button, while the application is open. */
static void withdraw_button(req *r, buf *b, const offerapi_application *a)
{
	if (offerapi_stage_allowed(a->stage, OFFERAPI_STAGE_WITHDRAWN, OFFERAPI_ROLE_CANDIDATE))
		app_button(r, b, a, "withdraw", "act.withdraw");
}

/* The pool consent: yes with its withdraw button, or no. */
static void consent_cell(req *r, buf *b, const offerapi_application *a)
{
	buf_printf(b, "<td data-label=\"%s\">%s", T(r, "consent.col"),
	           T(r, a->pool_consent ? "consent.yes" : "consent.no"));
	if (a->pool_consent) {
		buf_puts(b, " ");
		app_button(r, b, a, "consent-withdraw", "consent.withdraw");
	}
	buf_puts(b, "</td>");
}

/* POST /me/applications/{id}/consent-withdraw: the candidate's button. */
void page_consent_withdraw(req *r)
{
	if (need_role(r, OFFERAPI_ROLE_CANDIDATE))
		page_button_post(r, svc_consent_withdraw, "/me/applications?consent_withdrawn=1");
}

void page_my_applications(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_CANDIDATE))
		return;
	offerapi_application_list *list = NULL;
	int rc = offerapi_application_list_mine(r->app->store, r->user, 0, &list);
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	buf b;
	page_open(r, &b, 8192, "nav.myapps", NULL, false);
	if (strstr(r->query, "applied=1"))
		buf_printf(&b, "<p class=\"alert ok\">%s</p>", T(r, "apply.done"));
	if (strstr(r->query, "withdrawn=1"))
		buf_printf(&b, "<p class=\"alert ok\">%s</p>", T(r, "app.withdrawn_done"));
	if (strstr(r->query, "consent_withdrawn=1"))
		buf_printf(&b, "<p class=\"alert ok\">%s</p>", T(r, "consent.withdrawn_done"));
	if (!list->count)
		buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "myapps.none"));
	else
		buf_printf(
			&b,
			"<div class=\"scroll\"><table class=\"stack\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
			T(r, "col.offer"), T(r, "col.received"), T(r, "col.status"),
			T(r, "col.applied"), T(r, "col.cv"), T(r, "consent.col"),
			T(r, "col.actions"));
	for (size_t i = 0; i < list->count; i++) {
		offerapi_application *a = &list->items[i];
		char d[DATE_STR_MAX];
		date_str(r, d, sizeof d, a->created_at);
		/* data-label: the column's name, shown beside the value when
		 * the rows are stacked on a phone */
		buf_printf(&b, "<tr><td data-label=\"%s\"><a href=\"/offers/%lld\">",
		           T(r, "col.offer"), (long long)a->offer_id);
		buf_esc(&b, a->offer_title);
		buf_printf(&b, "</a></td><td class=\"received\" data-label=\"%s\">",
		           T(r, "col.received"));
		stage_badge(r, &b, a->stage);
		if (a->reason != OFFERAPI_REASON_NONE) { /* only when the recruiter shows it */
			buf_puts(&b, "<br>");
			reason_html(r, &b, a->reason, a->reason_text);
		}
		buf_printf(&b,
		           "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
		           "<td data-label=\"%s\"><a href=\"/applications/%lld/cv.pdf\">",
		           T(r, "col.status"),
		           T(r, a->offer_is_open ? "offer.open" : "offer.closed"),
		           T(r, "col.applied"), d, T(r, "col.cv"), (long long)a->id);
		buf_esc(&b, a->filename);
		buf_puts(&b, "</a></td>");
		consent_cell(r, &b, a);
		buf_printf(&b, "<td data-label=\"%s\">", T(r, "col.actions"));
		buf_printf(&b, "<a href=\"/me/applications/%lld/views\" aria-label=\"%s (",
		           (long long)a->id, T(r, "views.link"));
		buf_esc(&b, a->offer_title);
		buf_printf(&b, ")\">%s</a> ", T(r, "views.link"));
		withdraw_button(r, &b, a);
		buf_puts(&b, "</td></tr>");
	}
	if (list->count)
		buf_puts(&b, "</tbody></table></div>");
	offerapi_application_list_free(list);
	page_send(r, 200, &b);
}

/* The name of an access kind, as the candidate reads it. */
static const char *access_kind_label(req *r, offerapi_access_kind k)
{
	switch (k) {
	case OFFERAPI_ACCESS_CV_PDF: return T(r, "views.kind_cv_pdf");
	case OFFERAPI_ACCESS_CV_TEXT: return T(r, "views.kind_cv_text");
	case OFFERAPI_ACCESS_CSV: return T(r, "views.kind_csv");
	default: return T(r, "views.kind_application");
	}
}

/* GET /me/applications/{id}/views: who viewed the candidate's application
 * (display name, what and when; never the address), newest first, by
 * page (?cursor=). Another person gets 404, as for no such application. */
void page_my_application_views(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_CANDIDATE))
		return;
	char cursor[OFFERAPI_CURSOR_MAX];
	int n = query_var(r, "cursor", cursor, sizeof cursor);
	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.cursor = n > 0 ? cursor : NULL;
	offerapi_access_list *l = NULL;
	offerapi_application *a = NULL;
	int rc = n < -1 ? svc_fail(OFFERAPI_EINVAL, "err.bad_query")
	                : svc_access_views(r, &page, &l);
	if (rc == 0)
		rc = svc_application(r, &a);
	if (rc) {
		offerapi_access_list_free(l);
		page_fail(r, rc);
		return;
	}
	buf b;
	buf_init(&b, 8192);
	page_start(r, &b, T(r, "views.title"));
	buf_printf(&b, "<h1>%s</h1><p>%s <a href=\"/offers/%lld\">", T(r, "views.title"),
	           T(r, "views.for"), (long long)a->offer_id);
	buf_esc(&b, a->offer_title);
	buf_printf(&b, "</a></p><p><small>%s</small></p>", T(r, "views.about"));
	static const char *const cols[] = { "views.col_who", "views.col_what", "views.col_when",
		                            NULL };
	table_start(r, &b, l->count, "views.none", "views", "views.caption", cols);
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_access *v = &l->items[i];
		char d[DATE_STR_MAX];
		date_str(r, d, sizeof d, v->at);
		buf_printf(&b, "<tr><td data-label=\"%s\">", T(r, "views.col_who"));
		if (*v->viewer_name)
			buf_esc(&b, v->viewer_name);
		else
			buf_puts(&b, T(r, "views.former"));
		buf_printf(&b,
		           "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>",
		           T(r, "views.col_what"), access_kind_label(r, v->kind),
		           T(r, "views.col_when"), d);
	}
	if (l->count)
		buf_puts(&b, "</tbody></table></div>");
	if (l->prev || l->next)
		buf_printf(&b, "<nav class=\"pager\" aria-label=\"%s\">", T(r, "views.pages"));
	if (l->prev) /* cursors are [A-Za-z0-9.-] (page.h) */
		buf_printf(&b,
		           "<a class=\"button secondary\" rel=\"prev\" "
		           "href=\"/me/applications/%lld/views?cursor=%s\">%s</a> ",
		           (long long)r->id, l->prev, T(r, "views.newer"));
	if (l->next)
		buf_printf(&b,
		           "<a class=\"button secondary\" rel=\"next\" "
		           "href=\"/me/applications/%lld/views?cursor=%s\">%s</a>",
		           (long long)r->id, l->next, T(r, "views.older"));
	if (l->prev || l->next)
		buf_puts(&b, "</nav>");
	buf_printf(&b, "<p><a href=\"/me/applications\">%s</a></p>", T(r, "views.back"));
	offerapi_access_list_free(l);
	offerapi_application_free(a);
	page_send(r, 200, &b);
}
