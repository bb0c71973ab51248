/*
 * jsonlist.h - the JSON lists the store keeps in text columns: an offer's
 * skills and questions (arrays of strings) and an application's answers
 * (an array of {"question", "answer"} objects). Internal; fuzzed by
 * fuzz/fuzz_jsonlist.c.
 */
#ifndef OFFERAPI_JSONLIST_H
#define OFFERAPI_JSONLIST_H

#include <stddef.h>

#include "offerapi/application.h"

/* ["a","b"] of @p n strings (malloc'd), or NULL with OFFERAPI_ENOMEM set. */
char *oa_json_strings(char *const *v, size_t n);

/*
 * Parse a JSON array of strings (NULL reads as []): *out gets @p count
 * malloc'd strings (free with oa_strings_free); an element that is not a
 * string reads as "". Returns 0, OFFERAPI_ENOMEM, or OFFERAPI_ERROR when the
 * text is not a JSON array (the message names @p what).
 */
int oa_json_strings_parse(const char *text, const char *what, char ***out, size_t *count);

/*
 * A stored list read to be copied into one block: @p n strings of @p bytes
 * in all, a NUL each. A plain list (no escapes: what oa_json_strings
 * writes) is read in place, from @p plain; any other through jansson,
 * into @p v. Open it (the errors of oa_json_strings_parse), fill the
 * block, close it.
 */
typedef struct oa_strlist {
	const char *plain;
	char **v;
	size_t n, bytes;
} oa_strlist;
int oa_strlist_open(oa_strlist *l, const char *text, const char *what);
/* Write the strings at @p dst (l->bytes bytes) and point @p v[0..n) at
 * them; returns the end of what was written. */
char *oa_strlist_fill(const oa_strlist *l, char **v, char *dst);
void oa_strlist_close(oa_strlist *l);

/* Free @p n strings and their array. */
void oa_strings_free(char **v, size_t n);

/* The answers to @p nq questions as JSON (malloc'd): answer i is answers[i]
 * when i < na and it is not NULL, else "". NULL with OFFERAPI_ENOMEM set. */
char *oa_json_answers(char *const *questions, size_t nq, const char *const *answers, size_t na);

/*
 * Parse answers written by oa_json_answers (NULL reads as []): *out gets
 * *count answers, question and answer malloc'd ("" for a missing or
 * non-string member). Free with oa_answers_free. Returns 0, OFFERAPI_ENOMEM,
 * or OFFERAPI_ERROR when the text is not a JSON array.
 */
int oa_json_answers_parse(const char *text, offerapi_answer **out, size_t *count);

/* Free @p n answers and their array. */
void oa_answers_free(offerapi_answer *v, size_t n);

#endif
