/*
 * webhooks_internal.h - what webhooks.c shares with the rest of the library.
 */
#ifndef OFFERAPI_WEBHOOKS_INTERNAL_H
#define OFFERAPI_WEBHOOKS_INTERNAL_H

#include "db.h"
#include "offerapi/webhook.h"

/* Queue @event (one offerapi_event bit) on offer @offer_id for every
 * endpoint of its recruiter that wants it, on @c inside the caller's
 * transaction: application @app_id (0 for offer.closed), its stage @to
 * (application.created) or its move @from -> @to (stage_changed). The
 * caller calls store_jobs_signal() after its commit. */
int webhook_event_tx(db_conn *c, unsigned event, offerapi_id offer_id, offerapi_id app_id,
                     const char *from, const char *to);

#endif
