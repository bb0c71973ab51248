/*
 * offerapi/offerapi.h - the umbrella header of libofferapi.
 *
 * #include <offerapi/offerapi.h> and link with `pkg-config --libs offerapi`.
 * See docs/ for the error convention, threading rules and the plugin ABI.
 */
#ifndef OFFERAPI_OFFERAPI_H
#define OFFERAPI_OFFERAPI_H

#include "common.h"
#include "errors.h"
#include "cv.h"
#include "store.h"
#include "user.h"
#include "page.h"
#include "offer.h"
#include "application.h"
#include "dashboard.h"
#include "scorer.h"
#include "scorers.h"
#include "scoring.h"
#include "jobs.h"
#include "throttle.h"
#include "mail.h"
#include "idempotency.h"
#include "export.h"
#include "token.h"
#include "webhook.h"
#include "access.h"
#include "retention.h"

#endif
