/*
 * finops-report: the registry of output formats. Adding a format is one new
 * file defining `int fr_out_NAME(FILE *, const fr_outctx *)` (declared in
 * fr.h) and one line here; --format, --help and the docs' option list read
 * this table.
 */
#include "fr.h"

#include <string.h>

static const fr_format formats[] = {
	/* name, alias, renderer, one row per container in CSV-like formats,
	 * a change to apply (--emit) rather than a report (--format) */
	{ "table", NULL, fr_out_table, 0, 0 }, { "json", NULL, fr_out_json, 0, 0 },
	{ "csv", NULL, fr_out_csv, 1, 0 },     { "markdown", "md", fr_out_markdown, 0, 0 },
	{ "html", NULL, fr_out_html, 0, 0 },   { "patch", NULL, fr_out_patch, 0, 1 },
	{ "vpa", NULL, fr_out_vpa, 0, 1 },
};

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
