/*
 * app.h - internals of offerapi-server shared by its source files.
 *
 * The server is one CivetWeb context whose single request handler routes
 * every request through a small table (router in main.c). A request is
 * handled entirely on its CivetWeb worker thread: it builds its whole
 * response in a growable buffer and sends it with one mg_write() (headers
 * and body together; see docs/dependencies.md: two writes meet Nagle + delayed ACK).
 */
#ifndef OFFERAPI_SERVER_APP_H
#define OFFERAPI_SERVER_APP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <civetweb.h>
#include <jansson.h>
#include <offerapi/offerapi.h>

#include "oacommon.h"

/* ---- growable byte buffer ------------------------------------------------ */

/* A byte buffer that is always NUL-terminated. On allocation failure it
 * sets .failed and drops later appends, so callers check once at the end. */
typedef struct buf {
	char *data;
	size_t len, cap;
	bool failed;
} buf;

void buf_init(buf *b, size_t cap);
void buf_free(buf *b);
void buf_add(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_printf(buf *b, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);
/* Append @s escaped for HTML text and attribute values (& < > " '). This is
 * the one escaping function of every page, SVG and attribute. */
void buf_esc(buf *b, const char *s);
void buf_escn(buf *b, const char *s, size_t n);

/* ---- configuration --------------------------------------------------------- */

typedef struct config {
	char listen[128]; /* "127.0.0.1:8080" */
	char db_url[1024]; /* "sqlite:offerapi.db" */
	char plugin_dir[1024]; /* where scorer-*.so live */
	char scorers[512]; /* "random" */
	char secret[256]; /* CSRF key material; random when empty */
	unsigned threads; /* CivetWeb workers */
	unsigned keep_alive_ms; /* 0 disables keep-alive */
	unsigned request_timeout_ms;
	unsigned drain_ms; /* after SIGTERM, keep serving (readyz 503) this long */
	size_t max_upload; /* largest CV in bytes */
	size_t max_body; /* largest non-file request body */
	size_t max_header; /* largest request head */
	unsigned max_pages; /* CV pages read */
	unsigned db_pool; /* store connections */
	unsigned pwhash_concurrency;
	size_t pwhash_mem; /* Argon2id memory, bytes (0: library default) */
	unsigned long long pwhash_ops;
	unsigned login_max_failures; /* per account and per address, per window */
	unsigned login_window_s;
	bool secure_cookies; /* always mark cookies Secure */
	bool trust_proxy; /* believe X-Forwarded-Proto / -For */
	bool demo;
	bool log_requests;
} config;

/* ---- the application ------------------------------------------------------- */

typedef struct app {
	config cfg;
	offerapi_store *store;
	offerapi_scorers *scorers;
	struct mg_context *mg;
	unsigned char csrf_key[32];
	volatile int draining; /* set on SIGTERM: /readyz answers 503 */
	double start_time; /* Unix time, for process_start_time_seconds */
} app;

extern app g_app;

/* ---- one request ----------------------------------------------------------- */

enum lang { LANG_FR = 0, LANG_EN = 1 };

typedef struct req {
	struct mg_connection *conn;
	const struct mg_request_info *ri;
	const char *method;
	const char *path; /* decoded local path */
	const char *query; /* raw query string or "" */
	const char *route; /* template, for metrics and logs */
	offerapi_id id; /* the {id} of the route, 0 if none */
	char request_id[40];
	enum lang lang;
	bool is_api;
	bool secure; /* cookies get Secure */
	bool keep_alive_off; /* answer with Connection: close */
	char addr[48]; /* client address (X-Forwarded-For with --trust-proxy) */
	char session[OFFERAPI_TOKEN_SIZE]; /* session token from cookie/bearer, or "" */
	bool via_bearer;
	char anon[33]; /* anonymous CSRF seed cookie, or "" */
	bool set_anon; /* send the anon cookie with the response */
	offerapi_user *user; /* the logged-in user or NULL */
	char csrf[65]; /* the token forms must carry */
	int status; /* sent status, for metrics */
	size_t sent; /* bytes sent */
	char extra_headers[1024]; /* additional response header lines */
	size_t extra_len;
} req;

/* ---- responses (http.c) ------------------------------------------------------ */

/* Send status, headers and body in one mg_write(). @ctype may be NULL for an
 * empty body. Adds the security headers, the request id and any headers
 * queued with req_header(). */
void respond(req *r, int status, const char *ctype, const void *body, size_t len);
/* Queue one header line ("Name: value", no CRLF) for the response. */
void req_header(req *r, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);
void respond_redirect(req *r, const char *location);
/* JSON body (steals @j). */
void respond_json(req *r, int status, json_t *j);
/* JSON error {"error":{"code","message"}}. */
void respond_api_error(req *r, int status, const char *code, const char *message);
/* Map a library error code to HTTP status and a stable string code. */
int http_status_for(int rc, bool upload, const char **code);
/* Answer a library failure @rc on the API, counting database errors. */
void api_fail(req *r, int rc, bool upload);

/* ---- request helpers (http.c) ----------------------------------------------- */

/* Value of query/form variable @name in url-encoded @data (length @len),
 * decoded into @dst (form.c). Returns the length, -1 when absent, -2 when
 * too long for @dst, -3 when malformed (a bad %-escape or a NUL byte). */
int form_var(const char *data, size_t len, const char *name, char *dst, size_t dstsz);
/* Decode url-encoded @s into @dst: the length, -2 (too long) or -3 (malformed). */
int urlenc_decode(const char *s, size_t n, char *dst, size_t dstsz);
int read_body(req *r, size_t max, char **out, size_t *out_len);
/* Deepest nesting of [ and { in JSON text (outside strings). Request bodies
 * deeper than JSON_MAX_DEPTH are refused before parsing. */
int json_depth(const char *s, size_t n);
#define JSON_MAX_DEPTH 32
const char *cookie_value(req *r, const char *name, char *dst, size_t dstsz);

/* A parsed form (url-encoded or multipart) with at most one file. Names,
 * values and the file point into the body, which the form owns. */
typedef struct form_field {
	const char *name;
	const char *value; /* NUL-terminated, no NUL inside */
	size_t len;
} form_field;

typedef struct form {
	form_field fields[64];
	size_t nfields;
	char filename[OFFERAPI_FILENAME_MAX + 1]; /* last path component, no control characters */
	bool has_file;
	const char *file; /* the file's bytes, inside body */
	size_t file_len;
	char *body; /* the request body (malloc'd) */
	size_t max_file, max_fields; /* bounds */
	size_t fields_total;
	int error; /* 0, 413 (too big), 400 (malformed/too many) */
	const char *error_what; /* "file", "fields" or a sentence */
} form;

/* Read the request's body (bounded by max_file + max_fields + 16 KiB) and
 * parse it. Returns 0, 413 or 400 (f->error_what says what). Always call
 * form_free(). */
int form_parse(req *r, form *f, size_t max_file, size_t max_fields);
/* Parse @body (malloc'd, @len bytes plus a NUL; the form takes it) of
 * Content-Type @ct. The parser fuzz/fuzz_form.c drives. */
int form_parse_body(form *f, const char *ct, char *body, size_t len, size_t max_file,
                    size_t max_fields);
const char *form_get(const form *f, const char *name); /* NULL when absent */
void form_free(form *f);

/* ---- sessions and CSRF (http.c) ---------------------------------------------- */

void csrf_compute(req *r);
bool csrf_ok(req *r, const char *token);
void cookie_set_session(req *r, const char *token);
void cookie_clear_session(req *r);

/* Failed-login limiter: returns seconds to wait (0 = allowed). */
unsigned login_attempt_begin(const char *login, const char *addr);
void login_succeeded(const char *login, const char *addr);
void login_attempt_undo(const char *login, const char *addr);

/* ---- metrics (metrics.c) ------------------------------------------------------ */

void metrics_init(void);
void metrics_inflight(int delta);
void metrics_request(const char *method, const char *route, int status, double seconds);
void metrics_application_received(void);
void metrics_submit(double seconds, int rc);
void metrics_scoring(const char *scorer, int rc, double seconds, const char *message,
                     void *payload);
void metrics_scoring_failed(void);
void metrics_db_error(int rc);
void metrics_login(bool ok, bool limited);
void metrics_render(buf *b);
double now_mono(void);
double now_real(void);

/* ---- i18n (i18n.c) ------------------------------------------------------------ */

void i18n_init(void);
const char *T(const req *r, const char *key);
const char *error_text(const req *r, int rc);

/* ---- handlers ------------------------------------------------------------------ */

typedef void (*handler_fn)(req *r);

/* pages.c */
void page_home(req *r);
void page_signup(req *r);
void page_signup_post(req *r);
void page_login(req *r);
void page_login_post(req *r);
void page_logout(req *r);
void page_offer_new(req *r);
void page_offer_create(req *r);
void page_offer(req *r);
void page_offer_edit(req *r);
void page_offer_update(req *r);
void page_offer_close(req *r);
void page_offer_reopen(req *r);
void page_apply(req *r);
void page_my_applications(req *r);
void page_dashboard(req *r);
void page_dashboard_csv(req *r);
void page_cv_pdf(req *r);
void page_cv_text(req *r);
void page_lang(req *r);
void page_css(req *r);
void page_not_found(req *r);
void page_error(req *r, int status, const char *message);
void page_fail(req *r, int rc);

/* api.c */
void api_signup(req *r);
void api_login(req *r);
void api_logout(req *r);
void api_me(req *r);
void api_offers_list(req *r);
void api_offers_create(req *r);
void api_offer_get(req *r);
void api_offer_update(req *r);
void api_offer_close(req *r);
void api_offer_reopen(req *r);
void api_apply(req *r);
void api_offer_applications(req *r);
void api_my_applications(req *r);
void api_application_get(req *r);
void api_scorers(req *r);
void api_not_found(req *r);

/* ops (main.c) */
void ops_metrics(req *r);
void ops_healthz(req *r);
void ops_readyz(req *r);

/* Shared logic used by pages and API (pages.c). */
/* Submit an application and score it; returns 0 or a library error code. */
int apply_and_score(req *r, offerapi_id offer_id, const char *filename, const void *pdf, size_t len,
                    const char *const *answers, size_t nanswers, offerapi_id *out);
/* Split "a, b,c" into trimmed items (malloc'd array of pointers into @copy). */
size_t split_list(char *copy, const char *seps, char **items, size_t max);
/* Build the CSV export of an offer's applications into @b. */
int dashboard_csv(req *r, offerapi_id offer_id, const char *rank, buf *b);

/* rescore.c */
/* Start the background pass that scores stored applications lacking a
 * score from a loaded scorer (after a crash, or a new scorer version). */
int rescore_start(void);
/* Ask the pass to stop after the current application and wait for it. */
void rescore_stop(void);

/* demo.c */
int demo_fill(offerapi_store *store, offerapi_scorers *set);
/* A minimal one-page PDF showing @lines (ASCII/Latin-1). malloc'd. */
char *demo_pdf(const char *const *lines, size_t n, size_t *len);

extern const char server_css[];

#endif
