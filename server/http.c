/*
 * http.c - responses (one write each), the error mapping shared by pages and
 * API, request bodies, query strings, cookies and CSRF tokens.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "deadline.h"
#include "form.h"
#include "i18n.h"
#include "metrics.h"
#include "svc.h"
#include "oacommon.h"

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

const char *http_reason(int status)
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
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
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

/* Make CivetWeb close the connection once this request is answered.
 * CivetWeb 1.15 has no call for it: it keeps a connection when the
 * request asked for keep-alive (its Connection header, else HTTP/1.1), so
 * the request is made to say "close". Without this, bytes a client sent
 * after a refused request (a smuggled second request) would be served. */
static void close_after(req *r)
{
	struct mg_request_info *ri = (struct mg_request_info *)r->ri;
	for (int i = 0; i < ri->num_headers; i++)
		if (!strcasecmp(ri->http_headers[i].name, "Connection"))
			ri->http_headers[i].value = "close";
	ri->http_version = "1.0";
}

/* Build the head into a buffer that already has room for the body, then
 * send both with one mg_write: see docs/dependencies.md (Nagle + delayed ACK). HEAD
 * requests get the head only. */
/* The status line and headers of a response into @out; @length is the
 * framing header line ("Content-Length: N" or "Transfer-Encoding: chunked"). */
static void head(req *r, buf *out, int status, const char *ctype, const char *length)
{
	if (r->set_anon)
		req_header(r, "Set-Cookie: oa_anon=%s; Path=/; HttpOnly; SameSite=Lax%s", r->anon,
		           r->secure ? "; Secure" : "");
	buf_printf(out,
	           "HTTP/1.1 %d %s\r\n"
	           "%s\r\n"
	           "X-Request-Id: %s\r\n"
	           "X-Content-Type-Options: nosniff\r\n"
	           "Referrer-Policy: same-origin\r\n",
	           status, http_reason(status), length, r->request_id);
	if (ctype) {
		buf_printf(out, "Content-Type: %s\r\n", ctype);
		if (!strncmp(ctype, "text/html", 9))
			buf_puts(
				out,
				"Content-Security-Policy: default-src 'none'; style-src 'self'; "
				"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
				"base-uri 'none'\r\nX-Frame-Options: DENY\r\n");
	}
	if (r->keep_alive_off) {
		buf_puts(out, "Connection: close\r\n");
		close_after(r);
	}
	buf_add(out, r->extra_headers, r->extra_len);
	buf_puts(out, "\r\n");
}

static void write_oom(req *r)
{
	static const char oom[] = "HTTP/1.1 500 Internal Server Error\r\n"
				  "Content-Length: 0\r\nConnection: close\r\n\r\n";
	mg_write(r->conn, oom, sizeof oom - 1);
	r->status = 500;
}

void respond(req *r, int status, const char *ctype, const void *body, size_t len)
{
	if (r->status) /* already answered: never write twice */
		return;
	idem_store(r, status, ctype, body, len);
	char length[48];
	snprintf(length, sizeof length, "Content-Length: %zu", len);
	buf out;
	buf_init(&out, 512 + len);
	head(r, &out, status, ctype, length);
	if (strcmp(r->method, "HEAD") != 0)
		buf_add(&out, body, len);
	r->status = status;
	if (out.failed) {
		write_oom(r);
	} else {
		mg_write(r->conn, out.p, out.len);
		r->sent = len;
	}
	buf_free(&out);
}

void respond_buf(req *r, int status, const char *ctype, buf *b)
{
	if (r->status || b->failed) {
		if (b->failed)
			respond(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
		buf_free(b);
		return;
	}
	size_t len = b->len;
	idem_store(r, status, ctype, b->p, len);
	char length[48];
	snprintf(length, sizeof length, "Content-Length: %zu", len);
	buf h;
	buf_init(&h, 1024);
	head(r, &h, status, ctype, length);
	bool body = strcmp(r->method, "HEAD") != 0;
	r->status = status;
	/* the headers go in front of the body, in the body's own spare room: a
	 * page of 50 KB then needs no second 50 KB copy while it is sent */
	if (h.failed || (body && b->cap < len + h.len + 1)) {
		if (h.failed)
			write_oom(r);
		else {
			buf_add(&h, b->p, len);
			if (h.failed)
				write_oom(r);
			else {
				mg_write(r->conn, h.p, h.len);
				r->sent = len;
			}
		}
		buf_free(&h);
		buf_free(b);
		return;
	}
	if (body) {
		memmove(b->p + h.len, b->p, len);
		memcpy(b->p, h.p, h.len);
		mg_write(r->conn, b->p, h.len + len);
	} else {
		mg_write(r->conn, h.p, h.len);
	}
	r->sent = len;
	buf_free(&h);
	buf_free(b);
}

/* HTTP/1.0 knows no chunks: the body then ends with the connection. Read
 * once at the start of a stream: head() may mark the request 1.0 to close
 * the connection after it (close_after). */
static bool chunked(const req *r)
{
	return r->stream_chunked;
}

void respond_stream_start(req *r, int status, const char *ctype)
{
	if (r->status)
		return;
	r->stream_chunked = !r->ri->http_version || strcmp(r->ri->http_version, "1.0") != 0;
	if (!chunked(r))
		r->keep_alive_off = true;
	buf_init(&r->stream_head, 1024);
	head(r, &r->stream_head, status, ctype,
	     chunked(r) ? "Transfer-Encoding: chunked" : "Cache-Control: no-store");
	r->status = status;
	r->streaming = true;
}

/* Headers not yet written, then the chunk of @data (its size line, the
 * data, CRLF), then @tail: one mg_write() (docs/dependencies.md, "One
 * write per response": two writes meet Nagle's algorithm). */
static int stream_write(req *r, const void *data, size_t len, const char *tail)
{
	if (!r->streaming)
		return -1;
	buf *b = &r->stream_head;
	bool head_only = !strcmp(r->method, "HEAD");
	if (len && !head_only) {
		if (chunked(r))
			buf_printf(b, "%zx\r\n", len);
		buf_add(b, data, len);
		if (chunked(r))
			buf_puts(b, "\r\n");
	}
	if (tail && !head_only)
		buf_puts(b, tail);
	int rc = b->failed ? -1 : 0;
	if (rc == 0 && b->len && mg_write(r->conn, b->p, b->len) <= 0)
		rc = -1;
	if (rc == 0 && !head_only)
		r->sent += len;
	b->len = 0;
	if (rc)
		r->streaming = false;
	return rc;
}

int respond_stream_chunk(req *r, const void *data, size_t len)
{
	return len ? stream_write(r, data, len, NULL) : 0;
}

void respond_stream_end(req *r, bool ok)
{
	if (!r->streaming) {
		buf_free(&r->stream_head);
		return;
	}
	/* A stream cut short by an error must not look complete: the last
	 * chunk is replaced by a malformed size line, so that the client
	 * reports a failed transfer (and closes) instead of a short file. */
	if (chunked(r))
		stream_write(r, NULL, 0, ok ? "0\r\n\r\n" : "not-a-chunk\r\n\r\n");
	else
		stream_write(r, NULL, 0, ok ? "" : "\r\n-- incomplete --\r\n");
	r->streaming = false;
	buf_free(&r->stream_head);
}

void respond_redirect(req *r, const char *location)
{
	req_header(r, "Location: %s", location);
	respond(r, 303, NULL, "", 0);
}

void respond_redirectf(req *r, const char *fmt, ...)
{
	char location[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(location, sizeof location, fmt, ap);
	va_end(ap);
	respond_redirect(r, location);
}

void etag_of(const void *data, size_t len, char out[35])
{
	unsigned char h[16];
	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	out[0] = '"';
	sodium_bin2hex(out + 1, 33, h, sizeof h);
	out[33] = '"';
	out[34] = '\0';
}

bool json_etag(const json_t *j, char out[35])
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (s)
		etag_of(s, strlen(s), out);
	free(s);
	return s != NULL;
}

bool if_match_json(req *r, json_t *j)
{
	char etag[35];
	bool ok = json_etag(j, etag) && etag_listed(r, "If-Match", etag, false);
	json_decref(j);
	if (!ok)
		respond_api_error(r, 412, "precondition_failed", T(r, "err.precondition"));
	return ok;
}

bool etag_listed(req *r, const char *name, const char *etag, bool weak)
{
	const char *v = mg_get_header(r->conn, name);
	size_t n = strlen(etag);
	for (const char *p = v; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		bool is_weak = !strncmp(p, "W/", 2);
		if (is_weak)
			p += 2;
		if (*p == '*' || ((weak || !is_weak) && !strncmp(p, etag, n) &&
		                  (p[n] == '\0' || p[n] == ',' || p[n] == ' ')))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

static void respond_json_as(req *r, int status, const char *ctype, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (s && status == 200 && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))) {
		char etag[35];
		etag_of(s, strlen(s), etag);
		req_header(r, "ETag: %s", etag);
		if (etag_listed(r, "If-None-Match", etag, true)) {
			free(s);
			req_header(r, "Cache-Control: no-store");
			respond(r, 304, NULL, "", 0);
			return;
		}
	}
	if (!s) {
		static const char e[] = "{\"type\":\"/api/docs#problem-internal\",\"title\":"
					"\"Internal error\",\"status\":500,\"detail\":\"out of "
					"memory\",\"code\":\"internal\"}";
		respond(r, 500, "application/problem+json", e, sizeof e - 1);
		return;
	}
	/* API answers carry personal data and tokens: never cached */
	if (!strstr(r->extra_headers, "Cache-Control:"))
		req_header(r, "Cache-Control: no-store");
	respond(r, status, ctype, s, strlen(s));
	free(s);
}

void respond_json(req *r, int status, json_t *j)
{
	respond_json_as(r, status, "application/json", j);
}

/* The type is a URI reference to the code's entry on the reference page,
 * resolved against the request's URL (RFC 9457, section 3.1.1). */
void respond_problem(req *r, int status, const char *code, const char *detail, json_t *errors)
{
	char type[80], key[64];
	snprintf(type, sizeof type, "/api/docs#problem-%s", code);
	snprintf(key, sizeof key, "problem.%s", code);
	json_t *j = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s}", "type", type, "title", T(r, key),
	                      "status", status, "detail", detail ? detail : "", "code", code,
	                      "request_id", r->request_id);
	if (j && errors && json_array_size(errors))
		json_object_set(j, "errors", errors);
	json_decref(errors);
	respond_json_as(r, status, "application/problem+json", j);
}

void respond_api_error(req *r, int status, const char *code, const char *message)
{
	respond_problem(r, status, code, message, NULL);
}

void problem_add(req *r, json_t *errors, const char *where, const char *key)
{
	json_array_append_new(errors,
	                      json_pack("{s:s,s:s}", where[0] == '/' ? "pointer" : "parameter",
	                                where, "detail", T(r, key)));
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
	case OFFERAPI_EPDFTOOCOMPLEX: *code = "pdf_too_complex"; return 422;
	case OFFERAPI_ENOTEXT: *code = "no_text"; return 422;
	case OFFERAPI_ECLOSED: *code = "closed"; return 409;
	case OFFERAPI_ECONFLICT: *code = "conflict"; return 409;
	case OFFERAPI_EUNAVAILABLE: *code = "unavailable"; return 503;
	case OFFERAPI_EBUSY: *code = "busy"; return 503;
	case OFFERAPI_EREADONLY: *code = "read_only"; return 503;
	case OFFERAPI_ETIMEOUT: *code = "timeout"; return 503;
	case SVC_ELIMITED: *code = "rate_limited"; return 429;
	case SVC_EWEAKPW: *code = "weak_password"; return 422;
	case SVC_ESTALE: *code = "precondition_failed"; return 412;
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
		char q[600];
		fprintf(stderr, "level=error request_id=%s msg=\"%s\" code=%d detail=%s\n",
		        r->request_id, out->status == 503 ? "unavailable" : "internal error", rc,
		        oa_logfmt_q(q, sizeof q,
		                    e->code == rc ? e->message : offerapi_strerror(rc)));
		if (out->status == 503)
			req_header(r, "Retry-After: 5");
	}
	char tkey[64];
	snprintf(tkey, sizeof tkey, "problem.%s", out->code);
	out->title = T(r, tkey);
	out->message = key ? T(r, key) : error_text(r, rc);
	const offerapi_error *e = offerapi_error_last();
	out->detail = !key && out->status < 500 && e->code == rc && e->message[0] ? e->message
	                                                                          : out->message;
}

/* ---- request helpers -------------------------------------------------------------------- */

/* The whole body arrives within --body-timeout-ms (deadline.c: CivetWeb
 * alone lets a trickling client hold the worker for as long as it likes). */
int read_body(req *r, size_t max, char **out, size_t *out_len)
{
	if (r->pre_read) { /* read ahead by idem_run() */
		if (r->pre_len > max)
			return 413;
		*out = malloc(r->pre_len + 1);
		if (!*out)
			return 400;
		memcpy(*out, r->pre_body, r->pre_len);
		(*out)[r->pre_len] = '\0';
		*out_len = r->pre_len;
		return 0;
	}
	long long cl = r->ri->content_length;
	if (cl > 0 && (unsigned long long)cl > max) {
		r->keep_alive_off = true;
		return 413;
	}
	buf b;
	buf_init(&b, cl > 0 ? (size_t)cl + 1 : 1024);
	char tmp[8192];
	int n;
	deadline_arm(r->app->cfg.body_timeout_ms);
	while (!deadline_expired() && (n = mg_read(r->conn, tmp, sizeof tmp)) > 0) {
		if (b.len + (size_t)n > max) {
			deadline_disarm();
			buf_free(&b);
			r->keep_alive_off = true;
			return 413;
		}
		buf_add(&b, tmp, (size_t)n);
	}
	if (deadline_disarm()) {
		buf_free(&b);
		r->keep_alive_off = true;
		return 408;
	}
	if (b.failed) {
		buf_free(&b);
		return 400;
	}
	*out = b.p;
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
		form_parse_body(f, ct, b.p, b.len, max_file, max_fields);
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
		f->error_what = rc == 413   ? (max_file ? "file" : "fields")
		                : rc == 408 ? "the body took too long to arrive"
		                            : "unreadable body";
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
	respond(r, 200, "text/csv; charset=utf-8", b->p, b->len);
}

void respond_csv_stream(req *r, stream_fn produce, void *ctx)
{
	req_header(r, "Content-Disposition: attachment; filename=\"offer-%lld-applications.csv\"",
	           (long long)r->id);
	req_header(r, "Cache-Control: no-store");
	respond_stream_start(r, 200, "text/csv; charset=utf-8");
	buf b;
	buf_init(&b, STREAM_CHUNK + 4096);
	int rc = 0;
	while (rc == 0) {
		b.len = 0;
		rc = produce(ctx, &b, STREAM_CHUNK);
		if (rc >= 0 && respond_stream_chunk(r, b.p, b.len) != 0)
			rc = -1;
	}
	buf_free(&b);
	respond_stream_end(r, rc == 1);
}

void download_begin(req *r, download *d, const char *ctype, const char *filename)
{
	*d = (download){ .r = r, .ctype = ctype, .mark = r->extra_len };
	req_header(r, "Content-Disposition: attachment; filename=\"%s\"", filename);
	req_header(r, "Cache-Control: private, no-store");
}

int download_write(const void *data, size_t len, void *payload)
{
	download *d = payload;
	if (!d->started) {
		respond_stream_start(d->r, 200, d->ctype);
		d->started = true;
	}
	return respond_stream_chunk(d->r, data, len);
}

int download_end(download *d, int rc)
{
	if (d->started) {
		respond_stream_end(d->r, rc == 0);
		return 0;
	}
	d->r->extra_len = d->mark; /* an error answer is no attachment */
	if (d->mark < sizeof d->r->extra_headers)
		d->r->extra_headers[d->mark] = '\0';
	if (rc == 0) /* nothing to send is still an answer */
		respond(d->r, 200, d->ctype, "", 0);
	return rc;
}

int download_export(req *r, offerapi_export_format f, const char *login, export_fn export)
{
	char name[OFFERAPI_LOGIN_MAX + 32];
	snprintf(name, sizeof name, "offreapi-%s.%s", login ? login : "export",
	         offerapi_export_format_name(f));
	download d;
	download_begin(r, &d, offerapi_export_format_media_type(f), name);
	return download_end(&d, export(r, f, download_write, &d));
}

bool query_export_format(const req *r, offerapi_export_format *f)
{
	char v[16];
	*f = OFFERAPI_EXPORT_ZIP;
	int n = query_var(r, "format", v, sizeof v);
	return n == -1 || (n >= 0 && offerapi_export_format_parse(f, v) == 0);
}

/* A CV is a document a stranger wrote: it is downloaded, never rendered
 * from our origin, and sandboxed should a browser render it anyway. */
static void respond_pdf(req *r, const void *pdf, size_t len)
{
	req_header(r, "Content-Disposition: attachment; filename=\"cv-%lld.pdf\"",
	           (long long)r->id);
	req_header(r, "Content-Security-Policy: sandbox; default-src 'none'");
	req_header(r, "Cache-Control: private, no-store");
	respond(r, 200, "application/pdf", pdf, len);
}

static void respond_cv_text(req *r, const offerapi_application *a)
{
	const char *t = a->cv_text ? a->cv_text : "";
	req_header(r, "Content-Security-Policy: sandbox; default-src 'none'");
	req_header(r, "Cache-Control: private, no-store");
	respond(r, 200, "text/plain; charset=utf-8", t, strlen(t));
}

static int dashboard_csv_produce(void *ctx, buf *out, size_t want)
{
	return svc_dashboard_csv_next(ctx, out, want);
}

void respond_dashboard_csv(req *r, fail_fn fail)
{
	svc_csv *c = NULL;
	int rc = svc_dashboard_csv_open(r, &c);
	if (rc)
		fail(r, rc);
	else
		respond_csv_stream(r, dashboard_csv_produce, c);
	svc_dashboard_csv_close(c);
}

void respond_cv(req *r, bool text, fail_fn fail)
{
	if (text) {
		offerapi_application *a = NULL;
		int rc = svc_cv_text(r, &a);
		if (rc)
			fail(r, rc);
		else
			respond_cv_text(r, a);
		offerapi_application_free(a);
		return;
	}
	void *pdf = NULL;
	size_t len = 0;
	int rc = svc_cv_pdf(r, &pdf, &len);
	if (rc)
		fail(r, rc);
	else
		respond_pdf(r, pdf, len);
	offerapi_free(pdf);
}
