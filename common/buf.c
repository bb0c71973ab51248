/*
 * buf.c - a growing string (oacommon.h) for the library, the server, the
 * worker and the PDF writer: one failure flag checked once at the end
 * instead of a test after every addition.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oacommon.h"

/* Room for @n more bytes and the NUL; false (and @failed set) if none. */
static bool reserve(oa_buf *b, size_t n)
{
	if (b->failed)
		return false;
	if (n >= SIZE_MAX / 4 - b->len) {
		b->failed = true;
		return false;
	}
	if (b->len + n + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void oa_buf_add(oa_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	if (n) /* @s may be NULL then */
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void oa_buf_str(oa_buf *b, const char *s)
{
	oa_buf_add(b, s, strlen(s));
}

void oa_buf_printf(oa_buf *b, const char *fmt, ...)
{
	if (b->failed)
		return;
	size_t room = b->cap - b->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n >= room) { /* cut short: grow and write it again */
		if (!reserve(b, (size_t)n)) {
			if (b->p) /* the cut text stays past len: end before it */
				b->p[b->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void oa_buf_free(oa_buf *b)
{
	free(b->p);
	*b = (oa_buf){ 0 };
}
