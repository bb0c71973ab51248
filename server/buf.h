/*
 * buf.h - a growable byte buffer, always NUL-terminated. On allocation
 * failure it sets .failed and drops later appends, so callers check once at
 * the end (page_send, respond).
 */
#ifndef OFFERAPI_SERVER_BUF_H
#define OFFERAPI_SERVER_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include <offerapi/common.h>

typedef struct buf {
	char *data;
	size_t len, cap;
	bool failed;
} buf;

void buf_init(buf *b, size_t cap);
void buf_free(buf *b);
void buf_add(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
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
