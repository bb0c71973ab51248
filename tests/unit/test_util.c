/*
 * test_util.c - unit tests of the library's small parts: the per-thread
 * last error, strerror, UTF-8 validation, text checks and folding.
 * Linked against the static build to reach internal functions.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "curl_dl.h"
#include "dl.h"
#include "internal.h"
#include "jsonlist.h"
#include "pq_dl.h"

static void test_error_last(void **state)
{
	(void)state;
	offerapi_error_clear();
	assert_int_equal(offerapi_error_last()->code, OFFERAPI_OK);
	assert_string_equal(offerapi_error_last()->message, "no error");
	assert_int_equal(oa_error(OFFERAPI_EINVAL, "title: %s", "too\nlong"), OFFERAPI_EINVAL);
	assert_int_equal(offerapi_error_last()->code, OFFERAPI_EINVAL);
	/* one line, always */
	assert_string_equal(offerapi_error_last()->message, "title: too long");
	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	oa_error(OFFERAPI_ERROR, "%s", big);
	assert_true(strlen(offerapi_error_last()->message) < 600);
}

/* The refusal of a value outside a name table lists the table's names,
 * cuts a long value on a character and says "value" for a number. */
static void test_name_error(void **state)
{
	(void)state;
	static const char *const names[] = { NULL, "each", "daily", "none" };
	int i = -1;
	assert_int_equal(oa_name_parse("notify", names, 4, 1, "daily", &i), 0);
	assert_int_equal(i, 2);
	/* value 0 is the table's "unset": never a name */
	assert_int_equal(oa_name_parse("notify", names, 4, 1, NULL, &i), OFFERAPI_EINVAL);
	assert_int_equal(i, 2);
	assert_string_equal(offerapi_error_last()->message,
	                    "notify: \"\" unknown (each, daily or none)");
	assert_int_equal(oa_name_parse("notify", names, 4, 1, "weekly", &i), OFFERAPI_EINVAL);
	assert_string_equal(offerapi_error_last()->message,
	                    "notify: \"weekly\" unknown (each, daily or none)");
	assert_int_equal(oa_name_error("notify", names, 4, 1, NULL), OFFERAPI_EINVAL);
	assert_string_equal(offerapi_error_last()->message,
	                    "notify: unknown value (each, daily or none)");
	/* 39 letters and an "é" (2 bytes): cut before the "é", not inside */
	char longv[64];
	memset(longv, 'a', 39);
	strcpy(longv + 39, "\xc3\xa9zzz");
	oa_name_parse("lang", (const char *const[]){ "fr", "en" }, 2, 0, longv, &i);
	const char *m = offerapi_error_last()->message;
	assert_non_null(strstr(m, "aaaa\" unknown (fr or en)"));
	assert_true(oa_utf8_valid(m, strlen(m)));
	/* a table of one name */
	oa_name_parse("kind", (const char *const[]){ "only" }, 1, 0, "x", &i);
	assert_string_equal(offerapi_error_last()->message, "kind: \"x\" unknown (only)");
}

static void *other_thread(void *arg)
{
	(void)arg;
	/* a fresh thread starts with no error, whatever the others did */
	return (void *)(intptr_t)offerapi_error_last()->code;
}

static void test_error_per_thread(void **state)
{
	(void)state;
	oa_error(OFFERAPI_EPERM, "mine");
	pthread_t t;
	void *ret;
	pthread_create(&t, NULL, other_thread, NULL);
	pthread_join(t, &ret);
	assert_int_equal((intptr_t)ret, OFFERAPI_OK);
	assert_string_equal(offerapi_error_last()->message, "mine");
}

static void test_error_message_sanitized(void **state)
{
	(void)state;
	/* Whatever is quoted into a message (here a name with a Latin-1 byte,
	 * a tab and a newline), it comes out one printable line of UTF-8. */
	oa_error(OFFERAPI_EINVAL, "'%s' is not a scorer name", "r\xA5ndom\tx\ny\xC3");
	assert_string_equal(offerapi_error_last()->message, "'r?ndom x y?' is not a scorer name");
	oa_error(OFFERAPI_EINVAL, "caf\xC3\xA9 \xF0\x9F\x98\x80 \xED\xA0\x80");
	assert_string_equal(offerapi_error_last()->message, "caf\xC3\xA9 \xF0\x9F\x98\x80 ???");
	/* a cut by the 512-byte buffer inside a character leaves no half */
	char long_text[1200];
	for (size_t i = 0; i + 2 < sizeof long_text; i += 2)
		memcpy(long_text + i, "\xC3\xA9", 2);
	long_text[sizeof long_text - 1] = '\0';
	oa_error(OFFERAPI_EINVAL, "x%s", long_text);
	const char *m = offerapi_error_last()->message;
	assert_true(oa_utf8_valid(m, strlen(m)));
}

static void test_strerror(void **state)
{
	(void)state;
	for (int c = 0; c >= OFFERAPI_EPDFTOOCOMPLEX; c--) {
		assert_non_null(offerapi_strerror(c));
		assert_string_not_equal(offerapi_strerror(c), "unknown error code");
	}
	assert_string_equal(offerapi_strerror(-999), "unknown error code");
	assert_string_equal(offerapi_strerror(OFFERAPI_ENOTPDF), "not a PDF file");
}

static void test_utf8(void **state)
{
	(void)state;
	struct {
		const char *s;
		bool ok;
	} cases[] = {
		{ "", true },
		{ "plain ascii", true },
		{ "Montr\xC3\xA9"
		  "al",
		  true }, /* é */
		{ "\xE2\x82\xAC", true }, /* € */
		{ "\xF0\x9F\x98\x80", true }, /* U+1F600 */
		{ "\xF4\x8F\xBF\xBF", true }, /* U+10FFFF */
		{ "\xC3", false }, /* truncated */
		{ "\xC3\x28", false }, /* bad continuation */
		{ "\xC0\xAF", false }, /* overlong '/' */
		{ "\xE0\x80\xAF", false }, /* overlong */
		{ "\xED\xA0\x80", false }, /* surrogate */
		{ "\xF4\x90\x80\x80", false }, /* > U+10FFFF */
		{ "\xF5\x80\x80\x80", false },
		{ "\xFF", false },
		{ "\x80", false }, /* lone continuation */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(oa_utf8_valid(cases[i].s, strlen(cases[i].s)), cases[i].ok);
	assert_false(oa_utf8_valid("a\0b", 3)); /* embedded NUL */
}

static void test_check_text(void **state)
{
	(void)state;
	assert_int_equal(oa_check_text("title", "ok", 1, 10, false, false), 0);
	assert_int_equal(oa_check_text("title", NULL, 1, 10, false, false), OFFERAPI_EINVAL);
	assert_string_equal(offerapi_error_last()->message, "title: missing");
	assert_int_equal(oa_check_text("title", NULL, 1, 10, false, true), 0);
	assert_int_equal(oa_check_text("title", "   ", 1, 10, false, false), OFFERAPI_EINVAL);
	assert_string_equal(offerapi_error_last()->message, "title: must not be empty");
	assert_int_equal(oa_check_text("title", "12345678901", 1, 10, false, false),
	                 OFFERAPI_ETOOBIG);
	assert_non_null(strstr(offerapi_error_last()->message, "at most 10"));
	assert_int_equal(oa_check_text("t", "a\nb", 1, 10, false, false), OFFERAPI_EINVAL);
	assert_int_equal(oa_check_text("t", "a\nb\tc\r\n", 1, 10, true, false), 0);
	assert_int_equal(oa_check_text("t", "a\x1b[31m", 1, 10, true, false), OFFERAPI_EINVAL);
	assert_int_equal(oa_check_text("t", "a\x7f", 1, 10, true, false), OFFERAPI_EINVAL);
}

static void test_fold(void **state)
{
	(void)state;
	char *f = oa_fold("Développeur ÉLÈVE à Montréal, Straße ŒUVRE");
	assert_non_null(f);
	assert_string_equal(f, "developpeur eleve a montreal, strasse œuvre");
	free(f);
	/* ASCII (read without libunistring): A-Z folded, nothing else moves */
	char ascii[128], lower[128];
	for (int c = 1; c < 128; c++) {
		ascii[c - 1] = (char)c;
		lower[c - 1] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	ascii[127] = lower[127] = '\0';
	assert_non_null(f = oa_fold(ascii));
	assert_string_equal(f, lower);
	free(f);
	assert_non_null(f = oa_fold(""));
	assert_string_equal(f, "");
	free(f);
	assert_non_null(f = oa_fold("KELVIN \xE2\x84\xAA")); /* U+212A folds to k */
	assert_string_equal(f, "kelvin k");
	free(f);
	assert_null(oa_fold("bad \xC3"));
	assert_int_equal(offerapi_error_last()->code, OFFERAPI_EINVAL);
}

/* @text read by oa_json_strings_parse gives what jansson alone gives: the
 * same strings (a non-string element as ""), or a refusal. */
static void strings_as_jansson(const char *text)
{
	char **v = NULL;
	size_t n = 0;
	int rc = oa_json_strings_parse(text, "skills", &v, &n);
	json_t *a = json_loads(text ? text : "[]", 0, NULL);
	if (!a || !json_is_array(a)) {
		if (rc != OFFERAPI_ERROR)
			fail_msg("'%s' is no array for jansson, read with %d", text, rc);
		assert_null(v);
		assert_int_equal(n, 0);
		json_decref(a);
		return;
	}
	if (rc != 0)
		fail_msg("'%s' refused (%d) but jansson reads it", text, rc);
	assert_int_equal(n, json_array_size(a));
	for (size_t i = 0; i < n; i++) {
		const char *want = json_string_value(json_array_get(a, i));
		assert_string_equal(v[i], want ? want : "");
	}
	json_decref(a);
	oa_strings_free(v, n);
}

static void test_json_strings(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"[]",
		" [ ] ",
		"[\"SQL\",\"Linux\"]",
		" [ \"a\" ,\n\"b c\"\t] \r\n",
		"[\"Développeur\",\"Œuvre 日本\"]",
		"[\"\"]",
		"[\"a\\\"b\",\"c\\\\d\"]",
		"[\"\\u00e9t\\u00e9\"]",
		"[\"a\",1,null,[\"x\"],{\"k\":\"v\"}]",
		"[\"a\",]",
		"[\"a\"",
		"[\"a\"] x",
		"[\"a\" \"b\"]",
		"[,\"a\"]",
		"{\"a\":1}",
		"\"a\"",
		"",
		"[\"\x01\"]",
		"[\"\xff\"]",
		"[\"\xc3\"]",
		"[\"\xed\xa0\x80\"]",
		"[\"\xc0\xaf\"]",
		"[\"\\ud83d\\ude00\"]",
		"[\"\\u0000\"]",
		"[\"a\"]]",
		"[[]",
		"[\"a\",\"b\"]\x0b",
		"[\"tab\there\"]",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		strings_as_jansson(texts[i]);
	strings_as_jansson(NULL);
}

/* Libraries opened on first use (dl.h): a missing library or function is
 * refused with a message naming it; a present one fills its slots. */
static void test_dl_open(void **state)
{
	(void)state;
	char why[300] = "";
	size_t (*len)(const char *) = NULL;
	oa_dl_sym sym = { "strlen", &len };
	assert_int_equal(oa_dl_open("libofferapi-absent.so.9", &sym, 1, why, sizeof why), -1);
	assert_non_null(strstr(why, "cannot open libofferapi-absent.so.9: "));
	assert_null(len);
	oa_dl_sym absent = { "offerapi_no_such_function", &len };
	assert_int_equal(oa_dl_open("libc.so.6", &absent, 1, why, sizeof why), -1);
	assert_string_equal(why, "libc.so.6 has no offerapi_no_such_function");
	assert_int_equal(oa_dl_open("libc.so.6", &sym, 1, why, sizeof why), 0);
	assert_non_null(len);
	assert_int_equal(len("four"), 4);

	/* once per process: the outcome and its message stay */
	static size_t (*slen)(const char *);
	static const oa_dl_sym one[] = { { "strlen", &slen } };
	static oa_dl_lib absent_lib = OA_DL_LIB("libofferapi-absent.so.9", one, "test");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(oa_dl_load(&absent_lib), OFFERAPI_ERROR);
		assert_non_null(strstr(offerapi_error_last()->message,
		                       "test: cannot open libofferapi-absent.so.9: "));
	}
	static oa_dl_lib libc_lib = OA_DL_LIB("libc.so.6", one, "test");
	assert_int_equal(oa_dl_load(&libc_lib), 0);
	assert_int_equal(slen("four"), 4);
}

/* libpq and libcurl load on demand and their tables are complete. */
static void test_dl_tables(void **state)
{
	(void)state;
	assert_int_equal(oa_libpq_load(), 0);
	assert_int_equal(oa_pq.PQisthreadsafe(), 1);
	assert_int_equal(oa_curl_load(), 0);
	CURLU *u = oa_curl.url();
	assert_non_null(u);
	char *host = NULL;
	assert_int_equal(oa_curl.url_set(u, CURLUPART_URL, "smtp://relay.example:25", 0),
	                 CURLUE_OK);
	assert_int_equal(oa_curl.url_get(u, CURLUPART_HOST, &host, 0), CURLUE_OK);
	assert_string_equal(host, "relay.example");
	oa_curl.free(host);
	oa_curl.url_cleanup(u);
	assert_int_equal(oa_curl_init(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_last),
		cmocka_unit_test(test_error_per_thread),
		cmocka_unit_test(test_error_message_sanitized),
		cmocka_unit_test(test_name_error),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_check_text),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_dl_open),
		cmocka_unit_test(test_dl_tables),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
