/*
 * test_migrate.c - migration 3 moves the CVs out of the application rows
 * without losing a byte. A store is first made as the code before it made
 * one: the schema of migration 1 only, rows written with that code's own
 * statements (PDFs and texts inside applications, scores without their
 * offer). Then the store is opened as today and every byte is read back
 * through the public API. argv[1] names the backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "aggcheck.h"
#include "pdfgen.h"
#include "store_internal.h"
#include "testdb.h"

/* One application as the old code stored it. */
typedef struct old_app {
	offerapi_id id, offer, candidate;
	char *pdf;
	size_t pdf_len;
	char *text;
	const char *answers; /* JSON as answers_to_json wrote it */
	size_t nanswers;
	int64_t created_at;
} old_app;

#define NAPPS 5

/* The statements of the code before migration 3, as it ran them. */
#define OLD_INSERT_APP                                                                             \
	"INSERT INTO applications (offer_id, candidate_id, filename,"                              \
	" pdf, pdf_size, cv_text, answers, created_at)"                                            \
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
#define OLD_INSERT_SCORE                                                                           \
	"INSERT INTO scores (application_id, scorer, scorer_version, score,"                       \
	" explanation, created_at) VALUES ($1, $2, $3, $4, $5, $6)"

static char *extracted(const char *pdf, size_t len)
{
	char *text = NULL;
	size_t tlen = 0;
	offerapi_cv_limits lim = OFFERAPI_CV_LIMITS_INIT;
	assert_rc(offerapi_cv_extract(&text, &tlen, pdf, len, &lim), 0);
	return text;
}

/* The five PDFs: small, with accents, 200 KiB (overflow pages), bytes of
 * every value including NUL (the column is a blob), and a text of "". */
static void make_apps(old_app *a)
{
	const char *l1[] = { "Curriculum vitae", "Alice Martin", "C, SQL" };
	char *acc = pdfgen_latin1("Chloé Lefèvre, développeuse à Montréal");
	const char *l2[] = { "CV", acc };
	a[0].pdf = pdfgen_text(l1, 3, 1, &a[0].pdf_len);
	a[1].pdf = pdfgen_text(l2, 2, 2, &a[1].pdf_len);
	a[2].pdf = pdfgen_text_padded(l1, 3, 1, 200 * 1024, 7, &a[2].pdf_len);
	free(acc);
	for (int i = 0; i < 3; i++)
		a[i].text = extracted(a[i].pdf, a[i].pdf_len);
	a[3].pdf_len = 3000;
	a[3].pdf = malloc(a[3].pdf_len);
	for (size_t i = 0; i < a[3].pdf_len; i++)
		a[3].pdf[i] = (char)(i * 7 % 256);
	a[3].text = strdup("Texte «accentué» — ✓ \t tab\nligne");
	a[4].pdf = pdfgen_text(l1, 1, 1, &a[4].pdf_len);
	a[4].text = strdup("");
	const char *ans[] = { "[{\"question\":\"Pourquoi ?\",\"answer\":\"Parce que\"},"
		              "{\"question\":\"Quand ?\",\"answer\":\"\"}]",
		              "[]",
		              "[{\"question\":\"Q1\",\"answer\":\"a\"},{\"question\":\"Q2\","
		              "\"answer\":\"b\"},{\"question\":\"Q3\",\"answer\":\"c\"}]" };
	size_t nans[] = { 2, 0, 3 };
	for (int i = 0; i < NAPPS; i++) {
		a[i].answers = ans[i % 3];
		a[i].nanswers = nans[i % 3];
		a[i].created_at = 1700000000 + (i % 2) * 60; /* ties on the date */
	}
}

/* A user as schema 1 stored one (the library of today writes columns that
 * schema 1 lacks). The password hash is never checked here. */
static offerapi_user *old_user(offerapi_store *s, const char *login, offerapi_role role)
{
	db_conn *c;
	db_result *r = NULL;
	assert_rc(store_conn(s, &c), 0);
	assert_rc(db_exec(c,
	                  "INSERT INTO users (login, display_name, role, password_hash, created_at)"
	                  " VALUES ($1, $1, $2, 'x', 1700000000) RETURNING id",
	                  (db_param[]){ P_TEXT(login), P_INT(role) }, 2, &r),
	          0);
	db_release(s->pool, c);
	offerapi_user *u = calloc(1, sizeof *u);
	u->id = db_int(r, 0, 0);
	u->login = strdup(login);
	u->display_name = strdup(login);
	u->role = role;
	db_result_free(r);
	return u;
}

static void old_store(testdb *t, old_app *a, offerapi_id offers[2], offerapi_id *rec)
{
	offerapi_store_options o = testdb_options();
	offerapi_store *s;
	assert_rc(store_open_upto(&s, t->url, &o, 1), 0);
	assert_int_equal(offerapi_store_schema_version(s), 1);
	offerapi_user *r = old_user(s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	*rec = r->id;
	offerapi_user_free(r);
	db_conn *c;
	assert_rc(store_conn(s, &c), 0);
	/* the offers as migration 1's code wrote them (today's writes need
	 * the later migrations' columns) */
	for (int i = 0; i < 2; i++) {
		db_result *res = NULL;
		assert_rc(
			db_exec(c,
		                "INSERT INTO offers (recruiter_id, title, description, location,"
		                " skills, questions, search_text, location_fold, skills_fold,"
		                " published_at, updated_at, is_open) VALUES ($1, 'Dev C', 'C.', '',"
		                " '[]', '[]', 'dev c\nc.\n\n', '', '\n', 1700000000, 1700000000, 1)"
		                " RETURNING id",
		                (db_param[]){ P_INT(*rec) }, 1, &res),
			0);
		offers[i] = db_int(res, 0, 0);
		db_result_free(res);
	}
	for (int i = 0; i < NAPPS; i++) {
		char login[16];
		snprintf(login, sizeof login, "cand%d", i);
		offerapi_user *u = old_user(s, login, OFFERAPI_ROLE_CANDIDATE);
		a[i].candidate = u->id;
		a[i].offer = offers[i == 4];
		offerapi_user_free(u);
		db_result *res = NULL;
		assert_rc(db_exec(c, OLD_INSERT_APP,
		                  (db_param[]){ P_INT(a[i].offer), P_INT(a[i].candidate),
		                                P_TEXT("cv.pdf"), P_BLOB(a[i].pdf, a[i].pdf_len),
		                                P_INT((int64_t)a[i].pdf_len), P_TEXT(a[i].text),
		                                P_TEXT(a[i].answers), P_INT(a[i].created_at) },
		                  8, &res),
		          0);
		a[i].id = db_int(res, 0, 0);
		db_result_free(res);
		/* scored by "random" except the second; "similarity" for the first */
		if (i != 1)
			assert_rc(db_exec(c, OLD_INSERT_SCORE,
			                  (db_param[]){ P_INT(a[i].id), P_TEXT("random"),
			                                P_TEXT("1.0"), P_REAL(0.125 * i),
			                                P_TEXT("expl"), P_INT(1700000100 + i) },
			                  6, NULL),
			          0);
		if (i == 0)
			assert_rc(db_exec(c, OLD_INSERT_SCORE,
			                  (db_param[]){ P_INT(a[i].id), P_TEXT("similarity"),
			                                P_TEXT("2.0.0"), P_REAL(0.3),
			                                P_TEXT("{\"v\":1}"), P_INT(1700000200) },
			                  6, NULL),
			          0);
	}
	/* a table that references applications, as migration 2's jobs does:
	 * migration 3 must neither cascade into it nor be refused by it */
	assert_rc(db_exec(c,
	                  "CREATE TABLE refs_apps (application_id BIGINT NOT NULL"
	                  " REFERENCES applications(id) ON DELETE CASCADE)",
	                  NULL, 0, NULL),
	          0);
	for (int i = 0; i < NAPPS; i++)
		assert_rc(db_exec(c, "INSERT INTO refs_apps (application_id) VALUES ($1)",
		                  (db_param[]){ P_INT(a[i].id) }, 1, NULL),
		          0);
	db_release(s->pool, c);
	offerapi_store_free(s);
}

/* Read back every byte of @a through the public API. */
static void check_app(offerapi_store *s, const offerapi_user *rec, const old_app *a, int i)
{
	void *pdf;
	size_t len;
	assert_rc(offerapi_application_pdf(s, rec, a->id, &pdf, &len), 0);
	assert_int_equal(len, a->pdf_len);
	assert_memory_equal(pdf, a->pdf, len);
	offerapi_free(pdf);
	offerapi_application *g;
	assert_rc(offerapi_application_get(s, rec, a->id, &g), 0);
	assert_string_equal(g->cv_text, a->text);
	assert_int_equal(g->pdf_size, a->pdf_len);
	assert_int_equal(g->created_at, a->created_at);
	assert_int_equal(g->nanswers, a->nanswers);
	assert_int_equal(g->offer_id, a->offer);
	assert_string_equal(g->filename, "cv.pdf");
	assert_int_equal(g->nscores, i == 0 ? 2 : i == 1 ? 0 : 1);
	if (g->nscores) {
		assert_string_equal(g->scores[0].scorer, "random");
		assert_true(g->scores[0].score == 0.125 * i);
		assert_string_equal(g->scores[0].explanation, "expl");
		assert_int_equal(g->scores[0].created_at, 1700000100 + i);
	}
	if (i == 0) {
		assert_string_equal(g->scores[1].scorer_version, "2.0.0");
		assert_string_equal(g->scores[1].explanation, "{\"v\":1}");
	}
	offerapi_application_free(g);
}

/* SQL the old columns must now refuse, and the new rows the migration wrote. */
static void check_layout(offerapi_store *s, const old_app *a)
{
	db_conn *c;
	assert_rc(store_conn(s, &c), 0);
	db_result *r = NULL;
	assert_true(db_exec(c, "SELECT pdf FROM applications", NULL, 0, &r) < 0);
	assert_true(db_exec(c, "SELECT cv_text FROM applications", NULL, 0, &r) < 0);
	/* migration 3 moved them to application_cvs; opening with a data key
	 * (migration 6) sealed them into cv_sealed and emptied it */
	assert_rc(db_exec(c, "SELECT COUNT(*) FROM application_cvs", NULL, 0, &r), 0);
	assert_int_equal(db_int(r, 0, 0), 0);
	db_result_free(r);
	assert_rc(db_exec(c, "SELECT COUNT(*) FROM cv_sealed", NULL, 0, &r), 0);
	assert_int_equal(db_int(r, 0, 0), NAPPS);
	db_result_free(r);
	assert_rc(db_exec(c, "SELECT COUNT(*) FROM refs_apps", NULL, 0, &r), 0);
	assert_int_equal(db_int(r, 0, 0), NAPPS);
	db_result_free(r);
	for (int i = 0; i < NAPPS; i++) {
		assert_rc(db_exec(c,
		                  "SELECT a.nanswers, (SELECT COUNT(*) FROM scores sc"
		                  " WHERE sc.application_id = a.id AND sc.offer_id = a.offer_id"
		                  " AND sc.app_created_at = a.created_at) FROM applications a"
		                  " WHERE a.id = $1",
		                  (db_param[]){ P_INT(a[i].id) }, 1, &r),
		          0);
		assert_int_equal(db_int(r, 0, 0), a[i].nanswers);
		assert_int_equal(db_int(r, 0, 1), i == 0 ? 2 : i == 1 ? 0 : 1);
		db_result_free(r);
	}
	db_release(s->pool, c);
}

static void test_migration_3_keeps_every_byte(void **state)
{
	(void)state;
	testdb t;
	testdb_create(&t);
	old_app a[NAPPS] = { 0 };
	make_apps(a);
	offerapi_id offers[2], rec_id;
	old_store(&t, a, offers, &rec_id);

	offerapi_store *s = testdb_open(&t); /* applies migration 3 and the later ones */
	assert_int_equal(offerapi_store_schema_version(s), offerapi_store_schema_latest());
	offerapi_user *rec;
	assert_rc(offerapi_user_get(s, rec_id, &rec), 0);
	for (int i = 0; i < NAPPS; i++)
		check_app(s, rec, &a[i], i);
	for (int k = 0; k < 2; k++) /* migration 20 back-filled them */
		aggcheck_offer(s, rec, offers[k]);
	check_layout(s, a);
	/* the search index (a later migration) holds the offers stored before
	 * it, accents and stems included */
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = "DÉV";
	offerapi_offer_list *ol;
	assert_rc(offerapi_offer_search(s, &q, &ol), 0);
	assert_int_equal(ol->count, 2);
	assert_int_equal(ol->items[0].id, offers[1]); /* equal ranks: the newest id first */
	offerapi_offer_list_free(ol);
	/* ranked as before: scored best first, unscored last */
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_offer(s, rec, offers[0], "random", 0, &l), 0);
	assert_int_equal(l->count, 4);
	assert_int_equal(l->items[0].id, a[3].id);
	assert_int_equal(l->items[1].id, a[2].id);
	assert_int_equal(l->items[2].id, a[0].id);
	assert_int_equal(l->items[3].id, a[1].id);
	offerapi_application_list_free(l);
	offerapi_user_free(rec);
	offerapi_store_free(s);
	for (int i = 0; i < NAPPS; i++) {
		free(a[i].pdf);
		free(a[i].text);
	}
	testdb_destroy(&t);
}

/* The migration that makes the sessions table again with an id: the
 * sessions open before it stay open, and later ones come first. */
static void test_sessions_keep_their_ids_migration(void **state)
{
	(void)state;
	testdb t;
	testdb_create(&t);
	offerapi_store_options o = testdb_options();
	offerapi_store *s;
	int before = store_session_ids_version() - 1;
	assert_rc(store_open_upto(&s, t.url, &o, before), 0);
	assert_int_equal(offerapi_store_schema_version(s), before);
	offerapi_user *u = testdb_user(s, "cand@example.org", OFFERAPI_ROLE_CANDIDATE);
	char tok[3][OFFERAPI_TOKEN_SIZE];
	for (int i = 0; i < 3; i++)
		assert_rc(offerapi_session_create(s, u, tok[i]), 0);
	assert_rc(store_exec(s, "UPDATE sessions SET created_at = 1700000000", NULL, 0, NULL), 0);
	offerapi_store_free(s);

	s = testdb_open(&t); /* that migration and the later ones */
	assert_int_equal(offerapi_store_schema_version(s), offerapi_store_schema_latest());
	for (int i = 0; i < 3; i++) {
		offerapi_user *who;
		assert_rc(offerapi_session_user(s, tok[i], &who), 0);
		assert_int_equal(who->id, u->id);
		offerapi_user_free(who);
	}
	char late[OFFERAPI_TOKEN_SIZE], late_id[OFFERAPI_SESSION_ID_SIZE];
	assert_rc(offerapi_session_create(s, u, late), 0);
	assert_rc(offerapi_session_id(late, late_id), 0);
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.flags = OFFERAPI_PAGE_TOTAL;
	offerapi_session_list *l;
	assert_rc(offerapi_session_list_page(s, u->id, &p, &l), 0);
	assert_int_equal(l->count, 4);
	assert_int_equal(l->total, 4);
	assert_string_equal(l->items[0].id, late_id); /* the newest */
	offerapi_session_list_free(l);
	offerapi_user_free(u);
	testdb_close(&t, s);
}

/* An application as the code before migration 20 wrote it (its CV
 * aside: no dashboard reads it); its id. */
static offerapi_id pre20_apply(offerapi_store *s, offerapi_id cand, offerapi_id offer)
{
	db_result *r = NULL;
	assert_rc(store_exec(s,
	                     "INSERT INTO applications (offer_id, candidate_id, filename,"
	                     " pdf_size, answers, nanswers, created_at, pool_consent, consent_at,"
	                     " notice_version) VALUES ($1, $2, 'cv.pdf', 100, '[]', 0, $3, 0, $3,"
	                     " NULL) RETURNING id",
	                     (db_param[]){ P_INT(offer), P_INT(cand), P_INT(1700000000 + cand) }, 3,
	                     &r),
	          0);
	offerapi_id id = db_int(r, 0, 0);
	db_result_free(r);
	return id;
}

/* The migration that adds the dashboard's aggregates fills them from the
 * rows already there: a store at the version before it, written as the
 * code before it wrote (applications to two offers; scores of three
 * scorers on and between the bins' bounds, one replaced, and an erased
 * candidate, by today's calls, whose statements it left as they were),
 * then opened as today. */
static void test_dashboard_aggregates_backfilled(void **state)
{
	(void)state;
	testdb t;
	testdb_create(&t);
	offerapi_store_options o = testdb_options();
	offerapi_store *s;
	int before = store_dashboard_aggs_version() - 1;
	assert_rc(store_open_upto(&s, t.url, &o, before), 0);
	assert_int_equal(offerapi_store_schema_version(s), before);
	offerapi_user *rec = testdb_user(s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	offerapi_id offer[3];
	for (int i = 0; i < 3; i++) {
		offerapi_offer_fields of = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
			                     .title = "Offre",
			                     .description = "C." };
		assert_rc(offerapi_offer_create(s, rec, &of, &offer[i]), 0);
	}
	const char *lines[] = { "Curriculum vitae", "C, SQL" };
	size_t pdf_len;
	char *pdf = pdfgen_text(lines, 2, 1, &pdf_len);
	offerapi_application_input in = { .version = OFFERAPI_APPLICATION_INPUT_VERSION,
		                          .filename = "cv.pdf",
		                          .pdf = pdf,
		                          .pdf_len = pdf_len };
	offerapi_user *cand[6];
	for (int i = 0; i < 6; i++) {
		char login[32];
		snprintf(login, sizeof login, "cand%d@example.org", i);
		cand[i] = testdb_user(s, login, OFFERAPI_ROLE_CANDIDATE);
		for (int k = 0; k < 2; k++) { /* offer[2] stays without any */
			offerapi_id id = pre20_apply(s, cand[i]->id, offer[k]);
			assert_rc(offerapi_score_put(s, id, "similarity", "1", i / 5.0, ""), 0);
			assert_rc(offerapi_score_put(s, id, "random", "1", 0.05 + i * 0.15, ""), 0);
			if (i % 2)
				assert_rc(offerapi_score_put(s, id, "llm", "1", 0.9, ""), 0);
			if (i == 3) /* replaced, into another bin */
				assert_rc(offerapi_score_put(s, id, "similarity", "1", 0.95, ""),
				          0);
		}
	}
	assert_rc(offerapi_user_erase(s, cand[4]->id, NULL), 0);
	offerapi_store_free(s);

	s = testdb_open(&t); /* that migration and the later ones */
	assert_int_equal(offerapi_store_schema_version(s), offerapi_store_schema_latest());
	int64_t rows;
	assert_rc(store_count(s, " FROM score_bins", NULL, 0, &rows), 0);
	assert_true(rows > 0);
	for (int k = 0; k < 3; k++)
		aggcheck_offer(s, rec, offer[k]);
	offerapi_dashboard *d;
	offerapi_rank rank = OFFERAPI_RANK_INIT;
	rank.by = "similarity";
	assert_rc(offerapi_dashboard_get(s, rec, offer[0], &rank, NULL, &d), 0);
	assert_int_equal(d->count, 5);
	assert_int_equal(d->scored, 5);
	assert_true(d->max == 1.0); /* cand5 */
	offerapi_dashboard_free(d);
	/* and the triggers keep them from then on */
	offerapi_id id;
	assert_rc(offerapi_application_submit(s, cand[0], offer[2], &in, &id), 0);
	assert_rc(offerapi_score_put(s, id, "similarity", "1", 0.1, ""), 0);
	aggcheck_offer(s, rec, offer[2]);
	for (int i = 0; i < 6; i++)
		offerapi_user_free(cand[i]);
	offerapi_user_free(rec);
	free(pdf);
	offerapi_store_free(s);
	testdb_destroy(&t);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migration_3_keeps_every_byte),
		cmocka_unit_test(test_sessions_keep_their_ids_migration),
		cmocka_unit_test(test_dashboard_aggregates_backfilled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
