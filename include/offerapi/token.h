/*
 * offerapi/token.h - personal access tokens for integrations.
 *
 * A person creates a token for a program (an applicant tracking system, a
 * script) with a name, a set of scopes and an optional expiry. The token is
 * shown once, when it is made: the store keeps only its SHA-256. A program
 * sends it as "Authorization: Bearer oapat_..." and acts as its owner, but
 * only where one of its scopes reaches: the server maps each API route to
 * the scope it needs (docs/api.md) and refuses every account route
 * (sessions, e-mail, tokens, export, deletion) to tokens whatever their
 * scopes, so that a leaked token cannot take over the account.
 *
 * Revoking deletes the token; so does deleting its account.
 */
#ifndef OFFERAPI_TOKEN_H
#define OFFERAPI_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "page.h"
#include "store.h"
#include "user.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a token may do, as bits of a scope set. */
typedef enum offerapi_scope {
	OFFERAPI_SCOPE_OFFERS_READ = 1, /**< "offers:read": offers, one's own included */
	OFFERAPI_SCOPE_OFFERS_WRITE = 2, /**< "offers:write": publish, edit, close, archive */
	OFFERAPI_SCOPE_APPLICATIONS_READ = 4, /**< "applications:read": dashboards, CVs, CSV,
	                                           one's own applications */
	OFFERAPI_SCOPE_APPLICATIONS_WRITE = 8, /**< "applications:write": apply, stages,
	                                            notes, withdraw, retry */
} offerapi_scope;

/** Every scope. */
#define OFFERAPI_SCOPE_ALL 15u

/** The prefix of every token, so that it is recognised where it leaks. */
#define OFFERAPI_PAT_PREFIX "oapat_"
/** Size of a token buffer: the prefix, 64 hex digits and a NUL. */
#define OFFERAPI_PAT_SIZE 71
/** Longest name of a token, in bytes (UTF-8). */
#define OFFERAPI_PAT_NAME_MAX 100
/** Most live tokens one account may hold. */
#define OFFERAPI_PAT_MAX 20
/** Longest lifetime of a token, in seconds: ten years. */
#define OFFERAPI_PAT_LIFETIME_MAX (3650 * 86400)

/** The name of one scope bit ("offers:read"...), or NULL. */
OFFERAPI_EXTERN const char *offerapi_scope_name(unsigned scope);

/** The bit of the scope named @p name. @return 0 or OFFERAPI_EINVAL naming
 *  the value and the scopes allowed. */
OFFERAPI_EXTERN int offerapi_scope_parse(const char *name, unsigned *scope);

/** A token as its owner sees it: never the secret. */
typedef struct offerapi_pat {
	offerapi_id id;
	char *name;
	unsigned scopes; /**< offerapi_scope bits */
	int64_t created_at;
	int64_t last_used_at; /**< 0: never used; else within a minute */
	int64_t expires_at; /**< 0: no expiry */
} offerapi_pat;

/** The live tokens of one account, newest first (created_at, then id). */
typedef struct offerapi_pat_list {
	size_t count;
	offerapi_pat *items;
	/* appended (offerapi_pat_list_page()); the library allocates lists */
	char *next; /**< cursor of the page after (older tokens); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< live tokens of the account with OFFERAPI_PAGE_TOTAL, else -1 */
} offerapi_pat_list;

/**
 * Make a token for @p user.
 *
 * @param name        what it is for (1 to OFFERAPI_PAT_NAME_MAX bytes of
 *                    printable UTF-8)
 * @param scopes      a non-empty set of offerapi_scope bits
 * @param lifetime    seconds from its creation until it stops working (1 to
 *                    OFFERAPI_PAT_LIFETIME_MAX), or 0 for never: the library
 *                    reads the clock once for created_at and expires_at, so
 *                    expires_at - created_at is exactly @p lifetime
 * @param token       receives the secret (OFFERAPI_PAT_PREFIX and 64 hex
 *                    digits): give it to the person once, it is not kept
 * @param id          receives the token's id (may be NULL)
 * @return 0, OFFERAPI_EINVAL naming the field (name, scopes, lifetime),
 *         OFFERAPI_ETOOBIG when the account holds OFFERAPI_PAT_MAX live
 *         tokens, or a database error.
 */
OFFERAPI_EXTERN int offerapi_pat_create(offerapi_store *store, const offerapi_user *user,
                                        const char *name, unsigned scopes, int64_t lifetime,
                                        char token[OFFERAPI_PAT_SIZE], offerapi_id *id);

/**
 * The owner and scopes of a live token, and notes its use (at most one
 * write a minute per token).
 *
 * @param user    receives the owner (free with offerapi_user_free())
 * @param scopes  receives the token's scope bits
 * @return 0, OFFERAPI_EAUTH (malformed, unknown, revoked or expired) or a
 *         database error.
 */
OFFERAPI_EXTERN int offerapi_pat_user(offerapi_store *store, const char *token,
                                      offerapi_user **user, unsigned *scopes);

/** Every live token of account @p user_id, newest first, in one list
 *  (next and prev NULL, total -1; free with offerapi_pat_list_free()). */
OFFERAPI_EXTERN int offerapi_pat_list_user(offerapi_store *store, offerapi_id user_id,
                                           offerapi_pat_list **out);

/**
 * One page (offerapi/page.h) of the live tokens of account @p user_id,
 * newest first (created_at, then id). Cursors are of kind "t"; a token
 * that expires between two pages leaves the list.
 *
 * @param page  which page (NULL: the first of OFFERAPI_PAGE_DEFAULT)
 * @param out   receives the list (free with offerapi_pat_list_free())
 * @return 0, OFFERAPI_EINVAL for a bad page or cursor (the message names
 *         the part at fault), or a database error.
 */
OFFERAPI_EXTERN int offerapi_pat_list_page(offerapi_store *store, offerapi_id user_id,
                                           const offerapi_page *page, offerapi_pat_list **out);

/** Free a list returned by offerapi_pat_list_user() or
 *  offerapi_pat_list_page(). NULL is ignored. */
OFFERAPI_EXTERN void offerapi_pat_list_free(offerapi_pat_list *list);

/** Revoke (delete) token @p id of account @p user_id. @return 0,
 *  OFFERAPI_ENOTFOUND (no live token of that account has that id) or a
 *  database error. */
OFFERAPI_EXTERN int offerapi_pat_revoke(offerapi_store *store, offerapi_id user_id, offerapi_id id);

#ifdef __cplusplus
}
#endif

#endif
