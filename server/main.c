/*
 * main.c - offerapi-server: configuration, start-up, the router, the
 * per-request frame (session, language, metrics, log line) and shutdown.
 *
 * Threads: CivetWeb runs num_threads workers and serves one connection per
 * worker at a time (keep-alive included). The main thread only waits for
 * SIGTERM/SIGINT, then calls mg_stop(), which closes the listening socket
 * and returns once every worker has finished its request.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <malloc.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"

app g_app;

/* ---- routes -------------------------------------------------------------------- */

enum { R_PAGE = 0, R_API = 1, R_OPS = 2 };

typedef struct route {
	const char *method;
	const char *tmpl; /* "/offers/{id}/edit": {id} matches a positive integer */
	handler_fn fn;
	int kind;
} route;

static const route routes[] = {
	{ "GET", "/", page_home, R_PAGE },
	{ "GET", "/static/style.css", page_css, R_PAGE },
	{ "GET", "/lang/{lang}", page_lang, R_PAGE },
	{ "GET", "/signup", page_signup, R_PAGE },
	{ "POST", "/signup", page_signup_post, R_PAGE },
	{ "GET", "/login", page_login, R_PAGE },
	{ "POST", "/login", page_login_post, R_PAGE },
	{ "POST", "/logout", page_logout, R_PAGE },
	{ "GET", "/offers/new", page_offer_new, R_PAGE },
	{ "POST", "/offers", page_offer_create, R_PAGE },
	{ "GET", "/offers/{id}", page_offer, R_PAGE },
	{ "GET", "/offers/{id}/edit", page_offer_edit, R_PAGE },
	{ "POST", "/offers/{id}/edit", page_offer_update, R_PAGE },
	{ "POST", "/offers/{id}/close", page_offer_close, R_PAGE },
	{ "POST", "/offers/{id}/reopen", page_offer_reopen, R_PAGE },
	{ "POST", "/offers/{id}/apply", page_apply, R_PAGE },
	{ "GET", "/offers/{id}/dashboard", page_dashboard, R_PAGE },
	{ "GET", "/offers/{id}/dashboard.csv", page_dashboard_csv, R_PAGE },
	{ "GET", "/me/applications", page_my_applications, R_PAGE },
	{ "GET", "/applications/{id}/cv.pdf", page_cv_pdf, R_PAGE },
	{ "GET", "/applications/{id}/cv.txt", page_cv_text, R_PAGE },

	{ "POST", "/api/v1/users", api_signup, R_API },
	{ "POST", "/api/v1/sessions", api_login, R_API },
	{ "DELETE", "/api/v1/sessions/current", api_logout, R_API },
	{ "GET", "/api/v1/me", api_me, R_API },
	{ "GET", "/api/v1/me/applications", api_my_applications, R_API },
	{ "GET", "/api/v1/scorers", api_scorers, R_API },
	{ "GET", "/api/v1/offers", api_offers_list, R_API },
	{ "POST", "/api/v1/offers", api_offers_create, R_API },
	{ "GET", "/api/v1/offers/{id}", api_offer_get, R_API },
	{ "PUT", "/api/v1/offers/{id}", api_offer_update, R_API },
	{ "POST", "/api/v1/offers/{id}/close", api_offer_close, R_API },
	{ "POST", "/api/v1/offers/{id}/reopen", api_offer_reopen, R_API },
	{ "POST", "/api/v1/offers/{id}/applications", api_apply, R_API },
	{ "GET", "/api/v1/offers/{id}/applications", api_offer_applications, R_API },
	{ "GET", "/api/v1/offers/{id}/applications.csv", page_dashboard_csv, R_API },
	{ "GET", "/api/v1/applications/{id}", api_application_get, R_API },
	{ "GET", "/api/v1/applications/{id}/cv.pdf", page_cv_pdf, R_API },
	{ "GET", "/api/v1/applications/{id}/cv.txt", page_cv_text, R_API },

	{ "GET", "/metrics", ops_metrics, R_OPS },
	{ "GET", "/healthz", ops_healthz, R_OPS },
	{ "GET", "/readyz", ops_readyz, R_OPS },
};
#define NROUTES (sizeof routes / sizeof routes[0])

/* Match @path against @tmpl. "{id}" takes 1-18 digits (no leading zero);
 * "{lang}" takes "fr" or "en" (stored in *lang). */
static bool route_match(const char *tmpl, const char *path, offerapi_id *id, enum lang *lang)
{
	while (*tmpl && *path) {
		if (!strncmp(tmpl, "{id}", 4)) {
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

/* ---- ops endpoints ------------------------------------------------------------------- */

void ops_metrics(req *r)
{
	buf b;
	buf_init(&b, 32768);
	metrics_render(&b);
	if (b.failed) {
		buf_free(&b);
		respond(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
		return;
	}
	respond(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

void ops_healthz(req *r)
{
	respond(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

/* Ready when the database answers and we are not draining (so a load
 * balancer stops sending traffic during a SIGTERM drain). */
void ops_readyz(req *r)
{
	if (g_app.draining) {
		respond(r, 503, "text/plain; charset=utf-8", "draining\n", 9);
		return;
	}
	int rc = offerapi_store_ping(g_app.store);
	if (rc != 0) {
		metrics_db_error(rc);
		char msg[300];
		int n = snprintf(msg, sizeof msg, "database unavailable: %s\n",
		                 offerapi_error_last()->message);
		req_header(r, "Retry-After: 5");
		respond(r, 503, "text/plain; charset=utf-8", msg,
		        (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
		return;
	}
	respond(r, 200, "text/plain; charset=utf-8", "ready\n", 6);
}

/* ---- the request frame ------------------------------------------------------------------- */

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
	char tok[OFFERAPI_TOKEN_SIZE + 8] = "";
	if (auth && !strncasecmp(auth, "Bearer ", 7)) {
		snprintf(tok, sizeof tok, "%s", auth + 7);
		r->via_bearer = true;
	} else if (!cookie_value(r, "oa_session", tok, sizeof tok)) {
		tok[0] = '\0';
	}
	if (strlen(tok) != OFFERAPI_TOKEN_SIZE - 1)
		return 0; /* a malformed token is no session */
	memcpy(r->session, tok, OFFERAPI_TOKEN_SIZE);
	int rc = offerapi_session_user(g_app.store, r->session, &r->user);
	if (rc == OFFERAPI_EAUTH) {
		r->session[0] = '\0';
		r->user = NULL;
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
	const char *xff = g_app.cfg.trust_proxy ? mg_get_header(r->conn, "X-Forwarded-For") : NULL;
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
	if (!g_app.cfg.log_requests)
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

static const char *const known_methods[] = { "GET",    "HEAD",  "POST",   "PUT",
	                                     "DELETE", "PATCH", "OPTIONS" };

/* The one CivetWeb handler: route, authenticate, dispatch, account. */
static int on_request(struct mg_connection *conn, void *cbdata)
{
	(void)cbdata;
	double t0 = now_mono();
	metrics_inflight(1);
	req r;
	memset(&r, 0, sizeof r);
	r.conn = conn;
	r.ri = mg_get_request_info(conn);
	r.method = "OTHER";
	for (size_t i = 0; i < sizeof known_methods / sizeof known_methods[0]; i++)
		if (!strcmp(r.ri->request_method, known_methods[i]))
			r.method = known_methods[i];
	r.path = r.ri->local_uri ? r.ri->local_uri : "/";
	r.query = r.ri->query_string ? r.ri->query_string : "";
	r.route = "unmatched";
	request_id(&r);
	r.is_api = !strncmp(r.path, "/api/", 5);
	r.lang = pick_lang(&r);
	/* Secure cookies when the proxy in front says the visitor used TLS; a
	 * forged header only marks the forger's own cookies Secure. */
	const char *xfp = mg_get_header(conn, "X-Forwarded-Proto");
	r.secure = g_app.cfg.secure_cookies || (xfp && !strcasecmp(xfp, "https"));
	client_addr(&r);
	if (!cookie_value(&r, "oa_anon", r.anon, sizeof r.anon) || strlen(r.anon) != 32)
		r.anon[0] = '\0';

	/* Route: the first template that matches the path; a path that matches
	 * with another method is 405 with its template, else 404. */
	const route *hit = NULL, *other = NULL;
	enum lang lang_arg = r.lang;
	const char *match_method = strcmp(r.method, "HEAD") ? r.method : "GET";
	for (size_t i = 0; i < NROUTES; i++) {
		offerapi_id id = 0;
		if (!route_match(routes[i].tmpl, r.path, &id, &lang_arg))
			continue;
		if (!strcmp(routes[i].method, match_method)) {
			hit = &routes[i];
			r.id = id;
			break;
		}
		if (!other)
			other = &routes[i];
	}
	if (hit && !strcmp(hit->tmpl, "/lang/{lang}"))
		r.lang = lang_arg, r.id = lang_arg == LANG_EN ? 2 : 1;

	if (!hit) {
		if (other) {
			r.route = other->tmpl;
			/* every method routed on this path, not just the first */
			char allow[64] = "";
			for (size_t i = 0; i < NROUTES; i++) {
				offerapi_id unused_id;
				enum lang unused_lang;
				if (route_match(routes[i].tmpl, r.path, &unused_id, &unused_lang) &&
				    !strstr(allow, routes[i].method))
					snprintf(allow + strlen(allow),
					         sizeof allow - strlen(allow), "%s%s",
					         allow[0] ? ", " : "", routes[i].method);
			}
			req_header(&r, "Allow: %s", allow);
			if (r.is_api)
				respond_api_error(&r, 405, "method_not_allowed",
				                  "this method is not allowed on this resource");
			else
				page_error(&r, 405, T(&r, "err.method"));
		} else if (r.is_api) {
			api_not_found(&r);
		} else {
			page_not_found(&r);
		}
	} else {
		r.route = hit->tmpl;
		int rc = hit->kind == R_OPS ? 0 : load_session(&r);
		if (rc != 0) {
			if (r.is_api)
				api_fail(&r, rc, false);
			else
				page_fail(&r, rc);
		} else if (r.is_api && r.user && !r.via_bearer && !is_safe_method(r.method) &&
		           !mg_get_header(conn, "X-Requested-With")) {
			respond_api_error(&r, 403, "csrf",
			                  "with the session cookie, changing requests need an "
			                  "X-Requested-With header (or use Authorization: Bearer)");
		} else {
			hit->fn(&r);
		}
	}
	if (!r.status) /* a handler that forgot to answer is a bug: say so */
		respond(&r, 500, "text/plain; charset=utf-8", "internal error\n", 15);
	double dt = now_mono() - t0;
	metrics_request(r.method, r.route, r.status, dt);
	metrics_inflight(-1);
	log_request(&r, dt);
	offerapi_user_free(r.user);
	/* A POST may have hashed a password (19 MiB) or read a PDF with MuPDF:
	 * give the heap those left behind back to the system, so a pod's
	 * resident memory falls back after uploads and logins. GETs never grow
	 * it much, and POSTs are rare next to them. */
	if (strcmp(r.method, "POST") == 0)
		malloc_trim(0);
	return r.status;
}

/* CivetWeb's own messages (bad requests it answers itself, errors) go to
 * stderr as logfmt too. */
static int on_log_message(const struct mg_connection *conn, const char *message)
{
	(void)conn;
	char line[600];
	int n = snprintf(line, sizeof line, "level=warn msg=civetweb detail=\"%.500s\"\n", message);
	for (int i = 0; i < n - 1 && i < (int)sizeof line - 2; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	ssize_t w = write(STDERR_FILENO, line, n > 0 && (size_t)n < sizeof line ? (size_t)n : 0);
	(void)w;
	return 1;
}

static void lib_log(offerapi_log_level level, const char *message, void *payload)
{
	(void)payload;
	static const char *const names[] = { "error", "warn", "info", "debug" };
	fprintf(stderr, "level=%s msg=library detail=\"%s\"\n",
	        names[level <= OFFERAPI_LOG_DEBUG ? level : 0], message);
}

/* ---- configuration ---------------------------------------------------------------------- */

typedef struct opt_desc {
	const char *flag; /* long option */
	const char *env; /* OFFERAPI_* variable */
	const char *arg; /* placeholder, NULL for a switch */
	const char *help;
} opt_desc;

static const opt_desc opts[] = {
	{ "listen", "OFFERAPI_LISTEN", "ADDR:PORT",
	  "address and port to listen on (default 127.0.0.1:8080; IPv4 only)" },
	{ "database", "OFFERAPI_DATABASE_URL", "URL",
	  "sqlite:PATH or postgresql://... (default sqlite:offerapi.db)" },
	{ "plugin-dir", "OFFERAPI_PLUGIN_DIR", "DIRS",
	  "folders of scorer plugins (*.so), separated by ':' (default " OFFERAPI_DEFAULT_PLUGIN_DIR
	  ", or the build tree's when not installed)" },
	{ "scorers", "OFFERAPI_SCORERS", "LIST",
	  "scorers to load, comma-separated (default random; \"\" loads none)" },
	{ "threads", "OFFERAPI_THREADS", "N",
	  "worker threads = connections served at once (default 64, 2..1024)" },
	{ "keep-alive-ms", "OFFERAPI_KEEP_ALIVE_MS", "MS",
	  "idle keep-alive time before a worker drops a connection; 0 turns keep-alive off (default 500)" },
	{ "request-timeout-ms", "OFFERAPI_REQUEST_TIMEOUT_MS", "MS",
	  "time allowed to receive a request (default 10000)" },
	{ "drain-ms", "OFFERAPI_DRAIN_MS", "MS",
	  "after SIGTERM, keep serving this long with /readyz at 503 so load balancers stop sending, then stop (default 0)" },
	{ "max-upload", "OFFERAPI_MAX_UPLOAD", "BYTES",
	  "largest CV PDF accepted (default 10485760)" },
	{ "max-body", "OFFERAPI_MAX_BODY", "BYTES",
	  "largest form or JSON body without a file (default 262144)" },
	{ "max-header", "OFFERAPI_MAX_HEADER", "BYTES",
	  "largest request line plus headers (default 16384)" },
	{ "max-pages", "OFFERAPI_MAX_PAGES", "N", "most CV pages read (default 50)" },
	{ "db-pool", "OFFERAPI_DB_POOL", "N", "database connections (default: the library's, 4)" },
	{ "pwhash-concurrency", "OFFERAPI_PWHASH_CONCURRENCY", "N",
	  "password hashes computed at once (default 2)" },
	{ "pwhash-memlimit", "OFFERAPI_PWHASH_MEMLIMIT", "BYTES",
	  "Argon2id memory per hash (default: library's, 19 MiB)" },
	{ "pwhash-opslimit", "OFFERAPI_PWHASH_OPSLIMIT", "N",
	  "Argon2id passes (default: library's, 2)" },
	{ "login-max-failures", "OFFERAPI_LOGIN_MAX_FAILURES", "N",
	  "failed logins per account per window before 429 (an address gets 4x; 0 disables; default 5)" },
	{ "login-window-s", "OFFERAPI_LOGIN_WINDOW_S", "S",
	  "window of the failed-login limit (default 900)" },
	{ "secret", "OFFERAPI_SECRET", "STRING",
	  "key for CSRF tokens; give all replicas the same (default: random per process)" },
	{ "secure-cookies", "OFFERAPI_SECURE_COOKIES", NULL,
	  "always mark cookies Secure (they are when X-Forwarded-Proto is https)" },
	{ "trust-proxy", "OFFERAPI_TRUST_PROXY", NULL,
	  "take the client address from X-Forwarded-For (login limits, logs)" },
	{ "no-request-log", "OFFERAPI_NO_REQUEST_LOG", NULL, "do not log one line per request" },
	{ "demo", "OFFERAPI_DEMO", NULL,
	  "fill an empty database with demo offers, candidates and CVs" },
	{ "list-routes", NULL, NULL, "print the route table (METHOD TEMPLATE KIND) and exit" },
	{ "help", NULL, NULL, "print this help and exit" },
	{ "version", NULL, NULL, "print the version and exit" },
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void usage(FILE *f)
{
	fprintf(f, "usage: offerapi-server [OPTION]...\n\n"
	           "The OffreAPI web application: HTML pages, the JSON API under /api/v1,\n"
	           "/metrics, /healthz and /readyz. Every option can also be given as an\n"
	           "environment variable; a flag wins over the variable.\n\n");
	for (size_t i = 0; i < NOPTS; i++) {
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", opts[i].flag, opts[i].arg ? "=" : "",
		         opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-30s %s\n", left, opts[i].help);
		if (opts[i].env)
			fprintf(f, "  %-30s   env: %s%s\n", "", opts[i].env,
			        opts[i].arg ? "" : "=1");
	}
	fprintf(f, "\nScorer settings come from OFFERAPI_SCORER_<NAME>_<KEY> variables.\n"
	           "SIGTERM or SIGINT: stop accepting, finish requests in flight, exit 0.\n");
}

/* Parse an unsigned number within [lo, hi]; print a message naming @what. */
static bool parse_num(const char *what, const char *s, unsigned long long lo, unsigned long long hi,
                      unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi) {
		fprintf(stderr, "offerapi-server: %s: '%s' is not a number in %llu..%llu\n", what,
		        s, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

static bool set_str(char *dst, size_t dstsz, const char *what, const char *v)
{
	if (strlen(v) >= dstsz) {
		fprintf(stderr, "offerapi-server: %s: longer than %zu bytes\n", what, dstsz - 1);
		return false;
	}
	memcpy(dst, v, strlen(v) + 1);
	return true;
}

static bool truthy(const char *v)
{
	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	             !strcasecmp(v, "on") || !*v);
}

/* Apply option @name = @v (from a flag or the environment). */
static int apply_opt(config *c, const char *name, const char *v)
{
	unsigned long long n;
	const char *w = name;
#define NUM(lo, hi, field)                                                                         \
	do {                                                                                       \
		if (!parse_num(w, v, lo, hi, &n))                                                  \
			return -1;                                                                 \
		c->field = n;                                                                      \
	} while (0)
	if (!strcmp(name, "listen"))
		return set_str(c->listen, sizeof c->listen, w, v) ? 0 : -1;
	if (!strcmp(name, "database"))
		return set_str(c->db_url, sizeof c->db_url, w, v) ? 0 : -1;
	if (!strcmp(name, "plugin-dir"))
		return set_str(c->plugin_dir, sizeof c->plugin_dir, w, v) ? 0 : -1;
	if (!strcmp(name, "scorers"))
		return set_str(c->scorers, sizeof c->scorers, w, v) ? 0 : -1;
	if (!strcmp(name, "secret"))
		return set_str(c->secret, sizeof c->secret, w, v) ? 0 : -1;
	if (!strcmp(name, "threads")) {
		NUM(2, 1024, threads);
		return 0;
	}
	if (!strcmp(name, "keep-alive-ms")) {
		NUM(0, 600000, keep_alive_ms);
		return 0;
	}
	if (!strcmp(name, "request-timeout-ms")) {
		NUM(100, 600000, request_timeout_ms);
		return 0;
	}
	if (!strcmp(name, "drain-ms")) {
		NUM(0, 600000, drain_ms);
		return 0;
	}
	if (!strcmp(name, "max-upload")) {
		NUM(1024, 1ULL << 30, max_upload);
		return 0;
	}
	if (!strcmp(name, "max-body")) {
		NUM(1024, 64ULL << 20, max_body);
		return 0;
	}
	if (!strcmp(name, "max-header")) {
		NUM(1024, 1ULL << 20, max_header);
		return 0;
	}
	if (!strcmp(name, "max-pages")) {
		NUM(1, 10000, max_pages);
		return 0;
	}
	if (!strcmp(name, "db-pool")) {
		NUM(1, 256, db_pool);
		return 0;
	}
	if (!strcmp(name, "pwhash-concurrency")) {
		NUM(1, 256, pwhash_concurrency);
		return 0;
	}
	if (!strcmp(name, "pwhash-memlimit")) {
		NUM(8192, 1ULL << 32, pwhash_mem);
		return 0;
	}
	if (!strcmp(name, "pwhash-opslimit")) {
		NUM(1, 100, pwhash_ops);
		return 0;
	}
	if (!strcmp(name, "login-max-failures")) {
		NUM(0, 1000000, login_max_failures);
		return 0;
	}
	if (!strcmp(name, "login-window-s")) {
		NUM(1, 86400 * 7, login_window_s);
		return 0;
	}
	if (!strcmp(name, "secure-cookies")) {
		c->secure_cookies = truthy(v);
		return 0;
	}
	if (!strcmp(name, "trust-proxy")) {
		c->trust_proxy = truthy(v);
		return 0;
	}
	if (!strcmp(name, "no-request-log")) {
		c->log_requests = !truthy(v);
		return 0;
	}
	if (!strcmp(name, "demo")) {
		c->demo = truthy(v);
		return 0;
	}
#undef NUM
	return -1;
}

/* Defaults, then OFFERAPI_* variables, then flags. Returns 0, 1 (help or
 * version printed: exit 0) or -1 (bad configuration: exit 2). */
static int configure(config *c, int argc, char **argv)
{
	memset(c, 0, sizeof *c);
	strcpy(c->listen, "127.0.0.1:8080");
	strcpy(c->db_url, "sqlite:offerapi.db");
	snprintf(c->plugin_dir, sizeof c->plugin_dir, "%s", OFFERAPI_DEFAULT_PLUGIN_DIR);
	strcpy(c->scorers, "random");
	/* 64 workers: CivetWeb serves one connection per worker, keep-alive
	 * included, so the pool must exceed the connections a replica expects
	 * (a proxy's pool, a load test's -c); idle workers cost only their stack
	 * pages actually touched. See docs/server.md. */
	c->threads = 64;
	c->keep_alive_ms = 500;
	c->request_timeout_ms = 10000;
	c->max_upload = OFFERAPI_CV_DEFAULT_MAX_BYTES;
	c->max_body = 256 * 1024;
	c->max_header = 16384;
	c->max_pages = OFFERAPI_CV_DEFAULT_MAX_PAGES;
	c->db_pool = 0; /* the library's default */
	c->pwhash_concurrency = 2;
	c->login_max_failures = 5;
	c->login_window_s = 900;
	c->log_requests = true;

	for (size_t i = 0; i < NOPTS; i++) {
		const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
		if (v && apply_opt(c, opts[i].flag, v) < 0) {
			fprintf(stderr, "offerapi-server: in %s\n", opts[i].env);
			return -1;
		}
	}
	struct option lo[NOPTS + 1];
	for (size_t i = 0; i < NOPTS; i++)
		lo[i] = (struct option){ opts[i].flag,
			                 opts[i].arg ? required_argument : no_argument, NULL,
			                 (int)(256 + i) };
	lo[NOPTS] = (struct option){ 0, 0, 0, 0 };
	int ch;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return 1;
		}
		if (ch < 256) {
			fprintf(stderr,
			        "offerapi-server: unknown or incomplete option '%s' (see --help)\n",
			        argv[optind - 1]);
			return -1;
		}
		const opt_desc *o = &opts[ch - 256];
		if (!strcmp(o->flag, "help")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(o->flag, "list-routes")) {
			static const char *const kinds[] = { "page", "api", "ops" };
			for (size_t i = 0; i < NROUTES; i++)
				printf("%s %s %s\n", routes[i].method, routes[i].tmpl,
				       kinds[routes[i].kind]);
			return 1;
		}
		if (!strcmp(o->flag, "version")) {
			printf("offerapi-server %s (libofferapi %s, CivetWeb %s)\n",
			       OFFERAPI_VERSION, offerapi_version(), mg_version());
			return 1;
		}
		if (apply_opt(c, o->flag, o->arg ? optarg : "1") < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "offerapi-server: unexpected argument '%s' (see --help)\n",
		        argv[optind]);
		return -1;
	}
	/* CivetWeb 1.15 here has no IPv6 and must never do TLS (docs/dependencies.md). */
	const char *colon = strrchr(c->listen, ':');
	size_t ll = strlen(c->listen);
	if (!colon || colon == c->listen || strchr(c->listen, '[') || strchr(c->listen, ',') ||
	    c->listen[ll - 1] < '0' || c->listen[ll - 1] > '9') {
		fprintf(stderr,
		        "offerapi-server: --listen: expected IPV4:PORT such as 127.0.0.1:8080, got '%s'\n",
		        c->listen);
		return -1;
	}
	return 0;
}

/* Load the allowed scorers from the folders of --plugin-dir (a list
 * separated by ':'). Each folder may hold only some of the allowed names,
 * so "not found" is judged after all folders. When no --plugin-dir was
 * given and the installed folder does not exist, the build tree's plugin
 * folders are used: `build/server/offerapi-server` runs uninstalled. */
static int load_scorers(config *c)
{
	char dirs[sizeof c->plugin_dir];
	snprintf(dirs, sizeof dirs, "%s", c->plugin_dir);
	struct stat st;
	if (!strcmp(c->plugin_dir, OFFERAPI_DEFAULT_PLUGIN_DIR) &&
	    stat(OFFERAPI_DEFAULT_PLUGIN_DIR, &st) != 0)
		snprintf(dirs, sizeof dirs, "%s", OFFERAPI_BUILD_PLUGIN_DIRS);
	if (offerapi_scorers_allow(g_app.scorers, c->scorers) < 0) {
		fprintf(stderr, "offerapi-server: --scorers '%s': %s\n", c->scorers,
		        offerapi_error_last()->message);
		return -1;
	}
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "offerapi-server: --plugin-dir: %s is not a folder\n", d);
			return -1;
		}
		int rc = offerapi_scorers_load_dir(g_app.scorers, d);
		if (rc < 0 && rc != OFFERAPI_ENOTFOUND) {
			fprintf(stderr, "offerapi-server: scorer plugins in %s: %s\n", d,
			        offerapi_error_last()->message);
			return -1;
		}
	}
	char names[sizeof c->scorers];
	snprintf(names, sizeof names, "%s", c->scorers);
	for (char *n = strtok_r(names, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
		size_t idx;
		if (offerapi_scorers_find(g_app.scorers, n, &idx) < 0) {
			fprintf(stderr,
			        "offerapi-server: scorer '%s' not found in %s (see --plugin-dir, --scorers)\n",
			        n, c->plugin_dir);
			return -1;
		}
	}
	return 0;
}

/* ---- main -------------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	config *c = &g_app.cfg;
	int rc = configure(c, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (sodium_init() < 0) {
		fprintf(stderr, "offerapi-server: libsodium failed to initialise\n");
		return 1;
	}
	/* Memory: glibc would give each of the 64 workers its own arena and
	 * raise the mmap threshold after the first Argon2id buffer (19 MiB) is
	 * freed, keeping such buffers on the heap for good. Two arenas and a
	 * fixed threshold give large buffers back to the kernel at once, so the
	 * resident size falls back after a burst of logins or uploads. */
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 512 * 1024);
	mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
	g_app.start_time = now_real();
	unsigned char rnd[4];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(request_prefix, sizeof request_prefix, rnd, sizeof rnd);
	if (c->secret[0]) {
		crypto_generichash(g_app.csrf_key, sizeof g_app.csrf_key,
		                   (const unsigned char *)c->secret, strlen(c->secret), NULL, 0);
	} else {
		randombytes_buf(g_app.csrf_key, sizeof g_app.csrf_key);
	}
	offerapi_set_log(OFFERAPI_LOG_WARNING, lib_log, NULL);
	metrics_init();
	i18n_init();

	/* Block the stop signals in every thread (CivetWeb's inherit the mask);
	 * the main thread takes them with sigwait(). */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	offerapi_store_options so = OFFERAPI_STORE_OPTIONS_INIT;
	so.pool_size = c->db_pool;
	so.pwhash_concurrency = c->pwhash_concurrency;
	so.pwhash_memlimit = c->pwhash_mem;
	so.pwhash_opslimit = c->pwhash_ops;
	so.cv_limits.max_bytes = c->max_upload;
	so.cv_limits.max_pages = c->max_pages;
	if ((rc = offerapi_store_open(&g_app.store, c->db_url, &so)) < 0) {
		fprintf(stderr, "offerapi-server: cannot open the database: %s\n",
		        offerapi_error_last()->message);
		return 1;
	}
	if ((rc = offerapi_scorers_new(&g_app.scorers)) < 0) {
		fprintf(stderr, "offerapi-server: out of memory\n");
		return 1;
	}
	if (c->scorers[0] && load_scorers(c) < 0)
		return 1;
	if (c->demo && demo_fill(g_app.store, g_app.scorers) < 0)
		return 1;

	char threads[16], ka[16], kabool[8], rto[16], maxreq[24];
	snprintf(threads, sizeof threads, "%u", c->threads);
	snprintf(ka, sizeof ka, "%u", c->keep_alive_ms ? c->keep_alive_ms : 1);
	snprintf(kabool, sizeof kabool, "%s", c->keep_alive_ms ? "yes" : "no");
	snprintf(rto, sizeof rto, "%u", c->request_timeout_ms);
	snprintf(maxreq, sizeof maxreq, "%zu", c->max_header);
	const char *mgopts[] = {
		"listening_ports",
		c->listen,
		"num_threads",
		threads,
		"enable_keep_alive",
		kabool,
		"keep_alive_timeout_ms",
		ka,
		"request_timeout_ms",
		rto,
		"max_request_size",
		maxreq,
		"tcp_nodelay",
		"1",
		"listen_backlog",
		"1024",
		"connection_queue",
		"256",
		"decode_url",
		"yes",
		"enable_directory_listing",
		"no",
		"access_control_allow_origin",
		"",
		NULL,
	};
	struct mg_callbacks cbs;
	memset(&cbs, 0, sizeof cbs);
	cbs.log_message = on_log_message;
	mg_init_library(0);
	char errtext[256] = "";
	unsigned errcode = 0;
	struct mg_error_data err = { &errcode, errtext, sizeof errtext };
	struct mg_init_data init = { &cbs, &g_app, mgopts };
	g_app.mg = mg_start2(&init, &err);
	if (!g_app.mg) {
		fprintf(stderr, "offerapi-server: cannot listen on %s: %s\n", c->listen,
		        errtext[0] ? errtext : "unknown CivetWeb error");
		return 1;
	}
	mg_set_request_handler(g_app.mg, "/", on_request, NULL);
	rescore_start();
	fprintf(stderr,
	        "level=info msg=started listen=%s backend=%s scorers=%zu threads=%u "
	        "keep_alive_ms=%u version=%s\n",
	        c->listen, offerapi_store_backend(g_app.store),
	        offerapi_scorers_count(g_app.scorers), c->threads, c->keep_alive_ms,
	        OFFERAPI_VERSION);

	int sig = 0;
	while (sigwait(&stop, &sig) != 0)
		;
	g_app.draining = 1;
	fprintf(stderr, "level=info msg=stopping signal=%d drain_ms=%u\n", sig, c->drain_ms);
	if (c->drain_ms) {
		struct timespec ts = { c->drain_ms / 1000, (long)(c->drain_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	mg_stop(g_app.mg); /* closes the listener, waits for workers in flight */
	rescore_stop();
	mg_exit_library();
	offerapi_scorers_free(g_app.scorers);
	offerapi_store_free(g_app.store);
	fprintf(stderr, "level=info msg=stopped\n");
	return 0;
}
