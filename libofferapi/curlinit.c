/*
 * curlinit.c - libcurl's global initialisation, once per process, on the
 * first message or webhook actually sent.
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

#include <curl/curl.h>

#include "internal.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static CURLcode init_rc;

static void init(void)
{
	init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int oa_curl_init(void)
{
	pthread_once(&once, init);
	if (init_rc != CURLE_OK)
		return oa_error(OFFERAPI_ERROR, "libcurl did not initialise: %s",
		                curl_easy_strerror(init_rc));
	return 0;
}
