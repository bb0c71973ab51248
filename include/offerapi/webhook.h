/*
 * offerapi/webhook.h - webhooks: a recruiter's programs told of events.
 *
 * A recruiter registers endpoints (an HTTPS URL and the events it wants).
 * An event on one of their offers writes one delivery per endpoint that
 * wants it, in the SAME transaction as the change, into a durable queue. A
 * sender (threads of a server) claims deliveries as mail senders claim
 * messages (mail.h): a lease, bounded attempts with exponential backoff and
 * jitter, a terminal "failed" state; it POSTs the event and records the
 * answer in the endpoint's delivery log. Delivery is at least once: a
 * receiver recognises a repeat by its webhook-id.
 *
 * Each request follows the Standard Webhooks convention:
 *
 *     POST <url>
 *     content-type: application/json
 *     webhook-id: msg_<delivery id>
 *     webhook-timestamp: <Unix seconds of this attempt>
 *     webhook-signature: v1,<base64 of HMAC-SHA256(key, id "." timestamp "." body)>
 *
 * where key is the base64-decoded part of the endpoint's secret after
 * "whsec_". The body is {"type": EVENT, "created_at": SECONDS, "data":
 * {...}} with ids and stages only, never a name, an address or a CV: the
 * receiver reads what it needs through the API with its own token.
 *
 *   event                          data
 *   application.created            offer_id, application_id, stage
 *   application.stage_changed      offer_id, application_id, from, to
 *   offer.closed                   offer_id
 *   ping (offerapi_webhook_test)   endpoint_id
 *
 * Only a 2xx answer is a delivery; redirects are not followed. Finished
 * deliveries are kept 30 days for the log, then deleted. Unless the
 * sender is told otherwise (tests, a private network), it refuses to
 * connect to loopback, private, link-local and other non-public addresses,
 * whatever the name resolves to when it connects (no server-side request
 * forgery through DNS).
 */
#ifndef OFFERAPI_WEBHOOK_H
#define OFFERAPI_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "page.h"
#include "jobs.h"
#include "store.h"
#include "user.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Events, as bits of an endpoint's subscription. */
typedef enum offerapi_event {
	OFFERAPI_EVENT_APPLICATION_CREATED = 1, /**< "application.created" */
	OFFERAPI_EVENT_STAGE_CHANGED = 2, /**< "application.stage_changed" */
	OFFERAPI_EVENT_OFFER_CLOSED = 4, /**< "offer.closed" */
} offerapi_event;

/** Every event. */
#define OFFERAPI_EVENT_ALL 7u
/** Longest endpoint URL, in bytes. */
#define OFFERAPI_WEBHOOK_URL_MAX 2000
/** Most endpoints one account may register. */
#define OFFERAPI_WEBHOOK_MAX 10
/** Size of a secret buffer: "whsec_", base64 of 24 bytes, a NUL. */
#define OFFERAPI_WEBHOOK_SECRET_SIZE 39

/** The name of one event bit ("offer.closed"...), or NULL. */
OFFERAPI_EXTERN const char *offerapi_event_name(unsigned event);
/** The bit of the event named @p name. @return 0 or OFFERAPI_EINVAL naming
 *  the value and the events allowed. */
OFFERAPI_EXTERN int offerapi_event_parse(const char *name, unsigned *event);

/** An endpoint as its owner sees it (the secret is shown once, at
 *  creation). */
typedef struct offerapi_webhook {
	offerapi_id id;
	char *url;
	unsigned events; /**< offerapi_event bits */
	int64_t created_at;
} offerapi_webhook;

/** An account's endpoints, newest first (created_at, then id). */
typedef struct offerapi_webhook_list {
	size_t count;
	offerapi_webhook *items;
	/* appended (offerapi_webhook_list_page()); the library allocates lists */
	char *next; /**< cursor of the page after (older endpoints); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< endpoints of the account with OFFERAPI_PAGE_TOTAL, else -1 */
} offerapi_webhook_list;

/**
 * Register an endpoint for recruiter @p user.
 * @param url     http:// or https://, a host, no user name or password, no
 *                fragment, at most OFFERAPI_WEBHOOK_URL_MAX bytes
 * @param events  a non-empty set of offerapi_event bits
 * @param secret  receives the signing secret ("whsec_" and base64): give it
 *                to the person once
 * @param id      receives the endpoint's id (may be NULL)
 * @return 0, OFFERAPI_EPERM (not a recruiter), OFFERAPI_EINVAL naming the
 *         field (url, events), OFFERAPI_ETOOBIG past OFFERAPI_WEBHOOK_MAX, or
 *         a database error.
 */
OFFERAPI_EXTERN int offerapi_webhook_create(offerapi_store *store, const offerapi_user *user,
                                            const char *url, unsigned events,
                                            char secret[OFFERAPI_WEBHOOK_SECRET_SIZE],
                                            offerapi_id *id);

/** Every endpoint of account @p user_id, newest first, in one list (next
 *  and prev NULL, total -1; free with offerapi_webhook_list_free()). */
OFFERAPI_EXTERN int offerapi_webhook_list_user(offerapi_store *store, offerapi_id user_id,
                                               offerapi_webhook_list **out);

/**
 * One page (offerapi/page.h) of the endpoints of account @p user_id,
 * newest first (created_at, then id); cursors are of kind "w".
 *
 * @param page  which page (NULL: the first of OFFERAPI_PAGE_DEFAULT)
 * @param out   receives the list (free with offerapi_webhook_list_free())
 * @return 0, OFFERAPI_EINVAL for a bad page or cursor (the message names
 *         the part at fault), or a database error.
 */
OFFERAPI_EXTERN int offerapi_webhook_list_page(offerapi_store *store, offerapi_id user_id,
                                               const offerapi_page *page,
                                               offerapi_webhook_list **out);

/** Free a list returned by offerapi_webhook_list_user() or
 *  offerapi_webhook_list_page(). NULL is ignored. */
OFFERAPI_EXTERN void offerapi_webhook_list_free(offerapi_webhook_list *list);

/** Remove endpoint @p id of account @p user_id with its deliveries.
 *  @return 0, OFFERAPI_ENOTFOUND or a database error. */
OFFERAPI_EXTERN int offerapi_webhook_delete(offerapi_store *store, offerapi_id user_id,
                                            offerapi_id id);

/** Queue a "ping" event to endpoint @p id of account @p user_id (the
 *  "send a test event" action). @return 0, OFFERAPI_ENOTFOUND or a
 *  database error. */
OFFERAPI_EXTERN int offerapi_webhook_test(offerapi_store *store, offerapi_id user_id,
                                          offerapi_id id);

/** Where a delivery stands. Values are stored: stable, only appended. */
typedef enum offerapi_delivery_state {
	OFFERAPI_DELIVERY_PENDING = 0, /**< waiting (maybe its backoff) */
	OFFERAPI_DELIVERY_SENDING = 1, /**< claimed by a sender, under a lease */
	OFFERAPI_DELIVERY_DONE = 2, /**< the receiver answered 2xx */
	OFFERAPI_DELIVERY_FAILED = 3, /**< every attempt failed: see last_error */
} offerapi_delivery_state;

/** "pending", "sending", "done", "failed" (static), or NULL. */
OFFERAPI_EXTERN const char *offerapi_delivery_state_name(offerapi_delivery_state state);

/** One delivery of the log. */
typedef struct offerapi_delivery {
	offerapi_id id; /**< the webhook-id is "msg_" and this */
	char *event; /**< the event's name */
	offerapi_delivery_state state;
	unsigned attempts;
	int last_status; /**< the last answer's HTTP status, 0 when none came */
	char *last_error; /**< why the last attempt failed, or NULL */
	int64_t created_at;
	int64_t finished_at; /**< 0 until done or failed */
} offerapi_delivery;

/** An endpoint's deliveries, newest first (created_at, then id). */
typedef struct offerapi_delivery_list {
	size_t count;
	offerapi_delivery *items;
	/* appended (offerapi_webhook_deliveries_page()); the library allocates lists */
	char *next; /**< cursor of the page after (older deliveries); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< deliveries of the endpoint with OFFERAPI_PAGE_TOTAL, else -1 */
} offerapi_delivery_list;

/** The last 50 deliveries to endpoint @p id of account @p user_id, newest
 *  first: the first page of 50 of offerapi_webhook_deliveries_page() (next
 *  is the cursor of older ones, if any). @return 0, OFFERAPI_ENOTFOUND or
 *  a database error. */
OFFERAPI_EXTERN int offerapi_webhook_deliveries(offerapi_store *store, offerapi_id user_id,
                                                offerapi_id id, offerapi_delivery_list **out);

/**
 * One page (offerapi/page.h) of the deliveries to endpoint @p id of
 * account @p user_id, newest first (created_at in ms, then id); cursors are
 * of kind "d".
 *
 * @param page  which page (NULL: the first of OFFERAPI_PAGE_DEFAULT)
 * @param out   receives the list (free with offerapi_delivery_list_free())
 * @return 0, OFFERAPI_EINVAL for a bad page or cursor (the message names
 *         the part at fault), OFFERAPI_ENOTFOUND (no such endpoint of that
 *         account, whatever the page), or a database error.
 */
OFFERAPI_EXTERN int offerapi_webhook_deliveries_page(offerapi_store *store, offerapi_id user_id,
                                                     offerapi_id id, const offerapi_page *page,
                                                     offerapi_delivery_list **out);

/** Free a list returned by offerapi_webhook_deliveries() or
 *  offerapi_webhook_deliveries_page(). NULL is ignored. */
OFFERAPI_EXTERN void offerapi_delivery_list_free(offerapi_delivery_list *list);

/** The sender's options (versioned as every option struct). */
typedef struct offerapi_webhook_sender_options {
	unsigned int version; /**< OFFERAPI_WEBHOOK_SENDER_OPTIONS_VERSION */
	unsigned int threads; /**< sender threads (default 1) */
	unsigned int timeout_s; /**< per request, connection included (default 10) */
	unsigned int poll_ms; /**< idle wait between claims (default 1000) */
	/** Connect to loopback and private addresses too (tests, a private
	 *  network); off by default. */
	bool allow_private;
	/** Lease, attempts (default 8) and backoff of deliveries (jobs.h). */
	offerapi_job_options jobs;
} offerapi_webhook_sender_options;

#define OFFERAPI_WEBHOOK_SENDER_OPTIONS_VERSION 1
#define OFFERAPI_WEBHOOK_SENDER_OPTIONS_INIT                                                       \
	{                                                                                          \
		OFFERAPI_WEBHOOK_SENDER_OPTIONS_VERSION, 0, 0, 0, false, OFFERAPI_JOB_OPTIONS_INIT \
	}

typedef struct offerapi_webhook_sender offerapi_webhook_sender;

/** Start the sender's threads. @return 0, OFFERAPI_EINVAL naming the
 *  option, or OFFERAPI_ERROR (a thread or libcurl would not start). */
OFFERAPI_EXTERN int offerapi_webhook_sender_start(offerapi_webhook_sender **out,
                                                  offerapi_store *store,
                                                  const offerapi_webhook_sender_options *opts);
/** Stop the threads (a request under way finishes or times out), join
 *  them and free. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_webhook_sender_free(offerapi_webhook_sender *ws);

#ifdef __cplusplus
}
#endif

#endif
