/*
 * form.c - request bodies and query strings: application/x-www-form-urlencoded
 * and multipart/form-data, parsed by our own small, bounded code.
 *
 * Why not CivetWeb's mg_handle_form_request: in CivetWeb 1.15 (Debian 12) a
 * url-encoded body that ends in an incomplete escape ("a=b%0") or holds a NUL
 * byte makes it spin forever at 100 % CPU, holding the worker and blocking
 * shutdown (docs/dependencies.md). Its parser reads from the connection, so
 * it cannot be fuzzed in-process either. Here the whole body is read first
 * (bounded), then parsed from memory by functions that fuzz/fuzz_form.c
 * drives directly; the file part is never copied, it points into the body.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "oacommon.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode @n bytes of url-encoded @s ('+' is a space, %XX a byte) into @dst,
 * NUL-terminated. Returns the decoded length, -2 when it does not fit in
 * @dstsz, -3 when malformed: a '%' not followed by two hex digits, or a NUL
 * byte, raw or encoded (values are C strings everywhere after this). */
int urlenc_decode(const char *s, size_t n, char *dst, size_t dstsz)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (n - i < 3)
				return -3;
			int a = hexval((unsigned char)s[i + 1]),
			    b = hexval((unsigned char)s[i + 2]);
			if (a < 0 || b < 0)
				return -3;
			c = a * 16 + b;
			i += 2;
		}
		if (c == 0)
			return -3;
		if (j + 1 >= dstsz)
			return -2;
		dst[j++] = (char)c;
	}
	if (dstsz == 0)
		return -2;
	dst[j] = '\0';
	return (int)j;
}

int form_var(const char *data, size_t len, const char *name, char *dst, size_t dstsz)
{
	if (!data || !dstsz)
		return -1;
	dst[0] = '\0';
	size_t nl = strlen(name);
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *kend = eq ? eq : stop;
		/* names are compared raw: ours never need escaping */
		if ((size_t)(kend - p) == nl && !memcmp(p, name, nl)) {
			if (!eq)
				return urlenc_decode("", 0, dst, dstsz);
			return urlenc_decode(eq + 1, (size_t)(stop - eq - 1), dst, dstsz);
		}
		p = stop + 1;
	}
	return -1;
}

/* ---- JSON ----------------------------------------------------------------- */

/* The deepest nesting of arrays and objects in JSON text @s, counted
 * outside strings; malformed text is left to the parser. */
int json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0;
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return max;
}

/* ---- bodies ---------------------------------------------------------------- */

static int form_fail(form *f, int status, const char *what)
{
	f->error = status;
	f->error_what = what;
	return status;
}

/* Record field @name = @value (both NUL-terminated in the body buffer). */
static int form_add(form *f, char *name, char *value, size_t len)
{
	if (f->nfields >= FORM_FIELDS_MAX)
		return form_fail(f, 400, "too many form fields");
	if (memchr(value, '\0', len))
		return form_fail(f, 400, "a form field holds a NUL byte");
	f->fields_total += len;
	if (f->fields_total > f->max_fields)
		return form_fail(f, 413, "fields");
	if (f->nfields == f->cap) { /* 16, 32, ... up to FORM_FIELDS_MAX */
		size_t cap = f->cap ? f->cap * 2 : 16;
		if (cap > FORM_FIELDS_MAX)
			cap = FORM_FIELDS_MAX;
		form_field *grown = realloc(f->fields, cap * sizeof *grown);
		if (!grown)
			return form_fail(f, 413, "fields");
		f->fields = grown;
		f->cap = cap;
	}
	f->fields[f->nfields++] = (form_field){ name, value, len };
	return 0;
}

/* a=1&b=2: every name and value decoded in place (decoding never lengthens),
 * so the fields point into the body and nothing is allocated. */
static int parse_urlencoded(form *f, char *body, size_t len)
{
	char *p = body, *end = body + len;
	while (p < end) {
		char *amp = memchr(p, '&', (size_t)(end - p));
		char *stop = amp ? amp : end;
		if (stop == p) { /* "a=1&&b=2": an empty pair is skipped */
			p = stop + 1;
			continue;
		}
		char *eq = memchr(p, '=', (size_t)(stop - p));
		char *kend = eq ? eq : stop;
		char *val = eq ? eq + 1 : stop;
		/* decode the value first: decoding the name writes its NUL at kend */
		int vn = urlenc_decode(val, (size_t)(stop - val), val, (size_t)(stop - val) + 1);
		int kn = urlenc_decode(p, (size_t)(kend - p), p, (size_t)(kend - p) + 1);
		if (vn < 0 || kn < 0)
			return form_fail(f, 400, "malformed form: a bad %-escape or a NUL byte");
		if (!eq)
			val = p + kn; /* "flag" alone: an empty value (its NUL ends the name) */
		int rc = form_add(f, p, val, (size_t)vn);
		if (rc)
			return rc;
		p = stop + 1;
	}
	return 0;
}

/* The boundary parameter of a multipart Content-Type (RFC 2046 §5.1.1:
 * 1 to 70 characters, quoted or not). Returns its length, 0 if none. */
static size_t mp_boundary(const char *ct, char *dst, size_t dstsz)
{
	const char *p = ct;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		bool quoted = *p == '"';
		p += quoted;
		size_t n = 0;
		while (p[n] && n + 1 < dstsz &&
		       (quoted ? p[n] != '"' : (p[n] != ';' && p[n] != ' ' && p[n] != '\t')))
			n++;
		if (n == 0 || n > 70 || (quoted && p[n] != '"'))
			return 0;
		memcpy(dst, p, n);
		dst[n] = '\0';
		return n;
	}
	return 0;
}

/* Parse the parameters of a Content-Disposition value in place: the values
 * of "name" and "filename" become NUL-terminated strings inside @s (quoted
 * strings lose their quotes and backslashes). Other parameters, filename*
 * included, are ignored. The terminators are written after the scan, since
 * an unquoted value ends on the ';' that the scan still reads. Returns false
 * when malformed. */
static bool mp_disposition(char *s, char **name, char **filename)
{
	char *vals[2] = { NULL, NULL };
	size_t lens[2] = { 0, 0 };
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncasecmp(s, "form-data", 9) != 0)
		return false;
	s += 9;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (*s++ != ';')
			return false;
		while (*s == ' ' || *s == '\t')
			s++;
		char *key = s;
		while (*s && *s != '=' && *s != ';' && *s != ' ' && *s != '\t')
			s++;
		size_t klen = (size_t)(s - key);
		if (*s != '=')
			continue; /* a bare token: ignored */
		char *val = ++s, *w = s;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1])
					s++;
				*w++ = *s;
			}
			if (*s++ != '"')
				return false;
		} else {
			while (*s && *s != ';' && *s != ' ' && *s != '\t')
				*w++ = *s++;
		}
		int k = klen == 4 && !strncasecmp(key, "name", 4)       ? 0
		        : klen == 8 && !strncasecmp(key, "filename", 8) ? 1
		                                                        : -1;
		if (k >= 0) {
			vals[k] = val;
			lens[k] = (size_t)(w - val);
		}
	}
	for (int k = 0; k < 2; k++)
		if (vals[k])
			vals[k][lens[k]] = '\0';
	*name = vals[0];
	*filename = vals[1];
	return true;
}

/* Keep an uploaded file's name readable but harmless: the last component of
 * any path, without control characters, valid UTF-8 (other bytes become
 * '_'), at most OFFERAPI_FILENAME_MAX bytes cut on a character boundary;
 * "cv.pdf" when nothing is left. Percent signs are kept as sent. */
static void mp_filename(form *f, const char *name)
{
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t j = 0, cap = sizeof f->filename - 1;
	const unsigned char *s = (const unsigned char *)base;
	while (*s && j < cap) {
		size_t k = 1;
		if (*s >= 0x80) {
			k = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : 2;
			if (!oa_utf8_valid((const char *)s, strnlen((const char *)s, k)) ||
			    strnlen((const char *)s, k) < k) {
				f->filename[j++] = '_';
				s++;
				continue;
			}
			if (j + k > cap)
				break;
			memcpy(f->filename + j, s, k);
			j += k;
		} else if (*s >= 0x20 && *s != 0x7f) {
			f->filename[j++] = (char)*s;
		}
		s += k;
	}
	while (j && f->filename[j - 1] == ' ')
		j--;
	f->filename[j] = '\0';
	if (!j || !strcmp(f->filename, ".") || !strcmp(f->filename, ".."))
		strcpy(f->filename, "cv.pdf");
}

/* One part: its head at [h, hend) (CRLF-separated lines), its content at
 * [c, c + n). Only Content-Disposition matters; the file's content type is
 * not trusted (the library looks at the bytes). */
static int mp_part(form *f, char *h, char *hend, char *c, size_t n)
{
	char *name = NULL, *filename = NULL;
	bool seen = false;
	while (h < hend) {
		char *eol = memchr(h, '\r', (size_t)(hend - h));
		if (!eol)
			eol = hend;
		*eol = '\0';
		if (memchr(h, '\0', (size_t)(eol - h)))
			return form_fail(f, 400, "malformed form: a NUL byte in a part's head");
		if (!strncasecmp(h, "content-disposition:", 20)) {
			if (seen || !mp_disposition(h + 20, &name, &filename))
				return form_fail(f, 400,
				                 "malformed form: a bad Content-Disposition");
			seen = true;
		}
		h = eol + 2;
	}
	if (!name || !*name)
		return form_fail(f, 400, "malformed form: a part without a name");
	if (filename && *filename) {
		if (f->has_file)
			return form_fail(f, 400, "only one file may be sent");
		if (n > f->max_file)
			return form_fail(f, 413, "file");
		f->has_file = true;
		f->file = c;
		f->file_len = n;
		mp_filename(f, filename);
		return 0;
	}
	c[n] = '\0'; /* over the CR of the next delimiter */
	return form_add(f, name, c, n);
}

static int parse_multipart(form *f, const char *ct, char *body, size_t len)
{
	char b[80] = "\r\n--";
	size_t bl = mp_boundary(ct, b + 4, sizeof b - 4);
	if (!bl)
		return form_fail(f, 400, "malformed form: no boundary in Content-Type");
	bl += 4; /* the delimiter is CRLF "--" boundary */
	char *end = body + len, *p;
	/* the first delimiter may open the body without its CRLF */
	if (len >= bl - 2 && !memcmp(body, b + 2, bl - 2))
		p = body + bl - 2;
	else if ((p = memmem(body, len, b, bl)) != NULL)
		p += bl;
	else
		return form_fail(f, 400, "malformed form: no boundary in the body");
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0; /* the close delimiter; the epilogue is ignored */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return form_fail(f, 400, "malformed form: a bad delimiter line");
		p += 2;
		char *hend, *content;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			hend = p; /* no header at all */
			content = p + 2;
		} else {
			size_t room = (size_t)(end - p) < 8192 ? (size_t)(end - p) : 8192;
			if (!(hend = memmem(p, room, "\r\n\r\n", 4)))
				return form_fail(
					f, 400,
					"malformed form: a part's head is missing or too long");
			content = hend + 4;
		}
		char *next = memmem(content, (size_t)(end - content), b, bl);
		if (!next)
			return form_fail(f, 400, "malformed form: a part is not terminated");
		int rc = mp_part(f, p, hend, content, (size_t)(next - content));
		if (rc)
			return rc;
		p = next + bl;
	}
}

int form_parse_body(form *f, const char *ct, char *body, size_t len, size_t max_file,
                    size_t max_fields)
{
	memset(f, 0, sizeof *f);
	f->body = body;
	f->max_file = max_file;
	f->max_fields = max_fields;
	if (!ct)
		ct = "";
	bool url = !strncasecmp(ct, "application/x-www-form-urlencoded", 33);
	if ((url || !strncasecmp(ct, "multipart/form-data", 19)) && len == 0)
		return 0; /* an empty form: a bare button has only its token, if that */
	if (url)
		return parse_urlencoded(f, body, len);
	if (!strncasecmp(ct, "multipart/form-data", 19))
		return parse_multipart(f, ct, body, len);
	return form_fail(f, 400,
	                 "the body must be a form (multipart/form-data or "
	                 "application/x-www-form-urlencoded)");
}

const char *form_get(const form *f, const char *name)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (!strcmp(f->fields[i].name, name))
			return f->fields[i].value;
	return NULL;
}

size_t form_get_all(const form *f, const char *name, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < f->nfields; i++)
		if (!strcmp(f->fields[i].name, name)) {
			if (n < max)
				out[n] = f->fields[i].value;
			n++;
		}
	return n;
}

size_t form_answers(const form *f, const char **answers, size_t max)
{
	size_t n = 0;
	for (; n < max; n++) {
		char name[32];
		snprintf(name, sizeof name, "answer_%zu", n);
		if (!(answers[n] = form_get(f, name)))
			break;
	}
	return n;
}

void form_free(form *f)
{
	free(f->body);
	f->body = NULL;
	free(f->fields);
	f->fields = NULL;
	f->nfields = f->cap = 0;
}
