/*
 * form.h - request bodies and query strings: url-encoded and multipart
 * forms parsed by our own bounded code (form.c; why not CivetWeb's:
 * docs/dependencies.md), and the JSON nesting bound.
 */
#ifndef OFFERAPI_SERVER_FORM_H
#define OFFERAPI_SERVER_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include <offerapi/application.h>

struct req;

/* Value of variable @name in url-encoded @data (length @len), decoded into
 * @dst. Returns the length, -1 when absent, -2 when too long for @dst, -3
 * when malformed (a bad %-escape or a NUL byte). */
int form_var(const char *data, size_t len, const char *name, char *dst, size_t dstsz);
/* Decode url-encoded @s into @dst: the length, -2 (too long) or -3 (malformed). */
int urlenc_decode(const char *s, size_t n, char *dst, size_t dstsz);

/* Deepest nesting of [ and { in JSON text (outside strings). Request bodies
 * deeper than JSON_MAX_DEPTH are refused before parsing: jansson recurses
 * once per level and CivetWeb's workers have 100 KiB stacks. */
int json_depth(const char *s, size_t n);
#define JSON_MAX_DEPTH 32

/* A parsed form (url-encoded or multipart) with at most one file. Names,
 * values and the file point into the body, which the form owns. */
typedef struct form_field {
	const char *name;
	const char *value; /* NUL-terminated, no NUL inside */
	size_t len;
} form_field;

/* Most fields a form may have: the dashboard's bulk form sends a checkbox
 * per selected application (OFFERAPI_STAGE_BATCH_MAX) plus its own few;
 * a form with more is refused (400). The array grows on the heap as
 * fields arrive: most forms have a handful. */
#define FORM_FIELDS_MAX (OFFERAPI_STAGE_BATCH_MAX + 64)

typedef struct form {
	form_field *fields; /* nfields of them (malloc'd; form_free() frees it) */
	size_t nfields, cap;
	char filename[OFFERAPI_FILENAME_MAX + 1]; /* last path component, no control characters */
	bool has_file;
	const char *file; /* the file's bytes, inside body */
	size_t file_len;
	char *body; /* the request body (malloc'd) */
	size_t max_file, max_fields; /* bounds */
	size_t fields_total;
	int error; /* 0, 413 (too big, or no memory for the fields), 400 (malformed/too many) */
	const char *error_what; /* "file", "fields" or a sentence */
} form;

/* Read the request's body (bounded by max_file + max_fields + 16 KiB) and
 * parse it. Returns 0, 413 or 400 (f->error_what says what). Always call
 * form_free(). (http.c) */
int form_parse(struct req *r, form *f, size_t max_file, size_t max_fields);
/* Parse @body (malloc'd, @len bytes plus a NUL; the form takes it) of
 * Content-Type @ct. The parser fuzz/fuzz_form.c drives. */
int form_parse_body(form *f, const char *ct, char *body, size_t len, size_t max_file,
                    size_t max_fields);
const char *form_get(const form *f, const char *name); /* NULL when absent */
/* The values of every field called @name (a list of checkboxes), in the
 * order sent, into @out (at most @max): how many there are in all, which
 * may be more than @max. */
size_t form_get_all(const form *f, const char *name, const char **out, size_t max);
/* The answers to screening questions: fields answer_0, answer_1... up to
 * the first missing one, at most @max. Returns how many. */
size_t form_answers(const form *f, const char **answers, size_t max);
void form_free(form *f);

#endif
