/*
 * buf.h - the pages' growable byte buffer: oacommon.h's oa_buf,
 * NUL-terminated from buf_init() on. On allocation failure it sets .failed
 * and drops later appends, so callers check once at the end (page_send,
 * respond). What is here is the server's: a preallocating start, an inline
 * append for the thousands of short pieces of a page, and HTML escaping.
 */
#ifndef OFFERAPI_SERVER_BUF_H
#define OFFERAPI_SERVER_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <offerapi/common.h>

#include "oacommon.h"

typedef oa_buf buf;

/* Start an empty buffer with room for @cap bytes (on failure .failed is
 * set and appends are dropped). */
void buf_init(buf *b, size_t cap);

/* Free the bytes; the buffer is empty and usable again. */
static inline void buf_free(buf *b)
{
	oa_buf_free(b);
}

/* Append the @n bytes at @p. Inline: a page appends thousands of short
 * pieces, most of which fit. */
static inline void buf_add(buf *b, const void *p, size_t n)
{
	if (n && !b->failed && b->len + n < b->cap) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
		b->p[b->len] = '\0';
	} else if (n) {
		oa_buf_add(b, p, n);
	}
}

/* Append the string @s (NULL: nothing). Inline, so that the length of a
 * literal is known when compiling. */
static inline void buf_puts(buf *b, const char *s)
{
	if (s)
		buf_add(b, s, strlen(s));
}
/* Append what printf would write, whatever its length. */
#define buf_printf(...) oa_buf_printf(__VA_ARGS__)
/* Append @v in decimal, as "%lld" would (without printf's cost). */
void buf_int(buf *b, long long v);
/* Append @s escaped for HTML text and attribute values (& < > " '). This is
 * the one escaping function of every page, SVG and attribute. */
void buf_esc(buf *b, const char *s);
void buf_escn(buf *b, const char *s, size_t n);
/* Append a search snippet (offerapi_offer.snippet) as HTML: its text
 * escaped by buf_escn(), each matched word between <mark> and </mark>. */
void buf_snippet(buf *b, const char *snippet);

#endif
