/*
 * curl_dl.h - libcurl, opened with dlopen() on first use (curl_dl.c): the
 * SMTP relay's URL check when the mail sender starts, the first webhook
 * delivery. Linked normally, libcurl and its chain (GnuTLS, nettle, p11-kit,
 * OpenSSL, Kerberos, LDAP, libssh2, nghttp2...) were mapped into every
 * process at start: with libpq's chain, which shares part of it and is
 * opened on first use too (pq_dl.h), about 5 MiB of resident library pages
 * in a server that never sends a message. Only mailsender.c and webhooks.c
 * use it, through the table below: member X is libcurl's curl_X (the
 * prefix goes, since curl.h makes curl_easy_setopt and curl_easy_getinfo
 * macros that would expand inside a member access).
 */
#ifndef OFFERAPI_CURL_DL_H
#define OFFERAPI_CURL_DL_H

#include <curl/curl.h>

/* Every libcurl function the library calls, without its curl_ prefix. */
#define OA_CURL_FUNCTIONS(X)                                                                       \
	X(easy_cleanup)                                                                            \
	X(easy_getinfo)                                                                            \
	X(easy_init)                                                                               \
	X(easy_perform)                                                                            \
	X(easy_setopt)                                                                             \
	X(easy_strerror)                                                                           \
	X(free)                                                                                    \
	X(global_init)                                                                             \
	X(slist_append)                                                                            \
	X(slist_free_all)                                                                          \
	X(url)                                                                                     \
	X(url_cleanup)                                                                             \
	X(url_get)                                                                                 \
	X(url_set)

typedef struct oa_libcurl {
#define OA_CURL_SLOT(f) __typeof__(curl_##f) *f;
	OA_CURL_FUNCTIONS(OA_CURL_SLOT)
#undef OA_CURL_SLOT
} oa_libcurl;

/* The table, filled by the first successful oa_curl_load(); usable by a
 * thread once its own oa_curl_load() or oa_curl_init() returned 0. */
extern oa_libcurl oa_curl;

/* Load libcurl once per process (it stays loaded), without its global
 * initialisation: enough for the URL parser. Returns 0, or OFFERAPI_ERROR
 * with a message naming libcurl.so.4 when it cannot be opened or lacks a
 * function. */
int oa_curl_load(void);

/* oa_curl_load(), then libcurl's global initialisation once per process
 * (OpenSSL's included): before the first transfer. Returns 0 or
 * OFFERAPI_ERROR. */
int oa_curl_init(void);

#endif
