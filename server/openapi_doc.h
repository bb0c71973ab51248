/*
 * openapi_doc.h - the OpenAPI document embedded at build time
 * (server/gen_openapi.py): the YAML as written, its JSON form and the
 * /api/docs page in French and English, each with a strong ETag (quoted).
 */
#ifndef OFFERAPI_SERVER_OPENAPI_DOC_H
#define OFFERAPI_SERVER_OPENAPI_DOC_H

#include <stddef.h>

extern const unsigned char openapi_yaml[], openapi_json[], openapi_html_fr[], openapi_html_en[];
extern const size_t openapi_yaml_len, openapi_json_len, openapi_html_fr_len, openapi_html_en_len;
extern const char openapi_yaml_etag[], openapi_json_etag[], openapi_html_fr_etag[],
	openapi_html_en_etag[];

#endif
