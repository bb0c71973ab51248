/*
 * testdb.h - a fresh, empty database for each test, on the backend the
 * suite runs on: "sqlite" (a file in a new temporary folder) or
 * "postgresql" (a new database in the cluster that tests/with-postgresql.sh
 * started; its URL comes from OFFERAPI_TEST_PG_URL, and a missing variable
 * fails the test rather than skipping it).
 */
#ifndef OFFERAPI_TESTDB_H
#define OFFERAPI_TESTDB_H

#include <offerapi/offerapi.h>

typedef struct testdb {
	char url[1024];
	char dir[256]; /* sqlite: the temporary folder */
	char dbname[64]; /* postgresql: the database made for this test */
	char admin_url[1024];
} testdb;

/* Fail the current test unless @expr returns @code, quoting the library's
 * last error message. Needs <cmocka.h> included before this header. */
#define assert_rc(expr, code)                                                                      \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		if (rc_ != (code))                                                                 \
			fail_msg("%s returned %d (%s), expected %d", #expr, rc_,                   \
			         offerapi_error_last()->message, (code));                          \
	} while (0)

/* Create a user whose password is "password1" (fails the test on error). */
offerapi_user *testdb_user(offerapi_store *s, const char *login, offerapi_role role);

/* Which backend this run uses: set once from argv[1] by main(). */
extern const char *testdb_backend;

/* Make a fresh database; aborts the test (cmocka fail) if it cannot. */
void testdb_create(testdb *t);
/* Drop it and its files. */
void testdb_destroy(testdb *t);

/* The data key file of the run: NULL on SQLite (the default beside the
 * database file); on PostgreSQL, OFFERAPI_DATA_KEY_FILE as
 * tests/with-postgresql.sh sets it. */
const char *testdb_key_file(void);

/* Options for fast tests: Argon2id at libsodium's minimum, small pool, the
 * run's data key file. */
offerapi_store_options testdb_options(void);

/* Open a store on a fresh database (fails the test on error). */
offerapi_store *testdb_open(testdb *t);

/* testdb_create() then testdb_open(): a store on a new database. */
offerapi_store *testdb_open_new(testdb *t);

/* Run @call, a write through another store (another replica), then wait
 * (10 s at most) until the store @s has heard of it: on PostgreSQL @s
 * keeps what it read while its listener hears of no change (genwatch.c).
 * For the internal tests (store_internal.h, <time.h>). */
#define TESTDB_BY_OTHER(s, call)                                                                   \
	do {                                                                                       \
		gen_watch *w_ = (s)->watch;                                                        \
		uint64_t h_ = gen_watch_heard(w_);                                                 \
		call;                                                                              \
		for (int i_ = 0;                                                                   \
		     i_ < 10000 && gen_watch_listening(w_) && gen_watch_heard(w_) == h_; i_++)     \
			nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);                     \
	} while (0)

/* How many offers the first page of the board lists (at most 50). */
size_t testdb_board_count(offerapi_store *s);

/* Free @s, then drop its database (testdb_destroy()). */
void testdb_close(testdb *t, offerapi_store *s);

/* A new offer of @rec titled @title, described "C.", with nothing else;
 * returns its id (fails the test on error). */
offerapi_id testdb_offer(offerapi_store *s, const offerapi_user *rec, const char *title);

/* @cand applies to @offer with the PDF @pdf of @len bytes as "cv.pdf" and
 * no answers; returns the application's id (fails the test on error). */
offerapi_id testdb_submit(offerapi_store *s, const offerapi_user *cand, offerapi_id offer,
                          const void *pdf, size_t len);

/*
 * The fixture most store tests start from, for cmocka's group or test
 * setup and teardown: testdb_setup() opens a store on a fresh database;
 * testdb_setup_people() also makes a recruiter "rh@example.org" and two
 * candidates "cand@example.org" and "cand2@example.org" (testdb_user());
 * testdb_teardown() frees all of it. A test reads it as
 * `testdb_fixture *f = *state`.
 */
typedef struct testdb_fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *cand, *cand2; /* NULL after testdb_setup() */
} testdb_fixture;

int testdb_setup(void **state);
int testdb_setup_people(void **state);
int testdb_teardown(void **state);

#endif
