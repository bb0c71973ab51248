/*
 * test_jobs.c - the scoring queue (offerapi/jobs.h) on a real database:
 * enqueuing in the submit's transaction, exclusive claims across threads
 * and processes, leases that survive a worker killed with SIGKILL, backoff
 * and terminal failure, the recruiter's retry, rescoring on a version bump,
 * shutdown, statistics.
 *
 * usage: test_jobs sqlite|postgresql SLOW1.so SLOW2.so FAILING.so
 * (SLOW1/SLOW2: tests/store/slow-scorer.c at versions 1 and 2). The same
 * binary is its own worker process: "test_jobs --child MODE ..." (below).
 *
 * It links the library's internal archive for oa_test_clock_advance(): time
 * moves by decree here, never by sleeping, where a lease or a backoff must
 * pass.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "internal.h"
#include "jobs_internal.h"
#include "store_internal.h"
#include "pdfgen.h"
#include "testdb.h"

extern char **environ;

static const char *slow1_so, *slow2_so, *failing_so;
static char self_exe[4096];

/* ---- helpers ---- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One integer from a query, through the library's own connection pool. */
static int64_t query_int(offerapi_store *s, const char *sql)
{
	db_result *r = NULL;
	assert_rc(store_exec(s, sql, NULL, 0, &r), 0);
	assert_int_equal(r->nrows, 1);
	int64_t v = db_int(r, 0, 0);
	db_result_free(r);
	return v;
}

static offerapi_scorers *load(const char *so, const char *key, const char *value)
{
	offerapi_scorers *set;
	assert_rc(offerapi_scorers_new(&set), 0);
	if (key)
		assert_rc(offerapi_scorers_set(set, "slow", key, value), 0);
	assert_rc(offerapi_scorers_load_file(set, so), 0);
	return set;
}

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *rec2, *cand;
	char *pdf;
	size_t pdf_len;
	char log[300]; /* the slow scorer's call log */
	pid_t children[4]; /* worker processes still to reap (0: none) */
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	f->rec = testdb_user(f->s, "rec", OFFERAPI_ROLE_RECRUITER);
	f->rec2 = testdb_user(f->s, "rec2", OFFERAPI_ROLE_RECRUITER);
	f->cand = testdb_user(f->s, "cand", OFFERAPI_ROLE_CANDIDATE);
	const char *lines[] = { "I write C and SQL every day." };
	f->pdf = pdfgen_text(lines, 1, 1, &f->pdf_len);
	snprintf(f->log, sizeof f->log, "/tmp/offerapi-jobs-log-%ld-%u", (long)getpid(),
	         (unsigned)rand());
	unlink(f->log);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	oa_test_clock_advance(-oa_test_clock_advance(0)); /* back to the real clock */
	for (size_t i = 0; i < sizeof f->children / sizeof *f->children; i++)
		if (f->children[i] > 0) { /* a test that failed midway */
			kill(f->children[i], SIGKILL);
			waitpid(f->children[i], NULL, 0);
		}
	offerapi_user_free(f->rec);
	offerapi_user_free(f->rec2);
	offerapi_user_free(f->cand);
	testdb_close(&f->db, f->s);
	free(f->pdf);
	unlink(f->log);
	free(f);
	return 0;
}

/* A new offer of f->rec and the candidate's application to it, with a job
 * per scorer of @set (NULL: none). */
static offerapi_id apply(fixture *f, const offerapi_scorers *set)
{
	const char *skills[] = { "C", "SQL" };
	offerapi_offer_fields of = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Dev",
		.description = "Write C",
		.location = "Paris",
		.skills = skills,
		.nskills = 2,
	};
	offerapi_id offer, app = 0;
	assert_rc(offerapi_offer_create(f->s, f->rec, &of, &offer), 0);
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = f->pdf,
		.pdf_len = f->pdf_len,
	};
	assert_rc(offerapi_application_submit_jobs(f->s, f->cand, offer, &in, set, &app), 0);
	return app;
}

/* The state of the job of (@app, @scorer), read as the recruiter. */
static offerapi_job_status *status_of(fixture *f, offerapi_id app, const char *scorer,
                                      offerapi_job_status_list **keep)
{
	assert_rc(offerapi_job_status_application(f->s, f->rec, app, keep), 0);
	for (size_t i = 0; i < (*keep)->count; i++)
		if (!strcmp((*keep)->items[i].scorer, scorer))
			return &(*keep)->items[i];
	fail_msg("no %s job for application %lld", scorer, (long long)app);
	return NULL;
}

static offerapi_job_state state_of(fixture *f, offerapi_id app, const char *scorer)
{
	offerapi_job_status_list *l;
	offerapi_job_state st = status_of(f, app, scorer, &l)->state;
	offerapi_job_status_list_free(l);
	return st;
}

/* Lines of the slow scorer's log naming application @app. */
static int calls_for(const fixture *f, offerapi_id app)
{
	FILE *fp = fopen(f->log, "r");
	if (!fp)
		return 0;
	long long id, pid;
	int n = 0;
	while (fscanf(fp, "%lld %lld", &id, &pid) == 2)
		n += id == app;
	fclose(fp);
	return n;
}

static offerapi_job_options fast_options(void)
{
	offerapi_job_options o = OFFERAPI_JOB_OPTIONS_INIT;
	o.lease_s = 30;
	o.max_attempts = 3;
	o.backoff_base_ms = 10000;
	o.backoff_max_ms = 15000;
	return o;
}

/* The options' defaults and bounds are the header's constants, and a
 * long base backoff raises the default longest one instead of failing. */
static void test_option_bounds(void **state)
{
	(void)state;
	offerapi_job_options o, in = OFFERAPI_JOB_OPTIONS_INIT;
	assert_rc(jobs_options(&o, NULL), 0);
	assert_int_equal(o.lease_s, OFFERAPI_JOB_LEASE_S_DEFAULT);
	assert_int_equal(o.max_attempts, OFFERAPI_JOB_ATTEMPTS_DEFAULT);
	assert_int_equal(o.backoff_base_ms, OFFERAPI_JOB_BACKOFF_MS_DEFAULT);
	assert_int_equal(o.backoff_max_ms, OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT);
	in.backoff_base_ms = OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT + 1;
	assert_rc(jobs_options(&o, &in), 0);
	assert_int_equal(o.backoff_max_ms, OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT + 1);
	in.backoff_base_ms = OFFERAPI_JOB_BACKOFF_MS_MAX;
	assert_rc(jobs_options(&o, &in), 0);
	in.backoff_base_ms = OFFERAPI_JOB_BACKOFF_MS_MAX + 1;
	assert_rc(jobs_options(&o, &in), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "backoff_base_ms 86400001 is over"));
	in.backoff_base_ms = 0;
	in.backoff_max_ms = OFFERAPI_JOB_BACKOFF_MS_MAX + 1;
	assert_rc(jobs_options(&o, &in), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "backoff_max_ms 86400001 is over"));
	in = (offerapi_job_options)OFFERAPI_JOB_OPTIONS_INIT;
	in.backoff_base_ms = 20000;
	in.backoff_max_ms = 10000;
	assert_rc(jobs_options(&o, &in), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "below backoff_base_ms"));
	in = (offerapi_job_options)OFFERAPI_JOB_OPTIONS_INIT;
	in.lease_s = OFFERAPI_JOB_LEASE_S_MAX + 1;
	assert_rc(jobs_options(&o, &in), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "lease_s"));
	in.lease_s = OFFERAPI_JOB_LEASE_S_MAX;
	in.max_attempts = OFFERAPI_JOB_ATTEMPTS_MAX + 1;
	assert_rc(jobs_options(&o, &in), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "max_attempts"));
}

/* ---- enqueuing ---- */

static void test_submit_enqueues(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(slow1_so, NULL, NULL);
	assert_rc(offerapi_scorers_load_file(set, failing_so), 0);
	offerapi_id app = apply(f, set);
	offerapi_job_status_list *l;
	assert_rc(offerapi_job_status_application(f->s, f->rec, app, &l), 0);
	assert_int_equal(l->count, 2);
	assert_string_equal(l->items[0].scorer, "always-fails"); /* by name */
	assert_string_equal(l->items[1].scorer, "slow");
	assert_string_equal(l->items[1].scorer_version, "1");
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(l->items[i].state, OFFERAPI_JOB_PENDING);
		assert_int_equal(l->items[i].attempts, 0);
		assert_true(l->items[i].enqueued_ms > 0);
	}
	offerapi_job_status_list_free(l);
	/* the candidate reads them too; another recruiter does not */
	assert_rc(offerapi_job_status_application(f->s, f->cand, app, &l), 0);
	assert_int_equal(l->count, 2);
	offerapi_job_status_list_free(l);
	assert_rc(offerapi_job_status_application(f->s, f->rec2, app, &l), OFFERAPI_EPERM);
	assert_rc(offerapi_job_status_application(f->s, f->rec, app + 99, &l), OFFERAPI_ENOTFOUND);
	/* the offer's jobs: the owner checked in the same statement */
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT offer_id FROM applications WHERE id = %lld",
	         (long long)app);
	offerapi_id offer = query_int(f->s, sql);
	assert_rc(offerapi_job_status_offer(f->s, f->rec, offer, &l), 0);
	assert_int_equal(l->count, 2);
	assert_string_equal(l->items[0].scorer, "always-fails");
	assert_int_equal(l->items[1].application_id, app);
	offerapi_job_status_list_free(l);
	assert_rc(offerapi_job_status_offer(f->s, f->rec2, offer, &l), OFFERAPI_EPERM);
	assert_rc(offerapi_job_status_offer(f->s, f->cand, offer, &l), OFFERAPI_EPERM);
	assert_rc(offerapi_job_status_offer(f->s, f->rec, offer + 99, &l), OFFERAPI_ENOTFOUND);

	/* the old call enqueues nothing; enqueue_missing catches it up */
	offerapi_id old = apply(f, NULL);
	assert_rc(offerapi_job_status_application(f->s, f->rec, old, &l), 0);
	assert_int_equal(l->count, 0);
	offerapi_job_status_list_free(l);
	size_t n = 99;
	assert_rc(offerapi_job_enqueue_missing(f->s, set, &n), 0);
	assert_int_equal(n, 2); /* two scorers for the old application, none for the new */
	assert_rc(offerapi_job_enqueue_missing(f->s, set, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM jobs"), 4);
	offerapi_scorers_free(set);
}

/* A failed submit leaves no job, and a failed enqueue leaves no
 * application: they are one transaction. */
static void test_submit_is_atomic(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(slow1_so, NULL, NULL);
	offerapi_id app = apply(f, set);
	offerapi_id offer = query_int(f->s, "SELECT MAX(id) FROM offers");
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = f->pdf,
		.pdf_len = f->pdf_len,
	};
	offerapi_id again = 0;
	assert_rc(offerapi_application_submit_jobs(f->s, f->cand, offer, &in, set, &again),
	          OFFERAPI_EEXISTS);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM jobs"), 1);
	(void)app;

	/* make every insert into jobs fail, inside the database */
	if (!strcmp(testdb_backend, "sqlite"))
		assert_rc(store_exec(f->s,
		                     "CREATE TRIGGER jobs_boom BEFORE INSERT ON jobs"
		                     " BEGIN SELECT RAISE(ABORT, 'boom'); END",
		                     NULL, 0, NULL),
		          0);
	else
		assert_rc(store_exec(f->s,
		                     "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS"
		                     " $f$ BEGIN RAISE EXCEPTION 'boom'; END $f$;"
		                     " CREATE TRIGGER jobs_boom BEFORE INSERT ON jobs"
		                     " FOR EACH ROW EXECUTE FUNCTION boom()",
		                     NULL, 0, NULL),
		          0);
	const char *skills[] = { "C" };
	offerapi_offer_fields of = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Ops",
		.description = "Run it",
		.location = "Lyon",
		.skills = skills,
		.nskills = 1,
	};
	offerapi_id offer2;
	assert_rc(offerapi_offer_create(f->s, f->rec, &of, &offer2), 0);
	int rc = offerapi_application_submit_jobs(f->s, f->cand, offer2, &in, set, &again);
	assert_true(rc < 0);
	assert_non_null(strstr(offerapi_error_last()->message, "boom"));
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM applications"), 1);
	/* without jobs the same submit works (the trigger only guards jobs) */
	assert_rc(offerapi_application_submit(f->s, f->cand, offer2, &in, &again), 0);
	offerapi_scorers_free(set);
}

/* ---- claiming and completing ---- */

static void test_claim_complete(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(slow1_so, NULL, NULL);
	offerapi_id app = apply(f, set);
	offerapi_job *j;
	assert_rc(offerapi_job_claim(f->s, set, "me:1", NULL, &j), 0);
	assert_non_null(j);
	assert_int_equal(j->application_id, app);
	assert_string_equal(j->scorer, "slow");
	assert_int_equal(j->attempt, 1);
	assert_int_equal(state_of(f, app, "slow"), OFFERAPI_JOB_RUNNING);
	offerapi_job *none;
	assert_rc(offerapi_job_claim(f->s, set, "me:2", NULL, &none), 0);
	assert_null(none); /* one claim at a time */

	double latency = -1;
	assert_rc(offerapi_job_complete(f->s, j, 0.25, "fine", &latency), 0);
	assert_true(latency >= 0.0);
	/* idempotent: the same claim completes again, nothing more happens */
	assert_rc(offerapi_job_complete(f->s, j, 0.25, "fine", NULL), 0);
	assert_rc(offerapi_job_complete(f->s, j, 1.5, "", NULL), OFFERAPI_EINVAL);
	assert_rc(offerapi_job_fail(f->s, j, "late", NULL, NULL, NULL), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_job_release(f->s, j), OFFERAPI_ENOTFOUND);
	offerapi_application *a;
	assert_rc(offerapi_application_get(f->s, f->rec, app, &a), 0);
	assert_int_equal(a->nscores, 1);
	assert_true(a->scores[0].score == 0.25);
	assert_string_equal(a->scores[0].scorer_version, "1");
	offerapi_application_free(a);
	assert_int_equal(state_of(f, app, "slow"), OFFERAPI_JOB_DONE);
	offerapi_job_free(j);

	/* process() does the same with the scorer */
	offerapi_id app2 = apply(f, set);
	assert_rc(offerapi_job_claim(f->s, set, NULL, NULL, &j), 0);
	assert_int_equal(j->application_id, app2);
	offerapi_job_report rep;
	assert_rc(offerapi_job_process(f->s, set, j, NULL, &rep), 0);
	assert_int_equal(rep.result, OFFERAPI_JOB_COMPLETED);
	assert_null(rep.reason);
	assert_int_equal(rep.attempt, 1);
	offerapi_job_free(j);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM scores"), 2);
	offerapi_scorers_free(set);
}

/* ---- failure, backoff, retry ---- */

static void test_backoff_and_failure(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(failing_so, NULL, NULL);
	offerapi_id app = apply(f, set);
	offerapi_job_options o = fast_options();
	/* 10 s, then 20 s capped at 15 s, each drawn in [half, all] */
	int64_t delays[][2] = { { 5000, 10000 }, { 7500, 15000 } };
	for (unsigned attempt = 1; attempt <= 3; attempt++) {
		offerapi_job *j;
		assert_rc(offerapi_job_claim(f->s, set, NULL, &o, &j), 0);
		assert_non_null(j);
		assert_int_equal(j->attempt, attempt);
		offerapi_job_report rep;
		int64_t before = oa_now_ms();
		assert_rc(offerapi_job_process(f->s, set, j, &o, &rep), 0);
		offerapi_job_free(j);
		assert_int_equal(rep.error, OFFERAPI_EPLUGIN);
		assert_string_equal(rep.reason, "plugin");
		assert_non_null(strstr(rep.message, "out to lunch"));
		if (attempt == 3) {
			assert_int_equal(rep.result, OFFERAPI_JOB_GAVE_UP);
			break;
		}
		assert_int_equal(rep.result, OFFERAPI_JOB_RETRYING);
		int64_t wait = rep.retry_ms - before;
		assert_true(wait >= delays[attempt - 1][0] - 5 &&
		            wait <= delays[attempt - 1][1] + 50);
		/* not before its backoff */
		assert_rc(offerapi_job_claim(f->s, set, NULL, &o, &j), 0);
		assert_null(j);
		oa_test_clock_advance(delays[attempt - 1][1] + 60);
	}
	offerapi_job_status_list *l;
	offerapi_job_status *st = status_of(f, app, "always-fails", &l);
	assert_int_equal(st->state, OFFERAPI_JOB_FAILED);
	assert_int_equal(st->attempts, 3);
	assert_non_null(strstr(st->last_error, "out to lunch"));
	assert_true(st->finished_ms > 0);
	offerapi_job_status_list_free(l);
	/* the candidate sees the state, never the reason */
	assert_rc(offerapi_job_status_application(f->s, f->cand, app, &l), 0);
	assert_int_equal(l->items[0].state, OFFERAPI_JOB_FAILED);
	assert_string_equal(l->items[0].last_error, "");
	offerapi_job_status_list_free(l);
	/* terminal: time alone never brings it back */
	oa_test_clock_advance(3600 * 1000);
	offerapi_job *j;
	assert_rc(offerapi_job_claim(f->s, set, NULL, &o, &j), 0);
	assert_null(j);

	/* the recruiter's retry, and only the owner's */
	assert_rc(offerapi_job_retry(f->s, f->cand, app, "always-fails"), OFFERAPI_EPERM);
	assert_rc(offerapi_job_retry(f->s, f->rec2, app, "always-fails"), OFFERAPI_EPERM);
	assert_rc(offerapi_job_retry(f->s, f->rec, app, "nope"), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_job_retry(f->s, f->rec, app + 99, "always-fails"), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_job_retry(f->s, f->rec, app, "always-fails"), 0);
	assert_rc(offerapi_job_retry(f->s, f->rec, app, "always-fails"), 0); /* double click */
	st = status_of(f, app, "always-fails", &l);
	assert_int_equal(st->state, OFFERAPI_JOB_PENDING);
	assert_int_equal(st->attempts, 0);
	offerapi_job_status_list_free(l);
	assert_rc(offerapi_job_claim(f->s, set, NULL, &o, &j), 0);
	assert_non_null(j);
	assert_int_equal(j->attempt, 1);
	offerapi_job_free(j);
	offerapi_scorers_free(set);
}

static void test_retry_done_job(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(slow1_so, NULL, NULL);
	offerapi_id app = apply(f, set);
	offerapi_job *j;
	offerapi_job_report rep;
	assert_rc(offerapi_job_claim(f->s, set, NULL, NULL, &j), 0);
	assert_rc(offerapi_job_process(f->s, set, j, NULL, &rep), 0);
	offerapi_job_free(j);
	assert_rc(offerapi_job_retry(f->s, f->rec, app, "slow"), OFFERAPI_EINVAL);
	offerapi_scorers_free(set);
}

/* ---- leases ---- */

static void test_lease_expiry(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(slow1_so, NULL, NULL);
	offerapi_id app = apply(f, set);
	offerapi_job_options o = fast_options();
	offerapi_job *first, *second, *none;
	assert_rc(offerapi_job_claim(f->s, set, "dies", &o, &first), 0);
	assert_non_null(first);
	oa_test_clock_advance(25 * 1000); /* real time passes too: leave room */
	assert_rc(offerapi_job_claim(f->s, set, "other", &o, &none), 0);
	assert_null(none); /* the lease still runs */
	oa_test_clock_advance(6 * 1000);
	assert_rc(offerapi_job_claim(f->s, set, "other", &o, &second), 0);
	assert_non_null(second);
	assert_int_equal(second->id, first->id);
	assert_int_equal(second->attempt, 2);
	/* the first worker wakes up late: its result is dropped */
	assert_rc(offerapi_job_complete(f->s, first, 0.9, "late", NULL), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_job_complete(f->s, second, 0.1, "in time", NULL), 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM scores"), 1);
	offerapi_application *a;
	assert_rc(offerapi_application_get(f->s, f->rec, app, &a), 0);
	assert_true(a->scores[0].score == 0.1);
	offerapi_application_free(a);
	offerapi_job_free(first);
	offerapi_job_free(second);

	/* a job whose every worker dies ends failed, saying why */
	offerapi_id app2 = apply(f, set);
	for (int i = 0; i < 3; i++) {
		offerapi_job *j;
		assert_rc(offerapi_job_claim(f->s, set, "dies", &o, &j), 0);
		assert_non_null(j);
		assert_int_equal(j->application_id, app2);
		offerapi_job_free(j);
		oa_test_clock_advance(31 * 1000);
	}
	assert_rc(offerapi_job_claim(f->s, set, "dies", &o, &none), 0);
	assert_null(none);
	offerapi_job_status_list *l;
	offerapi_job_status *st = status_of(f, app2, "slow", &l);
	assert_int_equal(st->state, OFFERAPI_JOB_FAILED);
	assert_non_null(strstr(st->last_error, "lease expired"));
	offerapi_job_status_list_free(l);
	offerapi_scorers_free(set);
}

static void test_release(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(slow1_so, NULL, NULL);
	offerapi_id app = apply(f, set);
	offerapi_job *j;
	assert_rc(offerapi_job_claim(f->s, set, NULL, NULL, &j), 0);
	assert_rc(offerapi_job_release(f->s, j), 0);
	assert_rc(offerapi_job_release(f->s, j), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_job_complete(f->s, j, 0.5, "", NULL), OFFERAPI_ENOTFOUND);
	offerapi_job_status_list *l;
	offerapi_job_status *st = status_of(f, app, "slow", &l);
	assert_int_equal(st->state, OFFERAPI_JOB_PENDING);
	assert_int_equal(st->attempts, 0); /* a release gives the attempt back */
	offerapi_job_status_list_free(l);
	offerapi_job_free(j);
	assert_rc(offerapi_job_claim(f->s, set, NULL, NULL, &j), 0);
	assert_int_equal(j->attempt, 1);
	offerapi_job_free(j);
	offerapi_scorers_free(set);
}

/* ---- versions ---- */

static void test_rescore_on_version_bump(void **state)
{
	fixture *f = *state;
	offerapi_scorers *v1 = load(slow1_so, NULL, NULL), *v2 = load(slow2_so, NULL, NULL);
	offerapi_id app = apply(f, v1), pending = apply(f, v1);
	offerapi_job *j, *none;
	offerapi_job_report rep;
	/* v2 workers never take v1 jobs, and the other way round */
	assert_rc(offerapi_job_claim(f->s, v2, NULL, NULL, &none), 0);
	assert_null(none);
	assert_rc(offerapi_job_claim(f->s, v1, NULL, NULL, &j), 0);
	assert_int_equal(j->application_id, app);
	assert_rc(offerapi_job_process(f->s, v1, j, NULL, &rep), 0);
	offerapi_job_free(j);

	size_t n = 0;
	assert_rc(offerapi_job_enqueue_missing(f->s, v2, &n), 0);
	assert_int_equal(n, 2); /* the done job and the pending one, both now v2 */
	offerapi_job_status_list *l;
	offerapi_job_status *st = status_of(f, app, "slow", &l);
	assert_int_equal(st->state, OFFERAPI_JOB_PENDING);
	assert_string_equal(st->scorer_version, "2");
	offerapi_job_status_list_free(l);
	assert_rc(offerapi_job_claim(f->s, v1, NULL, NULL, &none), 0);
	assert_null(none);
	for (int i = 0; i < 2; i++) {
		assert_rc(offerapi_job_claim(f->s, v2, NULL, NULL, &j), 0);
		assert_non_null(j);
		assert_rc(offerapi_job_process(f->s, v2, j, NULL, &rep), 0);
		assert_int_equal(rep.result, OFFERAPI_JOB_COMPLETED);
		offerapi_job_free(j);
	}
	offerapi_application *a;
	assert_rc(offerapi_application_get(f->s, f->rec, app, &a), 0);
	assert_string_equal(a->scores[0].scorer_version, "2");
	assert_string_equal(a->scores[0].explanation, "slow 2");
	offerapi_application_free(a);
	assert_rc(offerapi_job_enqueue_missing(f->s, v2, &n), 0);
	assert_int_equal(n, 0);
	(void)pending;
	/* a v1 job given to a v2 set is refused and given back */
	assert_rc(offerapi_job_enqueue_missing(f->s, v1, &n), 0);
	assert_int_equal(n, 2);
	assert_rc(offerapi_job_claim(f->s, v1, NULL, NULL, &j), 0);
	assert_rc(offerapi_job_process(f->s, v2, j, NULL, &rep), OFFERAPI_EINVAL);
	assert_int_equal(rep.result, OFFERAPI_JOB_RELEASED);
	offerapi_job_free(j);
	offerapi_scorers_free(v1);
	offerapi_scorers_free(v2);
}

/* ---- statistics ---- */

static void test_stats(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(slow1_so, NULL, NULL);
	assert_rc(offerapi_scorers_load_file(set, failing_so), 0);
	offerapi_job_stats *st;
	assert_rc(offerapi_job_stats_get(f->s, &st), 0);
	assert_int_equal(st->count, 0);
	assert_true(st->oldest_pending_s == 0.0);
	offerapi_job_stats_free(st);
	apply(f, set);
	apply(f, set);
	oa_test_clock_advance(5000);
	offerapi_job *j;
	offerapi_job_report rep;
	assert_rc(offerapi_job_claim(f->s, set, NULL, NULL, &j), 0);
	assert_rc(offerapi_job_process(f->s, set, j, NULL, &rep), 0);
	offerapi_job_free(j);
	assert_rc(offerapi_job_stats_get(f->s, &st), 0);
	int64_t pending = 0, done = 0, running = 0;
	for (size_t i = 0; i < st->count; i++) {
		const offerapi_job_count *c = &st->items[i];
		if (c->state == OFFERAPI_JOB_PENDING) {
			pending += c->count;
			assert_true(c->oldest_enqueued_ms > 0);
		}
		done += c->state == OFFERAPI_JOB_DONE ? c->count : 0;
		running += c->state == OFFERAPI_JOB_RUNNING ? c->count : 0;
	}
	assert_int_equal(pending + done, 4);
	assert_int_equal(running, 0);
	assert_true(st->oldest_pending_s >= 5.0);
	offerapi_job_stats_free(st);
	offerapi_scorers_free(set);
}

/* ---- threads and processes ---- */

/* Run "test_jobs --child MODE URL SO LOG ARG" and return its pid. */
static pid_t spawn_child(const char *mode, fixture *f, const char *so, const char *arg)
{
	char *argv[] = { self_exe,   "--child",      (char *)mode, (char *)f->db.url,
		         (char *)so, (char *)f->log, (char *)arg,  NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, self_exe, NULL, NULL, argv, environ);
	if (rc != 0)
		fail_msg("posix_spawn %s: %s", self_exe, strerror(rc));
	for (size_t i = 0; i < sizeof f->children / sizeof *f->children; i++)
		if (f->children[i] <= 0) {
			f->children[i] = pid;
			break;
		}
	return pid;
}

static int wait_child(fixture *f, pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < sizeof f->children / sizeof *f->children; i++)
		if (f->children[i] == pid)
			f->children[i] = 0;
	return st;
}

/* Wait (a bounded while) until @cond(f, arg) holds. */
static void wait_until(bool (*cond)(fixture *, int64_t), fixture *f, int64_t arg, const char *what)
{
	for (int i = 0; i < 12000; i++) { /* 2 minutes at most: a hang guard */
		if (cond(f, arg))
			return;
		sleep_ms(10);
	}
	fail_msg("gave up waiting for %s", what);
}

static bool all_done(fixture *f, int64_t n)
{
	return query_int(f->s, "SELECT COUNT(*) FROM jobs WHERE state = 2") == n;
}

/* 2 processes x 4 threads on the same queue: every job is scored exactly
 * once (the scorer's own log says so), by whichever worker claimed it. */
static void test_claims_exclusive_across_processes(void **state)
{
	fixture *f = *state;
	enum { N = 48 };
	offerapi_scorers *set = load(slow1_so, NULL, NULL);
	offerapi_id apps[N];
	for (int i = 0; i < N; i++)
		apps[i] = apply(f, set);
	pid_t a = spawn_child("work", f, slow1_so, "4"), b = spawn_child("work", f, slow1_so, "4");
	wait_until(all_done, f, N, "every job done");
	kill(a, SIGTERM);
	kill(b, SIGTERM);
	int sa = wait_child(f, a), sb = wait_child(f, b);
	assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
	assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(calls_for(f, apps[i]), 1);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM scores"), N);
	assert_int_equal(query_int(f->s, "SELECT MAX(attempts) FROM jobs"), 1);
	/* both processes took part (4 ms per job: neither can take all 48
	 * before the other starts... usually; so this is not asserted) */
	offerapi_scorers_free(set);
}

static bool called(fixture *f, int64_t app)
{
	return calls_for(f, app) > 0;
}

/* A worker process killed with SIGKILL inside score(): its job is taken by
 * another once the lease has expired, and ends with exactly one score. */
static void test_killed_worker_loses_nothing(void **state)
{
	fixture *f = *state;
	offerapi_scorers *set = load(slow1_so, "log", f->log);
	offerapi_id app = apply(f, set);
	pid_t pid = spawn_child("hang", f, slow1_so, "30");
	wait_until(called, f, app, "the child inside score()");
	assert_int_equal(state_of(f, app, "slow"), OFFERAPI_JOB_RUNNING);
	kill(pid, SIGKILL);
	int st = wait_child(f, pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	offerapi_job_options o = fast_options();
	offerapi_job *j;
	assert_rc(offerapi_job_claim(f->s, set, "survivor", &o, &j), 0);
	assert_null(j); /* the dead worker's lease still runs */
	oa_test_clock_advance(31 * 1000);
	assert_rc(offerapi_job_claim(f->s, set, "survivor", &o, &j), 0);
	assert_non_null(j);
	assert_int_equal(j->application_id, app);
	assert_int_equal(j->attempt, 2);
	offerapi_job_report rep;
	assert_rc(offerapi_job_process(f->s, set, j, &o, &rep), 0);
	assert_int_equal(rep.result, OFFERAPI_JOB_COMPLETED);
	offerapi_job_free(j);
	assert_int_equal(calls_for(f, app), 2); /* the killed call, and ours */
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM scores"), 1);
	assert_int_equal(state_of(f, app, "slow"), OFFERAPI_JOB_DONE);
	offerapi_scorers_free(set);
}

/* ---- the runner ---- */

typedef struct reports {
	pthread_mutex_t lock;
	int n[6];
	double latency_sum;
} reports;

static void on_report(const offerapi_job_report *rep, void *payload)
{
	reports *r = payload;
	pthread_mutex_lock(&r->lock);
	r->n[rep->result]++;
	r->latency_sum += rep->latency_s;
	pthread_mutex_unlock(&r->lock);
}

static void test_runner(void **state)
{
	fixture *f = *state;
	enum { N = 12 };
	offerapi_scorers *set = load(slow1_so, "sleep_ms", "2");
	reports rp = { .lock = PTHREAD_MUTEX_INITIALIZER };
	offerapi_job_runner_options ro = OFFERAPI_JOB_RUNNER_OPTIONS_INIT;
	ro.threads = 3;
	ro.on_report = on_report;
	ro.payload = &rp;
	ro.poll_ms = 10000; /* found through the wake-up, not the poll */
	offerapi_job_runner *r;
	assert_rc(offerapi_job_runner_start(&r, f->s, set, &ro), 0);
	for (int i = 0; i < N; i++)
		apply(f, set);
	wait_until(all_done, f, N, "the runner to score every job");
	assert_rc(offerapi_job_runner_stop(r, 10000), 0);
	offerapi_job_runner_free(r);
	assert_int_equal(rp.n[OFFERAPI_JOB_COMPLETED], N);
	assert_true(rp.latency_sum >= 0.0);
	/* 0 threads is allowed and does nothing */
	ro.threads = 0;
	assert_rc(offerapi_job_runner_start(&r, f->s, set, &ro), 0);
	assert_int_equal(offerapi_job_runner_busy(r), 0);
	offerapi_job_runner_free(r);
	ro.poll_ms = 5;
	assert_rc(offerapi_job_runner_start(&r, f->s, set, &ro), OFFERAPI_EINVAL);
	offerapi_scorers_free(set);
}

static bool running(fixture *f, int64_t app)
{
	return state_of(f, app, "slow") == OFFERAPI_JOB_RUNNING && calls_for(f, app) > 0;
}

/* Stopping: a job mid-score is finished when there is time, released
 * (pending again at once, attempt given back) when there is not. */
static void test_runner_shutdown(void **state)
{
	fixture *f = *state;
	char logset[320];
	snprintf(logset, sizeof logset, "%s", f->log);
	offerapi_scorers *set;
	assert_rc(offerapi_scorers_new(&set), 0);
	assert_rc(offerapi_scorers_set(set, "slow", "sleep_ms", "1500"), 0);
	assert_rc(offerapi_scorers_set(set, "slow", "log", logset), 0);
	assert_rc(offerapi_scorers_load_file(set, slow1_so), 0);
	reports rp = { .lock = PTHREAD_MUTEX_INITIALIZER };
	offerapi_job_runner_options ro = OFFERAPI_JOB_RUNNER_OPTIONS_INIT;
	ro.on_report = on_report;
	ro.payload = &rp;
	offerapi_job_runner *r;
	assert_rc(offerapi_job_runner_start(&r, f->s, set, &ro), 0);
	offerapi_id app = apply(f, set);
	wait_until(running, f, app, "the job to be scored");
	assert_int_equal(offerapi_job_runner_busy(r), 1);
	assert_rc(offerapi_job_runner_stop(r, 50), OFFERAPI_ETIMEOUT);
	offerapi_job_status_list *l;
	offerapi_job_status *st = status_of(f, app, "slow", &l);
	assert_int_equal(st->state, OFFERAPI_JOB_PENDING); /* at once, not after the lease */
	assert_int_equal(st->attempts, 0);
	offerapi_job_status_list_free(l);
	offerapi_job_runner_free(r); /* waits for the scorer, whose result is dropped */
	assert_int_equal(rp.n[OFFERAPI_JOB_RELEASED], 1);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM scores"), 0);

	/* with time enough, the job is finished */
	assert_rc(offerapi_job_runner_start(&r, f->s, set, &ro), 0);
	wait_until(running, f, app, "the job to be scored again");
	assert_rc(offerapi_job_runner_stop(r, 60000), 0);
	offerapi_job_runner_free(r);
	assert_int_equal(state_of(f, app, "slow"), OFFERAPI_JOB_DONE);
	assert_int_equal(rp.n[OFFERAPI_JOB_COMPLETED], 1);
	offerapi_scorers_free(set);
}

/* ---- child processes ---- */

static volatile sig_atomic_t child_stop;

static void on_term(int sig)
{
	(void)sig;
	child_stop = 1;
}

/* "work URL SO LOG THREADS": run a runner until SIGTERM. "hang URL SO LOG
 * LEASE_S": claim one job and score it with a scorer that takes ten
 * minutes (the parent kills us meanwhile). */
static int child_main(int argc, char **argv)
{
	if (argc < 7)
		return 2;
	const char *mode = argv[2], *url = argv[3], *so = argv[4], *log = argv[5];
	/* never outlive the test that started us */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* SIGTERM may come before the runner starts (the other child did all
	 * the work while this one was still opening the store, slow under
	 * ASan): handled from the start, it only means "stop at once" */
	struct sigaction sa = { .sa_handler = on_term, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	if (getppid() == 1)
		return 1;
	offerapi_store *s;
	/* the parent's backend, for testdb_options() (its data key file) */
	testdb_backend = strncmp(url, "postgresql:", 11) ? "sqlite" : "postgresql";
	offerapi_store_options so_opts = testdb_options();
	if (offerapi_store_open(&s, url, &so_opts) < 0) {
		fprintf(stderr, "child: %s\n", offerapi_error_last()->message);
		return 1;
	}
	offerapi_scorers *set;
	offerapi_scorers_new(&set);
	offerapi_scorers_set(set, "slow", "log", log);
	bool hang = !strcmp(mode, "hang");
	offerapi_scorers_set(set, "slow", "sleep_ms", hang ? "600000" : "4");
	if (offerapi_scorers_load_file(set, so) < 0)
		return 1;
	int rc = 0;
	if (hang) {
		offerapi_job_options o = OFFERAPI_JOB_OPTIONS_INIT;
		o.lease_s = (unsigned)atoi(argv[6]);
		offerapi_job *j = NULL;
		offerapi_job_report rep;
		for (int i = 0; i < 1000 && !j; i++) {
			if (offerapi_job_claim(s, set, "doomed", &o, &j) < 0)
				return 1;
			if (!j)
				sleep_ms(10);
		}
		rc = j ? offerapi_job_process(s, set, j, &o, &rep) : 1;
	} else {
		offerapi_job_runner_options ro = OFFERAPI_JOB_RUNNER_OPTIONS_INIT;
		ro.threads = (unsigned)atoi(argv[6]);
		ro.poll_ms = 20;
		offerapi_job_runner *r;
		if (offerapi_job_runner_start(&r, s, set, &ro) < 0)
			return 1;
		while (!child_stop)
			sleep_ms(10);
		rc = offerapi_job_runner_stop(r, 30000);
		offerapi_job_runner_free(r);
	}
	offerapi_scorers_free(set);
	offerapi_store_free(s);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--child")) {
		return child_main(argc, argv);
	}
	if (argc < 5) {
		fprintf(stderr, "usage: %s sqlite|postgresql SLOW1.so SLOW2.so FAILING.so\n",
		        argv[0]);
		return 2;
	}
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	if (n <= 0)
		return 2;
	self_exe[n] = '\0';
	testdb_backend = argv[1];
	slow1_so = argv[2];
	slow2_so = argv[3];
	failing_so = argv[4];
	srand((unsigned)getpid());
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_enqueues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_is_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_and_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_done_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rescore_on_version_bump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
		cmocka_unit_test(test_option_bounds),
		cmocka_unit_test_setup_teardown(test_claims_exclusive_across_processes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_killed_worker_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runner_shutdown, setup, teardown),
	};
	return cmocka_run_group_tests_name("jobs", tests, NULL, NULL);
}
