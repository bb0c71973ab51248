/*
 * config.c - every option of offerapi-server in one table: its flag, its
 * OFFERAPI_* variable, its type and range, its default and its help. The
 * parser, the range checks, the defaults and --help all come from it, and
 * docs/server.md shows --help as it prints (a test compares them).
 * Adding an option: one line here, one field in struct config (app.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <civetweb.h>

#include "app.h"

#define F(field) OA_OPT_FIELD(config, field)
#define NONE 0, 0

static const oa_opt opts[] = {
	{ "listen", "OFFERAPI_LISTEN", "ADDR:PORT", OA_OPT_STR, F(listen), 0, 0, "127.0.0.1:8080",
	  "address and port to listen on (IPv4 only)", NULL },
	{ "database", "OFFERAPI_DATABASE_URL", "URL", OA_OPT_STR, F(db_url), 0, 0,
	  "sqlite:offerapi.db", "sqlite:PATH or postgresql://...", NULL },
	{ "data-key-file", "OFFERAPI_DATA_KEY_FILE", "FILE", OA_OPT_STR, F(data_key_file), 0, 0,
	  NULL,
	  "key that encrypts the stored CVs (64 hex digits; offerapi-admin key-create makes one); "
	  "default on SQLite: PATH.key beside the database, created on first start; required on "
	  "PostgreSQL",
	  NULL },
	{ "plugin-dir", "OFFERAPI_PLUGIN_DIR", "DIRS", OA_OPT_STR, F(plugin_dir), 0, 0,
	  OFFERAPI_DEFAULT_PLUGIN_DIR,
	  "folders of scorer plugins (*.so), separated by ':' (the build tree's when not installed)",
	  NULL },
	{ "scorers", "OFFERAPI_SCORERS", "LIST", OA_OPT_STR, F(scorers), 0, 0, "similarity,random",
	  "scorers to load, comma-separated; the first ranks dashboards (\"\" loads none)", NULL },
	{ "threads", "OFFERAPI_THREADS", "N", OA_OPT_UINT, F(threads), 2, 1024, "64",
	  "worker threads = connections served at once", NULL },
	{ "keep-alive-ms", "OFFERAPI_KEEP_ALIVE_MS", "MS", OA_OPT_UINT, F(keep_alive_ms), 0, 600000,
	  "500", "idle keep-alive time before a worker drops a connection; 0 turns keep-alive off",
	  NULL },
	{ "request-timeout-ms", "OFFERAPI_REQUEST_TIMEOUT_MS", "MS", OA_OPT_UINT,
	  F(request_timeout_ms), 100, 600000, "5000",
	  "time allowed to receive a request's line and headers (CivetWeb checks it after each "
	  "read: a trickling client gets up to about twice this); also the longest wait for "
	  "any one read or write",
	  NULL },
	{ "body-timeout-ms", "OFFERAPI_BODY_TIMEOUT_MS", "MS", OA_OPT_UINT, F(body_timeout_ms), 100,
	  3600000, "60000", "time allowed to receive a request's body, once its head is in (408)",
	  NULL },
	{ "drain-ms", "OFFERAPI_DRAIN_MS", "MS", OA_OPT_UINT, F(drain_ms), 0, 600000, "0",
	  "after SIGTERM, keep serving this long with /readyz at 503 so load balancers stop "
	  "sending, then stop",
	  NULL },
	{ "workers", "OFFERAPI_WORKERS", "N", OA_OPT_UINT, F(workers), 0, 256, "2",
	  "scoring worker threads; 0 leaves scoring to offerapi-worker processes", NULL },
	{ "worker-drain-ms", "OFFERAPI_WORKER_DRAIN_MS", "MS", OA_OPT_UINT, F(worker_drain_ms), 0,
	  600000, "10000",
	  "at stop, time for jobs being scored to finish; then they are released to another worker",
	  NULL },
	{ "lease-s", "OFFERAPI_JOB_LEASE_S", "S", OA_OPT_UINT, F(lease_s), 1,
	  OFFERAPI_JOB_LEASE_S_MAX, OA_STR(OFFERAPI_JOB_LEASE_S_DEFAULT),
	  "a job's claim lasts this long; more than the slowest scorer takes", NULL },
	{ "max-attempts", "OFFERAPI_JOB_MAX_ATTEMPTS", "N", OA_OPT_UINT, F(max_attempts), 1,
	  OFFERAPI_JOB_ATTEMPTS_MAX, OA_STR(OFFERAPI_JOB_ATTEMPTS_DEFAULT),
	  "attempts before a scoring job is failed (the recruiter may retry it)", NULL },
	{ "backoff-ms", "OFFERAPI_JOB_BACKOFF_MS", "MS", OA_OPT_UINT, F(backoff_ms), 1,
	  OFFERAPI_JOB_BACKOFF_MS_MAX, OA_STR(OFFERAPI_JOB_BACKOFF_MS_DEFAULT),
	  "first retry delay of a failed job, doubled each time up to --backoff-max-ms, with jitter",
	  NULL },
	{ "backoff-max-ms", "OFFERAPI_JOB_BACKOFF_MAX_MS", "MS", OA_OPT_UINT, F(backoff_max_ms), 1,
	  OFFERAPI_JOB_BACKOFF_MS_MAX, NULL,
	  "longest retry delay of a failed job, not below --backoff-ms (default: " OA_STR(
		  OFFERAPI_JOB_BACKOFF_MAX_MS_DEFAULT) ", or --backoff-ms when more)",
	  NULL },
	{ "smtp-url", "OFFERAPI_SMTP_URL", "URL", OA_OPT_STR, F(smtp_url), 0, 0, "",
	  "mail relay: smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT]; credentials from "
	  "OFFERAPI_SMTP_USER and OFFERAPI_SMTP_PASSWORD, never in the URL; \"\" logs each message "
	  "instead of sending it",
	  NULL },
	{ "mail-from", "OFFERAPI_MAIL_FROM", "ADDR", OA_OPT_STR, F(mail_from), 0, 0,
	  "no-reply@offerapi.invalid", "address the mail comes from", NULL },
	{ "public-url", "OFFERAPI_PUBLIC_URL", "URL", OA_OPT_STR, F(public_url), 0, 0, "",
	  "the site's address for links in mail, e.g. https://jobs.example.org (\"\": "
	  "http://LISTEN)",
	  NULL },
	{ "mail-senders", "OFFERAPI_MAIL_SENDERS", "N", OA_OPT_UINT, F(mail_senders), 0, 16, "1",
	  "mail sender threads; 0 leaves the outbox to another process", NULL },
	{ "webhook-senders", "OFFERAPI_WEBHOOK_SENDERS", "N", OA_OPT_UINT, F(webhook_senders), 0,
	  16, "1", "webhook sender threads; 0 leaves the deliveries to another replica", NULL },
	{ "webhook-backoff-ms", "OFFERAPI_WEBHOOK_BACKOFF_MS", "MS", OA_OPT_UINT,
	  F(webhook_backoff_ms), 1, 3600000, "30000",
	  "first retry delay of a failed webhook delivery, doubled each time (at most an hour), "
	  "8 attempts",
	  NULL },
	{ "access-log-days", "OFFERAPI_ACCESS_LOG_DAYS", "DAYS", OA_OPT_UINT, F(access_log_days), 1,
	  3650, "365",
	  "records of who viewed an application, a CV or its text are deleted after this many "
	  "days (checked every hour; docs/privacy.md)",
	  NULL },
	{ "retention-days", "OFFERAPI_RETENTION_DAYS", "DAYS", OA_OPT_UINT, F(retention_days), 1,
	  36500, "730",
	  "a non-hired candidate's application is purged this many days after its last activity "
	  "(applying, a stage change, a note), keeping only anonymous counts (docs/privacy.md)",
	  NULL },
	{ "pool-days", "OFFERAPI_POOL_DAYS", "DAYS", OA_OPT_UINT, F(pool_days), 0, 36500, "730",
	  "days more an application is kept when its candidate ticks the pool box on applying (0: "
	  "the box is not shown)",
	  NULL },
	{ "unverified-days", "OFFERAPI_UNVERIFIED_DAYS", "DAYS", OA_OPT_UINT, F(unverified_days), 1,
	  3650, "30",
	  "an account whose e-mail address was never verified, with no application or offer, is "
	  "erased this many days after sign-up",
	  NULL },
	{ "retention-warn-days", "OFFERAPI_RETENTION_WARN_DAYS", "DAYS", OA_OPT_UINT,
	  F(retention_warn_days), 0, 365, "30",
	  "a candidate with a verified address is told by e-mail this long before an application is "
	  "purged, and it is not purged sooner (0: no warning)",
	  NULL },
	{ "privacy-notice-file", "OFFERAPI_PRIVACY_NOTICE_FILE", "PATH", OA_OPT_STR,
	  F(privacy_notice_file), 0, 0, NULL,
	  "the notice shown at sign-up and on applying: French text, a line '---', English text "
	  "(default: a notice with the figures above; docs/privacy.md)",
	  NULL },
	{ "apply-wait-ms", "OFFERAPI_APPLY_WAIT_MS", "MS", OA_OPT_UINT, F(apply_wait_ms), 0, 2000,
	  "0",
	  "an application may wait this long for this process's workers to score it (0: never)",
	  NULL },
	{ "max-upload", "OFFERAPI_MAX_UPLOAD", "BYTES", OA_OPT_SIZE, F(max_upload), 1024,
	  1ULL << 30, "10485760", "largest CV PDF accepted", NULL },
	{ "max-body", "OFFERAPI_MAX_BODY", "BYTES", OA_OPT_SIZE, F(max_body), 1024, 64ULL << 20,
	  "262144", "largest form or JSON body without a file", NULL },
	{ "max-header", "OFFERAPI_MAX_HEADER", "BYTES", OA_OPT_SIZE, F(max_header), 1024,
	  1ULL << 20, "16384", "largest request line plus headers", NULL },
	{ "max-pages", "OFFERAPI_MAX_PAGES", "N", OA_OPT_UINT, F(max_pages), 1, 10000, "50",
	  "most CV pages read", NULL },
	{ "max-cv-cpu-ms", "OFFERAPI_MAX_CV_CPU_MS", "MS", OA_OPT_UINT, F(max_cv_cpu_ms), 10,
	  600000, "3000", "processor time one CV may take to read; past it the CV is refused (422)",
	  NULL },
	{ "db-pool", "OFFERAPI_DB_POOL", "N", OA_OPT_UINT, F(db_pool), 0, 256, "0",
	  "database connections (0: the library's default, 4)", NULL },
	{ "pwhash-concurrency", "OFFERAPI_PWHASH_CONCURRENCY", "N", OA_OPT_UINT,
	  F(pwhash_concurrency), 1, 256, "2", "password hashes computed at once", NULL },
	{ "pwhash-memlimit", "OFFERAPI_PWHASH_MEMLIMIT", "BYTES", OA_OPT_SIZE, F(pwhash_mem), 0,
	  1ULL << 32, "0", "Argon2id memory per hash (0: the library's, 19 MiB; at least 8192)",
	  NULL },
	{ "pwhash-opslimit", "OFFERAPI_PWHASH_OPSLIMIT", "N", OA_OPT_ULL, F(pwhash_ops), 0, 100,
	  "0", "Argon2id passes (0: the library's, 2)", NULL },
	{ "login-max-failures", "OFFERAPI_LOGIN_MAX_FAILURES", "N", OA_OPT_UINT,
	  F(login_max_failures), 0, 1000000, "5",
	  "failed logins per account from one address per window before 429 (an address gets 4x; 0 disables)",
	  NULL },
	{ "login-window-s", "OFFERAPI_LOGIN_WINDOW_S", "S", OA_OPT_UINT, F(login_window_s), 1,
	  86400 * 7, "900", "window of the failed-login limit", NULL },
	{ "signup-limit", "OFFERAPI_SIGNUP_LIMIT", "N", OA_OPT_UINT, F(signup_limit), 0, 1000000,
	  "20",
	  "sign-ups per client address per hour before 429, counted in the database (0 disables: "
	  "tests, bulk imports)",
	  NULL },
	{ "reset-limit", "OFFERAPI_RESET_LIMIT", "N", OA_OPT_UINT, F(reset_limit), 0, 1000000, "10",
	  "\"forgot password\" asks per client address per hour before 429, counted in the "
	  "database (0 disables)",
	  NULL },
	{ "erase-grace-days", "OFFERAPI_ERASE_GRACE_DAYS", "N", OA_OPT_UINT, F(erase_grace_days), 0,
	  3650, "0",
	  "days between a person's asking to delete their account and its erasure; the account is "
	  "disabled at once (0: erased at once)",
	  NULL },
	{ "erase-sweep-s", "OFFERAPI_ERASE_SWEEP_S", "S", OA_OPT_UINT, F(erase_sweep_s), 1, 86400,
	  "60", "seconds between two looks for accounts whose grace period is over", NULL },
	{ "secret", "OFFERAPI_SECRET", "STRING", OA_OPT_STR, F(secret), 0, 0, NULL,
	  "key for CSRF tokens; give all replicas the same (default: random per process); "
	  "at least 32 bytes unless --listen is on loopback, never a published placeholder",
	  NULL },
	{ "secure-cookies", "OFFERAPI_SECURE_COOKIES", NULL, OA_OPT_BOOL, F(secure_cookies), 0, 0,
	  NULL, "always mark cookies Secure (they are when X-Forwarded-Proto is https)", NULL },
	{ "webhook-allow-private", "OFFERAPI_WEBHOOK_ALLOW_PRIVATE", NULL, OA_OPT_BOOL,
	  F(webhook_allow_private), 0, 0, NULL,
	  "let webhooks reach loopback and private addresses (tests, a private network; never on a "
	  "public site: it would let recruiters probe the internal network)",
	  NULL },
	{ "trust-proxy", "OFFERAPI_TRUST_PROXY", NULL, OA_OPT_BOOL, F(trust_proxy), 0, 0, NULL,
	  "take the client address from X-Forwarded-For (login limits, logs)", NULL },
	{ "no-request-log", "OFFERAPI_NO_REQUEST_LOG", NULL, OA_OPT_BOOL, F(no_request_log), 0, 0,
	  NULL, "do not log one line per request", NULL },
	{ "demo", "OFFERAPI_DEMO", NULL, OA_OPT_BOOL, F(demo), 0, 0, NULL,
	  "fill an empty database with demo offers, candidates and CVs", NULL },
	{ "list-routes", NULL, NULL, OA_OPT_ACTION, NONE, 0, 0, NULL,
	  "print the route table (METHOD TEMPLATE KIND) and exit", NULL },
	{ "help", NULL, NULL, OA_OPT_ACTION, NONE, 0, 0, NULL, "print this help and exit", NULL },
	{ "version", NULL, NULL, OA_OPT_ACTION, NONE, 0, 0, NULL, "print the version and exit",
	  NULL },
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void usage(FILE *f)
{
	fprintf(f, "usage: offerapi-server [OPTION]...\n\n"
	           "The OffreAPI web application: HTML pages, the JSON API under /api/v1,\n"
	           "/metrics, /healthz and /readyz. Every option can also be given as an\n"
	           "environment variable; a flag wins over the variable.\n\n");
	oa_opts_print(f, opts, NOPTS, 30, false);
	fprintf(f, "\nScorer settings come from OFFERAPI_SCORER_<NAME>_<KEY> variables.\n"
	           "SIGTERM or SIGINT: stop accepting, finish requests in flight, exit 0.\n");
}

/* --help, --version, --list-routes: print and return 1. */
static int opt_action(const oa_opt *o)
{
	if (!strcmp(o->flag, "help"))
		usage(stdout);
	else if (!strcmp(o->flag, "list-routes"))
		router_print();
	else
		printf("offerapi-server %s (libofferapi %s, CivetWeb %s)\n", OFFERAPI_VERSION,
		       offerapi_version(), mg_version());
	return 1;
}

/* Values the project's Kubernetes manifests once shipped as placeholders:
 * anyone can read them in the repository's history. */
static const char *const known_placeholders[] = {
	"FAKE-change-me-csrf-key-0000000000000000",
	"FAKE-change-me-postgres-password",
	"FAKE-sk-not-a-real-key",
};

/* A listening address on this machine only: 127.0.0.0/8 or "localhost". */
static bool listen_loopback(const char *listen)
{
	return !strncmp(listen, "127.", 4) || !strncmp(listen, "localhost:", 10);
}

/* The CSRF and session key: never a known placeholder; at least 32 bytes
 * when others can reach the server (an empty --secret means a random key
 * per process, which is strong but differs between replicas). */
static int secret_check(const config *c)
{
	for (size_t i = 0; i < sizeof known_placeholders / sizeof known_placeholders[0]; i++)
		if (!strcmp(c->secret, known_placeholders[i]) ||
		    !strncmp(c->secret, "FAKE-change-me", 14)) {
			fprintf(stderr,
			        "offerapi-server: --secret (OFFERAPI_SECRET) is a placeholder published in "
			        "the repository; generate a key: k8s/make-secrets.sh, or "
			        "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n'\n");
			return -1;
		}
	size_t n = strlen(c->secret);
	if (n > 0 && n < 32 && !listen_loopback(c->listen)) {
		fprintf(stderr,
		        "offerapi-server: --secret (OFFERAPI_SECRET) is %zu bytes; at least 32 are "
		        "needed when listening on %s (not loopback). Generate one with "
		        "k8s/make-secrets.sh, or leave it empty for a random key per process\n",
		        n, c->listen);
		return -1;
	}
	return 0;
}

/* What the options must say together, beyond each one's range. */
static int config_check(config *c)
{
	/* CivetWeb 1.15 here has no IPv6 and must never do TLS (docs/dependencies.md). */
	if (!oa_listen_valid(c->listen)) {
		fprintf(stderr,
		        "offerapi-server: --listen: expected IPV4:PORT such as 127.0.0.1:8080, got '%s'\n",
		        c->listen);
		return -1;
	}
	if (c->pwhash_mem && c->pwhash_mem < 8192) {
		fprintf(stderr, "offerapi-server: --pwhash-memlimit: at least 8192 bytes, or 0\n");
		return -1;
	}
	if (c->backoff_max_ms && c->backoff_max_ms < c->backoff_ms) {
		fprintf(stderr, "offerapi-server: --backoff-max-ms %u is below --backoff-ms %u\n",
		        c->backoff_max_ms, c->backoff_ms);
		return -1;
	}
	return secret_check(c);
}

int config_load(config *c, int argc, char **argv)
{
	memset(c, 0, sizeof *c);
	const oa_opt *action;
	int rc = oa_opts_parse("offerapi-server", opts, NOPTS, c, argc, argv, &action);
	if (rc == 1)
		return opt_action(action);
	return rc < 0 ? rc : config_check(c);
}
