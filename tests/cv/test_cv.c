/*
 * test_cv.c - offerapi_cv_extract() on real PDFs.
 *
 * The PDFs come from tests/fixtures: content-stream descriptions turned into
 * PDFs by `mutool create` at build time (see tests/cv/meson.build), encrypted
 * copies made by `mutool clean -E`, and a JPEG made with libjpeg. Their build
 * folder is given in CV_FIXTURES. A few PDFs that no tool makes on purpose
 * (a font whose ToUnicode map yields NUL and surrogates, a PDF with no page)
 * are written by build_pdf() below, with a correct cross-reference table so
 * that MuPDF needs no repair.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "offerapi/cv.h"
#include "offerapi/errors.h"
#include "pdfbomb.h"

/* ---- expected texts (the fixtures' content, normalised) ---- */

static const char CV_FR_TEXT[] = "Amélie Lefèvre\n"
				 "\n"
				 "Développeuse C confirmée à Besançon\n"
				 "\n"
				 "Expérience\n"
				 "\n"
				 "2019-2024 : ingénieure logiciel embarqué, aéronautique\n"
				 "Naïve au départ, expérimentée à l'arrivée ; cœur de métier : C11\n"
				 "\n"
				 "Compétences\n"
				 "\n"
				 "C, meson, MuPDF, SQLite, PostgreSQL";

static const char MULTI_TEXT[] = "Page un : José García\n"
				 "\n"
				 "Formation : master d'informatique, Université de Lyon\n"
				 "\n"
				 "Page deux : expérience\n"
				 "\n"
				 "Cinq ans de développement C sous Linux\n"
				 "\n"
				 "Page trois : langues\n"
				 "\n"
				 "Français, anglais, espagnol";

static const char HYPHEN_TEXT[] = "Spécialiste du développement de bibliothèques et de "
				  "l'interopérabilité des systèmes.";

/* ---- helpers ---- */

typedef struct blob {
	unsigned char *data;
	size_t len;
} blob;

/* Read a fixture from $CV_FIXTURES; a missing one fails the test. */
static blob fixture(const char *name)
{
	const char *dir = getenv("CV_FIXTURES");
	if (!dir)
		fail_msg("CV_FIXTURES is not set (run through meson test)");
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s: %s", path, strerror(errno));
	blob b = { NULL, 0 };
	size_t cap = 0;
	for (;;) {
		if (b.len == cap) {
			cap = cap ? cap * 2 : 65536;
			b.data = realloc(b.data, cap);
			assert_non_null(b.data);
		}
		size_t n = fread(b.data + b.len, 1, cap - b.len, f);
		if (n == 0)
			break;
		b.len += n;
	}
	assert_false(ferror(f));
	fclose(f);
	return b;
}

/* Independent UTF-8 check (the library's own is not the oracle). */
static bool valid_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp, min;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			n = 1;
			cp = c & 0x1F;
			min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			cp = c & 0x0F;
			min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return false;
		if (n >= len - i)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

/* Extract, asserting success and the output contract; returns the text. */
static char *extract_ok(const void *pdf, size_t len, const offerapi_cv_limits *limits)
{
	char *out = (char *)1;
	size_t out_len = 12345;
	int rc = offerapi_cv_extract(&out, &out_len, pdf, len, limits);
	if (rc != 0)
		fail_msg("expected success, got %d: %s", rc, offerapi_error_last()->message);
	assert_non_null(out);
	assert_int_equal(out_len, strlen(out));
	assert_true(valid_utf8(out, out_len));
	return out;
}

/* Extract, asserting failure with @p code and exactly @p message. */
static void extract_fails(const void *pdf, size_t len, const offerapi_cv_limits *limits, int code,
                          const char *message)
{
	char *out = (char *)1;
	size_t out_len = 12345;
	int rc = offerapi_cv_extract(&out, &out_len, pdf, len, limits);
	if (rc != code)
		fail_msg("expected %d, got %d: %s", code, rc,
		         rc ? offerapi_error_last()->message : out);
	assert_null(out);
	assert_int_equal(out_len, 0);
	const offerapi_error *e = offerapi_error_last();
	assert_int_equal(e->code, code);
	if (message)
		assert_string_equal(e->message, message);
	assert_null(strchr(e->message, '\n'));
}

/* Extract fixture @p name with default limits and compare with @p expected. */
static void assert_fixture_text(const char *name, const char *expected)
{
	blob b = fixture(name);
	char *text = extract_ok(b.data, b.len, NULL);
	assert_string_equal(text, expected);
	offerapi_free(text);
	free(b.data);
}

/*
 * Write a PDF whose objects 1..n have the bodies in @p objs (object 1 is the
 * catalog). A body "STREAM:<dict>|<data>" becomes a stream object with the
 * right /Length; the data of the stream object number @p bin_obj (from 1; 0
 * for none) is instead the @p bin_len bytes at @p bin. The cross-reference
 * table has exact offsets.
 */
static blob build_pdf_bin(const char *const *objs, size_t n, size_t bin_obj, const void *bin,
                          size_t bin_len)
{
	size_t cap = ((size_t)1 << 16) + bin_len;
	blob b = { malloc(cap), 0 };
	assert_non_null(b.data);
	size_t *offsets = calloc(n + 1, sizeof *offsets);
	assert_non_null(offsets);
#define PUT(...)                                                                                   \
	do {                                                                                       \
		int w_ = snprintf((char *)b.data + b.len, cap - b.len, __VA_ARGS__);               \
		assert_true(w_ >= 0 && (size_t)w_ < cap - b.len);                                  \
		b.len += (size_t)w_;                                                               \
	} while (0)
	PUT("%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
	for (size_t i = 0; i < n; i++) {
		offsets[i + 1] = b.len;
		if (strncmp(objs[i], "STREAM:", 7) == 0) {
			const char *dict = objs[i] + 7;
			const char *bar = strchr(dict, '|');
			assert_non_null(bar);
			const char *data = bar + 1;
			size_t len = i + 1 == bin_obj ? bin_len : strlen(data);
			PUT("%zu 0 obj\n<<%.*s /Length %zu>>\nstream\n", i + 1, (int)(bar - dict),
			    dict, len);
			memcpy(b.data + b.len, i + 1 == bin_obj ? bin : data, len);
			b.len += len;
			PUT("\nendstream\nendobj\n");
		} else {
			PUT("%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
		}
	}
	size_t xref = b.len;
	PUT("xref\n0 %zu\n0000000000 65535 f \n", n + 1);
	for (size_t i = 1; i <= n; i++)
		PUT("%010zu 00000 n \n", offsets[i]);
	PUT("trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1, xref);
#undef PUT
	free(offsets);
	return b;
}

static blob build_pdf(const char *const *objs, size_t n)
{
	return build_pdf_bin(objs, n, 0, NULL, 0);
}

/* Captures fd 2 while bad files are read: MuPDF must print nothing. */
typedef struct stderr_capture {
	int saved;
	FILE *file;
} stderr_capture;

static stderr_capture stderr_begin(void)
{
	stderr_capture c;
	fflush(stderr);
	c.file = tmpfile();
	assert_non_null(c.file);
	c.saved = dup(2);
	assert_true(c.saved >= 0);
	assert_true(dup2(fileno(c.file), 2) >= 0);
	return c;
}

static void stderr_end_expect_silence(stderr_capture c)
{
	fflush(stderr);
	assert_true(dup2(c.saved, 2) >= 0);
	close(c.saved);
	fseek(c.file, 0, SEEK_END);
	long size = ftell(c.file);
	if (size != 0) {
		char buf[512] = "";
		rewind(c.file);
		size_t n = fread(buf, 1, sizeof buf - 1, c.file);
		buf[n] = '\0';
		fclose(c.file);
		fail_msg("%ld bytes written to stderr, starting with: %s", size, buf);
	}
	fclose(c.file);
}

/* Log lines captured from the library (the debug summary line of a call). */
static char last_log[1024];

static void capture_log(offerapi_log_level level, const char *message, void *payload)
{
	(void)level;
	(void)payload;
	if (strncmp(message, "cv: read ", 9) == 0)
		snprintf(last_log, sizeof last_log, "%s", message);
}

/* ---- good PDFs ---- */

static void test_one_page_french(void **state)
{
	(void)state;
	assert_fixture_text("cv-fr.pdf", CV_FR_TEXT);
}

static void test_multi_page(void **state)
{
	(void)state;
	/* Pages are separated like paragraphs; the line placed above page 3's
	 * media box is left out (FZ_STEXT_MEDIABOX_CLIP). */
	assert_fixture_text("cv-multi.pdf", MULTI_TEXT);
}

static void test_hyphenated_words_joined(void **state)
{
	(void)state;
	assert_fixture_text("hyphen.pdf", HYPHEN_TEXT);
}

static void test_out_len_optional(void **state)
{
	(void)state;
	blob b = fixture("cv-fr.pdf");
	char *out = NULL;
	assert_int_equal(offerapi_cv_extract(&out, NULL, b.data, b.len, NULL), 0);
	assert_string_equal(out, CV_FR_TEXT);
	offerapi_free(out);
	free(b.data);
}

static void test_header_after_junk(void **state)
{
	(void)state;
	/* Readers accept "%PDF-" anywhere in the first 1024 bytes... */
	blob b = fixture("cv-fr.pdf");
	size_t junk = 1024 - 5;
	unsigned char *p = malloc(junk + b.len);
	assert_non_null(p);
	memset(p, 'x', junk);
	memcpy(p + junk, b.data, b.len);
	char *text = extract_ok(p, junk + b.len, NULL);
	assert_string_equal(text, CV_FR_TEXT);
	offerapi_free(text);
	free(p);

	/* ...and not further. */
	junk = 1024 - 4;
	p = malloc(junk + b.len);
	assert_non_null(p);
	memset(p, 'x', junk);
	memcpy(p + junk, b.data, b.len);
	extract_fails(p, junk + b.len, NULL, OFFERAPI_ENOTPDF, "the file is not a PDF");
	free(p);
	free(b.data);
}

static void test_owner_password_only(void **state)
{
	(void)state;
	/* Encrypted with an owner password and an empty user password:
	 * anybody may read it, so must we. */
	assert_fixture_text("cv-owner-password.pdf", CV_FR_TEXT);
}

static void test_truncated_end_repaired(void **state)
{
	(void)state;
	/* A download cut just before the cross-reference table: MuPDF rebuilds
	 * it by scanning the objects, and every page is still there. */
	blob b = fixture("cv-multi.pdf");
	const char *xref = NULL;
	for (size_t i = b.len - 5; i-- > 0;)
		if (memcmp(b.data + i, "\nxref", 5) == 0) {
			xref = (const char *)b.data + i + 1;
			break;
		}
	assert_non_null(xref);
	char *text = extract_ok(b.data, (size_t)(xref - (const char *)b.data), NULL);
	assert_string_equal(text, MULTI_TEXT);
	offerapi_free(text);
	free(b.data);
}

static void test_thousand_pages_allowed(void **state)
{
	(void)state;
	blob b = fixture("pages-1000.pdf");
	offerapi_cv_limits limits = OFFERAPI_CV_LIMITS_INIT;
	limits.max_pages = 1000;
	char *text = extract_ok(b.data, b.len, &limits);
	size_t unit = strlen("Page de CV\n\n");
	assert_int_equal(strlen(text), 1000 * unit - 2);
	for (size_t i = 0; i < 1000; i++)
		assert_memory_equal(text + i * unit, "Page de CV\n\n", i < 999 ? unit : unit - 2);
	offerapi_free(text);
	free(b.data);
}

/* ---- bounds ---- */

static void test_too_many_pages(void **state)
{
	(void)state;
	blob b = fixture("pages-1000.pdf");
	extract_fails(b.data, b.len, NULL, OFFERAPI_ETOOMANYPAGES,
	              "the PDF has 1000 pages, at most 50 are accepted");
	free(b.data);

	b = fixture("cv-multi.pdf");
	offerapi_cv_limits limits = OFFERAPI_CV_LIMITS_INIT;
	limits.max_pages = 2;
	extract_fails(b.data, b.len, &limits, OFFERAPI_ETOOMANYPAGES,
	              "the PDF has 3 pages, at most 2 are accepted");
	limits.max_pages = 3;
	char *text = extract_ok(b.data, b.len, &limits);
	assert_string_equal(text, MULTI_TEXT);
	offerapi_free(text);
	free(b.data);
}

static void test_max_bytes(void **state)
{
	(void)state;
	blob b = fixture("cv-fr.pdf");
	offerapi_cv_limits limits = OFFERAPI_CV_LIMITS_INIT;
	limits.max_bytes = b.len;
	char *text = extract_ok(b.data, b.len, &limits);
	assert_string_equal(text, CV_FR_TEXT);
	offerapi_free(text);

	char expected[128];
	limits.max_bytes = b.len - 1;
	snprintf(expected, sizeof expected, "the PDF is %zu bytes, at most %zu bytes are accepted",
	         b.len, b.len - 1);
	extract_fails(b.data, b.len, &limits, OFFERAPI_ETOOBIG, expected);

	limits.max_bytes = 1000;
	extract_fails(b.data, b.len, &limits, OFFERAPI_ETOOBIG,
	              "the PDF is 1.1 KiB, at most 1000 bytes are accepted");
	free(b.data);

	/* The default bound, checked before anything is parsed. */
	size_t big = OFFERAPI_CV_DEFAULT_MAX_BYTES + 1;
	unsigned char *p = calloc(1, big);
	assert_non_null(p);
	memcpy(p, "%PDF-1.7\n", 9);
	/* 10 MiB and 10 MiB + 1 byte round alike: exact figures then. */
	extract_fails(p, big, NULL, OFFERAPI_ETOOBIG,
	              "the PDF is 10485761 bytes, at most 10485760 bytes are accepted");
	free(p);
}

static void test_max_bytes_default_message(void **state)
{
	(void)state;
	size_t big = 12 * 1024 * 1024 + 300 * 1024;
	unsigned char *p = calloc(1, big);
	assert_non_null(p);
	memcpy(p, "%PDF-1.7\n", 9);
	extract_fails(p, big, NULL, OFFERAPI_ETOOBIG,
	              "the PDF is 12.3 MiB, at most 10 MiB are accepted");
	free(p);
}

/* The expected cut: the longest prefix of @p full within @p max bytes that
 * ends on a code point boundary, without trailing blanks. */
static size_t expected_cut(const char *full, size_t max)
{
	size_t len = strlen(full);
	if (max >= len)
		return len;
	size_t k = max;
	while (k > 0 && ((unsigned char)full[k] & 0xC0) == 0x80)
		k--;
	while (k > 0 && (full[k - 1] == ' ' || full[k - 1] == '\n'))
		k--;
	return k;
}

static void test_max_text_cut_at_utf8_boundary(void **state)
{
	(void)state;
	blob b = fixture("cv-fr.pdf");
	offerapi_cv_limits limits = OFFERAPI_CV_LIMITS_INIT;

	/* "Amélie": 'é' is bytes 3-4, so 3 bytes keep "Am" and 4 keep "Amé". */
	limits.max_text = 3;
	char *text = extract_ok(b.data, b.len, &limits);
	assert_string_equal(text, "Am");
	offerapi_free(text);
	limits.max_text = 4;
	text = extract_ok(b.data, b.len, &limits);
	assert_string_equal(text, "Amé");
	offerapi_free(text);

	/* Every bound gives a valid prefix (extract_ok checks UTF-8). */
	size_t full = strlen(CV_FR_TEXT);
	for (size_t max = 1; max <= full + 2; max++) {
		limits.max_text = max;
		text = extract_ok(b.data, b.len, &limits);
		size_t want = expected_cut(CV_FR_TEXT, max);
		if (strlen(text) != want || memcmp(text, CV_FR_TEXT, want) != 0)
			fail_msg("max_text %zu: got \"%s\", want %zu bytes", max, text, want);
		offerapi_free(text);
	}
	free(b.data);
}

static void test_max_text_stops_reading_pages(void **state)
{
	(void)state;
	blob b = fixture("cv-multi.pdf");
	offerapi_cv_limits limits = OFFERAPI_CV_LIMITS_INIT;
	limits.max_text = 10;
	last_log[0] = '\0';
	offerapi_set_log(OFFERAPI_LOG_DEBUG, capture_log, NULL);
	char *text = extract_ok(b.data, b.len, &limits);
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
	assert_string_equal(text, "Page un :");
	offerapi_free(text);
	/* Page 1 filled the text: pages 2 and 3 were never parsed. */
	assert_non_null(strstr(last_log, "cv: read 1 pages of a "));
	assert_non_null(strstr(last_log, "(cut at max_text)"));
	free(b.data);
}

/* ---- refused files ---- */

static void test_empty(void **state)
{
	(void)state;
	extract_fails("", 0, NULL, OFFERAPI_ENOTPDF, "the file is empty");
}

static void test_random_bytes(void **state)
{
	(void)state;
	unsigned char buf[8192];
	uint32_t x = 2463534242u; /* xorshift32: same bytes on every run */
	for (size_t i = 0; i < sizeof buf; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	extract_fails(buf, sizeof buf, NULL, OFFERAPI_ENOTPDF, "the file is not a PDF");
	/* Behind a PDF header the same junk is a damaged PDF. */
	memcpy(buf, "%PDF-1.4\n", 9);
	extract_fails(buf, sizeof buf, NULL, OFFERAPI_EPDFDAMAGED,
	              "the PDF is damaged and cannot be read (no objects found)");
}

static void test_jpeg_named_pdf(void **state)
{
	(void)state;
	blob b = fixture("photo.jpg");
	assert_true(b.len > 100);
	assert_memory_equal(b.data, "\xff\xd8\xff", 3); /* a real JPEG */
	extract_fails(b.data, b.len, NULL, OFFERAPI_ENOTPDF, "the file is not a PDF");
	free(b.data);
}

static void test_truncated_half(void **state)
{
	(void)state;
	/* The first half of a good PDF. MuPDF 1.21 repairs what it can; with
	 * these files nothing readable is left, so they are damaged. */
	blob b = fixture("cv-fr.pdf");
	extract_fails(b.data, b.len / 2, NULL, OFFERAPI_EPDFDAMAGED,
	              "the PDF is damaged: no text could be recovered from it");
	free(b.data);
	b = fixture("cv-multi.pdf");
	extract_fails(b.data, b.len / 2, NULL, OFFERAPI_EPDFDAMAGED,
	              "the PDF is damaged and cannot be read (invalid key in dict)");
	free(b.data);
}

static void test_user_password(void **state)
{
	(void)state;
	blob b = fixture("cv-user-password.pdf");
	extract_fails(b.data, b.len, NULL, OFFERAPI_EPDFENCRYPTED,
	              "the PDF is protected by a password: send a copy without password");
	free(b.data);
}

static void test_image_only(void **state)
{
	(void)state;
	blob b = fixture("image-only.pdf");
	extract_fails(b.data, b.len, NULL, OFFERAPI_ENOTEXT,
	              "the PDF has no extractable text (a scanned image?)");
	free(b.data);
}

static void test_blank_text_only(void **state)
{
	(void)state;
	/* Text made of blanks, and of codes Helvetica has no glyph for (tab,
	 * 0x01: MuPDF gives U+FFFD), is no text either. */
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
		 "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"STREAM:|BT /F1 12 Tf 72 700 Td (     ) Tj 0 -14 Td (  \t\001 ) Tj ET",
	};
	blob b = build_pdf(objs, sizeof objs / sizeof *objs);
	extract_fails(b.data, b.len, NULL, OFFERAPI_ENOTEXT,
	              "the PDF has no extractable text (a scanned image?)");
	free(b.data);
}

static void test_no_pages(void **state)
{
	(void)state;
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
	};
	blob b = build_pdf(objs, 2);
	extract_fails(b.data, b.len, NULL, OFFERAPI_EPDFDAMAGED,
	              "the PDF is damaged: it has no pages");
	free(b.data);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	blob b = fixture("cv-fr.pdf");
	size_t n = 7;
	assert_int_equal(offerapi_cv_extract(NULL, &n, b.data, b.len, NULL), OFFERAPI_EINVAL);
	assert_string_equal(offerapi_error_last()->message, "out: missing");
	assert_int_equal(n, 0);
	extract_fails(NULL, 10, NULL, OFFERAPI_EINVAL, "pdf: missing");
	offerapi_cv_limits limits = OFFERAPI_CV_LIMITS_INIT;
	limits.version = 0;
	extract_fails(b.data, b.len, &limits, OFFERAPI_EINVAL,
	              "limits: unsupported version 0 (expected 1 to 2)");
	limits.version = 3;
	extract_fails(b.data, b.len, &limits, OFFERAPI_EINVAL,
	              "limits: unsupported version 3 (expected 1 to 2)");
	free(b.data);
}

/* ---- sanitising ---- */

static void test_weird_font_sanitised(void **state)
{
	(void)state;
	/* A ToUnicode map sending A to U+0000, B and G to lone surrogates, C to
	 * a control character (BEL), D to e-acute, E and F to a tab and a
	 * no-break space, H to a C1 control (NEL). MuPDF 1.21 itself turns the
	 * NUL into U+FFFD and passes the rest on: cv.c replaces surrogates with
	 * U+FFFD, treats BEL, tab and no-break space as blanks, drops NEL. */
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
		 "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"),
		("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
		 "/ToUnicode 6 0 R >>"),
		"STREAM:|BT /F1 12 Tf 72 700 Td (xAyBzCwDvEEuFtGsHr) Tj ET",
		("STREAM:|/CIDInit /ProcSet findresource begin\n"
		 "12 dict begin\nbegincmap\n/CMapName /Weird def\n/CMapType 2 def\n"
		 "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
		 "8 beginbfchar\n<41> <0000>\n<42> <D800>\n<43> <0007>\n<44> <00E9>\n"
		 "<45> <0009>\n<46> <00A0>\n<47> <DFFF>\n<48> <0085>\nendbfchar\n"
		 "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"),
	};
	blob b = build_pdf(objs, sizeof objs / sizeof *objs);
	char *text = extract_ok(b.data, b.len, NULL);
	assert_string_equal(text, "x\xef\xbf\xbdy\xef\xbf\xbdz wév u t\xef\xbf\xbdsr");
	offerapi_free(text);
	free(b.data);
}

static void test_mupdf_prints_nothing(void **state)
{
	(void)state;
	blob good = fixture("cv-multi.pdf");
	blob enc = fixture("cv-user-password.pdf");
	unsigned char junk[4096];
	memset(junk, 0xA5, sizeof junk);
	memcpy(junk, "%PDF-1.5\n", 9);

	stderr_capture c = stderr_begin();
	char *out[4] = { NULL, NULL, NULL, NULL };
	int rc1 = offerapi_cv_extract(&out[0], NULL, good.data, good.len / 2, NULL);
	int rc2 = offerapi_cv_extract(&out[1], NULL, good.data, good.len * 2 / 3, NULL);
	int rc3 = offerapi_cv_extract(&out[2], NULL, enc.data, enc.len, NULL);
	int rc4 = offerapi_cv_extract(&out[3], NULL, junk, sizeof junk, NULL);
	stderr_end_expect_silence(c);

	assert_int_equal(rc1, OFFERAPI_EPDFDAMAGED);
	/* Two thirds of the file: repaired, with the text of what is left. */
	assert_int_equal(rc2, 0);
	assert_non_null(strstr(out[1], "Page un : José García"));
	assert_int_equal(rc3, OFFERAPI_EPDFENCRYPTED);
	assert_int_equal(rc4, OFFERAPI_EPDFDAMAGED);
	for (int i = 0; i < 4; i++)
		offerapi_free(out[i]);
	free(good.data);
	free(enc.data);
}

/* ---- memory bound ---- */

/* @p size zero bytes, deflated (zlib format, as /FlateDecode wants). */
static unsigned char *deflate_zeros(size_t size, size_t *out_len)
{
	static const unsigned char zeros[1 << 16];
	size_t cap = size / 200 + 4096;
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit(&z, 9), Z_OK);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	for (size_t left = size; left > 0;) {
		size_t n = left < sizeof zeros ? left : sizeof zeros;
		z.next_in = (Bytef *)zeros;
		z.avail_in = (uInt)n;
		assert_int_equal(deflate(&z, Z_NO_FLUSH), Z_OK);
		assert_int_equal(z.avail_in, 0);
		left -= n;
	}
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static void test_memory_bomb_bounded(void **state)
{
	(void)state;
	/* A 300 MiB embedded font that deflates to about 300 KiB. MuPDF loads
	 * font programs whole: the per-call allocation cap refuses it, MuPDF
	 * falls back to a built-in font, and the text still comes out. */
	size_t bomb_len;
	unsigned char *bomb = deflate_zeros((size_t)300 << 20, &bomb_len);
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
		 "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"),
		("<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 "
		 "/LastChar 126 /FontDescriptor 6 0 R >>"),
		"STREAM:|BT /F1 12 Tf 72 700 Td (Bonjour bombe) Tj ET",
		("<< /Type /FontDescriptor /FontName /Bomb /Flags 32 "
		 "/FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 "
		 "/CapHeight 700 /StemV 80 /FontFile2 7 0 R >>"),
		"STREAM: /Filter /FlateDecode|",
	};
	blob b = build_pdf_bin(objs, 7, 7, bomb, bomb_len);
	free(bomb);
	assert_true(b.len < 1 << 20);

	last_log[0] = '\0';
	offerapi_set_log(OFFERAPI_LOG_DEBUG, capture_log, NULL);
	char *text = extract_ok(b.data, b.len, NULL);
	offerapi_set_log(OFFERAPI_LOG_ERROR, NULL, NULL);
	assert_string_equal(text, "Bonjour bombe");
	offerapi_free(text);
	free(b.data);

	const char *peak = strstr(last_log, "MuPDF peak ");
	assert_non_null(peak);
	unsigned long kib = strtoul(peak + strlen("MuPDF peak "), NULL, 10);
	if (kib > 64 * 1024)
		fail_msg("MuPDF used %lu KiB, above the 64 MiB cap", kib);
}

/* ---- time bound ---- */

/* Processor time of the calling thread, in seconds. */
static double thread_cpu(void)
{
	struct timespec ts;
	assert_int_equal(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts), 0);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned char *bomb(pdfbomb_kind kind, size_t blank, unsigned count, size_t *len)
{
	unsigned char *pdf = pdfbomb_make(kind, blank, count, len);
	assert_non_null(pdf);
	return pdf;
}

/* Extract @p pdf expecting OFFERAPI_EPDFTOOCOMPLEX with a message that
 * names the budget (@p budget_text); prints the CPU time it took. */
static void expect_too_complex(const unsigned char *pdf, size_t len,
                               const offerapi_cv_limits *limits, const char *what,
                               const char *budget_text)
{
	char *out = (char *)1;
	double start = thread_cpu();
	int rc = offerapi_cv_extract(&out, NULL, pdf, len, limits);
	double used = thread_cpu() - start;
	print_message("%s, %zu bytes: rc %d after %.2f s of CPU\n", what, len, rc, used);
	if (rc != OFFERAPI_EPDFTOOCOMPLEX)
		fail_msg("%s: expected OFFERAPI_EPDFTOOCOMPLEX, got %d (%s)", what, rc,
		         rc ? offerapi_error_last()->message : "accepted");
	assert_null(out);
	assert_int_equal(offerapi_error_last()->code, OFFERAPI_EPDFTOOCOMPLEX);
	const char *msg = offerapi_error_last()->message;
	if (!strstr(msg, "the PDF takes too long to read") || !strstr(msg, budget_text))
		fail_msg("%s: message \"%s\" lacks \"%s\"", what, msg, budget_text);
}

static void test_bomb_files_are_valid(void **state)
{
	(void)state;
	/* Small versions of each bomb read normally: the files are sound, so
	 * the refusals below come from the time budget, nothing else. */
	static const struct {
		pdfbomb_kind kind;
		size_t blank;
		unsigned count;
		const char *text;
	} cases[] = {
		{ PDFBOMB_FLATE, (size_t)16 << 20, 0, "Bonjour bombe" },
		{ PDFBOMB_DOUBLE_FLATE, (size_t)16 << 20, 0, "Bonjour bombe" },
		{ PDFBOMB_FORM, (size_t)1 << 20, 4, "Bonjour bombe" },
		{ PDFBOMB_PAGES, (size_t)1 << 20, 3,
		  "Bonjour bombe\n\nBonjour bombe\n\nBonjour bombe" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len;
		unsigned char *pdf = bomb(cases[i].kind, cases[i].blank, cases[i].count, &len);
		char *text = extract_ok(pdf, len, NULL);
		assert_string_equal(text, cases[i].text);
		offerapi_free(text);
		free(pdf);
	}
}

static void test_cpu_bomb_whitespace(void **state)
{
	(void)state;
	/* The attack: about 3 MB of deflated whitespace behind one line
	 * of text, 3 GiB once inflated, accepted after 12.9 s of CPU before the
	 * budget existed. With the default limits it is refused. */
	size_t len;
	unsigned char *pdf = bomb(PDFBOMB_FLATE, (size_t)3 << 30, 0, &len);
	assert_in_range(len, 2u << 20, 4u << 20);
	expect_too_complex(pdf, len, NULL, "3 GiB of blanks, deflated, default budget",
	                   "at most 3 s are allowed");
	free(pdf);
}

static void test_cpu_bomb_shapes(void **state)
{
	(void)state;
	/* The same work reached in other ways, under a 200 ms budget: the
	 * check sits on the decoded bytes and the allocator, not on the
	 * filter or the object that brings them. */
	offerapi_cv_limits lim = OFFERAPI_CV_LIMITS_INIT;
	lim.max_cpu_ms = 200;
	size_t len;
	unsigned char *pdf = bomb(PDFBOMB_DOUBLE_FLATE, (size_t)3 << 30, 0, &len);
	assert_true(len < 16 * 1024);
	expect_too_complex(pdf, len, &lim, "3 GiB of blanks, deflated twice", "at most 0.2 s");
	free(pdf);
	pdf = bomb(PDFBOMB_FORM, (size_t)4 << 20, 2000, &len);
	expect_too_complex(pdf, len, &lim, "a 4 MiB form drawn 2000 times", "at most 0.2 s");
	free(pdf);
	pdf = bomb(PDFBOMB_PAGES, (size_t)64 << 20, 50, &len);
	expect_too_complex(pdf, len, &lim, "50 pages of 64 MiB of blanks", "page ");
	free(pdf);
}

static void test_cpu_budget_version_1(void **state)
{
	(void)state;
	/* A caller built with version 1 of offerapi_cv_limits passes a struct
	 * that ends before max_cpu_ms: whatever follows it in memory is not
	 * read, and the default budget applies. */
	offerapi_cv_limits lim = OFFERAPI_CV_LIMITS_INIT;
	lim.version = 1;
	lim.max_cpu_ms = 1; /* stands for the bytes after a version-1 struct */
	size_t len;
	unsigned char *pdf = bomb(PDFBOMB_DOUBLE_FLATE, (size_t)3 << 30, 0, &len);
	expect_too_complex(pdf, len, &lim, "version-1 limits", "at most 3 s are allowed");
	free(pdf);
}

/* ---- threads ---- */

#define N_THREADS 4
#define N_ROUNDS 8

typedef struct thread_job {
	blob files[5];
	pthread_barrier_t *start;
	int failures;
	char why[256];
} thread_job;

/* Each thread extracts every file N_ROUNDS times and checks the text, and
 * the per-thread error of the one with a user password. No cmocka asserts here: they
 * longjmp and are not thread-safe. */
static void *thread_main(void *arg)
{
	thread_job *job = arg;
	static const char *const expected[] = { CV_FR_TEXT, MULTI_TEXT, HYPHEN_TEXT, CV_FR_TEXT,
		                                NULL };
	pthread_barrier_wait(job->start);
	for (int r = 0; r < N_ROUNDS; r++) {
		for (int f = 0; f < 5; f++) {
			char *out = NULL;
			size_t len = 0;
			int rc = offerapi_cv_extract(&out, &len, job->files[f].data,
			                             job->files[f].len, NULL);
			bool ok;
			if (expected[f])
				ok = rc == 0 && strcmp(out, expected[f]) == 0 &&
				     len == strlen(expected[f]);
			else
				ok = rc == OFFERAPI_EPDFENCRYPTED &&
				     offerapi_error_last()->code == OFFERAPI_EPDFENCRYPTED &&
				     strstr(offerapi_error_last()->message, "password");
			if (!ok && job->failures++ == 0)
				snprintf(job->why, sizeof job->why, "file %d round %d: rc %d", f, r,
				         rc);
			offerapi_free(out);
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	/* Plain, multi-page, dehyphenated (MuPDF's font leak, reclaimed),
	 * AES-128 decrypted, and refused for its password. */
	blob files[5] = { fixture("cv-fr.pdf"), fixture("cv-multi.pdf"), fixture("hyphen.pdf"),
		          fixture("cv-owner-password.pdf"), fixture("cv-user-password.pdf") };
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, N_THREADS), 0);
	pthread_t tid[N_THREADS];
	thread_job jobs[N_THREADS];
	for (int i = 0; i < N_THREADS; i++) {
		memset(&jobs[i], 0, sizeof jobs[i]);
		memcpy(jobs[i].files, files, sizeof files);
		jobs[i].start = &start;
		assert_int_equal(pthread_create(&tid[i], NULL, thread_main, &jobs[i]), 0);
	}
	for (int i = 0; i < N_THREADS; i++)
		assert_int_equal(pthread_join(tid[i], NULL), 0);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < N_THREADS; i++)
		if (jobs[i].failures)
			fail_msg("thread %d: %d failures, first: %s", i, jobs[i].failures,
			         jobs[i].why);
	for (int f = 0; f < 5; f++)
		free(files[f].data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_page_french),
		cmocka_unit_test(test_multi_page),
		cmocka_unit_test(test_hyphenated_words_joined),
		cmocka_unit_test(test_out_len_optional),
		cmocka_unit_test(test_header_after_junk),
		cmocka_unit_test(test_owner_password_only),
		cmocka_unit_test(test_truncated_end_repaired),
		cmocka_unit_test(test_thousand_pages_allowed),
		cmocka_unit_test(test_too_many_pages),
		cmocka_unit_test(test_max_bytes),
		cmocka_unit_test(test_max_bytes_default_message),
		cmocka_unit_test(test_max_text_cut_at_utf8_boundary),
		cmocka_unit_test(test_max_text_stops_reading_pages),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_jpeg_named_pdf),
		cmocka_unit_test(test_truncated_half),
		cmocka_unit_test(test_user_password),
		cmocka_unit_test(test_image_only),
		cmocka_unit_test(test_blank_text_only),
		cmocka_unit_test(test_no_pages),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_weird_font_sanitised),
		cmocka_unit_test(test_mupdf_prints_nothing),
		cmocka_unit_test(test_memory_bomb_bounded),
		cmocka_unit_test(test_bomb_files_are_valid),
		cmocka_unit_test(test_cpu_bomb_whitespace),
		cmocka_unit_test(test_cpu_bomb_shapes),
		cmocka_unit_test(test_cpu_budget_version_1),
		cmocka_unit_test(test_threads),
	};
	/* CV_TEST_FILTER=test_threads runs matching tests only, CV_TEST_SKIP
	 * skips matching ones (for debugging, valgrind). */
	if (getenv("CV_TEST_FILTER"))
		cmocka_set_test_filter(getenv("CV_TEST_FILTER"));
	if (getenv("CV_TEST_SKIP"))
		cmocka_set_skip_filter(getenv("CV_TEST_SKIP"));
	return cmocka_run_group_tests_name("cv", tests, NULL, NULL);
}
