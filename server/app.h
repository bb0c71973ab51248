/*
 * app.h - the application: its configuration (config.c: one option table),
 * its state shared by every request, and the parts around the request path
 * (metrics, texts, demo data, the catch-up scoring pass).
 *
 * Layers, top to bottom (docs/hacking.md): router.c (one route table and the
 * request frame) -> handlers that only parse and render (pages_*.c, api_*.c)
 * -> services that carry each domain action once for both (svc_*.c, svc.h)
 * -> libofferapi. A request is handled entirely on its CivetWeb worker
 * thread and answered with one write (http.h).
 */
#ifndef OFFERAPI_SERVER_APP_H
#define OFFERAPI_SERVER_APP_H

#include <stdbool.h>
#include <stddef.h>

#include <offerapi/offerapi.h>

#include "buf.h"
#include "http.h"

/* ---- configuration (config.c) -------------------------------------------- */

typedef struct config {
	char listen[128]; /* "127.0.0.1:8080" */
	char db_url[1024]; /* "sqlite:offerapi.db" */
	char plugin_dir[1024]; /* where scorer-*.so live */
	char scorers[512]; /* "random" */
	char secret[256]; /* CSRF key material; random when empty */
	unsigned threads; /* CivetWeb workers */
	unsigned keep_alive_ms; /* 0 disables keep-alive */
	unsigned request_timeout_ms;
	unsigned drain_ms; /* after SIGTERM, keep serving (readyz 503) this long */
	size_t max_upload; /* largest CV in bytes */
	size_t max_body; /* largest non-file request body */
	size_t max_header; /* largest request head */
	unsigned max_pages; /* CV pages read */
	unsigned db_pool; /* store connections (0: the library's default) */
	unsigned pwhash_concurrency;
	size_t pwhash_mem; /* Argon2id memory, bytes (0: library default) */
	unsigned long long pwhash_ops; /* (0: library default) */
	unsigned login_max_failures; /* per account and per address, per window */
	unsigned login_window_s;
	bool secure_cookies; /* always mark cookies Secure */
	bool trust_proxy; /* believe X-Forwarded-Proto / -For */
	bool demo;
	bool no_request_log;
} config;

/* Defaults, then OFFERAPI_* variables, then flags, all described by one
 * table. Returns 0, 1 (help, version or routes printed: exit 0) or -1 (bad
 * configuration, message printed: exit 2). */
int config_load(config *c, int argc, char **argv);

/* ---- the application ------------------------------------------------------ */

typedef struct app {
	config cfg;
	offerapi_store *store;
	offerapi_scorers *scorers;
	size_t ranked[32]; /* indices in scorers, in --scorers order: the first ranks */
	size_t nranked;
	struct mg_context *mg;
	unsigned char csrf_key[32];
	volatile int draining; /* set on SIGTERM: /readyz answers 503 */
	double start_time; /* Unix time, for process_start_time_seconds */
	/* --demo: the demo accounts and their passwords, new at every start */
	struct demo_login {
		const char *login, *role; /* role: i18n key */
		char password[17];
	} demo[3];
	size_t ndemo;
} app;

/* The one instance, for the places CivetWeb and the library call back
 * without a request (metrics, logging, start-up). Handlers use r->app. */
extern app g_app;

/* ---- router (router.c) ---------------------------------------------------- */

/* Once at start-up, before the first request. */
void router_init(void);
/* The CivetWeb handler of every request (@cbdata: the app). */
int router_handle(struct mg_connection *conn, void *cbdata);
/* Print the route table (METHOD TEMPLATE KIND), for --list-routes. */
void router_print(void);

/* ---- ops endpoints (ops.c) ------------------------------------------------ */

void ops_metrics(req *r);
void ops_healthz(req *r);
void ops_readyz(req *r);

/* ---- rescore.c ------------------------------------------------------------ */

/* Start the background pass that scores stored applications lacking a
 * score from a loaded scorer (after a crash, or a new scorer version). */
int rescore_start(void);
/* Ask the pass to stop after the current application and wait for it. */
void rescore_stop(void);

/* ---- demo.c --------------------------------------------------------------- */

int demo_fill(offerapi_store *store, offerapi_scorers *set);
/* Give the demo recruiter and two demo candidates new passwords (every
 * start with --demo, so they can always be shown) into a->demo. */
int demo_passwords(app *a);
/* Print the URL to open and the demo logins on stdout. */
void demo_announce(const app *a);

extern const char server_css[];

#endif
