/*
 * pages_stage.c - one application's page for its offer's recruiter (CV,
 * answers, scores and their explanations, the stage history, private
 * notes, the stage actions), its forms, and the candidate's withdrawal.
 */
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "pages.h"

/* ": " in English, " : " in French (a space before the colon). */
static const char *colon(const req *r)
{
	return r->lang == LANG_EN ? ": " : " : ";
}

const char *stage_label(req *r, offerapi_stage st)
{
	char key[32];
	snprintf(key, sizeof key, "stage.%s",
	         offerapi_stage_name(st) ? offerapi_stage_name(st) : "");
	return T(r, key);
}

void stage_badge(req *r, buf *b, offerapi_stage st)
{
	buf_printf(b, "<span class=\"stage stage-%s\">%s</span>", offerapi_stage_name(st),
	           stage_label(r, st));
}

/* The reason of a rejection in the page's language, with its free text. */
void reason_html(req *r, buf *b, offerapi_reject_reason why, const char *text)
{
	char key[48];
	snprintf(key, sizeof key, "reason.%s", offerapi_reject_reason_name(why));
	buf_printf(b, "<span class=\"reason\">%s", T(r, key));
	if (text && *text) {
		buf_puts(b, colon(r));
		buf_esc(b, text);
	}
	buf_puts(b, "</span>");
}

void answers_html(buf *b, const offerapi_application *a, const char *sep)
{
	for (size_t k = 0; k < a->nanswers; k++) {
		buf_puts(b, "<p><strong>");
		buf_esc(b, a->answers[k].question);
		buf_printf(b, "</strong>%s", sep);
		buf_esc(b, a->answers[k].answer);
		buf_puts(b, "</p>");
	}
}

/* Who, when, the stage and the CV links. */
static void app_summary(req *r, buf *b, const offerapi_application *a)
{
	char day[DATE_STR_MAX], at[DATE_STR_MAX];
	date_str(r, day, sizeof day, a->created_at);
	date_str(r, at, sizeof at, a->stage_at);
	buf_puts(b, "<h1>");
	buf_esc(b, a->candidate_name);
	buf_printf(b, "</h1><p><a href=\"/offers/%lld/dashboard\">", (long long)a->offer_id);
	buf_esc(b, a->offer_title);
	buf_printf(b, "</a></p><dl class=\"facts\"><dt>%s</dt><dd>", T(r, "col.stage"));
	stage_badge(r, b, a->stage);
	buf_printf(b, " <small>%s</small>", at);
	if (a->reason != OFFERAPI_REASON_NONE) {
		buf_puts(b, "<br>");
		reason_html(r, b, a->reason, a->reason_text);
		buf_printf(b, " <small>(%s)</small>",
		           T(r, a->show_reason ? "app.reason_shown" : "app.reason_hidden"));
	}
	buf_printf(b, "</dd><dt>%s</dt><dd>", T(r, "col.login"));
	buf_esc(b, a->candidate_login);
	buf_printf(b, "</dd><dt>%s</dt><dd>", T(r, "col.email"));
	buf_esc(b, a->candidate_email[0] ? a->candidate_email : "-");
	buf_printf(b, "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", T(r, "col.applied"), day,
	           T(r, "col.cv"));
	buf_printf(b, "<a href=\"/applications/%lld/cv.pdf\">PDF</a> · ", (long long)a->id);
	buf_printf(b, "<a href=\"/applications/%lld/cv.txt\">%s</a></dd></dl>", (long long)a->id,
	           T(r, "dash.text"));
}

/* The answers, then every score with its explanation. */
static void app_answers_scores(req *r, buf *b, const offerapi_application *a)
{
	buf_printf(b, "<section><h2>%s</h2>", T(r, "col.answers"));
	if (!a->nanswers)
		buf_printf(b, "<p class=\"empty\">%s</p>", T(r, "app.no_answers"));
	answers_html(b, a, "<br>");
	buf_printf(b, "</section><section><h2>%s</h2>", T(r, "app.scores"));
	if (!a->nscores)
		buf_printf(b, "<p class=\"empty\">%s</p>", T(r, "app.no_scores"));
	for (size_t k = 0; k < a->nscores; k++) {
		char v[16];
		num_str(r, v, sizeof v, a->scores[k].score, 2);
		buf_puts(b, "<h3>");
		buf_esc(b, scorer_label(r, a->scores[k].scorer));
		buf_printf(b, "%s%s</h3><div class=\"expl\">", colon(r), v);
		explain_html(r->lang, b, a->scores[k].explanation);
		buf_puts(b, "</div>");
	}
	buf_puts(b, "</section>");
}

static void app_history(req *r, buf *b, const offerapi_stage_history *h)
{
	buf_printf(b, "<section id=\"history\"><h2>%s</h2><ol class=\"history\">",
	           T(r, "app.history"));
	for (size_t i = 0; i < h->count; i++) {
		const offerapi_stage_event *e = &h->items[i];
		char at[DATE_STR_MAX];
		date_str(r, at, sizeof at, e->created_at);
		buf_printf(b, "<li>%s%s", at, colon(r));
		stage_badge(r, b, e->from);
		buf_puts(b, " → ");
		stage_badge(r, b, e->to);
		buf_puts(b, " <small>");
		buf_esc(b, *e->actor_name ? e->actor_name : T(r, "offer.former_recruiter"));
		buf_puts(b, "</small>");
		if (e->reason != OFFERAPI_REASON_NONE) {
			buf_puts(b, "<br>");
			reason_html(r, b, e->reason, e->reason_text);
		}
		buf_puts(b, "</li>");
	}
	if (!h->count)
		buf_printf(b, "<li>%s</li>", T(r, "app.history_none"));
	buf_puts(b, "</ol></section>");
}

/* One button moving application @a to @to (from its current stage). */
static void stage_button(req *r, buf *b, const offerapi_application *a, offerapi_stage to)
{
	char key[32];
	snprintf(key, sizeof key, "act.%s", offerapi_stage_name(to));
	buf_printf(b, "<form method=\"post\" class=\"inline\" action=\"/applications/%lld/stage\">",
	           (long long)a->id);
	hidden_csrf(r, b);
	buf_printf(b,
	           "<input type=\"hidden\" name=\"stage\" value=\"%s\">"
	           "<input type=\"hidden\" name=\"from\" value=\"%s\">"
	           "<button type=\"submit\">%s</button></form> ",
	           offerapi_stage_name(to), offerapi_stage_name(a->stage), T(r, key));
}

void reason_fields(req *r, buf *b, const char *id, offerapi_reject_reason selected, bool shown)
{
	buf_printf(b,
	           "<label for=\"%s-reason\">%s</label><select id=\"%s-reason\" name=\"reason\"%s>",
	           id, T(r, "app.reason"), id, selected == OFFERAPI_REASON_NONE ? " required" : "");
	for (int i = 1; i < OFFERAPI_NREASONS; i++) {
		char key[48];
		const char *name = offerapi_reject_reason_name((offerapi_reject_reason)i);
		snprintf(key, sizeof key, "reason.%s", name);
		buf_printf(b, "<option value=\"%s\"%s>%s</option>", name,
		           i == (int)selected ? " selected" : "", T(r, key));
	}
	buf_printf(b,
	           "</select><label for=\"%s-text\">%s</label>"
	           "<input id=\"%s-text\" name=\"reason_text\" type=\"text\" maxlength=\"%d\">"
	           "<label class=\"check\"><input type=\"checkbox\" name=\"show_reason\" "
	           "value=\"1\"%s> %s</label>",
	           id, T(r, "app.reason_text"), id, OFFERAPI_REASON_TEXT_MAX,
	           shown ? " checked" : "", T(r, "app.show_reason"));
}

/* The rejection form: a reason from the list, a text, whether it is shown. */
static void reject_form(req *r, buf *b, const offerapi_application *a)
{
	buf_printf(b, "<form method=\"post\" action=\"/applications/%lld/stage\">",
	           (long long)a->id);
	hidden_csrf(r, b);
	buf_printf(b,
	           "<input type=\"hidden\" name=\"stage\" value=\"rejected\">"
	           "<input type=\"hidden\" name=\"from\" value=\"%s\">"
	           "<fieldset><legend>%s</legend>",
	           offerapi_stage_name(a->stage), T(r, "act.rejected"));
	reason_fields(r, b, "reject", OFFERAPI_REASON_NONE, false);
	buf_printf(b, "<button type=\"submit\">%s</button></fieldset></form>",
	           T(r, "act.rejected"));
}

/* The moves the rules allow the recruiter from the current stage. */
static void app_actions(req *r, buf *b, const offerapi_application *a)
{
	if (!offerapi_stage_allowed(a->stage, OFFERAPI_STAGE_REJECTED, OFFERAPI_ROLE_RECRUITER))
		return; /* a final stage: no move */
	buf_printf(b, "<section id=\"actions\"><h2>%s</h2><fieldset><legend>%s</legend>",
	           T(r, "app.actions"), T(r, "app.move"));
	for (int to = OFFERAPI_STAGE_REVIEWED; to <= OFFERAPI_STAGE_HIRED; to++)
		if (offerapi_stage_allowed(a->stage, (offerapi_stage)to, OFFERAPI_ROLE_RECRUITER))
			stage_button(r, b, a, (offerapi_stage)to);
	buf_puts(b, "</fieldset>");
	reject_form(r, b, a);
	buf_puts(b, "</section>");
}

static void app_notes(req *r, buf *b, const offerapi_application *a, const offerapi_note_list *l)
{
	buf_printf(b, "<section id=\"notes\"><h2>%s</h2><p><small>%s</small></p>",
	           T(r, "app.notes"), T(r, "app.notes_private"));
	for (size_t i = 0; l && i < l->count; i++) {
		char at[DATE_STR_MAX];
		date_str(r, at, sizeof at, l->items[i].created_at);
		buf_printf(b, "<article class=\"note\"><p><small>%s · ", at);
		buf_esc(b, *l->items[i].author_name ? l->items[i].author_name
		                                    : T(r, "offer.former_recruiter"));
		buf_puts(b, "</small></p><p class=\"note-text\">");
		buf_esc(b, l->items[i].text);
		buf_puts(b, "</p></article>");
	}
	if (l && (l->prev || l->next))
		buf_puts(b, "<nav class=\"pager\">");
	if (l && l->prev) /* cursors are [A-Za-z0-9.-] (page.h) */
		buf_printf(
			b,
			"<a class=\"button secondary\" rel=\"prev\" href=\"/applications/%lld?notes=%s#notes\">%s</a> ",
			(long long)a->id, l->prev, T(r, "app.notes_newer"));
	if (l && l->next)
		buf_printf(
			b,
			"<a class=\"button secondary\" rel=\"next\" href=\"/applications/%lld?notes=%s#notes\">%s</a>",
			(long long)a->id, l->next, T(r, "app.notes_more"));
	if (l && (l->prev || l->next))
		buf_puts(b, "</nav>");
	buf_printf(b, "<form method=\"post\" action=\"/applications/%lld/notes\">",
	           (long long)a->id);
	hidden_csrf(r, b);
	buf_printf(b,
	           "<label for=\"note-text\">%s</label>"
	           "<textarea id=\"note-text\" name=\"text\" rows=\"4\" maxlength=\"%d\" required>"
	           "</textarea><button type=\"submit\">%s</button></form></section>",
	           T(r, "app.note_new"), OFFERAPI_NOTE_MAX, T(r, "app.note_add"));
}

/* GET /applications/{id}: the offer's recruiter only. */
void page_application(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	char cursor[OFFERAPI_CURSOR_MAX];
	int n = query_var(r, "notes", cursor, sizeof cursor);
	svc_detail d;
	int rc = n < -1 ? svc_fail(OFFERAPI_EINVAL, "err.bad_query")
	                : svc_detail_load(r, n > 0 ? cursor : NULL, &d);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	buf b;
	buf_init(&b, 16384);
	page_start(r, &b, d.app->candidate_name);
	app_summary(r, &b, d.app);
	app_actions(r, &b, d.app);
	app_history(r, &b, d.history);
	app_answers_scores(r, &b, d.app);
	app_notes(r, &b, d.app, d.notes);
	svc_detail_free(&d);
	page_send(r, 200, &b);
}

/* A refused move: the reason, and the stage the application is at. */
static void stage_refused(req *r, int rc)
{
	svc_detail d;
	if (rc != OFFERAPI_ECONFLICT || svc_detail_load(r, NULL, &d)) {
		page_fail(r, rc);
		return;
	}
	char msg[600];
	snprintf(msg, sizeof msg, "%s %s %s.", error_text(r, rc), T(r, "app.now_at"),
	         stage_label(r, d.app->stage));
	svc_detail_free(&d);
	page_error(r, 409, msg);
}

/* POST /applications/{id}/stage: stage, from, reason, reason_text,
 * show_reason; back to the page. */
void page_application_stage(req *r)
{
	if (!need_role(r, 0))
		return;
	form f;
	if (!page_form(r, &f, 0))
		return;
	const char *show = form_get(&f, "show_reason");
	svc_stage_in in = { form_get(&f, "stage"), form_get(&f, "reason"),
		            form_get(&f, "reason_text"), show && !strcmp(show, "1"),
		            form_get(&f, "from") };
	int rc = svc_stage_set(r, &in);
	form_free(&f);
	if (rc) {
		stage_refused(r, rc);
		return;
	}
	respond_redirectf(r, "/applications/%lld", (long long)r->id);
}

/* POST /applications/{id}/notes: text; back to the page's notes. */
void page_application_note(req *r)
{
	if (!need_role(r, 0))
		return;
	form f;
	if (!page_form(r, &f, 0))
		return;
	int rc = svc_note_add(r, form_get(&f, "text"), NULL);
	form_free(&f);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	respond_redirectf(r, "/applications/%lld#notes", (long long)r->id);
}

/* POST /me/applications/{id}/withdraw: the candidate's button. */
void page_withdraw(req *r)
{
	if (need_role(r, 0))
		page_button_post(r, svc_withdraw, "/me/applications?withdrawn=1");
}
