/*
 * test_common.c - the helpers of common/ (oacommon.h): UTF-8, URL
 * redaction, the table-driven plugin settings, growing arrays and strings,
 * FNV-1a, the monotonic clock and deadlines, the messages' language, and
 * options from a table.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <unistd.h>

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

/* oa_grow doubles from @first until @need fits, and leaves the array and
 * its capacity as they were when the size would overflow. */
static void test_grow(void **unused)
{
	(void)unused;
	size_t cap = 0;
	int *v = oa_grow(NULL, &cap, 1, sizeof *v, 4);
	assert_non_null(v);
	assert_int_equal(cap, 4);
	for (int i = 0; i < 4; i++)
		v[i] = i;
	assert_ptr_equal(oa_grow(v, &cap, 4, sizeof *v, 4), v); /* room already */
	assert_int_equal(cap, 4);
	int *w = oa_grow(v, &cap, 5, sizeof *w, 4); /* one more: doubled */
	assert_non_null(w);
	assert_int_equal(cap, 8);
	v = w;
	w = oa_grow(v, &cap, 33, sizeof *w, 4); /* far more: doubled until it fits */
	assert_non_null(w);
	assert_int_equal(cap, 64);
	v = w;
	for (int i = 0; i < 4; i++)
		assert_int_equal(v[i], i); /* the contents moved with it */
	assert_null(oa_grow(v, &cap, SIZE_MAX, sizeof *v, 4)); /* count overflow */
	assert_null(oa_grow(v, &cap, SIZE_MAX / 2, sizeof *v, 4)); /* bytes overflow */
	assert_int_equal(cap, 64);
	v[63] = 63; /* still the caller's, still 64 long */
	free(v);
	cap = 0;
	char *c = oa_grow(NULL, &cap, 3000, 1, 1024); /* an empty array, a big first need */
	assert_non_null(c);
	assert_int_equal(cap, 4096);
	free(c);
}

/* The published FNV-1a 64 test vectors, and hashing in pieces. */
static void test_fnv1a(void **unused)
{
	(void)unused;
	assert_true(oa_fnv1a(OA_FNV1A_BASIS, "", 0) == UINT64_C(0xcbf29ce484222325));
	assert_true(oa_fnv1a(OA_FNV1A_BASIS, "a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(oa_fnv1a(OA_FNV1A_BASIS, "foobar", 6) == UINT64_C(0x85944171f73967e8));
	assert_true(oa_fnv1a(oa_fnv1a(OA_FNV1A_BASIS, "foo", 3), "bar", 3) ==
	            oa_fnv1a(OA_FNV1A_BASIS, "foobar", 6));
}

/* The clock moves forward across a sleep; no figure is asserted. */
static void test_now_ms(void **unused)
{
	(void)unused;
	double a = oa_mono_ms();
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
	double b = oa_mono_ms();
	assert_true(a > 0);
	assert_true(b > a);
}

/* A logfmt value: quoted, escaped, cut on a boundary, always closed. */
static void test_logfmt_quote(void **unused)
{
	(void)unused;
	char b[64];
	assert_int_equal(oa_logfmt_quote(b, sizeof b, "plain"), 7);
	assert_string_equal(b, "\"plain\"");
	/* CivetWeb's messages quote request bytes: the quote must not end the field */
	oa_logfmt_quote(b, sizeof b, "bad \"GET /a\\b\"\r\nx=1\t\x01\x7f");
	assert_string_equal(b, "\"bad \\\"GET /a\\\\b\\\"\\r\\nx=1\\t\\u0001\\u007f\"");
	oa_logfmt_quote(b, sizeof b, NULL);
	assert_string_equal(b, "\"\"");
	/* cut: never inside an escape ... */
	assert_int_equal(oa_logfmt_quote(b, 6, "ab\"cd"), 4);
	assert_string_equal(b, "\"ab\"");
	/* ... nor inside a UTF-8 character (\xc3\xa9 is e acute) */
	assert_int_equal(oa_logfmt_quote(b, 5, "a\xc3\xa9"), 3);
	assert_string_equal(b, "\"a\"");
	assert_int_equal(oa_logfmt_quote(b, 6, "a\xc3\xa9"), 5);
	assert_string_equal(b, "\"a\xc3\xa9\"");
	assert_int_equal(oa_logfmt_quote(b, 2, "x"), 0);
	assert_string_equal(b, "");
	/* the same, as a printf argument */
	assert_string_equal(oa_logfmt_q(b, sizeof b, "a \"b\""), "\"a \\\"b\\\"\"");
	assert_ptr_equal(oa_logfmt_q(b, sizeof b, "x"), b);
	/* every output is one line with no unescaped quote inside */
	char big[300], out[100];
	for (int i = 0; i < 299; i++)
		big[i] = (char)(1 + (i * 37) % 255);
	big[299] = '\0';
	for (size_t cap = 3; cap <= sizeof out; cap++) {
		size_t n = oa_logfmt_quote(out, cap, big);
		assert_true(n < cap && out[0] == '"' && out[n - 1] == '"' && !out[n]);
		for (size_t i = 1; i + 1 < n; i++) {
			assert_true((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
			if (out[i] == '\\')
				i++; /* an escape: its next byte is part of it */
			else
				assert_true(out[i] != '"');
		}
	}
}

/* The language of the messages: the first of LC_ALL, LC_MESSAGES, LANG
 * that is set and not empty, French only for "fr" itself or a French
 * locale ("fry" is Frisian). */
/* Lists as a sentence writes them, cut to the room given. */
static void test_list_join(void **unused)
{
	(void)unused;
	const char *const abc[] = { "a", "b", "c" };
	char out[32];
	assert_string_equal(oa_list_join(out, sizeof out, abc, 3, " or "), "a, b or c");
	assert_string_equal(oa_list_join(out, sizeof out, abc, 2, " ou "), "a ou b");
	assert_string_equal(oa_list_join(out, sizeof out, abc, 1, " or "), "a");
	assert_string_equal(oa_list_join(out, sizeof out, abc, 0, " or "), "");
	char small[6];
	assert_string_equal(oa_list_join(small, sizeof small, abc, 3, " or "), "a, b ");
}

static void test_env_french(void **unused)
{
	(void)unused;
	static const struct {
		const char *all, *messages, *lang;
		bool want;
	} env[] = { { NULL, NULL, NULL, false },
		    { NULL, NULL, "fr_FR.UTF-8", true },
		    { NULL, NULL, "fr", true },
		    { NULL, NULL, "fr@euro", true },
		    { NULL, NULL, "fry_DE.UTF-8", false },
		    { NULL, NULL, "C.UTF-8", false },
		    { "en_GB.UTF-8", NULL, "fr_FR.UTF-8", false },
		    { NULL, "fr_CA.UTF-8", "en_US.UTF-8", true },
		    { "", "", "fr_BE.UTF-8", true } };
	static const char *const name[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof env / sizeof env[0]; i++) {
		const char *v[] = { env[i].all, env[i].messages, env[i].lang };
		for (int k = 0; k < 3; k++)
			if (v[k])
				setenv(name[k], v[k], 1);
			else
				unsetenv(name[k]);
		if (oa_env_french() != env[i].want)
			fail_msg("case %zu: LC_ALL=%s LC_MESSAGES=%s LANG=%s", i, v[0] ? v[0] : "-",
			         v[1] ? v[1] : "-", v[2] ? v[2] : "-");
	}
	for (int k = 0; k < 3; k++)
		unsetenv(name[k]);
}

/* A growing string: bytes, strings and printf of any length, one failure
 * flag, and free that leaves it ready again. */
static void test_buf(void **unused)
{
	(void)unused;
	oa_buf b = { 0 };
	oa_buf_str(&b, "ab");
	oa_buf_add(&b, "cdef", 2);
	assert_string_equal(b.p, "abcd");
	assert_int_equal(b.len, 4);
	/* longer than the first allocation, and than any stack buffer */
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	oa_buf_printf(&b, "[%s|%d]", big, 42);
	assert_int_equal(b.len, 4 + 1 + 4999 + 4);
	assert_memory_equal(b.p + 4 + 1 + 4999, "|42]", 5); /* and its NUL */
	assert_true(b.cap > b.len);
	/* a printf that fits the room left writes once and ends with a NUL */
	size_t before = b.len;
	oa_buf_printf(&b, "%s", "");
	assert_int_equal(b.len, before);
	oa_buf_printf(&b, "%03u", 7u);
	assert_string_equal(b.p + before, "007");
	assert_false(b.failed);
	oa_buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	oa_buf_printf(&b, "%d", -1);
	assert_string_equal(b.p, "-1");
	/* after a failure, nothing more is added */
	b.failed = true;
	oa_buf_str(&b, "lost");
	oa_buf_printf(&b, "%s", "lost");
	assert_string_equal(b.p, "-1");
	oa_buf_free(&b);
	assert_false(b.failed);
}

/* A deadline is @ms after now on the clock asked for, its nanoseconds
 * always below a second (pthread_cond_timedwait refuses others). */
static void test_deadline(void **unused)
{
	(void)unused;
	static const unsigned ms[] = { 0, 1, 999, 1000, 1001, 2500, 86400000u };
	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME };
	for (size_t c = 0; c < 2; c++)
		for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
			struct timespec now;
			clock_gettime(clocks[c], &now);
			struct timespec t = oa_deadline_ms(clocks[c], ms[i]);
			assert_true(t.tv_nsec >= 0 && t.tv_nsec < 1000000000L);
			double d = (double)(t.tv_sec - now.tv_sec) * 1e3 +
			           (double)(t.tv_nsec - now.tv_nsec) / 1e6;
			/* at or after @ms; a loaded machine may add, never take away */
			assert_true(d >= ms[i]);
		}
	/* a monotonic condition times out on that deadline, and not before it
	 * on the monotonic clock (a wake-up with no signal may come first) */
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv;
	oa_cond_init_monotonic(&cv);
	pthread_mutex_lock(&m);
	struct timespec t = oa_deadline_ms(CLOCK_MONOTONIC, 5), now;
	int rc;
	while ((rc = pthread_cond_timedwait(&cv, &m, &t)) == 0)
		;
	assert_int_equal(rc, ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &now);
	assert_true(now.tv_sec > t.tv_sec || (now.tv_sec == t.tv_sec && now.tv_nsec >= t.tv_nsec));
	pthread_mutex_unlock(&m);
	pthread_cond_destroy(&cv);
}

/* ---- options from one table (opts.c) ---- */

typedef struct ocfg {
	char name[8];
	unsigned n;
	size_t size;
	unsigned long long big;
	bool on, off;
} ocfg;

static const oa_opt otable[] = {
	{ "name", "OA_TEST_NAME", "TEXT", OA_OPT_STR, OA_OPT_FIELD(ocfg, name), 0, 0, "abc",
	  "a name", "un nom" },
	{ "n", "OA_TEST_N", "N", OA_OPT_UINT, OA_OPT_FIELD(ocfg, n), 1, 10, "5", "a count", NULL },
	{ "size", NULL, "BYTES", OA_OPT_SIZE, OA_OPT_FIELD(ocfg, size), 0, 100, NULL, "a size",
	  NULL },
	{ "big", "OA_TEST_BIG", "N", OA_OPT_ULL, OA_OPT_FIELD(ocfg, big), 0, ULLONG_MAX, "0",
	  "a large number", NULL },
	{ "on", "OA_TEST_ON", NULL, OA_OPT_BOOL, OA_OPT_FIELD(ocfg, on), 0, 0, NULL, "a switch",
	  NULL },
	{ "off", NULL, NULL, OA_OPT_BOOL, OA_OPT_FIELD(ocfg, off), 0, 0, NULL, "another", NULL },
	{ "help", NULL, NULL, OA_OPT_ACTION, 0, 0, 0, 0, NULL, "print this help", NULL },
};
#define NOTABLE (sizeof otable / sizeof otable[0])

/* oa_opts_parse() of the words of @line (space-separated) into @c, what
 * it printed on stderr into @err. */
static int oparse(const char *line, ocfg *c, const oa_opt **action, char *err, size_t errsz)
{
	char buf[256], *argv[16] = { "prog" };
	int argc = 1;
	snprintf(buf, sizeof buf, "%s", line);
	for (char *save, *w = strtok_r(buf, " ", &save); w && argc < 15;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	memset(c, 0, sizeof *c);
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	dup2(fileno(tmp), 2);
	int rc = oa_opts_parse("prog", otable, NOTABLE, c, argc, argv, action);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(err, 1, errsz - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return rc;
}

/* Defaults, then variables, then flags; every refusal names the program
 * and the flag, the variable or the default at fault. */
static void test_opts_parse(void **unused)
{
	(void)unused;
	ocfg c;
	const oa_opt *act;
	char err[512];
	unsetenv("OA_TEST_NAME");
	unsetenv("OA_TEST_N");
	unsetenv("OA_TEST_BIG");
	unsetenv("OA_TEST_ON");
	assert_int_equal(oparse("", &c, &act, err, sizeof err), 0);
	assert_string_equal(c.name, "abc");
	assert_int_equal(c.n, 5);
	assert_int_equal(c.size, 0);
	assert_false(c.on);
	assert_null(act);
	assert_string_equal(err, "");
	/* a variable beats the default, a flag beats the variable */
	setenv("OA_TEST_N", "7", 1);
	setenv("OA_TEST_NAME", "env", 1);
	setenv("OA_TEST_ON", "yes", 1);
	assert_int_equal(oparse("--n 9 --size=100 --big 18446744073709551615 --off", &c, &act, err,
	                        sizeof err),
	                 0);
	assert_int_equal(c.n, 9);
	assert_string_equal(c.name, "env");
	assert_int_equal(c.size, 100);
	assert_true(c.big == ULLONG_MAX);
	assert_true(c.on && c.off);
	setenv("OA_TEST_ON", "0", 1);
	assert_int_equal(oparse("", &c, &act, err, sizeof err), 0);
	assert_false(c.on);
	assert_int_equal(c.n, 7);
	unsetenv("OA_TEST_ON");
	/* refusals */
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "--n 11", "prog: --n: '11' is not a number in 1..10\n" },
		{ "--n 0", "prog: --n: '0' is not a number in 1..10\n" },
		{ "--n -1", "prog: --n: '-1' is not a number in 1..10\n" },
		{ "--n 3x", "prog: --n: '3x' is not a number in 1..10\n" },
		{ "--big 18446744073709551616",
		  "prog: --big: '18446744073709551616' is not a number in 0..18446744073709551615\n" },
		{ "--name 12345678", "prog: --name: longer than 7 bytes\n" },
		{ "--bogus", "prog: unknown or incomplete option '--bogus' (see --help)\n" },
		{ "--n", "prog: unknown or incomplete option '--n' (see --help)\n" },
		{ "-x", "prog: unknown or incomplete option '-x' (see --help)\n" },
		{ "-xh", "prog: unknown or incomplete option '-x' (see --help)\n" },
		{ "stray", "prog: unexpected argument 'stray' (see --help)\n" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(oparse(bad[i].line, &c, &act, err, sizeof err), -1);
		assert_string_equal(err, bad[i].msg);
	}
	setenv("OA_TEST_N", "ten", 1);
	assert_int_equal(oparse("--n 2", &c, &act, err, sizeof err), -1);
	assert_string_equal(err, "prog: OA_TEST_N: 'ten' is not a number in 1..10\n");
	unsetenv("OA_TEST_N");
	/* an action stops the parse, -h is --help */
	assert_int_equal(oparse("--help --bogus", &c, &act, err, sizeof err), 1);
	assert_ptr_equal(act, &otable[6]);
	assert_int_equal(oparse("-h", &c, &act, err, sizeof err), 1);
	assert_ptr_equal(act, &otable[6]);
	assert_string_equal(err, "");
	unsetenv("OA_TEST_NAME");
}

/* --help's lines: the flag, the help, default, range, variable; French
 * help and labels when asked. */
static void test_opts_print(void **unused)
{
	(void)unused;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	oa_opts_print(f, otable, 2, 12, false);
	oa_opts_print(f, otable, 1, 12, true);
	oa_opts_print(f, otable + 4, 1, 12, true);
	fclose(f);
	assert_string_equal(text, "  --name=TEXT  a name\n"
	                          "                 default: abc\n"
	                          "                 env: OA_TEST_NAME\n"
	                          "  --n=N        a count\n"
	                          "                 default: 5\n"
	                          "                 range: 1..10\n"
	                          "                 env: OA_TEST_N\n"
	                          "  --name=TEXT  un nom\n"
	                          "                 d\xc3\xa9"
	                          "faut : abc\n"
	                          "                 variable : OA_TEST_NAME\n"
	                          "  --on         a switch\n"
	                          "                 variable : OA_TEST_ON=1\n");
	free(text);
}

/* What CivetWeb 1.15 takes to listen on here: IPV4:PORT. */
static void test_listen_valid(void **unused)
{
	(void)unused;
	assert_true(oa_listen_valid("127.0.0.1:8080"));
	assert_true(oa_listen_valid("0.0.0.0:80"));
	assert_true(oa_listen_valid("localhost:9090"));
	assert_false(oa_listen_valid("localhost"));
	assert_false(oa_listen_valid(":8080"));
	assert_false(oa_listen_valid("[::1]:8080"));
	assert_false(oa_listen_valid("1.2.3.4:80,5.6.7.8:81"));
	assert_false(oa_listen_valid("1.2.3.4:80s"));
	assert_false(oa_listen_valid("1.2.3.4:"));
	assert_false(oa_listen_valid("1.2.3.4:8a0"));
	assert_false(oa_listen_valid("1.2.3.4:0"));
	assert_false(oa_listen_valid("1.2.3.4:65536"));
	assert_false(oa_listen_valid("1.2.3.4:99999999999999999999"));
	assert_true(oa_listen_valid("1.2.3.4:65535"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings_accepted),
		cmocka_unit_test(test_settings_refused),
		cmocka_unit_test(test_utf8_fit),
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_fnv1a),
		cmocka_unit_test(test_now_ms),
		cmocka_unit_test(test_logfmt_quote),
		cmocka_unit_test(test_list_join),
		cmocka_unit_test(test_env_french),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_opts_parse),
		cmocka_unit_test(test_opts_print),
		cmocka_unit_test(test_listen_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
