/*
 * test_common.c - the helpers of common/ (oacommon.h): UTF-8, URL
 * redaction and the table-driven plugin settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <offerapi/scorer.h>

#include "oacommon.h"

typedef struct state {
	double w;
	uint32_t small;
	uint64_t big;
	bool flag;
	const char *text;
	int choice;
} state;

static const char *const choices[] = { "auto", "en", "fr", NULL };

static const oa_setting table[] = {
	{ .key = "w", .kind = OA_SETTING_REAL, .offset = offsetof(state, w), .min = 0, .max = 1 },
	{ .key = "small",
	  .kind = OA_SETTING_COUNT,
	  .offset = offsetof(state, small),
	  .size = 4,
	  .lo = 1,
	  .hi = 20 },
	{ .key = "big",
	  .kind = OA_SETTING_COUNT,
	  .offset = offsetof(state, big),
	  .size = 8,
	  .hi = UINT64_MAX },
	{ .key = "flag", .kind = OA_SETTING_BOOL, .offset = offsetof(state, flag) },
	{ .key = "text",
	  .kind = OA_SETTING_TEXT,
	  .offset = offsetof(state, text),
	  .lo = 1,
	  .hi = 5 },
	{ .key = "lang",
	  .kind = OA_SETTING_CHOICE,
	  .offset = offsetof(state, choice),
	  .choices = choices },
	{ .key = "secret", .kind = OA_SETTING_REFUSE, .reason = "use an environment variable" },
};
#define N (sizeof table / sizeof table[0])

static char logged[256];

static void host_log(const offerapi_host_v1 *host, int level, const char *msg)
{
	(void)host;
	assert_int_equal(level, OFFERAPI_SCORER_LOG_WARNING);
	snprintf(logged, sizeof logged, "%s", msg);
}

static const offerapi_host_v1 host = { .struct_size = sizeof host, .log = host_log };

static int apply(state *s, const char *const *kv, char *err)
{
	return oa_settings_apply(table, N, s, kv, &host, err, 200);
}

static void test_settings_accepted(void **unused)
{
	(void)unused;
	state s = { 0 };
	char err[200] = "";
	const char *kv[] = { "w",     "0.25", "small", "20",  "big",  "18446744073709551615",
		             "flag",  "yes",  "text",  "abc", "lang", "fr",
		             "other", "x",    NULL };
	assert_int_equal(apply(&s, kv, err), 0);
	assert_true(s.w == 0.25);
	assert_int_equal(s.small, 20);
	assert_true(s.big == UINT64_MAX);
	assert_true(s.flag);
	assert_string_equal(s.text, "abc");
	assert_int_equal(s.choice, 2);
	assert_string_equal(logged, "unknown setting 'other' ignored");
}

/* Each refusal names the key and the value. */
static void test_settings_refused(void **unused)
{
	(void)unused;
	static const char *const bad[][3] = {
		{ "w", "1.5", "w: '1.5' is not a number in [0, 1]" },
		{ "w", "nan", "w: 'nan' is not a number in [0, 1]" },
		{ "w", "", "w: '' is not a number in [0, 1]" },
		{ "small", "0", "small: '0' is not in 1..20" },
		{ "small", "-3", "small: '-3' is not in 1..20" },
		{ "small", "7x", "small: '7x' is not in 1..20" },
		{ "big", "18446744073709551616",
		  "big: '18446744073709551616' is not in 0..18446744073709551615" },
		{ "flag", "maybe", "flag: 'maybe' is not 1 or 0 (true/false, yes/no)" },
		{ "text", "", "text: '' must be 1 to 5 bytes long" },
		{ "text", "toolong", "text: 'toolong' must be 1 to 5 bytes long" },
		{ "lang", "de", "lang: 'de' is not one of auto, en, fr" },
		{ "secret", "x", "secret: use an environment variable" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		state s = { 0 };
		char err[200] = "";
		const char *kv[] = { bad[i][0], bad[i][1], NULL };
		assert_int_equal(apply(&s, kv, err), -1);
		assert_string_equal(err, bad[i][2]);
	}
}

static void test_utf8_fit(void **unused)
{
	(void)unused;
	assert_int_equal(oa_utf8_fit("abc", 10), 3);
	assert_int_equal(oa_utf8_fit("été", 1), 0); /* é is 2 bytes: cut before it */
	assert_int_equal(oa_utf8_fit("été", 2), 2);
	assert_int_equal(oa_utf8_fit("été", 4), 3); /* not half of the second é */
	assert_int_equal(oa_utf8_fit("aé", 2), 1);
	assert_true(oa_utf8_valid("été", 5));
	assert_false(oa_utf8_valid("a\0b", 3));
	assert_false(oa_utf8_valid("\xc0\xaf", 2)); /* overlong */
	assert_false(oa_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
}

static void test_url_redact(void **unused)
{
	(void)unused;
	static const char *const cases[][2] = {
		{ "https://host:9090/x", "https://host:9090/x" },
		{ "https://bob:secret@host/x", "https://bob:***@host/x" },
		{ "https://token@host/x", "https://***@host/x" },
		{ "https://a:b@c@host/p@q", "https://a:***@host/p@q" },
		{ "host/x", "host/x" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *r = oa_url_redact(cases[i][0]);
		assert_non_null(r);
		assert_string_equal(r, cases[i][1]);
		free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings_accepted),
		cmocka_unit_test(test_settings_refused),
		cmocka_unit_test(test_utf8_fit),
		cmocka_unit_test(test_url_redact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
