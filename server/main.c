/*
 * main.c - offerapi-server: start-up (configuration, library, plugins,
 * CivetWeb) and shutdown.
 *
 * Threads: CivetWeb runs num_threads workers and serves one connection per
 * worker at a time (keep-alive included). The main thread only waits for
 * SIGTERM/SIGINT, then calls mg_stop(), which closes the listening socket
 * and returns once every worker has finished its request.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "i18n.h"
#include "metrics.h"

app g_app;

/* CivetWeb's own messages (bad requests it answers itself, errors) go to
 * stderr as logfmt too. */
static int on_log_message(const struct mg_connection *conn, const char *message)
{
	(void)conn;
	char line[600];
	int n = snprintf(line, sizeof line, "level=warn msg=civetweb detail=\"%.500s\"\n", message);
	for (int i = 0; i < n - 1 && i < (int)sizeof line - 2; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	ssize_t w = write(STDERR_FILENO, line, n > 0 && (size_t)n < sizeof line ? (size_t)n : 0);
	(void)w;
	return 1;
}

static void lib_log(offerapi_log_level level, const char *message, void *payload)
{
	(void)payload;
	static const char *const names[] = { "error", "warn", "info", "debug" };
	fprintf(stderr, "level=%s msg=library detail=\"%s\"\n",
	        names[level <= OFFERAPI_LOG_DEBUG ? level : 0], message);
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
	 * freed, keeping such buffers on the heap for good. Two arenas and a
	 * fixed threshold give large buffers back to the kernel at once, so the
	 * resident size falls back after a burst of logins or uploads. */
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
	if (offerapi_store_open(&a->store, c->db_url, &so) < 0) {
		fprintf(stderr, "offerapi-server: cannot open the database: %s\n",
		        offerapi_error_last()->message);
		return -1;
	}
	if (offerapi_scorers_new(&a->scorers) < 0) {
		fprintf(stderr, "offerapi-server: out of memory\n");
		return -1;
	}
	if (c->scorers[0] && load_scorers(&a->cfg) < 0)
		return -1;
	if (c->demo && (demo_fill(a->store, a->scorers) < 0 || demo_passwords(a) < 0))
		return -1;
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
		"decode_url", "yes",
		"enable_directory_listing", "no",
		"access_control_allow_origin", "",
		NULL,
	};
	/* clang-format on */
	struct mg_callbacks cbs;
	memset(&cbs, 0, sizeof cbs);
	cbs.log_message = on_log_message;
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

/* After SIGTERM: /readyz fails for --drain-ms, then stop accepting and
 * wait for the requests in flight. */
static void drain_and_stop(app *a, int sig)
{
	a->draining = 1;
	fprintf(stderr, "level=info msg=stopping signal=%d drain_ms=%u\n", sig, a->cfg.drain_ms);
	if (a->cfg.drain_ms) {
		struct timespec ts = { a->cfg.drain_ms / 1000,
			               (long)(a->cfg.drain_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	mg_stop(a->mg); /* closes the listener, waits for workers in flight */
	rescore_stop();
	mg_exit_library();
	offerapi_scorers_free(a->scorers);
	offerapi_store_free(a->store);
	fprintf(stderr, "level=info msg=stopped\n");
}

int main(int argc, char **argv)
{
	app *a = &g_app;
	int rc = config_load(&a->cfg, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (sodium_init() < 0) {
		fprintf(stderr, "offerapi-server: libsodium failed to initialise\n");
		return 1;
	}
	process_setup(a);
	/* Block the stop signals in every thread (CivetWeb's inherit the mask);
	 * the main thread takes them with sigwait(). */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (open_store(a) < 0 || start_http(a) < 0)
		return 1;
	rescore_start();
	if (a->cfg.demo)
		demo_announce(a);
	fprintf(stderr,
	        "level=info msg=started listen=%s backend=%s scorers=%zu threads=%u "
	        "keep_alive_ms=%u version=%s\n",
	        a->cfg.listen, offerapi_store_backend(a->store), offerapi_scorers_count(a->scorers),
	        a->cfg.threads, a->cfg.keep_alive_ms, OFFERAPI_VERSION);
	int sig = 0;
	while (sigwait(&stop, &sig) != 0)
		;
	drain_and_stop(a, sig);
	return 0;
}
