/*
 * svc_stage.c - an application's stage, its history and the recruiter's
 * notes: one service for the pages and the API (the rules are the
 * library's, offerapi/application.h).
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "svc.h"

int svc_reason_fill(offerapi_stage_change *ch, const char *reason, const char *text, bool shown)
{
	int rc;
	if (reason && *reason && (rc = offerapi_reject_reason_parse(&ch->reason, reason)) < 0)
		return rc;
	/* a form sends every field: an empty text is no text */
	ch->reason_text = text && *text ? text : NULL;
	ch->show_reason = shown;
	return 0;
}

/* The change @in names, into @ch. */
static int change_of(const svc_stage_in *in, offerapi_stage_change *ch)
{
	int rc;
	*ch = (offerapi_stage_change)OFFERAPI_STAGE_CHANGE_INIT;
	if (!in->stage || !*in->stage)
		return svc_fail(OFFERAPI_EINVAL, "err.stage_missing");
	if ((rc = offerapi_stage_parse(&ch->stage, in->stage)) < 0)
		return rc;
	if (in->from && *in->from) {
		ch->check_from = 1;
		if (offerapi_stage_parse(&ch->from, in->from) < 0)
			return svc_fail(OFFERAPI_EINVAL, "err.stage_from");
	}
	return svc_reason_fill(ch, in->reason, in->reason_text, in->show_reason);
}

int svc_stage_set(req *r, const svc_stage_in *in)
{
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	offerapi_stage_change ch;
	if ((rc = change_of(in, &ch)) < 0)
		return rc;
	return offerapi_application_set_stage(r->app->store, r->user, r->id, &ch);
}

int svc_stage_many(req *r, const svc_stage_in *in, const offerapi_id *ids, size_t n, size_t *moved,
                   size_t *bad)
{
	*moved = 0;
	*bad = n;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc)
		return rc;
	offerapi_stage_change ch;
	if ((rc = change_of(in, &ch)) < 0)
		return rc;
	return offerapi_application_set_stage_many(r->app->store, r->user, r->id, ids, n, &ch,
	                                           moved, bad);
}

int svc_withdraw(req *r)
{
	int rc = svc_require(r, OFFERAPI_ROLE_CANDIDATE);
	return rc ? rc : offerapi_application_withdraw(r->app->store, r->user, r->id);
}

int svc_detail_load(req *r, const char *notes_cursor, svc_detail *d)
{
	memset(d, 0, sizeof *d);
	int rc = svc_require(r, 0);
	if (rc)
		return rc;
	rc = offerapi_application_get(r->app->store, r->user, r->id, &d->app);
	if (rc == 0)
		rc = offerapi_application_history(r->app->store, r->user, r->id, &d->history);
	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.cursor = notes_cursor;
	if (rc == 0 && r->user->role == OFFERAPI_ROLE_RECRUITER)
		rc = offerapi_application_note_list(r->app->store, r->user, r->id, &page,
		                                    &d->notes);
	if (rc == 0)
		rc = svc_access(r, r->id, OFFERAPI_ACCESS_APPLICATION, NULL);
	if (rc)
		svc_detail_free(d);
	return rc;
}

void svc_detail_free(svc_detail *d)
{
	offerapi_application_free(d->app);
	offerapi_stage_history_free(d->history);
	offerapi_note_list_free(d->notes);
	memset(d, 0, sizeof *d);
}

int svc_note_add(req *r, const char *text, offerapi_id *out)
{
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc)
		return rc;
	if (!text || !*text)
		return svc_fail(OFFERAPI_EINVAL, "err.note_missing");
	return offerapi_application_note_add(r->app->store, r->user, r->id, text, out);
}

int svc_notes(req *r, const offerapi_page *page, offerapi_note_list **out)
{
	*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	return rc ? rc : offerapi_application_note_list(r->app->store, r->user, r->id, page, out);
}
