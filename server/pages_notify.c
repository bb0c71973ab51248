/*
 * pages_notify.c - the notification settings page (/me/notifications) and
 * the one-click unsubscribe page (/unsubscribe) that notification e-mails
 * link to (issue 13).
 *
 * GET /unsubscribe only shows what the link would turn off and a button:
 * mail scanners fetch links, so a GET changes nothing. POST /unsubscribe
 * (the button, or a mail system following RFC 8058's List-Unsubscribe-Post)
 * needs no session and no CSRF token: the link's token is the proof, and
 * it can turn off one setting of one account, nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "pages.h"

/* ---- GET/POST /me/notifications ------------------------------------------------------------- */

static void notify_page(req *r, bool stages)
{
	buf b;
	if (r->user->role != OFFERAPI_ROLE_CANDIDATE) {
		/* a recruiter's settings are per offer, in each offer's form */
		page_open(r, &b, 4096, "notify.title", "notify.recruiter", true);
	} else {
		form_page_start(r, &b, T(r, "notify.title"), NULL, NULL, "/me/notifications");
		alert_done(r, &b, "saved=1", "notify.saved");
		buf_printf(&b,
		           "<input type=\"hidden\" name=\"set\" value=\"1\">"
		           "<label class=\"check\"><input type=\"checkbox\" id=\"f-stage_emails\" "
		           "name=\"stage_emails\" value=\"1\"%s> %s</label>"
		           "<button type=\"submit\">%s</button></form>",
		           stages ? " checked" : "", T(r, "notify.stages"), T(r, "notify.save"));
	}
	buf_printf(&b, "<p>%s</p></section>", T(r, "notify.always"));
	page_send(r, 200, &b);
}

void page_my_notifications(req *r)
{
	if (!need_role(r, 0))
		return;
	bool stages = true;
	int rc = svc_notify_get(r, &stages);
	if (rc)
		page_fail(r, rc);
	else
		notify_page(r, stages);
}

void page_my_notifications_post(req *r)
{
	form f;
	if (!page_form_as(r, &f, 0, 0))
		return;
	/* an unchecked box sends nothing: "set" tells the form was sent */
	int rc = form_get(&f, "set") ? svc_notify_set(r, form_get(&f, "stage_emails") != NULL)
	                             : svc_fail(OFFERAPI_EINVAL, "err.bad_form");
	form_free(&f);
	if (rc)
		page_fail(r, rc);
	else
		respond_redirect(r, "/me/notifications?saved=1");
}

/* ---- GET/POST /unsubscribe ------------------------------------------------------------------ */

/* The link's token (?t=): at most 64 bytes (the library wants 64 hex
 * digits); "" when absent or longer. */
static const char *unsub_token(req *r, char dst[65])
{
	if (query_var(r, "t", dst, 65) <= 0)
		dst[0] = '\0';
	return dst;
}

/* What @u turns off, in the reader's words. */
static void unsub_what(req *r, buf *b, const offerapi_unsubscribe *u)
{
	buf_puts(b, "<p><strong>");
	if (u->kind == OFFERAPI_UNSUBSCRIBE_OFFER) {
		buf_esc(b, T(r, "unsub.offer"));
		buf_puts(b, " « ");
		buf_esc(b, u->offer_title ? u->offer_title : "");
		buf_puts(b, " »");
	} else {
		buf_esc(b, T(r, u->kind == OFFERAPI_UNSUBSCRIBE_STAGES ? "unsub.stages"
		                                                       : "unsub.digest"));
	}
	buf_puts(b, "</strong></p>");
}

/* A link that does not work: 400 for a cut or malformed one (a link is
 * no form: no 422), 404 for an unknown one, with the reason. */
static void unsub_fail(req *r, int rc)
{
	http_error e;
	http_error_for(r, rc, false, &e);
	page_error(r, e.status == 422 ? 400 : e.status, e.message);
}

void page_unsubscribe(req *r)
{
	char tb[65];
	const char *token = unsub_token(r, tb);
	offerapi_unsubscribe *u = NULL;
	int rc = svc_unsubscribe(r, token, false, &u);
	if (rc) {
		unsub_fail(r, rc);
		return;
	}
	buf b;
	page_open(r, &b, 4096, "unsub.title", "unsub.confirm", true);
	unsub_what(r, &b, u);
	if (!u->was_on)
		alert(r, &b, "ok", T(r, "unsub.already"));
	/* the token rides in the action, as in the List-Unsubscribe link */
	buf_puts(&b, "<form method=\"post\" action=\"/unsubscribe?t=");
	buf_esc(&b, token);
	buf_printf(&b,
	           "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
	           "<button type=\"submit\">%s</button></form>"
	           "<p><a href=\"/me/notifications\">%s</a></p></section>",
	           T(r, "unsub.go"), T(r, "unsub.settings"));
	offerapi_unsubscribe_free(u);
	page_send(r, 200, &b);
}

void page_unsubscribe_post(req *r)
{
	form f;
	/* the body ("List-Unsubscribe=One-Click", or none) is read and bounded,
	 * not needed: the token is in the link */
	int frc = form_parse(r, &f, 0, r->app->cfg.max_body);
	form_free(&f);
	if (frc == 413 || frc == 408) {
		page_error(r, frc, T(r, frc == 413 ? "err.form_too_big" : "err.body_timeout"));
		return;
	}
	char tb[65];
	offerapi_unsubscribe *u = NULL;
	int rc = svc_unsubscribe(r, unsub_token(r, tb), true, &u);
	if (rc) {
		unsub_fail(r, rc);
		return;
	}
	buf b;
	page_open(r, &b, 4096, "unsub.done_title", NULL, true);
	alert(r, &b, "ok", T(r, "unsub.done"));
	unsub_what(r, &b, u);
	buf_printf(&b, "<p><a href=\"/me/notifications\">%s</a></p></section>",
	           T(r, "unsub.settings"));
	offerapi_unsubscribe_free(u);
	page_send(r, 200, &b);
}
