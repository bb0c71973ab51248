/*
 * fuzz_form.c - libFuzzer target for the server's request-body parsers
 * (server/form.c): url-encoded and multipart/form-data bodies, query-string
 * lookup and the JSON nesting bound, on the exact bytes a client sends.
 *
 * The first byte chooses the Content-Type (url-encoded; multipart with the
 * boundary "XyZ"; multipart whose boundary is the input's first line), the
 * rest is the body. Beyond "no crash, no leak, no hang", it checks what the
 * handlers rely on: every value is a NUL-terminated string of its stated
 * length, the file lies inside the body, the file name is clean UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "oacommon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_form: broken invariant: %s\n", what);
		abort();
	}
}

static void check_form(const form *f, const char *body, size_t len)
{
	check(f->nfields <= FORM_FIELDS_MAX && f->nfields <= f->cap, "field count bounded");
	for (size_t i = 0; i < f->nfields; i++) {
		check(strlen(f->fields[i].value) == f->fields[i].len, "value length");
		check(f->fields[i].name != NULL, "field name");
	}
	if (f->nfields) { /* every field of the first name, in order */
		const char *first = NULL;
		check(form_get_all(f, f->fields[0].name, &first, 1) >= 1 &&
		              first == f->fields[0].value,
		      "form_get_all finds the first field");
	}
	if (f->has_file) {
		check(f->file >= body && f->file + f->file_len <= body + len,
		      "file inside the body");
		check(f->filename[0] && oa_utf8_valid(f->filename, strlen(f->filename)),
		      "file name is UTF-8");
		check(!strchr(f->filename, '/') && !strchr(f->filename, '\\'),
		      "file name has no path");
		for (const char *p = f->filename; *p; p++)
			check((unsigned char)*p >= 0x20 && *p != 0x7f,
			      "file name has no control byte");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char ct[160] = "application/x-www-form-urlencoded";
	const uint8_t *in = data + 1;
	size_t n = size - 1;
	if (data[0] % 3 == 1) {
		strcpy(ct, "multipart/form-data; boundary=XyZ");
	} else if (data[0] % 3 == 2) {
		const uint8_t *nl = memchr(in, '\n', n < 100 ? n : 100);
		size_t bl = nl ? (size_t)(nl - in) : 0;
		snprintf(ct, sizeof ct, "multipart/form-data; boundary=%.*s", (int)bl,
		         (const char *)in);
		if (nl) {
			n -= bl + 1;
			in = nl + 1;
		}
	}
	char *body = malloc(n + 1);
	if (!body)
		return 0;
	memcpy(body, in, n);
	body[n] = '\0';
	form f;
	int rc = form_parse_body(&f, ct, body, n, 4096, 2048);
	check(rc == 0 || rc == 400 || rc == 413, "status");
	check(rc == f.error, "status recorded");
	if (rc == 0)
		check_form(&f, body, n);
	form_free(&f);

	/* the same bytes as a query string, and as JSON */
	char v[64];
	int q = form_var((const char *)in, n, "q", v, sizeof v);
	check(q >= -3 && q < (int)sizeof v, "form_var result");
	if (q >= 0)
		check(strlen(v) == (size_t)q, "form_var length");
	check(json_depth((const char *)in, n) >= 0, "json depth");
	return 0;
}
