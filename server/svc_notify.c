/*
 * svc_notify.c - notifications people control (issue 13): the candidate's
 * stage e-mail setting, and the one-click unsubscribe links of
 * notification e-mails. One service for the pages and the API; the rules
 * are the library's (offerapi/mail.h). The recruiter's per-offer setting
 * is an offer field (svc_offer.c).
 */
#include "app.h"
#include "svc.h"

int svc_notify_get(req *r, bool *stages)
{
	int rc = svc_require(r, 0);
	return rc ? rc : offerapi_notify_stages_get(r->app->store, r->user->id, stages);
}

int svc_notify_set(req *r, bool stages)
{
	int rc = svc_require(r, 0);
	return rc ? rc : offerapi_notify_stages_set(r->app->store, r->user, stages);
}

int svc_unsubscribe(req *r, const char *token, bool apply, offerapi_unsubscribe **out)
{
	*out = NULL;
	if (!token || !*token)
		return svc_fail(OFFERAPI_EINVAL, "err.unsub_token");
	int rc = apply ? offerapi_unsubscribe_apply(r->app->store, token, out)
	               : offerapi_unsubscribe_peek(r->app->store, token, out);
	if (rc == OFFERAPI_EINVAL)
		return svc_fail(rc, "err.unsub_token");
	if (rc == OFFERAPI_ENOTFOUND)
		return svc_fail(rc, "err.unsub_unknown");
	return rc;
}
