/*
 * test_pg_outage.c - the PostgreSQL backend when the server goes away and
 * comes back, or cannot be reached at all (run through
 * tests/with-postgresql.sh; this test stops and starts its cluster).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pg_test.h"

#define CONNECT_TIMEOUT_S 3u

static const db_config cfg = { 1000, CONNECT_TIMEOUT_S };

/* Stop or start the test cluster with the harness's control script. */
static void server(const char *what)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "\"%s\" %s", pgt_env("OFFERAPI_TEST_PG_CTL"), what);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
}

/* The password of @url (user-info part), malloc'd. */
static char *password_of(const char *url)
{
	const char *auth = strstr(url, "://") + 3;
	const char *at = strchr(auth, '@');
	const char *colon = strchr(auth, ':');
	assert_true(at && colon && colon < at);
	return strndup(colon + 1, (size_t)(at - colon - 1));
}

static void insert_committed(db_pool *pool, int from, int to)
{
	db_conn *c;
	PGT_OK(db_acquire(pool, &c));
	PGT_OK(db_begin(c));
	for (int v = from; v < to; v++) {
		db_param p[] = { P_INT(v) };
		PGT_OK(db_exec(c, "INSERT INTO kept (v) VALUES ($1)", p, 1, NULL));
	}
	PGT_OK(db_commit(c));
	db_release(pool, c);
}

static void count_notices(offerapi_log_level level, const char *msg, void *payload)
{
	if (level == OFFERAPI_LOG_DEBUG && strcmp(msg, "postgresql: NOTICE: after reset") == 0)
		++*(int *)payload;
}

/* One statement on a borrowed connection during the outage: it must fail
 * as unavailable, quickly, with a message naming the server, not the
 * password. */
static void expect_unavailable(db_pool *pool, const char *password)
{
	double t0 = pgt_now();
	db_conn *c;
	int rc = db_acquire(pool, &c);
	if (rc == 0) {
		rc = db_exec(c, "SELECT count(*) FROM kept", NULL, 0, NULL);
		db_release(pool, c);
	}
	double took = pgt_now() - t0;
	if (rc != OFFERAPI_EUNAVAILABLE)
		fail_msg("expected OFFERAPI_EUNAVAILABLE, got %d: %s", rc,
		         offerapi_error_last()->message);
	PGT_MSG_HAS("postgresql: ");
	PGT_MSG_HAS("127.0.0.1");
	PGT_MSG_LACKS(password);
	PGT_MSG_LACKS("\n");
	if (took > CONNECT_TIMEOUT_S + 1.0)
		fail_msg("an unavailable server took %.1f s to report", took);
}

/*
 * The server stops under an open pool: statements fail with EUNAVAILABLE
 * and a clear message, fast; a transaction open across the outage is lost
 * (never half-applied); when the server is back, the same pool serves
 * again without being reopened and every committed row is there.
 */
static void test_outage_and_recovery(void **state)
{
	(void)state;
	char *url = pgt_fresh_db("t_outage");
	char *password = password_of(url);
	db_pool *pool;
	PGT_OK(db_pool_open(&pool, &db_pg_backend, url, &cfg, 2));
	pgt_exec(pool, "CREATE TABLE kept (v BIGINT PRIMARY KEY)");
	insert_committed(pool, 0, 100);

	/* open both pooled connections, so both must recover */
	db_conn *a, *b;
	PGT_OK(db_acquire(pool, &a));
	PGT_OK(db_acquire(pool, &b));
	PGT_OK(db_exec(a, "SELECT 1", NULL, 0, NULL));
	PGT_OK(db_exec(b, "SELECT 1", NULL, 0, NULL));
	db_release(pool, b);

	/* a transaction in flight when the server stops */
	PGT_OK(db_begin(a));
	db_param lost[] = { P_INT(1000) };
	PGT_OK(db_exec(a, "INSERT INTO kept (v) VALUES ($1)", lost, 1, NULL));

	server("stop");

	PGT_FAILS(db_commit(a), OFFERAPI_EUNAVAILABLE);
	PGT_MSG_HAS("postgresql: ");
	PGT_MSG_LACKS(password);
	db_release(pool, a);

	for (int k = 0; k < 4; k++)
		expect_unavailable(pool, password);
	/* a pool opened during the outage fails the same way on first use */
	db_pool *late;
	PGT_OK(db_pool_open(&late, &db_pg_backend, url, &cfg, 1));
	expect_unavailable(late, password);
	PGT_MSG_HAS("cannot connect to postgresql://offerapi:***@127.0.0.1:");

	server("start");

	/* both connections of the same pool work again */
	PGT_OK(db_acquire(pool, &a));
	PGT_OK(db_acquire(pool, &b));
	db_result *r;
	PGT_OK(db_exec(a, "SELECT count(*), min(v), max(v) FROM kept", NULL, 0, &r));
	assert_int_equal(db_int(r, 0, 0), 100);
	assert_int_equal(db_int(r, 0, 1), 0);
	assert_int_equal(db_int(r, 0, 2), 99);
	db_result_free(r);
	PGT_OK(db_exec(b, "SELECT 1", NULL, 0, NULL));
	db_release(pool, a);
	db_release(pool, b);
	/* writes work, and lock_timeout was set again on the new sessions */
	insert_committed(pool, 100, 150);
	assert_int_equal(pgt_int(pool, "SELECT count(*) FROM kept"), 150);
	db_conn *c;
	PGT_OK(db_acquire(pool, &c));
	PGT_OK(db_exec(c, "SHOW lock_timeout", NULL, 0, &r));
	assert_string_equal(db_text(r, 0, 0), "1s");
	db_result_free(r);
	db_release(pool, c);
	PGT_OK(db_acquire(late, &c));
	PGT_OK(db_exec(c, "SELECT 1", NULL, 0, NULL));
	db_release(late, c);
	/* notices still go to the log, not stderr, on a reset connection */
	int notices = 0;
	offerapi_set_log(OFFERAPI_LOG_DEBUG, count_notices, &notices);
	pgt_exec(pool, "DO $$ BEGIN RAISE NOTICE 'after reset'; END $$");
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
	assert_int_equal(notices, 1);

	db_pool_free(late);
	db_pool_free(pool);
	free(password);
	free(url);
}

/* Two statements in one batch (db_batch) on @c: 0 with 1 and 2, or the
 * error (every result then NULL). */
static int batch_one_two(db_conn *c)
{
	db_param one[] = { P_INT(1) }, two[] = { P_INT(2) };
	db_stmt st[] = { { "SELECT CAST($1 AS BIGINT)", one, 1 },
		         { "SELECT CAST($1 AS BIGINT) + 0", two, 1 } };
	db_result *r[2];
	int rc = db_batch(c, 2, st, r);
	if (rc < 0) {
		assert_null(r[0]);
		assert_null(r[1]);
		return rc;
	}
	assert_int_equal(db_int(r[0], 0, 0), 1);
	assert_int_equal(db_int(r[1], 0, 0), 2);
	db_result_free(r[0]);
	db_result_free(r[1]);
	return 0;
}

/*
 * A batch (one pipeline) on a connection whose server went away fails
 * with EUNAVAILABLE, quickly, without the password; once the server is
 * back, the same pool's connection, reset, runs batches again (the
 * pipeline left behind by the lost session does not stay in the way, and
 * the statements are prepared anew).
 */
static void test_batch_outage(void **state)
{
	(void)state;
	char *url = pgt_fresh_db("t_batch_outage");
	char *password = password_of(url);
	db_pool *pool;
	PGT_OK(db_pool_open(&pool, &db_pg_backend, url, &cfg, 1));
	db_conn *c;
	PGT_OK(db_acquire(pool, &c));
	PGT_OK(batch_one_two(c));

	server("stop");
	double t0 = pgt_now();
	PGT_FAILS(batch_one_two(c), OFFERAPI_EUNAVAILABLE);
	if (pgt_now() - t0 > CONNECT_TIMEOUT_S + 1.0)
		fail_msg("a batch to a stopped server took %.1f s to fail", pgt_now() - t0);
	PGT_MSG_HAS("postgresql: ");
	PGT_MSG_LACKS(password);
	db_release(pool, c);
	server("start");

	PGT_OK(db_acquire(pool, &c));
	PGT_OK(batch_one_two(c));
	PGT_OK(batch_one_two(c));
	db_release(pool, c);
	db_pool_free(pool);
	free(password);
	free(url);
}

/* A wrong password is EUNAVAILABLE, says why, and quotes neither the
 * wrong nor the right password. */
static void test_wrong_password(void **state)
{
	(void)state;
	const char *good_url = pgt_env("OFFERAPI_TEST_PG_URL");
	char *good = password_of(good_url);
	const char *wrong = "Wr0ngPassw0rd-xyz";
	char url[1024];
	const char *at = strchr(strstr(good_url, "://") + 3, '@');
	snprintf(url, sizeof url, "postgresql://offerapi:%s%s", wrong, at);
	void *h = NULL;
	PGT_FAILS(db_pg_backend.connect(&h, url, &cfg), OFFERAPI_EUNAVAILABLE);
	assert_null(h);
	PGT_MSG_HAS("password authentication failed");
	PGT_MSG_HAS("postgresql://offerapi:***@127.0.0.1:");
	PGT_MSG_LACKS(wrong);
	PGT_MSG_LACKS(good);

	/* the same with the password given as a query parameter */
	char *base = pgt_url_with(good_url, "offerapi", "password=Wr0ngPassw0rd-xyz");
	char *nopw = strdup(base);
	/* drop the user-info password: postgresql://offerapi@host... */
	char *colon = strchr(strstr(nopw, "://") + 3, ':');
	char *at2 = strchr(nopw, '@');
	memmove(colon, at2, strlen(at2) + 1);
	PGT_FAILS(db_pg_backend.connect(&h, nopw, &cfg), OFFERAPI_EUNAVAILABLE);
	PGT_MSG_HAS("password=***");
	PGT_MSG_LACKS(wrong);
	free(nopw);
	free(base);
	free(good);
}

/* A port nobody listens on: EUNAVAILABLE at once, through the pool too. */
static void test_unreachable_port(void **state)
{
	(void)state;
	/* a port that was free a moment ago and that we keep closed */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	socklen_t len = sizeof sa;
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	char url[256];
	snprintf(url, sizeof url, "postgresql://offerapi:N0tThere-123@127.0.0.1:%u/offerapi",
	         (unsigned)ntohs(sa.sin_port));

	db_pool *pool;
	PGT_OK(db_pool_open(&pool, &db_pg_backend, url, &cfg, 1));
	db_conn *c;
	double t0 = pgt_now();
	PGT_FAILS(db_acquire(pool, &c), OFFERAPI_EUNAVAILABLE);
	assert_true(pgt_now() - t0 < CONNECT_TIMEOUT_S + 1.0);
	PGT_MSG_HAS("Connection refused");
	PGT_MSG_HAS("postgresql://offerapi:***@127.0.0.1:");
	PGT_MSG_LACKS("N0tThere-123");
	PGT_MSG_LACKS("\n");
	db_pool_free(pool);
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_unreachable_port),
		cmocka_unit_test(test_outage_and_recovery),
		cmocka_unit_test(test_batch_outage),
	};
	return cmocka_run_group_tests_name("pg_outage", tests, NULL, NULL);
}
