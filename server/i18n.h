/*
 * i18n.h - the French and English texts of the pages and messages (i18n.c).
 */
#ifndef OFFERAPI_SERVER_I18N_H
#define OFFERAPI_SERVER_I18N_H

#include "http.h"

void i18n_init(void);
/* The text of @key in @lang; a missing key shows itself. */
const char *i18n_text(enum lang lang, const char *key);
/* The text of @key in the request's language. */
const char *T(const req *r, const char *key);
/* The text of @key, a format with the arguments given (texts that take
 * arguments say so in i18n.c), written into @out of @n bytes; returns @out. */
const char *TF(const req *r, char *out, size_t n, const char *key, ...);
/* A sentence a person understands for library error @rc (validation errors
 * keep the library's detail, which names the field). */
const char *error_text(const req *r, int rc);

#endif
