/*
 * fuzz_jsonlist.c - libFuzzer target for the JSON lists the store keeps in
 * text columns (libofferapi/jsonlist.c): an offer's skills and questions,
 * an application's answers. The text comes from the database, which a
 * damaged file, a restore from elsewhere or another program may have
 * filled with anything.
 *
 * Each input is read both ways. A refusal must be OFFERAPI_ERROR or
 * OFFERAPI_ENOMEM with a message and no output; a success must give valid
 * UTF-8 strings without NUL, and writing them back then reading that again
 * must give the same strings.
 *
 *   build-fuzz/fuzz/fuzz-jsonlist -max_len=4096 -timeout=10 fuzz/corpus/jsonlist
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <offerapi/offerapi.h>

#include "internal.h"
#include "jsonlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The contract of a failed parse. */
static void check_refusal(int rc)
{
	const offerapi_error *e = offerapi_error_last();
	if ((rc != OFFERAPI_ERROR && rc != OFFERAPI_ENOMEM) || e->code != rc || !e->message[0] ||
	    !oa_utf8_valid(e->message, strlen(e->message)))
		abort();
}

static void check_string(const char *s)
{
	if (!s || !oa_utf8_valid(s, strlen(s)))
		abort();
}

static void strings_both_ways(const char *text)
{
	char **v = (char **)1;
	size_t n = 99;
	int rc = oa_json_strings_parse(text, "skills", &v, &n);
	if (rc != 0) {
		check_refusal(rc);
		if (v || n)
			abort();
		return;
	}
	for (size_t i = 0; i < n; i++)
		check_string(v[i]);
	char *again = oa_json_strings(v, n);
	if (!again)
		abort();
	char **w = NULL;
	size_t m = 0;
	if (oa_json_strings_parse(again, "skills", &w, &m) != 0 || m != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], w[i]))
			abort();
	oa_strings_free(w, m);
	free(again);
	oa_strings_free(v, n);
}

static void answers_both_ways(const char *text)
{
	offerapi_answer *v = (offerapi_answer *)1;
	size_t n = 99;
	int rc = oa_json_answers_parse(text, &v, &n);
	if (rc != 0) {
		check_refusal(rc);
		if (v || n)
			abort();
		return;
	}
	char **q = calloc(n + 1, sizeof *q);
	const char **a = calloc(n + 1, sizeof *a);
	if (!q || !a)
		abort();
	for (size_t i = 0; i < n; i++) {
		check_string(v[i].question);
		check_string(v[i].answer);
		q[i] = v[i].question;
		a[i] = v[i].answer;
	}
	char *again = oa_json_answers(q, n, a, n);
	offerapi_answer *w = NULL;
	size_t m = 0;
	if (!again || oa_json_answers_parse(again, &w, &m) != 0 || m != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].question, w[i].question) || strcmp(v[i].answer, w[i].answer))
			abort();
	oa_answers_free(w, m);
	free(again);
	free(q);
	free(a);
	oa_answers_free(v, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* a text column: up to the first NUL */
	strings_both_ways(text);
	answers_both_ways(text);
	free(text);
	return 0;
}
