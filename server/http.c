/*
 * http.c - responses (one write each), the error mapping shared by pages and
 * API, request bodies, query strings, cookies and CSRF tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "form.h"
#include "i18n.h"
#include "metrics.h"
#include "svc.h"

/* ---- clocks ------------------------------------------------------------------------- */

double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double now_real(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- responses ---------------------------------------------------------------------- */

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

/* ---- errors ------------------------------------------------------------------------- */

/* Status and stable code of each error (docs/server.md, "Errors"): validation
 * errors are 422; a file that is not a PDF 415, a PDF we cannot use 422; too
 * large 413 only for uploads (a too long field is a validation error);
 * database trouble 503 with Retry-After. */
static int status_of(int rc, bool upload, const char **code)
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
	case SVC_ELIMITED: *code = "rate_limited"; return 429;
	default: *code = "internal"; return 500;
	}
}

void http_error_for(req *r, int rc, bool upload, http_error *out)
{
	out->status = status_of(rc, upload, &out->code);
	const char *key = svc_last_key(rc);
	if (out->status >= 500) {
		/* the detail (a database host, a libpq message) is for the log only */
		metrics_db_error(rc);
		const offerapi_error *e = offerapi_error_last();
		fprintf(stderr, "level=error request_id=%s msg=\"%s\" code=%d detail=\"%s\"\n",
		        r->request_id, out->status == 503 ? "unavailable" : "internal error", rc,
		        e->code == rc ? e->message : offerapi_strerror(rc));
		if (out->status == 503)
			req_header(r, "Retry-After: 5");
	}
	out->message = key ? T(r, key) : error_text(r, rc);
	const offerapi_error *e = offerapi_error_last();
	out->detail = !key && out->status < 500 && e->code == rc && e->message[0] ? e->message
	                                                                          : out->message;
}

/* ---- request helpers -------------------------------------------------------------------- */

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

int query_var(const req *r, const char *name, char *dst, size_t dstsz)
{
	return form_var(r->query, strlen(r->query), name, dst, dstsz);
}

/* A multipart body whose file is over the limit: keep its first bytes
 * (the pages put the file last, so the typed fields come first) and read
 * and drop the rest, up to a bound, so the browser reads the answer (a
 * connection closed on unsent data may reset the page). The fields found
 * complete in the kept part stay in @f; returns 413, f->error_what "file". */
static int form_parse_too_big(req *r, form *f, const char *ct, size_t max_file, size_t max_fields)
{
	size_t keep = max_fields + 16384, drain = 4 * (max_file + max_fields);
	buf b;
	buf_init(&b, keep + 1);
	char tmp[16384];
	size_t total = 0;
	int n;
	while (total < drain && (n = mg_read(r->conn, tmp, sizeof tmp)) > 0) {
		if (b.len < keep)
			buf_add(&b, tmp, (size_t)n < keep - b.len ? (size_t)n : keep - b.len);
		total += (size_t)n;
	}
	r->keep_alive_off = true;
	if (!b.failed) { /* NUL-terminated, as the parser needs */
		form_parse_body(f, ct, b.data, b.len, max_file, max_fields);
	} else {
		buf_free(&b);
		memset(f, 0, sizeof *f);
	}
	f->error = 413;
	f->error_what = "file";
	return 413;
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
	size_t len = 0, max = max_file + max_fields + 16384;
	long long cl = r->ri->content_length;
	if (max_file && cl > 0 && (unsigned long long)cl > max &&
	    !strncasecmp(ct, "multipart/form-data", 19))
		return form_parse_too_big(r, f, ct, max_file, max_fields);
	int rc = read_body(r, max, &body, &len);
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
	crypto_auth_hmacsha256_init(&st, r->app->csrf_key, sizeof r->app->csrf_key);
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

/* ---- downloads: the same answer for pages and API ---------------------------------------- */

void respond_csv(req *r, const buf *b)
{
	req_header(r, "Content-Disposition: attachment; filename=\"offer-%lld-applications.csv\"",
	           (long long)r->id);
	req_header(r, "Cache-Control: no-store");
	respond(r, 200, "text/csv; charset=utf-8", b->data, b->len);
}

/* A CV is a document a stranger wrote: it is downloaded, never rendered
 * from our origin, and sandboxed should a browser render it anyway. */
void respond_pdf(req *r, const void *pdf, size_t len)
{
	req_header(r, "Content-Disposition: attachment; filename=\"cv-%lld.pdf\"",
	           (long long)r->id);
	req_header(r, "Content-Security-Policy: sandbox; default-src 'none'");
	req_header(r, "Cache-Control: private, no-store");
	respond(r, 200, "application/pdf", pdf, len);
}

void respond_cv_text(req *r, const offerapi_application *a)
{
	const char *t = a->cv_text ? a->cv_text : "";
	req_header(r, "Content-Security-Policy: sandbox; default-src 'none'");
	req_header(r, "Cache-Control: private, no-store");
	respond(r, 200, "text/plain; charset=utf-8", t, strlen(t));
}
