/*
 * lang.c - which language the environment asks for (oacommon.h), for the
 * messages of the command-line programs.
 */
#include <stdlib.h>
#include <string.h>

#include "oacommon.h"

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
