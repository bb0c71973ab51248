/*
 * test_idempotency.c - requests safe to retry (offerapi/idempotency.h) on a
 * real SQLite file or PostgreSQL database: a key begins once, its answer is
 * replayed, another request with it is told apart, a running one is not
 * run twice even by two stores racing on one database (as two replicas
 * would), keys are per user, expire after a day, a stale running key is
 * taken over, an abandoned one runs again. And offers' versions, which
 * make the server's If-Match one step with the write, and archiving.
 *
 * usage: test_idempotency sqlite|postgresql
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

#include "testdb.h"

typedef struct fixture {
	testdb db;
	offerapi_store *s[2];
	offerapi_user *u[2];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	testdb_create(&f->db);
	f->s[0] = testdb_open(&f->db);
	offerapi_store_options o = testdb_options();
	assert_rc(offerapi_store_open(&f->s[1], f->db.url, &o), 0);
	f->u[0] = testdb_user(f->s[0], "idem-a", OFFERAPI_ROLE_RECRUITER);
	f->u[1] = testdb_user(f->s[0], "idem-b", OFFERAPI_ROLE_RECRUITER);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->u[0]);
	offerapi_user_free(f->u[1]);
	offerapi_store_free(f->s[1]);
	offerapi_store_free(f->s[0]);
	testdb_destroy(&f->db);
	free(f);
	return 0;
}

#define T0 1800000000LL

static void test_begin_finish_replay(void **state)
{
	fixture *f = *state;
	offerapi_store *s = f->s[0];
	offerapi_id a = f->u[0]->id, b = f->u[1]->id;
	offerapi_idem_record *rec = NULL;
	assert_rc(offerapi_idem_begin(s, a, "k1", "fp1", T0, &rec), OFFERAPI_IDEM_NEW);
	assert_null(rec);
	/* the same key while the first runs */
	assert_rc(offerapi_idem_begin(s, a, "k1", "fp1", T0 + 1, &rec), OFFERAPI_IDEM_RUNNING);
	/* keys are per user */
	assert_rc(offerapi_idem_begin(s, b, "k1", "fp1", T0 + 1, &rec), OFFERAPI_IDEM_NEW);
	static const char body[] = "{\"offer\":{\"id\":7}}\0tail";
	assert_rc(offerapi_idem_finish(s, a, "k1", 201, "application/json", "/api/v1/offers/7",
	                               body, sizeof body),
	          0);
	assert_rc(offerapi_idem_begin(s, a, "k1", "fp1", T0 + 2, &rec), OFFERAPI_IDEM_REPLAY);
	assert_non_null(rec);
	assert_int_equal(rec->status, 201);
	assert_string_equal(rec->content_type, "application/json");
	assert_string_equal(rec->location, "/api/v1/offers/7");
	assert_int_equal(rec->body_len, sizeof body); /* every byte, a NUL included */
	assert_memory_equal(rec->body, body, sizeof body);
	assert_int_equal(rec->created_at, T0);
	offerapi_idem_record_free(rec);
	rec = NULL;
	/* another request with the key */
	assert_rc(offerapi_idem_begin(s, a, "k1", "fp2", T0 + 3, &rec), OFFERAPI_IDEM_MISMATCH);
	assert_null(rec);
	/* a second finish finds nothing running */
	assert_rc(offerapi_idem_finish(s, a, "k1", 200, NULL, NULL, NULL, 0), OFFERAPI_ENOTFOUND);
	/* a day later the key is new again */
	assert_rc(offerapi_idem_begin(s, a, "k1", "fp2", T0 + OFFERAPI_IDEM_TTL_S, &rec),
	          OFFERAPI_IDEM_NEW);
	/* an answer without body or Location */
	assert_rc(offerapi_idem_finish(s, a, "k1", 204, NULL, NULL, NULL, 0), 0);
	assert_rc(offerapi_idem_begin(s, a, "k1", "fp2", T0 + OFFERAPI_IDEM_TTL_S + 1, &rec),
	          OFFERAPI_IDEM_REPLAY);
	assert_int_equal(rec->status, 204);
	assert_null(rec->content_type);
	assert_null(rec->location);
	assert_int_equal(rec->body_len, 0);
	offerapi_idem_record_free(rec);
}

static void test_abandon_stale_purge(void **state)
{
	fixture *f = *state;
	offerapi_store *s = f->s[0];
	offerapi_id a = f->u[0]->id;
	offerapi_idem_record *rec = NULL;
	assert_rc(offerapi_idem_begin(s, a, "k2", "fp", T0, &rec), OFFERAPI_IDEM_NEW);
	assert_rc(offerapi_idem_abandon(s, a, "k2"), 0);
	assert_rc(offerapi_idem_begin(s, a, "k2", "fp", T0 + 1, &rec), OFFERAPI_IDEM_NEW);
	/* running past OFFERAPI_IDEM_STALE_S: its process died, take it over */
	assert_rc(offerapi_idem_begin(s, a, "k2", "fp", T0 + OFFERAPI_IDEM_STALE_S - 1, &rec),
	          OFFERAPI_IDEM_RUNNING);
	assert_rc(offerapi_idem_begin(s, a, "k2", "fp", T0 + 1 + OFFERAPI_IDEM_STALE_S, &rec),
	          OFFERAPI_IDEM_NEW);
	/* too large an answer is not kept, and the key is freed */
	char *big = calloc(1, OFFERAPI_IDEM_BODY_MAX + 1);
	assert_rc(offerapi_idem_finish(s, a, "k2", 201, "application/json", NULL, big,
	                               OFFERAPI_IDEM_BODY_MAX + 1),
	          OFFERAPI_ETOOBIG);
	free(big);
	assert_rc(offerapi_idem_begin(s, a, "k2", "fp", T0 + 400, &rec), OFFERAPI_IDEM_NEW);
	/* purge: only what expired */
	assert_rc(offerapi_idem_begin(s, a, "k3", "fp", T0 + 1000, &rec), OFFERAPI_IDEM_NEW);
	int64_t n = -1;
	assert_rc(offerapi_idem_purge(s, T0 + 400 + OFFERAPI_IDEM_TTL_S, &n), 0);
	assert_int_equal(n, 1);
	assert_rc(offerapi_idem_begin(s, a, "k3", "fp", T0 + 1001, &rec), OFFERAPI_IDEM_RUNNING);
}

static void test_bad_keys(void **state)
{
	fixture *f = *state;
	offerapi_idem_record *rec = NULL;
	char longkey[OFFERAPI_IDEM_KEY_MAX + 2];
	memset(longkey, 'k', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	const char *bad[] = { "", "a\nb", "\xc3\xa9t\xc3\xa9", longkey };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_rc(offerapi_idem_begin(f->s[0], f->u[0]->id, bad[i], "fp", T0, &rec),
		          OFFERAPI_EINVAL);
	longkey[OFFERAPI_IDEM_KEY_MAX] = '\0'; /* the longest allowed */
	assert_rc(offerapi_idem_begin(f->s[0], f->u[0]->id, longkey, "fp", T0, &rec),
	          OFFERAPI_IDEM_NEW);
}

/* Threads on two stores begin the same key at once: exactly one runs. */
typedef struct racer {
	fixture *f;
	int which;
	atomic_int *go;
	int rc;
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	offerapi_idem_record *rec = NULL;
	while (!atomic_load(r->go))
		;
	r->rc = offerapi_idem_begin(r->f->s[r->which % 2], r->f->u[0]->id, "race", "fp", T0, &rec);
	offerapi_idem_record_free(rec);
	return NULL;
}

static void test_race(void **state)
{
	fixture *f = *state;
	enum { N = 8 };
	for (int round = 0; round < 5; round++) {
		pthread_t th[N];
		racer rs[N];
		atomic_int go = 0;
		offerapi_idem_abandon(f->s[0], f->u[0]->id, "race");
		for (int i = 0; i < N; i++) {
			rs[i] = (racer){ f, i, &go, 0 };
			pthread_create(&th[i], NULL, race, &rs[i]);
		}
		atomic_store(&go, 1);
		int news = 0, running = 0;
		for (int i = 0; i < N; i++) {
			pthread_join(th[i], NULL);
			news += rs[i].rc == OFFERAPI_IDEM_NEW;
			running += rs[i].rc == OFFERAPI_IDEM_RUNNING || rs[i].rc == OFFERAPI_EBUSY;
		}
		assert_int_equal(news, 1);
		assert_int_equal(news + running, N);
	}
}

/* If-Match made atomic: a write conditional on the version read changes
 * nothing once another write raised it. */
static void test_offer_version(void **state)
{
	fixture *f = *state;
	offerapi_store *s = f->s[0];
	offerapi_offer_fields fl = OFFERAPI_OFFER_FIELDS_INIT;
	fl.title = "Titre";
	fl.description = "Description";
	offerapi_id id = 0;
	assert_rc(offerapi_offer_create(s, f->u[0], &fl, &id), 0);
	offerapi_offer *o = NULL;
	assert_rc(offerapi_offer_get(s, id, &o), 0);
	int64_t v1 = o->version;
	offerapi_offer_free(o);
	assert_true(v1 > 0);
	/* another writer (another store) changes it after our read */
	fl.title = "Titre 2";
	assert_rc(offerapi_offer_update(f->s[1], f->u[0], id, &fl), 0);
	int applied = -1;
	fl.title = "Titre 3";
	assert_rc(offerapi_offer_update_if(s, f->u[0], id, &fl, v1, &applied), 0);
	assert_int_equal(applied, 0);
	assert_rc(offerapi_offer_set_open_if(s, f->u[0], id, 0, v1, &applied), 0);
	assert_int_equal(applied, 0);
	assert_rc(offerapi_offer_get(s, id, &o), 0);
	assert_string_equal(o->title, "Titre 2"); /* the stale write changed nothing */
	assert_int_equal(o->is_open, 1);
	int64_t v2 = o->version;
	offerapi_offer_free(o);
	assert_true(v2 > v1);
	/* at the current version it writes, and raises the version */
	assert_rc(offerapi_offer_set_open_if(s, f->u[0], id, 0, v2, &applied), 0);
	assert_int_equal(applied, 1);
	assert_rc(offerapi_offer_update_if(s, f->u[0], id, &fl, v2, &applied), 0);
	assert_int_equal(applied, 0);
	/* another recruiter is still refused, whatever the version */
	assert_rc(offerapi_offer_update_if(s, f->u[1], id, &fl, 0, &applied), OFFERAPI_EPERM);
	assert_rc(offerapi_offer_archive(s, f->u[1], id, 0, &applied), OFFERAPI_EPERM);
	/* archive: at a stale version nothing, at the current one for good */
	assert_rc(offerapi_offer_archive(s, f->u[0], id, v2, &applied), 0);
	assert_int_equal(applied, 0);
	assert_rc(offerapi_offer_get(s, id, &o), 0);
	int64_t v3 = o->version;
	assert_int_equal(o->archived_at, 0);
	offerapi_offer_free(o);
	assert_rc(offerapi_offer_archive(s, f->u[0], id, v3, &applied), 0);
	assert_int_equal(applied, 1);
	assert_rc(offerapi_offer_get(s, id, &o), 0);
	assert_true(o->archived_at > 0);
	assert_int_equal(o->is_open, 0);
	offerapi_offer_free(o);
	/* gone for writes and lists */
	assert_rc(offerapi_offer_archive(s, f->u[0], id, 0, &applied), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_offer_set_open(s, f->u[0], id, 1), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_offer_update(s, f->u[0], id, &fl), OFFERAPI_ENOTFOUND);
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.recruiter_id = f->u[0]->id;
	q.include_closed = 1;
	offerapi_offer_list *l = NULL;
	assert_rc(offerapi_offer_list_page(s, &q, NULL, &l), 0);
	assert_int_equal(l->count, 0);
	offerapi_offer_list_free(l);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s sqlite|postgresql\n", argv[0]);
		return 2;
	}
	testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_begin_finish_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandon_stale_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_version, setup, teardown),
	};
	return cmocka_run_group_tests_name("idempotency", tests, NULL, NULL);
}
