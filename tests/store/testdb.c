/*
 * testdb.c - see testdb.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "testdb.h"

const char *testdb_backend = "sqlite";

static void pg_admin(const char *admin_url, const char *sql)
{
	PGconn *c = PQconnectdb(admin_url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to the test PostgreSQL: %s", PQerrorMessage(c));
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

void testdb_create(testdb *t)
{
	static unsigned counter;
	memset(t, 0, sizeof *t);
	if (strcmp(testdb_backend, "sqlite") == 0) {
		snprintf(t->dir, sizeof t->dir, "/tmp/offerapi-test-XXXXXX");
		if (!mkdtemp(t->dir))
			fail_msg("mkdtemp failed");
		snprintf(t->url, sizeof t->url, "sqlite:%s/test.db", t->dir);
		return;
	}
	const char *base = getenv("OFFERAPI_TEST_PG_URL");
	if (!base || !*base)
		fail_msg("OFFERAPI_TEST_PG_URL is not set: run this suite through "
		         "tests/with-postgresql.sh");
	/* postgresql://user:pass@host:port/db -> same with a new db name */
	const char *slash = strrchr(base, '/');
	if (!slash || slash < base + 13)
		fail_msg("OFFERAPI_TEST_PG_URL has no database part: %s", base);
	snprintf(t->dbname, sizeof t->dbname, "t_%ld_%u_%u", (long)getpid(), counter++,
	         randombytes_uniform(1000000));
	int n = (int)(slash - base);
	/* the test role creates (and so owns) the database: PostgreSQL 15 lets
	 * only a database's owner create tables in its public schema */
	snprintf(t->admin_url, sizeof t->admin_url, "%s", base);
	snprintf(t->url, sizeof t->url, "%.*s/%s", n, base, t->dbname);
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->dbname);
	pg_admin(t->admin_url, sql);
}

void testdb_destroy(testdb *t)
{
	if (t->dir[0]) {
		char cmd[512];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", t->dir);
	}
	if (t->dbname[0]) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->dbname);
		pg_admin(t->admin_url, sql);
	}
}

const char *testdb_key_file(void)
{
	if (strcmp(testdb_backend, "sqlite") == 0)
		return NULL;
	const char *k = getenv("OFFERAPI_DATA_KEY_FILE");
	if (!k || !*k)
		fail_msg("OFFERAPI_DATA_KEY_FILE is not set: run this suite through "
		         "tests/with-postgresql.sh");
	return k;
}

offerapi_store_options testdb_options(void)
{
	offerapi_store_options o = OFFERAPI_STORE_OPTIONS_INIT;
	o.data_key_file = testdb_key_file();
	o.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
	o.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
	o.pool_size = 4;
	return o;
}

offerapi_store *testdb_open(testdb *t)
{
	offerapi_store_options o = testdb_options();
	offerapi_store *s = NULL;
	int rc = offerapi_store_open(&s, t->url, &o);
	if (rc != 0)
		fail_msg("offerapi_store_open(%s): %s", t->url, offerapi_error_last()->message);
	return s;
}

offerapi_user *testdb_user(offerapi_store *s, const char *login, offerapi_role role)
{
	offerapi_user *u = NULL;
	assert_rc(offerapi_user_create(s, login, login, "password1", role, &u), 0);
	return u;
}

offerapi_store *testdb_open_new(testdb *t)
{
	testdb_create(t);
	return testdb_open(t);
}

void testdb_close(testdb *t, offerapi_store *s)
{
	offerapi_store_free(s);
	testdb_destroy(t);
}

offerapi_id testdb_offer(offerapi_store *s, const offerapi_user *rec, const char *title)
{
	offerapi_offer_fields of = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                     .title = title,
		                     .description = "C." };
	offerapi_id id = 0;
	assert_rc(offerapi_offer_create(s, rec, &of, &id), 0);
	return id;
}

size_t testdb_board_count(offerapi_store *s)
{
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	offerapi_page p = OFFERAPI_PAGE_INIT;
	offerapi_offer_list *l;
	assert_rc(offerapi_offer_list_page(s, &q, &p, &l), 0);
	size_t n = l->count;
	offerapi_offer_list_free(l);
	return n;
}

offerapi_id testdb_submit(offerapi_store *s, const offerapi_user *cand, offerapi_id offer,
                          const void *pdf, size_t len)
{
	offerapi_application_input in = { .version = OFFERAPI_APPLICATION_INPUT_VERSION,
		                          .filename = "cv.pdf",
		                          .pdf = pdf,
		                          .pdf_len = len };
	offerapi_id id = 0;
	assert_rc(offerapi_application_submit(s, cand, offer, &in, &id), 0);
	return id;
}

int testdb_setup(void **state)
{
	testdb_fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->s = testdb_open_new(&f->db);
	*state = f;
	return 0;
}

int testdb_setup_people(void **state)
{
	testdb_setup(state);
	testdb_fixture *f = *state;
	f->rec = testdb_user(f->s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	f->cand = testdb_user(f->s, "cand@example.org", OFFERAPI_ROLE_CANDIDATE);
	f->cand2 = testdb_user(f->s, "cand2@example.org", OFFERAPI_ROLE_CANDIDATE);
	return 0;
}

int testdb_teardown(void **state)
{
	testdb_fixture *f = *state;
	offerapi_user_free(f->rec);
	offerapi_user_free(f->cand);
	offerapi_user_free(f->cand2);
	testdb_close(&f->db, f->s);
	free(f);
	return 0;
}
