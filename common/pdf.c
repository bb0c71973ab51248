/*
 * pdf.c - a minimal PDF writer (oacommon.h): real files with a correct
 * cross-reference table, so MuPDF reads them without repairing. Used by the
 * server's --demo and by the tests and benchmarks.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oacommon.h"

typedef struct buf {
	char *p;
	size_t n, cap;
} buf;

static int put(buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
		char *q = realloc(b->p, cap);
		if (!q)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

static int putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int putf(buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	return put(b, tmp, (size_t)n);
}

/* A content stream drawing the lines, with ( ) \ escaped. */
static int content(buf *c, const char *const *lines, size_t nlines)
{
	int rc = put(c, "BT /F1 11 Tf 14 TL 56 780 Td\n", 29);
	for (size_t i = 0; rc == 0 && i < nlines; i++) {
		rc = put(c, "(", 1);
		for (const char *p = lines[i]; rc == 0 && *p; p++) {
			if (*p == '(' || *p == ')' || *p == '\\')
				rc = put(c, "\\", 1);
			if (rc == 0)
				rc = put(c, p, 1);
		}
		if (rc == 0)
			rc = put(c, ") Tj T*\n", 8);
	}
	return rc ? rc : put(c, "ET\n", 3);
}

/* An unreferenced stream object @num of @pad pseudo-random bytes. */
static int padding(buf *b, size_t num, size_t pad, unsigned seed)
{
	if (putf(b, "%zu 0 obj\n<< /Length %zu >>\nstream\n", num, pad) < 0)
		return -1;
	uint32_t x = seed * 2654435761u + 1u; /* xorshift32: any non-zero start */
	for (size_t i = 0; i < pad; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		char ch = (char)(x & 0xFF);
		if (put(b, &ch, 1) < 0)
			return -1;
	}
	return putf(b, "\nendstream\nendobj\n");
}

char *oa_pdf_text(const char *const *lines, size_t nlines, unsigned npages, size_t *len)
{
	return oa_pdf_text_padded(lines, nlines, npages, 0, 0, len);
}

char *oa_pdf_text_padded(const char *const *lines, size_t nlines, unsigned npages, size_t pad,
                         unsigned seed, size_t *len)
{
	buf b = { 0 }, c = { 0 };
	/* catalog, pages, font, content, pages..., and the padding if any */
	size_t nobj = 4 + (size_t)npages + (pad ? 1 : 0);
	size_t *off = calloc(nobj + 1, sizeof *off);
	if (!off || content(&c, lines, nlines) < 0)
		goto fail;
	if (put(&b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", 15) < 0)
		goto fail;
	off[1] = b.n;
	putf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b.n;
	putf(&b, "2 0 obj\n<< /Type /Pages /Count %u /Kids [", npages);
	for (unsigned i = 0; i < npages; i++)
		putf(&b, " %u 0 R", 5 + i);
	putf(&b, " ] >>\nendobj\n");
	off[3] = b.n;
	putf(&b, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
	         " /Encoding /WinAnsiEncoding >>\nendobj\n");
	off[4] = b.n;
	putf(&b, "4 0 obj\n<< /Length %zu >>\nstream\n", c.n);
	put(&b, c.p, c.n);
	putf(&b, "endstream\nendobj\n");
	for (unsigned i = 0; i < npages; i++) {
		off[5 + i] = b.n;
		putf(&b,
		     "%u 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
		     " /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>\nendobj\n",
		     5 + i);
	}
	if (pad) {
		off[nobj] = b.n;
		if (padding(&b, nobj, pad, seed) < 0)
			goto fail;
	}
	size_t xref = b.n;
	putf(&b, "xref\n0 %zu\n0000000000 65535 f \n", nobj + 1);
	for (size_t i = 1; i <= nobj; i++)
		putf(&b, "%010zu 00000 n \n", off[i]);
	if (putf(&b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj + 1,
	         xref) < 0 ||
	    !b.p)
		goto fail;
	free(off);
	free(c.p);
	*len = b.n;
	return b.p;
fail:
	free(off);
	free(c.p);
	free(b.p);
	return NULL;
}
