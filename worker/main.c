/*
 * main.c - offerapi-worker: scoring workers only, apart from the server.
 *
 * Opens the store, loads the scorers, enqueues what they lack (a new
 * scorer or version: offerapi_job_enqueue_missing), and runs a pool of
 * worker threads (offerapi_job_runner) until SIGTERM or SIGINT, then
 * drains: the jobs being scored are finished within --drain-ms, or
 * released for another worker. With --listen it serves /metrics, /healthz
 * and /readyz over CivetWeb. Logs are logfmt lines on stderr.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <civetweb.h>

#include <offerapi/offerapi.h>

#include "oacommon.h"

#include "metrics.h"

typedef struct wconfig {
	char db_url[2048];
	char data_key_file[2048];
	char plugin_dir[2048];
	char scorers[1024];
	char listen[64];
	char smtp_url[1024], mail_from[256], public_url[512];
	unsigned long long mail_senders;
	unsigned long long workers, poll_ms, lease_s, max_attempts, backoff_ms, backoff_max_ms;
	unsigned long long drain_ms, db_pool;
	bool no_rescore, no_job_log;
} wconfig;

static struct {
	wconfig cfg;
	offerapi_store *store;
	offerapi_scorers *set;
	offerapi_job_runner *runner;
	offerapi_mail_sender *mail;
	volatile int draining;
} w;

/* ---- logs ---- */

/* One logfmt line on stderr, in one write(2), with a UTC timestamp. */
static void logline(const char *level, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);
static void logline(const char *level, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof line, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s ",
	                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	                 tm.tm_sec, ts.tv_nsec / 1000000, level);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	line[len++] = '\n';
	ssize_t wr = write(STDERR_FILENO, line, len);
	(void)wr;
}

/* @s as a logfmt value between quotes: quotes, backslashes and control
 * characters become '_' (the lines stay one line each and parseable). */
static const char *q(char *buf, size_t sz, const char *s)
{
	size_t j = 0;
	for (const char *p = s ? s : ""; *p && j + 1 < sz; p++)
		buf[j++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) ? '_' : *p;
	buf[j] = '\0';
	return buf;
}

static void lib_log(offerapi_log_level level, const char *message, void *payload)
{
	(void)payload;
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char m[1024];
	logline(names[level <= OFFERAPI_LOG_DEBUG ? level : 0], "msg=library detail=\"%s\"",
	        q(m, sizeof m, message));
}

static const char *const result_names[] = { "completed", "retrying", "gave_up",
	                                    "released",  "lost",     "unrecorded" };

/* The runner's callback: metrics, and one line per job. */
static void on_report(const offerapi_job_report *rep, void *payload)
{
	wm_report(rep, payload);
	if (w.cfg.no_job_log && rep->result == OFFERAPI_JOB_COMPLETED)
		return;
	char m[600];
	logline(rep->result == OFFERAPI_JOB_COMPLETED ? "info" : "warn",
	        "msg=job job_id=%lld application_id=%lld scorer=%s version=\"%s\" result=%s "
	        "attempt=%u latency_ms=%.1f scoring_ms=%.1f reason=%s detail=\"%s\"",
	        (long long)rep->job_id, (long long)rep->application_id, rep->scorer,
	        q(m, 64, rep->scorer_version),
	        (unsigned)rep->result < 6 ? result_names[rep->result] : "unknown", rep->attempt,
	        rep->latency_s * 1000.0, rep->score_s * 1000.0, rep->reason ? rep->reason : "none",
	        q(m + 64, sizeof m - 64, rep->message));
}

/* ---- configuration ---- */

#define F(field) OA_OPT_FIELD(wconfig, field)
#define NONE 0, 0

static const oa_opt opts[] = {
	{ "database", "OFFERAPI_DATABASE_URL", "URL", OA_OPT_STR, F(db_url), 0, 0,
	  "sqlite:offerapi.db", "sqlite:PATH or postgresql://...",
	  "sqlite:CHEMIN ou postgresql://..." },
	{ "data-key-file", "OFFERAPI_DATA_KEY_FILE", "FILE", OA_OPT_STR, F(data_key_file), 0, 0,
	  NULL,
	  "key that encrypts the stored CVs (default on SQLite: PATH.key beside the database)",
	  "clé qui chiffre les CV stockés (défaut sur SQLite : CHEMIN.key à côté de la base)" },
	{ "plugin-dir", "OFFERAPI_PLUGIN_DIR", "DIRS", OA_OPT_STR, F(plugin_dir), 0, 0,
	  OFFERAPI_DEFAULT_PLUGIN_DIR,
	  "folders of scorer plugins (*.so), separated by ':' (the build tree's when not installed)",
	  "dossiers des greffons de notation (*.so), séparés par ':' (ceux de l'arbre de "
	  "construction s'ils ne sont pas installés)" },
	{ "scorers", "OFFERAPI_SCORERS", "LIST", OA_OPT_STR, F(scorers), 0, 0, "similarity,random",
	  "scorers to run, comma-separated (the server's by default)",
	  "notateurs à faire tourner, séparés par des virgules (ceux du serveur par défaut)" },
	{ "workers", "OFFERAPI_WORKERS", "N", OA_OPT_ULL, F(workers), 1, 256, "2", "worker threads",
	  "fils de travail" },
	{ "poll-ms", "OFFERAPI_JOB_POLL_MS", "MS", OA_OPT_ULL, F(poll_ms), 10, 60000, "250",
	  "an idle worker looks for jobs this often",
	  "un fil inoccupé cherche des tâches à cet intervalle" },
	{ "lease-s", "OFFERAPI_JOB_LEASE_S", "S", OA_OPT_ULL, F(lease_s), 1,
	  OFFERAPI_JOB_LEASE_S_MAX, OA_STR(OFFERAPI_JOB_LEASE_S_DEFAULT),
	  "a claim lasts this long; more than the slowest scorer",
	  "durée d'une prise de tâche ; plus que le notateur le plus lent" },
	{ "max-attempts", "OFFERAPI_JOB_MAX_ATTEMPTS", "N", OA_OPT_ULL, F(max_attempts), 1,
	  OFFERAPI_JOB_ATTEMPTS_MAX, OA_STR(OFFERAPI_JOB_ATTEMPTS_DEFAULT),
	  "attempts before a job is failed", "essais avant qu'une tâche échoue pour de bon" },
	{ "backoff-ms", "OFFERAPI_JOB_BACKOFF_MS", "MS", OA_OPT_ULL, F(backoff_ms), 1,
	  OFFERAPI_JOB_BACKOFF_MS_MAX, OA_STR(OFFERAPI_JOB_BACKOFF_MS_DEFAULT),
	  "first retry delay, doubled each time up to --backoff-max-ms, with jitter",
	  "délai avant le premier nouvel essai, doublé à chaque fois jusqu'à --backoff-max-ms, "
	  "avec gigue" },
	{ "backoff-max-ms", "OFFERAPI_JOB_BACKOFF_MAX_MS", "MS", OA_OPT_ULL, F(backoff_max_ms), 1,
	  OFFERAPI_JOB_BACKOFF_MS_MAX, NULL,
	  "longest retry delay, not below --backoff-ms (default: " OA_STR(
		  OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT) ", or --backoff-ms when more)",
	  "plus long délai entre deux essais, pas moins que --backoff-ms (défaut : " OA_STR(
		  OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT) ", ou --backoff-ms s'il est plus grand)" },
	{ "drain-ms", "OFFERAPI_DRAIN_MS", "MS", OA_OPT_ULL, F(drain_ms), 0, 3600000, "30000",
	  "after SIGTERM, time to finish the jobs being scored before releasing them",
	  "après SIGTERM, temps laissé aux tâches en cours avant de les rendre" },
	{ "db-pool", "OFFERAPI_DB_POOL", "N", OA_OPT_ULL, F(db_pool), 1, 256, NULL,
	  "database connections (default: workers + mail senders + 2)",
	  "connexions à la base (défaut : fils de travail + fils d'envoi + 2)" },
	{ "listen", "OFFERAPI_LISTEN", "ADDR:PORT", OA_OPT_STR, F(listen), 0, 0, NULL,
	  "serve /metrics, /healthz and /readyz there (default: no HTTP; IPv4 only)",
	  "servir /metrics, /healthz et /readyz à cette adresse (défaut : pas de HTTP ; IPv4)" },
	{ "no-rescore", "OFFERAPI_NO_RESCORE", NULL, OA_OPT_BOOL, F(no_rescore), 0, 0, NULL,
	  "do not enqueue, at start, the jobs the loaded scorers lack (new scorer or version)",
	  "ne pas mettre en file, au démarrage, les notes manquantes des notateurs chargés" },
	{ "no-job-log", "OFFERAPI_NO_JOB_LOG", NULL, OA_OPT_BOOL, F(no_job_log), 0, 0, NULL,
	  "do not log a line per completed job (failures are always logged)",
	  "ne pas écrire de ligne par tâche réussie (les échecs le sont toujours)" },
	{ "mail-senders", "OFFERAPI_MAIL_SENDERS", "N", OA_OPT_ULL, F(mail_senders), 0, 16, "0",
	  "mail sender threads (0: this process sends no mail)",
	  "fils d'envoi des e-mails (0 : ce processus n'envoie rien)" },
	{ "smtp-url", "OFFERAPI_SMTP_URL", "URL", OA_OPT_STR, F(smtp_url), 0, 0, NULL,
	  "mail relay, smtp:// (STARTTLS) or smtps://; credentials from OFFERAPI_SMTP_USER and "
	  "OFFERAPI_SMTP_PASSWORD (default none: each message is logged instead)",
	  "relais de courrier, smtp:// (STARTTLS) ou smtps:// ; identifiants dans "
	  "OFFERAPI_SMTP_USER et OFFERAPI_SMTP_PASSWORD (défaut aucun : chaque message est "
	  "journalisé)" },
	{ "mail-from", "OFFERAPI_MAIL_FROM", "ADDR", OA_OPT_STR, F(mail_from), 0, 0,
	  "no-reply@offerapi.invalid", "address the mail comes from", "adresse d'expédition" },
	{ "public-url", "OFFERAPI_PUBLIC_URL", "URL", OA_OPT_STR, F(public_url), 0, 0, NULL,
	  "the site's address for links in mail (required with --mail-senders)",
	  "adresse du site pour les liens des e-mails (obligatoire avec --mail-senders)" },
	{ "help", NULL, NULL, OA_OPT_ACTION, NONE, 0, 0, NULL, "print this help and exit",
	  "afficher cette aide et quitter" },
	{ "version", NULL, NULL, OA_OPT_ACTION, NONE, 0, 0, NULL, "print the version and exit",
	  "afficher la version et quitter" },
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void usage(FILE *f)
{
	bool fr = oa_env_french();
	fprintf(f,
	        fr ? "utilisation : offerapi-worker [OPTION]...\n\n"
	             "Les travailleurs de notation d'OffreAPI, seuls : ils prennent les tâches\n"
	             "de notation dans la base, notent et enregistrent les notes. Chaque option\n"
	             "peut aussi venir d'une variable d'environnement ; l'option l'emporte.\n\n"
	           : "usage: offerapi-worker [OPTION]...\n\n"
	             "OffreAPI's scoring workers alone: they claim scoring jobs from the\n"
	             "database, score and store the scores. Every option can also be given as\n"
	             "an environment variable; a flag wins over the variable.\n\n");
	oa_opts_print(f, opts, NOPTS, 26, fr);
	fprintf(f,
	        fr ? "\nLes réglages des notateurs viennent des variables "
	             "OFFERAPI_SCORER_<NOM>_<CLÉ>.\n"
	             "SIGTERM ou SIGINT : ne plus prendre de tâches, finir (ou rendre) celles en "
	             "cours, sortir avec 0.\n"
	           : "\nScorer settings come from OFFERAPI_SCORER_<NAME>_<KEY> variables.\n"
	             "SIGTERM or SIGINT: stop claiming, finish (or release) the jobs in "
	             "progress, exit 0.\n");
}

/* After parsing: what a flag cannot check alone. */
static bool check_config(const wconfig *c)
{
	if (c->backoff_max_ms && c->backoff_max_ms < c->backoff_ms) {
		fprintf(stderr,
		        "offerapi-worker: --backoff-max-ms %llu is below --backoff-ms %llu\n",
		        c->backoff_max_ms, c->backoff_ms);
		return false;
	}
	if (c->listen[0] && !oa_listen_valid(c->listen)) {
		fprintf(stderr,
		        "offerapi-worker: --listen: expected IPV4:PORT such as 127.0.0.1:9090, got "
		        "'%s'\n",
		        c->listen);
		return false;
	}
	if (!c->scorers[0]) {
		fprintf(stderr, "offerapi-worker: --scorers is empty: nothing to do\n");
		return false;
	}
	return true;
}

/* Defaults, then variables, then flags. 0 run, 1 exit 0 (help, version),
 * -1 exit 2 (bad configuration). */
static int configure(wconfig *c, int argc, char **argv)
{
	memset(c, 0, sizeof *c);
	const oa_opt *action;
	int rc = oa_opts_parse("offerapi-worker", opts, NOPTS, c, argc, argv, &action);
	if (rc == 1) {
		if (!strcmp(action->flag, "help"))
			usage(stdout);
		else
			printf("offerapi-worker %s (libofferapi %s)\n", OFFERAPI_VERSION,
			       offerapi_version());
		return 1;
	}
	return rc < 0 || !check_config(c) ? -1 : 0;
}

/* Load the allowed scorers from the ':'-separated folders (the build
 * tree's when the default folder is not installed); each named scorer must
 * be found in one of them. */
static bool load_scorers(const wconfig *c, offerapi_scorers *set)
{
	char dirs[sizeof c->plugin_dir];
	struct stat st;
	bool fallback = !strcmp(c->plugin_dir, OFFERAPI_DEFAULT_PLUGIN_DIR) &&
	                stat(OFFERAPI_DEFAULT_PLUGIN_DIR, &st) != 0;
	snprintf(dirs, sizeof dirs, "%s", fallback ? OFFERAPI_BUILD_PLUGIN_DIRS : c->plugin_dir);
	if (offerapi_scorers_allow(set, c->scorers) < 0) {
		fprintf(stderr, "offerapi-worker: --scorers '%s': %s\n", c->scorers,
		        offerapi_error_last()->message);
		return false;
	}
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "offerapi-worker: --plugin-dir: %s is not a folder\n", d);
			return false;
		}
		int rc = offerapi_scorers_load_dir(set, d);
		if (rc < 0 && rc != OFFERAPI_ENOTFOUND) {
			fprintf(stderr, "offerapi-worker: scorer plugins in %s: %s\n", d,
			        offerapi_error_last()->message);
			return false;
		}
	}
	char names[sizeof c->scorers];
	snprintf(names, sizeof names, "%s", c->scorers);
	for (char *n = strtok_r(names, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
		size_t idx;
		if (offerapi_scorers_find(set, n, &idx) < 0) {
			fprintf(stderr,
			        "offerapi-worker: scorer '%s' not found in %s (see --plugin-dir, "
			        "--scorers)\n",
			        n, fallback ? OFFERAPI_BUILD_PLUGIN_DIRS : c->plugin_dir);
			return false;
		}
	}
	return true;
}

/* ---- HTTP: /metrics, /healthz, /readyz ---- */

/* Headers and body in one write (CivetWeb: see docs/dependencies.md). */
static int respond(struct mg_connection *conn, int status, const char *type, const char *body,
                   size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	                 "Cache-Control: no-store\r\n\r\n",
	                 status,
	                 status == 200   ? "OK"
	                 : status == 404 ? "Not Found"
	                                 : "Service Unavailable",
	                 type, len);
	char *out = malloc((size_t)n + len);
	if (!out)
		return 500;
	memcpy(out, head, (size_t)n);
	memcpy(out + n, body, len);
	mg_write(conn, out, (size_t)n + len);
	free(out);
	return status;
}

static int on_http(struct mg_connection *conn, void *cbdata)
{
	(void)cbdata;
	const struct mg_request_info *ri = mg_get_request_info(conn);
	const char *path = ri->local_uri ? ri->local_uri : "/";
	static const char text[] = "text/plain; charset=utf-8";
	if (!strcmp(path, "/healthz"))
		return respond(conn, 200, text, "ok\n", 3);
	if (!strcmp(path, "/readyz")) {
		if (w.draining)
			return respond(conn, 503, text, "draining\n", 9);
		if (offerapi_store_ping(w.store) != 0)
			return respond(conn, 503, text, "database unavailable\n", 21);
		return respond(conn, 200, text, "ready\n", 6);
	}
	if (!strcmp(path, "/metrics")) {
		oa_buf b = { 0 };
		wm_render(&b, w.store, w.runner);
		int st = b.failed ? respond(conn, 503, text, "out of memory\n", 14)
		                  : respond(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
		                            b.p, b.len);
		oa_buf_free(&b);
		return st;
	}
	return respond(conn, 404, text, "not found\n", 10);
}

static int on_civetweb_log(const struct mg_connection *conn, const char *message)
{
	(void)conn;
	char m[600];
	logline("warn", "msg=civetweb detail=\"%s\"", q(m, sizeof m, message));
	return 1;
}

static struct mg_context *start_http(const wconfig *c)
{
	const char *mgopts[] = { "listening_ports",
		                 c->listen,
		                 "num_threads",
		                 "2",
		                 "request_timeout_ms",
		                 "10000",
		                 "enable_keep_alive",
		                 "yes",
		                 "tcp_nodelay",
		                 "1",
		                 NULL };
	struct mg_callbacks cbs;
	memset(&cbs, 0, sizeof cbs);
	cbs.log_message = on_civetweb_log;
	char errtext[256] = "";
	unsigned errcode = 0;
	struct mg_error_data err = { &errcode, errtext, sizeof errtext };
	struct mg_init_data init = { &cbs, NULL, mgopts };
	struct mg_context *ctx = mg_start2(&init, &err);
	if (!ctx) {
		fprintf(stderr, "offerapi-worker: cannot listen on %s: %s\n", c->listen,
		        errtext[0] ? errtext : "unknown CivetWeb error");
		return NULL;
	}
	mg_set_request_handler(ctx, "/", on_http, NULL);
	return ctx;
}

/* ---- main ---- */

static bool open_all(const wconfig *c)
{
	offerapi_store_options so = OFFERAPI_STORE_OPTIONS_INIT;
	so.pool_size = (unsigned)(c->db_pool ? c->db_pool : c->workers + c->mail_senders + 2);
	so.data_key_file = c->data_key_file[0] ? c->data_key_file : NULL;
	if (offerapi_store_open(&w.store, c->db_url, &so) < 0) {
		fprintf(stderr, "offerapi-worker: cannot open the database: %s\n",
		        offerapi_error_last()->message);
		return false;
	}
	if (!offerapi_store_data_key_file(w.store)) {
		fprintf(stderr, "offerapi-worker: no data key to read the CVs: give "
		                "--data-key-file (OFFERAPI_DATA_KEY_FILE)\n");
		return false;
	}
	if (offerapi_scorers_new(&w.set) < 0 || !load_scorers(c, w.set))
		return false;
	if (!c->no_rescore) {
		size_t n = 0;
		if (offerapi_job_enqueue_missing(w.store, w.set, &n) < 0)
			logline("warn", "msg=\"cannot enqueue missing scores\" detail=\"%s\"",
			        offerapi_error_last()->message);
		else if (n)
			logline("info", "msg=\"rescoring enqueued\" jobs=%zu", n);
	}
	return true;
}

/* The mail sender (--mail-senders threads), after the same checks as the
 * server's; credentials from the environment only. */
static bool start_mail(const wconfig *c)
{
	if (!c->mail_senders)
		return true;
	offerapi_mail_sender_options o = OFFERAPI_MAIL_SENDER_OPTIONS_INIT;
	o.smtp_url = c->smtp_url;
	o.smtp_user = getenv("OFFERAPI_SMTP_USER");
	o.smtp_password = getenv("OFFERAPI_SMTP_PASSWORD");
	o.site.from = c->mail_from;
	o.site.base_url = c->public_url;
	o.threads = (unsigned)c->mail_senders;
	if (!c->public_url[0] || offerapi_mail_sender_start(&w.mail, w.store, &o) < 0) {
		fprintf(stderr,
		        "offerapi-worker: mail (--smtp-url, --mail-from, --public-url): %s\n",
		        c->public_url[0] ? offerapi_error_last()->message
		                         : "--public-url is required with --mail-senders");
		return false;
	}
	return true;
}

static bool start_runner(const wconfig *c)
{
	offerapi_job_runner_options ro = OFFERAPI_JOB_RUNNER_OPTIONS_INIT;
	ro.threads = (unsigned)c->workers;
	ro.poll_ms = (unsigned)c->poll_ms;
	ro.jobs.lease_s = (unsigned)c->lease_s;
	ro.jobs.max_attempts = (unsigned)c->max_attempts;
	ro.jobs.backoff_base_ms = (unsigned)c->backoff_ms;
	ro.jobs.backoff_max_ms = (unsigned)c->backoff_max_ms;
	ro.on_report = on_report;
	if (offerapi_job_runner_start(&w.runner, w.store, w.set, &ro) < 0) {
		fprintf(stderr, "offerapi-worker: cannot start the workers: %s\n",
		        offerapi_error_last()->message);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	wconfig *c = &w.cfg;
	int rc = configure(c, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	offerapi_set_log(OFFERAPI_LOG_WARNING, lib_log, NULL);
	/* the stop signals go to sigwait() in this thread only */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!open_all(c))
		return 1;
	wm_init(w.set, (unsigned)c->workers);
	struct mg_context *http = NULL;
	if (c->listen[0]) {
		mg_init_library(0);
		if (!(http = start_http(c)))
			return 1;
	}
	if (!start_runner(c) || !start_mail(c))
		return 1;
	logline("info", "msg=started backend=%s scorers=%zu workers=%llu listen=%s version=%s",
	        offerapi_store_backend(w.store), offerapi_scorers_count(w.set), c->workers,
	        c->listen[0] ? c->listen : "none", OFFERAPI_VERSION);
	int sig = 0;
	while (sigwait(&stop, &sig) != 0)
		;
	w.draining = 1;
	offerapi_mail_sender_free(w.mail); /* a delivery in progress finishes */
	w.mail = NULL;
	logline("info", "msg=stopping signal=%d drain_ms=%llu busy=%u", sig, c->drain_ms,
	        offerapi_job_runner_busy(w.runner));
	if (offerapi_job_runner_stop(w.runner, (unsigned)c->drain_ms) < 0) {
		/* jobs released; their threads are still inside a scorer: do not
		 * wait for them (their results would be dropped anyway) */
		logline("warn", "msg=\"stopped with jobs released\" detail=\"%s\"",
		        offerapi_error_last()->message);
		_exit(0);
	}
	if (http) {
		mg_stop(http);
		mg_exit_library();
	}
	offerapi_job_runner_free(w.runner);
	offerapi_scorers_free(w.set);
	offerapi_store_free(w.store);
	logline("info", "msg=stopped");
	return 0;
}
