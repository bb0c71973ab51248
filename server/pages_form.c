/*
 * pages_form.c - forms that help: every error of a form found at once, in
 * the page's language and naming the field as the page labels it, tied to
 * its field (aria-invalid, aria-describedby); sizes in the reader's units;
 * the local path a login returns to.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pages.h"

void page_button_post(req *r, int (*action)(req *r), const char *to)
{
	form f;
	if (!page_form(r, &f, 0))
		return;
	form_free(&f);
	int rc = action(r);
	if (rc)
		page_fail(r, rc);
	else
		respond_redirect(r, to);
}

bool form_refused(req *r, int rc, unsigned wait, http_error *e)
{
	http_error_for(r, rc, false, e);
	if (rc == SVC_ELIMITED)
		req_header(r, "Retry-After: %u", wait);
	if (e->status < 500)
		return false;
	page_error(r, e->status, e->message);
	return true;
}

void ferr_add(req *r, field_errs *e, const char *name, const char *label_key, const char *fmt_key,
              ...)
{
	if (e->n >= FIELD_ERRS_MAX)
		return;
	char msg[160];
	va_list ap;
	va_start(ap, fmt_key);
	vsnprintf(msg, sizeof msg, T(r, fmt_key), ap);
	va_end(ap);
	/* "Identifiant : au moins 3 caractères." / "Login: at least 3 characters." */
	snprintf(e->text[e->n], sizeof e->text[0], "%s%s %s", T(r, label_key),
	         r->lang == LANG_EN ? ":" : " :", msg);
	e->name[e->n++] = name;
}

const char *ferr_get(const field_errs *e, const char *name)
{
	for (size_t i = 0; e && i < e->n; i++)
		if (!strcmp(e->name[i], name))
			return e->text[i];
	return NULL;
}

/* Text rules of the library (oa_check_text), checked here to say them all
 * at once in the reader's words: @min visible characters, @max bytes, no
 * control character (but line breaks when @multiline). */
void ferr_text(req *r, field_errs *e, const char *name, const char *label_key, const char *s,
               size_t min, size_t max, bool multiline)
{
	size_t len = s ? strlen(s) : 0, visible = 0;
	bool ctl = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			ctl |= !(multiline && (c == '\n' || c == '\r' || c == '\t'));
		else if (c != ' ' && (c & 0xC0) != 0x80)
			visible++;
	}
	if (min && !visible)
		ferr_add(r, e, name, label_key, "ferr.empty");
	else if (visible < min)
		ferr_add(r, e, name, label_key, "ferr.min", (unsigned)min);
	else if (len > max)
		ferr_add(r, e, name, label_key, "ferr.max", (unsigned)max);
	else if (ctl)
		ferr_add(r, e, name, label_key, "ferr.control");
}

/* The summary above a refused form: how many errors, each a link to its
 * field, so a screen-reader user hears them all and can jump to each. */
void ferr_summary(req *r, buf *b, const field_errs *e)
{
	if (!e || !e->n)
		return;
	buf_printf(b, "<div class=\"alert error\" role=\"alert\" id=\"errors\"><p>%u %s",
	           (unsigned)e->n, T(r, e->n == 1 ? "ferr.one" : "ferr.many"));
	buf_puts(b, "</p><ul>");
	for (size_t i = 0; i < e->n; i++) {
		buf_printf(b, "<li><a href=\"#f-%s\">", e->name[i]);
		buf_esc(b, e->text[i]);
		buf_puts(b, "</a></li>");
	}
	buf_puts(b, "</ul></div>");
}

/* The attributes that tie field @name to its error and hint paragraphs. */
static void aria_attrs(buf *b, const char *name, const char *err, const char *hint)
{
	if (err)
		buf_puts(b, " aria-invalid=\"true\"");
	if (err || hint) {
		buf_puts(b, " aria-describedby=\"");
		if (err)
			buf_printf(b, "e-%s%s", name, hint ? " " : "");
		if (hint)
			buf_printf(b, "h-%s", name);
		buf_puts(b, "\"");
	}
}

void field_notes(buf *b, const char *name, const char *err, const char *hint)
{
	if (hint) {
		buf_printf(b, "<p class=\"hint\" id=\"h-%s\">", name);
		buf_esc(b, hint);
		buf_puts(b, "</p>");
	}
	if (err) {
		buf_printf(b, "<p class=\"field-error\" id=\"e-%s\">", name);
		buf_esc(b, err);
		buf_puts(b, "</p>");
	}
}

void field_open(buf *b, const char *tag, const char *name, const char *label, const char *err,
                const char *hint)
{
	buf_printf(b, "<label for=\"f-%s\">%s</label><%s id=\"f-%s\" name=\"%s\"", name, label, tag,
	           name, name);
	aria_attrs(b, name, err, hint);
}

void field_ex(buf *b, const char *type, const char *name, const char *label, const char *value,
              const char *attrs, const field_errs *errs, const char *hint)
{
	const char *err = ferr_get(errs, name);
	field_open(b, "input", name, label, err, hint);
	buf_printf(b, " type=\"%s\" value=\"", type);
	buf_esc(b, value ? value : "");
	buf_printf(b, "\" %s>", attrs ? attrs : "");
	field_notes(b, name, err, hint);
}

void size_str(req *r, char *dst, size_t n, size_t bytes)
{
	bool en = r->lang == LANG_EN;
	if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
		snprintf(dst, n, "%zu %s", bytes >> 20, en ? "MB" : "Mo");
	else if (bytes >= (1u << 20))
		snprintf(dst, n, "%.1f %s", (double)bytes / (1u << 20), en ? "MB" : "Mo");
	else
		snprintf(dst, n, "%zu %s", (bytes + 1023) >> 10, en ? "KB" : "Ko");
	if (!en) /* 1,5 Mo */
		for (char *p = dst; *p; p++)
			if (*p == '.')
				*p = ',';
}

bool local_path_ok(const char *p)
{
	if (!p || p[0] != '/' || p[1] == '/' || p[1] == '\\' || strlen(p) > 200)
		return false;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '"' || *c == '<' ||
		    *c == '>' || *c == '\\')
			return false;
	return true;
}

const char *scorer_label(req *r, const char *name)
{
	char key[16 + OFFERAPI_SCORER_NAME_MAX];
	snprintf(key, sizeof key, "scorer.%s", name);
	const char *t = T(r, key);
	return strcmp(t, key) ? t : name; /* a plugin we have no words for */
}
