/*
 * pdfbomb.h - PDFs that are cheap to send and costly to read, made by the
 * tests themselves (nothing of the kind is committed).
 *
 * Each shows "Bonjour bombe" in Helvetica, then makes the reader go through
 * gigabytes of whitespace: the content stream of the attack (about
 * 3 MB of deflated blanks that MuPDF 1.21 lexed in 12.9 s of CPU), and
 * smaller files that do the same through two FlateDecode filters, a form
 * drawn many times, or many pages sharing one content stream.
 */
#ifndef OFFERAPI_TEST_PDFBOMB_H
#define OFFERAPI_TEST_PDFBOMB_H

#include <stddef.h>

/* What the bomb does once MuPDF opens its page. */
typedef enum pdfbomb_kind {
	PDFBOMB_FLATE, /* content stream: text then @blank spaces, deflated once */
	PDFBOMB_DOUBLE_FLATE, /* the same, deflated twice (/Filter [/FlateDecode /FlateDecode]) */
	PDFBOMB_FORM, /* a form of @blank deflated spaces, drawn @count times by the page */
	PDFBOMB_PAGES, /* @count pages, each of the deflated text and @blank spaces */
} pdfbomb_kind;

/*
 * Build a bomb of @p kind: @p blank bytes of whitespace (a multiple of
 * 1 MiB), @p count repetitions where the kind uses it. Returns malloc'd
 * bytes and their number in *len, or NULL when memory runs out. Fast: the
 * deflated blanks are one compressed MiB repeated, not gigabytes compressed.
 */
unsigned char *pdfbomb_make(pdfbomb_kind kind, size_t blank, unsigned count, size_t *len);

#endif
