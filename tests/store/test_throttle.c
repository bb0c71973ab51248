/*
 * test_throttle.c - failed-login limits in the database (offerapi/throttle.h)
 * on a real SQLite file or PostgreSQL database, with two stores open on it
 * as two replicas would: concurrent wrong passwords cannot slip past the
 * limit, concurrent right ones are never refused, windows end, addresses
 * have their own limit, a ticket of a killed process stops counting.
 * And the general rate limit (offerapi_rate_limit_*): the same guarantees
 * for events that are counted whatever their outcome (sign-ups).
 *
 * usage: test_throttle sqlite|postgresql
 * It links the library's internal archive for oa_test_clock_advance().
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "internal.h"
#include "testdb.h"

typedef struct fixture {
	testdb db;
	offerapi_store *s[2]; /* two "replicas" on one database */
	offerapi_user *user;
} fixture;

/* A password check that takes tens of milliseconds (Argon2id on 8 MiB,
 * 3 passes), as a real one does, so that a burst of attempts is really
 * in flight at once; the test suite's usual minimum would be over in
 * microseconds, one attempt after the other. */
static offerapi_store *open_replica(testdb *db)
{
	offerapi_store_options o = testdb_options();
	o.pwhash_memlimit = 8u << 20;
	o.pwhash_opslimit = 3;
	o.pool_size = 8;
	offerapi_store *s = NULL;
	if (offerapi_store_open(&s, db->url, &o) != 0)
		fail_msg("offerapi_store_open: %s", offerapi_error_last()->message);
	return s;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	testdb_create(&f->db);
	f->s[0] = open_replica(&f->db);
	f->s[1] = open_replica(&f->db);
	f->user = testdb_user(f->s[0], "alice", OFFERAPI_ROLE_CANDIDATE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	oa_test_clock_advance(-oa_test_clock_advance(0));
	offerapi_user_free(f->user);
	offerapi_store_free(f->s[0]);
	offerapi_store_free(f->s[1]);
	testdb_destroy(&f->db);
	free(f);
	return 0;
}

static offerapi_login_throttle_options limits(void)
{
	offerapi_login_throttle_options o = OFFERAPI_LOGIN_THROTTLE_OPTIONS_INIT;
	o.max_failures = 5; /* the address gets 20 */
	o.window_s = 900;
	return o;
}

/* One login as the host does it: begin, check the password, end. Returns
 * 0 (logged in), OFFERAPI_EAUTH (wrong password) or 1 (refused); *checked
 * says whether the password was checked. */
static int login(offerapi_store *s, const offerapi_login_throttle_options *o, const char *name,
                 const char *password, const char *addr, bool *checked)
{
	offerapi_login_ticket t;
	unsigned int wait = 0;
	assert_rc(offerapi_login_throttle_begin(s, o, name, addr, &t, &wait), 0);
	*checked = wait == 0;
	if (wait)
		return 1;
	offerapi_user *u = NULL;
	int rc = offerapi_user_authenticate(s, name, password, &u);
	offerapi_user_free(u);
	assert_rc(offerapi_login_throttle_end(s, o, &t,
	                                      rc == 0                ? OFFERAPI_LOGIN_SUCCEEDED
	                                      : rc == OFFERAPI_EAUTH ? OFFERAPI_LOGIN_FAILED
	                                                             : OFFERAPI_LOGIN_UNDECIDED),
	          0);
	return rc;
}

typedef struct crowd {
	fixture *f;
	const char *password;
	offerapi_login_throttle_options o;
	atomic_int checked, ok, refused;
	pthread_barrier_t go; /* every thread starts at once */
} crowd;

typedef struct one {
	crowd *c;
	int index;
} one;

static void *one_login(void *arg)
{
	one *w = arg;
	crowd *c = w->c;
	bool checked = false;
	pthread_barrier_wait(&c->go);
	int rc = login(c->f->s[w->index % 2], &c->o, "alice", c->password, "10.0.0.1", &checked);
	if (checked)
		atomic_fetch_add(&c->checked, 1);
	if (rc == 0)
		atomic_fetch_add(&c->ok, 1);
	if (rc == 1)
		atomic_fetch_add(&c->refused, 1);
	return NULL;
}

static void run_crowd(crowd *c, int n)
{
	pthread_t t[32];
	one w[32];
	assert_true(n <= 32);
	pthread_barrier_init(&c->go, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		w[i] = (one){ c, i };
		assert_int_equal(pthread_create(&t[i], NULL, one_login, &w[i]), 0);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&c->go);
}

/* 30 wrong passwords at once on two replicas: at most the limit reach the
 * password check; then the account is refused with a time to wait. */
static void test_concurrent_wrong_passwords(void **state)
{
	fixture *f = *state;
	crowd c = { .f = f, .password = "wrong password", .o = limits() };
	run_crowd(&c, 30);
	printf("# 30 concurrent wrong passwords: %d reached the password check, %d refused\n",
	       atomic_load(&c.checked), atomic_load(&c.refused));
	assert_true(atomic_load(&c.checked) <= 5);
	assert_true(atomic_load(&c.checked) >= 1);
	assert_int_equal(atomic_load(&c.checked) + atomic_load(&c.refused), 30);
	offerapi_login_ticket t;
	unsigned int wait = 0;
	assert_rc(offerapi_login_throttle_begin(f->s[1], &c.o, "ALICE", "10.0.0.1", &t, &wait), 0);
	assert_true(wait > 0 && wait <= 900); /* case does not matter */
}

/* Someone hammering an account from one address: that pair is refused,
 * the owner still logs in from another address, and so does anyone else
 * from the hammering address until its own limit (four times as many). */
static void test_owner_logs_in_from_elsewhere(void **state)
{
	fixture *f = *state;
	offerapi_login_throttle_options o = limits();
	int checked_n = 0, refused = 0;
	for (int i = 0; i < 30; i++) {
		bool checked = false;
		int rc = login(f->s[i % 2], &o, "alice", "guess guess", "10.6.6.6", &checked);
		assert_true(rc == OFFERAPI_EAUTH || rc == 1);
		checked_n += checked;
		refused += rc == 1;
	}
	assert_int_equal(checked_n, 5);
	assert_int_equal(refused, 25);
	bool checked = false;
	assert_int_equal(login(f->s[0], &o, "alice", "password1", "10.6.6.6", &checked), 1);
	assert_false(checked); /* the pair is locked, even for the right password */
	assert_int_equal(login(f->s[1], &o, "Alice", "password1", "10.7.7.7", &checked), 0);
	assert_true(checked); /* the owner, elsewhere */
	offerapi_user_free(testdb_user(f->s[0], "bob", OFFERAPI_ROLE_CANDIDATE));
	assert_int_equal(login(f->s[0], &o, "bob", "password1", "10.6.6.6", &checked), 0);
}

/* 16 right passwords at once: every one logs in, even when the account
 * already has failures that leave room for one check at a time. */
static void test_concurrent_right_passwords(void **state)
{
	fixture *f = *state;
	offerapi_login_throttle_options o = limits();
	for (int i = 0; i < 4; i++) {
		bool checked;
		assert_int_equal(login(f->s[0], &o, "alice", "nope nope", "10.0.0.1", &checked),
		                 OFFERAPI_EAUTH);
		assert_true(checked);
	}
	crowd c = { .f = f, .password = "password1", .o = o };
	run_crowd(&c, 16);
	assert_int_equal(atomic_load(&c.ok), 16);
	assert_int_equal(atomic_load(&c.refused), 0);
}

static void test_window_ends(void **state)
{
	fixture *f = *state;
	offerapi_login_throttle_options o = limits();
	bool checked;
	for (int i = 0; i < 5; i++)
		assert_int_equal(login(f->s[i % 2], &o, "alice", "bad one!", "10.0.0.2", &checked),
		                 OFFERAPI_EAUTH);
	assert_int_equal(login(f->s[0], &o, "alice", "password1", "10.0.0.2", &checked), 1);
	assert_false(checked); /* even the right password waits from there */
	oa_test_clock_advance(880 * 1000); /* real seconds pass too: leave room */
	assert_int_equal(login(f->s[1], &o, "alice", "password1", "10.0.0.2", &checked), 1);
	oa_test_clock_advance(21 * 1000);
	assert_int_equal(login(f->s[1], &o, "alice", "password1", "10.0.0.2", &checked), 0);
}

static void test_success_resets_the_account(void **state)
{
	fixture *f = *state;
	offerapi_login_throttle_options o = limits();
	bool checked;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 4; i++)
			assert_int_equal(
				login(f->s[0], &o, "alice", "bad one!", "10.0.0.4", &checked),
				OFFERAPI_EAUTH);
		assert_int_equal(login(f->s[1], &o, "alice", "password1", "10.0.0.4", &checked), 0);
	}
	/* the address kept its 12 failures: 8 more and it is refused */
	for (int i = 0; i < 8; i++) {
		char who[16];
		snprintf(who, sizeof who, "nobody%d", i);
		assert_int_equal(login(f->s[0], &o, who, "bad one!", "10.0.0.4", &checked),
		                 OFFERAPI_EAUTH);
	}
	assert_int_equal(login(f->s[0], &o, "someone", "bad one!", "10.0.0.4", &checked), 1);
	assert_int_equal(login(f->s[0], &o, "alice", "password1", "10.0.0.4", &checked), 1);
	/* another address is not concerned */
	assert_int_equal(login(f->s[0], &o, "alice", "password1", "10.0.0.5", &checked), 0);
}

static void test_undecided_counts_nothing(void **state)
{
	fixture *f = *state;
	offerapi_login_throttle_options o = limits();
	for (int i = 0; i < 20; i++) {
		offerapi_login_ticket t;
		unsigned int wait = 9;
		assert_rc(offerapi_login_throttle_begin(f->s[i % 2], &o, "alice", "10.0.0.6", &t,
		                                        &wait),
		          0);
		assert_int_equal(wait, 0);
		assert_rc(
			offerapi_login_throttle_end(f->s[i % 2], &o, &t, OFFERAPI_LOGIN_UNDECIDED),
			0);
	}
}

/* Tickets of a process killed mid-check hold their place until they
 * expire (60 s), then stop counting. */
static void test_abandoned_tickets_expire(void **state)
{
	fixture *f = *state;
	offerapi_login_throttle_options o = limits();
	o.wait_ms = 100;
	offerapi_login_ticket t;
	unsigned int wait;
	for (int i = 0; i < 5; i++) {
		assert_rc(
			offerapi_login_throttle_begin(f->s[0], &o, "alice", "10.0.0.7", &t, &wait),
			0);
		assert_int_equal(wait, 0); /* never ended: the process "died" */
	}
	assert_rc(offerapi_login_throttle_begin(f->s[1], &o, "alice", "10.0.0.7", &t, &wait), 0);
	assert_int_equal(wait, 1); /* waited 100 ms for verdicts that never came */
	oa_test_clock_advance(61 * 1000);
	assert_rc(offerapi_login_throttle_begin(f->s[1], &o, "alice", "10.0.0.7", &t, &wait), 0);
	assert_int_equal(wait, 0);
	assert_rc(offerapi_login_throttle_end(f->s[1], &o, &t, OFFERAPI_LOGIN_SUCCEEDED), 0);
}

static void test_bad_arguments(void **state)
{
	fixture *f = *state;
	offerapi_login_throttle_options o = limits();
	offerapi_login_ticket t;
	unsigned int wait;
	char addr[300];
	memset(addr, 'a', sizeof addr - 1);
	addr[sizeof addr - 1] = '\0';
	assert_rc(offerapi_login_throttle_begin(f->s[0], &o, "alice", addr, &t, &wait),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_login_throttle_begin(f->s[0], &o, NULL, "1.2.3.4", &t, &wait),
	          OFFERAPI_EINVAL);
	o.version = 99;
	assert_rc(offerapi_login_throttle_begin(f->s[0], &o, "alice", "1.2.3.4", &t, &wait),
	          OFFERAPI_EINVAL);
	o.version = 0; /* known and not newer: 0 is unknown too */
	assert_rc(offerapi_login_throttle_begin(f->s[0], &o, "alice", "1.2.3.4", &t, &wait),
	          OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "knows 1 to 1"));
	o = limits();
	o.window_s = 8 * 86400;
	assert_rc(offerapi_login_throttle_begin(f->s[0], &o, "alice", "1.2.3.4", &t, &wait),
	          OFFERAPI_EINVAL);
	memset(&t, 0, sizeof t);
	assert_rc(offerapi_login_throttle_end(f->s[0], NULL, &t, OFFERAPI_LOGIN_FAILED),
	          OFFERAPI_EINVAL);
	/* a very long login is only hashed */
	char *longname = malloc(100000);
	memset(longname, 'X', 99999);
	longname[99999] = '\0';
	assert_rc(offerapi_login_throttle_begin(f->s[0], NULL, longname, "1.2.3.4", &t, &wait), 0);
	assert_int_equal(wait, 0);
	assert_rc(offerapi_login_throttle_end(f->s[0], NULL, &t, OFFERAPI_LOGIN_FAILED), 0);
	free(longname);
}

/* ---- offerapi_rate_limit_* ---- */

typedef struct burst {
	fixture *f;
	atomic_int counted, refused, failed;
	pthread_barrier_t go;
} burst;

typedef struct hit_arg {
	burst *b;
	int index;
} hit_arg;

static void *one_hit(void *arg)
{
	hit_arg *h = arg;
	pthread_barrier_wait(&h->b->go);
	unsigned int wait = 0;
	int rc = offerapi_rate_limit_hit(h->b->f->s[h->index % 2], "signup", "192.0.2.7", 3, 3600,
	                                 &wait);
	if (rc < 0)
		atomic_fetch_add(&h->b->failed, 1);
	else if (wait)
		atomic_fetch_add(&h->b->refused, 1);
	else
		atomic_fetch_add(&h->b->counted, 1);
	return NULL;
}

/* 20 events at once on two replicas with a limit of 3: exactly 3 counted. */
static void test_rate_limit_burst(void **state)
{
	fixture *f = *state;
	burst b = { .f = f };
	pthread_t t[20];
	hit_arg a[20];
	pthread_barrier_init(&b.go, NULL, 20);
	for (int i = 0; i < 20; i++) {
		a[i] = (hit_arg){ &b, i };
		assert_int_equal(pthread_create(&t[i], NULL, one_hit, &a[i]), 0);
	}
	for (int i = 0; i < 20; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&b.go);
	printf("# 20 concurrent events, limit 3: %d counted, %d refused, %d failed\n",
	       atomic_load(&b.counted), atomic_load(&b.refused), atomic_load(&b.failed));
	assert_int_equal(atomic_load(&b.failed), 0);
	assert_int_equal(atomic_load(&b.counted), 3);
	assert_int_equal(atomic_load(&b.refused), 17);
}

static unsigned int hit(offerapi_store *s, const char *bucket, const char *key)
{
	unsigned int wait = 99999;
	assert_rc(offerapi_rate_limit_hit(s, bucket, key, 2, 600, &wait), 0);
	return wait;
}

/* Windows end; buckets and keys are apart (case ignored); an undo gives
 * back exactly one counted event, even after refusals. */
static void test_rate_limit_window_and_undo(void **state)
{
	fixture *f = *state;
	assert_int_equal(hit(f->s[0], "signup", "a"), 0);
	assert_int_equal(hit(f->s[1], "signup", "A"), 0);
	unsigned int w = hit(f->s[0], "signup", "a");
	assert_true(w > 590 && w <= 600);
	assert_true(hit(f->s[1], "signup", "a") > 0); /* refused twice: still 2 counted */
	assert_int_equal(hit(f->s[0], "other", "a"), 0);
	assert_int_equal(hit(f->s[0], "signup", "b"), 0);
	assert_rc(offerapi_rate_limit_undo(f->s[1], "signup", "a", 2), 0);
	assert_int_equal(hit(f->s[0], "signup", "a"), 0); /* the place given back */
	assert_true(hit(f->s[0], "signup", "a") > 0);
	oa_test_clock_advance(601 * 1000);
	assert_int_equal(hit(f->s[1], "signup", "a"), 0);
	assert_int_equal(hit(f->s[1], "signup", "a"), 0);
	assert_true(hit(f->s[1], "signup", "a") > 0);
}

static void test_rate_limit_bad_arguments(void **state)
{
	fixture *f = *state;
	unsigned int wait;
	assert_rc(offerapi_rate_limit_hit(f->s[0], "", "k", 1, 1, &wait), OFFERAPI_EINVAL);
	assert_rc(offerapi_rate_limit_hit(f->s[0], "a-bucket-name-longer-than-32-bytes", "k", 1, 1,
	                                  &wait),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_rate_limit_hit(f->s[0], "b", NULL, 1, 1, &wait), OFFERAPI_EINVAL);
	assert_rc(offerapi_rate_limit_hit(f->s[0], "b", "k", 0, 1, &wait), OFFERAPI_EINVAL);
	assert_rc(offerapi_rate_limit_hit(f->s[0], "b", "k", 1, 0, &wait), OFFERAPI_EINVAL);
	assert_rc(offerapi_rate_limit_hit(f->s[0], "b", "k", 1, 8 * 86400, &wait), OFFERAPI_EINVAL);
	assert_rc(offerapi_rate_limit_hit(NULL, "b", "k", 1, 1, &wait), OFFERAPI_EINVAL);
	assert_rc(offerapi_rate_limit_undo(f->s[0], "b", "k", 0), OFFERAPI_EINVAL);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s sqlite|postgresql\n", argv[0]);
		return 2;
	}
	testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_concurrent_wrong_passwords, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_logs_in_from_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_right_passwords, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_resets_the_account, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undecided_counts_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandoned_tickets_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_burst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_window_and_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_bad_arguments, setup, teardown),
	};
	return cmocka_run_group_tests_name("login-throttle", tests, NULL, NULL);
}
