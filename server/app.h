/*
 * app.h - the application: its configuration (config.c: one option table),
 * its state shared by every request, and the parts around the request path
 * (metrics, texts, demo data, the scoring workers).
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
	char data_key_file[1024]; /* the CVs' key-encryption key; "" for the default */
	char plugin_dir[1024]; /* where scorer-*.so live */
	char scorers[512]; /* "random" */
	char secret[256]; /* CSRF key material; random when empty */
	char smtp_url[1024]; /* mail relay; "" logs messages instead */
	char mail_from[256]; /* From address of the mail */
	char public_url[512]; /* base of links in mail; "" : http://LISTEN */
	unsigned mail_senders; /* mail sender threads (0: offerapi-worker or none) */
	unsigned webhook_senders; /* webhook sender threads (0: none in this process) */
	unsigned webhook_backoff_ms; /* first retry delay of a failed delivery */
	bool webhook_allow_private; /* deliveries may go to loopback and private addresses */
	unsigned access_log_days; /* access records older than this are purged */
	char privacy_notice_file[1024]; /* the operator's notice; "" for the default */
	unsigned retention_days; /* non-hired applications kept after their last activity */
	unsigned pool_days; /* more with the candidate's pool consent (0: not asked) */
	unsigned unverified_days; /* accounts never verified are erased after this */
	unsigned retention_warn_days; /* the candidate is told this long before a purge */
	unsigned threads; /* CivetWeb workers */
	unsigned keep_alive_ms; /* 0 disables keep-alive */
	unsigned request_timeout_ms; /* CivetWeb's: the head, and each wait */
	unsigned body_timeout_ms; /* the whole body (deadline.c) */
	unsigned drain_ms; /* after SIGTERM, keep serving (readyz 503) this long */
	unsigned workers; /* scoring worker threads (0: offerapi-worker does it) */
	unsigned worker_drain_ms; /* at stop, time for jobs being scored to finish */
	unsigned apply_wait_ms; /* an application may wait this long for its scores */
	/* scoring jobs (offerapi/jobs.h) */
	unsigned lease_s, max_attempts, backoff_ms, backoff_max_ms;
	size_t max_upload; /* largest CV in bytes */
	size_t max_body; /* largest non-file request body */
	size_t max_header; /* largest request head */
	unsigned max_pages; /* CV pages read */
	unsigned max_cv_cpu_ms; /* CPU time of one CV extraction */
	unsigned db_pool; /* store connections (0: the library's default) */
	unsigned pwhash_concurrency;
	size_t pwhash_mem; /* Argon2id memory, bytes (0: library default) */
	unsigned long long pwhash_ops; /* (0: library default) */
	unsigned login_max_failures; /* per account and per address, per window */
	unsigned login_window_s;
	unsigned signup_limit; /* sign-ups per address per hour, 0: off */
	unsigned reset_limit; /* password-reset asks per address per hour, 0: off */
	unsigned erase_grace_days; /* an erasure asked by its person waits this long (0: none) */
	unsigned erase_sweep_s; /* seconds between two sweeps of the erasures due */
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
	struct offerapi_mail_sender *mail; /* the mail sender, or NULL */
	struct offerapi_webhook_sender *webhooks; /* the webhook sender, or NULL */
	struct erase_sweeper *sweeper; /* the erasures' sweep (serve.c) */
	/* the privacy notice shown at sign-up and on applying (privacy.c):
	 * French, English, and its version (a short hash of both texts) */
	char *notice[2];
	char notice_version[16];
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

/* ---- start and stop (serve.c) -------------------------------------------- */

/* With @a->cfg loaded: process settings, the password checker, the body
 * deadline's watchdog, the store and scorers (and demo data), CivetWeb on
 * --listen, the scoring workers (jobs_start). Returns 0, or -1 with a
 * message printed. The caller blocks the signals its threads must not take
 * first. */
int app_start(app *a);
/* Stop serving (waits for requests in flight), stop the scoring workers,
 * then free everything. Returns 0, or -1 when jobs were released while
 * their threads still run inside a scorer: nothing was freed, and the
 * caller must exit without freeing (_exit). */
int app_stop(app *a);

/* ---- router (router.c) ---------------------------------------------------- */

/* Once at start-up, before the first request. */
void router_init(void);
/* The CivetWeb handler of every request (@cbdata: the app). */
int router_handle(struct mg_connection *conn, void *cbdata);
/* Print the route table (METHOD TEMPLATE KIND), for --list-routes. */
void router_print(void);

/* ---- the privacy notice (privacy.c) ---------------------------------------- */

/* Make @a->notice and its version from --privacy-notice-file or the
 * default text (after i18n_init). 0 or -1 (message printed). */
int privacy_init(app *a);
void privacy_free(app *a);

/* ---- housekeeping (retention.c) ------------------------------------------ */

/* Start the thread that purges the access log past --access-log-days and
 * runs the retention purge (--retention-days...), at once and then every
 * hour. 0 or -1 (message printed). */
int retention_start(app *a);
/* Stop it (waits for a purge under way). Nothing when it never started. */
void retention_stop(void);

/* ---- ops endpoints (ops.c) ------------------------------------------------ */

void ops_metrics(req *r);
void ops_healthz(req *r);
void ops_readyz(req *r);

/* ---- scoring workers (jobs.c) --------------------------------------------- */

/* Enqueue the jobs missing for the loaded scorers (new scorer or version),
 * then start --workers scoring threads (none with 0). 0 or -1. */
int jobs_start(app *a);
/* Stop claiming; jobs being scored get --worker-drain-ms to finish, then are
 * released for another worker. 0, or -1 when jobs were released and their
 * threads still run (the caller must then exit without freeing). */
int jobs_stop(app *a);
/* Wait at most @wait_ms for this process's workers to finish @njobs jobs of
 * the application (returns at once when no worker runs here). */
void jobs_wait(offerapi_id application_id, size_t njobs, unsigned wait_ms);
/* Worker threads processing a job now; whether any runs in this process. */
unsigned jobs_busy(void);
bool jobs_local(void);

/* ---- demo.c --------------------------------------------------------------- */

int demo_fill(offerapi_store *store, offerapi_scorers *set);
/* Give the demo recruiter and two demo candidates new passwords (every
 * start with --demo, so they can always be shown) into a->demo. */
int demo_passwords(app *a);
/* Print the URL to open and the demo logins on stdout. */
void demo_announce(const app *a);

extern const char server_css[];

#endif
