/*
 * test_similarity.c - what scorer-similarity promises, one property at a
 * time: case and accent folding, stemming, multi-word skills, C vs C++ vs
 * French elisions, the language guess, bounded whyanations and settings.
 *
 * Usage: test_similarity SIMILARITY.so [TEST_NAME]
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "offerapi/scorers.h"

static const char *sim_so;

static offerapi_scorers *load(const char *key, const char *value)
{
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	/* skills only: the score is the coverage, easy to reason about */
	assert_int_equal(offerapi_scorers_set(set, "similarity", "skills_weight", "1"), 0);
	if (key)
		assert_int_equal(offerapi_scorers_set(set, "similarity", key, value), 0);
	if (offerapi_scorers_load_file(set, sim_so) < 0) {
		offerapi_scorers_free(set);
		return NULL;
	}
	return set;
}

static char why[512];

/* Score @p cv against an offer listing the skills given (NULL-terminated). */
static double score_skills(offerapi_scorers *set, const char *cv, ...)
{
	const char *skills[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, cv);
	for (const char *s; n < 16 && (s = va_arg(ap, const char *));)
		skills[n++] = s;
	va_end(ap);
	offerapi_score_input in = {
		.struct_size = sizeof in,
		.offer_id = 1,
		.offer_title = "Offre",
		.offer_description = "Description",
		.skills = skills,
		.skill_count = n,
		.cv_text = cv,
		.cv_len = strlen(cv),
		.application_id = 1,
	};
	double s = -1;
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, why, sizeof why), 0);
	print_message("    %.3f \"%s\"\n", s, why);
	return s;
}

static void folds_case_and_accents(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "DÉVELOPPEMENT LOGICIEL et Sécurité", "developpement",
	                         "securite", NULL) == 1.0);
	assert_true(score_skills(set, "developpement logiciel", "Développement", NULL) == 1.0);
	/* decomposed (NFD) input meets composed (NFC) skills */
	assert_true(score_skills(set, "re\xcc\x81seau", "réseau", NULL) == 1.0);
	assert_true(score_skills(set, "gros oeuvre", "gros œuvre", NULL) == 1.0);
	offerapi_scorers_free(set);
}

static void stems_french_and_english(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "J'ai géré des projets informatiques pendant des années.",
	                         "projet", NULL) == 1.0);
	assert_true(score_skills(set, "I managed databases and designed networks.", "database",
	                         "network", NULL) == 1.0);
	offerapi_scorers_free(set);
}

static void matches_multiword_skills_in_a_row(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "Expérience en gestion des projets agiles.",
	                         "gestion de projet", NULL) == 1.0);
	/* the words present but apart are not the skill */
	assert_true(score_skills(set, "La gestion comptable; un projet de loi.",
	                         "gestion de projet", NULL) == 0.0);
	assert_non_null(strstr(why, "missing: gestion de projet"));
	offerapi_scorers_free(set);
}

static void tells_c_from_cpp_and_elisions(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "Développeur C++ et C#.", "C", NULL) == 0.0);
	assert_true(score_skills(set, "C'est un plaisir, d'autant que j'aime l'équipe.", "C",
	                         NULL) == 0.0);
	assert_true(score_skills(set, "Programmation en C sous Linux.", "C", "C++", NULL) == 0.5);
	assert_true(score_skills(set, "node.js and ASP.NET", "Node.js", "asp.net", NULL) == 1.0);
	offerapi_scorers_free(set);
}

static void guesses_the_language(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	score_skills(set, "Je suis un développeur et je travaille avec une équipe dans le sud.",
	             "x", NULL);
	assert_non_null(strstr(why, "(fr)"));
	score_skills(set, "I am a developer and I work with a team in the south of the city.", "x",
	             NULL);
	assert_non_null(strstr(why, "(en)"));
	offerapi_scorers_free(set);
	set = load("language", "fr");
	score_skills(set, "I am a developer and I work with a team.", "x", NULL);
	assert_non_null(strstr(why, "(fr)"));
	offerapi_scorers_free(set);
}

static void scores_text_similarity(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, sim_so), 0);
	offerapi_score_input in = {
		.struct_size = sizeof in,
		.offer_title = "Infirmier de bloc opératoire",
		.offer_description = "Instrumentation, stérilisation et hygiène au bloc.",
	};
	const char *near = "Infirmière au bloc opératoire : instrumentation et stérilisation.";
	const char *far = "Développeur Java, microservices Spring Boot et API REST.";
	double s1, s2;
	in.cv_text = near;
	in.cv_len = strlen(near);
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s1, why, sizeof why), 0);
	in.cv_text = far;
	in.cv_len = strlen(far);
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s2, why, sizeof why), 0);
	print_message("    near %.3f, far %.3f\n", s1, s2);
	assert_true(s1 > 0.3 && s2 < 0.05);
	assert_non_null(strstr(why, "no skills listed"));
	offerapi_scorers_free(set);
}

static void bounds_the_whyanation(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	const char *skills[] = { "équipe", "sécurité", "réseau", "développement" };
	offerapi_score_input in = {
		.struct_size = sizeof in,
		.offer_title = "t",
		.offer_description = "d",
		.skills = skills,
		.skill_count = 4,
		.cv_text = "",
	};
	for (size_t size = 1; size < 80; size++) {
		char buf[80];
		memset(buf, 'Z', sizeof buf);
		double s;
		assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, buf, size), 0);
		assert_true(strlen(buf) < size);
		assert_true(buf[size] == 'Z' || size == sizeof buf);
		/* never half a character: "é" is 0xC3 0xA9 */
		size_t n = strlen(buf);
		assert_false(n > 0 && (unsigned char)buf[n - 1] == 0xC3);
	}
	assert_int_equal(offerapi_scorers_violations(set, 0), 0);
	offerapi_scorers_free(set);
}

static void refuses_bad_settings(void **state)
{
	(void)state;
	assert_null(load("skills_weight", "2"));
	assert_non_null(strstr(offerapi_error_last()->message, "skills_weight: '2'"));
	assert_null(load("language", "de"));
	assert_null(load("max_bytes", "-5"));
	assert_null(load("workers", "0"));
	offerapi_scorers *set = load("max_bytes", "10");
	/* only the first 10 bytes count */
	assert_true(score_skills(set, "0123456789 Linux", "Linux", NULL) == 0.0);
	offerapi_scorers_free(set);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s SIMILARITY.so [TEST]\n", argv[0]);
		return 2;
	}
	sim_so = argv[1];
	if (argc > 2)
		cmocka_set_test_filter(argv[2]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folds_case_and_accents),
		cmocka_unit_test(stems_french_and_english),
		cmocka_unit_test(matches_multiword_skills_in_a_row),
		cmocka_unit_test(tells_c_from_cpp_and_elisions),
		cmocka_unit_test(guesses_the_language),
		cmocka_unit_test(scores_text_similarity),
		cmocka_unit_test(bounds_the_whyanation),
		cmocka_unit_test(refuses_bad_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
