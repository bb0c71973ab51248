/*
 * test_watch.c - what a PostgreSQL store keeps in memory while its
 * listener hears of no change (genwatch.c): the generations that label the
 * kept pages of offers, and the sessions. Each test counts the statements
 * a call runs (db_set_trace), lets another store (another replica) write,
 * and ends the listener's connection. On SQLite nothing is kept: every
 * call reads. argv[1] names the backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "internal.h"
#include "store_internal.h"
#include "testdb.h"

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *rec2;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	f->rec = testdb_user(f->s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	f->rec2 = testdb_user(f->s, "rh2@example.org", OFFERAPI_ROLE_RECRUITER);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->rec);
	offerapi_user_free(f->rec2);
	testdb_close(&f->db, f->s);
	free(f);
	return 0;
}

/* Until @cond holds, or 10 s. */
#define WAIT_FOR(cond)                                                                             \
	for (int wait_ = 0; wait_ < 10000 && !(cond); wait_++)                                     \
	nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL)

/* The statements run that contain tracked. */
static const char *tracked;
static int reads;
static void count_reads(const char *sql, const db_param *p, int n, void *payload)
{
	(void)p, (void)n, (void)payload;
	if (strstr(sql, tracked))
		reads++;
}

/* How many times listing the board reads pages_generation. */
static int board_reads(offerapi_store *s)
{
	tracked = "FROM pages_generation", reads = 0;
	db_set_trace(count_reads, NULL);
	testdb_board_count(s);
	db_set_trace(NULL, NULL);
	return reads;
}

/* Whether the board, listed again, reads no generation: the listener
 * moves the epoch every second, so three tries, of which one at most
 * meets a tick. */
static bool board_kept(offerapi_store *s)
{
	for (int i = 0; i < 3; i++) {
		testdb_board_count(s);
		if (board_reads(s) == 0)
			return true;
	}
	return false;
}

/* offerapi_session_user() of @token: its rc, and how many times it read
 * the sessions table into *@n. */
static int session_reads(offerapi_store *s, const char *token, int *n)
{
	offerapi_user *u = NULL;
	tracked = "FROM sessions", reads = 0;
	db_set_trace(count_reads, NULL);
	int rc = offerapi_session_user(s, token, &u);
	db_set_trace(NULL, NULL);
	offerapi_user_free(u);
	*n = reads;
	return rc;
}

static bool session_kept(offerapi_store *s, const char *token)
{
	for (int i = 0, n; i < 3; i++) {
		assert_rc(session_reads(s, token, &n), 0);
		assert_rc(session_reads(s, token, &n), 0);
		if (n == 0)
			return true;
	}
	return false;
}

/* End the listener's connection from @other; wait until it is back. */
static void cut_listener(offerapi_store *other, gen_watch *w)
{
	assert_rc(store_exec(other,
	                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	                     " WHERE query = 'LISTEN offerapi_generations'",
	                     NULL, 0, NULL),
	          0);
	WAIT_FOR(!gen_watch_listening(w));
	assert_false(gen_watch_listening(w));
}

static void test_generations(void **state)
{
	fixture *f = *state;
	testdb_offer(f->s, f->rec, "Offre 1");
	testdb_offer(f->s, f->rec, "Offre 2");
	if (!store_is_pg(f->s)) {
		assert_null(f->s->watch);
		assert_int_equal(board_reads(f->s), 1);
		assert_int_equal(board_reads(f->s), 1);
		return;
	}
	gen_watch *w = f->s->watch;
	assert_non_null(w);
	assert_int_equal(testdb_board_count(f->s), 2); /* starts the listener */
	WAIT_FOR(gen_watch_listening(w));
	assert_true(gen_watch_listening(w));
	assert_true(board_kept(f->s));

	/* another replica's write: told by its notification */
	offerapi_store *other = testdb_open(&f->db);
	uint64_t heard = gen_watch_heard(w);
	testdb_offer(other, f->rec2, "Offre d'une autre réplique");
	WAIT_FOR(gen_watch_heard(w) != heard);
	assert_true(gen_watch_heard(w) != heard);
	assert_int_equal(testdb_board_count(f->s), 3);
	assert_true(board_kept(f->s));

	/* a write through this store drops what is kept at once, even one
	 * that no notification follows */
	assert_rc(store_write(f->s, "DELETE FROM api_tokens WHERE id = $1",
	                      (db_param[]){ P_INT(-1) }, 1, NULL),
	          0);
	assert_int_equal(board_reads(f->s), 1);
	testdb_offer(f->s, f->rec, "Offre de cette réplique");
	assert_int_equal(testdb_board_count(f->s), 4);

	/* the listener lost: every list reads the generation, until it is
	 * back (it reconnects every second) */
	cut_listener(other, w);
	assert_int_equal(board_reads(f->s), 1);
	assert_int_equal(board_reads(f->s), 1);
	WAIT_FOR(gen_watch_listening(w));
	assert_true(board_kept(f->s));
	offerapi_store_free(other);
}

static void test_sessions(void **state)
{
	fixture *f = *state;
	char token[OFFERAPI_TOKEN_SIZE], token2[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_session_create(f->s, f->rec, token), 0);
	assert_rc(offerapi_session_create(f->s, f->rec2, token2), 0);
	int n;
	if (!store_is_pg(f->s)) {
		assert_rc(session_reads(f->s, token, &n), 0);
		assert_rc(session_reads(f->s, token, &n), 0);
		assert_int_equal(n, 1);
		return;
	}
	gen_watch *w = f->s->watch;
	assert_rc(session_reads(f->s, token, &n), 0); /* starts the listener */
	WAIT_FOR(gen_watch_listening(w));
	assert_true(session_kept(f->s, token));
	assert_true(session_kept(f->s, token2));

	/* ended by another replica: refused once its notification came */
	offerapi_store *other = testdb_open(&f->db);
	uint64_t heard = gen_watch_heard(w);
	assert_rc(offerapi_session_delete(other, token2), 0);
	WAIT_FOR(gen_watch_heard(w) != heard);
	assert_true(gen_watch_heard(w) != heard);
	assert_rc(session_reads(f->s, token2, &n), OFFERAPI_EAUTH);

	/* an account changed by another replica: read again */
	assert_true(session_kept(f->s, token));
	heard = gen_watch_heard(w);
	assert_rc(store_write(other, "UPDATE users SET display_name = 'Renommée' WHERE id = $1",
	                      (db_param[]){ P_INT(f->rec->id) }, 1, NULL),
	          0);
	WAIT_FOR(gen_watch_heard(w) != heard);
	offerapi_user *u = NULL;
	assert_rc(offerapi_session_user(f->s, token, &u), 0);
	assert_string_equal(u->display_name, "Renommée");
	offerapi_user_free(u);

	/* ended through this store: refused at once */
	assert_true(session_kept(f->s, token));
	assert_rc(offerapi_session_delete(f->s, token), 0);
	assert_rc(session_reads(f->s, token, &n), OFFERAPI_EAUTH);

	/* a kept session serves until it expires, no later */
	char token3[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_session_create(f->s, f->rec2, token3), 0);
	assert_true(session_kept(f->s, token3));
	oa_test_clock_advance((int64_t)f->s->opts.session_ttl_s * 1000);
	assert_rc(session_reads(f->s, token3, &n), OFFERAPI_EAUTH);
	oa_test_clock_advance(-(int64_t)f->s->opts.session_ttl_s * 1000);

	/* the listener lost: every request reads its session */
	assert_rc(offerapi_session_create(f->s, f->rec, token), 0);
	cut_listener(other, w);
	assert_rc(session_reads(f->s, token, &n), 0);
	assert_rc(session_reads(f->s, token, &n), 0);
	assert_int_equal(n, 1);
	offerapi_store_free(other);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_generations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
