/*
 * finops-report: the registry of output formats. Adding a format is one new
 * file defining `int fr_out_NAME(FILE *, const fr_outctx *)`, its line in
 * FR_FORMATS below, and its name in meson.build's source list; --format,
 * --emit, --help and the docs' option list read this table.
 */
#include "fr.h"

#include <string.h>

/* One line a format: name, alias, one row per container in CSV-like
 * formats, a change to apply (--emit) rather than a report (--format). The
 * renderer is fr_out_<name>, defined in its own file. */
#define FR_FORMATS(X)                                                                              \
	X(table, NULL, 0, 0)                                                                       \
	X(json, NULL, 0, 0)                                                                        \
	X(csv, NULL, 1, 0)                                                                         \
	X(markdown, "md", 0, 0)                                                                    \
	X(html, NULL, 0, 0)                                                                        \
	X(patch, NULL, 0, 1)                                                                       \
	X(vpa, NULL, 0, 1)

#define FR_DECLARE(name, alias, csv, emit) int fr_out_##name(FILE *f, const fr_outctx *c);
#define FR_ENTRY(name, alias, csv, emit) { #name, alias, fr_out_##name, csv, emit },
FR_FORMATS(FR_DECLARE)
static const fr_format formats[] = { FR_FORMATS(FR_ENTRY) };

#define NFORMATS (sizeof formats / sizeof formats[0])

/* The format called name (or its alias), NULL if none. */
const fr_format *fr_format_find(const char *name)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(formats[i].name, name) == 0 ||
		    (formats[i].alias && strcmp(formats[i].alias, name) == 0))
			return &formats[i];
	return NULL;
}

/* "table, json, csv, markdown, html": for --help and error messages. */
const char *fr_format_names(int emit)
{
	static char names[2][256];
	char *b = names[emit ? 1 : 0];
	if (!b[0]) {
		size_t used = 0;
		for (size_t i = 0; i < NFORMATS && used < sizeof names[0]; i++) {
			if (formats[i].emit != (emit ? 1 : 0))
				continue;
			int k = snprintf(b + used, sizeof names[0] - used, "%s%s", used ? ", " : "",
			                 formats[i].name);
			used += k > 0 ? (size_t)k : 0;
		}
	}
	return b;
}
