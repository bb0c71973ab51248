/*
 * pg_test.h - helpers shared by the PostgreSQL tests (run under
 * tests/with-postgresql.sh, which provides the OFFERAPI_TEST_PG_* variables).
 */
#ifndef OFFERAPI_PG_TEST_H
#define OFFERAPI_PG_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "db.h"
#include "internal.h"

/* Fail (never skip) when the harness did not provide a variable. */
static inline const char *pgt_env(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		fail_msg("%s is not set: run this test through tests/with-postgresql.sh", name);
	return v;
}

/* Assert that @call returns 0, showing the library's last error if not. */
#define PGT_OK(call)                                                                               \
	do {                                                                                       \
		int pgt_rc_ = (call);                                                              \
		if (pgt_rc_ != 0)                                                                  \
			fail_msg("%s -> %d: %s", #call, pgt_rc_, offerapi_error_last()->message);  \
	} while (0)

/* Assert that @call fails with @code. */
#define PGT_FAILS(call, code)                                                                      \
	do {                                                                                       \
		int pgt_rc_ = (call);                                                              \
		if (pgt_rc_ != (code))                                                             \
			fail_msg("%s -> %d, expected %d (%s); last error: %s", #call, pgt_rc_,     \
			         (code), #code, offerapi_error_last()->message);                   \
	} while (0)

/* Assert that the last error message contains @needle. */
#define PGT_MSG_HAS(needle)                                                                        \
	do {                                                                                       \
		const char *pgt_m_ = offerapi_error_last()->message;                               \
		if (!strstr(pgt_m_, (needle)))                                                     \
			fail_msg("error message \"%s\" lacks \"%s\"", pgt_m_, (needle));           \
	} while (0)

#define PGT_MSG_LACKS(needle)                                                                      \
	do {                                                                                       \
		const char *pgt_m_ = offerapi_error_last()->message;                               \
		if (strstr(pgt_m_, (needle)))                                                      \
			fail_msg("error message \"%s\" contains \"%s\"", pgt_m_, (needle));        \
	} while (0)

static inline double pgt_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A malloc'd copy of the URL @url whose database (the path) is @db and
 * whose query string is @query (may be NULL). */
static inline char *pgt_url_with(const char *url, const char *db, const char *query)
{
	const char *auth = strstr(url, "://");
	assert_non_null(auth);
	const char *slash = strchr(auth + 3, '/');
	size_t keep = slash ? (size_t)(slash - url) : strlen(url);
	size_t sz = keep + strlen(db) + (query ? strlen(query) : 0) + 4;
	char *out = malloc(sz);
	assert_non_null(out);
	snprintf(out, sz, "%.*s/%s%s%s", (int)keep, url, db, query ? "?" : "", query ? query : "");
	return out;
}

/* Run one statement on a fresh connection of @pool; fail the test on error. */
static inline void pgt_exec(db_pool *pool, const char *sql)
{
	db_conn *c;
	PGT_OK(db_acquire(pool, &c));
	int rc = db_exec(c, sql, NULL, 0, NULL);
	if (rc != 0)
		fail_msg("%s -> %d: %s", sql, rc, offerapi_error_last()->message);
	db_release(pool, c);
}

/* One value of a single-row, single-column query, as an integer. */
static inline int64_t pgt_int(db_pool *pool, const char *sql)
{
	db_conn *c;
	db_result *r;
	PGT_OK(db_acquire(pool, &c));
	PGT_OK(db_exec(c, sql, NULL, 0, &r));
	assert_int_equal(r->nrows, 1);
	int64_t v = db_int(r, 0, 0);
	db_result_free(r);
	db_release(pool, c);
	return v;
}

/*
 * Create an empty database of its own for one test (as the admin role, owned
 * by the test role) and return the test role's URL to it, malloc'd. The
 * test then cannot see another test's tables, whatever order they run in.
 */
static inline char *pgt_fresh_db(const char *name)
{
	static const db_config cfg = { 5000, 5 };
	db_pool *admin;
	char sql[256];
	PGT_OK(db_pool_open(&admin, &db_pg_backend, pgt_env("OFFERAPI_TEST_PG_ADMIN_URL"), &cfg,
	                    1));
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
	pgt_exec(admin, sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER offerapi", name);
	pgt_exec(admin, sql);
	db_pool_free(admin);
	return pgt_url_with(pgt_env("OFFERAPI_TEST_PG_URL"), name, NULL);
}

#endif
