/*
 * logfmt.c - a value quoted for a logfmt line (oacommon.h).
 */
#include <stdio.h>

#include "oacommon.h"

/* The escape of byte @c (room for 7), or 0 when it stands for itself. */
static size_t escape(unsigned char c, char out[7])
{
	switch (c) {
	case '"': return (size_t)snprintf(out, 7, "\\\"");
	case '\\': return (size_t)snprintf(out, 7, "\\\\");
	case '\n': return (size_t)snprintf(out, 7, "\\n");
	case '\r': return (size_t)snprintf(out, 7, "\\r");
	case '\t': return (size_t)snprintf(out, 7, "\\t");
	default:
		if (c < 0x20 || c == 0x7f)
			return (size_t)snprintf(out, 7, "\\u%04x", c);
		return 0;
	}
}

size_t oa_logfmt_quote(char *dst, size_t cap, const char *src)
{
	if (cap < 3) {
		if (cap)
			dst[0] = '\0';
		return 0;
	}
	size_t n = 0;
	dst[n++] = '"';
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	for (; *p; p++) {
		char e[7];
		size_t el = escape(*p, e);
		if (n + (el ? el : 1) + 2 > cap) /* room for the closing quote and NUL */
			break;
		if (!el)
			dst[n++] = (char)*p;
		for (size_t i = 0; i < el; i++)
			dst[n++] = e[i];
	}
	if ((*p & 0xC0) == 0x80) { /* cut inside a UTF-8 character: drop its start */
		while (n > 1 && ((unsigned char)dst[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 1 && ((unsigned char)dst[n - 1] & 0xC0) == 0xC0)
			n--;
	}
	dst[n++] = '"';
	dst[n] = '\0';
	return n;
}
