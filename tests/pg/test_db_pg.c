/*
 * test_db_pg.c - the PostgreSQL backend at the db.h layer, against a real
 * server (run through tests/with-postgresql.sh).
 *
 * Each test runs in a database of its own, created by setup().
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "genwatch.h"
#include "pg_test.h"

#define BUSY_MS 300u

typedef struct fixture {
	char *url;
	db_pool *pool;
} fixture;

static const db_config test_cfg = { BUSY_MS, 5 };

static int setup(void **state)
{
	static int counter;
	char name[64];
	snprintf(name, sizeof name, "t_db_%d", ++counter);
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->url = pgt_fresh_db(name);
	PGT_OK(db_pool_open(&f->pool, &db_pg_backend, f->url, &test_cfg, 4));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	db_pool_free(f->pool);
	free(f->url);
	free(f);
	return 0;
}

/* The text of a single-cell query run with @params. */
static char *query_text(db_pool *pool, const char *sql, const db_param *params, int n)
{
	db_conn *c;
	db_result *r;
	PGT_OK(db_acquire(pool, &c));
	PGT_OK(db_exec(c, sql, params, n, &r));
	assert_int_equal(r->nrows, 1);
	char *s = db_isnull(r, 0, 0) ? NULL : strdup(db_text(r, 0, 0));
	db_result_free(r);
	db_release(pool, c);
	return s;
}

static void check_show(db_pool *pool, const char *sql, const char *want)
{
	char *got = query_text(pool, sql, NULL, 0);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", expected \"%s\"", sql, got ? got : "(null)", want);
	free(got);
}

/* The session gets our defaults; the URL's own settings win over them,
 * except client_encoding, which must stay UTF-8. */
static void test_session_settings(void **state)
{
	fixture *f = *state;
	check_show(f->pool, "SHOW application_name", "offerapi");
	check_show(f->pool, "SHOW client_encoding", "UTF8");
	check_show(f->pool, "SHOW lock_timeout", "300ms");
	check_show(f->pool, "SHOW statement_timeout", "0");

	char *url = pgt_url_with(f->url, strrchr(f->url, '/') + 1,
	                         "application_name=mine&client_encoding=LATIN1"
	                         "&options=-c%20lock_timeout%3D7s");
	db_pool *p;
	PGT_OK(db_pool_open(&p, &db_pg_backend, url, &test_cfg, 1));
	check_show(p, "SHOW application_name", "mine");
	check_show(p, "SHOW lock_timeout", "7s");
	check_show(p, "SHOW client_encoding", "UTF8");
	db_pool_free(p);
	free(url);
}

/* Integers, reals, text and NULLs go in as parameters and come back equal. */
static void test_types_roundtrip(void **state)
{
	fixture *f = *state;
	char sql[512];
	snprintf(sql, sizeof sql, "CREATE TABLE t (id %s, i BIGINT, r %s, s TEXT, b %s)",
	         db_pg_backend.id_type, db_pg_backend.real_type, db_pg_backend.blob_type);
	pgt_exec(f->pool, sql);

	static const char utf8[] = "h\xc3\xa9llo \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac "
				   "\xf0\x9f\x8e\x89 'quote' \"dq\" \\ $1";
	const struct {
		int64_t i;
		double r;
		const char *s;
	} rows[] = {
		{ INT64_MAX, 0.1, utf8 }, { INT64_MIN, -1e300, "" }, { 0, 5e-324, "plain" },
		{ -1, INFINITY, "inf" },  { 42, NAN, "nan" },
	};
	db_conn *c;
	db_result *r;
	PGT_OK(db_acquire(f->pool, &c));
	int64_t ids[5];
	for (int k = 0; k < 5; k++) {
		db_param p[] = { P_INT(rows[k].i), P_REAL(rows[k].r), P_TEXT(rows[k].s) };
		PGT_OK(db_exec(c, "INSERT INTO t (i, r, s) VALUES ($1, $2, $3) RETURNING id", p, 3,
		               &r));
		assert_int_equal(r->nrows, 1);
		assert_int_equal(r->ncols, 1);
		ids[k] = db_int(r, 0, 0);
		assert_true(ids[k] > 0);
		db_result_free(r);
	}
	/* all NULLs: P_NULL, and TEXT / BLOB with a NULL pointer */
	db_param nulls[] = { P_NULL(), P_NULL(), P_TEXT(NULL), P_BLOB(NULL, 0) };
	PGT_OK(db_exec(c, "INSERT INTO t (i, r, s, b) VALUES ($1, $2, $3, $4) RETURNING id", nulls,
	               4, &r));
	int64_t null_id = db_int(r, 0, 0);
	db_result_free(r);

	for (int k = 0; k < 5; k++) {
		db_param p[] = { P_INT(ids[k]) };
		PGT_OK(db_exec(c, "SELECT i, r, s, b FROM t WHERE id = $1", p, 1, &r));
		assert_int_equal(r->nrows, 1);
		assert_int_equal(r->ncols, 4);
		assert_true(db_int(r, 0, 0) == rows[k].i);
		double got = db_real(r, 0, 1);
		if (isnan(rows[k].r))
			assert_true(isnan(got));
		else
			assert_true(got == rows[k].r); /* exact: %.17g both ways */
		assert_string_equal(db_text(r, 0, 2), rows[k].s);
		assert_int_equal(db_cell_at(r, 0, 2)->len, strlen(rows[k].s));
		assert_true(db_isnull(r, 0, 3));
		db_result_free(r);
	}
	db_param p[] = { P_INT(null_id) };
	PGT_OK(db_exec(c, "SELECT i, r, s, b FROM t WHERE id = $1", p, 1, &r));
	for (int col = 0; col < 4; col++) {
		assert_true(db_isnull(r, 0, col));
		assert_null(db_text(r, 0, col));
	}
	assert_true(db_int(r, 0, 0) == 0);
	db_result_free(r);

	/* empty text is not NULL */
	PGT_OK(db_exec(c, "SELECT count(*) FROM t WHERE s = ''", NULL, 0, &r));
	assert_int_equal(db_int(r, 0, 0), 1);
	db_result_free(r);

	/* integers are typed bigint: arithmetic does not overflow 32 bits */
	db_param big[] = { P_INT(INT64_C(5000000000)) };
	PGT_OK(db_exec(c, "SELECT $1 + 1", big, 1, &r));
	assert_string_equal(db_text(r, 0, 0), "5000000001");
	db_result_free(r);
	db_release(f->pool, c);
}

/* Check that cell (0, 0) of "SELECT b FROM blobs WHERE id = @id" holds
 * exactly @n bytes equal to @want, with a NUL after them. */
static void check_blob(db_conn *c, int64_t id, const unsigned char *want, size_t n)
{
	db_result *r;
	db_param p[] = { P_INT(id) };
	PGT_OK(db_exec(c, "SELECT b, length(b) FROM blobs WHERE id = $1", p, 1, &r));
	assert_int_equal(r->nrows, 1);
	const db_cell *cell = db_cell_at(r, 0, 0);
	assert_non_null(cell->data);
	assert_int_equal(cell->len, n);
	assert_int_equal(db_int(r, 0, 1), (int64_t)n);
	assert_true(memcmp(cell->data, want, n) == 0);
	assert_int_equal(cell->data[n], '\0');
	db_result_free(r);
}

static int64_t insert_blob(db_conn *c, const void *b, size_t n)
{
	db_result *r;
	db_param p[] = { P_BLOB(b, n) };
	PGT_OK(db_exec(c, "INSERT INTO blobs (b) VALUES ($1) RETURNING id", p, 1, &r));
	int64_t id = db_int(r, 0, 0);
	db_result_free(r);
	return id;
}

/* Blobs: every byte value, an empty one (not NULL), and 5 MiB. */
static void test_bytea(void **state)
{
	fixture *f = *state;
	pgt_exec(f->pool, "CREATE TABLE blobs (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	                  " PRIMARY KEY, b BYTEA)");
	db_conn *c;
	PGT_OK(db_acquire(f->pool, &c));

	unsigned char all[256];
	for (int k = 0; k < 256; k++)
		all[k] = (unsigned char)k;
	check_blob(c, insert_blob(c, all, sizeof all), all, sizeof all);

	check_blob(c, insert_blob(c, "", 0), (const unsigned char *)"", 0);

	size_t big_n = 5u << 20;
	unsigned char *big = malloc(big_n);
	assert_non_null(big);
	uint32_t x = 2463534242u; /* xorshift: incompressible, every byte value */
	for (size_t k = 0; k < big_n; k++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		big[k] = (unsigned char)x;
	}
	check_blob(c, insert_blob(c, big, big_n), big, big_n);
	free(big);

	/* bytea read by value from a literal (server-side hex) decodes too */
	db_result *r;
	PGT_OK(db_exec(c, "SELECT '\\x00ff41'::bytea", NULL, 0, &r));
	assert_int_equal(db_cell_at(r, 0, 0)->len, 3);
	assert_memory_equal(db_text(r, 0, 0),
	                    "\x00\xff"
	                    "A",
	                    3);
	db_result_free(r);
	db_release(f->pool, c);
}

/* Result shapes: commands give an empty result, not NULL; an empty SELECT
 * keeps its column count; a parameterless script may hold several
 * statements when no rows are asked for. */
static void test_result_shapes(void **state)
{
	fixture *f = *state;
	pgt_exec(f->pool, "CREATE TABLE a (x BIGINT); CREATE TABLE b (y BIGINT);"
	                  " INSERT INTO a VALUES (1), (2)");
	db_conn *c;
	db_result *r;
	PGT_OK(db_acquire(f->pool, &c));
	PGT_OK(db_exec(c, "UPDATE a SET x = x + 1", NULL, 0, &r));
	assert_non_null(r);
	assert_int_equal(r->nrows, 0);
	assert_int_equal(r->ncols, 0);
	db_result_free(r);
	PGT_OK(db_exec(c, "SELECT x, x * 2 AS y FROM a WHERE x > 100", NULL, 0, &r));
	assert_int_equal(r->nrows, 0);
	assert_int_equal(r->ncols, 2);
	db_result_free(r);
	PGT_OK(db_exec(c, "SELECT x FROM a ORDER BY x", NULL, 0, &r));
	assert_int_equal(r->nrows, 2);
	assert_int_equal(db_int(r, 0, 0), 2);
	assert_int_equal(db_int(r, 1, 0), 3);
	db_result_free(r);
	PGT_OK(db_exec(c, "SELECT 1", NULL, 0, NULL));
	db_release(f->pool, c);
}

static int64_t count_rows(db_pool *pool, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return pgt_int(pool, sql);
}

/* BEGIN / COMMIT / ROLLBACK, an error inside a transaction, and a
 * connection released in the middle of one. */
static void test_transactions(void **state)
{
	fixture *f = *state;
	pgt_exec(f->pool, "CREATE TABLE tx (x BIGINT UNIQUE)");
	db_conn *c;
	db_param one[] = { P_INT(1) }, two[] = { P_INT(2) }, three[] = { P_INT(3) };
	PGT_OK(db_acquire(f->pool, &c));

	PGT_OK(db_begin(c));
	PGT_OK(db_exec(c, "INSERT INTO tx VALUES ($1)", one, 1, NULL));
	db_rollback(c);
	assert_int_equal(count_rows(f->pool, "tx"), 0);

	PGT_OK(db_begin(c));
	PGT_OK(db_exec(c, "INSERT INTO tx VALUES ($1)", one, 1, NULL));
	PGT_OK(db_commit(c));
	assert_int_equal(count_rows(f->pool, "tx"), 1);

	/* a failed statement aborts the transaction; rollback recovers */
	PGT_OK(db_begin(c));
	PGT_OK(db_exec(c, "INSERT INTO tx VALUES ($1)", two, 1, NULL));
	PGT_FAILS(db_exec(c, "INSERT INTO tx VALUES ($1)", one, 1, NULL), OFFERAPI_EEXISTS);
	PGT_FAILS(db_exec(c, "INSERT INTO tx VALUES ($1)", three, 1, NULL), OFFERAPI_ERROR);
	PGT_MSG_HAS("25P02");
	db_rollback(c);
	PGT_OK(db_exec(c, "SELECT 1", NULL, 0, NULL));
	assert_int_equal(count_rows(f->pool, "tx"), 1);

	/* released while open: the pool rolls it back */
	PGT_OK(db_begin(c));
	PGT_OK(db_exec(c, "INSERT INTO tx VALUES ($1)", three, 1, NULL));
	db_release(f->pool, c);
	assert_int_equal(count_rows(f->pool, "tx"), 1);
}

/* Statements are prepared once per connection: the same statement with
 * other parameter types is another statement; a prepared statement
 * outlives the transaction that prepared it, even one rolled back; and
 * when the server forgets them (a pooler's DISCARD ALL), the next call
 * runs anyway. */
static void test_prepared_statements(void **state)
{
	fixture *f = *state;
	pgt_exec(f->pool, "CREATE TABLE ps (x BIGINT, t TEXT)");
	db_conn *c;
	PGT_OK(db_acquire(f->pool, &c));
	db_param a[] = { P_INT(1), P_TEXT("one") }, b[] = { P_INT(2), P_NULL() };
	PGT_OK(db_begin(c));
	PGT_OK(db_exec(c, "INSERT INTO ps VALUES ($1, $2)", a, 2, NULL));
	db_rollback(c);
	PGT_OK(db_exec(c, "INSERT INTO ps VALUES ($1, $2)", a, 2, NULL));
	PGT_OK(db_exec(c, "INSERT INTO ps VALUES ($1, $2)", b, 2, NULL));
	db_result *r;
	PGT_OK(db_exec(c, "SELECT COUNT(*) FROM pg_prepared_statements", NULL, 0, &r));
	int64_t prepared = db_int(r, 0, 0);
	db_result_free(r);
	assert_true(prepared >= 2); /* (int, text) and (int, unknown) */
	PGT_OK(db_exec(c, "DEALLOCATE ALL", NULL, 0, NULL));
	PGT_OK(db_exec(c, "INSERT INTO ps VALUES ($1, $2)", a, 2, NULL));
	PGT_OK(db_exec(c, "SELECT COUNT(*) FROM ps WHERE x = $1", (db_param[]){ P_INT(1) }, 1, &r));
	assert_int_equal(db_int(r, 0, 0), 2);
	db_result_free(r);
	/* a statement the server refuses to prepare reports its error */
	PGT_FAILS(db_exec(c, "SELEC nonsense $1", (db_param[]){ P_INT(1) }, 1, NULL),
	          OFFERAPI_ERROR);
	PGT_MSG_HAS("42601");
	PGT_OK(db_exec(c, "SELECT 1", NULL, 0, NULL));
	db_release(f->pool, c);
}

/* Constraint and programming errors map to their codes with one-line
 * messages quoting the server and the SQLSTATE; the connection survives. */
static void test_error_mapping(void **state)
{
	fixture *f = *state;
	pgt_exec(f->pool, "CREATE TABLE u (login TEXT UNIQUE, n BIGINT NOT NULL)");
	db_conn *c;
	PGT_OK(db_acquire(f->pool, &c));
	db_param bob[] = { P_TEXT("bob"), P_INT(1) };
	PGT_OK(db_exec(c, "INSERT INTO u VALUES ($1, $2)", bob, 2, NULL));
	PGT_FAILS(db_exec(c, "INSERT INTO u VALUES ($1, $2)", bob, 2, NULL), OFFERAPI_EEXISTS);
	PGT_MSG_HAS("postgresql: duplicate key value violates unique constraint");
	PGT_MSG_HAS("(SQLSTATE 23505)");
	PGT_MSG_LACKS("\n");

	PGT_FAILS(db_exec(c, "SELEC 1", NULL, 0, NULL), OFFERAPI_ERROR);
	PGT_MSG_HAS("postgresql: syntax error at or near \"SELEC\" (SQLSTATE 42601)");
	PGT_FAILS(db_exec(c, "SELECT * FROM nowhere", NULL, 0, NULL), OFFERAPI_ERROR);
	PGT_MSG_HAS("42P01");
	db_param null_n[] = { P_TEXT("carol"), P_NULL() };
	PGT_FAILS(db_exec(c, "INSERT INTO u VALUES ($1, $2)", null_n, 2, NULL), OFFERAPI_ERROR);
	PGT_MSG_HAS("23502");

	/* a wrong parameter count is 08P01 from the server, but a bug of ours
	 * on a healthy connection, not an outage */
	PGT_FAILS(db_exec(c, "INSERT INTO u VALUES ($1, $2)", bob, 1, NULL), OFFERAPI_ERROR);
	PGT_MSG_HAS("08P01");

	/* invalid UTF-8 is refused by the server, not stored */
	db_param bad[] = { P_TEXT("\xff\xfe"), P_INT(2) };
	PGT_FAILS(db_exec(c, "INSERT INTO u VALUES ($1, $2)", bad, 2, NULL), OFFERAPI_ERROR);
	PGT_MSG_HAS("22021");

	/* read-only transactions */
	PGT_OK(db_exec(c, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", NULL, 0, NULL));
	db_param dave[] = { P_TEXT("dave"), P_INT(3) };
	PGT_FAILS(db_exec(c, "INSERT INTO u VALUES ($1, $2)", dave, 2, NULL), OFFERAPI_EREADONLY);
	PGT_MSG_HAS("25006");
	PGT_OK(db_exec(c, "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", NULL, 0, NULL));

	/* still usable after all that */
	db_result *r;
	PGT_OK(db_exec(c, "SELECT count(*) FROM u", NULL, 0, &r));
	assert_int_equal(db_int(r, 0, 0), 1);
	db_result_free(r);
	db_release(f->pool, c);
}

/* A row lock held by another connection makes us wait busy_timeout_ms, no
 * more, then fail with EBUSY; the migration lock behaves the same. */
/* Commit the migration transaction of @arg after 1.5 s (thread body). */
static void *commit_later(void *arg)
{
	usleep(1500 * 1000);
	if (db_commit(arg) != 0)
		fprintf(stderr, "commit_later: %s\n", offerapi_error_last()->message);
	return NULL;
}

static void test_lock_timeout(void **state)
{
	fixture *f = *state;
	pgt_exec(f->pool, "CREATE TABLE l (x BIGINT); INSERT INTO l VALUES (1)");
	db_conn *a, *b;
	PGT_OK(db_acquire(f->pool, &a));
	PGT_OK(db_acquire(f->pool, &b));
	PGT_OK(db_begin(a));
	PGT_OK(db_exec(a, "UPDATE l SET x = 2", NULL, 0, NULL));
	double t0 = pgt_now();
	PGT_FAILS(db_exec(b, "UPDATE l SET x = 3", NULL, 0, NULL), OFFERAPI_EBUSY);
	double waited = pgt_now() - t0;
	PGT_MSG_HAS("55P03");
	assert_true(waited >= 0.25 && waited < 3.0);
	PGT_OK(db_commit(a));

	/* The migration lock outlasts lock_timeout: a replica starting while
	 * another migrates waits for it instead of failing with EBUSY. */
	PGT_OK(db_begin(a));
	PGT_OK(db_exec(a, db_pg_backend.migration_lock_sql, NULL, 0, NULL));
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, commit_later, a), 0);
	PGT_OK(db_begin(b));
	t0 = pgt_now();
	PGT_OK(db_exec(b, db_pg_backend.migration_lock_sql, NULL, 0, NULL));
	waited = pgt_now() - t0;
	PGT_OK(db_commit(b));
	pthread_join(t, NULL);
	/* longer than lock_timeout (test_cfg), so it really waited */
	assert_true(waited >= 1.0);
	db_release(f->pool, a);
	db_release(f->pool, b);
}

/* A statement_timeout set in the URL applies and maps to EBUSY. */
static void test_statement_timeout_from_url(void **state)
{
	fixture *f = *state;
	char *url = pgt_url_with(f->url, strrchr(f->url, '/') + 1,
	                         "options=-c%20statement_timeout%3D200");
	db_pool *p;
	PGT_OK(db_pool_open(&p, &db_pg_backend, url, &test_cfg, 1));
	db_conn *c;
	PGT_OK(db_acquire(p, &c));
	double t0 = pgt_now();
	PGT_FAILS(db_exec(c, "SELECT pg_sleep(5)", NULL, 0, NULL), OFFERAPI_EBUSY);
	assert_true(pgt_now() - t0 < 3.0);
	PGT_MSG_HAS("57014");
	PGT_OK(db_exec(c, "SELECT 1", NULL, 0, NULL));
	db_release(p, c);
	db_pool_free(p);
	free(url);
}

/* All connections borrowed: the next borrower waits busy_timeout_ms and
 * gets EBUSY; a returned connection is handed out again. */
static void test_pool_exhaustion(void **state)
{
	fixture *f = *state;
	db_pool *p;
	PGT_OK(db_pool_open(&p, &db_pg_backend, f->url, &test_cfg, 2));
	db_conn *a, *b, *c;
	PGT_OK(db_acquire(p, &a));
	PGT_OK(db_acquire(p, &b));
	double t0 = pgt_now();
	PGT_FAILS(db_acquire(p, &c), OFFERAPI_EBUSY);
	double waited = pgt_now() - t0;
	assert_true(waited >= 0.25 && waited < 3.0);
	PGT_MSG_HAS("busy");
	db_release(p, a);
	PGT_OK(db_acquire(p, &c));
	PGT_OK(db_exec(c, "SELECT 1", NULL, 0, NULL));
	db_release(p, b);
	db_release(p, c);
	db_pool_free(p);
}

#define THREADS 8
#define PER_THREAD 50

typedef struct worker {
	db_pool *pool;
	int n;
	int failures;
	char error[512];
} worker;

/* One thread: PER_THREAD transactions, each inserting a row and reading
 * it back. Errors are recorded, not asserted: cmocka is not thread-safe. */
static void *work(void *arg)
{
	worker *w = arg;
	for (int k = 0; k < PER_THREAD; k++) {
		db_conn *c;
		db_result *r = NULL;
		int v = w->n * 1000 + k;
		db_param p[] = { P_INT(v), P_TEXT("x") };
		int rc = db_acquire(w->pool, &c);
		if (rc == 0) {
			rc = db_begin(c);
			if (rc == 0)
				rc = db_exec(c, "INSERT INTO m (v, s) VALUES ($1, $2) RETURNING id",
				             p, 2, &r);
			db_result_free(r);
			r = NULL;
			if (rc == 0)
				rc = db_exec(c, "SELECT v FROM m WHERE v = $1", p, 1, &r);
			if (rc == 0 && (r->nrows != 1 || db_int(r, 0, 0) != v))
				rc = oa_error(OFFERAPI_ERROR, "read back the wrong row for %d", v);
			db_result_free(r);
			if (rc == 0)
				rc = db_commit(c);
			db_release(w->pool, c);
		}
		if (rc != 0 && w->failures++ == 0)
			snprintf(w->error, sizeof w->error, "%s", offerapi_error_last()->message);
	}
	return NULL;
}

/* Several threads share a pool smaller than their number. */
static void test_threads(void **state)
{
	fixture *f = *state;
	pgt_exec(f->pool, "CREATE TABLE m (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	                  " PRIMARY KEY, v BIGINT UNIQUE, s TEXT)");
	db_pool *p;
	db_config cfg = { 10000, 5 }; /* room to wait for a connection */
	PGT_OK(db_pool_open(&p, &db_pg_backend, f->url, &cfg, 3));
	pthread_t tid[THREADS];
	worker w[THREADS];
	for (int k = 0; k < THREADS; k++) {
		w[k] = (worker){ .pool = p, .n = k };
		assert_int_equal(pthread_create(&tid[k], NULL, work, &w[k]), 0);
	}
	for (int k = 0; k < THREADS; k++) {
		pthread_join(tid[k], NULL);
		if (w[k].failures)
			fail_msg("thread %d: %d failures, first: %s", k, w[k].failures, w[k].error);
	}
	assert_int_equal(count_rows(p, "m"), THREADS * PER_THREAD);
	assert_int_equal(pgt_int(p, "SELECT count(DISTINCT id) FROM m"), THREADS * PER_THREAD);
	db_pool_free(p);
}

/* A malformed URL is refused before any network traffic, without quoting
 * its password. */
static void test_invalid_url(void **state)
{
	(void)state;
	void *h = NULL;
	PGT_FAILS(db_pg_backend.connect(&h, "postgresql://u:Sup3rSecret@127.0.0.1/db?bogus=1",
	                                &test_cfg),
	          OFFERAPI_EINVAL);
	PGT_MSG_LACKS("Sup3rSecret");
	PGT_MSG_HAS("postgresql://u:***@127.0.0.1/db?bogus=1");
	assert_null(h);
	PGT_FAILS(db_pg_backend.connect(&h, "postgresql://127.0.0.1/db?bogus=1", &test_cfg),
	          OFFERAPI_EINVAL);
	PGT_MSG_HAS("bogus");
	PGT_FAILS(db_pg_backend.connect(&h, "sqlite:/tmp/x.db", &test_cfg), OFFERAPI_EINVAL);
	/* a raw '@' in a password would leak its tail as a host name */
	PGT_FAILS(db_pg_backend.connect(&h, "postgresql://u:Pa55@zq9x@127.0.0.1:1/db", &test_cfg),
	          OFFERAPI_EINVAL);
	PGT_MSG_HAS("%40");
	PGT_MSG_LACKS("Pa55");
	PGT_MSG_LACKS("zq9x");
	/* raw '?' and '#' in a password are masked in full */
	PGT_FAILS(db_pg_backend.connect(&h, "postgresql://u:Pa?ss#w0rd@127.0.0.1:1/db", &test_cfg),
	          OFFERAPI_EUNAVAILABLE);
	PGT_MSG_HAS("postgresql://u:***@127.0.0.1:1/db");
	PGT_MSG_LACKS("Pa?ss");
	PGT_MSG_LACKS("w0rd");
	/* %-encoded passwords too; the decoded form is scrubbed as well */
	PGT_FAILS(
		db_pg_backend.connect(&h, "postgres://u:Pa%40ss%2Fw0rd@127.0.0.1:1/db", &test_cfg),
		OFFERAPI_EUNAVAILABLE);
	PGT_MSG_HAS("postgres://u:***@127.0.0.1:1/db");
	PGT_MSG_LACKS("w0rd");
}

/* ---- a connect that must stop (the generations listener) ---- */

/* A database host whose server hangs: it accepts connections on loopback
 * and never answers. */
typedef struct silent {
	int fd, port;
	pthread_t thread;
	int client; /* the accepted connection, -1 before */
	pthread_mutex_t lock;
} silent;

static void *silent_accept(void *arg)
{
	silent *s = arg;
	int c = accept(s->fd, NULL, NULL);
	pthread_mutex_lock(&s->lock);
	s->client = c;
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void silent_start(silent *s)
{
	s->client = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(s->fd, 4), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, silent_accept, s), 0);
}

/* The accepted connection, waiting up to 20 s for it; -1 if none came. */
static int silent_client(silent *s)
{
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&s->lock);
		int c = s->client;
		pthread_mutex_unlock(&s->lock);
		if (c >= 0)
			return c;
		usleep(10000);
	}
	return -1;
}

static void silent_stop(silent *s)
{
	shutdown(s->fd, SHUT_RDWR); /* ends an accept() still waiting */
	pthread_join(s->thread, NULL);
	if (s->client >= 0)
		close(s->client);
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
}

/* connect_stoppable() connects like connect() (the real server, its
 * password and settings), gives up at once when told to stop, and keeps
 * the URL's connect_timeout against a server that never answers. */
static void test_connect_stoppable(void **state)
{
	fixture *f = *state;
	int stop[2];
	assert_int_equal(pipe(stop), 0);
	void *h = NULL;
	PGT_OK(db_pg_backend.connect_stoppable(&h, f->url, &test_cfg, stop[0]));
	db_result *r = NULL;
	PGT_OK(db_pg_backend.exec(h, "SHOW client_encoding", NULL, 0, &r));
	assert_string_equal(db_text(r, 0, 0), "UTF8");
	db_result_free(r);
	db_pg_backend.disconnect(h);

	silent s;
	silent_start(&s);
	char url[96];
	snprintf(url, sizeof url, "postgresql://u@127.0.0.1:%d/db?connect_timeout=2", s.port);
	const db_config slow = { BUSY_MS, 600 };
	double t0 = pgt_now();
	h = NULL;
	PGT_FAILS(db_pg_backend.connect_stoppable(&h, url, &slow, stop[0]), OFFERAPI_EUNAVAILABLE);
	PGT_MSG_HAS("timed out (connect_timeout 2 s)");
	assert_null(h);
	/* the URL's 2 s, not the configuration's 10 minutes, nor never (libpq
	 * alone keeps no time in this mode) */
	double took = pgt_now() - t0;
	if (took > 60)
		fail_msg("the URL's connect_timeout=2 gave up after %.0f s", took);
	silent_stop(&s);

	silent_start(&s);
	snprintf(url, sizeof url, "postgresql://u@127.0.0.1:%d/db?connect_timeout=600", s.port);
	assert_int_equal(write(stop[1], "x", 1), 1);
	PGT_FAILS(db_pg_backend.connect_stoppable(&h, url, &test_cfg, stop[0]),
	          OFFERAPI_EUNAVAILABLE);
	PGT_MSG_HAS("stopped");
	silent_stop(&s);
	close(stop[0]);
	close(stop[1]);
}

/* A store stops while its generations listener is still connecting to a
 * server that does not answer: the listener gives the connect up, instead
 * of holding the store's end for connect_timeout (here 10 minutes). */
static void test_listener_stops_while_connecting(void **state)
{
	(void)state;
	silent s;
	silent_start(&s);
	char url[96];
	snprintf(url, sizeof url, "postgresql://u@127.0.0.1:%d/db", s.port);
	const db_config cfg = { BUSY_MS, 600 };
	gen_watch *w = gen_watch_new(&db_pg_backend, url, &cfg);
	assert_non_null(w);
	uint64_t epoch;
	assert_false(gen_watch_now(w, &epoch)); /* starts the listener */
	int client = silent_client(&s);
	assert_true(client >= 0); /* the listener is inside its connect */
	double t0 = pgt_now();
	gen_watch_free(w);
	double took = pgt_now() - t0;
	if (took > 60)
		fail_msg("the store's end waited %.0f s for the listener's connect", took);
	/* and the listener closed its socket: the server reads the end */
	struct pollfd p = { .fd = client, .events = POLLIN };
	char b[256];
	ssize_t n = 1;
	while (n > 0 && poll(&p, 1, 20000) == 1)
		n = read(client, b, sizeof b);
	assert_int_equal(n, 0);
	silent_stop(&s);
}

typedef struct seen_log {
	int notices;
} seen_log;

static void capture_log(offerapi_log_level level, const char *msg, void *payload)
{
	seen_log *s = payload;
	if (level == OFFERAPI_LOG_DEBUG && strcmp(msg, "postgresql: NOTICE: hello there") == 0)
		s->notices++;
}

/* Server notices go to the library's log at DEBUG level, one line. */
static void test_notices_logged(void **state)
{
	fixture *f = *state;
	seen_log s = { 0 };
	offerapi_set_log(OFFERAPI_LOG_DEBUG, capture_log, &s);
	pgt_exec(f->pool, "DO $$ BEGIN RAISE NOTICE 'hello there'; END $$");
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
	assert_int_equal(s.notices, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_session_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytea, setup, teardown),
		cmocka_unit_test_setup_teardown(test_result_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepared_statements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_timeout_from_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test(test_invalid_url),
		cmocka_unit_test_setup_teardown(test_connect_stoppable, setup, teardown),
		cmocka_unit_test(test_listener_stops_while_connecting),
		cmocka_unit_test_setup_teardown(test_notices_logged, setup, teardown),
	};
	return cmocka_run_group_tests_name("db_pg", tests, NULL, NULL);
}
