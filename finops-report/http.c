/*
 * finops-report: one HTTP GET with libcurl, as a good API citizen: a total
 * timeout, a bounded number of retries with exponential back-off on 503 (and
 * 502, 504, 429) and on network errors, bearer or basic auth, a custom CA, a
 * cap on the body size, and errors that name the URL and what went wrong.
 *
 * Thread safety: fr_http_get may run from several threads on the same fr_http
 * (the configuration is read-only; only the query counter changes, atomically).
 * curl_global_init must have run before any thread starts.
 */
#include "fr.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define FR_MAX_BODY (256u * 1024u * 1024u)

/* realloc that exits (code 1) on out of memory: the tool has no partial
 * result worth keeping when a few KiB cannot be had. */
void *fr_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("finops-report: out of memory\n", stderr);
		exit(FR_EXIT_ERROR);
	}
	return q;
}

/* Grows an array of elements of size sz to hold at least n, doubling its
 * capacity *cap (64 at first); exits on out of memory like fr_xrealloc. */
void *fr_grow(void *p, size_t *cap, size_t n, size_t sz)
{
	if (n <= *cap)
		return p;
	size_t c = *cap ? *cap : 64;
	while (c < n)
		c *= 2;
	*cap = c;
	return fr_xrealloc(p, c * sz);
}

/* strdup through fr_xrealloc; NULL stays NULL. */
char *fr_strdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = fr_xrealloc(NULL, n);
	memcpy(d, s, n);
	return d;
}

/* Returns a newly allocated formatted string (exits on out of memory). The
 * first attempt goes to a stack buffer, which serves most short strings
 * without formatting twice. */
char *fr_vprintf(const char *fmt, va_list ap)
{
	char small[256];
	va_list again;
	if (!fmt) /* never; keeps GCC 12's -fsanitize=undefined analysis quiet */
		return fr_strdup("");
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0)
		n = 0;
	char *s = fr_xrealloc(NULL, (size_t)n + 1);
	if ((size_t)n < sizeof small)
		memcpy(s, small, (size_t)n + 1);
	else
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	return s;
}

char *fr_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = fr_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Percent-encodes s for a query string (RFC 3986 unreserved kept). */
char *fr_url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *o = fr_xrealloc(NULL, 3 * n + 1), *q = o;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			*q++ = (char)*p;
		} else {
			*q++ = '%';
			*q++ = hex[*p >> 4];
			*q++ = hex[*p & 15];
		}
	}
	*q = '\0';
	return o;
}

/* The URL with its userinfo masked, for every message and report: a
 * password given as http://user:password@host/ must reach the server (libcurl
 * sends it as basic auth) but never a terminal, a CI log or a report. With a
 * password it becomes user:***@; a userinfo without ':' may itself be a
 * token (https://TOKEN@host/), so it becomes ***@. Only the authority (between
 * "//" and the first '/', '?' or '#') is looked at: an '@' in a path or query
 * is not userinfo. Returns an owned string. */
char *fr_url_redact(const char *url)
{
	if (!url)
		return NULL;
	const char *a = strstr(url, "://");
	a = a ? a + 3 : url;
	size_t alen = strcspn(a, "/?#");
	const char *at = NULL;
	for (const char *q = a; q < a + alen; q++)
		if (*q == '@')
			at = q; /* the last '@' ends the userinfo (RFC 3986 3.2) */
	if (!at)
		return fr_strdup(url);
	const char *colon = memchr(a, ':', (size_t)(at - a));
	if (colon)
		return fr_printf("%.*s:***%s", (int)(colon - url), url, at);
	return fr_printf("%.*s***%s", (int)(a - url), url, at);
}

/* Seconds a Retry-After value asks to wait (RFC 9110 10.2.3): delay-seconds
 * (digits only) or an HTTP-date, read with curl_getdate and counted from
 * `now` (a date in the past asks for 0). -1 when the value is neither: the
 * caller then keeps its own back-off. */
double fr_retry_after(const char *value, double now)
{
	while (*value == ' ' || *value == '\t')
		value++;
	size_t n = strlen(value);
	while (n > 0 && (value[n - 1] == '\r' || value[n - 1] == '\n' || value[n - 1] == ' ' ||
	                 value[n - 1] == '\t'))
		n--;
	if (n == 0 || n > 64)
		return -1;
	char v[65];
	memcpy(v, value, n);
	v[n] = '\0';
	size_t digits = strspn(v, "0123456789");
	if (digits == n) {
		/* all digits: no overflow worth handling, callers cap at 30 s */
		return digits > 9 ? 1e9 : (double)strtol(v, NULL, 10);
	}
	time_t t = curl_getdate(v, NULL);
	if (t == (time_t)-1)
		return -1;
	double d = (double)t - now;
	return d > 0 ? d : 0;
}

typedef struct buf {
	char *p;
	size_t n, cap;
	int too_big;
} buf;

/* libcurl write callback: appends to a growing buffer, refusing (and
 * aborting the transfer) past FR_MAX_BODY. Grows by doubling so that a
 * large body costs O(n) copies. */
static size_t on_body(char *data, size_t sz, size_t nm, void *ud)
{
	buf *b = ud;
	size_t n = sz * nm;
	if (b->n + n + 1 > FR_MAX_BODY) {
		b->too_big = 1;
		return 0;
	}
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = fr_xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, n);
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

typedef struct hdrs {
	double retry_after; /* seconds; -1 without a readable header */
} hdrs;

/* libcurl header callback: remembers Retry-After, in either of its forms.
 * The header line is not NUL-terminated: it is copied first. */
static size_t on_header(char *data, size_t sz, size_t nm, void *ud)
{
	hdrs *h = ud;
	size_t n = sz * nm;
	if (n > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
		char v[128];
		size_t k = n - 12 < sizeof v - 1 ? n - 12 : sizeof v - 1;
		memcpy(v, data + 12, k);
		v[k] = '\0';
		h->retry_after = fr_retry_after(v, (double)time(NULL));
	}
	return n;
}

/* Sleeps s seconds, resuming after signals. */
static void sleep_s(double s)
{
	if (s <= 0)
		return;
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Percent-decodes the value that starts at v (up to '&' or the end) into
 * o, at most n - 1 bytes, "..." marking a cut. */
static void query_value(const char *v, char *o, size_t n)
{
	size_t k = 0;
	for (; *v && *v != '&' && k + 4 < n; v++) {
		unsigned x;
		if (*v == '%' && sscanf(v + 1, "%2x", &x) == 1 && isxdigit((unsigned char)v[1]) &&
		    isxdigit((unsigned char)v[2])) {
			o[k++] = x >= 32 && x < 127 ? (char)x : '?';
			v += 2;
		} else {
			o[k++] = *v == '+' ? ' ' : *v;
		}
	}
	if (*v && *v != '&')
		k += (size_t)snprintf(o + k, n - k, "...");
	o[k < n ? k : n - 1] = '\0';
}

/* The URL as shown in messages: without its query string, which is long and
 * URL-encoded, but with the PromQL it carries decoded (at most 160
 * characters), so the reason stays readable; never contains credentials
 * (tokens and --*-user passwords travel in headers, and a password written
 * in the URL is masked by fr_url_redact). */
static void shown_url(const char *url, char *o, size_t n)
{
	char *r = fr_url_redact(url);
	char *qs = strchr(r, '?');
	if (qs)
		*qs++ = '\0';
	const char *q = qs ? strstr(qs, "query=") : NULL;
	if (q && (q == qs || q[-1] == '&')) {
		char pq[164];
		query_value(q + 6, pq, sizeof pq);
		snprintf(o, n, "%.200s (query: %s)", r, pq);
	} else {
		snprintf(o, n, "%.300s", r);
	}
	free(r);
}

/* Extracts a one-line reason from an error body: the "error" or "message"
 * field of a JSON body (Prometheus, Kubecost), else the first line of text. */
static void body_reason(const char *body, char *o, size_t n)
{
	o[0] = '\0';
	if (!body || !*body)
		return;
	json_t *j = json_loads(body, 0, NULL);
	if (j) {
		const char *m = json_string_value(json_object_get(j, "error"));
		if (!m)
			m = json_string_value(json_object_get(j, "message"));
		if (m)
			snprintf(o, n, "%s", m);
		json_decref(j);
		if (o[0])
			return;
	}
	size_t i = 0;
	while (body[i] && body[i] != '\n' && i + 1 < n && i < 200) {
		o[i] = (body[i] >= 32 && body[i] < 127) ? body[i] : '?';
		i++;
	}
	o[i] = '\0';
}

/* GETs base + path_and_query. On success returns 0, *body (owned, NUL-ended)
 * and *status (2xx, or 4xx when the caller wants the body of an API error:
 * statuses 400 and 422 carry Prometheus' JSON error and are returned, not
 * failed, so the caller can say what the query did wrong). Everything else
 * (network error, timeout, other statuses after the retries) returns -1 with a
 * message naming the URL. Retries back off 1x, 2x, 4x... retry_delay_s, or
 * longer when a Retry-After header asks for more (capped at 30 s): a server
 * saying "retry now" (0, or a date already past) does not turn the back-off
 * off, since hammering an overloaded server is what back-off avoids. Timeouts are not retried: a
 * query that is slow once will be slow again and only adds load. */
/* One try: GET url into b, Retry-After into hd. Returns libcurl's code and
 * sets *code to the HTTP status (0 without an answer). */
static CURLcode attempt(fr_http *h, const char *url, buf *b, hdrs *hd, long *code,
                        char cerr[CURL_ERROR_SIZE])
{
	CURL *c = curl_easy_init();
	if (!c)
		return CURLE_FAILED_INIT;
	struct curl_slist *hl = NULL;
	char *authz = NULL;
	hl = curl_slist_append(hl, "Accept: application/json");
	if (h->token) {
		authz = fr_printf("Authorization: Bearer %s", h->token);
		hl = curl_slist_append(hl, authz);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, hd);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, h->timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, h->timeout_s < 10 ? h->timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (h->compress)
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "finops-report/" FR_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (h->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert);
	if (h->user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, h->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, h->password ? h->password : "");
	}
	__atomic_add_fetch(&h->queries, 1, __ATOMIC_RELAXED);
	CURLcode cc = curl_easy_perform(c);
	*code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	curl_easy_cleanup(c);
	curl_slist_free_all(hl);
	if (authz) {
		memset(authz, 0, strlen(authz));
		free(authz);
	}
	return cc;
}

/* The message of a transport failure; 1 when it is worth retrying. */
static int transport_error(const fr_http *h, CURLcode cc, const buf *b, const char *cerr,
                           const char *shown, char *err, size_t errsz)
{
	if (b->too_big)
		snprintf(err, errsz,
		         "%s: GET %s: response larger than %u MiB; narrow "
		         "the selection (--namespace) or lower --batch-pods",
		         h->name, shown, FR_MAX_BODY >> 20);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errsz, "%s: GET %s: timed out after %ld s (--timeout)", h->name,
		         shown, h->timeout_s);
	else
		snprintf(err, errsz, "%s: GET %s: %s", h->name, shown,
		         cerr[0] ? cerr : curl_easy_strerror(cc));
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	       cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR || cc == CURLE_GOT_NOTHING ||
	       cc == CURLE_PARTIAL_FILE;
}

int fr_http_get(fr_http *h, const char *path_and_query, char **body, long *status, char *err,
                size_t errsz)
{
	char *url = fr_printf("%s%s", h->base, path_and_query);
	char shown[400];
	shown_url(url, shown, sizeof shown);
	*body = NULL;
	int rc = -1;
	for (int attempt_no = 0;; attempt_no++) {
		buf b = { 0 };
		hdrs hd = { -1 };
		char cerr[CURL_ERROR_SIZE] = "";
		long code = 0;
		CURLcode cc = attempt(h, url, &b, &hd, &code, cerr);
		fr_progress_query();
		int retryable = 0;
		if (cc == CURLE_FAILED_INIT) {
			snprintf(err, errsz, "%s: GET %s: cannot initialise libcurl", h->name,
			         shown);
			break;
		} else if (cc != CURLE_OK) {
			retryable = transport_error(h, cc, &b, cerr, shown, err, errsz);
		} else if ((code >= 200 && code < 300) || code == 400 || code == 422) {
			*body = b.p ? b.p : fr_strdup("");
			*status = code;
			rc = 0;
			break;
		} else {
			char why[256];
			body_reason(b.p, why, sizeof why);
			snprintf(err, errsz, "%s: GET %s: HTTP %ld%s%s", h->name, shown, code,
			         why[0] ? ": " : "", why);
			retryable = code == 503 || code == 502 || code == 504 || code == 429;
		}
		free(b.p);
		if (!retryable || attempt_no >= h->retries)
			break;
		double d = h->retry_delay_s * (double)(1L << (attempt_no < 10 ? attempt_no : 10));
		if (hd.retry_after > d)
			d = hd.retry_after;
		if (d > 30)
			d = 30;
		fr_progress_retry(h->name, err, d);
		sleep_s(d);
	}
	free(url);
	return rc;
}
