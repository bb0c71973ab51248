/*
 * buf.c - the growable byte buffer of buf.h, and the HTML escaping every
 * page goes through.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <offerapi/offer.h>

#include "buf.h"

void buf_init(buf *b, size_t cap)
{
	*b = (buf){ .cap = cap ? cap : 64 };
	b->p = malloc(b->cap);
	if (!b->p) {
		b->cap = 0;
		b->failed = true;
	} else {
		b->p[0] = '\0';
	}
}

void buf_int(buf *b, long long v)
{
	char d[24], *p = d + sizeof d;
	/* negative: digits of -(v + 1) + 1 never overflow, even for LLONG_MIN */
	unsigned long long u = v < 0 ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(d + sizeof d - p));
}

/* Escape for HTML: the five characters that can end a text node or an
 * attribute value. Control characters other than tab/newline are dropped
 * so that stored junk cannot produce invalid documents. */
void buf_escn(buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
				rep = "";
		}
		if (rep) {
			buf_add(b, s + start, i - start);
			buf_puts(b, rep);
			start = i + 1;
		}
	}
	buf_add(b, s + start, n - start);
}

void buf_snippet(buf *b, const char *s)
{
	bool open = false;
	while (s && *s) {
		size_t n = strcspn(s, OFFERAPI_MARK_START OFFERAPI_MARK_END);
		buf_escn(b, s, n);
		s += n;
		if (!*s)
			break;
		bool start = *s == OFFERAPI_MARK_START[0];
		if (start != open) /* marks alternate; a stray one is dropped */
			buf_puts(b, start ? "<mark>" : "</mark>");
		open = start;
		s++;
	}
	if (open)
		buf_puts(b, "</mark>");
}

void buf_esc(buf *b, const char *s)
{
	if (s)
		buf_escn(b, s, strlen(s));
}
