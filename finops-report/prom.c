/*
 * finops-report: the Prometheus HTTP API client (/api/v1/query and
 * /api/v1/query_range) and helpers to read its vectors.
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>

/* Parses a Prometheus API body into *out. Accepts only status "success" with
 * a vector or matrix; an error envelope becomes a message naming the URL path,
 * the error type and Prometheus' own text; warnings (partial data) are kept in
 * out->warnings for the caller to report as incomplete data. */
static int parse_envelope(fr_http *h, const char *what, char *body, long status, fr_promres *out,
                          char *err, size_t errsz)
{
	json_error_t je;
	json_t *root = json_loads(body, 0, &je);
	if (!root || !json_is_object(root)) {
		snprintf(err, errsz,
		         "%s: %s%s: HTTP %ld but the body is not a Prometheus API "
		         "response (%s)",
		         h->name, h->shown, what, status, root ? "not an object" : je.text);
		json_decref(root);
		return -1;
	}
	const char *st = json_string_value(json_object_get(root, "status"));
	if (!st || strcmp(st, "success") != 0) {
		const char *et = json_string_value(json_object_get(root, "errorType"));
		const char *e = json_string_value(json_object_get(root, "error"));
		snprintf(err, errsz, "%s: %s%s: HTTP %ld, %s: %s", h->name, h->shown, what, status,
		         et ? et : "error", e ? e : "no error message in the response");
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

/* GETs an API path with its query string and parses the envelope. */
static int run(fr_http *h, const char *what, const char *qs, fr_promres *out, char *err,
               size_t errsz)
{
	char *path = fr_printf("%s?%s", what, qs);
	char *body = NULL;
	long status = 0;
	memset(out, 0, sizeof *out);
	int rc = fr_http_get(h, path, &body, &status, err, errsz);
	free(path);
	if (rc != 0)
		return -1;
	rc = parse_envelope(h, what, body, status, out, err, errsz);
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
	char *body = NULL;
	long status = 0;
	*out = NULL;
	int rc = fr_http_get(h, path, &body, &status, err, errsz);
	free(path);
	if (rc)
		return -1;
	json_error_t je;
	json_t *root = json_loads(body, 0, &je);
	free(body);
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

/* Parses one series object and calls cb with it. */
static int series(scan *s, vals *vs, fr_series_cb cb, void *ud)
{
	json_t *metric = json_object();
	vs->n = 0;
	int rc = 0;
	if (!eat(s, '{'))
		s->bad = 1;
	else if (!eat(s, '}')) {
		do {
			char *k = str(s);
			if (!k || !eat(s, ':')) {
				s->bad = 1;
				free(k);
				break;
			}
			if (strcmp(k, "metric") == 0) {
				if (!eat(s, '{'))
					s->bad = 1;
				else if (!eat(s, '}')) {
					do {
						char *lk = str(s);
						char *lv = lk && eat(s, ':') ? str(s) : NULL;
						if (lk && lv)
							json_object_set_new(metric, lk,
							                    json_string(lv));
						else
							s->bad = 1;
						free(lk);
						free(lv);
					} while (!s->bad && eat(s, ','));
					if (!eat(s, '}'))
						s->bad = 1;
				}
			} else if (strcmp(k, "values") == 0) {
				if (!eat(s, '['))
					s->bad = 1;
				else if (!eat(s, ']')) {
					do {
						if (!eat(s, '[')) {
							s->bad = 1;
							break;
						}
						ws(s);
						char *e;
						double t = strtod(s->p, &e);
						if (e == s->p || e > s->end) {
							s->bad = 1;
							break;
						}
						s->p = e;
						char *vstr = eat(s, ',') ? str(s) : NULL;
						if (!vstr || !eat(s, ']')) {
							free(vstr);
							s->bad = 1;
							break;
						}
						double v = strtod(vstr, &e);
						if (e == vstr || *e || isinf(v))
							v = NAN;
						free(vstr);
						if (vs->n == vs->cap) {
							vs->cap = vs->cap ? 2 * vs->cap : 1024;
							vs->t = fr_xrealloc(
								vs->t, vs->cap * sizeof *vs->t);
							vs->v = fr_xrealloc(
								vs->v, vs->cap * sizeof *vs->v);
						}
						vs->t[vs->n] = t;
						vs->v[vs->n++] = v;
					} while (eat(s, ','));
					if (!s->bad && !eat(s, ']'))
						s->bad = 1;
				}
			} else {
				skip(s);
			}
			free(k);
		} while (!s->bad && eat(s, ','));
		if (!s->bad && !eat(s, '}'))
			s->bad = 1;
	}
	if (!s->bad)
		rc = cb(ud, metric, vs->t, vs->v, vs->n);
	json_decref(metric);
	return rc;
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
	char *body = NULL;
	long status = 0;
	int rc = fr_http_get(h, path, &body, &status, err, errsz);
	free(path);
	if (rc)
		return -1;
	scan s = { body, body + strlen(body), 0, 0 };
	vals vs = { 0 };
	char *st = NULL, *et = NULL, *emsg = NULL, *rt = NULL;
	int cbrc = 0, have_result = 0;
	if (!eat(&s, '{'))
		s.bad = 1;
	else if (!eat(&s, '}')) {
		do {
			char *k = str(&s);
			if (!k || !eat(&s, ':')) {
				free(k);
				s.bad = 1;
				break;
			}
			if (strcmp(k, "status") == 0) {
				free(st);
				st = str(&s);
			} else if (strcmp(k, "errorType") == 0) {
				free(et);
				et = str(&s);
			} else if (strcmp(k, "error") == 0) {
				free(emsg);
				emsg = str(&s);
			} else if (strcmp(k, "warnings") == 0 && eat(&s, '[')) {
				if (!eat(&s, ']')) {
					do {
						char *w = str(&s);
						char *n = fr_printf(
							"%s%s%s", *warnings ? *warnings : "",
							*warnings ? "; " : "", w ? w : "?");
						free(*warnings);
						free(w);
						*warnings = n;
					} while (!s.bad && eat(&s, ','));
					if (!eat(&s, ']'))
						s.bad = 1;
				}
			} else if (strcmp(k, "data") == 0 && eat(&s, '{')) {
				if (!eat(&s, '}')) {
					do {
						char *dk = str(&s);
						if (!dk || !eat(&s, ':')) {
							free(dk);
							s.bad = 1;
							break;
						}
						if (strcmp(dk, "resultType") == 0) {
							free(rt);
							rt = str(&s);
						} else if (strcmp(dk, "result") == 0 &&
						           eat(&s, '[')) {
							have_result = 1;
							if (!eat(&s, ']')) {
								do {
									if (series(&s, &vs, cb, ud))
										cbrc = -1;
								} while (!s.bad && !cbrc &&
								         eat(&s, ','));
								if (!cbrc && !eat(&s, ']'))
									s.bad = 1;
							}
						} else {
							skip(&s);
						}
						free(dk);
					} while (!s.bad && !cbrc && eat(&s, ','));
					if (!s.bad && !cbrc && !eat(&s, '}'))
						s.bad = 1;
				}
			} else {
				skip(&s);
			}
			free(k);
		} while (!s.bad && !cbrc && eat(&s, ','));
	}
	rc = 0;
	if (s.too_deep) {
		/* before the status check: the status may sit after the deep value,
         * unread, and "not a Prometheus API response" would hide why */
		snprintf(err, errsz,
		         "%s: %s/api/v1/query_range: response nests "
		         "deeper than %d levels; refusing it",
		         h->name, h->shown, FR_SKIP_DEPTH);
		rc = -1;
	} else if (cbrc) {
		snprintf(err, errsz,
		         "%s: %s/api/v1/query_range: stopped by the "
		         "caller",
		         h->name, h->shown);
		rc = -1;
	} else if (!st || strcmp(st, "success") != 0) {
		snprintf(err, errsz, "%s: %s/api/v1/query_range: HTTP %ld, %s: %s", h->name,
		         h->shown, status, et ? et : "error",
		         emsg    ? emsg
		         : s.bad ? "not a Prometheus API response"
		                 : "no error message in the response");
		rc = -1;
	} else if (s.bad || !have_result || !rt || strcmp(rt, "matrix") != 0) {
		snprintf(err, errsz,
		         "%s: %s/api/v1/query_range: response is not a "
		         "matrix",
		         h->name, h->shown);
		rc = -1;
	}
	if (rc) {
		free(*warnings);
		*warnings = NULL;
	}
	free(st);
	free(et);
	free(emsg);
	free(rt);
	free(vs.t);
	free(vs.v);
	free(body);
	return rc;
}
