/*
 * test_batch.c - db_batch() (db.h) on the backend of argv[1]: results in
 * the order of the statements, an error in the middle statement named
 * and nothing returned, the connection usable afterwards (the store has a
 * pool of one connection, so every call here runs on the same one); and
 * offerapi_dashboard_get(), which reads its offer, summary, page and jobs
 * in one batch: the same as the calls one by one, and the permission
 * checked before anything of the offer is returned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "pdfgen.h"
#include "store_internal.h"
#include "testdb.h"

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *rec2, *cand;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	testdb_create(&f->db);
	offerapi_store_options o = testdb_options();
	o.pool_size = 1; /* one connection: the one an error must leave usable */
	assert_rc(offerapi_store_open(&f->s, f->db.url, &o), 0);
	f->rec = testdb_user(f->s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	f->rec2 = testdb_user(f->s, "rh2@example.org", OFFERAPI_ROLE_RECRUITER);
	f->cand = testdb_user(f->s, "cand@example.org", OFFERAPI_ROLE_CANDIDATE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->rec);
	offerapi_user_free(f->rec2);
	offerapi_user_free(f->cand);
	testdb_close(&f->db, f->s);
	free(f);
	return 0;
}

#define LOGIN_SQL "SELECT login FROM users WHERE id = $1"
#define PLUS_SQL "SELECT CAST($1 AS BIGINT) + 1"
#define NONE_SQL "SELECT id FROM offers WHERE id = $1"

/* Three statements, their results in order: one row, one row, none. */
static void batch_ok(fixture *f, db_conn *c)
{
	db_param p1[] = { P_INT(f->rec2->id) }, p2[] = { P_INT(41) }, p3[] = { P_INT(-1) };
	db_stmt st[] = { { LOGIN_SQL, p1, 1 }, { PLUS_SQL, p2, 1 }, { NONE_SQL, p3, 1 } };
	db_result *r[3];
	assert_rc(db_batch(c, 3, st, r), 0);
	assert_int_equal(r[0]->nrows, 1);
	assert_string_equal(db_text(r[0], 0, 0), "rh2@example.org");
	assert_int_equal(r[1]->nrows, 1);
	assert_int_equal(db_int(r[1], 0, 0), 42);
	assert_int_equal(r[2]->nrows, 0);
	for (int k = 0; k < 3; k++)
		db_result_free(r[k]);
}

/* A batch whose statement 2 of 3 fails: its error, naming it; no result
 * at all (every slot NULL, the first statement's too). */
static void batch_fails_second(db_conn *c, const char *bad, const db_param *bp, int nbp)
{
	db_param p[] = { P_INT(1) };
	db_stmt st[] = { { PLUS_SQL, p, 1 }, { bad, bp, nbp }, { NONE_SQL, p, 1 } };
	db_result *r[3] = { (db_result *)1, (db_result *)1, (db_result *)1 };
	assert_rc(db_batch(c, 3, st, r), OFFERAPI_ERROR);
	const char *msg = offerapi_error_last()->message;
	if (!strstr(msg, "statement 2 of 3: "))
		fail_msg("the error \"%s\" does not name statement 2 of 3", msg);
	for (int k = 0; k < 3; k++)
		assert_null(r[k]);
}

/* The server process of @c's session on PostgreSQL, 0 on SQLite. */
static int64_t backend_pid(db_conn *c)
{
	if (strcmp(testdb_backend, "postgresql") != 0)
		return 0;
	db_result *r = NULL;
	assert_rc(db_exec(c, "SELECT pg_backend_pid()", NULL, 0, &r), 0);
	int64_t pid = db_int(r, 0, 0);
	db_result_free(r);
	return pid;
}

static void test_batch(void **state)
{
	fixture *f = *state;
	db_conn *c;
	assert_rc(db_acquire(f->s->pool, &c), 0);
	batch_ok(f, c); /* prepares them (PostgreSQL), inside the pipeline */
	batch_ok(f, c); /* runs them prepared */
	int64_t pid = backend_pid(c);

	/* a statement the database refuses to prepare: no such table */
	batch_fails_second(c, "SELECT x FROM no_such_table WHERE x = $1", (db_param[]){ P_INT(1) },
	                   1);
	batch_fails_second(c, "SELECT x FROM no_such_table WHERE x = $1", (db_param[]){ P_INT(1) },
	                   1);
	if (!strcmp(testdb_backend, "postgresql")) {
		/* prepared by a good batch, then failing as it runs */
		db_param one[] = { P_INT(1) }, zero[] = { P_INT(0) };
		db_result *r[1];
		assert_rc(db_batch(c, 1, (db_stmt[]){ { "SELECT 6 / CAST($1 AS BIGINT)", one, 1 } },
		                   r),
		          0);
		assert_int_equal(db_int(r[0], 0, 0), 6);
		db_result_free(r[0]);
		batch_fails_second(c, "SELECT 6 / CAST($1 AS BIGINT)", zero, 1);
		/* refused before it is sent, the first one already in the
		 * pipeline: read to its end all the same */
		db_result *rr[3] = { (db_result *)1, (db_result *)1, (db_result *)1 };
		db_stmt st[] = { { PLUS_SQL, one, 1 },
			         { PLUS_SQL, one, -1 },
			         { PLUS_SQL, one, 1 } };
		assert_rc(db_batch(c, 3, st, rr), OFFERAPI_EINVAL);
		if (!strstr(offerapi_error_last()->message, "statement 2 of 3: postgresql: -1 "))
			fail_msg("unexpected error: %s", offerapi_error_last()->message);
		for (int k = 0; k < 3; k++)
			assert_null(rr[k]);
	}

	/* the connection still works, for a statement and for a batch, and
	 * is the same session: nothing was reset */
	assert_int_equal(backend_pid(c), pid);
	db_result *r = NULL;
	assert_rc(db_exec(c, PLUS_SQL, (db_param[]){ P_INT(1) }, 1, &r), 0);
	assert_int_equal(db_int(r, 0, 0), 2);
	db_result_free(r);
	batch_ok(f, c);

	/* and inside a transaction, which it leaves open */
	assert_rc(db_begin(c), 0);
	batch_ok(f, c);
	assert_rc(db_commit(c), 0);
	db_release(f->s->pool, c);

	/* bounds: no statement, too many */
	db_result *none[1];
	assert_rc(store_batch(f->s, 0, NULL, none), OFFERAPI_EINVAL);
	db_stmt many[DB_BATCH_MAX + 1];
	db_result *rs[DB_BATCH_MAX + 1];
	db_param ks[DB_BATCH_MAX + 1];
	for (int k = 0; k <= DB_BATCH_MAX; k++) {
		ks[k] = P_INT(k);
		many[k] = (db_stmt){ PLUS_SQL, &ks[k], 1 };
	}
	assert_rc(store_batch(f->s, DB_BATCH_MAX + 1, many, rs), OFFERAPI_EINVAL);
	assert_rc(store_batch(f->s, DB_BATCH_MAX, many, rs), 0);
	for (int k = 0; k < DB_BATCH_MAX; k++) {
		assert_int_equal(db_int(rs[k], 0, 0), k + 1);
		db_result_free(rs[k]);
	}
	/* store_batch() takes reads only */
	db_stmt write = { "DELETE FROM offers WHERE id = $1", (db_param[]){ P_INT(1) }, 1 };
	assert_rc(store_batch(f->s, 1, &write, none), OFFERAPI_EINVAL);
}

/* The dashboard's offer and jobs are those of the calls one by one; the
 * summary's count and the page agree. */
static void test_dashboard(void **state)
{
	fixture *f = *state;
	offerapi_id offer = testdb_offer(f->s, f->rec, "Dev C");
	size_t len;
	const char *lines[] = { "Curriculum vitae", "C, SQL" };
	char *pdf = pdfgen_text(lines, 2, 1, &len);
	testdb_submit(f->s, f->cand, offer, pdf, len);
	for (int i = 0; i < 2; i++) {
		char login[32];
		snprintf(login, sizeof login, "c%d@example.org", i);
		offerapi_user *u = testdb_user(f->s, login, OFFERAPI_ROLE_CANDIDATE);
		testdb_submit(f->s, u, offer, pdf, len);
		offerapi_user_free(u);
	}
	free(pdf);

	offerapi_dashboard *d;
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer, NULL, NULL, &d), 0);
	assert_non_null(d->offer);
	assert_int_equal(d->offer->id, offer);
	assert_string_equal(d->offer->title, "Dev C");
	assert_int_equal(d->offer->recruiter_id, f->rec->id);
	offerapi_offer *o;
	assert_rc(offerapi_offer_get(f->s, offer, &o), 0);
	assert_int_equal(d->offer->version, o->version);
	assert_int_equal(d->offer->napplications, o->napplications);
	offerapi_offer_free(o);
	assert_non_null(d->jobs);
	offerapi_job_status_list *jobs;
	assert_rc(offerapi_job_status_offer(f->s, f->rec, offer, &jobs), 0);
	assert_int_equal(d->jobs->count, jobs->count);
	offerapi_job_status_list_free(jobs);
	assert_int_equal(d->count, 3);
	assert_int_equal(d->page->total, 3);
	assert_int_equal(d->page->count, 3);
	offerapi_dashboard_free(d);

	/* another recruiter's offer, a missing one: refused, nothing given,
	 * with a bad cursor too (the permission first) */
	d = (offerapi_dashboard *)1;
	assert_rc(offerapi_dashboard_get(f->s, f->rec2, offer, NULL, NULL, &d), OFFERAPI_EPERM);
	assert_null(d);
	offerapi_page bad = OFFERAPI_PAGE_INIT;
	bad.cursor = "r1.n.0.00000000.u.1.1";
	assert_rc(offerapi_dashboard_get(f->s, f->rec2, offer, NULL, &bad, &d), OFFERAPI_EPERM);
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer + 99, NULL, &bad, &d),
	          OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer + 99, NULL, NULL, &d),
	          OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_dashboard_get(f->s, f->cand, offer, NULL, NULL, &d), OFFERAPI_EPERM);
	/* the owner's bad cursor is the cursor's error */
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer, NULL, &bad, &d), OFFERAPI_EINVAL);
	assert_null(d);
	if (!strstr(offerapi_error_last()->message, "cursor"))
		fail_msg("\"%s\" does not name the cursor", offerapi_error_last()->message);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
