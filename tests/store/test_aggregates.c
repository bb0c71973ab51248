/*
 * test_aggregates.c - the dashboard's stored aggregates (migration 20)
 * equal a recomputation from the rows after every kind of write: applying,
 * a score stored then replaced (in another bin or the same), a withdrawal,
 * the erasure of a candidate's account, the retention purge; in a random
 * order from a seed the test prints (OFFERAPI_TEST_SEED=N replays one).
 * Then two threads score the applications of one offer at once: no
 * increment may be lost. argv[1] names the backend.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "aggcheck.h"
#include "pdfgen.h"
#include "store_internal.h"
#include "testdb.h"

#define NCAND 10
#define NOFFERS 2
#define STEPS 120

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *cand[NCAND];
	offerapi_id offer[NOFFERS];
	offerapi_id app[NCAND][NOFFERS]; /* 0: none */
	char *pdf;
	size_t pdf_len;
	unsigned seed;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	testdb_create(&f->db);
	f->s = testdb_open(&f->db);
	f->rec = testdb_user(f->s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	for (int i = 0; i < NOFFERS; i++) {
		offerapi_offer_fields of = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
			                     .title = "Offre",
			                     .description = "C, SQL." };
		assert_rc(offerapi_offer_create(f->s, f->rec, &of, &f->offer[i]), 0);
	}
	for (int i = 0; i < NCAND; i++) {
		char login[32];
		snprintf(login, sizeof login, "cand%02d@example.org", i);
		f->cand[i] = testdb_user(f->s, login, OFFERAPI_ROLE_CANDIDATE);
	}
	const char *lines[] = { "Curriculum vitae", "C, SQL" };
	f->pdf = pdfgen_text(lines, 2, 1, &f->pdf_len);
	const char *seed = getenv("OFFERAPI_TEST_SEED");
	f->seed = seed ? (unsigned)strtoul(seed, NULL, 10) : (unsigned)time(NULL);
	print_message("seed %u (OFFERAPI_TEST_SEED to replay)\n", f->seed);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->rec);
	for (int i = 0; i < NCAND; i++)
		offerapi_user_free(f->cand[i]);
	free(f->pdf);
	offerapi_store_free(f->s);
	testdb_destroy(&f->db);
	free(f);
	return 0;
}

static void apply(fixture *f, int c, int o)
{
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = f->pdf,
		.pdf_len = f->pdf_len,
	};
	assert_rc(offerapi_application_submit(f->s, f->cand[c], f->offer[o], &in, &f->app[c][o]),
	          0);
}

/* A score: bounds of bins (exact doubles as C writes them) half the time. */
static double some_score(void)
{
	static const double edge[] = { 0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1 };
	if (rand() % 2)
		return edge[rand() % (int)(sizeof edge / sizeof *edge)];
	return (double)rand() / RAND_MAX;
}

static void check_all(fixture *f)
{
	for (int o = 0; o < NOFFERS; o++)
		aggcheck_offer(f->s, f->rec, f->offer[o]);
}

/* One random write; what it was, for the failure message. */
static const char *step(fixture *f)
{
	static const char *const scorers[] = { "similarity", "random", "llm" };
	int c = rand() % NCAND, o = rand() % NOFFERS, what = rand() % 20;
	if (!f->cand[c])
		return "nothing (erased account)";
	if (!f->app[c][o]) {
		apply(f, c, o);
		return "apply";
	}
	if (what < 15) {
		assert_rc(offerapi_score_put(f->s, f->app[c][o], scorers[rand() % 3], "1",
		                             some_score(), ""),
		          0);
		return "score (new or replaced)";
	}
	if (what < 18) {
		int rc = offerapi_application_withdraw(f->s, f->cand[c], f->app[c][o]);
		assert_true(rc == 0 || rc == OFFERAPI_ECONFLICT);
		return "withdraw";
	}
	assert_rc(offerapi_user_erase(f->s, f->cand[c]->id, NULL), 0);
	offerapi_user_free(f->cand[c]);
	f->cand[c] = NULL;
	for (int k = 0; k < NOFFERS; k++)
		f->app[c][k] = 0;
	return "erase";
}

static void test_random_writes(void **state)
{
	fixture *f = *state;
	srand(f->seed);
	check_all(f);
	for (int i = 0; i < STEPS; i++) {
		const char *what = step(f);
		print_message("step %d: %s\n", i, what);
		check_all(f);
	}
	/* the retention purge: every application older than a day, as of a
	 * year from now */
	offerapi_retention_policy pol = OFFERAPI_RETENTION_POLICY_INIT;
	pol.application_days = 1;
	pol.pool_days = 0;
	pol.warn_days = 0;
	offerapi_retention_counts rc;
	assert_rc(offerapi_retention_purge(f->s, &pol, time(NULL) + 365 * 86400, &rc), 0);
	int64_t left;
	assert_rc(store_count(f->s, " FROM applications", NULL, 0, &left), 0);
	assert_int_equal(left, 0);
	check_all(f);
}

/* ---- two scorers at once ---- */

#define ROUNDS 60

typedef struct worker {
	fixture *f;
	int first; /* the candidates first..first+NCAND/2-1 */
	int failures;
} worker;

static void *score_many(void *arg)
{
	worker *w = arg;
	unsigned r = (unsigned)w->first * 7919u + 1;
	for (int i = 0; i < ROUNDS; i++)
		for (int c = w->first; c < w->first + NCAND / 2; c++) {
			r = r * 1103515245u + 12345u;
			/* most land in a few bins, so both threads write one row */
			double x = (double)((r >> 16) % 4) / 10.0 + 0.05;
			if (offerapi_score_put(w->f->s, w->f->app[c][0], "similarity", "1", x, "") <
			    0)
				w->failures++;
		}
	return NULL;
}

static void test_concurrent_scoring(void **state)
{
	fixture *f = *state;
	for (int c = 0; c < NCAND; c++)
		apply(f, c, 0);
	worker w[2] = { { f, 0, 0 }, { f, NCAND / 2, 0 } };
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, score_many, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(w[0].failures + w[1].failures, 0);
	check_all(f);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_scoring, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
