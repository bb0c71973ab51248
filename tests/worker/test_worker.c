/*
 * test_worker.c - offerapi-worker as an operator runs it: a real process on
 * a real database, its /metrics, /healthz and /readyz over loopback HTTP,
 * SIGTERM that drains (finishing a job, or releasing it when --drain-ms is
 * short), and configurations it refuses.
 *
 * usage: test_worker sqlite|postgresql WORKER_BIN SLOW.so
 * SLOW.so (tests/store/slow-scorer.c) is copied into a folder of its own,
 * which becomes the worker's --plugin-dir.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "pdfgen.h"
#include "testdb.h"

extern char **environ;

static const char *worker_bin, *slow_so;

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_scorers *set;
	offerapi_user *rec, *cand;
	char dir[128]; /* plugin folder, logs */
	pid_t pid;
	int port;
} fixture;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	snprintf(f->dir, sizeof f->dir, "/tmp/offerapi-worker-XXXXXX");
	if (!mkdtemp(f->dir))
		fail_msg("mkdtemp failed");
	sh("mkdir '%s/plugins' && cp '%s' '%s/plugins/slow.so'", f->dir, slow_so, f->dir);
	assert_rc(offerapi_scorers_new(&f->set), 0);
	assert_rc(offerapi_scorers_load_file(f->set, slow_so), 0);
	f->rec = testdb_user(f->s, "rec", OFFERAPI_ROLE_RECRUITER);
	f->cand = testdb_user(f->s, "cand", OFFERAPI_ROLE_CANDIDATE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (f->pid > 0) { /* a test that failed midway */
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	offerapi_scorers_free(f->set);
	offerapi_user_free(f->rec);
	offerapi_user_free(f->cand);
	testdb_close(&f->db, f->s);
	sh("rm -rf '%s'", f->dir);
	free(f);
	return 0;
}

/* @n applications, each with its "slow" job. */
static void applications(fixture *f, int n)
{
	const char *lines[] = { "I write C and SQL every day." };
	size_t len;
	char *pdf = pdfgen_text(lines, 1, 1, &len);
	for (int i = 0; i < n; i++) {
		const char *skills[] = { "C" };
		offerapi_offer_fields of = {
			.version = OFFERAPI_OFFER_FIELDS_VERSION,
			.title = "Dev",
			.description = "Write C",
			.location = "Paris",
			.skills = skills,
			.nskills = 1,
		};
		offerapi_id offer, app;
		assert_rc(offerapi_offer_create(f->s, f->rec, &of, &offer), 0);
		offerapi_application_input in = {
			.version = OFFERAPI_APPLICATION_INPUT_VERSION,
			.filename = "cv.pdf",
			.pdf = pdf,
			.pdf_len = len,
		};
		assert_rc(offerapi_application_submit_jobs(f->s, f->cand, offer, &in, f->set, &app),
		          0);
	}
	free(pdf);
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t al = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) != 0)
		fail_msg("no free port: %s", strerror(errno));
	close(fd);
	return ntohs(a.sin_port);
}

/* Start the worker with @extra arguments (NULL-terminated), stderr to
 * DIR/stderr.log, the slow scorer sleeping @sleep_ms per job. */
static void start(fixture *f, const char *sleep_ms_setting, const char *const *extra)
{
	f->port = free_port();
	char listen[32], plugins[200], log[200], scorer_log[200], sleep_env[64], log_env[256];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", f->port);
	snprintf(plugins, sizeof plugins, "%s/plugins", f->dir);
	snprintf(log, sizeof log, "%s/stderr.log", f->dir);
	snprintf(scorer_log, sizeof scorer_log, "%s/calls.log", f->dir);
	snprintf(sleep_env, sizeof sleep_env, "OFFERAPI_SCORER_SLOW_SLEEP_MS=%s", sleep_ms_setting);
	snprintf(log_env, sizeof log_env, "OFFERAPI_SCORER_SLOW_LOG=%s", scorer_log);
	const char *argv[32] = { worker_bin,  "--database", f->db.url,  "--plugin-dir", plugins,
		                 "--scorers", "slow",       "--listen", listen };
	size_t n = 9;
	const char *key = testdb_key_file(); /* PostgreSQL: the run's data key */
	if (key) {
		argv[n++] = "--data-key-file";
		argv[n++] = key;
	}
	for (size_t i = 0; extra && extra[i] && n < 30; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	/* our environment (sanitizer options...) without OFFERAPI_* settings,
	 * plus the scorer's */
	char *envp[256];
	size_t ne = 0;
	for (char **e = environ; *e && ne < 250; e++)
		if (strncmp(*e, "OFFERAPI_", 9) != 0)
			envp[ne++] = *e;
	envp[ne++] = sleep_env;
	envp[ne++] = log_env;
	envp[ne] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC,
	                                 0600);
	int rc = posix_spawn(&f->pid, worker_bin, &fa, NULL, (char *const *)argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		fail_msg("cannot start %s: %s", worker_bin, strerror(rc));
}

static int stop(fixture *f, int sig)
{
	int st = 0;
	kill(f->pid, sig);
	while (waitpid(f->pid, &st, 0) < 0 && errno == EINTR)
		;
	f->pid = 0;
	return st;
}

/* GET @path from the worker; the body (malloc'd) in *body; the status. */
static int http_get(const fixture *f, const char *path, char **body)
{
	*body = NULL;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET,
		                 .sin_port = htons((uint16_t)f->port),
		                 .sin_addr.s_addr = htonl(0x7f000001) };
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char req[256];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: x\r\n\r\n", path);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	buf[len] = '\0';
	int status = 0;
	sscanf(buf, "HTTP/1.%*d %d", &status);
	char *b = strstr(buf, "\r\n\r\n");
	*body = strdup(b ? b + 4 : "");
	free(buf);
	return status;
}

/* The value of the metric line starting with @series, or -1. */
static double metric(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, series, n) && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

static double scrape(const fixture *f, const char *series)
{
	char *body;
	if (http_get(f, "/metrics", &body) != 200) {
		free(body);
		return -1;
	}
	double v = metric(body, series);
	free(body);
	return v;
}

static void wait_for(const fixture *f, const char *series, double value)
{
	for (int i = 0; i < 6000; i++) { /* one minute at most: a hang guard */
		if (scrape(f, series) == value)
			return;
		sleep_ms(10);
	}
	fail_msg("%s never reached %g", series, value);
}

static bool log_has(const fixture *f, const char *needle)
{
	char path[200], buf[65536];
	snprintf(path, sizeof path, "%s/stderr.log", f->dir);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void test_scores_serves_and_drains(void **state)
{
	fixture *f = *state;
	applications(f, 20);
	start(f, "5", (const char *[]){ "--workers", "4", NULL });
	wait_for(f, "offerapi_jobs{scorer=\"slow\",state=\"done\"}", 20);
	wait_for(f, "offerapi_worker_jobs_total{scorer=\"slow\",result=\"completed\"}", 20);
	assert_true(scrape(f, "offerapi_jobs{scorer=\"slow\",state=\"pending\"}") == 0);
	assert_true(scrape(f, "offerapi_job_latency_seconds_count{scorer=\"slow\"}") == 20);
	assert_true(scrape(f, "offerapi_job_attempts_bucket{scorer=\"slow\",le=\"1\"}") == 20);
	assert_true(scrape(f, "offerapi_worker_threads") == 4);
	char *body;
	assert_int_equal(http_get(f, "/healthz", &body), 200);
	free(body);
	assert_int_equal(http_get(f, "/readyz", &body), 200);
	free(body);
	assert_int_equal(http_get(f, "/nothing", &body), 404);
	free(body);
	int st = stop(f, SIGTERM);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(log_has(f, "level=info msg=started backend="));
	assert_true(log_has(f, "msg=job job_id="));
	assert_true(log_has(f, "level=info msg=stopped"));
}

/* SIGTERM while a job takes longer than --drain-ms: released at once. */
static void test_short_drain_releases(void **state)
{
	fixture *f = *state;
	applications(f, 1);
	start(f, "20000", (const char *[]){ "--workers", "1", "--drain-ms", "100", NULL });
	wait_for(f, "offerapi_worker_threads_busy", 1);
	int st = stop(f, SIGTERM);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(log_has(f, "stopped with jobs released"));
	offerapi_job_stats *js;
	assert_rc(offerapi_job_stats_get(f->s, &js), 0);
	assert_int_equal(js->count, 1);
	assert_int_equal(js->items[0].state, OFFERAPI_JOB_PENDING);
	offerapi_job_stats_free(js);
}

/* SIGTERM while a job is being scored within --drain-ms: finished. */
static void test_drain_finishes(void **state)
{
	fixture *f = *state;
	applications(f, 1);
	start(f, "1000", (const char *[]){ "--workers", "1", "--no-job-log", NULL });
	wait_for(f, "offerapi_worker_threads_busy", 1);
	int st = stop(f, SIGTERM);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_false(log_has(f, "msg=job job_id=")); /* --no-job-log */
	offerapi_job_stats *js;
	assert_rc(offerapi_job_stats_get(f->s, &js), 0);
	assert_int_equal(js->items[0].state, OFFERAPI_JOB_DONE);
	offerapi_job_stats_free(js);
}

/* Bad configurations: exit 2 (usage) or 1 (cannot run), with a message. */
static void test_refusals(void **state)
{
	fixture *f = *state;
	struct {
		const char *args, *expect;
		int code;
	} cases[] = {
		{ "--workers 0", "workers: '0' is not a number in 1..256", 2 },
		{ "--poll-ms 5", "poll-ms", 2 },
		{ "--backoff-ms 20000 --backoff-max-ms 10000",
		  "--backoff-max-ms 10000 is below --backoff-ms 20000", 2 },
		/* the first delay's default (10000) counts too */
		{ "--backoff-max-ms 5000", "--backoff-max-ms 5000 is below --backoff-ms 10000", 2 },
		{ "--backoff-max-ms 86400001",
		  "backoff-max-ms: '86400001' is not a number in 1..86400000", 2 },
		{ "--listen localhost", "--listen: expected IPV4:PORT", 2 },
		{ "--scorers ''", "--scorers is empty", 2 },
		{ "--bogus", "unknown or incomplete option", 2 },
		{ "--database mysql://x", "database URL must start with", 1 },
		{ "--scorers nosuch --plugin-dir PLUGINS", "scorer 'nosuch' not found", 1 },
		{ "--plugin-dir /nonexistent", "is not a folder", 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char args[256], *p = strstr(cases[i].args, "PLUGINS");
		if (p)
			snprintf(args, sizeof args, "%.*s%s/plugins%s", (int)(p - cases[i].args),
			         cases[i].args, f->dir, p + 7);
		else
			snprintf(args, sizeof args, "%s", cases[i].args);
		char cmd[4096];
		snprintf(cmd, sizeof cmd,
		         "cd '%s' && '%s' --database '%s' %s 2>err.txt; echo $? > rc.txt; "
		         "grep -qF -- \"%s\" err.txt",
		         f->dir, worker_bin, f->db.url, args, cases[i].expect);
		if (system(cmd) != 0) {
			char got[sizeof f->dir + 16];
			snprintf(got, sizeof got, "%s/err.txt", f->dir);
			fprintf(stderr, "case %zu: the worker's stderr:\n", i);
			FILE *e = fopen(got, "r");
			for (int ch; e && (ch = fgetc(e)) != EOF;)
				fputc(ch, stderr);
			if (e)
				fclose(e);
			fail_msg("case %zu (%s): message \"%s\" missing", i, args, cases[i].expect);
		}
		char path[200];
		snprintf(path, sizeof path, "%s/rc.txt", f->dir);
		FILE *fp = fopen(path, "r");
		int code = -1;
		assert_non_null(fp);
		assert_int_equal(fscanf(fp, "%d", &code), 1);
		fclose(fp);
		assert_int_equal(code, cases[i].code);
	}
	char cmd[512];
	snprintf(cmd, sizeof cmd, "'%s' --help | grep -q OFFERAPI_WORKERS", worker_bin);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "LANG=fr_FR.UTF-8 '%s' --help | grep -q 'fils de travail'",
	         worker_bin);
	assert_int_equal(system(cmd), 0);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s sqlite|postgresql WORKER_BIN SLOW.so\n", argv[0]);
		return 2;
	}
	testdb_backend = argv[1];
	static char bin[4096];
	if (!realpath(argv[2], bin)) {
		fprintf(stderr, "test_worker: %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	worker_bin = bin;
	slow_so = argv[3];
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scores_serves_and_drains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_drain_releases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_finishes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};
	return cmocka_run_group_tests_name("offerapi-worker", tests, NULL, NULL);
}
