/*
 * offerapi/idempotency.h - requests made safe to retry (Idempotency-Key).
 *
 * A client that sends a request with a key of its choosing may send it
 * again (a timeout, a lost connection) without doing the thing twice: the
 * first request with a key records itself, its answer is stored when it is
 * done, and every later request with the same key gets that answer back
 * instead of running again. Keys are per user and live for
 * OFFERAPI_IDEM_TTL_S seconds after the first request.
 *
 * The flow, for the caller (the server):
 *
 *     rc = offerapi_idem_begin(store, user, key, fingerprint, now, &rec);
 *     OFFERAPI_IDEM_NEW       run the request, then offerapi_idem_finish()
 *                             with its answer (or offerapi_idem_abandon()
 *                             when it failed in a way a retry may fix)
 *     OFFERAPI_IDEM_REPLAY    answer with rec (status, content type,
 *                             Location, body) without running anything
 *     OFFERAPI_IDEM_MISMATCH  the key was used for another request (another
 *                             route, body or content type): refuse it
 *     OFFERAPI_IDEM_RUNNING   the first request is still running: refuse it
 *                             (a retry later gets its answer)
 *
 * The record goes in the table idempotency_keys, keyed by (user, key), so
 * two requests with one key racing on two servers are told apart by the
 * database's unique key: one begins, the other sees it running. A request
 * still "running" after OFFERAPI_IDEM_STALE_S (its process died before
 * finishing) is taken over by the next one with its key: the first may
 * have done its write, which is the one case where a retry can do it twice.
 */
#ifndef OFFERAPI_IDEMPOTENCY_H
#define OFFERAPI_IDEMPOTENCY_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How long a key is remembered: 24 hours. */
#define OFFERAPI_IDEM_TTL_S 86400
/** A request that has not finished after this long is taken over. */
#define OFFERAPI_IDEM_STALE_S 300
/** Longest key, in bytes (printable ASCII). */
#define OFFERAPI_IDEM_KEY_MAX 255
/** Largest stored answer body, in bytes: larger answers are not stored
 *  (offerapi_idem_finish() abandons the key instead). */
#define OFFERAPI_IDEM_BODY_MAX 65536

/** What offerapi_idem_begin() found (values >= 0). */
enum offerapi_idem_state {
	OFFERAPI_IDEM_NEW = 0, /**< recorded as running: run the request */
	OFFERAPI_IDEM_REPLAY = 1, /**< done before: answer with the record */
	OFFERAPI_IDEM_MISMATCH = 2, /**< the key belongs to another request */
	OFFERAPI_IDEM_RUNNING = 3 /**< the first request is still running */
};

/** A stored answer (OFFERAPI_IDEM_REPLAY). */
typedef struct offerapi_idem_record {
	int status; /**< HTTP status */
	char *content_type; /**< NULL when the answer had no body */
	char *location; /**< the Location header, or NULL */
	char *body; /**< NUL-terminated */
	size_t body_len;
	int64_t created_at; /**< Unix seconds of the first request */
} offerapi_idem_record;

/**
 * Look key @p key of user @p user_id up and, when it is new (or expired, or
 * stale), record it as running for the request @p fingerprint (a digest of
 * the method, path, content type and body, at most 128 bytes).
 * @param now  Unix seconds
 * @param out  with OFFERAPI_IDEM_REPLAY, the stored answer (free it with
 *             offerapi_idem_record_free()); else NULL
 * @return an offerapi_idem_state, OFFERAPI_EINVAL (an empty, too long or
 *         non-printable key or fingerprint), or a database error
 */
OFFERAPI_EXTERN int offerapi_idem_begin(offerapi_store *store, offerapi_id user_id, const char *key,
                                        const char *fingerprint, int64_t now,
                                        offerapi_idem_record **out);

/**
 * Store the answer of the request that began key @p key: later requests
 * with the key get it back. An answer over OFFERAPI_IDEM_BODY_MAX abandons
 * the key instead (OFFERAPI_ETOOBIG).
 * @param content_type  NULL for no body; @p location may be NULL
 * @return 0, OFFERAPI_ETOOBIG, OFFERAPI_ENOTFOUND (no running record), or
 *         a database error
 */
OFFERAPI_EXTERN int offerapi_idem_finish(offerapi_store *store, offerapi_id user_id,
                                         const char *key, int status, const char *content_type,
                                         const char *location, const void *body, size_t len);

/** Forget the running record of @p key (the request failed in a way a
 *  retry may fix: the retry runs again). 0 or a database error. */
OFFERAPI_EXTERN int offerapi_idem_abandon(offerapi_store *store, offerapi_id user_id,
                                          const char *key);

/** Delete the keys of every user that expired before @p now; the number
 *  deleted in @p deleted (may be NULL). 0 or a database error. */
OFFERAPI_EXTERN int offerapi_idem_purge(offerapi_store *store, int64_t now, int64_t *deleted);

/** Free a record. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_idem_record_free(offerapi_idem_record *rec);

#ifdef __cplusplus
}
#endif
#endif
