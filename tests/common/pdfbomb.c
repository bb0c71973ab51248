/*
 * pdfbomb.c - PDFs that are cheap to send and costly to read (pdfbomb.h).
 *
 * Deflating gigabytes takes seconds; these files are made in milliseconds.
 * One MiB of spaces is compressed once after a full flush (Z_FULL_FLUSH
 * empties zlib's window, so that block refers to nothing before it), that
 * block is repeated, and the zlib trailer gets the Adler-32 of the whole
 * (adler32_combine), so the stream is exactly what deflating it all gives to
 * a reader.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "pdfbomb.h"

#define MIB ((size_t)1 << 20)

static const char TEXT[] = "BT /F1 12 Tf 72 700 Td (Bonjour bombe) Tj ET\n";

typedef struct bytes {
	unsigned char *p;
	size_t n, cap;
	int failed;
} bytes;

static void add(bytes *b, const void *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 65536) + n;
		unsigned char *q = realloc(b->p, cap);
		if (!q) {
			b->failed = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void addf(bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(bytes *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		b->failed = 1;
	else
		add(b, tmp, (size_t)n);
}

/* Feed @p n bytes to @p z with @p flush and append what comes out. */
static void zrun(z_stream *z, const void *in, size_t n, int flush, bytes *out)
{
	unsigned char tmp[1 << 16];
	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)n;
	do {
		z->next_out = tmp;
		z->avail_out = sizeof tmp;
		if (deflate(z, flush) == Z_STREAM_ERROR) {
			out->failed = 1;
			return;
		}
		add(out, tmp, sizeof tmp - z->avail_out);
	} while (z->avail_out == 0);
}

/* A zlib stream of @p head followed by @p mib MiB of spaces. */
static void deflate_blank(bytes *out, const char *head, size_t mib)
{
	static unsigned char spaces[MIB];
	memset(spaces, ' ', sizeof spaces);
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit(&z, 9) != Z_OK) {
		out->failed = 1;
		return;
	}
	bytes block = { 0 }, end = { 0 };
	zrun(&z, head, strlen(head), Z_FULL_FLUSH, out);
	zrun(&z, spaces, sizeof spaces, Z_FULL_FLUSH, &block);
	zrun(&z, NULL, 0, Z_FINISH, &end);
	deflateEnd(&z);
	if (block.failed || end.failed || end.n < 4)
		out->failed = 1;
	for (size_t i = 0; i < mib && !out->failed; i++)
		add(out, block.p, block.n);
	add(out, end.p, end.n - 4); /* the last block, without zlib's checksum */
	uLong sum = adler32(1, (const Bytef *)head, (uInt)strlen(head));
	uLong mib_sum = adler32(1, spaces, sizeof spaces);
	for (size_t i = 0; i < mib; i++)
		sum = adler32_combine(sum, mib_sum, (z_off_t)MIB);
	unsigned char trailer[4] = { (unsigned char)(sum >> 24), (unsigned char)(sum >> 16),
		                     (unsigned char)(sum >> 8), (unsigned char)sum };
	add(out, trailer, 4);
	free(block.p);
	free(end.p);
}

/* Deflate @p in (once more) into @p out. */
static void deflate_bytes(bytes *out, const bytes *in)
{
	uLongf n = compressBound(in->n);
	unsigned char *p = malloc(n);
	if (!p || compress2(p, &n, in->p, in->n, 9) != Z_OK)
		out->failed = 1;
	else
		add(out, p, n);
	free(p);
}

/* An object holding a stream: @p dict (without << >>) and @p data. */
static void add_stream(bytes *b, size_t num, const char *dict, const bytes *data)
{
	addf(b, "%zu 0 obj\n<< %s /Length %zu >>\nstream\n", num, dict, data->n);
	add(b, data->p, data->n);
	addf(b, "\nendstream\nendobj\n");
}

/* Write the objects every kind shares (catalog, pages, font, then the
 * @p npages page objects, numbered from 4, whose content is object
 * @p content), recording offsets in @p off. */
static void add_pages(bytes *b, size_t *off, unsigned npages, size_t content, const char *xobj)
{
	add(b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 15);
	off[1] = b->n;
	addf(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b->n;
	addf(b, "2 0 obj\n<< /Type /Pages /Count %u /Kids [", npages);
	for (unsigned i = 0; i < npages; i++)
		addf(b, " %u 0 R", 4 + i);
	addf(b, " ] >>\nendobj\n");
	off[3] = b->n;
	addf(b, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
	        "/Encoding /WinAnsiEncoding >>\nendobj\n");
	for (unsigned i = 0; i < npages; i++) {
		off[4 + i] = b->n;
		addf(b,
		     "%u 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
		     "/Resources << /Font << /F1 3 0 R >> %s >> /Contents %zu 0 R >>\nendobj\n",
		     4 + i, xobj, content);
	}
}

static void add_xref(bytes *b, const size_t *off, size_t nobj)
{
	size_t xref = b->n;
	addf(b, "xref\n0 %zu\n0000000000 65535 f \n", nobj + 1);
	for (size_t i = 1; i <= nobj; i++)
		addf(b, "%010zu 00000 n \n", off[i]);
	addf(b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj + 1, xref);
}

unsigned char *pdfbomb_make(pdfbomb_kind kind, size_t blank, unsigned count, size_t *len)
{
	unsigned npages = kind == PDFBOMB_PAGES ? count : 1;
	size_t content = 4 + (size_t)npages, nobj = content + (kind == PDFBOMB_FORM);
	size_t *off = calloc(nobj + 1, sizeof *off);
	bytes b = { 0 }, inner = { 0 }, outer = { 0 };
	if (!off)
		return NULL;
	add_pages(&b, off, npages, content, kind == PDFBOMB_FORM ? "/XObject << /X1 6 0 R >>" : "");
	off[content] = b.n;
	if (kind == PDFBOMB_FORM) {
		/* the page: the text, then the form drawn @count times */
		for (unsigned i = 0; i < count; i++)
			add(&inner, "/X1 Do\n", 7);
		bytes page = { 0 };
		add(&page, TEXT, strlen(TEXT));
		add(&page, inner.p, inner.n);
		deflate_bytes(&outer, &page);
		free(page.p);
		add_stream(&b, content, "/Filter /FlateDecode", &outer);
		off[content + 1] = b.n;
		outer.n = 0;
		deflate_blank(&outer, "", blank / MIB);
		add_stream(&b, content + 1,
		           "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode",
		           &outer);
	} else if (kind == PDFBOMB_DOUBLE_FLATE) {
		deflate_blank(&inner, TEXT, blank / MIB);
		deflate_bytes(&outer, &inner);
		add_stream(&b, content, "/Filter [/FlateDecode /FlateDecode]", &outer);
	} else {
		deflate_blank(&outer, TEXT, blank / MIB);
		add_stream(&b, content, "/Filter /FlateDecode", &outer);
	}
	add_xref(&b, off, nobj);
	int failed = b.failed || inner.failed || outer.failed;
	free(off);
	free(inner.p);
	free(outer.p);
	if (failed) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}
