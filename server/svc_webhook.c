/*
 * svc_webhook.c - a recruiter's webhook endpoints and their delivery log:
 * one service for the pages and the API (offerapi/webhook.h).
 */
#include "app.h"
#include "svc.h"

int svc_webhooks(req *r, const offerapi_page *page, offerapi_webhook_list **out)
{
	*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc)
		return rc;
	return page ? offerapi_webhook_list_page(r->app->store, r->user->id, page, out)
	            : offerapi_webhook_list_user(r->app->store, r->user->id, out);
}

int svc_webhook_create(req *r, const char *url, const char *const *events, size_t nevents,
                       char secret[OFFERAPI_WEBHOOK_SECRET_SIZE], offerapi_id *id)
{
	secret[0] = '\0';
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc)
		return rc;
	unsigned bits = 0;
	for (size_t i = 0; i < nevents; i++) {
		unsigned bit;
		if ((rc = offerapi_event_parse(events[i], &bit)) < 0)
			return rc;
		bits |= bit;
	}
	rc = offerapi_webhook_create(r->app->store, r->user, url ? url : "", bits, secret, id);
	return rc == OFFERAPI_ETOOBIG ? svc_fail(OFFERAPI_ECONFLICT, "err.webhook_many") : rc;
}

int svc_webhook_delete(req *r)
{
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = offerapi_webhook_delete(r->app->store, r->user->id, r->id);
	return rc == OFFERAPI_ENOTFOUND ? svc_fail(rc, "err.no_webhook") : rc;
}

int svc_webhook_test(req *r)
{
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = offerapi_webhook_test(r->app->store, r->user->id, r->id);
	return rc == OFFERAPI_ENOTFOUND ? svc_fail(rc, "err.no_webhook") : rc;
}

int svc_webhook_deliveries(req *r, const offerapi_page *page, offerapi_delivery_list **out)
{
	*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc == 0)
		rc = offerapi_webhook_deliveries_page(r->app->store, r->user->id, r->id, page, out);
	return rc == OFFERAPI_ENOTFOUND ? svc_fail(rc, "err.no_webhook") : rc;
}
