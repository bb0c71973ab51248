/*
 * fuzz_http.c - libFuzzer target: the HTTP request as the server sees it,
 * through the real server in-process: CivetWeb on a loopback port, the
 * router, every handler, the services, the library and a SQLite store in a
 * temporary folder holding the demo data. Each input is sent as raw bytes
 * on a new connection (request line, headers, cookies, query, url-encoded,
 * multipart and JSON bodies; several pipelined requests too), the sending
 * side is shut, and the answer is read to its end.
 *
 * What the fuzzer cannot guess is put in for it: in the input, "$RT",
 * "$CT" and "$OT" become the session tokens of a recruiter, a candidate and
 * an administrator (the operator), "$RX", "$CX" and "$OX" their CSRF
 * tokens, "$AC" an anonymous cookie and "$AX" its CSRF token, "$RO" the id
 * of an offer of that recruiter, "$CA" the id of the candidate's
 * application to it, "$RU", "$CU" and "$OU" the recruiter's, the
 * candidate's and the administrator's user ids, "$GU" the id of
 * "fuzz-gone", an account there for the administrator to erase. So the
 * corpus (fuzz/corpus/http) reaches the logged-in pages, forms and API
 * calls, the administration's included. An account an input erased (the
 * administrator's erasure, or an account's own) is made again before the
 * next input, under the same login.
 *
 * Beyond "no crash, no leak, no hang" (an answer takes more than 10 s:
 * abort), it checks the answer: nothing, or an HTTP/1.1 status line with a
 * framed body (Content-Length, chunks, or a connection closed after a
 * streamed answer to HTTP/1.0), and never 500 (an internal error is a bug whatever the
 * input). The server starts on the first input and stops at exit. With
 * FUZZ_HTTP_VERBOSE=1 in the environment, each answer's status line is
 * printed (to see which handlers a corpus reaches).
 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int port;
static char dir[64];
static char rec_tok[OFFERAPI_TOKEN_SIZE], cand_tok[OFFERAPI_TOKEN_SIZE],
	adm_tok[OFFERAPI_TOKEN_SIZE];
static char rec_csrf[65], cand_csrf[65], adm_csrf[65], anon_csrf[65], offer_id[24], app_id[24];
static char rec_id[24], cand_id[24], adm_id[24], gone_id[24];
static const char anon[] = "0123456789abcdef0123456789abcdef";

static void die(const char *what)
{
	fprintf(stderr, "fuzz_http: %s\n", what);
	abort();
}

static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof a;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) ||
	    getsockname(s, (struct sockaddr *)&a, &n))
		die("no free port");
	close(s);
	return ntohs(a.sin_port);
}

/* The CSRF token the server expects from a user's session (@tok) or from
 * the anonymous cookie (@tok NULL): csrf_compute() on a request like it. */
static void csrf_for(const char *tok, const offerapi_user *u, char out[65])
{
	req r;
	memset(&r, 0, sizeof r);
	r.app = &g_app;
	if (tok) {
		r.user = (offerapi_user *)u;
		snprintf(r.session, sizeof r.session, "%s", tok);
	} else {
		memcpy(r.anon, anon, sizeof anon);
	}
	csrf_compute(&r);
	memcpy(out, r.csrf, 65);
}

/* A one-page CV (Helvetica text, a valid cross-reference table). */
static const char cv_pdf[] =
	"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
	"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
	"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << "
	"/F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n"
	"4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n"
	"5 0 obj\n<< /Length 44 >>\nstream\nBT /F1 11 Tf 56 780 Td (Jeanne C Linux) Tj ET\n"
	"endstream\nendobj\n";

/* The recruiter's, the candidate's and the administrator's session (and
 * CSRF token), renewed when an input ended it (a log-out, a session
 * revoked, a new log-in): later inputs must still reach the logged-in
 * handlers. */
static offerapi_user *rec, *cand, *adm, *gone;

static void renew(offerapi_user *u, char tok[OFFERAPI_TOKEN_SIZE], char csrf[65])
{
	offerapi_user *now = NULL;
	if (tok[0] && offerapi_session_user(g_app.store, tok, &now) == 0) {
		offerapi_user_free(now);
		return;
	}
	if (offerapi_session_create(g_app.store, u, tok))
		die(offerapi_error_last()->message);
	csrf_for(tok, u, csrf);
}

/* Whether account @p u is still there (an input may have erased it). */
static bool alive(const offerapi_user *u)
{
	offerapi_user *now = NULL;
	if (offerapi_user_get(g_app.store, u->id, &now) != 0)
		return false;
	offerapi_user_free(now);
	return true;
}

/* Account @p login (@p role) in *@p u and its id in @p id, made (again)
 * when there is none or an input erased it. Returns whether it was made. */
static bool ensure_user(offerapi_user **u, const char *login, offerapi_role role, char id[24])
{
	if (*u && alive(*u))
		return false;
	offerapi_user_free(*u);
	*u = NULL;
	if (offerapi_user_create(g_app.store, login, login, "staple-battery-horse-42", role, u))
		die(offerapi_error_last()->message);
	if (id)
		snprintf(id, 24, "%lld", (long long)(*u)->id);
	return true;
}

/* A recruiter with an offer, a candidate who applied to it, an
 * administrator, and an account for the administrator to erase. */
static void make_users(void)
{
	offerapi_store *s = g_app.store;
	bool new_rec = ensure_user(&rec, "fuzz-rec", OFFERAPI_ROLE_RECRUITER, rec_id);
	bool new_cand = ensure_user(&cand, "fuzz-cand", OFFERAPI_ROLE_CANDIDATE, cand_id);
	ensure_user(&adm, "fuzz-admin", OFFERAPI_ROLE_ADMIN, adm_id);
	ensure_user(&gone, "fuzz-gone", OFFERAPI_ROLE_CANDIDATE, gone_id);
	if (!new_rec && !new_cand)
		return;
	/* a new offer: an input may have closed the last one */
	offerapi_offer_fields f = { .version = OFFERAPI_OFFER_FIELDS_VERSION };
	f.title = "Fuzz";
	f.description = "An offer to fuzz";
	offerapi_id id = 0;
	if (offerapi_offer_create(s, rec, &f, &id))
		die(offerapi_error_last()->message);
	snprintf(offer_id, sizeof offer_id, "%lld", (long long)id);
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = cv_pdf,
		.pdf_len = sizeof cv_pdf - 1,
	};
	offerapi_id aid = 0;
	if (offerapi_application_submit(s, cand, id, &in, &aid))
		die(offerapi_error_last()->message);
	snprintf(app_id, sizeof app_id, "%lld", (long long)aid);
}

static void stop(void)
{
	offerapi_user_free(rec);
	offerapi_user_free(cand);
	offerapi_user_free(adm);
	offerapi_user_free(gone);
	app_stop(&g_app);
	char p[128];
	static const char *const files[] = { "f.db", "f.db-wal", "f.db-shm", "f.db-journal" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* libFuzzer keeps the coverage counters of every instrumented module it
 * saw, and clears them before each input: a plugin the server loads then
 * closes (dlclose) would leave it writing into freed memory. Opened here
 * first with RTLD_NODELETE, the plugins stay mapped whatever the loader
 * closes (same files, same objects). */
static void pin_plugins(void)
{
#ifdef FUZZ_SCORER_RANDOM
	static const char *const so[] = { FUZZ_SCORER_RANDOM, FUZZ_SCORER_SIMILARITY,
		                          FUZZ_SCORER_LLM };
	for (size_t i = 0; i < sizeof so / sizeof so[0]; i++)
		if (!dlopen(so[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE))
			die(dlerror());
#endif
}

static void start(void)
{
	pin_plugins();
	snprintf(dir, sizeof dir, "/tmp/fuzz-http.XXXXXX");
	if (!mkdtemp(dir) || sodium_init() < 0)
		die("set-up failed");
	port = free_port();
	char listen[32], db[128];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	snprintf(db, sizeof db, "sqlite:%s/f.db", dir);
	char *argv[] = { "fuzz-http",
		         "--listen",
		         listen,
		         "--database",
		         db,
		         "--scorers",
		         "random",
		         "--threads",
		         "4",
		         "--pwhash-memlimit",
		         "8192",
		         "--pwhash-opslimit",
		         "1",
		         "--login-max-failures",
		         "0",
		         "--signup-limit",
		         "0",
		         "--no-request-log",
		         "--demo",
		         "--secret",
		         "fuzz-secret",
		         "--request-timeout-ms",
		         "2000",
		         "--body-timeout-ms",
		         "3000",
		         "--keep-alive-ms",
		         "100",
		         NULL };
	if (config_load(&g_app.cfg, (int)(sizeof argv / sizeof argv[0]) - 1, argv) != 0 ||
	    app_start(&g_app) != 0)
		die("the server did not start");
	make_users();
	csrf_for(NULL, NULL, anon_csrf);
	atexit(stop);
}

/* @in with the $XX markers replaced; *n is its length. */
static char *substitute(const uint8_t *in, size_t size, size_t *n)
{
	const struct {
		const char *key, *value;
	} subs[] = { { "$RT", rec_tok },  { "$CT", cand_tok },  { "$OT", adm_tok },
		     { "$RX", rec_csrf }, { "$CX", cand_csrf }, { "$OX", adm_csrf },
		     { "$AC", anon },     { "$AX", anon_csrf }, { "$RO", offer_id },
		     { "$CA", app_id },   { "$RU", rec_id },    { "$CU", cand_id },
		     { "$OU", adm_id },   { "$GU", gone_id } };
	char *out = malloc(size * 22 + 1); /* each 3-byte marker at most 64 bytes */
	if (!out)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < size; i++) {
		size_t k = 0;
		while (k < sizeof subs / sizeof subs[0] &&
		       (i + 3 > size || memcmp(in + i, subs[k].key, 3) != 0))
			k++;
		if (k < sizeof subs / sizeof subs[0]) {
			size_t l = strlen(subs[k].value);
			memcpy(out + j, subs[k].value, l);
			j += l;
			i += 2;
		} else {
			out[j++] = (char)in[i];
		}
	}
	*n = j;
	return out;
}

/* Send @msg, shut the sending side, read the answer to its end (at most
 * @cap bytes kept). Returns the bytes kept. */
static size_t exchange(const char *msg, size_t n, char *ans, size_t cap)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
		                 .sin_port = htons((uint16_t)port),
		                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	/* libFuzzer's -timeout watchdog is a SIGALRM each second: a connect()
	 * it interrupts (EINTR) goes on in the background, so start again on
	 * a new socket; every other call here just resumes */
	int s = -1, rc = -1;
	for (int tries = 0; rc != 0 && tries < 100; tries++) {
		if (s >= 0)
			close(s);
		s = socket(AF_INET, SOCK_STREAM, 0);
		rc = s < 0 ? -1 : connect(s, (struct sockaddr *)&a, sizeof a);
		if (rc != 0 && errno != EINTR)
			break;
	}
	if (rc != 0) {
		/* say why: a refused connection is the server's, an exhausted
		 * range of local ports (EADDRNOTAVAIL) the harness's */
		fprintf(stderr, "fuzz_http: connect: %s\n", strerror(errno));
		die("the server does not accept connections any more");
	}
	size_t sent = 0;
	while (sent < n) {
		ssize_t w = send(s, msg + sent, n - sent, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the server closed: it may refuse before reading all */
		sent += (size_t)w;
	}
	shutdown(s, SHUT_WR);
	size_t got = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { s, POLLIN, 0 };
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = 10000 - (long)((t.tv_sec - t0.tv_sec) * 1000 +
		                           (t.tv_nsec - t0.tv_nsec) / 1000000);
		int pr = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (pr < 0 && errno == EINTR)
			continue; /* with the time left of the 10 s */
		if (pr == 0)
			die("no answer within 10 s: the server hangs on this input");
		char tmp[16384];
		ssize_t r = recv(s, tmp, sizeof tmp, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t0); /* 10 s more for the next bytes */
		size_t keep = got + (size_t)r <= cap ? (size_t)r : cap - got;
		memcpy(ans + got, tmp, keep);
		got += keep;
	}
	close(s);
	return got;
}

/* Where @needle (@nl bytes) first is in @hay (@n bytes), or NULL. */
static const char *find(const char *hay, size_t n, const char *needle, size_t nl)
{
	for (size_t i = 0; i + nl <= n; i++)
		if (!memcmp(hay + i, needle, nl))
			return hay + i;
	return NULL;
}

static void check_answer(const char *ans, size_t n)
{
	if (n == 0)
		return; /* closed without an answer: an incomplete request */
	if (n < 16 || memcmp(ans, "HTTP/1.1 ", 9) != 0 || ans[9] < '1' || ans[9] > '5')
		die("the answer does not start with an HTTP/1.1 status line");
	if (!memcmp(ans + 9, "500", 3))
		die("500: an internal error");
	const char *end = find(ans, n, "\r\n\r\n", 4);
	if (!end)
		die("the answer's head does not end");
	size_t hl = (size_t)(end - ans);
	if (!find(ans, hl, "\r\nContent-Length: ", 18) &&
	    !find(ans, hl, "\r\nTransfer-Encoding: chunked", 28) &&
	    !find(ans, hl, "\r\nConnection: close", 19))
		die("the answer's body is not framed (no Content-Length, chunks or close)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool started;
	if (!started) {
		start();
		started = true;
	}
	make_users(); /* again if an input erased one */
	renew(rec, rec_tok, rec_csrf);
	renew(cand, cand_tok, cand_csrf);
	renew(adm, adm_tok, adm_csrf);
	size_t n;
	char *msg = substitute(data, size, &n);
	if (!msg)
		return 0;
	static char ans[1 << 20];
	size_t got = exchange(msg, n, ans, sizeof ans);
	check_answer(ans, got);
	if (getenv("FUZZ_HTTP_VERBOSE")) {
		const char *eol = find(ans, got, "\r\n", 2);
		const char *body = find(ans, got, "\r\n\r\n", 4);
		fprintf(stderr, "fuzz_http: %.*s | %.*s\n", eol ? (int)(eol - ans) : 0, ans,
		        body ? (int)(got - (size_t)(body + 4 - ans) < 4000
		                             ? got - (size_t)(body + 4 - ans)
		                             : 4000)
		             : 0,
		        body ? body + 4 : "");
	}
	free(msg);
	return 0;
}
