/*
 * test_llm.c - scorer-llm against tests/scorer/fake_embeddings.py on
 * loopback: scores, the offer cache, retries, and every failure mode, each
 * with a distinct message.
 *
 * Run through with-fake-server.sh, which sets FAKE_EMBEDDINGS_URL.
 * Usage: test_llm LLM.so [TEST_NAME]
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include <dlfcn.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "offerapi/scorer.h"
#include "offerapi/application.h"
#include "offerapi/scorers.h"
#include "offerapi/scoring.h"

static const char *llm_so, *base_url;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load scorer-llm with url = base_url + @p path and extra key, value pairs
 * (NULL-terminated). NULL when it refuses (see offerapi_error_last()). */
static offerapi_scorers *load_llm(const char *path, ...)
{
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	char url[512];
	snprintf(url, sizeof url, "%s%s", base_url, path);
	assert_int_equal(offerapi_scorers_set(set, "llm", "url", url), 0);
	assert_int_equal(offerapi_scorers_set(set, "llm", "retry_budget_ms", "5000"), 0);
	va_list ap;
	va_start(ap, path);
	for (const char *k; (k = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		assert_int_equal(offerapi_scorers_set(set, "llm", k, v), 0);
	}
	va_end(ap);
	if (offerapi_scorers_load_file(set, llm_so) < 0) {
		offerapi_scorers_free(set);
		return NULL;
	}
	return set;
}

static const char *skills[] = { "C", "Linux", "PostgreSQL" };

static offerapi_score_input pair(int64_t offer, const char *cv)
{
	return (offerapi_score_input){
		.struct_size = sizeof(offerapi_score_input),
		.offer_id = offer,
		.offer_title = "Backend C developer",
		.offer_description = "network services in C on Linux with PostgreSQL storage",
		.offer_location = "Lyon",
		.skills = skills,
		.skill_count = 3,
		.cv_text = cv,
		.cv_len = strlen(cv),
		.application_id = 1,
	};
}

/* Score and return the code; the message is in offerapi_error_last(). */
static int score(offerapi_scorers *set, offerapi_score_input in, double *s)
{
	char expl[256];
	int rc = offerapi_scorers_score(set, 0, &in, s, expl, sizeof expl);
	if (rc)
		print_message("    error: %s\n", offerapi_error_last()->message);
	else
		print_message("    %.4f \"%s\"\n", *s, expl);
	return rc;
}

static void expect_error(offerapi_scorers *set, const char *want)
{
	double s = -1;
	offerapi_score_input in = pair(1, "C developer on Linux");
	assert_int_equal(score(set, in, &s), OFFERAPI_EPLUGIN);
	assert_true(s == -1);
	const char *msg = offerapi_error_last()->message;
	if (!strstr(msg, want))
		fail_msg("message '%s' lacks '%s'", msg, want);
	assert_non_null(strstr(msg, "llm: "));
	assert_int_equal(offerapi_scorers_violations(set, 0), 0);
}

/* GET base_url + path, parsed as JSON. */
static size_t collect(char *d, size_t sz, size_t n, void *u)
{
	strncat((char *)u, d, sz * n < 4000 ? sz * n : 4000);
	return sz * n;
}

static json_t *get_json(const char *path)
{
	char url[512], body[8192] = "";
	snprintf(url, sizeof url, "%s%s", base_url, path);
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	json_t *j = json_loads(body, 0, NULL);
	assert_non_null(j);
	return j;
}

static long stat_of(const char *key)
{
	json_t *j = get_json("/stats");
	long v = (long)json_integer_value(json_object_get(j, key));
	json_decref(j);
	return v;
}

/* ---- tests ---- */

static void refuses_without_url(void **state)
{
	(void)state;
	char *saved = getenv("OFFERAPI_SCORER_LLM_URL");
	char keep[512];
	snprintf(keep, sizeof keep, "%s", saved ? saved : "");
	unsetenv("OFFERAPI_SCORER_LLM_URL");
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_load_file(set, llm_so), OFFERAPI_EPLUGIN);
	const char *msg = offerapi_error_last()->message;
	print_message("    %s\n", msg);
	assert_non_null(strstr(msg, "llm refused to start"));
	assert_non_null(strstr(msg, "OFFERAPI_SCORER_LLM_URL"));
	offerapi_scorers_free(set);
	if (saved)
		setenv("OFFERAPI_SCORER_LLM_URL", keep, 1);
}

static void refuses_bad_settings(void **state)
{
	(void)state;
	assert_null(load_llm("", "timeout_ms", "soon", NULL));
	assert_non_null(strstr(offerapi_error_last()->message, "timeout_ms: 'soon'"));
	assert_null(load_llm("", "retries", "-1", NULL));
	assert_null(load_llm("", "max_chars", "0", NULL));
	assert_null(load_llm("", "api_key", "sk-123", NULL));
	assert_non_null(strstr(offerapi_error_last()->message, "api_key_env"));
	assert_null(strstr(offerapi_error_last()->message, "sk-123"));
	assert_null(load_llm("", "api_key_env", "OFFERAPI_TEST_NO_SUCH_VARIABLE", NULL));
	assert_non_null(strstr(offerapi_error_last()->message, "is not set"));

	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_set(set, "llm", "url", "ftp://example"), 0);
	assert_int_equal(offerapi_scorers_load_file(set, llm_so), OFFERAPI_EPLUGIN);
	assert_non_null(strstr(offerapi_error_last()->message, "not an http"));
	offerapi_scorers_free(set);
}

static void scores_and_ranks(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("", NULL);
	assert_non_null(set);
	double good, bad;
	assert_int_equal(score(set,
	                       pair(1, "I write network services in C on Linux and "
	                               "store data in PostgreSQL"),
	                       &good),
	                 0);
	assert_int_equal(score(set,
	                       pair(1, "Registered nurse, intensive care, patient care "
	                               "and medication"),
	                       &bad),
	                 0);
	assert_true(good >= 0 && good <= 1 && bad >= 0 && bad <= 1);
	assert_true(good > bad);
	/* invalid UTF-8 and NUL bytes are cleaned before they are sent */
	static const char weird[] = "C \xff\xfe on Linux\0 with \xc3 PostgreSQL";
	offerapi_score_input in = pair(1, "");
	in.cv_text = weird;
	in.cv_len = sizeof weird - 1;
	double w;
	assert_int_equal(score(set, in, &w), 0);
	offerapi_scorers_free(set);
}

static void reports_its_subscore(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("", NULL);
	assert_non_null(set);
	offerapi_score_input in = pair(3, "I write network services in C on Linux");
	char doc[OFFERAPI_EXPLANATION_MAX + 1];
	double s = -1;
	assert_int_equal(offerapi_scorers_score_explained(set, 0, &in, &s, doc, sizeof doc), 0);
	offerapi_explanation *e;
	assert_int_equal(offerapi_explanation_parse(doc, &e), 0);
	assert_int_equal(e->version, 1);
	assert_int_equal(e->nsubscores, 1);
	assert_string_equal(e->subscores[0].name, "embedding");
	assert_true(fabs(e->subscores[0].value - s) < 0.001);
	assert_int_equal(e->nskills, 0); /* an embedding does not judge skills one by one */
	assert_non_null(strstr(e->text, "cosine"));
	offerapi_explanation_free(e);
	offerapi_scorers_free(set);
}

static void caches_the_offer(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("", "cache_size", "2", NULL);
	assert_non_null(set);
	json_decref(get_json("/stats/reset"));
	double s;
	for (int i = 0; i < 3; i++)
		assert_int_equal(score(set, pair(7, "C on Linux"), &s), 0);
	/* one request with offer + CV, then CV alone: 4 inputs, 3 requests */
	assert_int_equal(stat_of("requests"), 3);
	assert_int_equal(stat_of("inputs"), 4);
	/* the same offer id with another text is embedded again */
	offerapi_score_input in = pair(7, "C on Linux");
	in.offer_title = "Senior backend C developer";
	assert_int_equal(score(set, in, &s), 0);
	assert_int_equal(stat_of("inputs"), 6);
	/* bounded: with room for 2 offers, a third evicts the least recent */
	assert_int_equal(score(set, pair(8, "x"), &s), 0);
	assert_int_equal(score(set, pair(9, "x"), &s), 0);
	json_decref(get_json("/stats/reset"));
	assert_int_equal(score(set, pair(9, "x"), &s), 0); /* cached */
	assert_int_equal(stat_of("inputs"), 1);
	assert_int_equal(score(set, in, &s), 0); /* evicted */
	assert_int_equal(stat_of("inputs"), 3);
	offerapi_scorers_free(set);
}

static void truncates_long_texts(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("", "max_chars", "1000", NULL);
	assert_non_null(set);
	size_t n = 1u << 20;
	char *big = malloc(n + 1);
	for (size_t i = 0; i < n; i++) /* "é" is 2 bytes: cuts must respect it */
		big[i] = (i % 3 == 2) ? ' ' : (i % 3 == 0 ? (char)0xC3 : (char)0xA9);
	big[n] = '\0';
	json_decref(get_json("/stats/reset"));
	offerapi_score_input in = pair(11, "");
	in.cv_text = big;
	in.cv_len = n;
	double s;
	assert_int_equal(score(set, in, &s), 0);
	assert_true(stat_of("max_input_chars") <= 1000);
	free(big);
	offerapi_scorers_free(set);
}

static void fails_unreachable(void **state)
{
	(void)state;
	/* a port that nothing listens on: bind one, note it, close it */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7F000001) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	close(fd);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	offerapi_scorers_set(set, "llm", "url", url);
	assert_int_equal(offerapi_scorers_load_file(set, llm_so), 0);
	expect_error(set, "unreachable: cannot connect to http://127.0.0.1:");
	offerapi_scorers_free(set);
}

static void fails_timeout(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("/slow/3000", "timeout_ms", "300", NULL);
	double t0 = now();
	expect_error(set, "timeout: no answer from");
	assert_true(now() - t0 < 2.0);
	offerapi_scorers_free(set);
}

static void fails_401_and_403(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("/status/401", NULL);
	expect_error(set, "HTTP 401: the server refused the credentials");
	offerapi_scorers_free(set);
	set = load_llm("/status/403", NULL);
	expect_error(set, "HTTP 403");
	offerapi_scorers_free(set);
}

static char logs[8192];
static void capture(offerapi_log_level level, const char *msg, void *payload)
{
	(void)level;
	(void)payload;
	strncat(logs, msg, sizeof logs - strlen(logs) - 2);
	strcat(logs, "\n");
}

static void sends_the_key_and_never_shows_it(void **state)
{
	(void)state;
	setenv("OFFERAPI_TEST_KEY", "sk-very-secret-42", 1);
	offerapi_set_log(OFFERAPI_LOG_DEBUG, capture, NULL);
	offerapi_scorers *set = load_llm("/auth/24-terces-yrev-ks", "api_key_env",
	                                 "OFFERAPI_TEST_KEY", NULL);
	assert_non_null(set);
	double s;
	assert_int_equal(score(set, pair(1, "C"), &s), 0);
	offerapi_scorers_free(set);
	/* a wrong key: 401, and the message does not quote it */
	setenv("OFFERAPI_TEST_KEY", "sk-wrong-key-43", 1);
	set = load_llm("/auth/24-terces-yrev-ks", "api_key_env", "OFFERAPI_TEST_KEY", NULL);
	expect_error(set, "HTTP 401");
	assert_null(strstr(offerapi_error_last()->message, "sk-wrong"));
	offerapi_scorers_free(set);
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
	assert_null(strstr(logs, "sk-very"));
	assert_null(strstr(logs, "sk-wrong"));
	assert_non_null(strstr(logs, "with an API key"));
	unsetenv("OFFERAPI_TEST_KEY");
}

static void retries_429_and_5xx(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/flaky/a%d/2/429", (int)getpid());
	offerapi_scorers *set = load_llm(path, "retries", "3", NULL);
	json_decref(get_json("/stats/reset"));
	double s;
	assert_int_equal(score(set, pair(1, "C"), &s), 0);
	assert_int_equal(stat_of("requests"), 3);
	offerapi_scorers_free(set);

	snprintf(path, sizeof path, "/flaky/b%d/1/503", (int)getpid());
	set = load_llm(path, "retries", "1", NULL);
	assert_int_equal(score(set, pair(1, "C"), &s), 0);
	offerapi_scorers_free(set);

	set = load_llm("/status/500", "retries", "2", NULL);
	double t0 = now();
	expect_error(set, "HTTP 500 after 3 attempt(s)");
	/* backoff 250 + 500 ms */
	assert_true(now() - t0 >= 0.7);
	offerapi_scorers_free(set);
}

static void honours_retry_after(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/retryafter/c%d/1", (int)getpid());
	offerapi_scorers *set = load_llm(path, NULL);
	double s, t0 = now();
	assert_int_equal(score(set, pair(1, "C"), &s), 0);
	double took = now() - t0;
	print_message("    took %.2f s\n", took);
	assert_true(took >= 0.95);
	offerapi_scorers_free(set);

	/* a Retry-After beyond the budget fails at once */
	snprintf(path, sizeof path, "/retryafter/d%d/30", (int)getpid());
	set = load_llm(path, "retry_budget_ms", "2000", NULL);
	t0 = now();
	expect_error(set, "would exceed retry_budget_ms=2000");
	assert_true(now() - t0 < 1.0);
	offerapi_scorers_free(set);
}

static void fails_malformed_json(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("/badjson", NULL);
	expect_error(set, "malformed JSON in the answer");
	offerapi_scorers_free(set);
}

static void fails_missing_fields(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("/nodata", NULL);
	expect_error(set, "the answer has no \"data\" array");
	offerapi_scorers_free(set);
	set = load_llm("/noembedding", NULL);
	expect_error(set, "no data[0].embedding array");
	offerapi_scorers_free(set);
}

static void fails_wrong_count(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("/count", NULL);
	expect_error(set, "asked for 2 embedding(s), the answer has 1");
	offerapi_scorers_free(set);
}

static void fails_dimension_mismatch(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("/dims", NULL);
	expect_error(set, "embedding dimensions differ within one answer: 64 and 72");
	offerapi_scorers_free(set);

	/* the cached offer embedding (64) against a CV embedded after the
	 * model changed (32) */
	char path[64];
	snprintf(path, sizeof path, "/dimswitch/e%d", (int)getpid());
	set = load_llm(path, NULL);
	double s;
	assert_int_equal(score(set, pair(1, "C"), &s), 0); /* caches offer 1 */
	expect_error(set, "dimension mismatch: the offer's embedding has 64 dimensions, "
	                  "the CV's 32");
	offerapi_scorers_free(set);
}

static void fails_empty_cv(void **state)
{
	(void)state;
	offerapi_scorers *set = load_llm("", NULL);
	offerapi_score_input in = pair(1, "   \n\t ");
	double s;
	assert_int_equal(score(set, in, &s), OFFERAPI_EPLUGIN);
	assert_non_null(strstr(offerapi_error_last()->message, "the CV has no text to embed"));
	offerapi_scorers_free(set);
}

/* base_url with "user:PASSWORD@" put after the scheme, then @p path. */
static void url_with_password(char *out, size_t size, const char *path)
{
	const char *rest = strstr(base_url, "://");
	assert_non_null(rest);
	snprintf(out, size, "%.*s://analyst:pw-very-secret-7@%s%s", (int)(rest - base_url),
	         base_url, rest + 3, path);
}

static void never_shows_the_url_password(void **state)
{
	(void)state;
	char url[512];
	logs[0] = '\0';
	offerapi_set_log(OFFERAPI_LOG_DEBUG, capture, NULL);
	/* sent: the server sees basic auth from the URL's userinfo */
	url_with_password(url, sizeof url, "");
	offerapi_scorers *set;
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_set(set, "llm", "url", url), 0);
	assert_int_equal(offerapi_scorers_load_file(set, llm_so), 0);
	json_decref(get_json("/stats/reset"));
	double s;
	assert_int_equal(score(set, pair(1, "C"), &s), 0);
	json_t *st = get_json("/stats");
	assert_true(json_is_true(json_object_get(st, "auth_seen")));
	json_decref(st);
	offerapi_scorers_free(set);
	/* never shown: not in an error naming the URL... */
	url_with_password(url, sizeof url, "/status/400");
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_set(set, "llm", "url", url), 0);
	assert_int_equal(offerapi_scorers_load_file(set, llm_so), 0);
	expect_error(set, "HTTP 400 from http://analyst:***@127.0.0.1:");
	assert_null(strstr(offerapi_error_last()->message, "pw-very-secret"));
	offerapi_scorers_free(set);
	/* ...nor when the URL is refused, nor unreachable */
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_set(set, "llm", "url",
	                                      "ftp://analyst:pw-very-secret-7@127.0.0.1/"),
	                 0);
	assert_int_not_equal(offerapi_scorers_load_file(set, llm_so), 0);
	print_message("    refused: %s\n", offerapi_error_last()->message);
	assert_null(strstr(offerapi_error_last()->message, "pw-very-secret"));
	assert_non_null(strstr(offerapi_error_last()->message, "analyst:***@"));
	offerapi_scorers_free(set);
	assert_int_equal(offerapi_scorers_new(&set), 0);
	assert_int_equal(offerapi_scorers_set(set, "llm", "url",
	                                      "http://analyst:pw-very-secret-7@127.0.0.1:1"),
	                 0);
	assert_int_equal(offerapi_scorers_load_file(set, llm_so), 0);
	expect_error(set, "unreachable: cannot connect to http://analyst:***@127.0.0.1:1/");
	assert_null(strstr(offerapi_error_last()->message, "pw-very-secret"));
	offerapi_scorers_free(set);
	/* ...nor in the log, which names the endpoint with the user only */
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
	print_message("    log: %s", logs);
	assert_null(strstr(logs, "pw-very-secret"));
	assert_non_null(strstr(logs, "endpoint http://analyst:***@127.0.0.1:"));
}

/* 1 when @p s is valid UTF-8 (jansson refuses anything else). */
static int valid_utf8(const char *s)
{
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

static void host_log(const offerapi_host_v1 *host, int level, const char *msg)
{
	(void)host;
	(void)level;
	if (!valid_utf8(msg))
		fail_msg("log line is not UTF-8: '%s'", msg);
}

/* The plugin loaded directly (the library's loader would hand it buffers of
 * its own size): every explanation and error size from 1 byte up must give
 * a string cut at a character boundary, never inside one. */
static void cuts_at_utf8_boundaries(void **state)
{
	(void)state;
	void *so = dlopen(llm_so, RTLD_NOW | RTLD_LOCAL);
	assert_non_null(so);
	const offerapi_scorer_v1 *(*entry)(void);
	*(void **)&entry = dlsym(so, OFFERAPI_SCORER_ENTRY_SYMBOL);
	assert_non_null(entry);
	const offerapi_scorer_v1 *d = entry();
	offerapi_host_v1 host = { sizeof host, OFFERAPI_SCORER_ABI, "0.0.0", host_log, NULL };
	char url[512], err[256], expl[64];
	snprintf(url, sizeof url, "%s", base_url);
	/* 2-, 3- and 4-byte characters in the model's name, which the
	 * explanation quotes: "cosine 0.123 (modèle-€-𝄞-é, 64 dimensions)" */
	const char *kv[] = { "url", url, "model",
		             "mod\xc3\xa8le-\xe2\x82\xac-\xf0\x9d\x84\x9e-\xc3\xa9", NULL };
	void *inst = NULL;
	assert_int_equal(d->create(&inst, &host, kv, err, sizeof err), 0);
	offerapi_score_input in = pair(7, "C developer on Linux");
	for (size_t sz = 1; sz <= sizeof expl; sz++) {
		double s;
		memset(expl, 'Z', sizeof expl);
		assert_int_equal(d->score(inst, &in, &s, expl, sz, err, sizeof err), 0);
		assert_true(strlen(expl) < sz);
		if (!valid_utf8(expl))
			fail_msg("explsz %zu: '%s' is cut inside a character", sz, expl);
	}
	d->destroy(inst);

	/* error texts: a server message of 2-byte characters, cut at 150 bytes
	 * by the plugin and at any errsz by the caller's buffer */
	snprintf(url, sizeof url, "%s/errmsg/400", base_url);
	kv[3] = "m";
	assert_int_equal(d->create(&inst, &host, kv, err, sizeof err), 0);
	for (size_t sz = 1; sz <= sizeof err; sz++) {
		double s = -1;
		memset(err, 'Z', sizeof err);
		assert_int_equal(d->score(inst, &in, &s, expl, sizeof expl, err, sz), -1);
		assert_true(strlen(err) < sz);
		if (!valid_utf8(err))
			fail_msg("errsz %zu: '%s' is cut inside a character", sz, err);
	}
	print_message("    %s\n", err);
	assert_non_null(strstr(err, "HTTP 400 from"));
	assert_non_null(strstr(err, ": x\xc3\xa9\xc3\xa9"));
	d->destroy(inst);

	/* a refused setting echoed in an error cut by a small errsz */
	const char *bad[] = { "url", url, "timeout_ms", "\xc3\xa9\xc3\xa9\xc3\xa9", NULL };
	for (size_t sz = 1; sz <= 40; sz++) {
		memset(err, 'Z', sizeof err);
		inst = NULL;
		assert_int_equal(d->create(&inst, &host, bad, err, sz), -1);
		if (!valid_utf8(err))
			fail_msg("create errsz %zu: '%s' is cut inside a character", sz, err);
	}
	dlclose(so);
}

int main(int argc, char **argv)
{
	base_url = getenv("FAKE_EMBEDDINGS_URL");
	if (argc < 2 || !base_url) {
		fprintf(stderr,
		        "usage: with-fake-server.sh python3 fake_embeddings.py "
		        "%s LLM.so [TEST]\n(FAKE_EMBEDDINGS_URL is not set)\n",
		        argv[0]);
		return 1;
	}
	llm_so = argv[1];
	if (argc > 2)
		cmocka_set_test_filter(argv[2]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_without_url),
		cmocka_unit_test(refuses_bad_settings),
		cmocka_unit_test(scores_and_ranks),
		cmocka_unit_test(reports_its_subscore),
		cmocka_unit_test(caches_the_offer),
		cmocka_unit_test(truncates_long_texts),
		cmocka_unit_test(fails_unreachable),
		cmocka_unit_test(fails_timeout),
		cmocka_unit_test(fails_401_and_403),
		cmocka_unit_test(sends_the_key_and_never_shows_it),
		cmocka_unit_test(retries_429_and_5xx),
		cmocka_unit_test(honours_retry_after),
		cmocka_unit_test(fails_malformed_json),
		cmocka_unit_test(fails_missing_fields),
		cmocka_unit_test(fails_wrong_count),
		cmocka_unit_test(fails_dimension_mismatch),
		cmocka_unit_test(fails_empty_cv),
		cmocka_unit_test(never_shows_the_url_password),
		cmocka_unit_test(cuts_at_utf8_boundaries),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
