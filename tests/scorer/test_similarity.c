/*
 * test_similarity.c - what scorer-similarity promises, one property at a
 * time: folding (case, accents, NFKC), letters and digits, stemming, skills
 * written as people write them (any order, compounds, synonyms, acronyms),
 * the French-English bridge (vocabulary, FreeDict, cognates), C vs C++ vs
 * French elisions, the language guess, fixed term weights, bounded
 * explanations and settings.
 *
 * Usage: test_similarity SIMILARITY.so [TEST_NAME]
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "offerapi/common.h"
#include "offerapi/application.h"
#include "offerapi/scorers.h"
#include "offerapi/scoring.h"

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

static double score_pair(offerapi_scorers *set, const char *title, const char *desc,
                         const char *cv);

/* The input of @p cv against an offer that lists @p n @p skills. */
static offerapi_score_input skills_input(const char **skills, size_t n, const char *cv)
{
	return (offerapi_score_input){
		.struct_size = sizeof(offerapi_score_input),
		.offer_id = 1,
		.offer_title = "Offre",
		.offer_description = "Description",
		.skills = skills,
		.skill_count = n,
		.cv_text = cv,
		.cv_len = strlen(cv),
		.application_id = 1,
	};
}

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
	offerapi_score_input in = skills_input(skills, n, cv);
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

static void normalizes_compatibility_forms(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	/* NFKC: subscript two, ligature fi, full-width letters */
	assert_true(score_skills(set, "Bilan des émissions de CO2 du site", "Bilan CO₂", NULL) ==
	            1.0);
	assert_true(score_skills(set, "réduction du CO₂", "CO2", NULL) == 1.0);
	assert_true(score_skills(set, "ﬁbre optique", "fibre", NULL) == 1.0);
	assert_true(score_skills(set, "ＳＱＬ", "SQL", NULL) == 1.0);
	offerapi_scorers_free(set);
}

static void splits_letters_and_digits(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "Firmware on STM32F4 boards", "STM32", NULL) == 1.0);
	assert_true(score_skills(set, "Java17, Spring", "Java", NULL) == 1.0);
	assert_true(score_skills(set, "certified ISO9001 plant", "ISO 9001", NULL) == 1.0);
	/* a different number is not the same product */
	assert_true(score_skills(set, "Firmware on STM8 boards", "STM32", NULL) < 1.0);
	assert_true(score_skills(set, "ISO 14001 audits", "ISO 9001", NULL) < 1.0);
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

static void matches_words_in_any_order(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "Expérience en gestion des projets agiles.",
	                         "gestion de projet", NULL) == 1.0);
	/* another word between, another order: still the skill */
	assert_true(score_skills(set, "Gestion des achats et des stocks", "gestion des stocks",
	                         NULL) == 1.0);
	assert_true(score_skills(set, "stocks : gestion quotidienne", "gestion des stocks", NULL) ==
	            1.0);
	/* the words present but far apart: partial credit */
	double apart = score_skills(set,
	                            "La gestion comptable de la société, la paie, la trésorerie, "
	                            "les déclarations fiscales et sociales, puis les stocks.",
	                            "gestion des stocks", NULL);
	assert_true(apart > 0.5 && apart < 1.0);
	/* only the generic word: little credit, listed as partly */
	double generic = score_skills(set, "La gestion comptable de la société.",
	                              "gestion des stocks", NULL);
	assert_true(generic > 0.0 && generic < 0.4);
	assert_non_null(strstr(why, "partly: gestion des stocks"));
	assert_true(score_skills(set, "Rien à voir.", "gestion des stocks", NULL) == 0.0);
	assert_non_null(strstr(why, "missing: gestion des stocks"));
	offerapi_scorers_free(set);
}

static void splits_compound_skills(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "Kubernetes, Helm and Docker", "Docker (Kubernetes)", NULL) ==
	            1.0);
	assert_true(score_skills(set, "Docker seulement", "Docker (Kubernetes)", NULL) == 0.5);
	/* "ou" and "or": one of them is enough */
	assert_true(score_skills(set, "Kotlin and Java", "Java ou Kotlin", NULL) == 1.0);
	assert_true(score_skills(set, "Kotlin coroutines", "Java or Kotlin", NULL) == 1.0);
	/* "/" and "et": credit per part */
	double two = score_skills(set, "SPI and I2C drivers", "Bus CAN / SPI / I2C", NULL);
	assert_true(two > 0.66 && two < 0.67);
	assert_true(score_skills(set, "pneumatique", "Pneumatique et hydraulique", NULL) == 0.5);
	offerapi_scorers_free(set);
}

/* The offer form splits skills on every comma, also inside brackets: the
 * fragments of "Docker (Kubernetes, Helm)" are one skill again, with credit
 * per part, and a bracket never closed joins nothing. */
static void joins_skills_cut_inside_brackets(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	/* one skill of three parts (1/3), not two skills (1/2 and 0: 1/4) */
	double one = score_skills(set, "Docker seulement", "Docker (Kubernetes", "Helm)", NULL);
	assert_true(one > 0.33 && one < 0.34);
	assert_non_null(strstr(why, "skills 0/1; partly: Docker (Kubernetes, Helm)"));
	assert_true(score_skills(set, "Helm, Kubernetes, Docker, Linux", "Docker (Kubernetes",
	                         "Helm)", "Linux", NULL) == 1.0);
	assert_non_null(strstr(why, "skills 2/2"));
	/* brackets of several levels, and square ones */
	/* (five parts, one shown) */
	double nested = score_skills(set, "Docker", "Docker [Kubernetes (Helm", "Argo)", "Flux]",
	                             NULL);
	assert_true(nested > 0.19 && nested < 0.21);
	assert_non_null(strstr(why, "/1;"));
	/* an opening bracket never closed: three skills, as typed */
	double open = score_skills(set, "Spring et SQL", "Java (8+", "Spring", "SQL", NULL);
	assert_non_null(strstr(why, "skills 2/3"));
	assert_true(open > 0.66);
	/* a closing bracket first joins nothing either */
	score_skills(set, "Spring", "SQL)", "Spring", NULL);
	assert_non_null(strstr(why, "skills 1/2"));

	/* the details report every fragment, with the credit of its skill */
	const char *skills[] = { "Docker (Kubernetes", "Helm)", "Linux" };
	offerapi_score_input in = skills_input(skills, 3, "Docker et Linux");
	static char doc[OFFERAPI_EXPLANATION_MAX + 1];
	double score = -1;
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &score, doc, sizeof doc), 0);
	offerapi_explanation *e = NULL;
	assert_int_equal(offerapi_explanation_parse(doc, &e), 0);
	assert_true(e->version >= 1);
	assert_int_equal(e->nskills, 3);
	assert_string_equal(e->skills[0].skill, "Docker (Kubernetes");
	assert_string_equal(e->skills[1].skill, "Helm)");
	assert_true(e->skills[0].credit > 0.33 && e->skills[0].credit < 0.34);
	assert_true(e->skills[1].credit == e->skills[0].credit);
	assert_true(e->skills[2].credit == 1.0);
	offerapi_explanation_free(e);
	offerapi_scorers_free(set);
}

static void knows_synonyms_and_acronyms(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "10 ans en ressources humaines", "RH", NULL) == 1.0);
	assert_true(score_skills(set, "Expert RH", "ressources humaines", NULL) == 1.0);
	assert_true(score_skills(set, "référencement naturel et netlinking", "SEO", NULL) == 1.0);
	assert_true(score_skills(set, "outil de gestion de la relation client", "CRM", NULL) ==
	            1.0);
	/* "IT" in capitals is an acronym, "it" is a stop word */
	assert_true(score_skills(set, "Support IT niveau 2", "informatique", NULL) == 1.0);
	assert_true(score_skills(set, "it was fine", "informatique", NULL) == 0.0);
	offerapi_scorers_free(set);
}

static void bridges_french_and_english(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "Project management (Prince2)", "gestion de projet", NULL) ==
	            1.0);
	assert_true(score_skills(set, "SQL databases", "base de données", NULL) == 1.0);
	assert_true(score_skills(set, "Customer service in retail", "service client", NULL) == 1.0);
	assert_true(score_skills(set, "Warehouse operative", "entrepôt", NULL) == 1.0);
	assert_true(score_skills(set, "Comptabilité fournisseurs", "Accounts payable", NULL) ==
	            1.0);
	assert_true(score_skills(set, "Infirmière en réanimation", "ICU nurse", NULL) == 1.0);
	/* general conditions of work, not only job titles (2.3.0) */
	assert_true(score_skills(set, "Heavy lifting every day in the warehouse", "port de charges",
	                         NULL) == 1.0);
	assert_true(score_skills(set, "A heavy metal fan who charges phones", "port de charges",
	                         NULL) < 0.5);
	offerapi_scorers_free(set);
}

/* A bridged word is worth the same word: an English CV that says "postman"
 * (FreeDict's translation of "facteur") scores what a French CV that says
 * "facteur" scores, so neither language starts ahead (2.0.0 gave a
 * translation 0.85 of a word and ranked same-language CVs first). */
static void weighs_a_bridge_like_the_same_word(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	double same = score_skills(set, "Facteur", "facteur", NULL);
	assert_true(same > 0);
	assert_true(score_skills(set, "Postman", "facteur", NULL) == same);
	offerapi_scorers_free(set);
}

/* A CV in the other language is asked for each unit of the offer by how
 * often a bridge finds its kind (2.7.0): the whole of a code, 85 % of a
 * concept and of the words inside it, half of a word that only a FreeDict
 * translation or a cognate reaches. 2.6.0 scaled every other-language pair
 * by 1.1, which left such CVs behind where the vocabulary covers little of
 * the offer. */
static void asks_other_languages_by_bridge_kind(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, sim_so), 0);
	/* concepts only ("entrepôt | warehouse", "facturation | invoicing"):
	 * each CV shows the second, in its language */
	const char *t = "Entrepôt", *d = "Entrepôt et facturation.";
	double fr = score_pair(set, t, d, "Je travaille dans la facturation depuis dix ans.");
	double en = score_pair(set, t, d, "I have been working in invoicing for ten years.");
	assert_true(fr > 0.05 && fr < 0.5);
	assert_true(fabs(en - fr / 0.85) < 1e-9);
	/* words that only FreeDict links ("facteur" / "postman", "horloge",
	 * "valise"): each CV shows the first */
	t = "Horloge";
	d = "Facteur et valise.";
	fr = score_pair(set, t, d, "Je suis facteur depuis dix ans.");
	en = score_pair(set, t, d, "I have been a postman for ten years.");
	assert_true(fr > 0.05 && fr < 0.5);
	assert_true(fabs(en - fr / 0.5) < 1e-9);
	offerapi_scorers_free(set);
}

/* A vocabulary variant that stop words leave as one word ("days off" as
 * "day", "A&E" as "e", "check-in" as "check") is not a phrase: it would make
 * every "(e)" of a French text the emergency department. The concept's
 * other variants still match, in both languages. */
static void ignores_variants_that_stop_words_reduce(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "Infirmière, service des urgences", "urgences", NULL) == 1.0);
	assert_true(score_skills(set, "Emergency department nurse", "urgences", NULL) == 1.0);
	assert_true(score_skills(set, "Assistant(e) qualifié(e)", "urgences", NULL) == 0.0);
	assert_true(score_skills(set, "I work four days, then take rest days", "jours de repos",
	                         NULL) == 1.0);
	assert_true(score_skills(set, "I do deliveries six days a week", "jours de repos", NULL) <
	            1.0);
	offerapi_scorers_free(set);
}

/* The concepts of one word of the offer are one meaning to find: an
 * English CV that says "inspections" shows "checks" as fully as one that
 * says "checks" (2.2.0 made "checks" four concept units, control,
 * inspection, check-in and verification, that the same word finds all at
 * once and a synonym or a translation one of). */
static void counts_an_ambiguous_word_once(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, sim_so), 0);
	const char *t = "Driver";
	const char *d = "Vehicle checks before every round.";
	double same = score_pair(set, t, d, "Driver. Vehicle checks before every round.");
	double synonym = score_pair(set, t, d, "Driver. Vehicle inspections before every round.");
	double other = score_pair(set, t, d, "Driver. Vehicle washing before every round.");
	assert_true(synonym == same);
	assert_true(other < same - 0.05);
	offerapi_scorers_free(set);
}

/* A vocabulary phrase inside a skill ("driving licence" in "Full UK
 * driving licence") is found in a CV that shows the concept in either
 * language: its words count where the concept is ("permis de conduire"),
 * in the skill's window; another concept does not. */
static void finds_concepts_inside_a_skill(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	double both = score_skills(set, "Permis de conduire, véhicule propre",
	                           "Driving licence and own vehicle", NULL);
	assert_true(both == 1.0);
	double part = score_skills(set, "Comptabilité fournisseurs (5 ans)",
	                           "Accounts payable experience in retail", NULL);
	double none = score_skills(set, "Comptabilité clients (5 ans)",
	                           "Accounts payable experience in retail", NULL);
	assert_true(part > 0.5);
	assert_true(none < part - 0.25);
	offerapi_scorers_free(set);
}

/* A word of the other language's vocabulary found in a text: an acronym
 * or a code in capitals is that concept ("RH" in an English CV is human
 * resources), an ordinary word alone is not (the English "licence" of a
 * driving licence is not the French "licence", a bachelor's degree). */
static void takes_acronyms_not_false_friends_across_languages(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "I worked ten years in RH for a retailer", "human resources",
	                         NULL) == 1.0);
	assert_true(score_skills(set, "I hold a full driving licence and a forklift card",
	                         "Bachelor's degree", NULL) < 0.5);
	offerapi_scorers_free(set);
}

/* A vocabulary acronym that is also a word ("REST", "CAP") is that concept
 * in capitals, or written in lower case when the word is no word of either
 * language ("sql"), never as the word ("rest" after a night shift). */
static void takes_acronyms_in_capitals_not_the_word(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "I built REST services in Go", "API", NULL) == 1.0);
	assert_true(score_skills(set, "I need rest after night shifts", "API", NULL) == 0.0);
	offerapi_scorers_free(set);
}

static int warnings;
static char last_warning[2048];

static void count_warnings(offerapi_log_level level, const char *msg, void *payload)
{
	(void)payload;
	if (level == OFFERAPI_LOG_WARNING && strstr(msg, "FreeDict")) {
		warnings++;
		snprintf(last_warning, sizeof last_warning, "%s", msg);
	}
}

static void uses_the_dictionaries_when_present(void **state)
{
	(void)state;
	/* "facteur" / "postman" is in FreeDict, not in the vocabulary */
	offerapi_set_log(OFFERAPI_LOG_DEBUG, count_warnings, NULL);
	offerapi_scorers *set = load(NULL, NULL);
	assert_int_equal(warnings, 0);
	assert_true(score_skills(set, "Postman for the Royal Mail", "facteur", NULL) > 0.8);
	offerapi_scorers_free(set);
	/* without them: loads, says so once, bridges with the vocabulary only */
	set = load("freedict_dir", "/nonexistent/dictd");
	assert_non_null(set);
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(last_warning, "/nonexistent/dictd/freedict-fra-eng.index"));
	assert_true(score_skills(set, "Postman for the Royal Mail", "facteur", NULL) == 0.0);
	assert_true(score_skills(set, "Warehouse operative", "entrepôt", NULL) == 1.0);
	score_skills(set, "Postman", "facteur", NULL);
	assert_int_equal(warnings, 1);
	offerapi_scorers_free(set);
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
}

/* The "lexicon: ..." line each instance logs when it starts, and its
 * warning, if any. */
static char lexicon_line[2048], lexicon_warning[2048];

static void keep_lexicon_lines(offerapi_log_level level, const char *msg, void *payload)
{
	(void)payload;
	if (level == OFFERAPI_LOG_INFO && strstr(msg, "lexicon: "))
		snprintf(lexicon_line, sizeof lexicon_line, "%s", msg);
	if (level == OFFERAPI_LOG_WARNING && strstr(msg, "FreeDict"))
		snprintf(lexicon_warning, sizeof lexicon_warning, "%s", msg);
}

/* Load with freedict_dir @p dir (NULL: the default); returns whether the new
 * instance says it shares the lexicon of a live one. */
static bool load_shared(offerapi_scorers **out, const char *dir)
{
	lexicon_line[0] = lexicon_warning[0] = '\0';
	*out = load(dir ? "freedict_dir" : NULL, dir);
	assert_non_null(*out);
	assert_non_null(strstr(lexicon_line, "lexicon: "));
	return strstr(lexicon_line, "; shared with") != NULL;
}

static void shares_the_lexicon(void **state)
{
	(void)state;
	offerapi_set_log(OFFERAPI_LOG_DEBUG, keep_lexicon_lines, NULL);
	offerapi_scorers *a, *b, *c, *d, *e, *f;
	/* the first instance builds it, the second one reads the same files */
	assert_false(load_shared(&a, NULL));
	assert_non_null(strstr(lexicon_line, "FreeDict loaded"));
	assert_true(load_shared(&b, NULL));
	assert_non_null(strstr(lexicon_line, "FreeDict loaded"));
	/* the same files by another path are the same data */
	assert_true(load_shared(&c, "/usr/share/../share/dictd/"));
	/* other files (here none): another lexicon, without the dictionaries */
	assert_false(load_shared(&d, "/nonexistent/one"));
	assert_non_null(strstr(lexicon_line, "FreeDict absent"));
	assert_non_null(strstr(lexicon_warning, "/nonexistent/one/freedict-fra-eng.index"));
	/* the same absence elsewhere: shared, and the warning names its own path */
	assert_true(load_shared(&e, "/nonexistent/two"));
	assert_non_null(strstr(lexicon_warning, "/nonexistent/two/freedict-fra-eng.index"));
	assert_null(strstr(lexicon_warning, "/nonexistent/one"));
	/* each instance bridges with its own lexicon */
	assert_true(score_skills(b, "Postman for the Royal Mail", "facteur", NULL) > 0.8);
	assert_true(score_skills(c, "Postman for the Royal Mail", "facteur", NULL) > 0.8);
	assert_true(score_skills(e, "Postman for the Royal Mail", "facteur", NULL) == 0.0);
	/* one holder left is enough to keep it... */
	offerapi_scorers_free(a);
	offerapi_scorers_free(b);
	offerapi_scorers_free(d);
	assert_true(score_skills(c, "Postman for the Royal Mail", "facteur", NULL) > 0.8);
	assert_true(load_shared(&f, NULL));
	offerapi_scorers_free(f);
	/* ...and it goes with the last one: the next instance builds anew */
	offerapi_scorers_free(c);
	offerapi_scorers_free(e);
	assert_false(load_shared(&f, NULL));
	assert_true(score_skills(f, "Postman for the Royal Mail", "facteur", NULL) > 0.8);
	offerapi_scorers_free(f);
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
}

/* Instances created, used and destroyed from several threads at once, half
 * of them with the dictionaries and half without: the registry of shared
 * lexicons under ThreadSanitizer (suite conformance). */
#define CONCURRENT 4

static void *create_score_free(void *arg)
{
	const char *dir = arg;
	for (int round = 0; round < 3; round++) {
		offerapi_scorers *set;
		if (offerapi_scorers_new(&set) != 0)
			return "offerapi_scorers_new failed";
		if ((dir && offerapi_scorers_set(set, "similarity", "freedict_dir", dir) != 0) ||
		    offerapi_scorers_load_file(set, sim_so) != 0) {
			offerapi_scorers_free(set);
			return "load failed";
		}
		const char *skills[] = { "facteur" };
		offerapi_score_input in = {
			.struct_size = sizeof in,
			.offer_id = 1,
			.offer_title = "Facteur",
			.offer_description = "Tournées de distribution du courrier",
			.skills = skills,
			.skill_count = 1,
			.cv_text = "Postman for the Royal Mail",
			.cv_len = strlen("Postman for the Royal Mail"),
			.application_id = 1,
		};
		double score = -1;
		char expl[256];
		int rc = offerapi_scorers_score(set, 0, &in, &score, expl, sizeof expl);
		offerapi_scorers_free(set);
		if (rc != 0 || !(score >= 0 && score <= 1))
			return "score failed";
	}
	return NULL;
}

static void creates_instances_from_threads(void **state)
{
	(void)state;
	pthread_t t[CONCURRENT];
	for (int i = 0; i < CONCURRENT; i++)
		assert_int_equal(pthread_create(&t[i], NULL, create_score_free,
		                                i % 2 ? "/nonexistent" : NULL),
		                 0);
	for (int i = 0; i < CONCURRENT; i++) {
		void *failure = NULL;
		assert_int_equal(pthread_join(t[i], &failure), 0);
		if (failure)
			fail_msg("thread %d: %s", i, (const char *)failure);
	}
}

static void finds_cognates(void **state)
{
	(void)state;
	/* neither in the vocabulary nor in FreeDict: spelling alone */
	offerapi_scorers *set = load("freedict_dir", "/nonexistent");
	assert_true(score_skills(set, "Cartography and GIS", "cartographie", NULL) > 0.6);
	assert_true(score_skills(set, "Photogrammetry surveys", "photogrammétrie", NULL) > 0.6);
	offerapi_scorers_free(set);
}

static void joins_words_cut_at_line_ends(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "cinq ans de dévelop-\npement logiciel", "développement",
	                         NULL) == 1.0);
	/* a real hyphen before a capital stays a separator */
	assert_true(score_skills(set, "Jean-\nMarc", "jeanmarc", NULL) == 0.0);
	offerapi_scorers_free(set);
}

/* Inclusive French writing: the feminine ending glued to a job title is no
 * word, and the title stays one vocabulary phrase ("assistant(e) dentaire"
 * is "assistant dentaire", which an English CV says "dental nurse"). */
static void reads_inclusive_writing(void **state)
{
	(void)state;
	offerapi_scorers *set = load(NULL, NULL);
	assert_true(score_skills(set, "Dental nurse in a busy practice", "Assistant(e) dentaire",
	                         NULL) == 1.0);
	assert_true(score_skills(set, "Dental nurse in a busy practice", "Assistante dentaire",
	                         NULL) == 1.0);
	assert_true(score_skills(set, "Maintenance technician, night shifts",
	                         "Technicien·ne de maintenance", NULL) == 1.0);
	assert_true(score_skills(set, "Maintenance technician, night shifts",
	                         "Technicien(ne) de maintenance", NULL) == 1.0);
	/* only endings: a word in brackets is still a part of its own */
	assert_true(score_skills(set, "Kubernetes, Helm", "Docker(Kubernetes)", NULL) == 0.5);
	/* a title reads as the same title without its endings */
	const char *cv = "Dental nurse since 2019, surgery and sterilisation";
	double plain = score_pair(set, "Assistant dentaire", "Cabinet de groupe.", cv);
	assert_true(plain > 0.5);
	assert_true(score_pair(set, "Assistant(e) dentaire", "Cabinet de groupe.", cv) == plain);
	assert_true(score_pair(set, "Assistant·e dentaire", "Cabinet de groupe.", cv) == plain);
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
	assert_non_null(strstr(why, "(CV fr"));
	score_skills(set, "I am a developer and I work with a team in the south of the city.", "x",
	             NULL);
	assert_non_null(strstr(why, "(CV en"));
	offerapi_scorers_free(set);
	set = load("language", "fr");
	score_skills(set, "I am a developer and I work with a team.", "x", NULL);
	assert_non_null(strstr(why, "(CV fr"));
	offerapi_scorers_free(set);
}

static double score_pair(offerapi_scorers *set, const char *title, const char *desc, const char *cv)
{
	offerapi_score_input in = {
		.struct_size = sizeof in,
		.offer_id = 7,
		.offer_title = title,
		.offer_description = desc,
		.cv_text = cv,
		.cv_len = strlen(cv),
	};
	double s = -1;
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, why, sizeof why), 0);
	print_message("    %.3f \"%s\"\n", s, why);
	return s;
}

static void scores_text_similarity(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, sim_so), 0);
	const char *t = "Infirmier de bloc opératoire";
	const char *d = "Instrumentation, stérilisation et hygiène au bloc.";
	double near = score_pair(
		set, t, d, "Infirmière au bloc opératoire : instrumentation et stérilisation.");
	/* the same job in English: scrub nurse in the operating theatre */
	double english = score_pair(set, t, d,
	                            "Scrub nurse in the operating theatre: instruments, sterile "
	                            "field, infection control.");
	double far = score_pair(set, t, d,
	                        "Développeur Java, microservices Spring Boot et API REST.");
	assert_true(near > 0.3 && english > 0.2 && far < 0.05);
	assert_true(english > far + 0.15);
	assert_non_null(strstr(why, "text "));
	offerapi_scorers_free(set);
}

static void weights_terms_from_a_fixed_background(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, sim_so), 0);
	const char *t = "Offre d'emploi";
	const char *d = "Vous rejoignez une équipe dynamique et motivée. Expérience exigée. "
			"Soudure TIG.";
	/* two specific words outweigh five generic ones */
	double specific = score_pair(set, t, d, "Soudure TIG.");
	double generic = score_pair(set, t, d,
	                            "Équipe dynamique et motivée, expérience exigée, "
	                            "rejoindre.");
	assert_true(specific > generic);
	/* and a score never moves when others are scored */
	double before = score_pair(set, t, d, "Soudeur MIG en chaudronnerie");
	for (int i = 0; i < 40; i++) {
		char cv[64];
		snprintf(cv, sizeof cv, "soudeur soudure tig candidat %d", i);
		score_pair(set, i % 2 ? t : "Autre offre", d, cv);
	}
	assert_true(score_pair(set, t, d, "Soudeur MIG en chaudronnerie") == before);
	offerapi_scorers_free(set);
}

static void bounds_the_explanation(void **state)
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
	assert_null(load("title_weight", "-0.1"));
	assert_non_null(strstr(offerapi_error_last()->message, "title_weight: '-0.1'"));
	assert_null(load("freedict_dir", ""));
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
		cmocka_unit_test(normalizes_compatibility_forms),
		cmocka_unit_test(splits_letters_and_digits),
		cmocka_unit_test(stems_french_and_english),
		cmocka_unit_test(matches_words_in_any_order),
		cmocka_unit_test(splits_compound_skills),
		cmocka_unit_test(joins_skills_cut_inside_brackets),
		cmocka_unit_test(knows_synonyms_and_acronyms),
		cmocka_unit_test(bridges_french_and_english),
		cmocka_unit_test(weighs_a_bridge_like_the_same_word),
		cmocka_unit_test(asks_other_languages_by_bridge_kind),
		cmocka_unit_test(ignores_variants_that_stop_words_reduce),
		cmocka_unit_test(counts_an_ambiguous_word_once),
		cmocka_unit_test(finds_concepts_inside_a_skill),
		cmocka_unit_test(takes_acronyms_not_false_friends_across_languages),
		cmocka_unit_test(takes_acronyms_in_capitals_not_the_word),
		cmocka_unit_test(uses_the_dictionaries_when_present),
		cmocka_unit_test(shares_the_lexicon),
		cmocka_unit_test(creates_instances_from_threads),
		cmocka_unit_test(finds_cognates),
		cmocka_unit_test(joins_words_cut_at_line_ends),
		cmocka_unit_test(reads_inclusive_writing),
		cmocka_unit_test(tells_c_from_cpp_and_elisions),
		cmocka_unit_test(guesses_the_language),
		cmocka_unit_test(scores_text_similarity),
		cmocka_unit_test(weights_terms_from_a_fixed_background),
		cmocka_unit_test(bounds_the_explanation),
		cmocka_unit_test(refuses_bad_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
