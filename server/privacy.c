/*
 * privacy.c - the information given at collection (issue 16): the privacy
 * notice shown at sign-up and on applying, and the pool consent box.
 *
 * The notice says what is kept, why, for how long and who sees it. The
 * default text (i18n.c, "privacy.notice") takes the retention figures of
 * the configuration; --privacy-notice-file replaces it: UTF-8 text, the
 * French notice, then a line holding only "---", then the English one (no
 * such line: one text for both). Paragraphs are separated by blank lines;
 * the text is shown escaped (no markup). Its version, stored with every
 * application, is the first 12 hex digits of the SHA-256 of both texts:
 * any change of wording or figures makes another version.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "i18n.h"
#include "oacommon.h"
#include "pages.h"

/* Longest notice file (bytes). */
#define NOTICE_MAX 16384

/* @days as "2 ans" / "2 years" when a whole number of years, else in days. */
static void duration(enum lang l, char *out, size_t n, unsigned days)
{
	if (days >= 365 && days % 365 == 0) {
		unsigned y = days / 365;
		snprintf(out, n, "%u %s", y,
		         i18n_text(l, y == 1 ? "privacy.year" : "privacy.years"));
	} else {
		snprintf(out, n, "%u %s", days,
		         i18n_text(l, days == 1 ? "privacy.day" : "privacy.days"));
	}
}

/* @out sized @n: the i18n text @key in @l as a format of the arguments. */
static void textf(enum lang l, char *out, size_t n, const char *key, ...)
{
	va_list ap;
	va_start(ap, key);
	vsnprintf(out, n, i18n_text(l, key), ap);
	va_end(ap);
}

/* The default notice in @l with the configuration's figures (malloc'd). */
static char *default_notice(const config *c, enum lang l)
{
	char keep[64], warn[64], pool[64], unv[64];
	duration(l, keep, sizeof keep, c->retention_days);
	duration(l, warn, sizeof warn, c->retention_warn_days);
	duration(l, pool, sizeof pool, c->pool_days);
	duration(l, unv, sizeof unv, c->unverified_days);
	/* the clauses of the warning and of the pool, only when they apply */
	char wc[256] = "", pc[256] = "", text[4096];
	if (c->retention_warn_days)
		textf(l, wc, sizeof wc, "privacy.warn_clause", warn);
	if (c->pool_days)
		textf(l, pc, sizeof pc, "privacy.pool_clause", pool);
	textf(l, text, sizeof text, "privacy.notice", keep, wc, pc, unv);
	return strdup(text);
}

/* Read --privacy-notice-file into @a->notice; -1 with a message. */
static int load_file(app *a, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "offerapi-server: --privacy-notice-file %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	char *text = malloc(NOTICE_MAX + 2);
	size_t n = text ? fread(text, 1, NOTICE_MAX + 1, f) : 0;
	fclose(f);
	const char *why = !text                                           ? "out of memory"
	                  : n > NOTICE_MAX                                ? "larger than 16 KiB"
	                  : n == 0                                        ? "empty"
	                  : !oa_utf8_valid(text, n) || memchr(text, 0, n) ? "not UTF-8 text"
	                                                                  : NULL;
	if (why) {
		fprintf(stderr, "offerapi-server: --privacy-notice-file %s: %s\n", path, why);
		free(text);
		return -1;
	}
	text[n] = '\0';
	char *sep = strstr(text, "\n---\n");
	if (sep) {
		sep[1] = '\0';
		a->notice[1] = strdup(sep + 5);
	} else {
		a->notice[1] = strdup(text);
	}
	a->notice[0] = text;
	return a->notice[1] ? 0 : -1;
}

int privacy_init(app *a)
{
	if (a->cfg.privacy_notice_file[0]) {
		if (load_file(a, a->cfg.privacy_notice_file) < 0)
			return -1;
	} else {
		a->notice[0] = default_notice(&a->cfg, LANG_FR);
		a->notice[1] = default_notice(&a->cfg, LANG_EN);
		if (!a->notice[0] || !a->notice[1])
			return -1;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	for (int i = 0; i < 2; i++) /* each with its NUL: "ab"+"c" is not "a"+"bc" */
		crypto_hash_sha256_update(&st, (const unsigned char *)a->notice[i],
		                          strlen(a->notice[i]) + 1);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(a->notice_version, sizeof a->notice_version, h, 6);
	return 0;
}

void privacy_free(app *a)
{
	for (int i = 0; i < 2; i++) {
		free(a->notice[i]);
		a->notice[i] = NULL;
	}
}

void privacy_notice(req *r, buf *b)
{
	const char *t = r->app->notice[r->lang == LANG_EN];
	buf_printf(b,
	           "<section id=\"privacy-notice\" class=\"notice\" "
	           "aria-labelledby=\"privacy-title\"><h2 id=\"privacy-title\">%s</h2>",
	           T(r, "privacy.title"));
	if (!t) { /* not initialised (a test harness): say nothing wrong */
		buf_puts(b, "</section>");
		return;
	}
	/* paragraphs at blank lines; lines within one are kept as lines */
	buf_puts(b, "<p>");
	for (const char *p = t; *p;) {
		size_t n = strcspn(p, "\n");
		buf_escn(b, p, n);
		p += n;
		size_t nl = strspn(p, "\n");
		p += nl;
		if (*p && nl >= 2)
			buf_puts(b, "</p><p>");
		else if (*p && nl == 1)
			buf_puts(b, "<br>");
	}
	buf_printf(b, "</p><p><small>%s %s</small></p></section>", T(r, "privacy.version"),
	           r->app->notice_version);
}

void privacy_pool_box(req *r, buf *b, bool checked)
{
	if (!r->app->cfg.pool_days)
		return;
	char d[64], label[256];
	duration(r->lang, d, sizeof d, r->app->cfg.pool_days);
	buf_printf(b,
	           "<label class=\"check\" for=\"f-pool_consent\"><input type=\"checkbox\" "
	           "id=\"f-pool_consent\" name=\"pool_consent\" value=\"1\" "
	           "aria-describedby=\"privacy-notice\"%s> %s</label>",
	           checked ? " checked" : "", TF(r, label, sizeof label, "privacy.pool", d));
}
