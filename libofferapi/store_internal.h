/*
 * store_internal.h - the store object, shared by the domain files.
 */
#ifndef OFFERAPI_STORE_INTERNAL_H
#define OFFERAPI_STORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "offerapi/offer.h"
#include "offerapi/store.h"
#include "offerapi/user.h"
#include "db.h"
#include "genwatch.h"
#include "search_cache.h"

struct offerapi_store {
	db_pool *pool;
	const db_backend *be;
	offerapi_store_options opts; /* defaults applied */
	/* Argon2id admission: at most opts.pwhash_concurrency at once */
	pthread_mutex_t pw_lock;
	pthread_cond_t pw_cond;
	unsigned int pw_running;
	/* a hash to verify against when a login is unknown, so that an unknown
	 * login takes as long as a wrong password (made on first need) */
	char *dummy_hash;
	/* jobs (jobs.c): runners of this process wait on jobs_cond and are
	 * woken when this process enqueues; jobs_seq counts enqueues */
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_cond;
	uint64_t jobs_seq;
	int64_t jobs_requeued_ms; /* last look for expired leases (under jobs_lock) */
	int64_t throttle_purged_s; /* last purge of expired login rows (under jobs_lock) */
	/* SQLite: the job writes (claim, complete, fail, release) of this
	 * process's threads take turns here rather than in SQLite's busy
	 * handler, which sleeps for milliseconds between tries */
	pthread_mutex_t jobs_write;
	/* CVs at rest (crypt.c): the data key (sodium_malloc'd, 32 bytes),
	 * its row in data_keys, and the key file that unwrapped it */
	unsigned char *dk;
	bool has_dk;
	offerapi_id dk_id;
	char *key_file;
	/* the ranked matches of recent searches (searchcache.c), used when
	 * the schema has offers_generation (search_gen) */
	search_cache *search;
	bool search_gen;
	/* the pages of offers the lists read lately (offers.c), used when the
	 * schema has pages_generation (page_gen) */
	search_cache *pages;
	bool page_gen;
	/* PostgreSQL: the generations kept while no write is told, and the
	 * sessions read lately, kept likewise (users.c); NULL on SQLite */
	gen_watch *watch;
	search_cache *sessions;
};

/* offerapi_store_open(), applying only the migrations up to @upto: for the
 * tests that build a store as an older version left it. */
int store_open_upto(offerapi_store **out, const char *url, const offerapi_store_options *opts,
                    int upto);

/* The number of the migration that gives sessions an integer id (found in
 * the array: a renumbering at a merge needs no edit), for test_migrate. */
int store_session_ids_version(void);
/* The migration that adds the dashboard's aggregates (score_bins,
 * offer_app_counts): for its test. */
int store_dashboard_aggs_version(void);

/* Wake the job runners of this process (after enqueuing). */
void store_jobs_signal(offerapi_store *s);

/* The count of this process's enqueues, read before a claim so that no
 * wake-up between the claim and store_jobs_wait() is lost. */
uint64_t store_jobs_seq(offerapi_store *s);

/* Wake, without an enqueue, every thread of this process sleeping in
 * store_jobs_wait(), so that it sees its stop flag. */
void store_jobs_wake(offerapi_store *s);

/* jobs_cond and the runners' and senders' stop conditions wait on the
 * monotonic clock: oa_cond_init_monotonic(), oa_deadline_ms() (oacommon.h). */

/* Whether a periodic chore of this process is due: at most once per
 * @every (in @now's unit) since *@last, or when the clock went back; when
 * due, *@last becomes @now. *@last is read and set under jobs_lock. */
bool store_due(offerapi_store *s, int64_t *last, int64_t now, int64_t every);

/* Sleep up to @ms, unless this process enqueued since @seq or *@stop is
 * set (job runners and mail senders). */
void store_jobs_wait(offerapi_store *s, uint64_t seq, atomic_bool *stop, unsigned int ms);

/* Whether the store is on PostgreSQL (else SQLite). */
bool store_is_pg(const offerapi_store *s);

/* SQLite: take (give back) this process's turn at queue writes (jobs_write);
 * PostgreSQL's row locks need no such help: nothing. Take the connection
 * first: a thread waiting for its turn must never hold the connection
 * that the thread whose turn it is waits for. */
void store_queue_lock(offerapi_store *s);
void store_queue_unlock(offerapi_store *s);

/* Borrow a connection; on failure the error is set. */
int store_conn(offerapi_store *s, db_conn **out);
/* Give back a connection from store_conn(), once what was written with it
 * has committed or rolled back: the generations kept in memory are read
 * again (genwatch.c). */
void store_release(offerapi_store *s, db_conn *c);

/* Borrow a connection and open a write transaction on it; on failure the
 * error is set and nothing is held. End it with store_end(). */
int store_begin(offerapi_store *s, db_conn **out);

/* store_begin(), then the transaction's first statement: what a write
 * that reads what it changed starts with. Whatever it returns, end with
 * store_end(s, *out, rc); when the transaction could not begin, *out is
 * NULL, *res untouched and store_end() only returns @rc. */
int store_begin_exec(offerapi_store *s, db_conn **out, const char *sql, const db_param *p, int n,
                     db_result **res);

/* Commit (@rc 0) or roll back (db_end) the transaction of store_begin(),
 * then give the connection back; the commit's error or @rc. @c NULL (a
 * transaction that did not begin): @rc. */
int store_end(offerapi_store *s, db_conn *c, int rc);

/* In a transaction on @c: take the migration lock (PostgreSQL: replicas
 * starting together take turns), then set *@any to whether the count
 * @sql (a SELECT COUNT(*) over @p) is above 0: "did another replica do it
 * first?" for the migrations and the data key. */
int store_locked_any(offerapi_store *s, db_conn *c, const char *sql, const db_param *p, int n,
                     bool *any);

/* Run a single statement on a borrowed connection of its own. */
int store_exec(offerapi_store *s, const char *sql, const db_param *p, int n, db_result **out);

/* Run the @n read statements (SELECTs) of @stmts on a borrowed connection
 * of their own, in one round trip on PostgreSQL (db_batch(), which says
 * what they see): their results in @out[0..n), each freed by the caller, or
 * none (all NULL) and an error naming the statement at fault. */
int store_batch(offerapi_store *s, int n, const db_stmt *stmts, db_result **out);

/* After a statement that reads or writes the row of @what @id into *r
 * and returned @rc: when @rc is 0 and no row came back, *r is freed (and
 * NULL) and the answer is ENOTFOUND "@what @id: not found"; else @rc.
 * Call it as store_found(store_exec(..., &r), &r, "user", id). */
int store_found(int rc, db_result **r, const char *what, offerapi_id id);
/* SQLite: copy the WAL back into the database file and empty it, so that
 * deleted rows leave no copy behind (erasure, purge); retried while a
 * reader is in the way, OFFERAPI_EBUSY after about 2 s. */
int store_wal_truncate(db_conn *c);

/* After a commit that deleted personal data, on @c: on SQLite,
 * store_wal_truncate(), a failure logged as a warning naming @what (the
 * rows are gone from the database file; a later checkpoint drops the old
 * frames); nothing on PostgreSQL. */
void store_wal_scrub(offerapi_store *s, db_conn *c, const char *what);

/* COUNT(*) of " FROM ... WHERE ..." (@from) with parameters @p. */
int store_count(offerapi_store *s, const char *from, const db_param *p, int n, int64_t *out);

/* The same in a transaction of its own, for a write whose result rows
 * (RETURNING) matter: when they cannot be read (out of memory) the write is
 * rolled back, so that an error always means nothing was written. In
 * autocommit the write would already be done when its rows are read. */
int store_write(offerapi_store *s, const char *sql, const db_param *p, int n, db_result **out);

/* The start and end of the one upsert that stores a score: two writers
 * storing the same (application, scorer) at once (two replicas rescoring)
 * both succeed, the last one wins. The rows between give, in this order,
 * application_id, scorer, scorer_version, score, explanation, created_at,
 * offer_id, app_created_at. */
#define SCORES_INSERT                                                                              \
	"INSERT INTO scores (application_id, scorer, scorer_version, score,"                       \
	" explanation, created_at, offer_id, app_created_at)"
#define SCORES_UPSERT                                                                              \
	" ON CONFLICT (application_id, scorer) DO UPDATE SET"                                      \
	" scorer_version = excluded.scorer_version, score = excluded.score,"                       \
	" explanation = excluded.explanation, created_at = excluded.created_at"

/* The number of applications to offer @o (an alias of offers): the count
 * that migration 20's triggers keep, one primary-key seek however many
 * there are. */
#define OFFER_APP_COUNT(o)                                                                         \
	"COALESCE((SELECT oac.applications FROM offer_app_counts oac WHERE oac.offer_id = " o      \
	".id), 0)"

/* A user's columns (alias u), as store_user_from_row() reads them. */
#define USER_COLUMNS                                                                               \
	"u.id, u.login, u.display_name, u.role, u.created_at, u.email, u.email_verified_at, u.lang"
#define USER_NCOLS 8 /* the columns of USER_COLUMNS; extra columns follow */

/* Fill a user from USER_COLUMNS starting at @col of @row. */
int store_user_from_row(const db_result *r, int row, int col, offerapi_user **out);

/* OFFERAPI_EPERM unless @actor is a recruiter and owns offer @id
 * (OFFERAPI_ENOTFOUND when there is no such offer); @what says what the
 * actor tried ("edit an offer"). */
int store_check_owner(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                      const char *what);

/* The same check over a result that carries the offer's row among others
 * (one round trip): the row whose column @marker is NULL has the offer's
 * recruiter_id in column @col; its index in *@row. OFFERAPI_ENOTFOUND
 * without such a row. */
int store_owner_row(const db_result *r, int marker, int col, const offerapi_user *actor,
                    offerapi_id id, int *row);

/* offerapi_offer_get()'s statement ($1 the offer), and the offer from its
 * result: ENOTFOUND "offer ID: not found" without a row. */
extern const char offer_get_sql[];
int offer_get_take(const db_result *r, offerapi_id id, offerapi_offer **out);

/* ---- accounts (users.c, accounts.c) ---- */

/* Room for an Argon2id hash string (crypto_pwhash_STRBYTES). */
#define USERS_HASH_BUF 128

/* The password rules of offerapi_user_create(); error set. */
int users_check_password(const char *pw);

/* Hash @pw with Argon2id under the store's admission limit. */
int users_pw_hash(offerapi_store *s, const char *pw, char out[USERS_HASH_BUF]);

/* 0 for "fr" or "en"; OFFERAPI_EINVAL (set) otherwise. */
int accounts_check_lang(const char *lang);

/* In the caller's transaction on @c: a verification token for @email of
 * user @user_id, and its message in the outbox. Earlier unused
 * verification tokens of the user are used up. The caller signals the
 * sender (store_jobs_signal) after its commit. */
int accounts_verify_tx(db_conn *c, offerapi_id user_id, const char *email, const char *lang,
                       const char *name);

/* The SHA-256 of @token in hex (what token tables keep). */
void hash_token(const char *token, char out[2 * 32 + 1]);

/* A new token (32 random bytes in hex, OFFERAPI_TOKEN_SIZE with its NUL)
 * and its hash as hash_token() gives it. */
void token_new(char *token, char hash[2 * 32 + 1]);

/* Whether @t is OFFERAPI_TOKEN_SIZE - 1 lower-case hex digits. */
bool token_wellformed(const char *t);

/* ---- notifications (notify.c) ---- */

/* In the caller's transaction on @c, after application @app_id is
 * stored: its recruiter's e-mail in the outbox when the offer notifies
 * "each", or the application marked for the next digest when "daily".
 * *@queued: whether a message was written (signal the sender after the
 * commit). */
int notify_application_tx(db_conn *c, offerapi_id app_id, bool *queued);

/* The refusal of an offer's notify outside offerapi_notify: EINVAL naming
 * the field and its values. */
int notify_error(void);

/* A one-click unsubscribe token for (@user_id, @kind, @offer_id) on @c:
 * the token into @token (OFFERAPI_TOKEN_SIZE), its hash into the table.
 * @kind: NOTIFY_KIND_* (@offer_id 0 but for NOTIFY_KIND_OFFER). */
#define NOTIFY_KIND_STAGES 1
#define NOTIFY_KIND_OFFER 2
#define NOTIFY_KIND_DIGEST 3
int notify_token_tx(db_conn *c, offerapi_id user_id, int kind, offerapi_id offer_id, char *token);

/* ---- the outbox (outbox.c) ---- */

/* Put a message in the outbox on @c, inside the caller's transaction.
 * @params is a JSON object (the template's fields); @user_id may be 0. */
int outbox_enqueue_tx(db_conn *c, const char *kind, const char *to, const char *lang,
                      offerapi_id user_id, const char *params);

/* Check that the actor is a user of @role; EPERM with a message otherwise. */
/* Migration 8: compute offers.search_title and search_body (search.h) of
 * every stored offer, on @c inside the migration's transaction. */
int offers_search_backfill(db_conn *c);

/* The number of the migration that lets users.role be 3 (the operator's
 * admin role), for tests that open a store just before it. */
int store_admin_role_version(void);

int store_require_role(const offerapi_user *actor, offerapi_role role, const char *what);

#endif
