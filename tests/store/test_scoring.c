/*
 * test_scoring.c - offerapi_application_score() with real plugins: the
 * random scorer (stable per application), one that always fails, and the
 * minimal example, whose details are stored as a document and read back.
 * argv[1] names the backend; argv[2..4] are the plugin files.
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
#include "testdb.h"

static const char *random_so, *failing_so, *minimal_so;

typedef struct calls {
	int ok, failed;
	char last_error[256];
} calls;

static void on_score(const char *scorer, int rc, double seconds, const char *message, void *payload)
{
	calls *c = payload;
	assert_true(seconds >= 0.0);
	if (rc == 0) {
		c->ok++;
		assert_null(message);
	} else {
		c->failed++;
		assert_non_null(message);
		snprintf(c->last_error, sizeof c->last_error, "%s: %s", scorer, message);
	}
}

/* @cand applies with a one-line CV ("I write C and SQL every day.") to a
 * new offer of @rec, "Dev" in Paris, asking for @skills. */
static offerapi_id apply_dev(offerapi_store *s, const offerapi_user *rec, const offerapi_user *cand,
                             const char **skills, size_t nskills)
{
	offerapi_offer_fields of = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Dev",
		.description = "Write C",
		.location = "Paris",
		.skills = skills,
		.nskills = nskills,
	};
	offerapi_id offer;
	assert_rc(offerapi_offer_create(s, rec, &of, &offer), 0);
	const char *lines[] = { "I write C and SQL every day." };
	size_t len;
	char *pdf = pdfgen_text(lines, 1, 1, &len);
	offerapi_id app = testdb_submit(s, cand, offer, pdf, len);
	free(pdf);
	return app;
}

static void test_score_application(void **state)
{
	(void)state;
	testdb db;
	offerapi_store *s = testdb_open_new(&db);
	offerapi_user *rec, *cand;
	rec = testdb_user(s, "rec", OFFERAPI_ROLE_RECRUITER);
	cand = testdb_user(s, "cand", OFFERAPI_ROLE_CANDIDATE);
	const char *skills[] = { "C", "SQL" };
	offerapi_id app = apply_dev(s, rec, cand, skills, 2);

	offerapi_scorers *set;
	assert_rc(offerapi_scorers_new(&set), 0);
	assert_rc(offerapi_scorers_load_file(set, random_so), 0);
	assert_rc(offerapi_scorers_load_file(set, failing_so), 0);

	calls c = { 0 };
	assert_rc(offerapi_application_score(s, set, app, 0, on_score, &c), OFFERAPI_EPLUGIN);
	assert_int_equal(c.ok, 1);
	assert_int_equal(c.failed, 1);
	assert_non_null(strstr(c.last_error, "out to lunch"));
	assert_non_null(strstr(offerapi_error_last()->message, "always-fails"));

	offerapi_application *a;
	assert_rc(offerapi_application_get(s, rec, app, &a), 0);
	assert_int_equal(a->nscores, 1); /* the failing scorer stored nothing */
	assert_string_equal(a->scores[0].scorer, "random");
	double first = a->scores[0].score;
	assert_true(first >= 0.0 && first < 1.0);
	offerapi_application_free(a);

	/* missing-only skips what is stored; rescoring gives the same stable score */
	c = (calls){ 0 };
	assert_rc(
		offerapi_application_score(s, set, app, OFFERAPI_SCORE_MISSING_ONLY, on_score, &c),
		OFFERAPI_EPLUGIN);
	assert_int_equal(c.ok, 0);
	assert_int_equal(c.failed, 1);
	assert_rc(offerapi_application_score(s, set, app, 0, NULL, NULL), OFFERAPI_EPLUGIN);
	assert_rc(offerapi_application_get(s, rec, app, &a), 0);
	assert_true(a->scores[0].score == first);
	offerapi_application_free(a);

	assert_rc(offerapi_application_score(s, set, app + 100, 0, NULL, NULL), OFFERAPI_ENOTFOUND);

	offerapi_scorers_free(set);
	offerapi_user_free(rec);
	offerapi_user_free(cand);
	testdb_close(&db, s);
}

/* Details reported by a plugin are stored as the versioned document and
 * read back; a plugin without details keeps its plain sentence. */
static void test_stores_structured_explanations(void **state)
{
	(void)state;
	testdb db;
	offerapi_store *s = testdb_open_new(&db);
	offerapi_user *rec = testdb_user(s, "rec", OFFERAPI_ROLE_RECRUITER);
	offerapi_user *cand = testdb_user(s, "cand", OFFERAPI_ROLE_CANDIDATE);
	const char *skills[] = { "SQL", "Gestion de projet", "C" };
	offerapi_id app = apply_dev(s, rec, cand, skills, 3);

	offerapi_scorers *set;
	assert_rc(offerapi_scorers_new(&set), 0);
	assert_rc(offerapi_scorers_load_file(set, minimal_so), 0);
	assert_rc(offerapi_scorers_load_file(set, random_so), 0);
	assert_rc(offerapi_application_score(s, set, app, 0, NULL, NULL), 0);

	offerapi_application *a;
	assert_rc(offerapi_application_get(s, rec, app, &a), 0);
	assert_int_equal(a->nscores, 2);
	for (size_t i = 0; i < a->nscores; i++) {
		offerapi_explanation *e;
		assert_rc(offerapi_explanation_parse(a->scores[i].explanation, &e), 0);
		if (!strcmp(a->scores[i].scorer, "minimal")) {
			assert_int_equal(e->version, 1);
			assert_int_equal(e->nskills, 3);
			assert_string_equal(e->skills[1].skill, "Gestion de projet");
			assert_int_equal(e->skills[0].match, OFFERAPI_SKILL_MATCHED);
			assert_int_equal(e->skills[1].match, OFFERAPI_SKILL_MISSING);
			assert_string_equal(e->text, "2 of 3 skills found");
		} else {
			assert_int_equal(e->version, 0); /* random reports no details */
			assert_string_equal(e->text, a->scores[i].explanation);
		}
		offerapi_explanation_free(e);
	}
	offerapi_application_free(a);
	offerapi_scorers_free(set);
	offerapi_user_free(rec);
	offerapi_user_free(cand);
	testdb_close(&db, s);
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s sqlite|postgresql RANDOM.so FAILING.so MINIMAL.so\n",
		        argv[0]);
		return 2;
	}
	testdb_backend = argv[1];
	random_so = argv[2];
	failing_so = argv[3];
	minimal_so = argv[4];
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_score_application),
		                            cmocka_unit_test(test_stores_structured_explanations) };
	return cmocka_run_group_tests_name("scoring", tests, NULL, NULL);
}
