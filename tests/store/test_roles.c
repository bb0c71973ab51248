/*
 * test_roles.c - the operator's role (issue 16) on a real store: the
 * migration that admits it (on SQLite a table rebuild that must keep every
 * row, index, foreign key and the id counter), the list of accounts page
 * by page, the change of role, and an admin who can neither publish nor
 * apply. argv[1] names the backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "internal.h"
#include "pdfgen.h"
#include "store_internal.h"
#include "testdb.h"

static int exec_sql(offerapi_store *s, const char *sql, db_result **out)
{
	db_conn *c;
	int rc = store_conn(s, &c);
	if (rc == 0)
		rc = db_exec(c, sql, NULL, 0, out);
	db_release(s->pool, c);
	return rc;
}

static int64_t count_sql(offerapi_store *s, const char *sql)
{
	db_result *r = NULL;
	assert_rc(exec_sql(s, sql, &r), 0);
	int64_t n = db_int(r, 0, 0);
	db_result_free(r);
	return n;
}

/* A store at the schema just before the role migration, with a recruiter
 * and their offer, a candidate with a session and an address, and a last
 * account erased (its id must not come back). */
static void old_store(testdb *t, char token[OFFERAPI_TOKEN_SIZE], offerapi_id *offer,
                      offerapi_id *erased)
{
	offerapi_store_options o = testdb_options();
	offerapi_store *s;
	int before = store_admin_role_version() - 1;
	assert_rc(store_open_upto(&s, t->url, &o, before), 0);
	assert_int_equal(offerapi_store_schema_version(s), before);
	offerapi_user *rec = testdb_user(s, "rh@example.org", OFFERAPI_ROLE_RECRUITER), *cand;
	assert_rc(offerapi_user_create_with_email(s, "cand", "Camille", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "camille@example.org",
	                                          "fr", &cand),
	          0);
	/* the offer by hand: this library's offerapi_offer_create() writes the
	 * columns of later migrations, which this old schema has not */
	char sql[400];
	snprintf(sql, sizeof sql,
	         "INSERT INTO offers (recruiter_id, title, description, location, skills,"
	         " questions, search_text, location_fold, skills_fold, published_at, updated_at,"
	         " search_title, search_body)"
	         " VALUES (%lld, 'Offre', 'C.', '', '[]', '[]', 'offre c', '', '', 1, 1,"
	         " 'offre', 'c')",
	         (long long)rec->id);
	assert_rc(exec_sql(s, sql, NULL), 0);
	*offer = count_sql(s, "SELECT MAX(id) FROM offers");
	assert_rc(offerapi_session_create(s, cand, token), 0);
	offerapi_user *gone = testdb_user(s, "gone", OFFERAPI_ROLE_CANDIDATE);
	*erased = gone->id;
	assert_rc(offerapi_user_erase(s, gone->id, NULL), 0);
	/* what a later migration could have added on SQLite: a trigger of
	 * users (made again by the rebuild) and one of another table whose
	 * body names users (which the rename must not trip on) */
	if (!strcmp(testdb_backend, "sqlite")) {
		assert_rc(
			exec_sql(s,
		                 "CREATE TRIGGER users_touch AFTER UPDATE OF display_name ON users"
		                 " BEGIN UPDATE users SET digest_ms = NULL WHERE id = new.id; END",
		                 NULL),
			0);
		assert_rc(exec_sql(s,
		                   "CREATE TRIGGER offers_touch AFTER UPDATE OF title ON offers"
		                   " BEGIN UPDATE users SET digest_ms = NULL"
		                   " WHERE id = new.recruiter_id; END",
		                   NULL),
		          0);
	}
	/* the old CHECK refuses role 3 */
	assert_true(exec_sql(s,
	                     "INSERT INTO users (login, display_name, role, password_hash,"
	                     " created_at) VALUES ('x', 'x', 3, 'x', 1)",
	                     NULL) < 0);
	offerapi_user_free(gone);
	offerapi_user_free(rec);
	offerapi_user_free(cand);
	offerapi_store_free(s);
}

static void test_migration_admits_admin(void **state)
{
	(void)state;
	testdb t;
	testdb_create(&t);
	char token[OFFERAPI_TOKEN_SIZE];
	offerapi_id offer, erased;
	old_store(&t, token, &offer, &erased);
	offerapi_store *s = testdb_open(&t);
	assert_true(offerapi_store_schema_version(s) >= store_admin_role_version());
	/* rows and what references them came through */
	offerapi_user *cand = NULL;
	assert_rc(offerapi_session_user(s, token, &cand), 0);
	assert_string_equal(cand->login, "cand");
	assert_string_equal(cand->email, "camille@example.org");
	offerapi_offer *o = NULL;
	assert_rc(offerapi_offer_get(s, offer, &o), 0);
	offerapi_offer_free(o);
	offerapi_user_free(cand);
	assert_rc(offerapi_user_authenticate(s, "rh@example.org", "password1", &cand), 0);
	offerapi_user_free(cand);
	/* the unique address index is there again */
	offerapi_user *dup = NULL;
	assert_rc(offerapi_user_create_with_email(s, "other", "O", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "camille@example.org",
	                                          "fr", &dup),
	          OFFERAPI_EEXISTS);
	/* foreign keys hold, and are enforced */
	assert_true(exec_sql(s,
	                     "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
	                     " VALUES ('h', 999999, 1, 2)",
	                     NULL) < 0);
	if (!strcmp(testdb_backend, "sqlite")) {
		db_result *r = NULL;
		assert_rc(exec_sql(s, "PRAGMA foreign_key_check", &r), 0);
		assert_int_equal(r->nrows, 0);
		db_result_free(r);
		assert_int_equal(count_sql(s, "SELECT COUNT(*) FROM sqlite_master WHERE"
		                              " tbl_name = 'users' AND type = 'index'"
		                              " AND name IN ('users_email', 'users_erase_at',"
		                              " 'users_created', 'users_role_created')"),
		                 4);
		assert_int_equal(count_sql(s, "SELECT COUNT(*) FROM sqlite_master"
		                              " WHERE name = 'users_rebuild'"),
		                 0);
		assert_int_equal(count_sql(s, "SELECT COUNT(*) FROM sqlite_master WHERE"
		                              " type = 'trigger' AND tbl_name = 'users'"
		                              " AND name = 'users_touch'"),
		                 1);
		assert_int_equal(count_sql(s, "SELECT COUNT(*) FROM sqlite_master WHERE"
		                              " type = 'trigger' AND sql LIKE '%UPDATE users %'"
		                              " AND name = 'offers_touch'"),
		                 1);
		/* the full-text index of the offers and its triggers still work */
		assert_int_equal(count_sql(s, "SELECT COUNT(*) FROM offers_fts"
		                              " WHERE offers_fts MATCH 'offre'"),
		                 1);
	}
	/* an erased account's id is never given again */
	offerapi_user *admin = NULL;
	assert_rc(offerapi_user_create(s, "ops", "Opérateur", "password1", OFFERAPI_ROLE_ADMIN,
	                               &admin),
	          0);
	assert_true(admin->id > erased);
	assert_int_equal(admin->role, OFFERAPI_ROLE_ADMIN);
	assert_true(exec_sql(s,
	                     "INSERT INTO users (login, display_name, role, password_hash,"
	                     " created_at) VALUES ('y', 'y', 4, 'x', 1)",
	                     NULL) < 0);
	offerapi_user_free(admin);
	testdb_close(&t, s);
}

typedef testdb_fixture fixture;

static void test_role_names(void **state)
{
	(void)state;
	offerapi_role r;
	assert_rc(offerapi_role_parse(&r, "admin"), 0);
	assert_int_equal(r, OFFERAPI_ROLE_ADMIN);
	assert_string_equal(offerapi_role_name(OFFERAPI_ROLE_ADMIN), "admin");
	assert_rc(offerapi_role_parse(&r, "Admin"), OFFERAPI_EINVAL);
	assert_null(offerapi_role_name((offerapi_role)4));
}

static void test_list_by_page(void **state)
{
	fixture *f = *state;
	const char *logins[] = { "cc1", "rr1", "cc2", "aa1", "cc3" };
	const offerapi_role roles[] = { OFFERAPI_ROLE_CANDIDATE, OFFERAPI_ROLE_RECRUITER,
		                        OFFERAPI_ROLE_CANDIDATE, OFFERAPI_ROLE_ADMIN,
		                        OFFERAPI_ROLE_CANDIDATE };
	offerapi_id ids[5];
	for (int i = 0; i < 5; i++) {
		offerapi_user *u = testdb_user(f->s, logins[i], roles[i]);
		ids[i] = u->id;
		offerapi_user_free(u);
	}
	assert_rc(offerapi_user_erase(f->s, ids[4], NULL), 0); /* not listed */
	/* every account, two a page, newest first */
	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.limit = 2;
	page.flags = OFFERAPI_PAGE_TOTAL;
	offerapi_user_list *l = NULL;
	char seen[64] = "";
	char cursor[OFFERAPI_CURSOR_MAX];
	for (int n = 0; n < 3; n++) {
		assert_rc(offerapi_user_list_page(f->s, 0, &page, &l), 0);
		assert_int_equal(l->total, 4);
		for (size_t i = 0; i < l->count; i++) {
			strcat(seen, l->items[i]->login);
			strcat(seen, " ");
		}
		bool more = l->next != NULL;
		if (more)
			snprintf(cursor, sizeof cursor, "%s", l->next);
		offerapi_user_list_free(l);
		if (!more)
			break;
		page.cursor = cursor;
	}
	assert_string_equal(seen, "aa1 cc2 rr1 cc1 ");
	/* one role */
	page = (offerapi_page)OFFERAPI_PAGE_INIT;
	assert_rc(offerapi_user_list_page(f->s, OFFERAPI_ROLE_CANDIDATE, &page, &l), 0);
	assert_int_equal(l->count, 2);
	assert_string_equal(l->items[0]->login, "cc2");
	assert_string_equal(l->items[1]->login, "cc1");
	offerapi_user_list_free(l);
	assert_rc(offerapi_user_list_page(f->s, OFFERAPI_ROLE_ADMIN, NULL, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0]->role, OFFERAPI_ROLE_ADMIN);
	offerapi_user_list_free(l);
	/* a cursor of another list, an unknown role */
	page.limit = 1;
	assert_rc(offerapi_user_list_page(f->s, 0, &page, &l), 0);
	snprintf(cursor, sizeof cursor, "%s", l->next);
	offerapi_user_list_free(l);
	page.cursor = cursor;
	assert_rc(offerapi_user_list_page(f->s, OFFERAPI_ROLE_RECRUITER, &page, &l),
	          OFFERAPI_EINVAL);
	assert_null(l);
	assert_rc(offerapi_user_list_page(f->s, (offerapi_role)9, NULL, &l), OFFERAPI_EINVAL);
}

static void test_set_role_and_admin_limits(void **state)
{
	fixture *f = *state;
	offerapi_user *rec = testdb_user(f->s, "rh1", OFFERAPI_ROLE_RECRUITER);
	offerapi_user *cand = testdb_user(f->s, "cand", OFFERAPI_ROLE_CANDIDATE);
	offerapi_offer_fields of = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                     .title = "Offre",
		                     .description = "C." };
	offerapi_id offer;
	assert_rc(offerapi_offer_create(f->s, rec, &of, &offer), 0);
	/* a recruiter with offers stays one */
	assert_rc(offerapi_user_set_role(f->s, rec->id, OFFERAPI_ROLE_ADMIN), OFFERAPI_ECONFLICT);
	assert_rc(offerapi_user_set_role(f->s, 999999, OFFERAPI_ROLE_ADMIN), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_user_set_role(f->s, cand->id, (offerapi_role)0), OFFERAPI_EINVAL);
	assert_rc(offerapi_user_set_role(f->s, cand->id, OFFERAPI_ROLE_ADMIN), 0);
	assert_rc(offerapi_user_set_role(f->s, cand->id, OFFERAPI_ROLE_ADMIN), 0);
	offerapi_user *admin = NULL;
	assert_rc(offerapi_user_get(f->s, cand->id, &admin), 0);
	assert_int_equal(admin->role, OFFERAPI_ROLE_ADMIN);
	/* an admin neither publishes nor applies */
	offerapi_id id;
	assert_rc(offerapi_offer_create(f->s, admin, &of, &id), OFFERAPI_EPERM);
	const char *lines[] = { "Curriculum vitae" };
	size_t len;
	char *pdf = pdfgen_text(lines, 1, 1, &len);
	offerapi_application_input in = { .version = OFFERAPI_APPLICATION_INPUT_VERSION,
		                          .filename = "cv.pdf",
		                          .pdf = pdf,
		                          .pdf_len = len };
	assert_rc(offerapi_application_submit(f->s, admin, offer, &in, &id), OFFERAPI_EPERM);
	/* a candidate with an application stays one */
	offerapi_user *c2 = testdb_user(f->s, "cc2", OFFERAPI_ROLE_CANDIDATE);
	assert_rc(offerapi_application_submit(f->s, c2, offer, &in, &id), 0);
	assert_rc(offerapi_user_set_role(f->s, c2->id, OFFERAPI_ROLE_RECRUITER),
	          OFFERAPI_ECONFLICT);
	free(pdf);
	offerapi_user_free(c2);
	offerapi_user_free(admin);
	offerapi_user_free(rec);
	offerapi_user_free(cand);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_migration_admits_admin),
		cmocka_unit_test_setup_teardown(test_list_by_page, testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_set_role_and_admin_limits, testdb_setup,
		                                testdb_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
