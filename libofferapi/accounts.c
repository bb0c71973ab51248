/*
 * accounts.c - e-mail addresses, verification links and password reset
 * (offerapi/user.h, issue 13).
 *
 * Tokens are 256 random bits shown as 64 hex digits; table account_tokens
 * keeps only their SHA-256, with the account, the purpose, the address the
 * link went to, an expiry and the time it was used. Using a token is one
 * UPDATE ... WHERE used_at IS NULL RETURNING, so two clicks at once use it
 * once. The message carrying a token is written to the outbox in the same
 * transaction as the token.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "internal.h"
#include "store_internal.h"

enum { PURPOSE_VERIFY = 1, PURPOSE_RESET = 2 };

#define HASH_HEX (2 * crypto_hash_sha256_BYTES + 1)

int accounts_check_lang(const char *lang)
{
	static const char *const langs[] = { "fr", "en" };
	int i;
	return oa_name_parse("lang", langs, 2, 0, lang, &i);
}

static bool local_char(unsigned char ch)
{
	return isalnum(ch) || (ch && strchr("!#$%&'*+/=?^_`{|}~.-", ch));
}

/* The domain: labels of [a-z0-9-] not starting or ending with '-', at
 * least two of them, none empty, each at most 63 bytes. */
static bool domain_ok(const char *d)
{
	size_t label = 0, labels = 0;
	char prev = '.';
	for (const char *p = d;; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '.' || ch == '\0') {
			if (label == 0 || prev == '-')
				return false;
			labels++;
			label = 0;
			if (!ch)
				break;
		} else if (isalnum(ch) || (ch == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
		prev = (char)ch;
	}
	return labels >= 2;
}

int offerapi_email_normalize(const char *email, char out[OFFERAPI_EMAIL_MAX + 1])
{
	if (out)
		out[0] = '\0';
	if (!email || !*email)
		return oa_error(OFFERAPI_EINVAL, "email: missing");
	size_t n = strlen(email);
	if (n > OFFERAPI_EMAIL_MAX)
		return oa_error(OFFERAPI_ETOOBIG, "email: too long (at most %d bytes)",
		                OFFERAPI_EMAIL_MAX);
	const char *at = strchr(email, '@');
	if (!at || strchr(at + 1, '@'))
		return oa_error(OFFERAPI_EINVAL, "email: not an address (name@example.org)");
	size_t local = (size_t)(at - email);
	if (local == 0 || local > 64)
		return oa_error(OFFERAPI_EINVAL,
		                "email: the part before '@' must be 1 to 64 bytes");
	for (size_t i = 0; i < local; i++) {
		unsigned char ch = (unsigned char)email[i];
		bool dot_bad = ch == '.' && (i == 0 || i + 1 == local || email[i + 1] == '.');
		if (!isascii(ch) || !local_char(ch) || dot_bad)
			return oa_error(OFFERAPI_EINVAL,
			                "email: the part before '@' has a character not allowed "
			                "(letters, digits and !#$%%&'*+/=?^_`{|}~.- only)");
	}
	if (!domain_ok(at + 1))
		return oa_error(OFFERAPI_EINVAL,
		                "email: the domain after '@' is not a domain name (example.org)");
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)email[i]);
	return 0;
}

void hash_token(const char *token, char out[HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, HASH_HEX, h, sizeof h);
}

void token_new(char *token, char hash[HASH_HEX])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, OFFERAPI_TOKEN_SIZE, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	hash_token(token, hash);
}

bool token_wellformed(const char *t)
{
	if (!t || strlen(t) != OFFERAPI_TOKEN_SIZE - 1)
		return false;
	for (const char *p = t; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* Make a token for @purpose on @c: earlier unused tokens of that purpose
 * are used up (one live link at a time); the token itself goes into
 * @token, its hash into the table. */
static int token_tx(db_conn *c, offerapi_id user_id, int purpose, const char *email, int64_t ttl_s,
                    char token[OFFERAPI_TOKEN_SIZE])
{
	char th[HASH_HEX];
	token_new(token, th);
	int64_t now = oa_now();
	int rc = db_exec(c,
	                 "UPDATE account_tokens SET used_at = $3"
	                 " WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
	                 (db_param[]){ P_INT(user_id), P_INT(purpose), P_INT(now) }, 3, NULL);
	if (rc == 0)
		rc = db_exec(c,
		             "INSERT INTO account_tokens (token_hash, user_id, purpose, email,"
		             " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
		             (db_param[]){ P_TEXT(th), P_INT(user_id), P_INT(purpose),
		                           P_TEXT(email), P_INT(now), P_INT(now + ttl_s) },
		             6, NULL);
	return rc;
}

/* The message of a token: {"name": .., "token": ..} as JSON text. */
static int token_message_tx(db_conn *c, const char *kind, offerapi_id user_id, const char *email,
                            const char *lang, const char *name, const char *token)
{
	json_t *o = json_pack("{s:s, s:s}", "name", name, "token", token);
	char *params = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!params)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = outbox_enqueue_tx(c, kind, email, lang, user_id, params);
	oa_free_secret(params);
	return rc;
}

int accounts_verify_tx(db_conn *c, offerapi_id user_id, const char *email, const char *lang,
                       const char *name)
{
	char token[OFFERAPI_TOKEN_SIZE];
	int rc = token_tx(c, user_id, PURPOSE_VERIFY, email, OFFERAPI_VERIFY_TTL_S, token);
	if (rc == 0)
		rc = token_message_tx(c, "verify-email", user_id, email, lang, name, token);
	sodium_memzero(token, sizeof token);
	return rc;
}

/* Set the address in the open transaction; 1 when nothing was to change
 * (the same address, already verified). */
static int set_email_tx(db_conn *c, offerapi_id id, const char *addr, const char *lang)
{
	db_result *r = NULL;
	int rc = db_exec(c,
	                 "SELECT email, email_verified_at, lang, display_name FROM users"
	                 " WHERE id = $1",
	                 (db_param[]){ P_INT(id) }, 1, &r);
	rc = store_found(rc, &r, "user", id);
	if (rc < 0) {
		db_result_free(r);
		return rc;
	}
	const char *old = db_text(r, 0, 0);
	bool same = old && !strcmp(old, addr);
	if (same && !db_isnull(r, 0, 1) && (!lang || !strcmp(lang, db_text(r, 0, 2)))) {
		db_result_free(r);
		return 1;
	}
	const char *l = lang ? lang : db_text(r, 0, 2);
	rc = db_exec(c,
	             "UPDATE users SET email = $2, lang = $3,"
	             " email_verified_at = CASE WHEN email = $2 THEN email_verified_at END"
	             " WHERE id = $1",
	             (db_param[]){ P_INT(id), P_TEXT(addr), P_TEXT(l) }, 3, NULL);
	if (rc == 0 && !(same && !db_isnull(r, 0, 1)))
		rc = accounts_verify_tx(c, id, addr, l, db_text(r, 0, 3));
	db_result_free(r);
	return rc;
}

int offerapi_user_set_email(offerapi_store *s, offerapi_id id, const char *email, const char *lang)
{
	char addr[OFFERAPI_EMAIL_MAX + 1];
	int rc;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	if ((rc = offerapi_email_normalize(email, addr)) < 0 ||
	    (lang && (rc = accounts_check_lang(lang)) < 0))
		return rc;
	db_conn *c;
	if ((rc = store_begin(s, &c)) < 0)
		return rc;
	rc = set_email_tx(c, id, addr, lang);
	bool sent = rc == 0;
	rc = store_end(s, c, rc > 0 ? 0 : rc); /* 1: nothing to change */
	if (rc == OFFERAPI_EEXISTS)
		return oa_error(OFFERAPI_EEXISTS, "email: another account has this address");
	if (rc == 0 && sent)
		store_jobs_signal(s);
	return rc;
}

/* Use token @token of @purpose on @c: its account and address in @r
 * (user_id, email), or OFFERAPI_EAUTH. */
static int use_token_tx(db_conn *c, const char *token, int purpose, db_result **r)
{
	*r = NULL;
	if (!token_wellformed(token))
		return oa_error(OFFERAPI_EAUTH, "this link is not valid (or no longer)");
	char th[HASH_HEX];
	hash_token(token, th);
	int64_t now = oa_now();
	int rc = db_exec(c,
	                 "UPDATE account_tokens SET used_at = $3"
	                 " WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL"
	                 " AND expires_at > $3 RETURNING user_id, email, token_hash",
	                 (db_param[]){ P_TEXT(th), P_INT(purpose), P_INT(now) }, 3, r);
	if (rc == 0 && ((*r)->nrows != 1 || sodium_memcmp(db_text(*r, 0, 2), th, HASH_HEX - 1)))
		rc = oa_error(OFFERAPI_EAUTH, "this link is not valid (or no longer)");
	if (rc < 0) {
		db_result_free(*r);
		*r = NULL;
	}
	return rc;
}

int offerapi_email_verify(offerapi_store *s, const char *token, offerapi_id *out_user_id)
{
	if (out_user_id)
		*out_user_id = 0;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	db_conn *c;
	int rc = store_begin(s, &c);
	if (rc < 0)
		return rc;
	db_result *r = NULL, *u = NULL;
	rc = use_token_tx(c, token, PURPOSE_VERIFY, &r);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE users SET email_verified_at = $3"
		             " WHERE id = $1 AND email = $2 RETURNING id",
		             (db_param[]){ P_INT(db_int(r, 0, 0)), P_TEXT(db_text(r, 0, 1)),
		                           P_INT(oa_now()) },
		             3, &u);
	if (rc == 0 && u->nrows == 0) /* the account has another address now */
		rc = oa_error(OFFERAPI_EAUTH, "this link is not valid (or no longer)");
	offerapi_id id = rc == 0 ? db_int(r, 0, 0) : 0;
	db_result_free(r);
	db_result_free(u);
	rc = store_end(s, c, rc);
	if (rc == 0 && out_user_id)
		*out_user_id = id;
	return rc;
}

int offerapi_password_reset_request(offerapi_store *s, const char *email)
{
	char addr[OFFERAPI_EMAIL_MAX + 1];
	int rc;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	if ((rc = offerapi_email_normalize(email, addr)) < 0)
		return rc;
	db_conn *c;
	db_result *r = NULL;
	rc = store_begin_exec(s, &c,
	                      "SELECT id, lang, display_name FROM users WHERE email = $1"
	                      " AND erase_at IS NULL",
	                      (db_param[]){ P_TEXT(addr) }, 1, &r);
	bool found = rc == 0 && r->nrows == 1;
	char token[OFFERAPI_TOKEN_SIZE];
	if (found)
		rc = token_tx(c, db_int(r, 0, 0), PURPOSE_RESET, addr, OFFERAPI_RESET_TTL_S, token);
	if (found && rc == 0)
		rc = token_message_tx(c, "password-reset", db_int(r, 0, 0), addr, db_text(r, 0, 1),
		                      db_text(r, 0, 2), token);
	sodium_memzero(token, sizeof token);
	db_result_free(r);
	rc = store_end(s, c, rc);
	if (rc == 0 && found)
		store_jobs_signal(s);
	return rc;
}

int offerapi_password_reset_check(offerapi_store *s, const char *token)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	if (!token_wellformed(token))
		return oa_error(OFFERAPI_EAUTH, "this link is not valid (or no longer)");
	char th[HASH_HEX];
	hash_token(token, th);
	db_result *r = NULL;
	int rc = store_exec(s,
	                    "SELECT token_hash FROM account_tokens WHERE token_hash = $1"
	                    " AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
	                    (db_param[]){ P_TEXT(th), P_INT(PURPOSE_RESET), P_INT(oa_now()) }, 3,
	                    &r);
	if (rc == 0 && (r->nrows != 1 || sodium_memcmp(db_text(r, 0, 0), th, HASH_HEX - 1)))
		rc = oa_error(OFFERAPI_EAUTH, "this link is not valid (or no longer)");
	db_result_free(r);
	return rc;
}

/* The reset itself on @c: token used, password replaced, sessions and
 * other reset tokens gone, address verified. */
static int reset_tx(db_conn *c, const char *token, const char *hash, offerapi_id *id)
{
	db_result *r = NULL;
	int rc = use_token_tx(c, token, PURPOSE_RESET, &r);
	if (rc < 0)
		return rc;
	*id = db_int(r, 0, 0);
	int64_t now = oa_now();
	rc = db_exec(c,
	             "UPDATE users SET password_hash = $2, email_verified_at ="
	             " CASE WHEN email = $3 THEN COALESCE(email_verified_at, $4)"
	             " ELSE email_verified_at END WHERE id = $1",
	             (db_param[]){ P_INT(*id), P_TEXT(hash), P_TEXT(db_text(r, 0, 1)), P_INT(now) },
	             4, NULL);
	db_result_free(r);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM sessions WHERE user_id = $1",
		             (db_param[]){ P_INT(*id) }, 1, NULL);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE account_tokens SET used_at = $2"
		             " WHERE user_id = $1 AND purpose = $3 AND used_at IS NULL",
		             (db_param[]){ P_INT(*id), P_INT(now), P_INT(PURPOSE_RESET) }, 3, NULL);
	return rc;
}

int offerapi_password_reset(offerapi_store *s, const char *token, const char *password,
                            offerapi_id *out_user_id)
{
	if (out_user_id)
		*out_user_id = 0;
	int rc;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	if ((rc = users_check_password(password)) < 0)
		return rc;
	/* a cheap look before the costly hash: a forged link costs no Argon2id */
	if ((rc = offerapi_password_reset_check(s, token)) < 0)
		return rc;
	char hash[USERS_HASH_BUF];
	if ((rc = users_pw_hash(s, password, hash)) < 0)
		return rc;
	db_conn *c;
	offerapi_id id = 0;
	if ((rc = store_begin(s, &c)) == 0)
		rc = store_end(s, c, reset_tx(c, token, hash, &id));
	sodium_memzero(hash, sizeof hash);
	if (rc == 0 && out_user_id)
		*out_user_id = id;
	return rc;
}
