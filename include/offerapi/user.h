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
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a user may do. */
typedef enum offerapi_role {
	OFFERAPI_ROLE_CANDIDATE = 1, /**< browses offers and applies */
	OFFERAPI_ROLE_RECRUITER = 2 /**< publishes offers and reads their applications */
} offerapi_role;

/** Bounds on account fields, in bytes. */
#define OFFERAPI_LOGIN_MIN 3
#define OFFERAPI_LOGIN_MAX 64
#define OFFERAPI_NAME_MAX 100
#define OFFERAPI_PASSWORD_MIN 8
#define OFFERAPI_PASSWORD_MAX 1024

/** A user account (no password hash ever leaves the library). */
typedef struct offerapi_user {
	offerapi_id id;
	char *login; /**< lower-case, [a-z0-9.@_+-] */
	char *display_name; /**< UTF-8 */
	offerapi_role role;
	int64_t created_at; /**< Unix time, seconds */
} offerapi_user;

/** Free a user returned by the library. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_user_free(offerapi_user *user);

/** "candidate" / "recruiter", or NULL for an unknown role. */
OFFERAPI_EXTERN const char *offerapi_role_name(offerapi_role role);

/** Parse "candidate" / "recruiter". @return 0 or OFFERAPI_EINVAL. */
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

/** Size of a session token buffer: 64 hex digits and a NUL. */
#define OFFERAPI_TOKEN_SIZE 65

/**
 * Open a session for @p user and write its token (64 lower-case hex digits,
 * NUL-terminated) into @p token. Only the token's hash is stored.
 */
OFFERAPI_EXTERN int offerapi_session_create(offerapi_store *store, const offerapi_user *user,
                                            char token[OFFERAPI_TOKEN_SIZE]);

/** The user of a live session. @return 0, OFFERAPI_EAUTH (unknown, malformed
 *  or expired token) or a database error. */
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

/** A list of sessions, newest first. */
typedef struct offerapi_session_list {
	size_t count;
	offerapi_session_info *items;
} offerapi_session_list;

/** The id of the session of @p token (to tell "this session" in a list).
 *  @return 0, or OFFERAPI_EINVAL for a malformed token (@p id is then ""). */
OFFERAPI_EXTERN int offerapi_session_id(const char *token, char id[OFFERAPI_SESSION_ID_SIZE]);

/**
 * The live (unexpired) sessions of user @p user_id, newest first.
 * @param out  receives the list (free with offerapi_session_list_free)
 * @return 0, or a database error
 */
OFFERAPI_EXTERN int offerapi_session_list_user(offerapi_store *store, offerapi_id user_id,
                                               offerapi_session_list **out);

/** Free a list returned by offerapi_session_list_user(). NULL is ignored. */
OFFERAPI_EXTERN void offerapi_session_list_free(offerapi_session_list *list);

/**
 * End the live session @p id of user @p user_id (log it out wherever it is).
 * @return 0, OFFERAPI_ENOTFOUND (no live session of that user has that id:
 *         another user's session is not found either), or a database error
 */
OFFERAPI_EXTERN int offerapi_session_revoke(offerapi_store *store, offerapi_id user_id,
                                            const char *id);

#ifdef __cplusplus
}
#endif
#endif
