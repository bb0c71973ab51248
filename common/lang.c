/*
 * lang.c - lists as a sentence writes them, and which language the
 * environment asks for (oacommon.h), for messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oacommon.h"

const char *oa_list_join(char *dst, size_t cap, const char *const *items, size_t n,
                         const char *last)
{
	size_t len = 0;
	dst[0] = '\0';
	for (size_t k = 0; k < n && len < cap; k++) {
		int w = snprintf(dst + len, cap - len, "%s%s",
		                 !k          ? ""
		                 : k + 1 < n ? ", "
		                             : last,
		                 items[k]);
		len += w > 0 ? (size_t)w : 0;
	}
	return dst;
}

bool oa_env_french(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "fr", 2) == 0 &&
			       (v[2] == '\0' || v[2] == '_' || v[2] == '.' || v[2] == '@');
	}
	return false;
}
