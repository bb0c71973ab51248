/*
 * http.c - buffers, escaping, responses, forms, cookies, CSRF and the
 * failed-login limiter of offerapi-server.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"

/* ---- buf --------------------------------------------------------------------- */

/* Start an empty buffer with room for @cap bytes (allocation is lazy on
 * failure: .failed is set and appends are dropped). */
void buf_init(buf *b, size_t cap)
{
	b->len = 0;
	b->failed = false;
	b->cap = cap ? cap : 64;
	b->data = malloc(b->cap);
	if (!b->data) {
		b->cap = 0;
		b->failed = true;
	} else {
		b->data[0] = '\0';
	}
}

void buf_free(buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Make room for @n more bytes plus the NUL; doubles to keep appends O(1). */
static bool buf_grow(buf *b, size_t n)
{
	if (b->failed)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			b->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void buf_add(buf *b, const void *p, size_t n)
{
	if (!n || !buf_grow(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
	if (s)
		buf_add(b, s, strlen(s));
}

void buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof small) {
		buf_add(b, small, (size_t)n);
		return;
	}
	if (!buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Escape for HTML: the five characters that can end a text node or an
 * attribute value. Control characters other than tab/newline are dropped
 * so that stored junk cannot produce invalid documents. */
void buf_escn(buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
				rep = "";
		}
		if (rep) {
			buf_add(b, s + start, i - start);
			buf_puts(b, rep);
			start = i + 1;
		}
	}
	buf_add(b, s + start, n - start);
}

void buf_esc(buf *b, const char *s)
{
	if (s)
		buf_escn(b, s, strlen(s));
}

/* ---- responses ------------------------------------------------------------------ */

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void req_header(req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = sizeof r->extra_headers - r->extra_len;
	int n = vsnprintf(r->extra_headers + r->extra_len, room, fmt, ap);
	va_end(ap);
	/* A header that does not fit (with its CRLF) is dropped whole. */
	if (n < 0 || (size_t)n + 2 >= room) {
		r->extra_headers[r->extra_len] = '\0';
		return;
	}
	r->extra_len += (size_t)n;
	memcpy(r->extra_headers + r->extra_len, "\r\n", 3);
	r->extra_len += 2;
}

/* Build the head into a buffer that already has room for the body, then
 * send both with one mg_write: see docs/dependencies.md (Nagle + delayed ACK). HEAD
 * requests get the head only. */
void respond(req *r, int status, const char *ctype, const void *body, size_t len)
{
	if (r->status) /* already answered: never write twice */
		return;
	if (r->set_anon)
		req_header(r, "Set-Cookie: oa_anon=%s; Path=/; HttpOnly; SameSite=Lax%s", r->anon,
		           r->secure ? "; Secure" : "");
	buf out;
	buf_init(&out, 512 + len);
	buf_printf(&out,
	           "HTTP/1.1 %d %s\r\n"
	           "Content-Length: %zu\r\n"
	           "X-Request-Id: %s\r\n"
	           "X-Content-Type-Options: nosniff\r\n"
	           "Referrer-Policy: same-origin\r\n",
	           status, reason(status), len, r->request_id);
	if (ctype) {
		buf_printf(&out, "Content-Type: %s\r\n", ctype);
		if (!strncmp(ctype, "text/html", 9))
			buf_puts(
				&out,
				"Content-Security-Policy: default-src 'none'; style-src 'self'; "
				"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
				"base-uri 'none'\r\nX-Frame-Options: DENY\r\n");
	}
	if (r->keep_alive_off)
		buf_puts(&out, "Connection: close\r\n");
	buf_add(&out, r->extra_headers, r->extra_len);
	buf_puts(&out, "\r\n");
	if (strcmp(r->method, "HEAD") != 0)
		buf_add(&out, body, len);
	r->status = status;
	if (out.failed) {
		static const char oom[] = "HTTP/1.1 500 Internal Server Error\r\n"
					  "Content-Length: 0\r\nConnection: close\r\n\r\n";
		mg_write(r->conn, oom, sizeof oom - 1);
		r->status = 500;
	} else {
		mg_write(r->conn, out.data, out.len);
		r->sent = len;
	}
	buf_free(&out);
}

void respond_redirect(req *r, const char *location)
{
	req_header(r, "Location: %s", location);
	respond(r, 303, NULL, "", 0);
}

void respond_json(req *r, int status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (!s) {
		static const char e[] =
			"{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
		respond(r, 500, "application/json", e, sizeof e - 1);
		return;
	}
	/* API answers carry personal data and tokens: never cached */
	if (!strstr(r->extra_headers, "Cache-Control:"))
		req_header(r, "Cache-Control: no-store");
	respond(r, status, "application/json", s, strlen(s));
	free(s);
}

void respond_api_error(req *r, int status, const char *code, const char *message)
{
	json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
	                      message ? message : "");
	respond_json(r, status, j);
}

/* The mapping documented in docs/server.md: validation errors are 422,
 * malformed requests (found by the server) 400; a file that is not a PDF is
 * 415, a PDF we cannot use 422; too large 413 only for uploads (a too long
 * field is a validation error); database trouble 503 with Retry-After. */
int http_status_for(int rc, bool upload, const char **code)
{
	switch (rc) {
	case OFFERAPI_EINVAL: *code = "invalid"; return 422;
	case OFFERAPI_ENOTFOUND: *code = "not_found"; return 404;
	case OFFERAPI_EEXISTS: *code = "exists"; return 409;
	case OFFERAPI_EPERM: *code = "forbidden"; return 403;
	case OFFERAPI_EAUTH: *code = "unauthenticated"; return 401;
	case OFFERAPI_ETOOBIG: *code = "too_big"; return upload ? 413 : 422;
	case OFFERAPI_ENOTPDF: *code = "not_pdf"; return 415;
	case OFFERAPI_EPDFDAMAGED: *code = "pdf_damaged"; return 422;
	case OFFERAPI_EPDFENCRYPTED: *code = "pdf_encrypted"; return 422;
	case OFFERAPI_ETOOMANYPAGES: *code = "too_many_pages"; return 422;
	case OFFERAPI_ENOTEXT: *code = "no_text"; return 422;
	case OFFERAPI_ECLOSED: *code = "closed"; return 409;
	case OFFERAPI_EUNAVAILABLE: *code = "unavailable"; return 503;
	case OFFERAPI_EBUSY: *code = "busy"; return 503;
	case OFFERAPI_EREADONLY: *code = "read_only"; return 503;
	case OFFERAPI_ETIMEOUT: *code = "timeout"; return 503;
	default: *code = "internal"; return 500;
	}
}

void api_fail(req *r, int rc, bool upload)
{
	const char *code;
	int status = http_status_for(rc, upload, &code);
	if (status >= 500)
		metrics_db_error(rc);
	if (status == 503)
		req_header(r, "Retry-After: 5");
	const offerapi_error *e = offerapi_error_last();
	const char *msg = e->code == rc ? e->message : offerapi_strerror(rc);
	if (status == 500) {
		fprintf(stderr, "level=error request_id=%s msg=\"internal error\" detail=\"%s\"\n",
		        r->request_id, msg);
		msg = "internal error";
	}
	respond_api_error(r, status, code, msg);
}

/* ---- request helpers ------------------------------------------------------------- */

int read_body(req *r, size_t max, char **out, size_t *out_len)
{
	long long cl = r->ri->content_length;
	if (cl > 0 && (unsigned long long)cl > max) {
		r->keep_alive_off = true;
		return 413;
	}
	buf b;
	buf_init(&b, cl > 0 ? (size_t)cl + 1 : 1024);
	char tmp[8192];
	int n;
	while ((n = mg_read(r->conn, tmp, sizeof tmp)) > 0) {
		if (b.len + (size_t)n > max) {
			buf_free(&b);
			r->keep_alive_off = true;
			return 413;
		}
		buf_add(&b, tmp, (size_t)n);
	}
	if (b.failed) {
		buf_free(&b);
		return 400;
	}
	*out = b.data;
	*out_len = b.len;
	return 0;
}

/* Read the body (bounded) and parse it as a form: see form.c. */
int form_parse(req *r, form *f, size_t max_file, size_t max_fields)
{
	memset(f, 0, sizeof *f);
	const char *ct = mg_get_header(r->conn, "Content-Type");
	if (!ct || (strncasecmp(ct, "multipart/form-data", 19) != 0 &&
	            strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0))
		return form_parse_body(f, ct, NULL, 0, max_file, max_fields);
	/* the margin covers the multipart boundaries and part heads */
	char *body = NULL;
	size_t len = 0;
	int rc = read_body(r, max_file + max_fields + 16384, &body, &len);
	if (rc) {
		f->error = rc;
		f->error_what = rc == 413 ? (max_file ? "file" : "fields") : "unreadable body";
		return rc;
	}
	rc = form_parse_body(f, ct, body, len, max_file, max_fields);
	if (rc)
		r->keep_alive_off = true;
	return rc;
}

const char *cookie_value(req *r, const char *name, char *dst, size_t dstsz)
{
	const char *c = mg_get_header(r->conn, "Cookie");
	if (!c || mg_get_cookie(c, name, dst, dstsz) < 0)
		return NULL;
	return dst;
}

/* ---- CSRF and cookies ------------------------------------------------------------------ */

/* The token is HMAC-SHA256(server key, "s:" session token) for a logged-in
 * user, or of "a:" + the anonymous cookie otherwise: an attacker's page can
 * neither read it nor compute it, and replicas sharing OFFERAPI_SECRET
 * accept each other's forms. */
void csrf_compute(req *r)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, g_app.csrf_key, sizeof g_app.csrf_key);
	if (r->user && r->session[0]) {
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)"s:", 2);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)r->session,
		                              strlen(r->session));
	} else {
		if (!r->anon[0]) {
			unsigned char rnd[16];
			randombytes_buf(rnd, sizeof rnd);
			sodium_bin2hex(r->anon, sizeof r->anon, rnd, sizeof rnd);
			r->set_anon = true;
		}
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)"a:", 2);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)r->anon, strlen(r->anon));
	}
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(r->csrf, sizeof r->csrf, mac, sizeof mac);
}

bool csrf_ok(req *r, const char *token)
{
	if (!token || strlen(token) != 64)
		return false;
	if (!r->csrf[0])
		csrf_compute(r);
	return sodium_memcmp(token, r->csrf, 64) == 0;
}

void cookie_set_session(req *r, const char *token)
{
	req_header(r, "Set-Cookie: oa_session=%s; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax%s",
	           token, r->secure ? "; Secure" : "");
}

void cookie_clear_session(req *r)
{
	req_header(r, "Set-Cookie: oa_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
	           r->secure ? "; Secure" : "");
}

/* ---- failed-login limiter ----------------------------------------------------------------- */

/* A fixed table of recent failures keyed by "l:login" or "a:address". Per
 * process (each replica limits on its own: documented); entries older than
 * the window are reused, so memory stays bounded whatever an attacker sends. */
#define LIMIT_SLOTS 4096
typedef struct limit_slot {
	uint64_t hash;
	unsigned failures;
	time_t first;
} limit_slot;
static limit_slot limit_table[LIMIT_SLOTS];
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t limit_hash(char kind, const char *s)
{
	unsigned char h[8];
	unsigned char in[2 + OFFERAPI_LOGIN_MAX + 64];
	size_t n = strlen(s);
	if (n > sizeof in - 2)
		n = sizeof in - 2;
	in[0] = (unsigned char)kind;
	in[1] = ':';
	for (size_t i = 0; i < n; i++)
		in[2 + i] = (unsigned char)tolower((unsigned char)s[i]);
	crypto_shorthash(h, in, n + 2, g_app.csrf_key);
	uint64_t v;
	memcpy(&v, h, 8);
	return v ? v : 1;
}

/* Find the slot of @h among the 8 slots of its probe run. With @create,
 * a missing key takes a free slot, else an expired one, else the oldest:
 * an attacker flooding the table can only evict, never grow it. */
static limit_slot *limit_find(uint64_t h, time_t now, bool create)
{
	size_t i0 = (size_t)(h % LIMIT_SLOTS);
	limit_slot *victim = NULL;
	for (size_t k = 0; k < 8; k++) {
		limit_slot *s = &limit_table[(i0 + k) % LIMIT_SLOTS];
		if (s->hash == h)
			return s;
		bool reusable = s->hash == 0 || now - s->first >= (time_t)g_app.cfg.login_window_s;
		if (!victim || (reusable && victim->hash != 0) ||
		    (victim->hash != 0 && s->first < victim->first))
			victim = s;
	}
	if (!create)
		return NULL;
	victim->hash = h;
	victim->failures = 0;
	victim->first = now;
	return victim;
}

static unsigned limit_check_one(uint64_t h, time_t now, unsigned max)
{
	limit_slot *s = limit_find(h, now, false);
	if (!s)
		return 0;
	time_t age = now - s->first;
	if (age >= (time_t)g_app.cfg.login_window_s)
		return 0;
	if (s->failures >= max)
		return (unsigned)(g_app.cfg.login_window_s - (unsigned)age);
	return 0;
}

static void limit_bump(uint64_t h, time_t now);

/* Check the limits and, when the attempt may go on, count it as a failure
 * in the same step, before the slow password hash: attempts sent at the
 * same moment cannot all pass the check. login_succeeded() takes the count
 * back. Returns 0, or the seconds to wait. */
unsigned login_attempt_begin(const char *login, const char *addr)
{
	if (!g_app.cfg.login_max_failures)
		return 0;
	time_t now = time(NULL);
	uint64_t hl = limit_hash('l', login), ha = limit_hash('a', addr);
	pthread_mutex_lock(&limit_lock);
	/* Addresses get four times the allowance: many people share one NAT. */
	unsigned a = limit_check_one(hl, now, g_app.cfg.login_max_failures);
	unsigned b = limit_check_one(ha, now, 4 * g_app.cfg.login_max_failures);
	if (!a && !b) {
		limit_bump(hl, now);
		limit_bump(ha, now);
	}
	pthread_mutex_unlock(&limit_lock);
	return a > b ? a : b;
}

static void limit_bump(uint64_t h, time_t now)
{
	limit_slot *s = limit_find(h, now, true);
	if (now - s->first >= (time_t)g_app.cfg.login_window_s) {
		s->first = now;
		s->failures = 0;
	}
	s->failures++;
}

/* An attempt that never reached a verdict (the database failed): give
 * back what login_attempt_begin() counted, on both counters. */
void login_attempt_undo(const char *login, const char *addr)
{
	if (!g_app.cfg.login_max_failures)
		return;
	pthread_mutex_lock(&limit_lock);
	time_t now = time(NULL);
	limit_slot *s = limit_find(limit_hash('l', login), now, false);
	if (s && s->failures)
		s->failures--;
	s = limit_find(limit_hash('a', addr), now, false);
	if (s && s->failures)
		s->failures--;
	pthread_mutex_unlock(&limit_lock);
}

/* A good password: the account's count starts again, and the address gets
 * back the attempt login_attempt_begin() counted. */
void login_succeeded(const char *login, const char *addr)
{
	if (!g_app.cfg.login_max_failures)
		return;
	pthread_mutex_lock(&limit_lock);
	time_t now = time(NULL);
	limit_slot *s = limit_find(limit_hash('l', login), now, false);
	if (s)
		s->hash = 0;
	s = limit_find(limit_hash('a', addr), now, false);
	if (s && s->failures)
		s->failures--;
	pthread_mutex_unlock(&limit_lock);
}
