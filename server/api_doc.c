/*
 * api_doc.c - the OpenAPI document, served as written (YAML), as JSON and as
 * the reference page /api/docs (French or English), all embedded at build
 * time (openapi_doc.h). Each has a strong ETag: If-None-Match gets a 304.
 */
#include <string.h>

#include "api.h"
#include "openapi_doc.h"

static void respond_static(req *r, const char *ctype, const unsigned char *data, size_t len,
                           const char *etag)
{
	req_header(r, "ETag: %s", etag);
	req_header(r, "Cache-Control: no-cache");
	req_header(r, "Vary: Accept-Language, Cookie");
	if (etag_listed(r, "If-None-Match", etag, true))
		respond(r, 304, NULL, "", 0);
	else
		respond(r, 200, ctype, data, len);
}

void api_openapi_json(req *r)
{
	respond_static(r, "application/json", openapi_json, openapi_json_len, openapi_json_etag);
}

void api_openapi_yaml(req *r)
{
	respond_static(r, "application/yaml; charset=utf-8", openapi_yaml, openapi_yaml_len,
	               openapi_yaml_etag);
}

void page_api_docs(req *r)
{
	if (r->lang == LANG_EN)
		respond_static(r, "text/html; charset=utf-8", openapi_html_en, openapi_html_en_len,
		               openapi_html_en_etag);
	else
		respond_static(r, "text/html; charset=utf-8", openapi_html_fr, openapi_html_fr_len,
		               openapi_html_fr_etag);
}
