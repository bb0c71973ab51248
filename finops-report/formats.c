/*
 * finops-report: the registry of output formats. Adding a format is one new
 * file that defines it with FR_FORMAT (fr.h) and its line in meson.build's
 * finops_formats, from which meson writes FR_FORMAT_LIST (fr_formats.h);
 * --format, --emit, --help and the docs' option list read this table.
 */
#include "fr.h"
#include "fr_formats.h"

#include <string.h>

#define FR_DECLARE(name) extern const fr_format fr_format_##name;
#define FR_ENTRY(name) &fr_format_##name,
FR_FORMAT_LIST(FR_DECLARE)
static const fr_format *const formats[] = { FR_FORMAT_LIST(FR_ENTRY) };

#define NFORMATS (sizeof formats / sizeof formats[0])

/* The format called name (or its alias), NULL if none. */
const fr_format *fr_format_find(const char *name)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(formats[i]->name, name) == 0 ||
		    (formats[i]->alias && strcmp(formats[i]->alias, name) == 0))
			return formats[i];
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
			if (formats[i]->emit != (emit ? 1 : 0))
				continue;
			int k = snprintf(b + used, sizeof names[0] - used, "%s%s", used ? ", " : "",
			                 formats[i]->name);
			used += k > 0 ? (size_t)k : 0;
		}
	}
	return b;
}
