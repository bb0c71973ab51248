/*
 * offerapi/throttle.h - failed-login limits kept in the database, so that
 * every replica of a server counts the same failures.
 *
 * Failures are counted per (account, address) pair and per address over
 * a window, so that someone typing wrong passwords for an account from
 * one address never locks its owner out from another. Only a wrong
 * password counts (a right one never does, and resets its pair's count).
 * The check is made BEFORE the password is verified, and counts the
 * password checks in flight as if they were failures until their
 * verdict: so that a burst of attempts sent at the same moment, to any
 * replicas, lets at most the limit reach the password check. An attempt
 * that would pass the limit only if the checks in flight failed waits (up
 * to wait_ms) for their verdicts instead of being refused, so concurrent
 * right passwords all go through.
 *
 *     offerapi_login_ticket t;
 *     unsigned int wait_s;
 *     if (offerapi_login_throttle_begin(store, &opts, login, addr, &t, &wait_s) < 0)
 *         ... 503: the database failed
 *     else if (wait_s)
 *         ... 429, Retry-After: wait_s
 *     else {
 *         int rc = offerapi_user_authenticate(store, login, password, &user);
 *         offerapi_login_throttle_end(store, &opts, &t,
 *             rc == 0 ? OFFERAPI_LOGIN_SUCCEEDED :
 *             rc == OFFERAPI_EAUTH ? OFFERAPI_LOGIN_FAILED : OFFERAPI_LOGIN_UNDECIDED);
 *     }
 *
 * Pairs and addresses are stored as BLAKE2b hashes (of the lower-cased
 * login with the address, of the address), not in clear, which keeps them out of casual
 * view only (an IPv4 address is found again by hashing all of them); rows
 * are purged after their window ends. Atomic on both backends: the rows of
 * the pair and of the address are locked (PostgreSQL, in a fixed order)
 * or the database is (SQLite) while the check is made and the ticket taken.
 */
#ifndef OFFERAPI_THROTTLE_H
#define OFFERAPI_THROTTLE_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of offerapi_login_throttle_options; set .version to this. */
#define OFFERAPI_LOGIN_THROTTLE_OPTIONS_VERSION 1

/** The limits. A zero field takes its default. */
typedef struct offerapi_login_throttle_options {
	unsigned int version; /**< OFFERAPI_LOGIN_THROTTLE_OPTIONS_VERSION */
	/** Failed logins per (account, address) pair per window before
	 *  refusing that pair; default 5, at most 1 000 000. (To turn limits off, do not call this API.) */
	unsigned int max_failures;
	/** Failed logins per address per window; default 4 x max_failures
	 *  (many people may share one address behind a NAT). */
	unsigned int max_failures_address;
	/** The window in seconds, counted from the first failure; default 900,
	 *  at most 7 days. */
	unsigned int window_s;
	/** How long an attempt may wait for the verdicts of checks in flight
	 *  before it is refused (with 1 s to wait); default 5000 ms, at most
	 *  60 000. */
	unsigned int wait_ms;
} offerapi_login_throttle_options;

/** Initialiser giving every default. */
#define OFFERAPI_LOGIN_THROTTLE_OPTIONS_INIT                                                       \
	{                                                                                          \
		OFFERAPI_LOGIN_THROTTLE_OPTIONS_VERSION, 0, 0, 0, 0                                \
	}

/** An admitted attempt, from begin() to end(). Caller-allocated; the
 *  library fills it. */
typedef struct offerapi_login_ticket {
	offerapi_id id; /**< the place it holds among the checks in flight */
	char account_key[65]; /**< hex hash of the (account, address) pair */
	char address_key[65]; /**< hex hash of the address */
} offerapi_login_ticket;

/** What the password check said. */
typedef enum offerapi_login_verdict {
	OFFERAPI_LOGIN_SUCCEEDED = 0, /**< right password: the pair's count restarts */
	OFFERAPI_LOGIN_FAILED = 1, /**< wrong login or password: counts on both */
	OFFERAPI_LOGIN_UNDECIDED = 2 /**< no verdict (the database failed): counts nothing */
} offerapi_login_verdict;

/**
 * Before checking a password: may this attempt go on?
 * @param opts     NULL for the defaults
 * @param login    what was typed as the login (case is ignored; any length,
 *                 only its hash is kept)
 * @param address  the client's address as the host knows it (at most 255
 *                 bytes)
 * @param ticket   filled when the attempt may go on; give it to end()
 * @param out_wait_s  0: go on and check the password; more: refused, try
 *                 again in that many seconds (no ticket was taken)
 * @return 0, OFFERAPI_EINVAL (bad options or arguments) or a database error
 *         (then check nothing: the host answers "unavailable")
 */
OFFERAPI_EXTERN int offerapi_login_throttle_begin(offerapi_store *store,
                                                  const offerapi_login_throttle_options *opts,
                                                  const char *login, const char *address,
                                                  offerapi_login_ticket *ticket,
                                                  unsigned int *out_wait_s);

/**
 * After the password check: record its verdict and give the ticket's place
 * back. Each ticket must be ended once. A ticket never ended (a process
 * killed mid-check) stops counting after 60 s.
 * @return 0, OFFERAPI_EINVAL or a database error
 */
OFFERAPI_EXTERN int offerapi_login_throttle_end(offerapi_store *store,
                                                const offerapi_login_throttle_options *opts,
                                                const offerapi_login_ticket *ticket,
                                                offerapi_login_verdict verdict);

/**
 * A rate limit shared by every replica: count one event of @bucket for
 * @key (for example bucket "signup", key a client address) when fewer than
 * @max were counted in the current window of @window_s seconds (a window
 * starts at its first event). Atomic on both backends: events at the same
 * moment on any replica cannot pass the limit together. Kept in the same
 * table as the login limits, as a BLAKE2b hash of bucket and key.
 * @param bucket   what is limited: 1 to 32 bytes
 * @param key      who is limited (case is ignored; any length, only its hash
 *                 is kept)
 * @param max      events allowed per window, 1 to 1 000 000
 * @param window_s 1 s to 7 days
 * @param out_wait_s  0: counted, go on; more: refused (not counted), try
 *                 again in that many seconds
 * @return 0, OFFERAPI_EINVAL or a database error
 */
OFFERAPI_EXTERN int offerapi_rate_limit_hit(offerapi_store *store, const char *bucket,
                                            const char *key, unsigned int max,
                                            unsigned int window_s, unsigned int *out_wait_s);

/**
 * Give back one event that offerapi_rate_limit_hit() counted, when the
 * action it allowed did not happen (a refused form, a database failure).
 * @param max  the same limit as given to offerapi_rate_limit_hit()
 * @return 0, OFFERAPI_EINVAL or a database error
 */
OFFERAPI_EXTERN int offerapi_rate_limit_undo(offerapi_store *store, const char *bucket,
                                             const char *key, unsigned int max);

#ifdef __cplusplus
}
#endif
#endif
