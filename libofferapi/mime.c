/*
 * mime.c - a message of the outbox as RFC 5322 / MIME text
 * (offerapi_mail_render() in offerapi/mail.h).
 *
 * Headers are ASCII: a Subject or display name that is not is written as
 * RFC 2047 "B" encoded-words of at most 75 characters, each holding whole
 * UTF-8 characters, folded on separate lines. Bodies are UTF-8 in base64
 * lines of 76 characters. Every value taken from the message (name, offer
 * title, link) is checked as one line of UTF-8 and escaped in the HTML.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "internal.h"
#include "mail_internal.h"

/* bytes of a field (name, offer title, a rejection's reason: its label
 * and up to OFFERAPI_REASON_TEXT_MAX bytes of text) */
#define FIELD_MAX 2000

int mail_check_base_url(const char *what, const char *url)
{
	if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
		return oa_error(OFFERAPI_EINVAL, "%s: must start with http:// or https://", what);
	size_t n = strlen(url);
	if (n > 512 || n < 9 || url[n - 1] == '/')
		return oa_error(OFFERAPI_EINVAL,
		                "%s: at most 512 bytes, a host after the scheme, no trailing '/'",
		                what);
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F ||
		    strchr("\"'<>\\`", *p))
			return oa_error(OFFERAPI_EINVAL,
			                "%s: spaces, quotes, <, > and non-ASCII are not allowed",
			                what);
	return 0;
}

/* Whether @s can go into a header as it is. */
static bool header_plain(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7F || (p[0] == '=' && p[1] == '?'))
			return false;
	return strlen(s) <= 70;
}

/* Length of the longest prefix of @s (at most @max bytes) that ends on a
 * UTF-8 character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* @s as RFC 2047 encoded-words ("=?UTF-8?B?...?=", 64 characters each, so
 * that a header line stays under 78), folded with CRLF SP. */
static void sb_encoded_words(oa_buf *b, const char *s)
{
	size_t len = strlen(s), off = 0;
	while (off < len) {
		size_t n = utf8_cut(s + off, len - off, 39); /* 52 base64 characters */
		char enc[sodium_base64_ENCODED_LEN(39, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(enc, sizeof enc, (const unsigned char *)s + off, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		if (off)
			oa_buf_str(b, "\r\n ");
		oa_buf_printf(b, "=?UTF-8?B?%s?=", enc);
		off += n;
	}
}

static void sb_header_text(oa_buf *b, const char *name, const char *value)
{
	oa_buf_printf(b, "%s: ", name);
	if (header_plain(value))
		oa_buf_str(b, value);
	else
		sb_encoded_words(b, value);
	oa_buf_str(b, "\r\n");
}

/* @data in base64, 76 characters a line, CRLF after each. */
static void sb_base64(oa_buf *b, const char *data, size_t len)
{
	for (size_t off = 0; off < len; off += 57) {
		size_t n = len - off < 57 ? len - off : 57;
		char line[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(line, sizeof line, (const unsigned char *)data + off, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		oa_buf_str(b, line);
		oa_buf_str(b, "\r\n");
	}
}

typedef struct fields {
	const char *name, *offer, *link, *reason, *who;
	const char *date; /* a day, as the message's language writes it, or "" */
	const char *unsub; /* a one-click unsubscribe token, or "" */
	const char *base; /* the site's base URL */
	json_t *items; /* a digest's applications (checked), or NULL */
} fields;

static void sb_html_escape(oa_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': oa_buf_str(b, "&amp;"); break;
		case '<': oa_buf_str(b, "&lt;"); break;
		case '>': oa_buf_str(b, "&gt;"); break;
		case '"': oa_buf_str(b, "&quot;"); break;
		case '\'': oa_buf_str(b, "&#39;"); break;
		default: oa_buf_add(b, s, 1);
		}
	}
}

/* A field of the message's parameters: "" when absent; an error when it
 * is not one line of UTF-8 of at most FIELD_MAX bytes. */
static int get_field(json_t *params, const char *key, const char **out)
{
	json_t *v = json_object_get(params, key);
	*out = v && json_is_string(v) ? json_string_value(v) : "";
	return oa_check_text(key, *out, 0, FIELD_MAX, false, true);
}

/* A digest's applications, one a line: "offer: candidate" then the link. */
static void sb_list(oa_buf *b, const fields *f, bool html)
{
	size_t i;
	json_t *it;
	json_array_foreach(f->items, i, it)
	{
		const char *offer, *who, *app; /* checked by load_items: "" when absent */
		if (get_field(it, "offer", &offer) < 0 || get_field(it, "who", &who) < 0 ||
		    get_field(it, "app", &app) < 0)
			continue;
		if (i)
			oa_buf_str(b, html ? "<br>\r\n" : "\r\n");
		if (html) {
			oa_buf_str(b, "• ");
			sb_html_escape(b, offer);
			oa_buf_str(b, " : ");
			sb_html_escape(b, who);
			for (int k = 0; k < 2; k++) { /* the href, then the text */
				oa_buf_str(b, k ? "\">" : "<br>\r\n<a href=\"");
				oa_buf_str(b, f->base);
				oa_buf_str(b, "/applications/");
				oa_buf_str(b, app);
			}
			oa_buf_str(b, "</a>");
		} else {
			oa_buf_str(b, "- ");
			oa_buf_str(b, offer);
			oa_buf_str(b, " : ");
			oa_buf_str(b, who);
			oa_buf_str(b, "\r\n  ");
			oa_buf_str(b, f->base);
			oa_buf_str(b, "/applications/");
			oa_buf_str(b, app);
		}
	}
}

/* @tpl with {name}, {offer}, {link}, {reason}, {who}, {date}, {list} replaced; @html escapes the values,
 * makes the link a link and each paragraph a <p>. */
static void sb_fill(oa_buf *b, const char *tpl, const fields *f, bool html)
{
	if (html)
		oa_buf_str(b, "<p>");
	for (const char *p = tpl; *p;) {
		const char *val = NULL;
		size_t skip = 0;
		if (!strncmp(p, "{name}", 6))
			val = f->name, skip = 6;
		else if (!strncmp(p, "{offer}", 7))
			val = f->offer, skip = 7;
		else if (!strncmp(p, "{link}", 6))
			val = f->link, skip = 6;
		else if (!strncmp(p, "{reason}", 8))
			val = f->reason, skip = 8;
		else if (!strncmp(p, "{who}", 5))
			val = f->who, skip = 5;
		else if (!strncmp(p, "{date}", 6))
			val = f->date ? f->date : "", skip = 6;
		if (!strncmp(p, "{list}", 6)) {
			sb_list(b, f, html);
			skip = 6;
		} else if (skip && html && val == f->link) {
			oa_buf_str(b, "<a href=\"");
			sb_html_escape(b, val);
			oa_buf_str(b, "\">");
			sb_html_escape(b, val);
			oa_buf_str(b, "</a>");
		} else if (skip) {
			html ? sb_html_escape(b, val) : oa_buf_str(b, val);
		} else if (html && !strncmp(p, "\n\n", 2)) {
			oa_buf_str(b, "</p>\r\n<p>");
			skip = 2;
		} else if (*p == '\n') {
			oa_buf_str(b, html ? "<br>\r\n" : "\r\n");
			skip = 1;
		} else {
			char one[2] = { *p, 0 };
			html ? sb_html_escape(b, one) : oa_buf_add(b, p, 1);
			skip = 1;
		}
		p += skip;
	}
	oa_buf_str(b, html ? "</p>\r\n" : "\r\n");
}

static bool hex_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static bool app_ok(const char *app)
{
	return strspn(app, "0123456789") == strlen(app) && strlen(app) <= 18;
}

/* A digest's "items": each an object of "offer", "who" (text) and "app"
 * (digits); f->items borrows them. */
static int load_items(const offerapi_mail *m, json_t *params, fields *f)
{
	json_t *items = json_object_get(params, "items"), *it;
	size_t i;
	f->items = NULL;
	if (!items)
		return 0;
	if (!json_is_array(items) || json_array_size(items) > OFFERAPI_DIGEST_MAX)
		return oa_error(OFFERAPI_EINVAL, "mail %lld: malformed list", (long long)m->id);
	json_array_foreach(items, i, it)
	{
		const char *s;
		int rc;
		if ((rc = get_field(it, "offer", &s)) < 0 || (rc = get_field(it, "who", &s)) < 0 ||
		    (rc = get_field(it, "app", &s)) < 0)
			return rc;
		if (!app_ok(s) || !*s)
			return oa_error(OFFERAPI_EINVAL, "mail %lld: malformed list",
			                (long long)m->id);
	}
	f->items = items;
	return 0;
}

/* Fill @f from @m and @site: the link is base URL + path + token, or
 * + the application's id ("app") when there is no token and the path ends
 * with '/' ("/applications/"; the candidate's "/me/applications" is one
 * page for all their applications). */
static int load_fields(const offerapi_mail *m, const offerapi_mail_site *site,
                       const mail_template *t, json_t *params, fields *f, char **link)
{
	const char *token = "", *app = "";
	int rc;
	*link = NULL;
	f->base = site->base_url;
	if ((rc = get_field(params, "name", &f->name)) < 0 ||
	    (rc = get_field(params, "offer", &f->offer)) < 0 ||
	    (rc = get_field(params, "reason", &f->reason)) < 0 ||
	    (rc = get_field(params, "who", &f->who)) < 0 ||
	    (rc = get_field(params, "date", &f->date)) < 0 ||
	    (rc = get_field(params, "app", &app)) < 0 ||
	    (rc = get_field(params, "token", &token)) < 0 ||
	    (rc = get_field(params, "unsub", &f->unsub)) < 0)
		return rc;
	if (!hex_ok(token) || !hex_ok(f->unsub))
		return oa_error(OFFERAPI_EINVAL, "mail %lld: malformed token", (long long)m->id);
	if (!app_ok(app) || (rc = load_items(m, params, f)) < 0)
		return rc < 0 ? rc
		              : oa_error(OFFERAPI_EINVAL, "mail %lld: malformed application id",
		                         (long long)m->id);
	size_t lp = t->link_path ? strlen(t->link_path) : 0;
	if (!*token)
		token = lp && t->link_path[lp - 1] == '/' ? app : "";
	size_t n = strlen(site->base_url) + (t->link_path ? strlen(t->link_path) : 0) +
	           strlen(token) + 1;
	*link = malloc(n);
	if (!*link)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	snprintf(*link, n, "%s%s%s", site->base_url, t->link_path ? t->link_path : "",
	         t->link_path ? token : "");
	f->link = *link;
	return 0;
}

static int check_site(const offerapi_mail_site *site)
{
	char from[OFFERAPI_EMAIL_MAX + 1];
	int rc;
	if (!site || site->version != OFFERAPI_MAIL_SITE_VERSION)
		return oa_error(OFFERAPI_EINVAL, "mail site: missing, or another version");
	if ((rc = offerapi_email_normalize(site->from, from)) < 0)
		return oa_error(rc, "mail From address: %s", offerapi_error_last()->message);
	if (site->from_name &&
	    (rc = oa_check_text("mail From name", site->from_name, 1, 200, false, false)) < 0)
		return rc;
	return mail_check_base_url("mail base URL", site->base_url);
}

static void sb_date(oa_buf *b, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	gmtime_r(&t, &tm);
	oa_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
	              tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	              tm.tm_sec);
}

static void sb_headers(oa_buf *b, const offerapi_mail *m, const offerapi_mail_site *site,
                       const mail_template *t, const fields *f, const char *subject,
                       const char *boundary)
{
	const char *fname = site->from_name ? site->from_name : "OffreAPI";
	char from[OFFERAPI_EMAIL_MAX + 1];
	if (offerapi_email_normalize(site->from, from) < 0) /* checked before */
		from[0] = '\0';
	oa_buf_str(b, "From: ");
	if (header_plain(fname) && !strpbrk(fname, "\"\\"))
		oa_buf_printf(b, "\"%s\"", fname);
	else
		sb_encoded_words(b, fname);
	oa_buf_printf(b, "\r\n <%s>\r\n", from);
	oa_buf_printf(b, "To: <%s>\r\n", m->recipient);
	sb_header_text(b, "Subject", subject);
	sb_date(b, (time_t)(oa_now_ms() / 1000));
	oa_buf_printf(b, "Message-ID: <offerapi.%lld.%lld@%s>\r\n", (long long)m->id,
	              (long long)m->enqueued_ms,
	              strchr(from, '@') ? strchr(from, '@') + 1 : "offerapi");
	oa_buf_str(b, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	oa_buf_printf(b, "Content-Language: %s\r\n", t->lang);
	if (t->notification) { /* RFC 8058 one-click (with a token), then the settings page */
		oa_buf_str(b, "List-Unsubscribe: <");
		if (*f->unsub) {
			oa_buf_str(b, site->base_url);
			oa_buf_str(b, "/unsubscribe?t=");
			oa_buf_str(b, f->unsub);
			oa_buf_str(b, ">,\r\n <");
		}
		oa_buf_str(b, site->base_url);
		oa_buf_str(b, "/me/notifications>\r\n");
		if (*f->unsub)
			oa_buf_str(b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	oa_buf_printf(b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
	              boundary);
}

static void sb_part(oa_buf *b, const char *boundary, const char *type, const oa_buf *body)
{
	oa_buf_printf(b, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n", boundary, type);
	oa_buf_str(b, "Content-Transfer-Encoding: base64\r\n\r\n");
	sb_base64(b, body->p ? body->p : "", body->len);
}

/* A notification's last paragraph: where to stop such messages (the
 * one-click link's page, which asks before changing anything, or the
 * settings). */
static void sb_stop(oa_buf *b, const mail_template *t, const fields *f, bool html)
{
	if (!t->notification)
		return;
	oa_buf url = { 0 };
	oa_buf_str(&url, f->base);
	oa_buf_str(&url, *f->unsub ? "/unsubscribe?t=" : "/me/notifications");
	oa_buf_str(&url, f->unsub);
	const char *u = url.p ? url.p : "";
	oa_buf_str(b, html ? "<p>" : "\r\n");
	oa_buf_str(b, !strcmp(t->lang, "en") ? "To stop these e-mails: "
	                                     : "Pour ne plus recevoir ces e-mails : ");
	if (html) {
		oa_buf_str(b, "<a href=\"");
		oa_buf_str(b, u); /* base URL checked, token hex: nothing to escape */
		oa_buf_str(b, "\">");
	}
	oa_buf_str(b, u);
	oa_buf_str(b, html ? "</a></p>\r\n" : "\r\n");
	b->failed = b->failed || url.failed;
	free(url.p);
}

/* The whole message into @b from its checked pieces. */
static void compose(oa_buf *b, const offerapi_mail *m, const offerapi_mail_site *site,
                    const mail_template *t, const fields *f)
{
	oa_buf subject = { 0 }, text = { 0 }, html = { 0 };
	sb_fill(&subject, t->subject, f, false);
	if (subject.len >= 2)
		subject.p[subject.len -= 2] = '\0'; /* sb_fill ends with CRLF */
	sb_fill(&text, t->body, f, false);
	sb_stop(&text, t, f, false);
	oa_buf_printf(&html, "<!DOCTYPE html>\r\n<html lang=\"%s\"><head><meta charset=\"utf-8\">",
	              t->lang);
	oa_buf_str(&html, "<title>");
	sb_html_escape(&html, subject.p ? subject.p : "");
	oa_buf_str(&html, "</title></head>\r\n<body style=\"font-family: sans-serif\">\r\n");
	sb_fill(&html, t->body, f, true);
	sb_stop(&html, t, f, true);
	oa_buf_str(&html, "</body></html>\r\n");
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof rnd);
	char hex[2 * sizeof rnd + 1], boundary[48];
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(boundary, sizeof boundary, "=_offerapi_%s", hex);
	b->failed = subject.failed || text.failed || html.failed;
	sb_headers(b, m, site, t, f, subject.p ? subject.p : "", boundary);
	sb_part(b, boundary, "text/plain", &text);
	sb_part(b, boundary, "text/html", &html);
	oa_buf_printf(b, "--%s--\r\n", boundary);
	free(subject.p);
	free(text.p);
	free(html.p);
}

/* Parse the message's parameters and find its template. */
static int prepare(const offerapi_mail *m, const offerapi_mail_site *site, const mail_template **t,
                   json_t **params)
{
	char to[OFFERAPI_EMAIL_MAX + 1];
	int rc;
	*params = NULL;
	if (!m || (rc = offerapi_email_normalize(m->recipient, to)) < 0)
		return m ? oa_error(OFFERAPI_EINVAL, "mail %lld: bad recipient", (long long)m->id)
		         : oa_error(OFFERAPI_EINVAL, "mail: NULL");
	if (site && (rc = check_site(site)) < 0)
		return rc;
	if (!(*t = mail_template_find(m->kind, m->lang)))
		return oa_error(OFFERAPI_EINVAL, "mail %lld: unknown kind \"%.40s\"",
		                (long long)m->id, m->kind ? m->kind : "");
	json_error_t je;
	*params = json_loads(m->params ? m->params : "", 0, &je);
	if (!*params || !json_is_object(*params)) {
		json_decref(*params);
		*params = NULL;
		return oa_error(OFFERAPI_EINVAL, "mail %lld: its fields are not a JSON object",
		                (long long)m->id);
	}
	return 0;
}

int offerapi_mail_render(const offerapi_mail *m, const offerapi_mail_site *site, char **out,
                         size_t *out_len)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "mail render: no output");
	*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!site)
		return oa_error(OFFERAPI_EINVAL, "mail site: missing");
	const mail_template *t = NULL;
	json_t *params = NULL;
	int rc = prepare(m, site, &t, &params);
	fields f = { 0 };
	char *link = NULL;
	if (rc == 0)
		rc = load_fields(m, site, t, params, &f, &link);
	if (rc < 0) {
		json_decref(params);
		free(link);
		return rc;
	}
	oa_buf b = { 0 };
	compose(&b, m, site, t, &f);
	json_decref(params);
	oa_free_secret(link);
	if (b.failed) {
		free(b.p);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	*out = b.p;
	if (out_len)
		*out_len = b.len;
	return 0;
}

int offerapi_mail_subject(const offerapi_mail *m, char *out, size_t outsz)
{
	if (!out || !outsz)
		return oa_error(OFFERAPI_EINVAL, "mail subject: no output");
	out[0] = '\0';
	const mail_template *t = NULL;
	json_t *params = NULL;
	int rc = prepare(m, NULL, &t, &params);
	fields f = {
		.name = "", .offer = "", .link = "", .reason = "", .who = "", .date = "", .unsub = ""
	};
	if (rc == 0 && ((rc = get_field(params, "name", &f.name)) < 0 ||
	                (rc = get_field(params, "offer", &f.offer)) < 0 ||
	                (rc = get_field(params, "date", &f.date)) < 0))
		f.name = f.offer = f.date = "";
	if (t) {
		oa_buf s = { 0 };
		sb_fill(&s, t->subject, &f, false);
		if (s.len >= 2)
			s.p[s.len - 2] = '\0';
		snprintf(out, outsz, "%s", s.p && !s.failed ? s.p : "");
		free(s.p);
	}
	json_decref(params);
	return t ? 0 : rc;
}
