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

#endif
