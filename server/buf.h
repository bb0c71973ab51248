/*
 * buf.h - a growable byte buffer, always NUL-terminated. On allocation
 * failure it sets .failed and drops later appends, so callers check once at
 * the end (page_send, respond).
 */
#ifndef OFFERAPI_SERVER_BUF_H
#define OFFERAPI_SERVER_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <offerapi/common.h>

typedef struct buf {
	char *data;
	size_t len, cap;
	bool failed;
} buf;

void buf_init(buf *b, size_t cap);
void buf_free(buf *b);
/* buf_add() when the bytes do not fit (or the buffer has failed). */
void buf_add_grow(buf *b, const void *p, size_t n);

/* Append the @n bytes at @p. Inline: a page appends thousands of short
 * pieces, most of which fit. */
static inline void buf_add(buf *b, const void *p, size_t n)
{
	if (n && !b->failed && b->len + n < b->cap) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else if (n) {
		buf_add_grow(b, p, n);
	}
}

/* Append the string @s (NULL: nothing). Inline, so that the length of a
 * literal is known when compiling. */
static inline void buf_puts(buf *b, const char *s)
{
	if (s)
		buf_add(b, s, strlen(s));
}
void buf_printf(buf *b, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);
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
