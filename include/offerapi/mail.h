/*
 * offerapi/mail.h - the mail outbox and its sender (issue 13).
 *
 * A change that causes a message (an account given an address, a password
 * reset asked for, an application received) writes the message into table
 * outbox in the SAME transaction: either both are stored, or neither. A
 * sender (threads of a server, or of offerapi-worker) then claims messages
 * exactly as workers claim scoring jobs (jobs.h): a lease, bounded attempts
 * with exponential backoff and jitter, a terminal "failed" state. It
 * renders each one (offerapi_mail_render(): MIME, UTF-8, plain text and
 * HTML, in the recipient's language) and hands it to an SMTP relay with
 * libcurl, or, with no relay configured, logs that it would have sent it
 * and marks it "logged".
 *
 *     offerapi_mail_sender_options o = OFFERAPI_MAIL_SENDER_OPTIONS_INIT;
 *     o.smtp_url = "smtp://relay.example.org:587";  // NULL: log only
 *     o.from = "jobs@example.org";
 *     o.base_url = "https://jobs.example.org";      // links in messages
 *     offerapi_mail_sender *ms;
 *     offerapi_mail_sender_start(&ms, store, &o);
 *     ...
 *     offerapi_mail_sender_free(ms);               // stops, joins
 *
 * Delivery is at least once: a sender that dies after the relay accepted a
 * message but before it recorded so sends it again once its lease expires.
 * Every attempt of one message carries the same Message-ID, so mail systems
 * can recognise the copy. A message that carries a secret (a verification
 * or reset link) has its fields emptied once it is sent or failed.
 *
 * Threads: every function may be called from any thread on a shared store.
 * Records returned through **out belong to the caller (free them with the
 * matching _free).
 */
#ifndef OFFERAPI_MAIL_H
#define OFFERAPI_MAIL_H

#include <stdbool.h>

#include "common.h"
#include "store.h"
#include "jobs.h"
#include "user.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a message stands. Values are stored: stable, only appended. */
typedef enum offerapi_mail_state {
	OFFERAPI_MAIL_PENDING = 0, /**< waiting for a sender (maybe its backoff) */
	OFFERAPI_MAIL_SENDING = 1, /**< claimed by a sender, under a lease */
	OFFERAPI_MAIL_SENT = 2, /**< accepted by the relay */
	OFFERAPI_MAIL_FAILED = 3, /**< every attempt failed: see last_error */
	OFFERAPI_MAIL_LOGGED = 4 /**< no relay configured: logged, not sent */
} offerapi_mail_state;

/** Number of states (for arrays indexed by state). */
#define OFFERAPI_MAIL_NSTATES 5

/** "pending", "sending", "sent", "failed", "logged" (static), or NULL. */
OFFERAPI_EXTERN const char *offerapi_mail_state_name(offerapi_mail_state state);

/** A claimed message. Free it with offerapi_mail_free(). */
typedef struct offerapi_mail {
	offerapi_id id; /**< the outbox row */
	char *kind; /**< "verify-email", "password-reset", "stage-interview",
		       "stage-offer", "stage-hired", "stage-rejected",
		       "stage-rejected-reason", "application-withdrawn" */
	char *recipient; /**< the address */
	char *lang; /**< "fr" or "en" */
	char *params; /**< the template's fields: a JSON object */
	unsigned int attempt; /**< 1 for the first claim, ... */
	int64_t enqueued_ms; /**< Unix ms it was written */
	int64_t claimed_until_ms; /**< Unix ms the lease ends */
	int64_t token; /**< identifies this claim: the library's */
} offerapi_mail;

/**
 * Claim the next message ready to go (its backoff passed), oldest first.
 * Also turns back to pending, at most once a second per store, messages
 * whose sender's lease expired (or fails them when their attempts are used
 * up). Options are those of jobs (lease_s, max_attempts, backoff).
 * @param worker  a name stored with the claim (at most 128 bytes) or NULL
 * @param out     receives the message, or NULL when none is ready
 * @return 0, OFFERAPI_EINVAL or a database error
 */
OFFERAPI_EXTERN int offerapi_mail_claim(offerapi_store *store, const char *worker,
                                        const offerapi_job_options *opts, offerapi_mail **out);

/** Free a message. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_mail_free(offerapi_mail *mail);

/**
 * Record a claimed message as sent (@p logged false) or logged only (true),
 * if the claim is still this one; its fields are emptied.
 * @param out_latency_s  may be NULL; seconds from writing to sending
 * @return 0, OFFERAPI_ENOTFOUND (the claim was lost), or a database error
 */
OFFERAPI_EXTERN int offerapi_mail_done(offerapi_store *store, const offerapi_mail *mail,
                                       bool logged, double *out_latency_s);

/**
 * Record a failed attempt: pending again after the backoff, or failed for
 * good on the last attempt (its fields then emptied). @p error (one line,
 * at most 2000 bytes kept) must not contain secrets.
 * @return 0, OFFERAPI_ENOTFOUND (claim lost), OFFERAPI_EINVAL or a
 *         database error
 */
OFFERAPI_EXTERN int offerapi_mail_fail(offerapi_store *store, const offerapi_mail *mail,
                                       const char *error, const offerapi_job_options *opts,
                                       offerapi_mail_state *out_state, int64_t *out_retry_ms);

/** Give a claimed message back unsent (shutdown): pending at once, the
 *  attempt not counted. @return 0, OFFERAPI_ENOTFOUND or a database error */
OFFERAPI_EXTERN int offerapi_mail_release(offerapi_store *store, const offerapi_mail *mail);

/** The outbox at a glance, for metrics. */
typedef struct offerapi_mail_stats {
	int64_t count[OFFERAPI_MAIL_NSTATES]; /**< messages in each state */
	double oldest_pending_s; /**< age of the oldest pending message; 0: none */
} offerapi_mail_stats;

/** Count the messages by state (one query over an index).
 *  @return 0 or a database error */
OFFERAPI_EXTERN int offerapi_mail_stats_get(offerapi_store *store, offerapi_mail_stats *out);

/** The state of message @p id and its attempts (for operators and tests).
 *  @return 0, OFFERAPI_ENOTFOUND or a database error */
OFFERAPI_EXTERN int offerapi_mail_state_get(offerapi_store *store, offerapi_id id,
                                            offerapi_mail_state *out_state,
                                            unsigned int *out_attempts);

/* ---- rendering ---- */

/** Version of offerapi_mail_site; set .version to this. */
#define OFFERAPI_MAIL_SITE_VERSION 1

/** What every message says about the site that sends it. */
typedef struct offerapi_mail_site {
	unsigned int version; /**< OFFERAPI_MAIL_SITE_VERSION */
	/** The address messages come from (an address as
	 *  offerapi_email_normalize() accepts). Required. */
	const char *from;
	/** A display name for From (UTF-8, encoded as RFC 2047 needs); NULL:
	 *  "OffreAPI". */
	const char *from_name;
	/** The site's public URL, without a trailing '/', for the links
	 *  ("https://jobs.example.org"). Required: http:// or https://. */
	const char *base_url;
} offerapi_mail_site;

/**
 * Render message @p mail as a complete RFC 5322 message (CRLF line ends):
 * From, To, Subject (RFC 2047 encoded when not ASCII), Date, a Message-ID
 * stable for the outbox row, MIME-Version, Content-Language,
 * Auto-Submitted, List-Unsubscribe on notifications, and a
 * multipart/alternative body of text/plain and text/html parts in UTF-8
 * (base64), in the message's language.
 * @param out      receives the text (free() it), NUL-terminated
 * @param out_len  may be NULL; receives its length
 * @return 0; OFFERAPI_EINVAL (an unknown kind, bad fields or site);
 *         OFFERAPI_ENOMEM
 */
OFFERAPI_EXTERN int offerapi_mail_render(const offerapi_mail *mail, const offerapi_mail_site *site,
                                         char **out, size_t *out_len);

/** The subject of @p mail as rendered (UTF-8, not encoded), for logs.
 *  @return 0 or OFFERAPI_EINVAL (unknown kind) */
OFFERAPI_EXTERN int offerapi_mail_subject(const offerapi_mail *mail, char *out, size_t outsz);

/* ---- the sender ---- */

/** What became of a message a sender handled. */
typedef enum offerapi_mail_result {
	OFFERAPI_MAIL_RESULT_SENT = 0, /**< accepted by the relay */
	OFFERAPI_MAIL_RESULT_LOGGED = 1, /**< no relay: logged */
	OFFERAPI_MAIL_RESULT_RETRYING = 2, /**< failed; pending again after its backoff */
	OFFERAPI_MAIL_RESULT_GAVE_UP = 3, /**< failed on its last attempt: failed */
	OFFERAPI_MAIL_RESULT_RELEASED = 4, /**< given back unsent (shutdown) */
	OFFERAPI_MAIL_RESULT_UNRECORDED = 5 /**< the outcome could not be written: the
	                                         lease will expire, then it goes again */
} offerapi_mail_result;

/** A handled message, for the host's metrics and logs (strings borrowed
 *  for the callback). */
typedef struct offerapi_mail_report {
	offerapi_id mail_id;
	const char *kind;
	offerapi_mail_result result;
	unsigned int attempt;
	double send_s; /**< seconds talking to the relay (0 when not sent) */
	double latency_s; /**< SENT, LOGGED: from writing to done; else 0 */
	char message[512]; /**< "" on success; else one line (never a secret) */
} offerapi_mail_report;

/** Called on the sender's thread after each message handled. */
typedef void (*offerapi_mail_report_fn)(const offerapi_mail_report *report, void *payload);

/** Version of offerapi_mail_sender_options; set .version to this. */
#define OFFERAPI_MAIL_SENDER_OPTIONS_VERSION 1

/** How a sender works. A zero or NULL field takes its default. */
typedef struct offerapi_mail_sender_options {
	unsigned int version; /**< OFFERAPI_MAIL_SENDER_OPTIONS_VERSION */
	/** smtp://host[:port] (STARTTLS when the relay offers it; required
	 *  when credentials are given, unless the host is loopback) or
	 *  smtps://host[:port] (TLS from the start). No credentials in the
	 *  URL: they go below. NULL or "": no relay, messages are logged. */
	const char *smtp_url;
	const char *smtp_user; /**< NULL: no authentication */
	const char *smtp_password; /**< never logged */
	offerapi_mail_site site; /**< from, from_name, base_url */
	/** Seconds one delivery may take in all (default 30, at most 600). */
	unsigned int timeout_s;
	/** Threads (default 1, at most 16). */
	unsigned int threads;
	/** Idle poll period in ms (default 1000, 10 .. 60 000); a message
	 *  written by this process wakes the sender at once. */
	unsigned int poll_ms;
	/** A name stored with each claim; default "HOSTNAME:PID". At most 100
	 *  bytes. */
	const char *name;
	/** Lease, attempts and backoff; zero fields: lease 120 s, 8
	 *  attempts, backoff from 30 s doubling up to 15 min. */
	offerapi_job_options jobs;
	offerapi_mail_report_fn on_report; /**< may be NULL */
	void *payload; /**< given to on_report */
} offerapi_mail_sender_options;

/** Initialiser giving every default. */
#define OFFERAPI_MAIL_SENDER_OPTIONS_INIT                                                          \
	{                                                                                          \
		OFFERAPI_MAIL_SENDER_OPTIONS_VERSION, NULL, NULL, NULL,                            \
			{ OFFERAPI_MAIL_SITE_VERSION, NULL, NULL, NULL }, 0, 0, 0, NULL,           \
			OFFERAPI_JOB_OPTIONS_INIT, NULL, NULL                                      \
	}

/** A running sender. */
typedef struct offerapi_mail_sender offerapi_mail_sender;

/**
 * Check the options and start the sender's threads. @p store must outlive
 * the sender. The options' strings are copied.
 * @return 0; OFFERAPI_EINVAL (the message names the option at fault: a bad
 *         URL, credentials in the URL, a bad From or base URL...);
 *         OFFERAPI_ENOMEM or OFFERAPI_ERROR (a thread could not start)
 */
OFFERAPI_EXTERN int offerapi_mail_sender_start(offerapi_mail_sender **out, offerapi_store *store,
                                               const offerapi_mail_sender_options *opts);

/** Stop and join the sender's threads (a delivery in progress finishes,
 *  bounded by timeout_s) and free it. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_mail_sender_free(offerapi_mail_sender *sender);

/** Check sender options without starting anything (for a host's
 *  configuration check). @return 0 or OFFERAPI_EINVAL */
OFFERAPI_EXTERN int offerapi_mail_sender_check(const offerapi_mail_sender_options *opts);

/* ---- notifications people control ---- */

/*
 * Notification e-mails (a candidate's stage changes, a recruiter's new
 * applications and withdrawals) follow settings their recipient controls:
 * users.notify_stages for the candidate, offers.notify (offer.h) for the
 * recruiter. The setting is read in the transaction that writes the change
 * and its message, so a message is written exactly when the setting was on
 * at that moment. Each such message carries a one-click unsubscribe link
 * (RFC 8058): a random token whose SHA-256 alone is stored, bound to one
 * (account, kind, offer); it can turn off that one setting and nothing
 * else.
 */

/** The candidate's setting: e-mail on each stage change of their
 *  applications (default on). @return 0, OFFERAPI_ENOTFOUND or a database
 *  error */
OFFERAPI_EXTERN int offerapi_notify_stages_get(offerapi_store *store, offerapi_id user_id,
                                               bool *out_on);

/** Set @p actor's own stage e-mail setting.
 *  @return 0, OFFERAPI_EPERM (no actor) or a database error */
OFFERAPI_EXTERN int offerapi_notify_stages_set(offerapi_store *store, const offerapi_user *actor,
                                               bool on);

/** What an unsubscribe token turns off. */
typedef enum offerapi_unsubscribe_kind {
	OFFERAPI_UNSUBSCRIBE_STAGES = 1, /**< the candidate's stage e-mails */
	OFFERAPI_UNSUBSCRIBE_OFFER = 2, /**< the e-mails of one offer to its recruiter */
	OFFERAPI_UNSUBSCRIBE_DIGEST = 3 /**< the recruiter's daily digests: every offer
	                                     of theirs set to "daily" becomes "none" */
} offerapi_unsubscribe_kind;

/** What an unsubscribe token names. Free with offerapi_unsubscribe_free(). */
typedef struct offerapi_unsubscribe {
	offerapi_unsubscribe_kind kind;
	offerapi_id user_id;
	offerapi_id offer_id; /**< OFFERAPI_UNSUBSCRIBE_OFFER only, else 0 */
	char *offer_title; /**< OFFERAPI_UNSUBSCRIBE_OFFER only, else NULL */
	char lang[4]; /**< the account's language */
	bool was_on; /**< whether the setting was on before (apply) / is on (peek) */
} offerapi_unsubscribe;

/** Free it. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_unsubscribe_free(offerapi_unsubscribe *u);

/**
 * Read what @p token (from a message's unsubscribe link) would turn off,
 * changing nothing (for the confirmation page a GET shows).
 * @return 0; OFFERAPI_EINVAL (not a token's shape: field "t");
 *         OFFERAPI_ENOTFOUND (no such token, or its account or offer is
 *         gone); or a database error
 */
OFFERAPI_EXTERN int offerapi_unsubscribe_peek(offerapi_store *store, const char *token,
                                              offerapi_unsubscribe **out);

/** Turn off the one setting @p token names (idempotent). Errors as
 *  offerapi_unsubscribe_peek(). */
OFFERAPI_EXTERN int offerapi_unsubscribe_apply(offerapi_store *store, const char *token,
                                               offerapi_unsubscribe **out);

/** A recruiter gets at most one digest per this many milliseconds. */
#define OFFERAPI_DIGEST_PERIOD_MS (24 * 3600 * 1000LL)

/** A digest lists at most this many applications; the rest wait for the
 *  next one. */
#define OFFERAPI_DIGEST_MAX 200

/**
 * Write the daily digests that are due into the outbox: for each recruiter
 * with applications waiting on offers set to "daily" and no digest within
 * OFFERAPI_DIGEST_PERIOD_MS, one message listing them. Each digest is
 * claimed by a conditional UPDATE of users.digest_ms (... WHERE digest_ms
 * IS the value read ... RETURNING) in the transaction that writes the
 * message and clears the applications' digest_pending: two processes
 * running this at once never both write one. No applications waiting: no
 * digest. Mail senders call it (offerapi_mail_sender_start); also usable
 * alone.
 * @param out_written  may be NULL; receives the number of digests written
 * @return 0 or a database error
 */
OFFERAPI_EXTERN int offerapi_mail_digest_run(offerapi_store *store, int *out_written);

#ifdef __cplusplus
}
#endif
#endif
