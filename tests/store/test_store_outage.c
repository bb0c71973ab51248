/*
 * test_store_outage.c - the store while its PostgreSQL server stops and
 * starts again: calls fail with OFFERAPI_EUNAVAILABLE and a clear message,
 * then the same store works again without being reopened, and everything
 * committed before is still there. Run through tests/with-postgresql.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include <offerapi/offerapi.h>

#include "pdfgen.h"
#include "testdb.h"

static void server(const char *what)
{
	const char *ctl = getenv("OFFERAPI_TEST_PG_CTL");
	if (!ctl)
		fail_msg("OFFERAPI_TEST_PG_CTL is not set: run through tests/with-postgresql.sh");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "\"%s\" %s", ctl, what);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_outage_and_recovery(void **state)
{
	(void)state;
	testdb db;
	testdb_create(&db);
	offerapi_store_options o = testdb_options();
	o.connect_timeout_s = 2;
	offerapi_store *s;
	assert_rc(offerapi_store_open(&s, db.url, &o), 0);

	offerapi_user *rec, *cand;
	rec = testdb_user(s, "rec", OFFERAPI_ROLE_RECRUITER);
	cand = testdb_user(s, "cand", OFFERAPI_ROLE_CANDIDATE);
	offerapi_offer_fields f = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Survivor",
		.description = "Must outlive a restart",
		.location = "",
	};
	offerapi_id offer, app;
	assert_rc(offerapi_offer_create(s, rec, &f, &offer), 0);
	const char *lines[] = { "A CV written before the outage" };
	size_t len;
	char *pdf = pdfgen_text(lines, 1, 1, &len);
	app = testdb_submit(s, cand, offer, pdf, len);

	server("stop");
	double t0 = now();
	int rc = offerapi_store_ping(s);
	assert_int_equal(rc, OFFERAPI_EUNAVAILABLE);
	assert_non_null(strstr(offerapi_error_last()->message, "postgresql"));
	offerapi_offer *got;
	assert_rc(offerapi_offer_get(s, offer, &got), OFFERAPI_EUNAVAILABLE);
	/* a write during the outage fails as a whole, nothing half-done */
	offerapi_user *late = NULL;
	assert_rc(offerapi_user_create(s, "late", "Late", "password1", OFFERAPI_ROLE_CANDIDATE,
	                               &late),
	          OFFERAPI_EUNAVAILABLE);
	/* bounded by the connect timeout, never a hang */
	assert_true(now() - t0 < 30.0);

	server("start");
	/* the same store works again: every pooled connection reconnects */
	for (int i = 0; i < 8; i++)
		assert_rc(offerapi_store_ping(s), 0);
	assert_rc(offerapi_offer_get(s, offer, &got), 0);
	assert_string_equal(got->title, "Survivor");
	assert_int_equal(got->napplications, 1);
	offerapi_offer_free(got);
	offerapi_application *a;
	assert_rc(offerapi_application_get(s, rec, app, &a), 0);
	assert_non_null(strstr(a->cv_text, "A CV written before the outage"));
	offerapi_application_free(a);
	assert_rc(offerapi_user_create(s, "late", "Late", "password1", OFFERAPI_ROLE_CANDIDATE,
	                               &late),
	          0);

	offerapi_user_free(late);
	offerapi_user_free(rec);
	offerapi_user_free(cand);
	free(pdf);
	testdb_close(&db, s);
}

/* A replica opening the store while another holds the migration lock waits;
 * with a statement_timeout in its URL it gives up with OFFERAPI_EBUSY and a
 * message, never a crash (this path once freed a result twice). */
static void test_migration_lock_busy(void **state)
{
	(void)state;
	testdb db;
	testdb_create(&db);
	PGconn *holder = PQconnectdb(db.url);
	assert_int_equal(PQstatus(holder), CONNECTION_OK);
	PGresult *res = PQexec(holder, "SELECT pg_advisory_lock(5721373018131877961)");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);
	char url[1200];
	snprintf(url, sizeof url, "%s?options=-c%%20statement_timeout%%3D300", db.url);
	offerapi_store_options o = testdb_options();
	offerapi_store *s = NULL;
	assert_rc(offerapi_store_open(&s, url, &o), OFFERAPI_EBUSY);
	assert_non_null(strstr(offerapi_error_last()->message, "migration"));
	assert_null(s);
	PQfinish(holder); /* the lock goes with the session */
	assert_rc(offerapi_store_open(&s, url, &o), 0);
	assert_int_equal(offerapi_store_schema_version(s), offerapi_store_schema_latest());
	testdb_close(&db, s);
}

int main(void)
{
	testdb_backend = "postgresql";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outage_and_recovery),
		cmocka_unit_test(test_migration_lock_busy),
	};
	return cmocka_run_group_tests_name("store-outage", tests, NULL, NULL);
}
