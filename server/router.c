/*
 * router.c - the one route table and the frame around every request:
 * request id, language, client address, session, routing (404/405),
 * CSRF rule for the API, metrics and the log line.
 */
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "api.h"
#include "i18n.h"
#include "metrics.h"
#include "pages.h"

enum { R_PAGE = 0, R_API = 1, R_OPS = 2 };

/* What a personal access token needs for an API route: one of its scopes
 * (offerapi_scope bits), S_ANY (any token), or 0: tokens refused (the
 * account's own routes: sessions, e-mail, tokens, export). */
#define S_OR OFFERAPI_SCOPE_OFFERS_READ
#define S_OW OFFERAPI_SCOPE_OFFERS_WRITE
#define S_AR OFFERAPI_SCOPE_APPLICATIONS_READ
#define S_AW OFFERAPI_SCOPE_APPLICATIONS_WRITE
#define S_ANY OFFERAPI_SCOPE_ALL

typedef struct route {
	const char *method;
	const char *tmpl; /* "/offers/{id}/edit": {id} matches a positive integer */
	handler_fn fn;
	int kind;
	unsigned scope; /* R_API: what a token needs (above), and SECRET */
} route;

/* Not a scope, a mark on a scope of 0: the route's answer carries a secret
 * (a session or personal token, a webhook's signing secret), never stored
 * for an Idempotency-Key (idem.c). No token scope has this bit. */
#define SECRET (1u << 31)
_Static_assert((OFFERAPI_SCOPE_ALL & SECRET) == 0, "SECRET is not a token scope");

static const route routes[] = {
	{ "GET", "/", page_home, R_PAGE, 0 },
	{ "GET", "/static/style.css", page_css, R_PAGE, 0 },
	{ "GET", "/lang/{lang}", page_lang, R_PAGE, 0 },
	{ "GET", "/signup", page_signup, R_PAGE, 0 },
	{ "POST", "/signup", page_signup_post, R_PAGE, 0 },
	{ "GET", "/login", page_login, R_PAGE, 0 },
	{ "POST", "/login", page_login_post, R_PAGE, 0 },
	{ "POST", "/logout", page_logout, R_PAGE, 0 },
	{ "GET", "/verify-email", page_verify_email, R_PAGE, 0 },
	{ "POST", "/verify-email", page_verify_email_post, R_PAGE, 0 },
	{ "GET", "/forgot-password", page_forgot_password, R_PAGE, 0 },
	{ "POST", "/forgot-password", page_forgot_password_post, R_PAGE, 0 },
	{ "GET", "/reset-password", page_reset_password, R_PAGE, 0 },
	{ "POST", "/reset-password", page_reset_password_post, R_PAGE, 0 },
	{ "GET", "/offers/new", page_offer_new, R_PAGE, 0 },
	{ "POST", "/offers", page_offer_create, R_PAGE, 0 },
	{ "GET", "/offers/{id}", page_offer, R_PAGE, 0 },
	{ "GET", "/offers/{id}/edit", page_offer_edit, R_PAGE, 0 },
	{ "POST", "/offers/{id}/edit", page_offer_update, R_PAGE, 0 },
	{ "GET", "/offers/{id}/close", page_offer_close_confirm, R_PAGE, 0 },
	{ "POST", "/offers/{id}/close", page_offer_close, R_PAGE, 0 },
	{ "POST", "/offers/{id}/reopen", page_offer_reopen, R_PAGE, 0 },
	{ "POST", "/offers/{id}/apply", page_apply, R_PAGE, 0 },
	{ "GET", "/offers/{id}/dashboard", page_dashboard, R_PAGE, 0 },
	{ "GET", "/offers/{id}/dashboard.csv", page_dashboard_csv, R_PAGE, 0 },
	{ "POST", "/offers/{id}/applications/stage", page_offer_applications_stage, R_PAGE, 0 },
	{ "GET", "/me/applications", page_my_applications, R_PAGE, 0 },
	{ "GET", "/me/sessions", page_my_sessions, R_PAGE, 0 },
	{ "GET", "/me/email", page_my_email, R_PAGE, 0 },
	{ "POST", "/me/email", page_my_email_post, R_PAGE, 0 },
	{ "GET", "/me/notifications", page_my_notifications, R_PAGE, 0 },
	{ "POST", "/me/notifications", page_my_notifications_post, R_PAGE, 0 },
	{ "GET", "/unsubscribe", page_unsubscribe, R_PAGE, 0 },
	{ "POST", "/unsubscribe", page_unsubscribe_post, R_PAGE, 0 },
	{ "GET", "/me/export", page_my_export, R_PAGE, 0 },
	{ "GET", "/me/delete", page_my_delete, R_PAGE, 0 },
	{ "POST", "/me/delete", page_my_delete_post, R_PAGE, 0 },
	{ "POST", "/me/sessions/{sid}/revoke", page_session_revoke, R_PAGE, 0 },
	{ "GET", "/me/tokens", page_my_tokens, R_PAGE, 0 },
	{ "POST", "/me/tokens", page_token_create, R_PAGE, 0 },
	{ "POST", "/me/tokens/{id}/revoke", page_token_revoke, R_PAGE, 0 },
	{ "GET", "/applications/{id}/cv.pdf", page_cv_pdf, R_PAGE, 0 },
	{ "GET", "/applications/{id}/cv.txt", page_cv_text, R_PAGE, 0 },
	{ "POST", "/applications/{id}/retry", page_job_retry, R_PAGE, 0 },
	{ "GET", "/applications/{id}", page_application, R_PAGE, 0 },
	{ "POST", "/applications/{id}/stage", page_application_stage, R_PAGE, 0 },
	{ "POST", "/applications/{id}/notes", page_application_note, R_PAGE, 0 },
	{ "POST", "/me/applications/{id}/withdraw", page_withdraw, R_PAGE, 0 },
	{ "POST", "/me/applications/{id}/consent-withdraw", page_consent_withdraw, R_PAGE, 0 },
	{ "GET", "/me/applications/{id}/views", page_my_application_views, R_PAGE, 0 },
	{ "GET", "/admin", page_admin, R_PAGE, 0 },
	{ "GET", "/admin/access", page_admin_access, R_PAGE, 0 },
	{ "GET", "/admin/users/{id}/export", page_admin_export, R_PAGE, 0 },
	{ "GET", "/admin/users/{id}/erase", page_admin_erase, R_PAGE, 0 },
	{ "POST", "/admin/users/{id}/erase", page_admin_erase_post, R_PAGE, 0 },

	{ "POST", "/api/v1/users", api_signup, R_API, SECRET },
	{ "POST", "/api/v1/sessions", api_login, R_API, SECRET },
	{ "POST", "/api/v1/email-verifications", api_verify_email, R_API, 0 },
	{ "POST", "/api/v1/password-resets", api_password_reset_request, R_API, 0 },
	{ "POST", "/api/v1/password-resets/confirm", api_password_reset, R_API, 0 },
	{ "DELETE", "/api/v1/sessions/current", api_logout, R_API, 0 },
	{ "GET", "/api/v1/me", api_me, R_API, S_ANY },
	{ "DELETE", "/api/v1/me", api_erase_me, R_API, 0 },
	{ "GET", "/api/v1/me/applications", api_my_applications, R_API, S_AR },
	{ "GET", "/api/v1/me/sessions", api_my_sessions, R_API, 0 },
	{ "PUT", "/api/v1/me/email", api_my_email, R_API, 0 },
	{ "GET", "/api/v1/me/notifications", api_my_notifications, R_API, 0 },
	{ "PUT", "/api/v1/me/notifications", api_my_notifications_put, R_API, 0 },
	{ "GET", "/api/v1/me/export", api_my_export, R_API, 0 },
	{ "DELETE", "/api/v1/me/sessions/{sid}", api_session_revoke, R_API, 0 },
	{ "GET", "/api/v1/me/tokens", api_my_tokens, R_API, 0 },
	{ "POST", "/api/v1/me/tokens", api_token_create, R_API, SECRET },
	{ "DELETE", "/api/v1/me/tokens/{id}", api_token_revoke, R_API, 0 },
	{ "GET", "/api/v1/me/webhooks", api_my_webhooks, R_API, 0 },
	{ "POST", "/api/v1/me/webhooks", api_webhook_create, R_API, SECRET },
	{ "DELETE", "/api/v1/me/webhooks/{id}", api_webhook_delete, R_API, 0 },
	{ "POST", "/api/v1/me/webhooks/{id}/test", api_webhook_test, R_API, 0 },
	{ "GET", "/api/v1/me/webhooks/{id}/deliveries", api_webhook_deliveries, R_API, 0 },
	{ "GET", "/api/v1/scorers", api_scorers, R_API, S_ANY },
	{ "GET", "/api/v1/offers", api_offers_list, R_API, S_OR },
	{ "POST", "/api/v1/offers", api_offers_create, R_API, S_OW },
	{ "GET", "/api/v1/offers/{id}", api_offer_get, R_API, S_OR },
	{ "PUT", "/api/v1/offers/{id}", api_offer_update, R_API, S_OW },
	{ "PATCH", "/api/v1/offers/{id}", api_offer_patch, R_API, S_OW },
	{ "DELETE", "/api/v1/offers/{id}", api_offer_archive, R_API, S_OW },
	{ "POST", "/api/v1/offers/{id}/close", api_offer_close, R_API, S_OW },
	{ "POST", "/api/v1/offers/{id}/reopen", api_offer_reopen, R_API, S_OW },
	{ "POST", "/api/v1/offers/{id}/applications", api_apply, R_API, S_AW },
	{ "GET", "/api/v1/offers/{id}/applications", api_offer_applications, R_API, S_AR },
	{ "GET", "/api/v1/offers/{id}/applications.csv", api_offer_applications_csv, R_API, S_AR },
	{ "POST", "/api/v1/offers/{id}/applications/stage", api_offer_applications_stage, R_API,
	  S_AW },
	{ "GET", "/api/v1/applications/{id}", api_application_get, R_API, S_AR },
	{ "PATCH", "/api/v1/applications/{id}", api_application_patch, R_API, S_AW },
	{ "DELETE", "/api/v1/applications/{id}", api_application_delete, R_API, S_AW },
	{ "GET", "/api/v1/applications/{id}/cv.pdf", api_cv_pdf, R_API, S_AR },
	{ "GET", "/api/v1/applications/{id}/cv.txt", api_cv_text, R_API, S_AR },
	{ "GET", "/api/v1/applications/{id}/jobs", api_application_jobs, R_API, S_AR },
	{ "POST", "/api/v1/applications/{id}/retry", api_job_retry, R_API, S_AW },
	{ "POST", "/api/v1/applications/{id}/stage", api_application_stage, R_API, S_AW },
	{ "GET", "/api/v1/applications/{id}/notes", api_application_notes, R_API, S_AR },
	{ "POST", "/api/v1/applications/{id}/notes", api_application_note_add, R_API, S_AW },
	{ "POST", "/api/v1/me/applications/{id}/withdraw", api_withdraw, R_API, S_AW },
	{ "GET", "/api/v1/me/applications/{id}/views", api_my_application_views, R_API, S_AR },
	{ "GET", "/api/v1/openapi.json", api_openapi_json, R_API, S_ANY },
	{ "GET", "/api/v1/openapi.yaml", api_openapi_yaml, R_API, S_ANY },
	{ "GET", "/api/docs", page_api_docs, R_PAGE, 0 },

	{ "GET", "/metrics", ops_metrics, R_OPS, 0 },
	{ "GET", "/healthz", ops_healthz, R_OPS, 0 },
	{ "GET", "/readyz", ops_readyz, R_OPS, 0 },
};
#define NROUTES (sizeof routes / sizeof routes[0])

/* A session id: 16 lower-case hex digits (offerapi_session_id()). */
static bool match_sid(const char *path, char *sid)
{
	for (int i = 0; i < OFFERAPI_SESSION_ID_SIZE - 1; i++)
		if (!((path[i] >= '0' && path[i] <= '9') || (path[i] >= 'a' && path[i] <= 'f')))
			return false;
	if (sid) {
		memcpy(sid, path, OFFERAPI_SESSION_ID_SIZE - 1);
		sid[OFFERAPI_SESSION_ID_SIZE - 1] = '\0';
	}
	return true;
}

/* Match @path against @tmpl. "{id}" takes 1-18 digits (no leading zero);
 * "{lang}" takes "fr" or "en" (stored in *lang); "{sid}" a session id
 * (copied to @sid when not NULL). */
static bool route_match(const char *tmpl, const char *path, offerapi_id *id, enum lang *lang,
                        char *sid)
{
	while (*tmpl && *path) {
		if (!strncmp(tmpl, "{sid}", 5)) {
			if (!match_sid(path, sid))
				return false;
			tmpl += 5;
			path += OFFERAPI_SESSION_ID_SIZE - 1;
		} else if (!strncmp(tmpl, "{id}", 4)) {
			size_t n = 0;
			offerapi_id v = 0;
			if (path[0] == '0')
				return false;
			while (path[n] >= '0' && path[n] <= '9' && n < 18) {
				v = v * 10 + (path[n] - '0');
				n++;
			}
			if (n == 0 || (path[n] >= '0' && path[n] <= '9'))
				return false;
			*id = v;
			tmpl += 4;
			path += n;
		} else if (!strncmp(tmpl, "{lang}", 6)) {
			if (!strncmp(path, "fr", 2))
				*lang = LANG_FR;
			else if (!strncmp(path, "en", 2))
				*lang = LANG_EN;
			else
				return false;
			tmpl += 6;
			path += 2;
		} else if (*tmpl == *path) {
			tmpl++;
			path++;
		} else {
			return false;
		}
	}
	return *tmpl == '\0' && *path == '\0';
}

static atomic_uint_fast64_t request_counter;
static char request_prefix[9];

/* Accept a caller's X-Request-Id only when short and made of safe
 * characters (it goes into logs); otherwise make one. */
static void request_id(req *r)
{
	const char *h = mg_get_header(r->conn, "X-Request-Id");
	if (h) {
		size_t n = strlen(h);
		bool ok = n > 0 && n < sizeof r->request_id;
		for (size_t i = 0; ok && i < n; i++)
			ok = (h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
			     (h[i] >= '0' && h[i] <= '9') || h[i] == '-' || h[i] == '_' ||
			     h[i] == '.';
		if (ok) {
			memcpy(r->request_id, h, n + 1);
			return;
		}
	}
	unsigned long long n = (unsigned long long)atomic_fetch_add(&request_counter, 1) + 1;
	snprintf(r->request_id, sizeof r->request_id, "%s-%llu", request_prefix, n);
}

/* Case-insensitive position of the language tag @tag ("fr") in an
 * Accept-Language value, or NULL. Only matches at a tag start. */
static const char *find_tag(const char *al, const char *tag)
{
	for (const char *p = al; *p; p++) {
		if ((p == al || p[-1] == ',' || p[-1] == ' ') && !strncasecmp(p, tag, 2) &&
		    (p[2] == '\0' || p[2] == '-' || p[2] == ';' || p[2] == ',' || p[2] == ' '))
			return p;
	}
	return NULL;
}

/* French unless the cookie or Accept-Language prefers English first. */
static enum lang pick_lang(req *r)
{
	char c[8];
	if (cookie_value(r, "oa_lang", c, sizeof c)) {
		if (!strcmp(c, "en"))
			return LANG_EN;
		if (!strcmp(c, "fr"))
			return LANG_FR;
	}
	const char *al = mg_get_header(r->conn, "Accept-Language");
	if (!al)
		return LANG_FR;
	/* The first of fr/en listed wins (browsers list in preference order). */
	const char *fr = find_tag(al, "fr"), *en = find_tag(al, "en");
	if (en && (!fr || en < fr))
		return LANG_EN;
	return LANG_FR;
}

/* Find the session: "Authorization: Bearer T" (API) or the oa_session
 * cookie. The API accepts the cookie on changing methods only with an
 * X-Requested-With header, which a cross-site form cannot send. */
static int load_session(req *r)
{
	const char *auth = mg_get_header(r->conn, "Authorization");
	if (auth && !strncasecmp(auth, "Bearer " OFFERAPI_PAT_PREFIX, 7 + 6)) {
		/* a personal access token: the API only, within its scopes
		 * (run_route); never a session, so nothing can log it out */
		r->via_bearer = true;
		if (!r->is_api)
			return 0;
		int rc = offerapi_pat_user(r->app->store, auth + 7, &r->user, &r->pat_scopes);
		r->via_pat = rc == 0;
		r->bad_token = rc == OFFERAPI_EAUTH;
		return rc == OFFERAPI_EAUTH ? 0 : rc;
	}
	char tok[OFFERAPI_TOKEN_SIZE + 8] = "";
	if (auth && !strncasecmp(auth, "Bearer ", 7)) {
		snprintf(tok, sizeof tok, "%s", auth + 7);
		r->via_bearer = true;
	} else if (!cookie_value(r, "oa_session", tok, sizeof tok)) {
		tok[0] = '\0';
	}
	if (strlen(tok) != OFFERAPI_TOKEN_SIZE - 1) {
		r->bad_token = r->via_bearer; /* a malformed token is no session */
		return 0;
	}
	memcpy(r->session, tok, OFFERAPI_TOKEN_SIZE);
	int rc = offerapi_session_user(r->app->store, r->session, &r->user);
	if (rc == OFFERAPI_EAUTH) {
		r->session[0] = '\0';
		r->user = NULL;
		r->bad_token = r->via_bearer;
		if (!r->via_bearer)
			cookie_clear_session(r);
		return 0;
	}
	return rc;
}

/* The client's address: the socket's peer, or with --trust-proxy the LAST
 * X-Forwarded-For entry: the one our proxy appended for the peer it saw.
 * Earlier entries come from the client and prove nothing (taking the first
 * would let anyone dodge the failed-login limit per address). */
static void client_addr(req *r)
{
	snprintf(r->addr, sizeof r->addr, "%s", r->ri->remote_addr);
	const char *xff = r->app->cfg.trust_proxy ? mg_get_header(r->conn, "X-Forwarded-For")
	                                          : NULL;
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	if (last)
		xff = last + 1;
	size_t n = 0;
	while (*xff == ' ')
		xff++;
	while (n + 1 < sizeof r->addr && xff[n] && xff[n] != ',' && xff[n] != ' ' &&
	       (strchr("0123456789abcdefABCDEF.:", xff[n])))
		n++;
	if (n > 0 && (xff[n] == '\0' || xff[n] == ',' || xff[n] == ' ')) {
		memcpy(r->addr, xff, n);
		r->addr[n] = '\0';
	}
}

static bool is_safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

static void log_request(req *r, double seconds)
{
	if (r->app->cfg.no_request_log)
		return;
	char line[1024];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	char ts[32];
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* The raw path is quoted with its quotes and backslashes replaced, so a
	 * request cannot forge log fields. */
	char path[256];
	size_t j = 0;
	for (const char *p = r->path; *p && j + 1 < sizeof path; p++)
		path[j++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) ? '_' : *p;
	path[j] = '\0';
	int n = snprintf(line, sizeof line,
	                 "ts=%s level=info msg=request request_id=%s method=%s route=\"%s\" "
	                 "path=\"%s\" status=%d duration_ms=%.3f bytes=%zu remote=%s user=%lld\n",
	                 ts, r->request_id, r->method, r->route, path, r->status, seconds * 1000.0,
	                 r->sent, r->addr, r->user ? (long long)r->user->id : 0LL);
	if (n > 0) {
		size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
		/* One write(2) per line: lines from several workers never mix. */
		ssize_t w = write(STDERR_FILENO, line, len);
		(void)w;
	}
}

/* ---- framing: what CivetWeb 1.15 lets through, refused here ------------------------------ */

/* Header lines CivetWeb did not parse. It stops at a line it cannot read (a
 * folded line, a name with a byte above 126) and after MG_MAX_HEADERS lines,
 * and drops the rest silently, while a proxy in front may have read them: a
 * Transfer-Encoding hidden there smuggles a second request. CivetWeb parses
 * in place, replacing each line's CR LF by two NULs, so the lines it kept
 * are back to back in its buffer: each name starts two bytes after the
 * previous value, and the last value is followed by the CR of the empty
 * line ending the head. Anything else (a bare LF, a skipped line) is
 * refused. */
static bool hidden_lines(const struct mg_request_info *ri)
{
	int n = ri->num_headers;
	if (n >= MG_MAX_HEADERS)
		return true;
	for (int i = 0; i < n; i++) {
		const char *end = ri->http_headers[i].value + strlen(ri->http_headers[i].value);
		if (i + 1 < n ? ri->http_headers[i + 1].name != end + 2
		              : (end[1] != '\0' || end[2] != '\r'))
			return true;
	}
	return false;
}

static bool all_digits(const char *s)
{
	size_t n = strspn(s, "0123456789");
	return n > 0 && n <= 18 && s[n] == '\0';
}

/* RFC 9112: one Host for HTTP/1.1; a body framed one way only (Content-Length
 * of digits, or Transfer-Encoding: chunked, never both, each once); no
 * header CivetWeb skipped. Returns NULL or what is wrong. */
static const char *framing_error(const struct mg_request_info *ri)
{
	if (hidden_lines(ri))
		return "a header line is malformed, or there are too many";
	int host = 0, cl = 0, te = 0;
	for (int i = 0; i < ri->num_headers; i++) {
		const char *name = ri->http_headers[i].name, *v = ri->http_headers[i].value;
		if (!strcasecmp(name, "Host")) {
			host++;
		} else if (!strcasecmp(name, "Content-Length")) {
			cl++;
			if (!all_digits(v))
				return "Content-Length is not a number";
		} else if (!strcasecmp(name, "Transfer-Encoding")) {
			te++;
			if (strcasecmp(v, "chunked"))
				return "Transfer-Encoding is not chunked";
		}
	}
	if (host > 1 || (host == 0 && !strcmp(ri->http_version, "1.1")))
		return "an HTTP/1.1 request needs one Host header";
	if (cl > 1 || te > 1 || (cl && te))
		return "the body's length is given twice";
	return NULL;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* Decode the path into r->pathbuf. CivetWeb's decoding is off: it decodes
 * in place and cuts the path at "%00" ("/a%00b" became "/a"). A bad escape,
 * a NUL or control character, or bytes that are not UTF-8 are refused.
 * Returns 0, 400 or 414. */
static int path_decode(req *r)
{
	const char *s = r->ri->local_uri;
	if (!s || s[0] != '/')
		return 400;
	size_t j = 0;
	for (size_t i = 0; s[i]; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			int hi = hexval(s[i + 1]), lo = hi < 0 ? -1 : hexval(s[i + 2]);
			if (lo < 0)
				return 400;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return 400;
		if (j + 1 >= sizeof r->pathbuf)
			return 414;
		r->pathbuf[j++] = (char)c;
	}
	r->pathbuf[j] = '\0';
	r->path = r->pathbuf;
	return oa_utf8_valid(r->pathbuf, j) ? 0 : 400;
}

/* Refuse a request before routing, and close its connection: what follows
 * it on the connection cannot be trusted to start a request. */
static void refuse_request(req *r, int status, const char *detail)
{
	r->keep_alive_off = true;
	r->route = "malformed";
	const char *msg = T(r, status == 414 ? "err.uri_too_long" : "err.bad_request");
	if (r->is_api)
		respond_api_error(r, status, status == 414 ? "uri_too_long" : "bad_request",
		                  detail ? detail : msg);
	else
		page_error(r, status, msg);
}

static const char *const known_methods[] = { "GET",    "HEAD",  "POST",   "PUT",
	                                     "DELETE", "PATCH", "OPTIONS" };

/* Requests in flight, and whether one since the last trim was large. */
static atomic_int busy;
static atomic_bool grown;

/* An answer of this size or more (a dashboard, a CSV export) leaves the
 * heap grown by its buffers and rows, and by those of the requests beside
 * it. */
#define TRIM_AFTER_BYTES (64 * 1024)

/* Give the heap's free pages back to the system: at once after a POST (it
 * may have hashed a password, 19 MiB, or read a PDF with MuPDF), and after
 * large answers once no request is in flight, so that a burst of dashboards
 * or exports does not stay resident (glibc keeps freed chunks otherwise;
 * measured in bench/http/README.md). A busy server trims only when it
 * drains; small pages never trim. */
static void trim_heap(const req *r)
{
	bool post = strcmp(r->method, "POST") == 0;
	if (post || r->sent >= TRIM_AFTER_BYTES)
		atomic_store(&grown, true);
	bool last = atomic_fetch_sub(&busy, 1) == 1;
	if ((post || last) && atomic_exchange(&grown, false))
		malloc_trim(0);
}

/* After the answer: account, log, free. Returns the status for CivetWeb. */
static int finish(req *r, double t0)
{
	if (!r->status) /* a handler that forgot to answer is a bug: say so */
		respond(r, 500, "text/plain; charset=utf-8", "internal error\n", 15);
	double dt = now_mono() - t0;
	metrics_request(r->method, r->route, r->status, dt);
	metrics_inflight(-1);
	log_request(r, dt);
	offerapi_user_free(r->user);
	free(r->pre_body);
	trim_heap(r);
	return r->status;
}

/* The request frame: method, path, request id, language, client address,
 * anonymous cookie. Returns 0, or the status to refuse the request with
 * (400, 414) and in *@p detail what is wrong with its framing (or NULL). */
static int req_frame(req *r, struct mg_connection *conn, app *a, const char **detail)
{
	memset(r, 0, sizeof *r);
	r->app = a;
	r->conn = conn;
	r->ri = mg_get_request_info(conn);
	r->method = "OTHER";
	for (size_t i = 0; i < sizeof known_methods / sizeof known_methods[0]; i++)
		if (!strcmp(r->ri->request_method, known_methods[i]))
			r->method = known_methods[i];
	r->path = "/";
	r->query = r->ri->query_string ? r->ri->query_string : "";
	r->route = "unmatched";
	request_id(r);
	*detail = framing_error(r->ri);
	int path_status = path_decode(r);
	/* a path that does not decode is still answered as the API when it
	 * starts as one: a problem, not a page */
	const char *raw = r->ri->local_uri ? r->ri->local_uri : "";
	r->is_api = !strncmp(path_status ? raw : r->path, "/api/", 5);
	r->lang = pick_lang(r);
	/* Secure cookies when the proxy in front says the visitor used TLS; a
	 * forged header only marks the forger's own cookies Secure. */
	const char *xfp = mg_get_header(conn, "X-Forwarded-Proto");
	r->secure = r->app->cfg.secure_cookies || (xfp && !strcasecmp(xfp, "https"));
	client_addr(r);
	if (!cookie_value(r, "oa_anon", r->anon, sizeof r->anon) || strlen(r->anon) != 32)
		r->anon[0] = '\0';
	return *detail ? 400 : path_status;
}

/* Route: the first template that matches the path and method (r->id set
 * from it), or NULL with *@p other the first that matches the path only. */
static const route *find_route(req *r, const route **other)
{
	const route *hit = NULL;
	*other = NULL;
	enum lang lang_arg = r->lang;
	const char *match_method = strcmp(r->method, "HEAD") ? r->method : "GET";
	for (size_t i = 0; i < NROUTES; i++) {
		offerapi_id id = 0;
		if (!route_match(routes[i].tmpl, r->path, &id, &lang_arg, r->sid))
			continue;
		if (!strcmp(routes[i].method, match_method)) {
			hit = &routes[i];
			r->id = id;
			break;
		}
		if (!*other)
			*other = &routes[i];
	}
	if (hit && !strcmp(hit->tmpl, "/lang/{lang}"))
		r->lang = lang_arg, r->id = lang_arg == LANG_EN ? 2 : 1;
	return hit;
}

/* No route for this method: 405 with Allow when the path matches @p other
 * (the first template that matches), else 404. */
static void answer_unrouted(req *r, const route *other)
{
	if (!other) {
		if (r->is_api)
			api_not_found(r);
		else
			page_not_found(r);
		return;
	}
	r->route = other->tmpl;
	/* every method routed on this path, not just the first */
	char allow[64] = "";
	for (size_t i = 0; i < NROUTES; i++) {
		offerapi_id unused_id;
		enum lang unused_lang;
		if (route_match(routes[i].tmpl, r->path, &unused_id, &unused_lang, NULL) &&
		    !strstr(allow, routes[i].method))
			snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s",
			         allow[0] ? ", " : "", routes[i].method);
	}
	req_header(r, "Allow: %s", allow);
	if (r->is_api)
		respond_api_error(r, 405, "method_not_allowed", T(r, "err.method"));
	else
		page_error(r, 405, T(r, "err.method"));
}

/* Run the handler of @p hit after the session and the API's CSRF rule. */
static void run_route(req *r, const route *hit)
{
	r->route = hit->tmpl;
	int rc = hit->kind == R_OPS ? 0 : load_session(r);
	if (rc != 0) {
		if (r->is_api)
			api_fail(r, rc, false);
		else
			page_fail(r, rc);
	} else if (r->is_api && r->bad_token && hit->kind == R_API) {
		/* RFC 6750: a token that is not (or no longer) valid is told
		 * apart from no token at all */
		req_header(r, "WWW-Authenticate: Bearer error=\"invalid_token\"");
		respond_api_error(r, 401, "invalid_token", T(r, "err.invalid_token"));
	} else if (r->via_pat && hit->kind == R_API && !(hit->scope & r->pat_scopes)) {
		api_scope_refused(r, hit->scope & ~SECRET);
	} else if (r->is_api && r->user && !r->via_bearer && !is_safe_method(r->method) &&
	           !mg_get_header(r->conn, "X-Requested-With")) {
		respond_api_error(r, 403, "csrf", T(r, "err.api_csrf"));
	} else if (r->is_api && !strcmp(r->method, "POST")) {
		idem_run(r, hit->fn, hit->scope & SECRET);
	} else {
		hit->fn(r);
	}
}

/* The one CivetWeb handler: frame, route, authenticate, dispatch, account. */
int router_handle(struct mg_connection *conn, void *cbdata)
{
	double t0 = now_mono();
	metrics_inflight(1);
	atomic_fetch_add(&busy, 1);
	req r;
	const char *detail;
	int refuse = req_frame(&r, conn, cbdata, &detail);
	if (refuse) {
		refuse_request(&r, refuse, detail);
		return finish(&r, t0);
	}
	const route *other;
	const route *hit = find_route(&r, &other);
	if (hit) {
		/* the lists of one page read the store's state once (store.h) */
		offerapi_store_reads_begin(r.app->store);
		run_route(&r, hit);
		offerapi_store_reads_end(r.app->store);
	} else
		answer_unrouted(&r, other);
	return finish(&r, t0);
}

void router_init(void)
{
	unsigned char rnd[4];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(request_prefix, sizeof request_prefix, rnd, sizeof rnd);
}

void router_print(void)
{
	static const char *const kinds[] = { "page", "api", "ops" };
	for (size_t i = 0; i < NROUTES; i++)
		printf("%s %s %s\n", routes[i].method, routes[i].tmpl, kinds[routes[i].kind]);
}
