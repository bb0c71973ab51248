/*
 * users.c - accounts, password hashing and sessions.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "keyset.h"
#include "store_internal.h"

_Static_assert(USERS_HASH_BUF == crypto_pwhash_STRBYTES, "hash buffer size");

static const char *const role_names[] = { NULL, "candidate", "recruiter", "admin" };
#define NROLES ((int)(sizeof role_names / sizeof *role_names))
_Static_assert(NROLES == OFFERAPI_ROLE_ADMIN + 1, "every role has a name");

const char *offerapi_role_name(offerapi_role role)
{
	return oa_name_of(role_names, NROLES, 1, (int)role);
}

int offerapi_role_parse(offerapi_role *out, const char *name)
{
	int i;
	int rc = oa_name_parse("role", role_names, NROLES, 1, name, &i);
	if (rc == 0)
		*out = (offerapi_role)i;
	return rc;
}

void offerapi_user_free(offerapi_user *u)
{
	if (!u)
		return;
	free(u->login);
	free(u->display_name);
	free(u->email);
	free(u);
}

int store_user_from_row(const db_result *r, int row, int col, offerapi_user **out)
{
	offerapi_user *u = calloc(1, sizeof *u);
	if (!u)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	u->id = db_int(r, row, col);
	u->login = oa_strdup(db_text(r, row, col + 1));
	u->display_name = oa_strdup(db_text(r, row, col + 2));
	u->role = (offerapi_role)db_int(r, row, col + 3);
	u->created_at = db_int(r, row, col + 4);
	const char *email = r->ncols > col + 5 ? db_text(r, row, col + 5) : NULL;
	u->email = email ? oa_strdup(email) : NULL;
	u->email_verified_at = r->ncols > col + 6 ? db_int(r, row, col + 6) : 0;
	const char *lang = r->ncols > col + 7 ? db_text(r, row, col + 7) : NULL;
	snprintf(u->lang, sizeof u->lang, "%s", lang && !strcmp(lang, "en") ? "en" : "fr");
	if (!u->login || !u->display_name || (email && !u->email)) {
		offerapi_user_free(u);
		return OFFERAPI_ENOMEM;
	}
	*out = u;
	return 0;
}

/* A new account's fields, checked. */
typedef struct user_new {
	char login[OFFERAPI_LOGIN_MAX + 1];
	const char *display_name;
	offerapi_role role;
	const char *email; /* normalized, or NULL */
	const char *lang; /* "fr" or "en" */
} user_new;

/* Fold a login to lower case and check its characters and length. */
static int normalize_login(const char *login, char out[OFFERAPI_LOGIN_MAX + 1])
{
	if (!login || !*login)
		return oa_error(OFFERAPI_EINVAL, "login: missing");
	size_t n = strlen(login);
	if (n > OFFERAPI_LOGIN_MAX)
		return oa_error(OFFERAPI_ETOOBIG, "login: too long (at most %d characters)",
		                OFFERAPI_LOGIN_MAX);
	if (n < OFFERAPI_LOGIN_MIN)
		return oa_error(OFFERAPI_EINVAL, "login: too short (at least %d characters)",
		                OFFERAPI_LOGIN_MIN);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)login[i];
		if (!(isascii(ch) && (isalnum(ch) || strchr(".@_+-", ch))))
			return oa_error(OFFERAPI_EINVAL,
			                "login: use only letters, digits and . @ _ + -");
		out[i] = (char)tolower(ch);
	}
	out[n] = '\0';
	return 0;
}

int users_check_password(const char *pw)
{
	if (!pw)
		return oa_error(OFFERAPI_EINVAL, "password: missing");
	size_t n = strlen(pw);
	if (n > OFFERAPI_PASSWORD_MAX)
		return oa_error(OFFERAPI_ETOOBIG, "password: too long (at most %d bytes)",
		                OFFERAPI_PASSWORD_MAX);
	if (n < OFFERAPI_PASSWORD_MIN)
		return oa_error(OFFERAPI_EINVAL, "password: too short (at least %d characters)",
		                OFFERAPI_PASSWORD_MIN);
	if (!oa_utf8_valid(pw, n))
		return oa_error(OFFERAPI_EINVAL, "password: not valid UTF-8 text");
	return 0;
}

/* Admission control: Argon2id takes pwhash_memlimit bytes while it runs, so
 * at most pwhash_concurrency hashes run at once; others wait their turn. */
static void pw_enter(offerapi_store *s)
{
	pthread_mutex_lock(&s->pw_lock);
	while (s->pw_running >= s->opts.pwhash_concurrency)
		pthread_cond_wait(&s->pw_cond, &s->pw_lock);
	s->pw_running++;
	pthread_mutex_unlock(&s->pw_lock);
}

static void pw_leave(offerapi_store *s)
{
	pthread_mutex_lock(&s->pw_lock);
	s->pw_running--;
	pthread_cond_signal(&s->pw_cond);
	pthread_mutex_unlock(&s->pw_lock);
}

int users_pw_hash(offerapi_store *s, const char *pw, char out[USERS_HASH_BUF])
{
	pw_enter(s);
	int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), s->opts.pwhash_opslimit,
	                               s->opts.pwhash_memlimit, crypto_pwhash_ALG_ARGON2ID13);
	pw_leave(s);
	if (rc != 0)
		return oa_error(OFFERAPI_ENOMEM, "password hashing ran out of memory");
	return 0;
}

/* 0 when @p pw matches @p hash, 1 when it does not, OFFERAPI_ENOMEM (set)
 * when Argon2id could not get its memory: libsodium returns -1 for both,
 * with errno EINVAL for a mismatch and ENOMEM from malloc otherwise. A
 * failure to verify must never read as a wrong password: it would count
 * toward locking the account. */
static int pw_verify(offerapi_store *s, const char *hash, const char *pw)
{
	pw_enter(s);
	errno = 0;
	int rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
	int err = errno;
	pw_leave(s);
	if (rc == 0)
		return 0;
	if (err == ENOMEM)
		return oa_error(OFFERAPI_ENOMEM, "password check ran out of memory");
	return 1;
}

/* Insert the user and make *out (when not NULL) in one transaction, with
 * the verification message of @email when given: when the record cannot
 * be made, nothing was written, so a caller told "out of memory" may try
 * again with the same login. */
static int insert_user(offerapi_store *s, const user_new *n, const char *hash, offerapi_user **out)
{
	db_conn *c;
	db_result *r = NULL;
	int rc = store_begin_exec(
		s, &c,
		"INSERT INTO users (login, display_name, role, password_hash, created_at,"
		" email, lang) VALUES ($1, $2, $3, $4, $5, $6, $7)"
		" RETURNING id, login, display_name, role, created_at, email,"
		" email_verified_at, lang",
		(db_param[]){ P_TEXT(n->login), P_TEXT(n->display_name), P_INT(n->role),
	                      P_TEXT(hash), P_INT(oa_now()), P_TEXT(n->email), P_TEXT(n->lang) },
		7, &r);
	if (rc == 0 && n->email)
		rc = accounts_verify_tx(c, db_int(r, 0, 0), n->email, n->lang, n->display_name);
	if (rc == 0 && out)
		rc = store_user_from_row(r, 0, 0, out);
	db_result_free(r);
	rc = store_end(s, c, rc);
	if (rc < 0 && out) {
		offerapi_user_free(*out);
		*out = NULL;
	}
	if (rc == 0 && n->email)
		store_jobs_signal(s); /* wake the mail sender */
	return rc;
}

/* A field already taken: which one, named in the message. */
static int taken_error(offerapi_store *s, const user_new *n)
{
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT 1 FROM users WHERE email = $1",
	                    (db_param[]){ P_TEXT(n->email) }, 1, &r);
	bool email = rc == 0 && n->email && r->nrows > 0;
	db_result_free(r);
	if (rc < 0)
		return rc;
	if (email)
		return oa_error(OFFERAPI_EEXISTS, "email: another account has this address");
	return oa_error(OFFERAPI_EEXISTS, "login: \"%s\" is already taken", n->login);
}

static int user_new_check(user_new *n, const char *login, const char *display_name,
                          const char *password, offerapi_role role)
{
	int rc;
	if ((rc = normalize_login(login, n->login)) < 0 ||
	    (rc = oa_check_text("display name", display_name, 1, OFFERAPI_NAME_MAX, false, false)) <
	            0 ||
	    (rc = users_check_password(password)) < 0)
		return rc;
	if (!offerapi_role_name(role))
		return oa_error(OFFERAPI_EINVAL, "role: must be candidate, recruiter or admin");
	n->display_name = display_name;
	n->role = role;
	return 0;
}

static int create_user(offerapi_store *s, user_new *n, const char *password, offerapi_user **out)
{
	/* A cheap look first, so a taken login or address does not cost a
	 * hash. The UNIQUE constraints still decide a race. */
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT 1 FROM users WHERE login = $1 OR email = $2",
	                    (db_param[]){ P_TEXT(n->login), P_TEXT(n->email) }, 2, &r);
	bool taken = rc == 0 && r->nrows > 0;
	db_result_free(r);
	if (rc < 0)
		return rc;
	if (taken)
		return taken_error(s, n);
	char hash[USERS_HASH_BUF];
	if ((rc = users_pw_hash(s, password, hash)) < 0)
		return rc;
	rc = insert_user(s, n, hash, out);
	sodium_memzero(hash, sizeof hash);
	if (rc == OFFERAPI_EEXISTS)
		return taken_error(s, n);
	return rc;
}

int offerapi_user_create(offerapi_store *s, const char *login, const char *display_name,
                         const char *password, offerapi_role role, offerapi_user **out)
{
	user_new n = { .lang = "fr" };
	int rc;
	if (out)
		*out = NULL;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	if ((rc = user_new_check(&n, login, display_name, password, role)) < 0)
		return rc;
	return create_user(s, &n, password, out);
}

int offerapi_user_create_with_email(offerapi_store *s, const char *login, const char *display_name,
                                    const char *password, offerapi_role role, const char *email,
                                    const char *lang, offerapi_user **out)
{
	user_new n = { 0 };
	char addr[OFFERAPI_EMAIL_MAX + 1];
	int rc;
	if (out)
		*out = NULL;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	if ((rc = user_new_check(&n, login, display_name, password, role)) < 0 ||
	    (rc = offerapi_email_normalize(email, addr)) < 0 ||
	    (rc = accounts_check_lang(lang)) < 0)
		return rc;
	n.email = addr;
	n.lang = lang;
	return create_user(s, &n, password, out);
}

int offerapi_user_set_password(offerapi_store *s, const char *login, const char *password)
{
	char norm[OFFERAPI_LOGIN_MAX + 1];
	int rc;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	if ((rc = normalize_login(login, norm)) < 0 || (rc = users_check_password(password)) < 0)
		return rc;
	char hash[USERS_HASH_BUF];
	if ((rc = users_pw_hash(s, password, hash)) < 0)
		return rc;
	db_result *r = NULL;
	rc = store_exec(s, "UPDATE users SET password_hash = $1 WHERE login = $2 RETURNING id",
	                (db_param[]){ P_TEXT(hash), P_TEXT(norm) }, 2, &r);
	sodium_memzero(hash, sizeof hash);
	bool found = rc == 0 && r->nrows > 0;
	db_result_free(r);
	if (rc < 0)
		return rc;
	return found ? 0 : oa_error(OFFERAPI_ENOTFOUND, "login: no user \"%s\"", norm);
}

int offerapi_user_authenticate(offerapi_store *s, const char *login, const char *password,
                               offerapi_user **out)
{
	char norm[OFFERAPI_LOGIN_MAX + 1];
	*out = NULL;
	if (!s || !password || strlen(password) > OFFERAPI_PASSWORD_MAX)
		return oa_error(OFFERAPI_EAUTH, "wrong login or password");
	bool valid_login = normalize_login(login, norm) == 0;
	db_result *r = NULL;
	int rc = 0;
	if (valid_login) {
		rc = store_exec(s,
		                "SELECT " USER_COLUMNS ", u.password_hash FROM users u"
		                " WHERE u.login = $1 AND u.erase_at IS NULL AND u.erased = 0",
		                (db_param[]){ P_TEXT(norm) }, 1, &r);
		if (rc < 0)
			return rc;
	}
	if (!r || r->nrows == 0) {
		/* Spend the time of a real verification so that response times
		 * do not tell which logins exist. */
		pthread_mutex_lock(&s->pw_lock);
		bool need = !s->dummy_hash;
		pthread_mutex_unlock(&s->pw_lock);
		if (need) {
			char h[crypto_pwhash_STRBYTES];
			if (users_pw_hash(s, "offerapi-no-such-user", h) == 0) {
				pthread_mutex_lock(&s->pw_lock);
				if (!s->dummy_hash)
					s->dummy_hash = strdup(h);
				pthread_mutex_unlock(&s->pw_lock);
			}
		} else {
			(void)pw_verify(s, s->dummy_hash, password);
		}
		db_result_free(r);
		return oa_error(OFFERAPI_EAUTH, "wrong login or password");
	}
	rc = pw_verify(s, db_text(r, 0, USER_NCOLS), password);
	if (rc == 0)
		rc = store_user_from_row(r, 0, 0, out);
	else if (rc == 1)
		rc = oa_error(OFFERAPI_EAUTH, "wrong login or password");
	db_result_free(r);
	return rc;
}

int offerapi_user_get(offerapi_store *s, offerapi_id id, offerapi_user **out)
{
	*out = NULL;
	db_result *r = NULL;
	int rc = store_exec(s,
	                    "SELECT " USER_COLUMNS " FROM users u WHERE u.id = $1 AND u.erased = 0",
	                    (db_param[]){ P_INT(id) }, 1, &r);
	if ((rc = store_found(rc, &r, "user", id)) < 0)
		return rc;
	rc = store_user_from_row(r, 0, 0, out);
	db_result_free(r);
	return rc;
}

int offerapi_user_get_by_login(offerapi_store *s, const char *login, offerapi_user **out)
{
	*out = NULL;
	char norm[OFFERAPI_LOGIN_MAX + 1];
	int rc = normalize_login(login, norm);
	if (rc < 0)
		return rc;
	db_result *r = NULL;
	rc = store_exec(s,
	                "SELECT " USER_COLUMNS " FROM users u WHERE u.login = $1 AND u.erased = 0",
	                (db_param[]){ P_TEXT(norm) }, 1, &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "login: no user \"%s\"", norm);
	else
		rc = store_user_from_row(r, 0, 0, out);
	db_result_free(r);
	return rc;
}

int offerapi_session_create(offerapi_store *s, const offerapi_user *user,
                            char token[OFFERAPI_TOKEN_SIZE])
{
	if (!s || !user || !token)
		return oa_error(OFFERAPI_EINVAL, "session: missing argument");
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, OFFERAPI_TOKEN_SIZE, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	char th[2 * crypto_hash_sha256_BYTES + 1];
	hash_token(token, th); /* the sessions table keeps only this */
	int64_t now = oa_now();
	int rc = store_exec(s,
	                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
	                    " VALUES ($1, $2, $3, $4)",
	                    (db_param[]){ P_TEXT(th), P_INT(user->id), P_INT(now),
	                                  P_INT(now + (int64_t)s->opts.session_ttl_s) },
	                    4, NULL);
	if (rc < 0)
		token[0] = '\0';
	return rc;
}

/*
 * The session whose token hashes to @th, with its account, at time @now:
 * no row when there is none. On PostgreSQL the rows read are kept while
 * the generations' listener hears of no change to a session or an account
 * and for a second at most (genwatch.c; migration 22's triggers): a
 * request then costs no round trip to know who asks. A session ended
 * through this process ends at once; through another, when its
 * notification arrives. A kept row serves until the session expires, no
 * later.
 */
static int session_row(offerapi_store *s, const char *th, int64_t now, db_result **out)
{
	uint64_t epoch;
	bool keep = gen_watch_now(s->watch, &epoch);
	int rc = keep ? search_cache_get_result(s->sessions, th, (int64_t)epoch, now, out) : 0;
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = store_exec(s,
	                "SELECT " USER_COLUMNS ", s.token_hash, s.expires_at FROM sessions s"
	                " JOIN users u ON u.id = s.user_id"
	                " WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.erase_at IS NULL",
	                (db_param[]){ P_TEXT(th), P_INT(now) }, 2, out);
	if (rc == 0 && keep && (*out)->nrows == 1) /* right until the second before it expires */
		search_cache_put_result(s->sessions, th, (int64_t)epoch,
		                        db_int(*out, 0, USER_NCOLS + 1) - 1, *out);
	return rc;
}

int offerapi_session_user(offerapi_store *s, const char *token, offerapi_user **out)
{
	*out = NULL;
	if (!s || !token_wellformed(token))
		return oa_error(OFFERAPI_EAUTH, "unknown or expired session");
	char th[2 * crypto_hash_sha256_BYTES + 1];
	hash_token(token, th);
	db_result *r = NULL;
	int rc = session_row(s, th, oa_now(), &r);
	if (rc < 0)
		return rc;
	/* The index lookup already matched; compare again in constant time so
	 * that no collation or backend quirk can accept a near miss. */
	if (r->nrows == 1 && sodium_memcmp(db_text(r, 0, USER_NCOLS), th, sizeof th - 1) == 0)
		rc = store_user_from_row(r, 0, 0, out);
	else
		rc = oa_error(OFFERAPI_EAUTH, "unknown or expired session");
	db_result_free(r);
	return rc;
}

int offerapi_session_delete(offerapi_store *s, const char *token)
{
	if (!s || !token_wellformed(token))
		return 0;
	char th[2 * crypto_hash_sha256_BYTES + 1];
	hash_token(token, th);
	return store_exec(s, "DELETE FROM sessions WHERE token_hash = $1",
	                  (db_param[]){ P_TEXT(th) }, 1, NULL);
}

/* The id shown for a session: hex(SHA-256("offerapi-session-id:" + token
 * hash)), cut to 16 digits. One-way from the stored hash, so it names the
 * session without letting anyone log in with it. */
static void id_from_hash(const char *th, char id[OFFERAPI_SESSION_ID_SIZE])
{
	static const char domain[] = "offerapi-session-id:";
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)domain, sizeof domain - 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)th, strlen(th));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(id, OFFERAPI_SESSION_ID_SIZE, h, (OFFERAPI_SESSION_ID_SIZE - 1) / 2);
}

int offerapi_session_id(const char *token, char id[OFFERAPI_SESSION_ID_SIZE])
{
	if (!id)
		return oa_error(OFFERAPI_EINVAL, "session id: missing argument");
	id[0] = '\0';
	if (!token_wellformed(token))
		return oa_error(OFFERAPI_EINVAL, "session id: malformed token");
	char th[2 * crypto_hash_sha256_BYTES + 1];
	hash_token(token, th);
	id_from_hash(th, id);
	return 0;
}

/* The live sessions of @user_id: token hash, created_at, expires_at. */
static int session_rows(offerapi_store *s, offerapi_id user_id, db_result **r)
{
	return store_exec(s,
	                  "SELECT token_hash, created_at, expires_at FROM sessions"
	                  " WHERE user_id = $1 AND expires_at > $2"
	                  " ORDER BY created_at DESC, id DESC",
	                  (db_param[]){ P_INT(user_id), P_INT(oa_now()) }, 2, r);
}

int offerapi_session_list_user(offerapi_store *s, offerapi_id user_id, offerapi_session_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "session list: missing argument");
	*out = NULL;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "session list: missing argument");
	db_result *r = NULL;
	int rc = session_rows(s, user_id, &r);
	if (rc < 0)
		return rc;
	offerapi_session_list *l = calloc(1, sizeof *l);
	if (l && r->nrows > 0)
		l->items = calloc((size_t)r->nrows, sizeof *l->items);
	if (!l || (r->nrows > 0 && !l->items)) {
		free(l);
		db_result_free(r);
		return oa_error(OFFERAPI_ENOMEM, "session list: out of memory");
	}
	for (int i = 0; i < r->nrows; i++) {
		id_from_hash(db_text(r, i, 0), l->items[i].id);
		l->items[i].created_at = db_int(r, i, 1);
		l->items[i].expires_at = db_int(r, i, 2);
	}
	l->count = (size_t)r->nrows;
	l->total = -1;
	db_result_free(r);
	*out = l;
	return 0;
}

/* The page of @res into @list (ks_list_type.fill). */
static int sessions_fill(ks_result *res, void *list)
{
	offerapi_session_list *l = list;
	ks_take_page(res, &l->total, &l->next, &l->prev);
	l->items = calloc(res->page.count ? res->page.count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "session list: out of memory");
	for (size_t i = 0; i < res->page.count; i++) {
		int row = res->rows[res->page.first + i].row;
		id_from_hash(db_text(res->r, row, res->base), l->items[i].id);
		l->items[i].created_at = db_int(res->r, row, res->base + 1);
		l->items[i].expires_at = db_int(res->r, row, res->base + 2);
	}
	l->count = res->page.count;
	return 0;
}

static void sessions_free(void *list)
{
	offerapi_session_list_free(list);
}

/* A user's live sessions, newest first: (created_at, id) under $1 the
 * user and $2 the time (sessions_user_page). */
static const ks_list_type sessions_list = {
	KS_SPEC_NEWEST('e', "s0.id", "s0.created_at",
	               " FROM sessions s0 WHERE s0.user_id = $1 AND s0.expires_at > $2", 2),
	", s.token_hash, s.created_at, s.expires_at",
	" JOIN sessions s ON s.id = k.id",
	sizeof(offerapi_session_list),
	sessions_fill,
	sessions_free,
	"session list: missing argument",
	"session list: out of memory",
	NULL /* no check: ks_list_page() */
};

int offerapi_session_list_page(offerapi_store *s, offerapi_id user_id, const offerapi_page *page,
                               offerapi_session_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "session list: missing argument");
	int rc;
	*out = ks_list_page(s, &sessions_list, user_id, page,
	                    (db_param[]){ P_INT(user_id), P_INT(oa_now()) }, &rc);
	return rc;
}

void offerapi_session_list_free(offerapi_session_list *list)
{
	if (!list)
		return;
	ks_list_free(list->items, list->next, list->prev, list);
}

int offerapi_session_revoke(offerapi_store *s, offerapi_id user_id, const char *id)
{
	if (!s || !id)
		return oa_error(OFFERAPI_EINVAL, "session revoke: missing argument");
	db_result *r = NULL;
	int rc = session_rows(s, user_id, &r);
	if (rc < 0)
		return rc;
	char th[2 * crypto_hash_sha256_BYTES + 1] = "";
	for (int i = 0; i < r->nrows && !th[0]; i++) {
		char cand[OFFERAPI_SESSION_ID_SIZE];
		id_from_hash(db_text(r, i, 0), cand);
		if (!strcmp(cand, id))
			snprintf(th, sizeof th, "%s", db_text(r, i, 0));
	}
	db_result_free(r);
	if (!th[0])
		return oa_error(OFFERAPI_ENOTFOUND, "session %.16s: no such session", id);
	return store_exec(s, "DELETE FROM sessions WHERE token_hash = $1 AND user_id = $2",
	                  (db_param[]){ P_TEXT(th), P_INT(user_id) }, 2, NULL);
}

int offerapi_session_purge(offerapi_store *s, int64_t *out_count)
{
	db_result *r = NULL;
	int rc = store_write(s, "DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1",
	                     (db_param[]){ P_INT(oa_now()) }, 1, &r);
	if (rc == 0 && out_count)
		*out_count = r->nrows;
	db_result_free(r);
	return rc;
}
