/*
 * test_loader.c - the scorer loader: every refusal, settings, the allow-list,
 * directory loading, the contract checks on scores, and scorer-random.
 *
 * Usage: test_loader BUILD_DIR_OF_BAD_PLUGINS RANDOM.so MINIMAL.so [TEST_NAME]
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "offerapi/application.h"
#include "offerapi/offer.h"
#include "offerapi/scorers.h"
#include "offerapi/scoring.h"

static const char *bad_dir, *random_so, *minimal_so;
static char tmpdir[256];

static char *bad(const char *name)
{
	static char buf[8][512];
	static int i;
	char *b = buf[i++ % 8];
	snprintf(b, 512, "%s/%s.so", bad_dir, name);
	return b;
}

static const char *skills[] = { "C", "Linux" };

static offerapi_score_input input(int64_t app)
{
	return (offerapi_score_input){
		.struct_size = sizeof(offerapi_score_input),
		.offer_id = 7,
		.offer_title = "C developer",
		.offer_description = "C on Linux",
		.offer_location = "Paris",
		.skills = skills,
		.skill_count = 2,
		.cv_text = "I write C on Linux",
		.cv_len = 18,
		.application_id = app,
	};
}

/* Load @p path into a fresh set and expect a refusal containing every
 * string of the NULL-terminated list. */
static void expect_refusal(const char *path, int code, ...)
{
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, path), code);
	const char *msg = offerapi_error_last()->message;
	print_message("    refused: %s\n", msg);
	assert_non_null(strstr(msg, path));
	va_list ap;
	va_start(ap, code);
	for (const char *want; (want = va_arg(ap, const char *));) {
		if (!strstr(msg, want))
			fail_msg("message '%s' lacks '%s'", msg, want);
	}
	va_end(ap);
	assert_int_equal(offerapi_scorers_count(set), 0);
	offerapi_scorers_free(set);
}

static void refuses_wrong_abi(void **state)
{
	(void)state;
	expect_refusal(bad("bad-abi"), OFFERAPI_EPLUGIN, "ABI 2", "ABI 1", NULL);
}

static void refuses_small_struct(void **state)
{
	(void)state;
	expect_refusal(bad("bad-size"), OFFERAPI_EPLUGIN, "struct_size 16", NULL);
}

static void refuses_missing_symbol(void **state)
{
	(void)state;
	expect_refusal(bad("bad-nosym"), OFFERAPI_EPLUGIN, "no offerapi_scorer_entry symbol", NULL);
}

static void refuses_null_field(void **state)
{
	(void)state;
	expect_refusal(bad("bad-null"), OFFERAPI_EPLUGIN, "field 'score' is NULL", NULL);
}

static void refuses_bad_name(void **state)
{
	(void)state;
	expect_refusal(bad("bad-name"), OFFERAPI_EPLUGIN, "bad scorer name 'Bad_Name'", NULL);
}

static void refuses_failing_create(void **state)
{
	(void)state;
	expect_refusal(bad("bad-create"), OFFERAPI_EPLUGIN,
	               "bad-create refused to start: setting token is required", NULL);
}

static void refuses_not_a_shared_object(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/garbage.so", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not an ELF file\n", f);
	fclose(f);
	expect_refusal(path, OFFERAPI_EPLUGIN, "not a loadable shared object", "ldd", NULL);
	unlink(path);
}

static void refuses_missing_file(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/nonexistent.so", tmpdir);
	expect_refusal(path, OFFERAPI_EPLUGIN, "No such file", NULL);
}

static void refuses_duplicate_name(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, minimal_so), 0);
	assert_int_equal(offerapi_scorers_load_file(set, bad("bad-dup")), OFFERAPI_EPLUGIN);
	const char *msg = offerapi_error_last()->message;
	print_message("    refused: %s\n", msg);
	assert_non_null(strstr(msg, "bad-dup.so"));
	assert_non_null(strstr(msg, "'minimal' is already taken by"));
	assert_non_null(strstr(msg, minimal_so));
	/* the first one stays loaded and usable */
	assert_int_equal(offerapi_scorers_count(set), 1);
	offerapi_score_input in = input(1);
	double s;
	char expl[64];
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, expl, sizeof expl), 0);
	assert_true(s == 1.0);
	assert_string_equal(expl, "2 of 2 skills found");
	offerapi_scorers_free(set);
}

/* A plugin built for a later minor version (a larger descriptor) loads. */
static void accepts_a_larger_struct(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	char path[512];
	snprintf(path, sizeof path, "%s/future.so", bad_dir);
	assert_int_equal(offerapi_scorers_load_file(set, path), 0);
	assert_string_equal(offerapi_scorers_info(set, 0)->name, "future");
	offerapi_score_input in = input(1);
	double s;
	char expl[8];
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, expl, sizeof expl), 0);
	assert_true(s == 0.5);
	offerapi_scorers_free(set);
}

/* A plugin that loads but breaks the contract when scoring: each breach is
 * an OFFERAPI_EPLUGIN error naming the plugin, and counted. */
static void expect_violation(const char *file, const char *want)
{
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, bad(file)), 0);
	offerapi_score_input in = input(1);
	double s = 0.25;
	char expl[100];
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, expl, sizeof expl),
	                 OFFERAPI_EPLUGIN);
	const char *msg = offerapi_error_last()->message;
	print_message("    caught: %s\n", msg);
	assert_true(s == 0.25); /* untouched: never a silent score */
	assert_non_null(strstr(msg, file));
	if (!strstr(msg, want))
		fail_msg("message '%s' lacks '%s'", msg, want);
	assert_int_equal(offerapi_scorers_violations(set, 0), 1);
	offerapi_scorers_free(set);
}

static void catches_nan(void **state)
{
	(void)state;
	expect_violation("bad-nan", "returned NaN");
}

static void catches_out_of_range(void **state)
{
	(void)state;
	expect_violation("bad-range", "returned a score 1.5, outside [0, 1]");
}

static void catches_error_without_message(void **state)
{
	(void)state;
	expect_violation("bad-nomsg", "failed without an error message");
}

static void catches_buffer_overrun(void **state)
{
	(void)state;
	expect_violation("bad-overrun", "wrote past the explanation buffer");
}

static void checks_input(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, minimal_so), 0);
	double s;
	char expl[64];
	offerapi_score_input in = input(1);
	assert_int_equal(offerapi_scorers_score(set, 1, &in, &s, expl, sizeof expl),
	                 OFFERAPI_EINVAL);
	in.struct_size = 8;
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, expl, sizeof expl),
	                 OFFERAPI_EINVAL);
	/* NULL strings reach the plugin as "" */
	in = input(1);
	in.offer_title = in.offer_description = in.offer_location = NULL;
	in.cv_text = NULL;
	in.cv_len = 0;
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, expl, sizeof expl), 0);
	assert_true(s == 0.0);
	/* a NULL explanation buffer of size 0 is allowed */
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, NULL, 0), 0);
	/* a tiny one is cut, stays terminated */
	in = input(1);
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, expl, 5), 0);
	assert_string_equal(expl, "2 of");
	in.skills = NULL;
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, expl, sizeof expl),
	                 OFFERAPI_EINVAL);
	offerapi_scorers_free(set);
}

static void lists_what_it_loaded(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, random_so), 0);
	assert_int_equal(offerapi_scorers_load_file(set, minimal_so), 0);
	assert_int_equal(offerapi_scorers_count(set), 2);
	const offerapi_scorer_info *i = offerapi_scorers_info(set, 0);
	assert_string_equal(i->name, "random");
	assert_string_equal(i->version, "1.0.0");
	assert_non_null(strstr(i->description, "uniform"));
	assert_string_equal(i->file, random_so);
	assert_int_equal(i->flags, OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC);
	assert_string_equal(offerapi_scorers_info(set, 1)->name, "minimal");
	assert_null(offerapi_scorers_info(set, 2));
	size_t idx = 99;
	assert_int_equal(offerapi_scorers_find(set, "minimal", &idx), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(offerapi_scorers_find(set, "llm", &idx), OFFERAPI_ENOTFOUND);
	offerapi_scorers_free(set);
}

static void link_into(const char *dir, const char *target, const char *name)
{
	char path[600], abs[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
	assert_non_null(realpath(target, abs));
	assert_int_equal(symlink(abs, path), 0);
}

static void loads_a_directory(void **state)
{
	(void)state;
	char dir[400];
	snprintf(dir, sizeof dir, "%s/plugins", tmpdir);
	assert_true(mkdir(dir, 0700) == 0 || access(dir, F_OK) == 0);
	link_into(dir, random_so, "scorer-random.so");
	link_into(dir, minimal_so, "scorer-minimal.so");
	link_into(dir, random_so, ".hidden.so"); /* hidden: ignored */
	link_into(dir, random_so, "README.txt"); /* not .so: ignored */

	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_dir(set, dir), 0);
	assert_int_equal(offerapi_scorers_count(set), 2);
	/* sorted by file name: scorer-minimal.so < scorer-random.so */
	assert_string_equal(offerapi_scorers_info(set, 0)->name, "minimal");
	assert_string_equal(offerapi_scorers_info(set, 1)->name, "random");
	offerapi_scorers_free(set);

	/* the allow-list ("enabled scorers") */
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_allow(set, " random, "), 0);
	assert_int_equal(offerapi_scorers_load_dir(set, dir), 0);
	assert_int_equal(offerapi_scorers_count(set), 1);
	assert_string_equal(offerapi_scorers_info(set, 0)->name, "random");
	offerapi_scorers_free(set);

	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_allow(set, "random,llm"), 0);
	assert_int_equal(offerapi_scorers_load_dir(set, dir), OFFERAPI_ENOTFOUND);
	print_message("    %s\n", offerapi_error_last()->message);
	assert_non_null(strstr(offerapi_error_last()->message, "'llm' is enabled but"));
	assert_int_equal(offerapi_scorers_count(set), 1);
	assert_int_equal(offerapi_scorers_allow(set, "Random"), OFFERAPI_EINVAL);
	offerapi_scorers_free(set);

	/* tabs separate names too (more names than commas and spaces) */
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_allow(set, "llm\tminimal\t\trandom\t"), 0);
	assert_int_equal(offerapi_scorers_load_dir(set, dir), OFFERAPI_ENOTFOUND);
	assert_non_null(strstr(offerapi_error_last()->message, "'llm' is enabled but"));
	assert_int_equal(offerapi_scorers_count(set), 2);
	offerapi_scorers_free(set);

	/* one bad file: refused and reported, the others still load */
	link_into(dir, bad("bad-abi"), "scorer-0bad.so");
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_dir(set, dir), OFFERAPI_EPLUGIN);
	assert_non_null(strstr(offerapi_error_last()->message, "scorer-0bad.so: built for"));
	assert_int_equal(offerapi_scorers_count(set), 2);
	offerapi_scorers_free(set);

	char missing[500];
	snprintf(missing, sizeof missing, "%s/none", tmpdir);
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_dir(set, missing), OFFERAPI_ENOTFOUND);
	offerapi_scorers_free(set);
}

/* ---- scorer-random ---- */

static offerapi_scorers *load_random(const char *k1, const char *v1, const char *k2, const char *v2)
{
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	if (k1)
		assert_int_equal(offerapi_scorers_set(set, "random", k1, v1), 0);
	if (k2)
		assert_int_equal(offerapi_scorers_set(set, "random", k2, v2), 0);
	if (offerapi_scorers_load_file(set, random_so) < 0) {
		offerapi_scorers_free(set);
		return NULL;
	}
	return set;
}

static double score_of(offerapi_scorers *set, int64_t app)
{
	offerapi_score_input in = input(app);
	double s = -1;
	char expl[128];
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &s, expl, sizeof expl), 0);
	return s;
}

static void random_is_stable_per_application(void **state)
{
	(void)state;
	offerapi_scorers *a = load_random(NULL, NULL, NULL, NULL);
	offerapi_scorers *b = load_random(NULL, NULL, NULL, NULL);
	offerapi_scorers *c = load_random("seed", "42", NULL, NULL);
	assert_true(score_of(a, 5) == score_of(b, 5)); /* across reloads */
	assert_true(score_of(a, 5) != score_of(a, 6));
	assert_true(score_of(a, 5) != score_of(c, 5)); /* the seed matters */
	offerapi_scorers_free(a);
	offerapi_scorers_free(b);
	offerapi_scorers_free(c);

	offerapi_scorers *f = load_random("fresh", "1", NULL, NULL);
	assert_true(score_of(f, 5) != score_of(f, 5));
	offerapi_scorers_free(f);
}

static void random_is_uniform(void **state)
{
	(void)state;
	offerapi_scorers *set = load_random(NULL, NULL, NULL, NULL);
	enum { N = 100000, BINS = 10 };
	int bins[BINS] = { 0 };
	double sum = 0, min = 1, max = 0;
	for (int64_t i = 1; i <= N; i++) {
		double s = score_of(set, i);
		sum += s;
		min = s < min ? s : min;
		max = s > max ? s : max;
		bins[(int)(s * BINS)]++;
	}
	print_message("    mean %.4f, min %.6f, max %.6f\n", sum / N, min, max);
	assert_true(fabs(sum / N - 0.5) < 0.005);
	assert_true(min >= 0 && max < 1);
	/* chi-square with 9 degrees of freedom: 27.9 is p = 0.001 */
	double chi = 0, expect = (double)N / BINS;
	for (int b = 0; b < BINS; b++)
		chi += (bins[b] - expect) * (bins[b] - expect) / expect;
	print_message("    chi-square over %d bins: %.2f\n", BINS, chi);
	assert_true(chi < 27.9);
	offerapi_scorers_free(set);

	set = load_random("low", "0.25", "high", "0.5");
	for (int64_t i = 1; i <= 10000; i++) {
		double s = score_of(set, i);
		assert_true(s >= 0.25 && s < 0.5);
	}
	offerapi_scorers_free(set);
}

static void random_settings(void **state)
{
	(void)state;
	assert_null(load_random("low", "abc", NULL, NULL));
	const char *msg = offerapi_error_last()->message;
	assert_non_null(strstr(msg, "random refused to start: low: 'abc' is not a number"));
	assert_null(load_random("low", "0.8", "high", "0.2"));
	assert_non_null(strstr(offerapi_error_last()->message, "low (0.8) is above high (0.2)"));
	assert_null(load_random("high", "2", NULL, NULL));
	assert_null(load_random("seed", "-1", NULL, NULL));
	assert_null(load_random("fresh", "maybe", NULL, NULL));

	/* environment variables, and explicit settings overriding them */
	offerapi_scorers *plain = load_random(NULL, NULL, NULL, NULL);
	offerapi_scorers *s42 = load_random("seed", "42", NULL, NULL);
	setenv("OFFERAPI_SCORER_RANDOM_SEED", "42", 1);
	offerapi_scorers *env = load_random(NULL, NULL, NULL, NULL);
	offerapi_scorers *over = load_random("SEED", "0", NULL, NULL);
	unsetenv("OFFERAPI_SCORER_RANDOM_SEED");
	assert_true(score_of(env, 9) == score_of(s42, 9));
	assert_true(score_of(over, 9) == score_of(plain, 9));
	setenv("OFFERAPI_SCORER_RANDOM_LOW", "abc", 1);
	assert_null(load_random(NULL, NULL, NULL, NULL));
	unsetenv("OFFERAPI_SCORER_RANDOM_LOW");
	offerapi_scorers_free(plain);
	offerapi_scorers_free(s42);
	offerapi_scorers_free(env);
	offerapi_scorers_free(over);

	assert_int_equal(offerapi_scorers_set(plain = NULL, "random", "k", "v"), OFFERAPI_EINVAL);
}

static char logged[1024];
static void capture(offerapi_log_level level, const char *msg, void *payload)
{
	(void)payload;
	if (level == OFFERAPI_LOG_WARNING)
		snprintf(logged, sizeof logged, "%s", msg);
}

static void plugins_log_through_the_host(void **state)
{
	(void)state;
	offerapi_set_log(OFFERAPI_LOG_WARNING, capture, NULL);
	offerapi_scorers *set = load_random("colour", "blue", NULL, NULL);
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
	assert_non_null(set);
	assert_string_equal(logged, "scorer random: unknown setting 'colour' ignored");
	offerapi_scorers_free(set);
}

/* offerapi_scorers_defer_create: loading checks the descriptor only; the
 * instance is made on the first score, and a create() that fails fails
 * each score call (never the load). */
static void defers_create_to_the_first_score(void **state)
{
	(void)state;
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_defer_create(set, 1), 0);
	/* bad-create refuses to start without its token: deferred, it loads */
	assert_int_equal(offerapi_scorers_load_file(set, bad("bad-create")), 0);
	assert_int_equal(offerapi_scorers_count(set), 1);
	assert_string_equal(offerapi_scorers_info(set, 0)->name, "bad-create");
	offerapi_score_input in = input(1);
	double sc = -1;
	char expl[128];
	for (int i = 0; i < 2; i++) { /* each call tries create() again */
		assert_int_equal(offerapi_scorers_score(set, 0, &in, &sc, expl, sizeof expl),
		                 OFFERAPI_EPLUGIN);
		assert_non_null(
			strstr(offerapi_error_last()->message, "setting token is required"));
	}
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &sc, expl, sizeof expl),
	                 OFFERAPI_EPLUGIN);
	assert_true(sc == -1);
	offerapi_scorers_free(set); /* never created: nothing to destroy */

	/* random logs its unknown setting from create(): at the first score */
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_defer_create(set, 1), 0);
	assert_int_equal(offerapi_scorers_set(set, "random", "colour", "blue"), 0);
	logged[0] = '\0';
	offerapi_set_log(OFFERAPI_LOG_WARNING, capture, NULL);
	assert_int_equal(offerapi_scorers_load_file(set, random_so), 0);
	assert_string_equal(logged, "");
	double deferred = score_of(set, 42);
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
	assert_string_equal(logged, "scorer random: unknown setting 'colour' ignored");
	assert_true(score_of(set, 42) == deferred);
	offerapi_scorers_free(set);

	/* the same score as an instance created at load */
	set = load_random(NULL, NULL, NULL, NULL);
	assert_non_null(set);
	assert_true(score_of(set, 42) == deferred);
	offerapi_scorers_free(set);
	assert_int_equal(offerapi_scorers_defer_create(NULL, 1), OFFERAPI_EINVAL);
}

/* ---- structured explanations (ABI 1, revision 2) ---- */

static offerapi_scorers *load_one_file(const char *path)
{
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, path), 0);
	return set;
}

static void reports_details_as_a_document(void **state)
{
	(void)state;
	/* the minimal example reports each skill found (1) or missing (0) */
	offerapi_scorers *set = load_one_file(minimal_so);
	const char *sk[] = { "C", "Rust \"2021\"", "Linux" };
	offerapi_score_input in = input(1);
	in.skills = sk;
	in.skill_count = 3;
	char doc[OFFERAPI_EXPLANATION_MAX + 1];
	double score = -1;
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &score, doc, sizeof doc), 0);
	print_message("    %s\n", doc);
	assert_true(score > 0.66 && score < 0.67);
	assert_true(!strncmp(doc, "{\"offerapi_explanation\":1,", 26));
	offerapi_explanation *e;
	assert_int_equal(offerapi_explanation_parse(doc, &e), 0);
	assert_int_equal(e->version, 1);
	assert_string_equal(e->text, "2 of 3 skills found");
	assert_int_equal(e->nskills, 3);
	assert_string_equal(e->skills[1].skill, "Rust \"2021\"");
	assert_true(e->skills[0].credit == 1.0 && e->skills[1].credit == 0.0);
	assert_int_equal(e->skills[0].match, OFFERAPI_SKILL_MATCHED);
	assert_int_equal(e->skills[1].match, OFFERAPI_SKILL_MISSING);
	assert_int_equal(e->nsubscores, 0);
	offerapi_explanation_free(e);
	/* the plain call still gives the sentence alone */
	char expl[128];
	assert_int_equal(offerapi_scorers_score(set, 0, &in, &score, expl, sizeof expl), 0);
	assert_string_equal(expl, "2 of 3 skills found");
	assert_int_equal(offerapi_scorers_violations(set, 0), 0);
	offerapi_scorers_free(set);
}

static void rev1_plugin_keeps_plain_text(void **state)
{
	(void)state;
	/* built against the revision-1 header: no report, plain text stored */
	offerapi_scorers *set = load_one_file(bad("rev1-plugin"));
	offerapi_score_input in = input(2);
	char doc[OFFERAPI_EXPLANATION_MAX + 1];
	double score = -1;
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &score, doc, sizeof doc), 0);
	assert_true(score == 1.0);
	assert_string_equal(doc, "2 of 2 skills found (revision 1)");
	offerapi_explanation *e;
	assert_int_equal(offerapi_explanation_parse(doc, &e), 0);
	assert_int_equal(e->version, 0);
	assert_string_equal(e->text, "2 of 2 skills found (revision 1)");
	assert_int_equal(e->nskills, 0);
	offerapi_explanation_free(e);
	/* a caller still on revision 1 of the input struct is served too */
	in.struct_size = (uint32_t)(offsetof(offerapi_score_input, application_id) +
	                            sizeof(int64_t));
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &score, doc, sizeof doc), 0);
	set = (offerapi_scorers_free(set), load_one_file(minimal_so));
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &score, doc, sizeof doc), 0);
	assert_true(!strncmp(doc, "{\"offerapi_explanation\"", 23));
	offerapi_scorers_free(set);
}

static void leaves_out_bad_reports(void **state)
{
	(void)state;
	offerapi_scorers *set = load_one_file(bad("bad-report"));
	offerapi_score_input in = input(3);
	char doc[OFFERAPI_EXPLANATION_MAX + 1];
	double score = -1;
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &score, doc, sizeof doc), 0);
	print_message("    %s\n", doc);
	assert_true(score == 0.5); /* the score stands */
	/* index out of range, credit 1.5, "Text", NaN, the ninth sub-score */
	assert_int_equal(offerapi_scorers_violations(set, 0), 5);
	offerapi_explanation *e;
	assert_int_equal(offerapi_explanation_parse(doc, &e), 0);
	assert_int_equal(e->nskills, 1);
	assert_string_equal(e->skills[0].skill, "C");
	assert_int_equal(e->nsubscores, OFFERAPI_SCORER_SUBSCORES_MAX);
	assert_string_equal(e->subscores[0].name, "part0");
	offerapi_explanation_free(e);
	offerapi_scorers_free(set);
}

static void reads_explanations_back(void **state)
{
	(void)state;
	offerapi_explanation *e;
	assert_int_equal(offerapi_explanation_parse("matched: C; missing: Go", &e), 0);
	assert_int_equal(e->version, 0);
	assert_string_equal(e->text, "matched: C; missing: Go");
	offerapi_explanation_free(e);
	/* a newer version: known fields read, unknown ones ignored */
	assert_int_equal(offerapi_explanation_parse(
				 "{\"offerapi_explanation\":2,\"skills\":[{\"skill\":\"Go\","
				 "\"credit\":0.5,\"evidence\":\"golang\"}],\"colour\":\"red\"}",
				 &e),
	                 0);
	assert_int_equal(e->version, 2);
	assert_string_equal(e->text, "");
	assert_int_equal(e->skills[0].match, OFFERAPI_SKILL_PARTLY);
	offerapi_explanation_free(e);
	/* damaged documents are refused with a reason */
	const char *bad_docs[] = {
		"{\"offerapi_explanation\":1,",
		"{\"offerapi_explanation\":\"1\"}",
		"{\"offerapi_explanation\":1,\"skills\":{}}",
		"{\"offerapi_explanation\":1,\"skills\":[{\"skill\":\"C\",\"credit\":2}]}",
		"{\"offerapi_explanation\":1,\"skills\":[{\"credit\":1}]}",
		"{\"offerapi_explanation\":1,\"subscores\":{\"x\":-1}}",
		"{\"offerapi_explanation\":1,\"text\":3}",
	};
	for (size_t i = 0; i < sizeof bad_docs / sizeof *bad_docs; i++) {
		e = (offerapi_explanation *)1;
		assert_int_equal(offerapi_explanation_parse(bad_docs[i], &e), OFFERAPI_EINVAL);
		assert_null(e);
		assert_non_null(strstr(offerapi_error_last()->message, "not a valid explanation"));
	}
	assert_int_equal(offerapi_explanation_parse(NULL, &e), OFFERAPI_EINVAL);
	offerapi_explanation_free(NULL);
	assert_int_equal(offerapi_explanation_match(0.75), OFFERAPI_SKILL_MATCHED);
	assert_int_equal(offerapi_explanation_match(0.7), OFFERAPI_SKILL_PARTLY);
	assert_int_equal(offerapi_explanation_match(0), OFFERAPI_SKILL_MISSING);
}

static void bounds_the_document(void **state)
{
	(void)state;
	/* the most an offer can hold: 50 skills of 80 bytes full of quotes */
	offerapi_scorers *set = load_one_file(minimal_so);
	static char names[OFFERAPI_SKILLS_MAX][OFFERAPI_SKILL_MAX + 1];
	const char *sk[OFFERAPI_SKILLS_MAX];
	for (int i = 0; i < OFFERAPI_SKILLS_MAX; i++) {
		memset(names[i], '"', OFFERAPI_SKILL_MAX);
		names[i][0] = (char)('A' + i % 26);
		sk[i] = names[i];
	}
	offerapi_score_input in = input(4);
	in.skills = sk;
	in.skill_count = OFFERAPI_SKILLS_MAX;
	char doc[OFFERAPI_EXPLANATION_MAX + 1];
	double score;
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &score, doc, sizeof doc), 0);
	offerapi_explanation *e;
	assert_int_equal(offerapi_explanation_parse(doc, &e), 0);
	assert_int_equal(e->nskills, OFFERAPI_SKILLS_MAX);
	offerapi_explanation_free(e);
	/* a small buffer: the sentence alone, cut, never a broken document */
	char small[64];
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &score, small, sizeof small),
	                 0);
	assert_true(small[0] != '{');
	offerapi_scorers_free(set);
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: %s BAD_PLUGIN_DIR RANDOM.so MINIMAL.so [TEST]\n", argv[0]);
		return 2;
	}
	bad_dir = argv[1];
	random_so = argv[2];
	minimal_so = argv[3];
	snprintf(tmpdir, sizeof tmpdir, "/tmp/offerapi-loader-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_wrong_abi),
		cmocka_unit_test(refuses_small_struct),
		cmocka_unit_test(refuses_missing_symbol),
		cmocka_unit_test(refuses_null_field),
		cmocka_unit_test(refuses_bad_name),
		cmocka_unit_test(refuses_failing_create),
		cmocka_unit_test(refuses_not_a_shared_object),
		cmocka_unit_test(refuses_missing_file),
		cmocka_unit_test(refuses_duplicate_name),
		cmocka_unit_test(accepts_a_larger_struct),
		cmocka_unit_test(catches_nan),
		cmocka_unit_test(catches_out_of_range),
		cmocka_unit_test(catches_error_without_message),
		cmocka_unit_test(catches_buffer_overrun),
		cmocka_unit_test(checks_input),
		cmocka_unit_test(lists_what_it_loaded),
		cmocka_unit_test(loads_a_directory),
		cmocka_unit_test(random_is_stable_per_application),
		cmocka_unit_test(random_is_uniform),
		cmocka_unit_test(random_settings),
		cmocka_unit_test(plugins_log_through_the_host),
		cmocka_unit_test(defers_create_to_the_first_score),
		cmocka_unit_test(reports_details_as_a_document),
		cmocka_unit_test(rev1_plugin_keeps_plain_text),
		cmocka_unit_test(leaves_out_bad_reports),
		cmocka_unit_test(reads_explanations_back),
		cmocka_unit_test(bounds_the_document),
	};
	if (argc == 5)
		cmocka_set_test_filter(argv[4]); /* one meson test per case */
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return failed ? 1 : 0;
}
