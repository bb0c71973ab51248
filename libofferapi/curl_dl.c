/*
 * curl_dl.c - libcurl opened on first use (curl_dl.h), and its global
 * initialisation on the first message or webhook actually sent.
 *
 * curl_global_init() initialises OpenSSL (its configuration, its default
 * provider, error strings): about 2.2 MiB of libcrypto pages plus 0.8 MiB
 * of heap in a server. Done when the mail and webhook senders started, it
 * made a server that never sends anything (no --smtp-url, no webhooks)
 * carry them all its life; it is done here on the first send instead. The
 * libcurl of Debian 12 (7.88) has the "threadsafe" feature: its global
 * init may run while other threads use libcurl's URL parser, and the one
 * pthread_once below serialises the mail and webhook threads.
 */
#include <pthread.h>

#include "curl_dl.h"
#include "dl.h"
#include "internal.h"

oa_libcurl oa_curl;

static const oa_dl_sym syms[] = {
#define OA_CURL_SYM(f) { "curl_" #f, &oa_curl.f },
	OA_CURL_FUNCTIONS(OA_CURL_SYM)
#undef OA_CURL_SYM
};

/* libcurl 4's soname (Debian 12: libcurl4, the OpenSSL flavour). */
static oa_dl_lib lib = OA_DL_LIB("libcurl.so.4", syms, "libcurl");

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_rc;

int oa_curl_load(void)
{
	return oa_dl_load(&lib);
}

static void init(void)
{
	init_rc = oa_curl.global_init(CURL_GLOBAL_DEFAULT);
}

int oa_curl_init(void)
{
	int rc = oa_curl_load();
	if (rc < 0)
		return rc;
	pthread_once(&init_once, init);
	if (init_rc != CURLE_OK)
		return oa_error(OFFERAPI_ERROR, "libcurl did not initialise: %s",
		                oa_curl.easy_strerror(init_rc));
	return 0;
}
