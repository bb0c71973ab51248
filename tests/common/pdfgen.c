/*
 * pdfgen.c - small, valid PDFs in tests: the writer is common/'s
 * oa_pdf_text (also behind the server's --demo); this adds Latin-1.
 */
#include <stdlib.h>
#include <string.h>

#include "oacommon.h"
#include "pdfgen.h"

char *pdfgen_text(const char *const *lines, size_t nlines, unsigned npages, size_t *len)
{
	return oa_pdf_text(lines, nlines, npages, len);
}

char *pdfgen_text_padded(const char *const *lines, size_t nlines, unsigned npages, size_t pad,
                         unsigned seed, size_t *len)
{
	return oa_pdf_text_padded(lines, nlines, npages, pad, seed, len);
}

char *pdfgen_latin1(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p >= 0xC2 && *p <= 0xC3 && (p[1] & 0xC0) == 0x80) {
			*o++ = (char)(((p[0] & 0x1F) << 6) | (p[1] & 0x3F));
			p += 2;
		} else {
			*o++ = (char)*p++;
		}
	}
	*o = '\0';
	return out;
}
