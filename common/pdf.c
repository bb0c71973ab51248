/*
 * pdf.c - a minimal PDF writer (oacommon.h): real files with a correct
 * cross-reference table, so MuPDF reads them without repairing. Used by the
 * server's --demo and by the tests and benchmarks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oacommon.h"

/* A content stream drawing the lines, with ( ) and \ escaped. */
static void content(oa_buf *c, const char *const *lines, size_t nlines)
{
	oa_buf_str(c, "BT /F1 11 Tf 14 TL 56 780 Td\n");
	for (size_t i = 0; i < nlines; i++) {
		oa_buf_str(c, "(");
		for (const char *p = lines[i]; *p; p++) {
			if (*p == '(' || *p == ')' || *p == '\\')
				oa_buf_str(c, "\\");
			oa_buf_add(c, p, 1);
		}
		oa_buf_str(c, ") Tj T*\n");
	}
	oa_buf_str(c, "ET\n");
}

/* An unreferenced stream object @num of @pad pseudo-random bytes. */
static void padding(oa_buf *b, size_t num, size_t pad, unsigned seed)
{
	oa_buf_printf(b, "%zu 0 obj\n<< /Length %zu >>\nstream\n", num, pad);
	uint32_t x = seed * 2654435761u + 1u; /* xorshift32: any non-zero start */
	for (size_t i = 0; i < pad && !b->failed; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		char ch = (char)(x & 0xFF);
		oa_buf_add(b, &ch, 1);
	}
	oa_buf_str(b, "\nendstream\nendobj\n");
}

char *oa_pdf_text(const char *const *lines, size_t nlines, unsigned npages, size_t *len)
{
	return oa_pdf_text_padded(lines, nlines, npages, 0, 0, len);
}

char *oa_pdf_text_padded(const char *const *lines, size_t nlines, unsigned npages, size_t pad,
                         unsigned seed, size_t *len)
{
	oa_buf b = { 0 }, c = { 0 };
	/* catalog, pages, font, content, pages..., and the padding if any */
	size_t nobj = 4 + (size_t)npages + (pad ? 1 : 0);
	size_t *off = calloc(nobj + 1, sizeof *off);
	if (!off)
		goto fail;
	content(&c, lines, nlines);
	oa_buf_add(&b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", 15);
	off[1] = b.len;
	oa_buf_printf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b.len;
	oa_buf_printf(&b, "2 0 obj\n<< /Type /Pages /Count %u /Kids [", npages);
	for (unsigned i = 0; i < npages; i++)
		oa_buf_printf(&b, " %u 0 R", 5 + i);
	oa_buf_printf(&b, " ] >>\nendobj\n");
	off[3] = b.len;
	oa_buf_printf(&b, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
	                  " /Encoding /WinAnsiEncoding >>\nendobj\n");
	off[4] = b.len;
	oa_buf_printf(&b, "4 0 obj\n<< /Length %zu >>\nstream\n", c.len);
	oa_buf_add(&b, c.p, c.len);
	oa_buf_printf(&b, "endstream\nendobj\n");
	for (unsigned i = 0; i < npages; i++) {
		off[5 + i] = b.len;
		oa_buf_printf(
			&b,
			"%u 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
			" /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>\nendobj\n",
			5 + i);
	}
	if (pad) {
		off[nobj] = b.len;
		padding(&b, nobj, pad, seed);
	}
	size_t xref = b.len;
	oa_buf_printf(&b, "xref\n0 %zu\n0000000000 65535 f \n", nobj + 1);
	for (size_t i = 1; i <= nobj; i++)
		oa_buf_printf(&b, "%010zu 00000 n \n", off[i]);
	oa_buf_printf(&b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	              nobj + 1, xref);
	if (b.failed || c.failed)
		goto fail;
	free(off);
	free(c.p);
	*len = b.len;
	return b.p;
fail:
	free(off);
	free(c.p);
	free(b.p);
	return NULL;
}
