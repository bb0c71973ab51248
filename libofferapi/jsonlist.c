/*
 * jsonlist.c - the JSON lists kept in text columns (jsonlist.h), with
 * jansson; a list of plain strings (what a home page reads 100 times) is
 * read without it (plain_scan).
 *
 * Two things jansson 2.14 gets wrong when memory runs out, found by the
 * allocation-failure pass (tests/alloc):
 *  - json_dumps() ignores a failure to append an object's key to its
 *    buffer: after one refused allocation it returns {:"..."} as if nothing
 *    happened, and that text would be stored for good. So text is made with
 *    json_dumpb() into a buffer of the exact size, whose writer cannot fail.
 *  - json_loads() reports a refused allocation in its lexer as "invalid
 *    token", and worse, ignores a failure to grow the buffer of a string
 *    being read: "Pourquoi nous ?" comes back as "Pourquoi nous " and the
 *    parse succeeds. malloc and realloc set errno to ENOMEM when they fail
 *    (POSIX), and nothing else jansson calls does, so errno set to ENOMEM
 *    after json_loads() means its result cannot be trusted, whether it
 *    failed or not.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "jsonlist.h"

/* Compact JSON text of @p j (malloc'd), or NULL with OFFERAPI_ENOMEM set. */
static char *json_text(const json_t *j)
{
	size_t n = j ? json_dumpb(j, NULL, 0, JSON_COMPACT) : 0;
	char *s = n ? malloc(n + 1) : NULL;
	if (!s || json_dumpb(j, s, n, JSON_COMPACT) != n) {
		free(s);
		oa_error(OFFERAPI_ENOMEM, "out of memory");
		return NULL;
	}
	s[n] = '\0';
	return s;
}

/* Parse @p text (NULL: "[]") as a JSON array into *out. */
static int load_array(const char *text, const char *what, json_t **out)
{
	json_error_t jerr;
	errno = 0;
	json_t *a = json_loads(text ? text : "[]", 0, &jerr);
	if (errno == ENOMEM) {
		json_decref(a);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	if (!a || !json_is_array(a)) {
		json_decref(a);
		return oa_error(OFFERAPI_ERROR, "stored %s are not a JSON array: %s", what,
		                a ? "another JSON value" : jerr.text);
	}
	*out = a;
	return 0;
}

char *oa_json_strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			a = NULL;
		}
	char *s = json_text(a);
	json_decref(a);
	return s;
}

void oa_strings_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* The end of the plain string starting after the quote at @p: its closing
 * quote, or NULL when the string holds an escape, a control character or
 * bytes that are not UTF-8 (jansson reads those). */
static const char *plain_string_end(const char *p)
{
	const char *e = p;
	while (*e != '"') {
		if (*e == '\\' || (unsigned char)*e < 0x20)
			return NULL; /* an escape, a control character, or the end */
		e++;
	}
	return oa_utf8_valid(p, (size_t)(e - p)) ? e : NULL;
}

/*
 * What every stored list is (oa_json_strings writes no escape but for a
 * quote, a backslash or a control character): ["a","b"], strings without
 * escapes, read here without jansson's tree, about a tenth of its cost
 * on a home page of 50 offers. True when @p text is such a list, with its
 * count in *@p n, the bytes of its strings with a NUL each in *@p bytes and
 * where the first string's quote is in *@p first; false when it is
 * anything else (jansson reads it, and refuses or accepts it as before).
 */
static bool plain_scan(const char *text, size_t *n, size_t *bytes, const char **first)
{
	const char *p = skip_ws(text);
	if (*p++ != '[')
		return false;
	p = skip_ws(p);
	*n = *bytes = 0;
	*first = p;
	if (*p != ']') {
		for (;;) {
			const char *e = *p == '"' ? plain_string_end(p + 1) : NULL;
			if (!e)
				return false;
			(*n)++;
			*bytes += (size_t)(e - p); /* the string and its NUL */
			p = skip_ws(e + 1);
			if (*p == ']')
				break;
			if (*p != ',')
				return false;
			p = skip_ws(p + 1);
		}
	}
	return *skip_ws(p + 1) == '\0';
}

/* The string of a plain list (plain_scan) whose quote is at @p p: its
 * start in *@p at and length in *@p len; returns the next one's quote. */
static const char *plain_next(const char *p, const char **at, size_t *len)
{
	const char *e = strchr(p + 1, '"');
	*at = p + 1;
	*len = (size_t)(e - *at);
	return skip_ws(skip_ws(e + 1) + 1); /* past the comma */
}

int oa_json_strings_parse(const char *text, const char *what, char ***out, size_t *count)
{
	*out = NULL;
	*count = 0;
	oa_strlist l;
	int rc = oa_strlist_open(&l, text, what);
	if (rc < 0 || !l.plain) {
		*out = l.v;
		*count = l.n;
		return rc;
	}
	char **v = calloc(l.n ? l.n : 1, sizeof *v);
	if (!v)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	const char *p = l.plain, *at;
	size_t len;
	for (size_t i = 0; i < l.n; i++) {
		p = plain_next(p, &at, &len);
		if (!(v[i] = oa_strndup(at, len))) {
			oa_strings_free(v, i);
			return OFFERAPI_ENOMEM;
		}
	}
	*out = v;
	*count = l.n;
	return 0;
}

/* jansson's reading of a list that is not plain (the rare one with escapes). */
static int strlist_json(oa_strlist *l, const char *text, const char *what)
{
	json_t *a;
	int rc = load_array(text, what, &a);
	if (rc < 0)
		return rc;
	size_t n = json_array_size(a);
	char **v = calloc(n ? n : 1, sizeof *v);
	if (!v) {
		json_decref(a);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!(v[i] = oa_strdup(s ? s : ""))) {
			oa_strings_free(v, i);
			json_decref(a);
			return OFFERAPI_ENOMEM;
		}
		l->bytes += strlen(v[i]) + 1;
	}
	json_decref(a);
	l->v = v;
	l->n = n;
	return 0;
}

int oa_strlist_open(oa_strlist *l, const char *text, const char *what)
{
	memset(l, 0, sizeof *l);
	const char *first;
	if (plain_scan(text ? text : "[]", &l->n, &l->bytes, &first)) {
		l->plain = first;
		return 0;
	}
	memset(l, 0, sizeof *l); /* what plain_scan counted before it gave up */
	return strlist_json(l, text, what);
}

char *oa_strlist_fill(const oa_strlist *l, char **v, char *dst)
{
	const char *p = l->plain, *at;
	size_t len;
	for (size_t i = 0; p && i < l->n; i++, dst += len + 1) {
		p = plain_next(p, &at, &len);
		v[i] = memcpy(dst, at, len);
		dst[len] = '\0';
	}
	if (p)
		return dst;
	for (size_t i = 0; i < l->n; i++) {
		size_t size = strlen(l->v[i]) + 1;
		v[i] = memcpy(dst, l->v[i], size);
		dst += size;
	}
	return dst;
}

void oa_strlist_close(oa_strlist *l)
{
	if (!l->plain)
		oa_strings_free(l->v, l->n);
	memset(l, 0, sizeof *l);
}

char *oa_json_answers(char *const *questions, size_t nq, const char *const *answers, size_t na)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < nq; i++) {
		json_t *o = json_pack("{s:s, s:s}", "question", questions[i], "answer",
		                      i < na && answers[i] ? answers[i] : "");
		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	char *s = json_text(arr);
	json_decref(arr);
	return s;
}

void oa_answers_free(offerapi_answer *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].question);
		free(v[i].answer);
	}
	free(v);
}

int oa_json_answers_parse(const char *text, offerapi_answer **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	json_t *arr;
	int rc = load_array(text, "answers", &arr);
	if (rc < 0)
		return rc;
	size_t n = json_array_size(arr);
	offerapi_answer *v = calloc(n ? n : 1, sizeof *v);
	if (!v) {
		json_decref(arr);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		const char *q = json_string_value(json_object_get(o, "question"));
		const char *a = json_string_value(json_object_get(o, "answer"));
		v[i].question = oa_strdup(q ? q : "");
		v[i].answer = oa_strdup(a ? a : "");
		if (!v[i].question || !v[i].answer) {
			oa_answers_free(v, i + 1);
			json_decref(arr);
			return OFFERAPI_ENOMEM;
		}
	}
	json_decref(arr);
	*out = v;
	*count = n;
	return 0;
}
