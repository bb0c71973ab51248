/* url.c - URLs in messages without their passwords (oacommon.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oacommon.h"

char *oa_url_redact(const char *url)
{
	const char *a = strstr(url, "://");
	a = a ? a + 3 : url;
	size_t alen = strcspn(a, "/?#");
	const char *at = NULL;
	for (const char *q = a; q < a + alen; q++)
		if (*q == '@')
			at = q; /* the last '@' ends the userinfo (RFC 3986 3.2) */
	if (!at)
		return strdup(url);
	const char *colon = memchr(a, ':', (size_t)(at - a));
	size_t keep = (size_t)((colon ? colon : a) - url);
	size_t n = keep + 4 + strlen(at) + 1;
	char *o = malloc(n);
	if (o)
		snprintf(o, n, "%.*s%s%s", (int)keep, url, colon ? ":***" : "***", at);
	return o;
}
