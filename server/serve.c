/*
 * serve.c - the application's start and stop, shared by offerapi-server
 * (main.c) and the in-process HTTP fuzz target (fuzz/fuzz_http.c): process
 * settings, the store and the scorers, CivetWeb and its callbacks, the
 * helper threads.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "bgthread.h"
#include "deadline.h"
#include "i18n.h"
#include "metrics.h"
#include "password.h"

app g_app;

/* CivetWeb's own messages (bad requests it answers itself, errors) go to
 * stderr as logfmt too. */
static int on_log_message(const struct mg_connection *conn, const char *message)
{
	(void)conn;
	/* CivetWeb's messages carry request bytes (paths, headers): quoted
	 * and escaped, so that one stays one field of one logfmt line */
	char detail[520], line[600];
	oa_logfmt_quote(detail, sizeof detail, message);
	int n = snprintf(line, sizeof line, "level=warn msg=civetweb detail=%s\n", detail);
	ssize_t w = write(STDERR_FILENO, line, n > 0 && (size_t)n < sizeof line ? (size_t)n : 0);
	(void)w;
	return 1;
}

/* Requests CivetWeb refuses before our handler (a malformed request line,
 * a head too large, an HTTP version other than 1.0 and 1.1): its own answer
 * would echo the request's version into the status line and the body.
 * Ours says only the status; the reason goes to the log. The connection is
 * closed after it. */
static int on_http_error(struct mg_connection *conn, int status, const char *msg)
{
	char detail[160];
	oa_logfmt_quote(detail, sizeof detail, msg);
	if (!g_app.cfg.no_request_log)
		fprintf(stderr,
		        "level=warn msg=\"request refused by civetweb\" status=%d detail=%s\n",
		        status, detail);
	if (status < 400 || status > 599)
		status = 400;
	char body[64], out[512];
	int bl = snprintf(body, sizeof body, "%d %s\n", status, http_reason(status));
	int n = snprintf(out, sizeof out,
	                 "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	                 "Content-Length: %d\r\nConnection: close\r\nCache-Control: no-store\r\n"
	                 "X-Content-Type-Options: nosniff\r\n\r\n%s",
	                 status, http_reason(status), bl, body);
	mg_write(conn, out, (size_t)n);
	metrics_request("OTHER", "malformed", status, 0.0);
	return 0;
}

static void lib_log(offerapi_log_level level, const char *message, void *payload)
{
	(void)payload;
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char detail[1200];
	oa_logfmt_quote(detail, sizeof detail, message);
	fprintf(stderr, "level=%s msg=library detail=%s\n",
	        names[level <= OFFERAPI_LOG_DEBUG ? level : 0], detail);
}

/* Load the allowed scorers from the folders of --plugin-dir (a list
 * separated by ':'). Each folder may hold only some of the allowed names,
 * so "not found" is judged after all folders. When no --plugin-dir was
 * given and the installed folder does not exist, the build tree's plugin
 * folders are used: `build/server/offerapi-server` runs uninstalled. */
static int load_scorers(config *c)
{
	char dirs[sizeof c->plugin_dir];
	snprintf(dirs, sizeof dirs, "%s", c->plugin_dir);
	struct stat st;
	if (!strcmp(c->plugin_dir, OFFERAPI_DEFAULT_PLUGIN_DIR) &&
	    stat(OFFERAPI_DEFAULT_PLUGIN_DIR, &st) != 0)
		snprintf(dirs, sizeof dirs, "%s", OFFERAPI_BUILD_PLUGIN_DIRS);
	if (offerapi_scorers_allow(g_app.scorers, c->scorers) < 0) {
		fprintf(stderr, "offerapi-server: --scorers '%s': %s\n", c->scorers,
		        offerapi_error_last()->message);
		return -1;
	}
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "offerapi-server: --plugin-dir: %s is not a folder\n", d);
			return -1;
		}
		int rc = offerapi_scorers_load_dir(g_app.scorers, d);
		if (rc < 0 && rc != OFFERAPI_ENOTFOUND) {
			fprintf(stderr, "offerapi-server: scorer plugins in %s: %s\n", d,
			        offerapi_error_last()->message);
			return -1;
		}
	}
	char names[sizeof c->scorers];
	snprintf(names, sizeof names, "%s", c->scorers);
	for (char *n = strtok_r(names, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
		size_t idx;
		if (offerapi_scorers_find(g_app.scorers, n, &idx) < 0) {
			fprintf(stderr,
			        "offerapi-server: scorer '%s' not found in %s (see --plugin-dir, --scorers)\n",
			        n, c->plugin_dir);
			return -1;
		}
		if (g_app.nranked < sizeof g_app.ranked / sizeof g_app.ranked[0])
			g_app.ranked[g_app.nranked++] = idx;
	}
	return 0;
}

/* Process-wide settings before any thread starts. */
static void process_setup(app *a)
{
	/* Memory: glibc would give each of the 64 workers its own arena and
	 * raise the mmap threshold after the first Argon2id buffer (19 MiB) is
	 * freed, keeping such buffers on the heap for good. One arena and a
	 * fixed threshold give large buffers back to the kernel at once, so the
	 * resident size falls back after a burst of logins or uploads. Two
	 * arenas, one per core of the deployment's CPU: one arena saved
	 * 0.5-1.1 MiB at the peak of bench/http's page cases but halved the
	 * home page's requests a second on two cores (7 December 2026, quiet
	 * machine: 9 943 against 20 827 req/s, 181 against 86 us of CPU a
	 * request; every thread waited on the one arena's lock). */
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 512 * 1024);
	mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
	a->start_time = now_real();
	if (a->cfg.secret[0])
		crypto_generichash(a->csrf_key, sizeof a->csrf_key,
		                   (const unsigned char *)a->cfg.secret, strlen(a->cfg.secret),
		                   NULL, 0);
	else
		randombytes_buf(a->csrf_key, sizeof a->csrf_key);
	offerapi_set_log(OFFERAPI_LOG_WARNING, lib_log, NULL);
	metrics_init();
	i18n_init();
	router_init();
	signal(SIGPIPE, SIG_IGN);
}

/* The store, the scorers and, with --demo, the demo data. */
static int open_store(app *a)
{
	const config *c = &a->cfg;
	offerapi_store_options so = OFFERAPI_STORE_OPTIONS_INIT;
	so.pool_size = c->db_pool;
	so.pwhash_concurrency = c->pwhash_concurrency;
	so.pwhash_memlimit = c->pwhash_mem;
	so.pwhash_opslimit = c->pwhash_ops;
	so.cv_limits.max_bytes = c->max_upload;
	so.cv_limits.max_pages = c->max_pages;
	so.cv_limits.max_cpu_ms = c->max_cv_cpu_ms;
	so.data_key_file = c->data_key_file[0] ? c->data_key_file : NULL;
	if (offerapi_store_open(&a->store, c->db_url, &so) < 0) {
		fprintf(stderr, "offerapi-server: cannot open the database: %s\n",
		        offerapi_error_last()->message);
		return -1;
	}
	if (!offerapi_store_data_key_file(a->store)) {
		fprintf(stderr, "offerapi-server: no data key to encrypt the CVs: give "
		                "--data-key-file (OFFERAPI_DATA_KEY_FILE); offerapi-admin "
		                "key-create FILE makes one\n");
		return -1;
	}
	if (offerapi_scorers_new(&a->scorers) < 0) {
		fprintf(stderr, "offerapi-server: out of memory\n");
		return -1;
	}
	/* With --workers 0 the scoring runs in offerapi-worker processes (which
	 * create the scorers at start, so a broken setting stops them there):
	 * this process needs the scorers' names and versions only, and builds an
	 * instance (the similarity scorer's lexicon: about 5 MiB) only if it
	 * ever scores (--demo does) */
	if (!c->workers)
		offerapi_scorers_defer_create(a->scorers, 1);
	if (c->scorers[0] && load_scorers(&a->cfg) < 0)
		return -1;
	if (c->demo && (demo_fill(a->store, a->scorers) < 0 || demo_passwords(a) < 0))
		return -1;
	return 0;
}

/* The mail sender (--mail-senders threads; none with 0). The SMTP
 * credentials come from the environment only, never from a flag (a flag
 * shows in ps). */
static int mail_start(app *a)
{
	const config *c = &a->cfg;
	char base[600];
	if (c->public_url[0])
		snprintf(base, sizeof base, "%s", c->public_url);
	else
		snprintf(base, sizeof base, "http://%s", c->listen);
	offerapi_mail_sender_options o = OFFERAPI_MAIL_SENDER_OPTIONS_INIT;
	o.smtp_url = c->smtp_url;
	o.smtp_user = getenv("OFFERAPI_SMTP_USER");
	o.smtp_password = getenv("OFFERAPI_SMTP_PASSWORD");
	o.site.from = c->mail_from;
	o.site.base_url = base;
	o.threads = c->mail_senders;
	o.on_report = metrics_mail_report;
	int rc = c->mail_senders ? offerapi_mail_sender_start(&a->mail, a->store, &o)
	                         : offerapi_mail_sender_check(&o);
	if (rc < 0) {
		fprintf(stderr,
		        "offerapi-server: mail (--smtp-url, --mail-from, --public-url): %s\n",
		        offerapi_error_last()->message);
		return -1;
	}
	return 0;
}

/* The webhook sender (--webhook-senders threads; none with 0). */
static int webhooks_start(app *a)
{
	const config *c = &a->cfg;
	if (!c->webhook_senders)
		return 0;
	offerapi_webhook_sender_options o = OFFERAPI_WEBHOOK_SENDER_OPTIONS_INIT;
	o.threads = c->webhook_senders;
	o.allow_private = c->webhook_allow_private;
	o.jobs.backoff_base_ms = c->webhook_backoff_ms;
	if (offerapi_webhook_sender_start(&a->webhooks, a->store, &o) < 0) {
		fprintf(stderr, "offerapi-server: webhooks (--webhook-senders): %s\n",
		        offerapi_error_last()->message);
		return -1;
	}
	return 0;
}

/* Listen and serve (the workers start here). */
static int start_http(app *a)
{
	const config *c = &a->cfg;
	char threads[16], ka[16], rto[16], maxreq[24];
	snprintf(threads, sizeof threads, "%u", c->threads);
	snprintf(ka, sizeof ka, "%u", c->keep_alive_ms ? c->keep_alive_ms : 1);
	snprintf(rto, sizeof rto, "%u", c->request_timeout_ms);
	snprintf(maxreq, sizeof maxreq, "%zu", c->max_header);
	/* clang-format off */
	const char *mgopts[] = {
		"listening_ports", c->listen,
		"num_threads", threads,
		"enable_keep_alive", c->keep_alive_ms ? "yes" : "no",
		"keep_alive_timeout_ms", ka,
		"request_timeout_ms", rto,
		"max_request_size", maxreq,
		"tcp_nodelay", "1",
		"listen_backlog", "1024",
		"connection_queue", "256",
		"decode_url", "no", /* router.c decodes, refusing "%00" */
		"enable_directory_listing", "no",
		"access_control_allow_origin", "",
		NULL,
	};
	/* clang-format on */
	struct mg_callbacks cbs;
	memset(&cbs, 0, sizeof cbs);
	cbs.log_message = on_log_message;
	cbs.http_error = on_http_error;
	mg_init_library(0);
	char errtext[256] = "";
	unsigned errcode = 0;
	struct mg_error_data err = { &errcode, errtext, sizeof errtext };
	struct mg_init_data init = { &cbs, a, mgopts };
	a->mg = mg_start2(&init, &err);
	if (!a->mg) {
		fprintf(stderr, "offerapi-server: cannot listen on %s: %s\n", c->listen,
		        errtext[0] ? errtext : "unknown CivetWeb error");
		return -1;
	}
	mg_set_request_handler(a->mg, "/", router_handle, a);
	return 0;
}

/* The erasures' sweep: a thread that erases, every --erase-sweep-s, the
 * accounts whose grace period is over (offerapi_user_erase_due). The date
 * is in the database: a restart, or another replica, carries on. */
struct erase_sweeper {
	bg_thread bg;
	offerapi_store *store;
	unsigned every_s;
};

static void *sweep_main(void *arg)
{
	struct erase_sweeper *w = arg;
	do {
		int64_t n = 0;
		if (offerapi_user_erase_due(w->store, (int64_t)time(NULL), &n) < 0) {
			char detail[600];
			oa_logfmt_quote(detail, sizeof detail, offerapi_error_last()->message);
			fprintf(stderr, "level=warn msg=\"erasure sweep failed\" detail=%s\n",
			        detail);
		} else if (n > 0) {
			fprintf(stderr, "level=info msg=\"accounts erased\" count=%lld\n",
			        (long long)n);
		}
	} while (bg_thread_sleep(&w->bg, w->every_s * 1000u));
	return NULL;
}

static int sweep_start(app *a)
{
	struct erase_sweeper *w = malloc(sizeof *w);
	if (!w) {
		fprintf(stderr, "offerapi-server: out of memory\n");
		return -1;
	}
	*w = (struct erase_sweeper){ .bg = BG_THREAD_INIT,
		                     .store = a->store,
		                     .every_s = a->cfg.erase_sweep_s ? a->cfg.erase_sweep_s : 60 };
	if (bg_thread_start(&w->bg, sweep_main, w) != 0) {
		free(w);
		fprintf(stderr, "offerapi-server: cannot start the erasure sweep\n");
		return -1;
	}
	a->sweeper = w;
	return 0;
}

static void sweep_stop(app *a)
{
	struct erase_sweeper *w = a->sweeper;
	if (!w)
		return;
	bg_thread_stop(&w->bg);
	pthread_cond_destroy(&w->bg.wake);
	free(w);
	a->sweeper = NULL;
}

int app_start(app *a)
{
	process_setup(a);
	if (privacy_init(a) < 0 || password_init() < 0 || deadline_start() < 0 ||
	    open_store(a) < 0 || jobs_start(a) < 0 || mail_start(a) < 0 || webhooks_start(a) < 0 ||
	    sweep_start(a) < 0 || retention_start(a) < 0 || start_http(a) < 0)
		return -1;
	return 0;
}

int app_stop(app *a)
{
	mg_stop(a->mg); /* closes the listener, waits for workers in flight */
	deadline_stop();
	retention_stop(); /* a purge under way finishes */
	offerapi_mail_sender_free(a->mail); /* a delivery in progress finishes */
	a->mail = NULL;
	offerapi_webhook_sender_free(a->webhooks); /* so does a webhook request */
	a->webhooks = NULL;
	sweep_stop(a); /* an erasure in progress finishes */
	if (jobs_stop(a) < 0)
		return -1;
	mg_exit_library();
	offerapi_scorers_free(a->scorers);
	privacy_free(a);
	offerapi_store_free(a->store);
	a->mg = NULL;
	a->scorers = NULL;
	a->store = NULL;
	return 0;
}
