/*
 * pdfgen.h - make small, valid PDFs in tests (one font, text lines).
 */
#ifndef OFFERAPI_TEST_PDFGEN_H
#define OFFERAPI_TEST_PDFGEN_H

#include <stddef.h>

/*
 * A PDF of @npages pages, each showing @nlines lines of text in Helvetica
 * (WinAnsiEncoding: give Latin-1 bytes for accents, or UTF-8 for plain
 * ASCII). Page i (0-based) prefixes nothing; every page has the same lines.
 * Returns malloc'd bytes and their count in *len, or NULL.
 */
char *pdfgen_text(const char *const *lines, size_t nlines, unsigned npages, size_t *len);

/*
 * The same PDF with one more object: an unreferenced stream of @pad bytes
 * of pseudo-random data drawn from @seed, standing for the fonts and images
 * that make a real CV weigh tens of kilobytes. Readers never open it, so the
 * text is that of pdfgen_text(); the file is @pad bytes (and a few more)
 * larger and does not compress.
 */
char *pdfgen_text_padded(const char *const *lines, size_t nlines, unsigned npages, size_t pad,
                         unsigned seed, size_t *len);

/* Convert a UTF-8 string with only Latin-1 characters to Latin-1 (malloc'd). */
char *pdfgen_latin1(const char *utf8);

#endif
