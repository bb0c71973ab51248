/*
 * tokens.c - personal access tokens (offerapi/token.h): made once, kept as
 * their SHA-256, scoped, revocable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "keyset.h"
#include "offerapi/token.h"
#include "store_internal.h"

static const char *const scope_names[] = { "offers:read", "offers:write", "applications:read",
	                                   "applications:write" };
#define NSCOPES ((int)(sizeof scope_names / sizeof *scope_names))
_Static_assert(OFFERAPI_SCOPE_ALL == (1u << NSCOPES) - 1, "every scope has a name");

/* A token's use is written at most this often (seconds). */
#define LAST_USED_STEP 60

#define PREFIX_LEN (sizeof OFFERAPI_PAT_PREFIX - 1)
#define HASH_HEX (2 * crypto_hash_sha256_BYTES + 1)

const char *offerapi_scope_name(unsigned scope)
{
	return oa_bit_name(scope_names, NSCOPES, scope);
}

int offerapi_scope_parse(const char *name, unsigned *scope)
{
	int i;
	int rc = oa_name_parse("scopes", scope_names, NSCOPES, 0, name, &i);
	if (rc == 0)
		*scope = 1u << i;
	return rc;
}

static bool pat_wellformed(const char *t)
{
	if (!t || strlen(t) != OFFERAPI_PAT_SIZE - 1 || strncmp(t, OFFERAPI_PAT_PREFIX, PREFIX_LEN))
		return false;
	for (const char *p = t + PREFIX_LEN; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

int offerapi_pat_create(offerapi_store *s, const offerapi_user *user, const char *name,
                        unsigned scopes, int64_t lifetime, char token[OFFERAPI_PAT_SIZE],
                        offerapi_id *id)
{
	if (!s || !user || !token)
		return oa_error(OFFERAPI_EINVAL, "token: missing argument");
	token[0] = '\0';
	int rc = oa_check_text("name", name, 1, OFFERAPI_PAT_NAME_MAX, false, false);
	if (rc < 0)
		return rc;
	if (scopes == 0 || (scopes & ~OFFERAPI_SCOPE_ALL))
		return oa_error(OFFERAPI_EINVAL,
		                "scopes: give at least one of offers:read, "
		                "offers:write, applications:read, applications:write");
	if (lifetime < 0 || lifetime > OFFERAPI_PAT_LIFETIME_MAX)
		return oa_error(OFFERAPI_EINVAL,
		                "lifetime: %lld s is neither 0 (never) nor 1 to %d s (ten years)",
		                (long long)lifetime, OFFERAPI_PAT_LIFETIME_MAX);
	/* one read of the clock for both ends: a second that turns between two
	 * reads would make a token of 90 days one second short */
	int64_t now = oa_now();
	int64_t expires_at = lifetime ? now + lifetime : 0;

	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	memcpy(token, OFFERAPI_PAT_PREFIX, PREFIX_LEN);
	sodium_bin2hex(token + PREFIX_LEN, OFFERAPI_PAT_SIZE - PREFIX_LEN, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	char th[HASH_HEX];
	hash_token(token, th);

	/* expired tokens go as the account makes a new one */
	if ((rc = store_exec(s, "DELETE FROM api_tokens WHERE user_id = $1 AND expires_at <= $2",
	                     (db_param[]){ P_INT(user->id), P_INT(now) }, 2, NULL)) < 0)
		return rc;
	/* the count and the insert in one statement: two requests at once
	 * cannot both take the last place */
	db_result *r = NULL;
	rc = store_write(s,
	                 "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at,"
	                 " expires_at) SELECT $1, $2, $3, $4, $5, $6"
	                 " WHERE (SELECT COUNT(*) FROM api_tokens WHERE user_id = $1"
	                 " AND (expires_at IS NULL OR expires_at > $5)) < $7 RETURNING id",
	                 (db_param[]){ P_INT(user->id), P_TEXT(name), P_TEXT(th),
	                               P_INT((int64_t)scopes), P_INT(now),
	                               expires_at ? P_INT(expires_at) : P_NULL(),
	                               P_INT(OFFERAPI_PAT_MAX) },
	                 7, &r);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ETOOBIG,
		              "tokens: this account already holds %d; revoke one first",
		              OFFERAPI_PAT_MAX);
	if (rc == 0 && id)
		*id = db_int(r, 0, 0);
	db_result_free(r);
	if (rc < 0)
		sodium_memzero(token, OFFERAPI_PAT_SIZE);
	return rc;
}

int offerapi_pat_user(offerapi_store *s, const char *token, offerapi_user **out, unsigned *scopes)
{
	*out = NULL;
	*scopes = 0;
	if (!s || !pat_wellformed(token))
		return oa_error(OFFERAPI_EAUTH, "unknown, revoked or expired token");
	char th[HASH_HEX];
	hash_token(token, th);
	int64_t now = oa_now();
	db_result *r = NULL;
	int rc = store_exec(
		s,
		"SELECT " USER_COLUMNS ", t.token_hash, t.scopes, t.id, t.last_used_at"
		" FROM api_tokens t JOIN users u ON u.id = t.user_id"
		" WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)",
		(db_param[]){ P_TEXT(th), P_INT(now) }, 2, &r);
	if (rc < 0)
		return rc;
	/* the index matched; compare again in constant time so that no
	 * collation or backend quirk can accept a near miss */
	if (r->nrows != 1 || sodium_memcmp(db_text(r, 0, USER_NCOLS), th, sizeof th - 1) != 0) {
		db_result_free(r);
		return oa_error(OFFERAPI_EAUTH, "unknown, revoked or expired token");
	}
	unsigned bits = (unsigned)db_int(r, 0, USER_NCOLS + 1);
	offerapi_id tid = db_int(r, 0, USER_NCOLS + 2);
	bool stale = db_isnull(r, 0, USER_NCOLS + 3) ||
	             db_int(r, 0, USER_NCOLS + 3) <= now - LAST_USED_STEP;
	rc = store_user_from_row(r, 0, 0, out);
	db_result_free(r);
	if (rc < 0)
		return rc == OFFERAPI_ENOMEM ? oa_error(rc, "out of memory") : rc;
	/* a failed note of use does not refuse the request */
	if (stale && store_exec(s,
	                        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2"
	                        " AND (last_used_at IS NULL OR last_used_at <= $3)",
	                        (db_param[]){ P_INT(now), P_INT(tid), P_INT(now - LAST_USED_STEP) },
	                        3, NULL) < 0)
		oa_log(OFFERAPI_LOG_WARNING, "token %lld: its last use was not recorded: %s",
		       (long long)tid, offerapi_error_last()->message);
	*scopes = bits;
	return 0;
}

/* The page of @res into @list (ks_list_type.fill). */
static int tokens_fill(ks_result *res, void *list)
{
	offerapi_pat_list *l = list;
	ks_take_page(res, &l->total, &l->next, &l->prev);
	l->items = calloc(res->page.count ? res->page.count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "token list: out of memory");
	const db_result *r = res->r;
	for (size_t i = 0; i < res->page.count; i++) {
		int row = res->rows[res->page.first + i].row, b = res->base;
		offerapi_pat *t = &l->items[l->count++];
		t->id = db_int(r, row, b);
		t->scopes = (unsigned)db_int(r, row, b + 2);
		t->created_at = db_int(r, row, b + 3);
		t->last_used_at = db_isnull(r, row, b + 4) ? 0 : db_int(r, row, b + 4);
		t->expires_at = db_isnull(r, row, b + 5) ? 0 : db_int(r, row, b + 5);
		if (!(t->name = oa_strdup(db_text(r, row, b + 1))))
			return oa_error(OFFERAPI_ENOMEM, "token list: out of memory");
	}
	return 0;
}

static void tokens_free(void *list)
{
	offerapi_pat_list_free(list);
}

/* A user's live tokens, newest first: (created_at, id) under $1 the user
 * and $2 the time (api_tokens_user_page). */
static const ks_list_type tokens_list = {
	KS_SPEC_NEWEST('t', "t0.id", "t0.created_at",
	               " FROM api_tokens t0 WHERE t0.user_id = $1"
	               " AND (t0.expires_at IS NULL OR t0.expires_at > $2)",
	               2),
	", t.id, t.name, t.scopes, t.created_at, t.last_used_at, t.expires_at",
	" JOIN api_tokens t ON t.id = k.id",
	sizeof(offerapi_pat_list),
	tokens_fill,
	tokens_free,
	"token list: missing argument",
	"token list: out of memory",
	NULL /* no check: ks_list_page() */
};

int offerapi_pat_list_page(offerapi_store *s, offerapi_id user_id, const offerapi_page *page,
                           offerapi_pat_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "token list: missing argument");
	int rc;
	*out = ks_list_page(s, &tokens_list, user_id, page,
	                    (db_param[]){ P_INT(user_id), P_INT(oa_now()) }, &rc);
	return rc;
}

int offerapi_pat_list_user(offerapi_store *s, offerapi_id user_id, offerapi_pat_list **out)
{
	/* every live token: at most OFFERAPI_PAT_MAX, well under a page */
	offerapi_page all = { .version = OFFERAPI_PAGE_VERSION, .limit = OFFERAPI_PAGE_MAX };
	return offerapi_pat_list_page(s, user_id, &all, out);
}

void offerapi_pat_list_free(offerapi_pat_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; l->items && i < l->count; i++)
		free(l->items[i].name);
	ks_list_free(l->items, l->next, l->prev, l);
}

int offerapi_pat_revoke(offerapi_store *s, offerapi_id user_id, offerapi_id id)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "token revoke: missing argument");
	db_result *r = NULL;
	int rc = store_write(s,
	                     "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2 RETURNING id",
	                     (db_param[]){ P_INT(id), P_INT(user_id) }, 2, &r);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "token %lld: no such token", (long long)id);
	db_result_free(r);
	return rc;
}
