/*
 * http.h - one request, and the HTTP toolkit every handler uses: responses
 * (sent in one write: docs/dependencies.md), request bodies, query strings,
 * cookies, CSRF tokens, and the one mapping from an error code to an HTTP
 * status, a stable code and a message in the request's language.
 */
#ifndef OFFERAPI_SERVER_HTTP_H
#define OFFERAPI_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <civetweb.h>
#include <jansson.h>
#include <offerapi/offerapi.h>

#include "buf.h"
#include "oacommon.h"

struct app;

enum lang { LANG_FR = 0, LANG_EN = 1 };

typedef struct req {
	struct app *app; /* the application this request runs in */
	struct mg_connection *conn;
	const struct mg_request_info *ri;
	const char *method;
	const char *path; /* decoded local path (pathbuf) */
	const char *query; /* raw query string or "" */
	const char *route; /* template, for metrics and logs */
	offerapi_id id; /* the {id} of the route, 0 if none */
	char sid[OFFERAPI_SESSION_ID_SIZE]; /* the {sid} of the route (a session id), or "" */
	char request_id[40];
	enum lang lang;
	bool is_api;
	bool secure; /* cookies get Secure */
	bool keep_alive_off; /* answer with Connection: close, and close */
	char addr[48]; /* client address (X-Forwarded-For with --trust-proxy) */
	char session[OFFERAPI_TOKEN_SIZE]; /* session token from cookie/bearer, or "" */
	bool via_bearer;
	bool bad_token; /* a bearer token that is malformed, unknown or expired */
	bool via_pat; /* the bearer is a personal access token (offerapi/token.h) */
	unsigned pat_scopes; /* its offerapi_scope bits */
	char anon[33]; /* anonymous CSRF seed cookie, or "" */
	bool set_anon; /* send the anon cookie with the response */
	offerapi_user *user; /* the logged-in user or NULL */
	char csrf[65]; /* the token forms must carry */
	int status; /* sent status, for metrics */
	size_t sent; /* bytes sent */
	char extra_headers[4096]; /* additional response header lines (Link: two URLs) */
	char pathbuf[2048]; /* the decoded path */
	size_t extra_len;
	bool streaming; /* a streamed response is under way (respond_stream_*) */
	bool stream_chunked; /* ... in chunks (else until the connection closes) */
	buf stream_head; /* its headers until the first chunk, then each chunk */
	/* Idempotency-Key (idem.c): the body read ahead, and the key whose
	 * answer respond() stores ("" when none or once stored) */
	char *pre_body;
	size_t pre_len;
	bool pre_read;
	char idem_key[OFFERAPI_IDEM_KEY_MAX + 1];
} req;

typedef void (*handler_fn)(req *r);

/* ---- responses ----------------------------------------------------------- */

/* Send status, headers and body in one mg_write(). @ctype may be NULL for an
 * empty body. Adds the security headers, the request id and any headers
 * queued with req_header(). A second call on the same request is ignored. */
void respond(req *r, int status, const char *ctype, const void *body, size_t len);
/* respond() with the body in @b, sent from @b itself (the headers are
 * moved in front of it when its spare room allows, without a copy of the
 * body); frees @b. A failed @b answers 500. */
void respond_buf(req *r, int status, const char *ctype, buf *b);
/* The reason phrase of @status ("Bad Request"), "Unknown" for others. */
const char *http_reason(int status);
/* A response of unknown length, streamed in chunks (Transfer-Encoding:
 * chunked; HTTP/1.0: until the connection closes). Start sets the status
 * and headers (written with the first chunk); each chunk is one write;
 * end with @ok false marks the body as cut short (a malformed last chunk:
 * the client reports a failed download, never a silently short file). */
void respond_stream_start(req *r, int status, const char *ctype);
/* 0, or -1 when the client is gone (stop producing). */
int respond_stream_chunk(req *r, const void *data, size_t len);
void respond_stream_end(req *r, bool ok);
/* Queue one header line ("Name: value", no CRLF) for the response. */
void req_header(req *r, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);
void respond_redirect(req *r, const char *location);
/* respond_redirect() to a location made as printf makes it (at most 511
 * bytes: the paths of this server). */
void respond_redirectf(req *r, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);
/* JSON body (steals @j); never cached. A 200 to a GET carries an ETag and
 * becomes 304 when If-None-Match lists it. */
void respond_json(req *r, int status, json_t *j);
/* An RFC 9457 problem (application/problem+json): {type, title, status,
 * detail, code, request_id[, errors]}. @code is the stable machine code;
 * the title is its text in the request's language; @detail is for a
 * person; @errors (stolen, may be NULL) lists the invalid fields, each
 * {pointer (RFC 6901, into the body) or parameter (a query parameter),
 * detail[, allowed]}. */
void respond_problem(req *r, int status, const char *code, const char *detail, json_t *errors);
/* A strong ETag ("\"" + 32 hex digits + "\"") of @len bytes at @data
 * (BLAKE2b-128): GET answers carry it, writes compare it with If-Match. */
void etag_of(const void *data, size_t len, char out[35]);
/* The ETag of @j as respond_json() would send it (@j is borrowed). */
bool json_etag(const json_t *j, char out[35]);
/* Whether header @name (If-None-Match, If-Match) lists @etag or is "*".
 * @weak: weak comparison (W/ tags match), as If-None-Match asks. */
bool etag_listed(req *r, const char *name, const char *etag, bool weak);
/* If-Match against @j, the resource as its GET shows it now (@j is
 * taken): true when the header lists its ETag or "*", else a 412 is sent
 * and false. */
bool if_match_json(req *r, json_t *j);
/* respond_problem() without a list of fields. */
void respond_api_error(req *r, int status, const char *code, const char *message);
/* Append {pointer|parameter: @where, detail: the text of i18n key @key}
 * to @errors (@where starting with '/' is a JSON pointer). */
void problem_add(req *r, json_t *errors, const char *where, const char *key);

/* Downloads, the same for pages and API: an offer's CSV export (r->id), a
 * CV's PDF (as an attachment, sandboxed) and its extracted text. */
/* Rows are produced @want bytes at a time: 0 (more to come), 1 (the end),
 * or an error (negative). */
typedef int (*stream_fn)(void *ctx, buf *out, size_t want);
#define STREAM_CHUNK 16384
/* A CSV download of any length, streamed in chunks of about STREAM_CHUNK
 * bytes (memory: one chunk). An error after the start cuts it short
 * visibly (respond_stream_end). */
void respond_csv_stream(req *r, stream_fn produce, void *ctx);
void respond_csv(req *r, const buf *b);
/* A download produced by a writer (an export archive), streamed in chunks
 * as it comes: download_begin() queues its headers (an attachment named
 * @filename, never cached); download_write() is the writer (its first
 * byte starts the 200); download_end() with the writer's result @rc ends
 * it (cut short visibly when @rc is an error) and returns 0, or, when
 * nothing was written, drops the headers and returns @rc: the caller then
 * answers the error as usual. */
typedef struct download {
	req *r;
	const char *ctype;
	size_t mark; /* r->extra_len before the download's headers */
	bool started;
} download;
void download_begin(req *r, download *d, const char *ctype, const char *filename);
int download_write(const void *data, size_t len, void *download);
int download_end(download *d, int rc);
/* The data archive of account @login in format @f, written by @export
 * (svc_export or svc_admin_export) as a download named
 * "offreapi-LOGIN.EXT" (a login is safe in a header: [a-z0-9.@_+-]); as
 * download_end(), 0 or the error to answer when nothing was sent. */
typedef int (*export_fn)(req *r, offerapi_export_format f, offerapi_export_write_fn write,
                         void *payload);
int download_export(req *r, offerapi_export_format f, const char *login, export_fn export);
/* The export format ?format= asks for (zip when absent) in *@f; false
 * when it names none (the caller answers 400). */
bool query_export_format(const req *r, offerapi_export_format *f);
/* How a handler answers a refusal @rc: page_fail() on a page,
 * api_fail_plain() in the API. */
typedef void (*fail_fn)(req *r, int rc);
/* Application r->id's CV for the people svc_cv_pdf() lets see it: the PDF,
 * or when @text the text extracted from it (svc_cv_text()); @fail answers
 * a refusal. */
void respond_cv(req *r, bool text, fail_fn fail);
/* Offer r->id's applications as CSV, streamed (svc_dashboard_csv_open());
 * @fail answers a refusal. */
void respond_dashboard_csv(req *r, fail_fn fail);

/* ---- errors: one mapping for pages and API ------------------------------- */

typedef struct http_error {
	int status; /* 4xx or 5xx */
	const char *code; /* stable machine code: "invalid", "not_found"... */
	const char *title; /* the code's short title, in the request's language */
	const char *message; /* for a person, in the request's language */
	const char *detail; /* the library's one line naming the field or id at
	                       fault when there is one (4xx only), else message */
} http_error;

/* Map a library (OFFERAPI_E*) or service (SVC_E*) code to a status, a code
 * and a message. @upload: the request carried a file (a too-large body is
 * 413 there, a too-long field 422 elsewhere). Internal errors get a generic
 * message; their detail goes to the log with the request id. Counts
 * database errors in the metrics. */
void http_error_for(req *r, int rc, bool upload, http_error *out);

/* ---- Idempotency-Key (idem.c) ---------------------------------------------- */

/* Run @fn under the request's Idempotency-Key, if any (and a user):
 * replay a stored answer, refuse a mismatch (422) or a duplicate still
 * running (409), else run it and store its answer. With @secret (the
 * route's answer carries a secret: router.c's table) the key is ignored. */
void idem_run(req *r, handler_fn fn, bool secret);
/* Called by respond() before it sends: store the answer of a request
 * running under a key (a 5xx frees the key instead). */
void idem_store(req *r, int status, const char *ctype, const void *body, size_t len);

/* ---- request helpers ------------------------------------------------------ */

/* Read the whole request body, at most @max bytes, within --body-timeout-ms.
 * Returns 0, or 413 when longer, 408 when too slow, 400 when unreadable.
 * *out is malloc'd and NUL-terminated. */
int read_body(req *r, size_t max, char **out, size_t *out_len);
/* Value of @name in the query string, decoded (form.c rules): the length,
 * -1 absent, -2 too long, -3 malformed. */
int query_var(const req *r, const char *name, char *dst, size_t dstsz);
const char *cookie_value(req *r, const char *name, char *dst, size_t dstsz);

/* ---- sessions and CSRF ---------------------------------------------------- */

void csrf_compute(req *r);
bool csrf_ok(req *r, const char *token);
void cookie_set_session(req *r, const char *token);
void cookie_clear_session(req *r);

/* ---- clocks --------------------------------------------------------------- */

double now_mono(void);
double now_real(void);

#endif
