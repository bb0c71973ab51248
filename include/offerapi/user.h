/*
 * offerapi/user.h - accounts and sessions.
 *
 * Passwords are hashed with Argon2id (libsodium), with OWASP's parameters for
 * a small pod by default (19 MiB, 2 passes) and at most
 * offerapi_store_options.pwhash_concurrency hashes at once, so a burst of
 * logins cannot exhaust memory. Session tokens are 256 random bits; only their
 * SHA-256 is stored; they expire after offerapi_store_options.session_ttl_s.
 */
#ifndef OFFERAPI_USER_H
#define OFFERAPI_USER_H

#include "common.h"
#include "page.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * What a user may do.
 *
 * OFFERAPI_ROLE_ADMIN (added in schema 16, issue 16) is the operator's:
 * an account made only by the operator's tool (offerapi-admin user-create;
 * the server refuses it at sign-up), which does the operator's work in the
 * web pages (accounts, the access log, a person's export and erasure) and
 * neither applies nor publishes: every call that needs a candidate or a
 * recruiter refuses it (OFFERAPI_EPERM).
 */
typedef enum offerapi_role {
	OFFERAPI_ROLE_CANDIDATE = 1, /**< browses offers and applies */
	OFFERAPI_ROLE_RECRUITER = 2, /**< publishes offers and reads their applications */
	OFFERAPI_ROLE_ADMIN = 3 /**< the operator (see above) */
} offerapi_role;

/** Bounds on account fields, in bytes. */
#define OFFERAPI_LOGIN_MIN 3
#define OFFERAPI_LOGIN_MAX 64
#define OFFERAPI_NAME_MAX 100
#define OFFERAPI_PASSWORD_MIN 8
#define OFFERAPI_PASSWORD_MAX 1024
#define OFFERAPI_EMAIL_MAX 254 /**< an address, in bytes (RFC 5321's path limit) */

/** A user account (no password hash ever leaves the library). */
typedef struct offerapi_user {
	offerapi_id id;
	char *login; /**< lower-case, [a-z0-9.@_+-] */
	char *display_name; /**< UTF-8 */
	offerapi_role role;
	int64_t created_at; /**< Unix time, seconds */
	/* appended in schema 4 (issue 13): */
	char *email; /**< lower-case address, or NULL when the account has none yet */
	int64_t email_verified_at; /**< Unix seconds the address was verified; 0: not yet */
	char lang[4]; /**< language of the account's mail: "fr" or "en" */
} offerapi_user;

/** Free a user returned by the library. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_user_free(offerapi_user *user);

/** "candidate" / "recruiter" / "admin", or NULL for an unknown role. */
OFFERAPI_EXTERN const char *offerapi_role_name(offerapi_role role);

/** Parse "candidate" / "recruiter" / "admin". @return 0 or OFFERAPI_EINVAL. */
OFFERAPI_EXTERN int offerapi_role_parse(offerapi_role *out, const char *name);

/**
 * Create an account. The login is folded to lower case.
 * @param out  if not NULL, receives the new user (free with offerapi_user_free)
 * @return 0, OFFERAPI_EINVAL / OFFERAPI_ETOOBIG (a field, named in the
 *         message), OFFERAPI_EEXISTS (login taken), or a database error
 */
OFFERAPI_EXTERN int offerapi_user_create(offerapi_store *store, const char *login,
                                         const char *display_name, const char *password,
                                         offerapi_role role, offerapi_user **out);

/**
 * Replace the password of the account @p login (for tools and the demo;
 * sessions already open stay open).
 * @return 0, OFFERAPI_EINVAL / OFFERAPI_ETOOBIG (the login or the password,
 *         named in the message), OFFERAPI_ENOTFOUND (no such login), or a
 *         database error
 */
OFFERAPI_EXTERN int offerapi_user_set_password(offerapi_store *store, const char *login,
                                               const char *password);

/**
 * Check a login and password. Takes the time of one Argon2id hash whether or
 * not the login exists.
 * @return 0 and the user in @p out, OFFERAPI_EAUTH (wrong login or password:
 *         the message does not say which), or a database error
 */
OFFERAPI_EXTERN int offerapi_user_authenticate(offerapi_store *store, const char *login,
                                               const char *password, offerapi_user **out);

/** Look a user up by id. @return 0, OFFERAPI_ENOTFOUND or a database error. */
OFFERAPI_EXTERN int offerapi_user_get(offerapi_store *store, offerapi_id id, offerapi_user **out);

/**
 * Look a user up by login (folded to lower case first, as at sign-up): for
 * operators' tools, which name accounts by login.
 * @return 0, OFFERAPI_EINVAL / OFFERAPI_ETOOBIG (not a valid login),
 *         OFFERAPI_ENOTFOUND (no such login, named in the message), or a
 *         database error
 */
OFFERAPI_EXTERN int offerapi_user_get_by_login(offerapi_store *store, const char *login,
                                               offerapi_user **out);

/** A page of accounts, newest first (offerapi_user_list_page()). */
typedef struct offerapi_user_list {
	size_t count;
	offerapi_user **items; /**< owned by the list */
	char *next; /**< cursor of the page after (older accounts); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< accounts of the whole list with OFFERAPI_PAGE_TOTAL, else -1 */
} offerapi_user_list;

/** Free a list. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_user_list_free(offerapi_user_list *list);

/**
 * One page (offerapi/page.h) of the accounts, newest first by creation
 * date: all of them, or those of @p role only. Erased accounts (what stays
 * of an erased recruiter) are not listed; accounts awaiting their erasure
 * are. No actor: the caller is the operator (offerapi-admin user-list) or
 * the server's admin pages, which check the role first.
 * @param role  0 for every role, else the role listed
 * @param page  NULL for the first page of OFFERAPI_PAGE_DEFAULT accounts
 * @return 0; OFFERAPI_EINVAL (an unknown role, a bad page or a cursor of
 *         another list, named in the message); or a database error
 */
OFFERAPI_EXTERN int offerapi_user_list_page(offerapi_store *store, offerapi_role role,
                                            const offerapi_page *page, offerapi_user_list **out);

/**
 * Change the role of account @p user_id (the operator's call: no actor).
 * An account that acted in its role keeps it: a recruiter with offers, or
 * a candidate with applications, is OFFERAPI_ECONFLICT (erase the account,
 * or make another). Its sessions stay open; they carry the new role from
 * their next request.
 * @return 0 (also when the role is the same); OFFERAPI_EINVAL (unknown
 *         role); OFFERAPI_ENOTFOUND (no such account, or erased);
 *         OFFERAPI_ECONFLICT; or a database error
 */
OFFERAPI_EXTERN int offerapi_user_set_role(offerapi_store *store, offerapi_id user_id,
                                           offerapi_role role);

/** Size of a session token buffer: 64 hex digits and a NUL. */
#define OFFERAPI_TOKEN_SIZE 65

/**
 * Open a session for @p user and write its token (64 lower-case hex digits,
 * NUL-terminated) into @p token. Only the token's hash is stored.
 */
OFFERAPI_EXTERN int offerapi_session_create(offerapi_store *store, const offerapi_user *user,
                                            char token[OFFERAPI_TOKEN_SIZE]);

/** The user of a live session. @return 0, OFFERAPI_EAUTH (unknown, malformed
 *  or expired token) or a database error. The caller owns *@p out.
 *  On PostgreSQL the store keeps what it read while no session or account
 *  changes (docs/threading.md): a session ended through another process is
 *  refused once the database's notification arrives. */
OFFERAPI_EXTERN int offerapi_session_user(offerapi_store *store, const char *token,
                                          offerapi_user **out);

/** End a session (log out). Unknown tokens are not an error. */
OFFERAPI_EXTERN int offerapi_session_delete(offerapi_store *store, const char *token);

/** Delete expired sessions; @p out_count (may be NULL) receives how many. */
OFFERAPI_EXTERN int offerapi_session_purge(offerapi_store *store, int64_t *out_count);

/** Size of a session id buffer: 16 hex digits and a NUL. */
#define OFFERAPI_SESSION_ID_SIZE 17

/** A live session as its user may see it: an id that names it (derived
 *  from the stored hash; it cannot be used to log in), never the token. */
typedef struct offerapi_session_info {
	char id[OFFERAPI_SESSION_ID_SIZE]; /**< 16 lower-case hex digits */
	int64_t created_at; /**< Unix time, seconds */
	int64_t expires_at; /**< Unix time, seconds */
} offerapi_session_info;

/** A list of sessions, newest first (created_at, then the order they
 *  were made in). */
typedef struct offerapi_session_list {
	size_t count;
	offerapi_session_info *items;
	/* appended (offerapi_session_list_page()); the library allocates lists */
	char *next; /**< cursor of the page after (older sessions); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< live sessions of the user with OFFERAPI_PAGE_TOTAL, else -1 */
} offerapi_session_list;

/** The id of the session of @p token (to tell "this session" in a list).
 *  @return 0, or OFFERAPI_EINVAL for a malformed token (@p id is then ""). */
OFFERAPI_EXTERN int offerapi_session_id(const char *token, char id[OFFERAPI_SESSION_ID_SIZE]);

/**
 * Every live (unexpired) session of user @p user_id, newest first, in one
 * list (next and prev NULL, total -1).
 * @param out  receives the list (free with offerapi_session_list_free)
 * @return 0, or a database error
 */
OFFERAPI_EXTERN int offerapi_session_list_user(offerapi_store *store, offerapi_id user_id,
                                               offerapi_session_list **out);

/**
 * One page (offerapi/page.h) of the live sessions of user @p user_id,
 * newest first; cursors are of kind "e". A session that expires between
 * two pages leaves the list.
 * @param page  which page (NULL: the first of OFFERAPI_PAGE_DEFAULT)
 * @param out   receives the list (free with offerapi_session_list_free)
 * @return 0, OFFERAPI_EINVAL for a bad page or cursor (the message names
 *         the part at fault), or a database error
 */
OFFERAPI_EXTERN int offerapi_session_list_page(offerapi_store *store, offerapi_id user_id,
                                               const offerapi_page *page,
                                               offerapi_session_list **out);

/** Free a list returned by offerapi_session_list_user() or
 *  offerapi_session_list_page(). NULL is ignored. */
OFFERAPI_EXTERN void offerapi_session_list_free(offerapi_session_list *list);

/**
 * End the live session @p id of user @p user_id (log it out wherever it is).
 * @return 0, OFFERAPI_ENOTFOUND (no live session of that user has that id:
 *         another user's session is not found either), or a database error
 */
OFFERAPI_EXTERN int offerapi_session_revoke(offerapi_store *store, offerapi_id user_id,
                                            const char *id);

/* ---- e-mail addresses, verification and password reset (issue 13) ---- */

/**
 * Check an e-mail address and write its stored form (lower case) to @p out.
 * Accepted: ASCII, one '@', a local part of 1 to 64 bytes of letters,
 * digits and !#$%&'*+/=?^_`{|}~.- (no leading, trailing or doubled dot),
 * a domain of labels of letters, digits and '-' with at least one dot;
 * at most OFFERAPI_EMAIL_MAX bytes. No quoting, no comments, no spaces:
 * nothing that could break a mail header or an SMTP command.
 * @return 0, OFFERAPI_EINVAL or OFFERAPI_ETOOBIG (message names "email")
 */
OFFERAPI_EXTERN int offerapi_email_normalize(const char *email, char out[OFFERAPI_EMAIL_MAX + 1]);

/**
 * Create an account with an e-mail address, as offerapi_user_create(), and
 * in the same transaction a verification token and its message in the
 * outbox (mail.h): either the account and its message are stored, or
 * nothing is. The address is not verified until the link is followed; the
 * account may log in meanwhile.
 * @param email  the address (see offerapi_email_normalize())
 * @param lang   "fr" or "en": the language of the account's mail
 * @return as offerapi_user_create(); OFFERAPI_EEXISTS also when another
 *         account has this address (the message says which field)
 */
OFFERAPI_EXTERN int offerapi_user_create_with_email(offerapi_store *store, const char *login,
                                                    const char *display_name, const char *password,
                                                    offerapi_role role, const char *email,
                                                    const char *lang, offerapi_user **out);

/**
 * Give account @p user_id an address, or change it: the new address is
 * unverified, a verification message to it is put in the outbox in the
 * same transaction, and links sent to a former address stop working.
 * Giving the address the account already has sends a new link (unless it
 * is verified: then nothing changes).
 * @param lang  "fr", "en", or NULL to keep the account's
 * @return 0, OFFERAPI_EINVAL / OFFERAPI_ETOOBIG (address or language),
 *         OFFERAPI_EEXISTS (another account has it), OFFERAPI_ENOTFOUND (no
 *         such account), or a database error
 */
OFFERAPI_EXTERN int offerapi_user_set_email(offerapi_store *store, offerapi_id user_id,
                                            const char *email, const char *lang);

/** How long links stay valid, in seconds. */
#define OFFERAPI_VERIFY_TTL_S (48 * 3600)
#define OFFERAPI_RESET_TTL_S 3600

/**
 * Follow a verification link: mark the address it was sent to as verified,
 * if it is still the account's. A token works once, until it expires.
 * @param out_user_id  may be NULL; receives the account verified
 * @return 0; OFFERAPI_EAUTH (unknown, used, expired or malformed token, or
 *         the account has another address now: the message does not say
 *         which); or a database error
 */
OFFERAPI_EXTERN int offerapi_email_verify(offerapi_store *store, const char *token,
                                          offerapi_id *out_user_id);

/**
 * "Forgot password": when an account has the address @p email, make a
 * reset token and put its message in the outbox (one transaction). The
 * return value is the same whether or not such an account exists, so the
 * caller cannot tell anyone whether an address is known.
 * @return 0 (sent or not); OFFERAPI_EINVAL / OFFERAPI_ETOOBIG (the text is
 *         not an address at all); or a database error
 */
OFFERAPI_EXTERN int offerapi_password_reset_request(offerapi_store *store, const char *email);

/**
 * Check a reset token without using it (to show the reset form or not).
 * @return 0 or OFFERAPI_EAUTH (unknown, used, expired or malformed)
 */
OFFERAPI_EXTERN int offerapi_password_reset_check(offerapi_store *store, const char *token);

/**
 * Reset a password with a token from a reset message: in one transaction
 * the token is used up (with every other reset token of the account), the
 * password replaced, every session of the account ended, and the address
 * marked verified (the link proved it). The password rules are those of
 * offerapi_user_create().
 * @param out_user_id  may be NULL; receives the account
 * @return 0; OFFERAPI_EINVAL / OFFERAPI_ETOOBIG (the password: nothing is
 *         used up); OFFERAPI_EAUTH (unknown, used, expired or malformed
 *         token); or a database error
 */
OFFERAPI_EXTERN int offerapi_password_reset(offerapi_store *store, const char *token,
                                            const char *password, offerapi_id *out_user_id);

/* ---- the right to be forgotten (issue 16; docs/privacy.md) ---- */

/** What an erasure removed. */
typedef struct offerapi_erase_info {
	int64_t applications; /**< the candidate's applications removed (with their CVs) */
	int64_t offers_kept; /**< a recruiter's offers kept, now a former recruiter's */
	int64_t messages; /**< mails removed from the outbox (to them, or naming them) */
} offerapi_erase_info;

/**
 * Erase account @p user_id now, in one transaction, on either backend:
 * its sessions, personal tokens, e-mail links, webhook endpoints (and their
 * deliveries), unsubscribe links, stored answers to its requests, the mail
 * to it and every mail not yet sent that names it, its applications with
 * their CVs (PDF and text), answers, scores, jobs, stages and the
 * recruiters' notes on them; then the account itself. A recruiter who has
 * offers keeps them: the account stays as an empty row (no login, name,
 * address or password; offerapi_user_get() no longer finds it), its offers
 * are closed and shown as a former recruiter's (their recruiter_name is
 * ""), and their applications stay. Stage history and notes that a
 * removed recruiter wrote show an empty actor name. On SQLite the WAL is
 * then checkpointed, and deleted content is overwritten (secure_delete).
 * @param out  may be NULL; receives what was removed
 * @return 0, OFFERAPI_ENOTFOUND (no such account, or already erased), or
 *         a database error (then nothing was removed)
 */
OFFERAPI_EXTERN int offerapi_user_erase(offerapi_store *store, offerapi_id user_id,
                                        offerapi_erase_info *out);

/**
 * Ask for the erasure of account @p user_id at @p at (Unix seconds): the
 * account is disabled at once (login refused, sessions and personal tokens
 * revoked, e-mail links voided) and erased by offerapi_user_erase_due()
 * once @p at has come. Asking again keeps the first date.
 * @param out_at  may be NULL; receives the date of the erasure
 * @return 0, OFFERAPI_ENOTFOUND (no such account, or already erased), or
 *         a database error
 */
OFFERAPI_EXTERN int offerapi_user_erase_schedule(offerapi_store *store, offerapi_id user_id,
                                                 int64_t at, int64_t *out_at);

/**
 * Erase every account whose erasure date (offerapi_user_erase_schedule())
 * is at or before @p now: the periodic sweep of the servers (any replica
 * may run it; an account erased by another is skipped).
 * @param out_count  may be NULL; receives how many were erased
 * @return 0, or the first database error (accounts already erased stay so)
 */
OFFERAPI_EXTERN int offerapi_user_erase_due(offerapi_store *store, int64_t now, int64_t *out_count);

/**
 * The erasure date of account @p user_id, or 0 in @p out_at when none was
 * asked. @return 0, OFFERAPI_ENOTFOUND or a database error
 */
OFFERAPI_EXTERN int offerapi_user_erase_date(offerapi_store *store, offerapi_id user_id,
                                             int64_t *out_at);

#ifdef __cplusplus
}
#endif
#endif
