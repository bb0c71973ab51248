/*
 * svc_offer.c - publishing, editing, closing and reopening offers.
 */
#include "app.h"
#include "svc.h"

/* The stored offer after a change, when the caller wants it. */
static int reload(req *r, offerapi_id id, offerapi_offer **out)
{
	return out ? offerapi_offer_get(r->app->store, id, out) : 0;
}

int svc_offer_create(req *r, const offerapi_offer_fields *f, offerapi_id *id, offerapi_offer **out)
{
	if (out)
		*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = offerapi_offer_create(r->app->store, r->user, f, id);
	return rc ? rc : reload(r, *id, out);
}

int svc_offer_update_if(req *r, const offerapi_offer_fields *f, int64_t if_version,
                        offerapi_offer **out)
{
	if (out)
		*out = NULL;
	int applied = 0;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = offerapi_offer_update_if(r->app->store, r->user, r->id, f, if_version,
		                              &applied);
	if (rc == 0 && !applied)
		rc = svc_fail(SVC_ESTALE, "err.precondition");
	return rc ? rc : reload(r, r->id, out);
}

int svc_offer_update(req *r, const offerapi_offer_fields *f, offerapi_offer **out)
{
	return svc_offer_update_if(r, f, 0, out);
}

int svc_offer_set_open_if(req *r, int open, int64_t if_version, offerapi_offer **out)
{
	if (out)
		*out = NULL;
	int applied = 0;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = offerapi_offer_set_open_if(r->app->store, r->user, r->id, open, if_version,
		                                &applied);
	if (rc == OFFERAPI_ECLOSED && open) /* past its deadline */
		rc = svc_fail(OFFERAPI_ECLOSED, "err.reopen_deadline");
	if (rc == 0 && !applied)
		rc = svc_fail(SVC_ESTALE, "err.precondition");
	return rc ? rc : reload(r, r->id, out);
}

int svc_offer_close_rejecting(req *r, const char *reason, const char *reason_text, bool show_reason,
                              size_t *rejected, offerapi_offer **out)
{
	*rejected = 0;
	if (out)
		*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc)
		return rc;
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REJECTED;
	if ((rc = svc_reason_fill(&ch, reason, reason_text, show_reason)) < 0)
		return rc;
	rc = offerapi_offer_close_rejecting(r->app->store, r->user, r->id, &ch, rejected);
	return rc ? rc : reload(r, r->id, out);
}

int svc_offer_archive_if(req *r, int64_t if_version)
{
	int applied = 0;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = offerapi_offer_archive(r->app->store, r->user, r->id, if_version, &applied);
	if (rc == 0 && !applied)
		rc = svc_fail(SVC_ESTALE, "err.precondition");
	return rc;
}

int svc_offer_set_open(req *r, int open, offerapi_offer **out)
{
	return svc_offer_set_open_if(r, open, 0, out);
}

int svc_offer_own(req *r, offerapi_offer **out)
{
	*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = offerapi_offer_get(r->app->store, r->id, out);
	if (rc == 0 && (*out)->recruiter_id != r->user->id) {
		offerapi_offer_free(*out);
		*out = NULL;
		rc = svc_fail(OFFERAPI_EPERM, "err.not_yours");
	}
	return rc;
}
