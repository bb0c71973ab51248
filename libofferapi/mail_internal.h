/*
 * mail_internal.h - what the mail files share (never installed).
 */
#ifndef OFFERAPI_MAIL_INTERNAL_H
#define OFFERAPI_MAIL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "offerapi/application.h"
#include "offerapi/mail.h"

/* One kind of message in one language. */
typedef struct mail_template {
	const char *kind;
	const char *lang;
	const char *link_path; /* appended to the base URL, then the token; NULL: none */
	bool notification; /* carries List-Unsubscribe */
	const char *subject; /* may hold {name}, {offer} */
	const char *body; /* paragraphs; may hold {name}, {offer}, {reason}, {who}, {link},
	                     {list} */
} mail_template;

/* The template of @kind in @lang ("en", else French); NULL for an unknown
 * kind. */
const mail_template *mail_template_find(const char *kind, const char *lang);

/* The label of a rejection's @reason in @lang ("en", else French), as the
 * candidate's message says it; "" for none or another value. */
const char *mail_reason_label(offerapi_reject_reason reason, const char *lang);

/* 0 when @url is http:// or https:// followed by a host, with no space,
 * quote or control character; error set (naming @what) otherwise. */
int mail_check_base_url(const char *what, const char *url);

#endif
