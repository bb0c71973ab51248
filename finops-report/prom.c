/*
 * finops-report: the Prometheus HTTP API client (/api/v1/query and
 * /api/v1/query_range) and helpers to read its vectors.
 */
#include "fr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Parses a Prometheus API body into *out. Accepts only status "success" with
 * a vector or matrix; an error envelope becomes a message naming the URL path,
 * the error type and Prometheus' own text; warnings (partial data) are kept in
 * out->warnings for the caller to report as incomplete data. */
int fr_prom_parse(const fr_http *h, const char *what, const char *body, long status,
                  fr_promres *out, char *err, size_t errsz)
{
	json_error_t je;
	json_t *root = json_loads(body, 0, &je);
	if (!root || !json_is_object(root)) {
		snprintf(err, errsz,
		         "%s: %s%s: HTTP %ld but the body is not a Prometheus API "
		         "response (%s)",
		         h->name, h->shown, what, status, root ? "not an object" : je.text);
		fr_one_line(err); /* Prometheus' own text: one line, no control bytes */
		json_decref(root);
		return -1;
	}
	const char *st = json_string_value(json_object_get(root, "status"));
	if (!st || strcmp(st, "success") != 0) {
		const char *et = json_string_value(json_object_get(root, "errorType"));
		const char *e = json_string_value(json_object_get(root, "error"));
		snprintf(err, errsz, "%s: %s%s: HTTP %ld, %s: %s", h->name, h->shown, what, status,
		         et ? et : "error", e ? e : "no error message in the response");
		fr_one_line(err); /* Prometheus' own text: one line, no control bytes */
		json_decref(root);
		return -1;
	}
	json_t *data = json_object_get(root, "data");
	json_t *result = json_object_get(data, "result");
	const char *rt = json_string_value(json_object_get(data, "resultType"));
	if (!json_is_array(result) || !rt ||
	    (strcmp(rt, "vector") != 0 && strcmp(rt, "matrix") != 0)) {
		snprintf(err, errsz, "%s: %s%s: response has no data.result vector or matrix",
		         h->name, h->shown, what);
		json_decref(root);
		return -1;
	}
	out->root = root;
	out->result = result;
	out->warnings = NULL;
	json_t *w = json_object_get(root, "warnings");
	if (json_is_array(w) && json_array_size(w) > 0) {
		size_t i;
		json_t *v;
		char *acc = NULL;
		json_array_foreach(w, i, v)
		{
			const char *s = json_string_value(v);
			char *n = fr_printf("%s%s%s", acc ? acc : "", acc ? "; " : "", s ? s : "?");
			free(acc);
			acc = n;
		}
		out->warnings = acc;
	}
	return 0;
}

/* GETs path (taken and freed) into *body; 0 or -1 with err. */
static int fetch(fr_http *h, char *path, char **body, long *status, char *err, size_t errsz)
{
	*body = NULL;
	*status = 0;
	int rc = fr_http_get(h, path, body, status, err, errsz);
	free(path);
	return rc ? -1 : 0;
}

/* GETs an API path with its query string and parses the envelope. */
static int run(fr_http *h, const char *what, const char *qs, fr_promres *out, char *err,
               size_t errsz)
{
	char *body;
	long status;
	memset(out, 0, sizeof *out);
	if (fetch(h, fr_printf("%s?%s", what, qs), &body, &status, err, errsz))
		return -1;
	int rc = fr_prom_parse(h, what, body, status, out, err, errsz);
	free(body);
	return rc;
}

/* Runs an instant query at time `at` (unix seconds). Returns 0 and fills *out
 * (free with fr_promres_free), or -1 with a message. */
int fr_prom_query(fr_http *h, const char *promql, double at, fr_promres *out, char *err,
                  size_t errsz)
{
	char *q = fr_url_escape(promql);
	char *qs = fr_printf("query=%s&time=%.3f", q, at);
	int rc = run(h, "/api/v1/query", qs, out, err, errsz);
	free(q);
	free(qs);
	return rc;
}

/* Runs a range query. The caller chooses step with fr_choose_step so that no
 * series exceeds the 11 000-point limit; this function checks it again and
 * refuses rather than let Prometheus answer a bare 400. */
int fr_prom_query_range(fr_http *h, const char *promql, double start, double end, long step,
                        fr_promres *out, char *err, size_t errsz)
{
	if (step <= 0 || (end - start) / (double)step + 1 > FR_MAX_POINTS) {
		snprintf(err, errsz, "%s: query_range with step %lds over %.0fs exceeds %d points",
		         h->name, step, end - start, FR_MAX_POINTS);
		return -1;
	}
	char *q = fr_url_escape(promql);
	char *qs = fr_printf("query=%s&start=%.3f&end=%.3f&step=%ld", q, start, end, step);
	int rc = run(h, "/api/v1/query_range", qs, out, err, errsz);
	free(q);
	free(qs);
	return rc;
}

/* Frees a query result and zeroes it. */
void fr_promres_free(fr_promres *r)
{
	json_decref(r->root);
	free(r->warnings);
	memset(r, 0, sizeof *r);
}

void fr_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Borrowed label value of a series of a vector or matrix, NULL if absent. */
const char *fr_prom_label(json_t *series, const char *name)
{
	return json_string_value(json_object_get(json_object_get(series, "metric"), name));
}

/* The value of a vector sample ["ts", "value"]; NAN for NaN, +Inf, -Inf and
 * anything unreadable, since none is a usable usage or request. */
double fr_prom_value(json_t *series)
{
	const char *s = json_string_value(json_array_get(json_object_get(series, "value"), 1));
	if (!s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || isinf(v))
		return NAN;
	return v;
}

/* Quotes s as a literal inside a PromQL regex matcher in double quotes:
 * regex metacharacters get a backslash, and the backslash itself must then
 * be doubled again for the PromQL string literal. */
char *fr_promql_regex_quote(const char *s)
{
	size_t n = strlen(s);
	char *o = fr_xrealloc(NULL, 3 * n + 1), *q = o;
	for (; *s; s++) {
		if (strchr(".+*?()|[]{}^$\\", *s)) {
			*q++ = '\\';
			*q++ = '\\';
		} else if (*s == '"') {
			*q++ = '\\';
		}
		*q++ = *s;
	}
	*q = '\0';
	return o;
}

/* Lists the series matching one selector between start and end through
 * /api/v1/series (index only, no samples read). *out is the "data" array of
 * label sets (owned). Returns 0, or -1 with a message naming the URL. */
int fr_prom_series(fr_http *h, const char *match, double start, double end, json_t **out, char *err,
                   size_t errsz)
{
	char *q = fr_url_escape(match);
	char *path = fr_printf("/api/v1/series?match%%5B%%5D=%s&start=%.3f&"
	                       "end=%.3f",
	                       q, start, end);
	free(q);
	char *body;
	long status;
	*out = NULL;
	if (fetch(h, path, &body, &status, err, errsz))
		return -1;
	int rc = fr_prom_series_parse(h, body, status, out, err, errsz);
	free(body);
	return rc;
}

int fr_prom_series_parse(const fr_http *h, const char *body, long status, json_t **out, char *err,
                         size_t errsz)
{
	*out = NULL;
	json_error_t je;
	json_t *root = json_loads(body, 0, &je);
	const char *st = json_string_value(json_object_get(root, "status"));
	json_t *data = json_object_get(root, "data");
	if (!st || strcmp(st, "success") != 0 || !json_is_array(data)) {
		const char *e = json_string_value(json_object_get(root, "error"));
		const char *et = json_string_value(json_object_get(root, "errorType"));
		snprintf(err, errsz, "%s: %s/api/v1/series: HTTP %ld, %s: %s", h->name, h->shown,
		         status, et ? et : "error",
		         e      ? e
		         : root ? "no data array"
		                : "not a Prometheus API "
		                  "response");
		fr_one_line(err); /* Prometheus' own text: one line, no control bytes */
		json_decref(root);
		return -1;
	}
	*out = json_incref(data);
	json_decref(root);
	return 0;
}

/* ------------------------------------------------------------------------
 * A range query's matrix, parsed without building a JSON tree: a week of
 * points for hundreds of series is tens of MiB of JSON, and a jansson tree of
 * it several times that; this scanner keeps one series' values at a time and
 * hands each series to a callback. It accepts any key order and skips keys
 * it does not know, like a JSON parser would.
 */

typedef struct scan {
	const char *p, *end;
	int bad;
	int too_deep; /* bad because of nesting beyond FR_SKIP_DEPTH */
} scan;

/* Deepest nesting skip() follows. It recurses once per array or object, so
 * an answer of a million '[' under an unknown key would otherwise overflow
 * the stack; no Prometheus answer nests more than a handful of levels. */
#define FR_SKIP_DEPTH 512

/* Skips JSON white space. */
static void ws(scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\t' || *s->p == '\r'))
		s->p++;
}

/* Consumes c after white space; 1 if it was there. */
static int eat(scan *s, char c)
{
	ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 1;
	}
	return 0;
}

/* Scans a string token; returns it decoded (owned) or NULL on bad input.
 * Strings without escapes (nearly all) are copied as they are; the others
 * go through jansson so that \" and \u escapes come out right. */
static char *str(scan *s)
{
	ws(s);
	if (s->p >= s->end || *s->p != '"') {
		s->bad = 1;
		return NULL;
	}
	const char *b = ++s->p;
	int esc = 0;
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\') {
			esc = 1;
			s->p++;
		}
		s->p++;
	}
	if (s->p >= s->end) {
		s->bad = 1;
		return NULL;
	}
	const char *e = s->p++;
	if (!esc) {
		char *o = fr_xrealloc(NULL, (size_t)(e - b) + 1);
		memcpy(o, b, (size_t)(e - b));
		o[e - b] = '\0';
		return o;
	}
	json_t *j = json_loadb(b - 1, (size_t)(e - b) + 2, JSON_DECODE_ANY, NULL);
	char *o = j && json_is_string(j) ? fr_strdup(json_string_value(j)) : NULL;
	json_decref(j);
	if (!o)
		s->bad = 1;
	return o;
}

/* Skips one value of any type, nested at most FR_SKIP_DEPTH deep. */
static void skip_at(scan *s, int depth)
{
	ws(s);
	if (s->p >= s->end) {
		s->bad = 1;
		return;
	}
	char c = *s->p;
	if (c == '"') {
		free(str(s));
	} else if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		if (depth >= FR_SKIP_DEPTH) {
			s->bad = s->too_deep = 1;
			return;
		}
		s->p++;
		if (eat(s, close))
			return;
		do {
			if (c == '{') {
				free(str(s));
				if (!eat(s, ':'))
					s->bad = 1;
			}
			skip_at(s, depth + 1);
		} while (!s->bad && eat(s, ','));
		if (!s->bad && !eat(s, close))
			s->bad = 1;
	} else {
		while (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ']' &&
		       *s->p != ' ' && *s->p != '\n')
			s->p++;
	}
}

static void skip(scan *s)
{
	skip_at(s, 0);
}

typedef struct vals {
	double *t, *v;
	size_t n, cap;
} vals;

/* Reads an object, calling fn with each key and the scanner at its value,
 * which fn must consume; stops early when *stop becomes non-zero. */
typedef void (*key_fn)(scan *s, const char *key, void *ctx);
static void each_key(scan *s, key_fn fn, void *ctx, const int *stop)
{
	if (!eat(s, '{')) {
		s->bad = 1;
		return;
	}
	if (eat(s, '}'))
		return;
	do {
		char *k = str(s);
		if (!k || !eat(s, ':')) {
			free(k);
			s->bad = 1;
			return;
		}
		fn(s, k, ctx);
		free(k);
	} while (!s->bad && !*stop && eat(s, ','));
	if (!s->bad && !*stop && !eat(s, '}'))
		s->bad = 1;
}

static const int never = 0;

/* A label of a series' "metric" object. */
static void metric_key(scan *s, const char *key, void *metric)
{
	char *v = str(s);
	if (v)
		json_object_set_new(metric, key, json_string(v));
	free(v);
}

/* Reads the decimal number [b, e) ("1795251900", "0.005989166666666668")
 * into *out when it is short enough to be exact without strtod: at most
 * 2^53 once the point is dropped and at most 22 digits after the point, so
 * that the mantissa and 10^k are exact doubles and the one division rounds
 * correctly (Clinger's fast path): the same double strtod returns. Returns 0
 * for anything else (sign, exponent, NaN, longer numbers): strtod reads it. */
int fr_exact_decimal(const char *b, const char *e, double *out)
{
	static const double p10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
		                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
		                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	uint64_t m = 0;
	int frac = -1, digits = 0;
	for (const char *p = b; p < e; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || m > (UINT64_C(1) << 53) / 10)
			return 0;
		m = m * 10 + (uint64_t)(*p - '0');
		digits++;
		if (frac >= 0)
			frac++;
	}
	if (digits == 0 || frac == 0 || frac > 22 || m > (UINT64_C(1) << 53))
		return 0;
	*out = frac > 0 ? (double)m / p10[frac] : (double)m;
	return 1;
}

/* Reads a quoted number ("0.25", "NaN") where it stands, without copying
 * it: a week of points is millions of them. NaN for an unreadable or
 * infinite value; a string with escapes goes through str(). */
static double quoted_number(scan *s)
{
	ws(s);
	if (s->p >= s->end || *s->p != '"') {
		s->bad = 1;
		return NAN;
	}
	const char *b = s->p + 1;
	const char *q = memchr(b, '"', (size_t)(s->end - b));
	double v;
	char *e;
	if (q && fr_exact_decimal(b, q, &v)) {
		s->p = q + 1;
	} else if (q && !memchr(b, '\\', (size_t)(q - b))) {
		v = strtod(b, &e);
		if (e != q || e == b)
			v = NAN;
		s->p = q + 1;
	} else {
		char *x = str(s);
		v = x ? strtod(x, &e) : NAN;
		if (x && (e == x || *e))
			v = NAN;
		free(x);
	}
	return isinf(v) ? NAN : v;
}

/* Reads one [t, "v"] pair into vs; NaN for an unreadable value. */
static void read_point(scan *s, vals *vs)
{
	if (!eat(s, '[')) {
		s->bad = 1;
		return;
	}
	ws(s);
	const char *te = s->p;
	while (te < s->end && ((*te >= '0' && *te <= '9') || *te == '.'))
		te++;
	double t;
	if (te < s->end && *te != 'e' && *te != 'E' && fr_exact_decimal(s->p, te, &t)) {
		s->p = te;
	} else {
		char *e;
		t = strtod(s->p, &e);
		if (e == s->p || e > s->end) {
			s->bad = 1;
			return;
		}
		s->p = e;
	}
	double v = eat(s, ',') ? quoted_number(s) : (s->bad = 1, NAN);
	if (s->bad || !eat(s, ']')) {
		s->bad = 1;
		return;
	}
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? 2 * vs->cap : 1024;
		vs->t = fr_xrealloc(vs->t, vs->cap * sizeof *vs->t);
		vs->v = fr_xrealloc(vs->v, vs->cap * sizeof *vs->v);
	}
	vs->t[vs->n] = t;
	vs->v[vs->n++] = v;
}

/* Reads a series' "values" array into vs. */
static void read_values(scan *s, vals *vs)
{
	if (!eat(s, '[')) {
		s->bad = 1;
		return;
	}
	if (eat(s, ']'))
		return;
	do
		read_point(s, vs);
	while (!s->bad && eat(s, ','));
	if (!s->bad && !eat(s, ']'))
		s->bad = 1;
}

typedef struct one_series {
	json_t *metric;
	vals *vs;
} one_series;

static void series_key(scan *s, const char *key, void *ctx)
{
	one_series *o = ctx;
	if (strcmp(key, "metric") == 0)
		each_key(s, metric_key, o->metric, &never);
	else if (strcmp(key, "values") == 0)
		read_values(s, o->vs);
	else
		skip(s);
}

/* Parses one series object and calls cb with it. */
static int series(scan *s, vals *vs, fr_series_cb cb, void *ud)
{
	one_series o = { json_object(), vs };
	vs->n = 0;
	each_key(s, series_key, &o, &never);
	int rc = s->bad ? 0 : cb(ud, o.metric, vs->t, vs->v, vs->n);
	json_decref(o.metric);
	return rc;
}

/* What the scan of a range query's answer finds. */
typedef struct answer {
	char *st, *et, *emsg, *rt; /* status, errorType, error, resultType */
	char *warnings;
	int cbrc, have_result;
	vals vs;
	fr_series_cb cb;
	void *ud;
} answer;

/* Reads the "warnings" array, joined with "; ". */
static void read_warnings(scan *s, answer *a)
{
	if (eat(s, ']'))
		return;
	do {
		char *w = str(s);
		char *n = fr_printf("%s%s%s", a->warnings ? a->warnings : "",
		                    a->warnings ? "; " : "", w ? w : "?");
		free(a->warnings);
		free(w);
		a->warnings = n;
	} while (!s->bad && eat(s, ','));
	if (!eat(s, ']'))
		s->bad = 1;
}

/* A key of the "data" object: resultType, and each series of "result". */
static void data_key(scan *s, const char *key, void *ctx)
{
	answer *a = ctx;
	if (strcmp(key, "resultType") == 0) {
		free(a->rt);
		a->rt = str(s);
	} else if (strcmp(key, "result") == 0 && eat(s, '[')) {
		a->have_result = 1;
		if (eat(s, ']'))
			return;
		do {
			if (series(s, &a->vs, a->cb, a->ud))
				a->cbrc = -1;
		} while (!s->bad && !a->cbrc && eat(s, ','));
		if (!a->cbrc && !eat(s, ']'))
			s->bad = 1;
	} else {
		skip(s);
	}
}

/* A key of the answer. */
static void answer_key(scan *s, const char *key, void *ctx)
{
	answer *a = ctx;
	char **dst = strcmp(key, "status") == 0      ? &a->st
	             : strcmp(key, "errorType") == 0 ? &a->et
	             : strcmp(key, "error") == 0     ? &a->emsg
	                                             : NULL;
	if (dst) {
		free(*dst);
		*dst = str(s);
	} else if (strcmp(key, "warnings") == 0 && eat(s, '[')) {
		read_warnings(s, a);
	} else if (strcmp(key, "data") == 0) {
		each_key(s, data_key, a, &a->cbrc);
	} else {
		skip(s);
	}
}

/* The error of a scanned answer, or 0 when it is a matrix. */
static int answer_error(const fr_http *h, const scan *s, const answer *a, long status, char *err,
                        size_t errsz)
{
	const char *what = "/api/v1/query_range";
	if (s->too_deep) {
		/* before the status check: the status may sit after the deep value,
		 * unread, and "not a Prometheus API response" would hide why */
		snprintf(err, errsz, "%s: %s%s: response nests deeper than %d levels; refusing it",
		         h->name, h->shown, what, FR_SKIP_DEPTH);
	} else if (a->cbrc) {
		snprintf(err, errsz, "%s: %s%s: stopped by the caller", h->name, h->shown, what);
	} else if (!a->st || strcmp(a->st, "success") != 0) {
		snprintf(err, errsz, "%s: %s%s: HTTP %ld, %s: %s", h->name, h->shown, what, status,
		         a->et ? a->et : "error",
		         a->emsg  ? a->emsg
		         : s->bad ? "not a Prometheus API response"
		                  : "no error message in the response");
		fr_one_line(err); /* Prometheus' own text: one line, no control bytes */
	} else if (s->bad || !a->have_result || !a->rt || strcmp(a->rt, "matrix") != 0) {
		snprintf(err, errsz, "%s: %s%s: response is not a matrix", h->name, h->shown, what);
	} else {
		return 0;
	}
	return -1;
}

/* Runs a range query (step checked against the 11 000-point limit) and calls
 * cb once per series with its timestamps and values (NaN for unreadable
 * values). *warnings gets Prometheus' warnings, joined, or NULL. Returns 0, or
 * -1 with a message naming the URL for transport errors, error envelopes and
 * bodies that are not a matrix response. */
int fr_prom_range_each(fr_http *h, const char *promql, double start, double end, long step,
                       fr_series_cb cb, void *ud, char **warnings, char *err, size_t errsz)
{
	*warnings = NULL;
	if (step <= 0 || (end - start) / (double)step + 1 > FR_MAX_POINTS) {
		snprintf(err, errsz, "%s: query_range with step %lds over %.0fs exceeds %d points",
		         h->name, step, end - start, FR_MAX_POINTS);
		return -1;
	}
	char *q = fr_url_escape(promql);
	char *path = fr_printf("/api/v1/query_range?query=%s&start=%.3f&end=%.3f"
	                       "&step=%ld",
	                       q, start, end, step);
	free(q);
	char *body;
	long status;
	if (fetch(h, path, &body, &status, err, errsz))
		return -1;
	int rc = fr_prom_range_parse(h, body, status, cb, ud, warnings, err, errsz);
	free(body);
	return rc;
}

int fr_prom_range_parse(const fr_http *h, const char *body, long status, fr_series_cb cb, void *ud,
                        char **warnings, char *err, size_t errsz)
{
	*warnings = NULL;
	scan s = { body, body + strlen(body), 0, 0 };
	answer an = { .cb = cb, .ud = ud };
	each_key(&s, answer_key, &an, &an.cbrc);
	int rc = answer_error(h, &s, &an, status, err, errsz);
	if (rc) {
		free(an.warnings);
		an.warnings = NULL;
	}
	*warnings = an.warnings;
	free(an.st);
	free(an.et);
	free(an.emsg);
	free(an.rt);
	free(an.vs.t);
	free(an.vs.v);
	return rc;
}
