/*
 * explain.h - a stored score explanation (offerapi_explanation_parse())
 * shown in the reader's language: HTML for the dashboard, one line for the
 * CSV, JSON for the API. Plain-text explanations (older plugins) are shown
 * as they are.
 */
#ifndef OFFERAPI_SERVER_EXPLAIN_H
#define OFFERAPI_SERVER_EXPLAIN_H

#include <jansson.h>

#include "buf.h"
#include "http.h"

void explain_html(enum lang lang, buf *b, const char *stored);
void explain_line(enum lang lang, buf *b, const char *stored);
/* {"text", "skills": [{"skill","credit","match"}], "subscores": {name: value}},
 * or NULL for a plain-text explanation. */
json_t *explain_json(const char *stored);

#endif
