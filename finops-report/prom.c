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
static int parse_envelope(fr_http *h, const char *what, char *body,
                          long status, fr_promres *out, char *err,
                          size_t errsz)
{
    json_error_t je;
    json_t *root = json_loads(body, 0, &je);
    if (!root || !json_is_object(root)) {
        snprintf(err, errsz,
                 "%s: %s%s: HTTP %ld but the body is not a Prometheus API "
                 "response (%s)", h->name, h->base, what, status,
                 root ? "not an object" : je.text);
        json_decref(root);
        return -1;
    }
    const char *st = json_string_value(json_object_get(root, "status"));
    if (!st || strcmp(st, "success") != 0) {
        const char *et = json_string_value(json_object_get(root, "errorType"));
        const char *e = json_string_value(json_object_get(root, "error"));
        snprintf(err, errsz, "%s: %s%s: HTTP %ld, %s: %s", h->name, h->base,
                 what, status, et ? et : "error",
                 e ? e : "no error message in the response");
        json_decref(root);
        return -1;
    }
    json_t *data = json_object_get(root, "data");
    json_t *result = json_object_get(data, "result");
    const char *rt = json_string_value(json_object_get(data, "resultType"));
    if (!json_is_array(result) || !rt
        || (strcmp(rt, "vector") != 0 && strcmp(rt, "matrix") != 0)) {
        snprintf(err, errsz,
                 "%s: %s%s: response has no data.result vector or matrix",
                 h->name, h->base, what);
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
        json_array_foreach(w, i, v) {
            const char *s = json_string_value(v);
            char *n = fr_printf("%s%s%s", acc ? acc : "", acc ? "; " : "",
                                s ? s : "?");
            free(acc);
            acc = n;
        }
        out->warnings = acc;
    }
    return 0;
}

static int run(fr_http *h, const char *what, const char *qs, fr_promres *out,
               char *err, size_t errsz)
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
int fr_prom_query(fr_http *h, const char *promql, double at, fr_promres *out,
                  char *err, size_t errsz)
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
int fr_prom_query_range(fr_http *h, const char *promql, double start,
                        double end, long step, fr_promres *out, char *err,
                        size_t errsz)
{
    if (step <= 0 || (end - start) / (double)step + 1 > FR_MAX_POINTS) {
        snprintf(err, errsz,
                 "%s: query_range with step %lds over %.0fs exceeds %d points",
                 h->name, step, end - start, FR_MAX_POINTS);
        return -1;
    }
    char *q = fr_url_escape(promql);
    char *qs = fr_printf("query=%s&start=%.3f&end=%.3f&step=%ld", q, start,
                         end, step);
    int rc = run(h, "/api/v1/query_range", qs, out, err, errsz);
    free(q);
    free(qs);
    return rc;
}

void fr_promres_free(fr_promres *r)
{
    json_decref(r->root);
    free(r->warnings);
    memset(r, 0, sizeof *r);
}

/* Borrowed label value of a series of a vector or matrix, NULL if absent. */
const char *fr_prom_label(json_t *series, const char *name)
{
    return json_string_value(json_object_get(json_object_get(series, "metric"),
                                             name));
}

/* The value of a vector sample ["ts", "value"]; NAN for NaN, +Inf, -Inf and
 * anything unreadable, since none is a usable usage or request. */
double fr_prom_value(json_t *series)
{
    const char *s =
        json_string_value(json_array_get(json_object_get(series, "value"), 1));
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
