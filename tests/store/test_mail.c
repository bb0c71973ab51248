/*
 * test_mail.c - e-mail on accounts, verification and reset tokens, and the
 * mail outbox (offerapi/user.h, offerapi/mail.h, issue 13), on a real
 * SQLite file or PostgreSQL database; and delivery by the sender to a real
 * SMTP server on loopback (tests/mail/smtpd.py, Debian's python3-aiosmtpd).
 *
 * usage: test_mail sqlite|postgresql SMTPD_PY
 * It links the library's internal archive for oa_test_clock_advance().
 */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include <offerapi/offerapi.h>

#include "internal.h"
#include "testdb.h"

static const char *smtpd_py;

typedef testdb_fixture fixture;

static int teardown(void **state)
{
	oa_test_clock_advance(-oa_test_clock_advance(0));
	return testdb_teardown(state);
}

static const offerapi_mail_site site = { .version = OFFERAPI_MAIL_SITE_VERSION,
	                                 .from = "Jobs@Example.org",
	                                 .from_name = "Offres d'emploi é",
	                                 .base_url = "https://jobs.example.org" };

/* Claim the next message (the test fails when there is none). */
static offerapi_mail *claim(offerapi_store *s)
{
	offerapi_mail *m = NULL;
	assert_rc(offerapi_mail_claim(s, "test", NULL, &m), 0);
	if (!m)
		fail_msg("no message in the outbox");
	return m;
}

static void assert_outbox_empty(offerapi_store *s)
{
	offerapi_mail *m = NULL;
	assert_rc(offerapi_mail_claim(s, "test", NULL, &m), 0);
	if (m)
		fail_msg("unexpected message %s to %s", m->kind, m->recipient);
}

/* The token a message carries (its params). */
static void token_of(const offerapi_mail *m, char token[OFFERAPI_TOKEN_SIZE])
{
	const char *p = strstr(m->params, "\"token\":\"");
	assert_non_null(p);
	memcpy(token, p + 9, OFFERAPI_TOKEN_SIZE - 1);
	token[OFFERAPI_TOKEN_SIZE - 1] = '\0';
}

/* ---- addresses ---- */

static void test_normalize(void **state)
{
	(void)state;
	char out[OFFERAPI_EMAIL_MAX + 1];
	assert_rc(offerapi_email_normalize("Ana.Lopez+jobs@Example.ORG", out), 0);
	assert_string_equal(out, "ana.lopez+jobs@example.org");
	const char *bad[] = { "",
		              "ana",
		              "ana@",
		              "@example.org",
		              "ana@example",
		              "a b@example.org",
		              "ana@@example.org",
		              "ana@ex_ample.org",
		              ".ana@example.org",
		              "an..a@example.org",
		              "ana@-example.org",
		              "ana@example.org\r\nBcc: x@y.z",
		              "<ana@example.org>",
		              "anaé@example.org",
		              "ana@example..org" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (offerapi_email_normalize(bad[i], out) != OFFERAPI_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(strstr(offerapi_error_last()->message, "email"));
	}
	char longer[300];
	memset(longer, 'a', sizeof longer);
	memcpy(longer + 280, "@example.org", 13);
	assert_rc(offerapi_email_normalize(longer, out), OFFERAPI_ETOOBIG);
}

/* ---- verification ---- */

static void test_signup_verifies(void **state)
{
	fixture *f = *state;
	offerapi_user *u = NULL;
	assert_rc(offerapi_user_create_with_email(f->s, "ana", "Ana López", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "Ana@Example.org", "en",
	                                          &u),
	          0);
	assert_string_equal(u->email, "ana@example.org");
	assert_int_equal(u->email_verified_at, 0);
	assert_string_equal(u->lang, "en");
	offerapi_mail *m = claim(f->s);
	assert_string_equal(m->kind, "verify-email");
	assert_string_equal(m->recipient, "ana@example.org");
	assert_string_equal(m->lang, "en");
	char token[OFFERAPI_TOKEN_SIZE];
	token_of(m, token);
	assert_rc(offerapi_mail_done(f->s, m, false, NULL), 0);
	offerapi_mail_free(m);
	assert_outbox_empty(f->s);

	/* a forged or malformed token is refused */
	char forged[OFFERAPI_TOKEN_SIZE];
	memcpy(forged, token, sizeof forged);
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	assert_rc(offerapi_email_verify(f->s, forged, NULL), OFFERAPI_EAUTH);
	assert_rc(offerapi_email_verify(f->s, "xyz", NULL), OFFERAPI_EAUTH);
	offerapi_id id = 0;
	assert_rc(offerapi_email_verify(f->s, token, &id), 0);
	assert_int_equal(id, u->id);
	assert_rc(offerapi_email_verify(f->s, token, NULL), OFFERAPI_EAUTH); /* once */
	offerapi_user *again = NULL;
	assert_rc(offerapi_user_get(f->s, u->id, &again), 0);
	assert_true(again->email_verified_at > 0);
	/* the session user carries the address too */
	char st[OFFERAPI_TOKEN_SIZE];
	offerapi_user *su = NULL;
	assert_rc(offerapi_session_create(f->s, u, st), 0);
	assert_rc(offerapi_session_user(f->s, st, &su), 0);
	assert_string_equal(su->email, "ana@example.org");
	offerapi_user_free(su);
	offerapi_user_free(again);
	offerapi_user_free(u);
}

static void test_taken_address_writes_nothing(void **state)
{
	fixture *f = *state;
	assert_rc(offerapi_user_create_with_email(f->s, "ana", "Ana", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "ana@example.org", "fr",
	                                          NULL),
	          0);
	offerapi_mail_free(claim(f->s));
	assert_rc(offerapi_user_create_with_email(f->s, "bob", "Bob", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "ANA@example.org", "fr",
	                                          NULL),
	          OFFERAPI_EEXISTS);
	assert_non_null(strstr(offerapi_error_last()->message, "email"));
	assert_outbox_empty(f->s); /* neither account nor message */
	offerapi_user *u = NULL;
	assert_rc(offerapi_user_authenticate(f->s, "bob", "password1", &u), OFFERAPI_EAUTH);
	assert_rc(offerapi_user_create_with_email(f->s, "bob", "Bob", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "bob@example.org", "de",
	                                          NULL),
	          OFFERAPI_EINVAL);
}

static void test_links_expire_and_change(void **state)
{
	fixture *f = *state;
	offerapi_user *u = testdb_user(f->s, "ana", OFFERAPI_ROLE_CANDIDATE);
	assert_null(u->email);
	assert_rc(offerapi_user_set_email(f->s, u->id, "old@example.org", "fr"), 0);
	offerapi_mail *m = claim(f->s);
	char old_token[OFFERAPI_TOKEN_SIZE], token[OFFERAPI_TOKEN_SIZE];
	token_of(m, old_token);
	offerapi_mail_free(m);
	/* a new address: the old link no longer works */
	assert_rc(offerapi_user_set_email(f->s, u->id, "new@example.org", NULL), 0);
	m = claim(f->s);
	assert_string_equal(m->recipient, "new@example.org");
	assert_string_equal(m->lang, "fr");
	token_of(m, token);
	offerapi_mail_free(m);
	assert_rc(offerapi_email_verify(f->s, old_token, NULL), OFFERAPI_EAUTH);
	/* 48 hours later the new link has expired too */
	oa_test_clock_advance((int64_t)(OFFERAPI_VERIFY_TTL_S + 1) * 1000);
	assert_rc(offerapi_email_verify(f->s, token, NULL), OFFERAPI_EAUTH);
	/* another account's address is refused */
	offerapi_user *b = testdb_user(f->s, "bob", OFFERAPI_ROLE_CANDIDATE);
	assert_rc(offerapi_user_set_email(f->s, b->id, "NEW@example.org", NULL), OFFERAPI_EEXISTS);
	assert_rc(offerapi_user_set_email(f->s, 999999, "x@example.org", NULL), OFFERAPI_ENOTFOUND);
	offerapi_user_free(b);
	offerapi_user_free(u);
}

/* ---- password reset ---- */

static void test_reset(void **state)
{
	fixture *f = *state;
	offerapi_user *u = NULL;
	assert_rc(offerapi_user_create_with_email(f->s, "ana", "Ana", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "ana@example.org", "fr",
	                                          &u),
	          0);
	offerapi_mail_free(claim(f->s));
	char s1[OFFERAPI_TOKEN_SIZE], s2[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_session_create(f->s, u, s1), 0);
	assert_rc(offerapi_session_create(f->s, u, s2), 0);

	/* an unknown address: the same answer, and nothing sent */
	assert_rc(offerapi_password_reset_request(f->s, "nobody@example.org"), 0);
	assert_outbox_empty(f->s);
	assert_rc(offerapi_password_reset_request(f->s, "not an address"), OFFERAPI_EINVAL);

	char first[OFFERAPI_TOKEN_SIZE], token[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_password_reset_request(f->s, "Ana@example.org"), 0);
	offerapi_mail *m = claim(f->s);
	assert_string_equal(m->kind, "password-reset");
	token_of(m, first);
	offerapi_mail_free(m);
	/* a second request: only its link works */
	assert_rc(offerapi_password_reset_request(f->s, "ana@example.org"), 0);
	m = claim(f->s);
	token_of(m, token);
	offerapi_mail_free(m);
	assert_rc(offerapi_password_reset_check(f->s, first), OFFERAPI_EAUTH);
	assert_rc(offerapi_password_reset_check(f->s, token), 0);
	/* a refused password uses nothing up */
	assert_rc(offerapi_password_reset(f->s, token, "short", NULL), OFFERAPI_EINVAL);
	offerapi_id id = 0;
	assert_rc(offerapi_password_reset(f->s, token, "new password 2", &id), 0);
	assert_int_equal(id, u->id);
	assert_rc(offerapi_password_reset(f->s, token, "new password 3", NULL), OFFERAPI_EAUTH);

	offerapi_user *x = NULL;
	assert_rc(offerapi_session_user(f->s, s1, &x), OFFERAPI_EAUTH); /* every session ended */
	assert_rc(offerapi_session_user(f->s, s2, &x), OFFERAPI_EAUTH);
	assert_rc(offerapi_user_authenticate(f->s, "ana", "password1", &x), OFFERAPI_EAUTH);
	assert_rc(offerapi_user_authenticate(f->s, "ana", "new password 2", &x), 0);
	assert_true(x->email_verified_at > 0); /* the link proved the address */
	offerapi_user_free(x);

	/* an hour later a link has expired */
	assert_rc(offerapi_password_reset_request(f->s, "ana@example.org"), 0);
	m = claim(f->s);
	token_of(m, token);
	offerapi_mail_free(m);
	oa_test_clock_advance((int64_t)(OFFERAPI_RESET_TTL_S + 1) * 1000);
	assert_rc(offerapi_password_reset(f->s, token, "new password 4", NULL), OFFERAPI_EAUTH);
	offerapi_user_free(u);
}

/* ---- the outbox ---- */

static offerapi_job_options fast(unsigned int attempts)
{
	offerapi_job_options o = OFFERAPI_JOB_OPTIONS_INIT;
	o.max_attempts = attempts;
	o.lease_s = 60;
	o.backoff_base_ms = 1000;
	o.backoff_max_ms = 4000;
	return o;
}

/* A release gives the claim back before any try: pending at once, its
 * attempt not counted, and only once per claim. */
static void test_release(void **state)
{
	fixture *f = *state;
	offerapi_user *u = testdb_user(f->s, "ana", OFFERAPI_ROLE_CANDIDATE);
	assert_rc(offerapi_user_set_email(f->s, u->id, "ana@example.org", "fr"), 0);
	offerapi_user_free(u);
	offerapi_job_options o = fast(3);
	offerapi_mail *m = NULL;
	assert_rc(offerapi_mail_claim(f->s, "w", &o, &m), 0);
	assert_non_null(m);
	assert_int_equal(m->attempt, 1);
	assert_rc(offerapi_mail_release(f->s, m), 0);
	assert_rc(offerapi_mail_release(f->s, m), OFFERAPI_ENOTFOUND);
	offerapi_mail_state st;
	unsigned int n = 99;
	assert_rc(offerapi_mail_state_get(f->s, m->id, &st, &n), 0);
	assert_int_equal(st, OFFERAPI_MAIL_PENDING);
	assert_int_equal(n, 0);
	offerapi_mail *again = NULL; /* no backoff: claimable at once */
	assert_rc(offerapi_mail_claim(f->s, "w", &o, &again), 0);
	assert_non_null(again);
	assert_int_equal(again->id, m->id);
	assert_int_equal(again->attempt, 1);
	offerapi_mail_free(m);
	offerapi_mail_free(again);
}

static void test_retries_then_fails(void **state)
{
	fixture *f = *state;
	assert_rc(offerapi_password_reset_request(f->s, "x@example.org"), 0); /* nothing */
	offerapi_user *u = testdb_user(f->s, "ana", OFFERAPI_ROLE_CANDIDATE);
	assert_rc(offerapi_user_set_email(f->s, u->id, "ana@example.org", "fr"), 0);
	offerapi_user_free(u);
	offerapi_job_options o = fast(3);
	offerapi_mail *m = NULL;
	for (unsigned int attempt = 1; attempt <= 3; attempt++) {
		assert_rc(offerapi_mail_claim(f->s, "w", &o, &m), 0);
		assert_non_null(m);
		assert_int_equal(m->attempt, attempt);
		offerapi_mail *other = NULL; /* claimed: nobody else gets it */
		assert_rc(offerapi_mail_claim(f->s, "w2", &o, &other), 0);
		assert_null(other);
		offerapi_mail_state st;
		int64_t retry = 0;
		assert_rc(offerapi_mail_fail(f->s, m, "relay down", &o, &st, &retry), 0);
		assert_int_equal(st, attempt < 3 ? OFFERAPI_MAIL_PENDING : OFFERAPI_MAIL_FAILED);
		/* not before its backoff */
		offerapi_mail *early = NULL;
		assert_rc(offerapi_mail_claim(f->s, "w", &o, &early), 0);
		assert_null(early);
		assert_rc(offerapi_mail_fail(f->s, m, "again", &o, NULL, NULL), OFFERAPI_ENOTFOUND);
		offerapi_id id = m->id;
		offerapi_mail_free(m);
		oa_test_clock_advance(5000);
		if (attempt == 3) {
			offerapi_mail_state s2;
			unsigned int n;
			assert_rc(offerapi_mail_state_get(f->s, id, &s2, &n), 0);
			assert_int_equal(s2, OFFERAPI_MAIL_FAILED);
			assert_int_equal(n, 3);
		}
	}
	assert_outbox_empty(f->s);
	offerapi_mail_stats st;
	assert_rc(offerapi_mail_stats_get(f->s, &st), 0);
	assert_int_equal(st.count[OFFERAPI_MAIL_FAILED], 1);
	assert_int_equal(st.count[OFFERAPI_MAIL_PENDING], 0);
}

static void test_lease_expires(void **state)
{
	fixture *f = *state;
	offerapi_user *u = testdb_user(f->s, "ana", OFFERAPI_ROLE_CANDIDATE);
	assert_rc(offerapi_user_set_email(f->s, u->id, "ana@example.org", "fr"), 0);
	offerapi_job_options o = fast(5);
	offerapi_mail *dead = NULL, *m = NULL;
	assert_rc(offerapi_mail_claim(f->s, "dies", &o, &dead), 0);
	assert_non_null(dead);
	oa_test_clock_advance(61 * 1000); /* its sender died: the lease ends */
	assert_rc(offerapi_mail_claim(f->s, "next", &o, &m), 0);
	assert_non_null(m);
	assert_int_equal(m->id, dead->id);
	assert_int_equal(m->attempt, 2);
	assert_rc(offerapi_mail_done(f->s, dead, false, NULL), OFFERAPI_ENOTFOUND);
	double lat = -1;
	assert_rc(offerapi_mail_done(f->s, m, false, &lat), 0);
	assert_true(lat >= 61.0);
	offerapi_mail_stats st;
	assert_rc(offerapi_mail_stats_get(f->s, &st), 0);
	assert_int_equal(st.count[OFFERAPI_MAIL_SENT], 1);
	offerapi_mail_free(dead);
	offerapi_mail_free(m);
	offerapi_user_free(u);
}

/* ---- rendering ---- */

/* Decode the base64 body of the part of @type in @msg. */
static char *part(const char *msg, const char *type)
{
	const char *p = strstr(msg, type);
	assert_non_null(p);
	p = strstr(p, "\r\n\r\n");
	assert_non_null(p);
	p += 4;
	const char *end = strstr(p, "\r\n--");
	assert_non_null(end);
	size_t cap = (size_t)(end - p);
	unsigned char *bin = malloc(cap + 1);
	size_t n = 0;
	assert_int_equal(sodium_base642bin(bin, cap, p, (size_t)(end - p), "\r\n", &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	bin[n] = '\0';
	return (char *)bin;
}

static void test_render(void **state)
{
	fixture *f = *state;
	assert_rc(offerapi_user_create_with_email(f->s, "ana", "Ana <López> & co", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "ana@example.org", "fr",
	                                          NULL),
	          0);
	offerapi_mail *m = claim(f->s);
	char token[OFFERAPI_TOKEN_SIZE];
	token_of(m, token);
	char *msg = NULL, *again = NULL;
	size_t len = 0;
	assert_rc(offerapi_mail_render(m, &site, &msg, &len), 0);
	assert_int_equal(strlen(msg), len);
	/* headers: ASCII only, lines of at most 78 characters */
	const char *body = strstr(msg, "\r\n\r\n");
	for (const char *p = msg, *nl; p < body; p = nl + 2) {
		nl = strstr(p, "\r\n");
		assert_true(nl - p <= 78);
		for (const char *q = p; q < nl; q++)
			assert_true((unsigned char)*q >= 0x20 && (unsigned char)*q < 0x7F);
	}
	assert_non_null(strstr(msg, "\r\nTo: <ana@example.org>\r\n"));
	assert_non_null(
		strstr(msg, "\r\nSubject: Confirmez votre adresse e-mail sur OffreAPI\r\n"));
	assert_non_null(strstr(msg, "From: =?UTF-8?B?"));
	assert_non_null(strstr(msg, "\r\n <jobs@example.org>\r\n"));
	assert_non_null(strstr(msg, "Content-Language: fr\r\n"));
	assert_null(strstr(msg, "List-Unsubscribe")); /* not a notification */
	char mid[128];
	snprintf(mid, sizeof mid, "Message-ID: <offerapi.%lld.", (long long)m->id);
	assert_non_null(strstr(msg, mid));
	char link[256];
	snprintf(link, sizeof link, "https://jobs.example.org/verify-email?token=%s", token);
	char *text = part(msg, "text/plain"), *html = part(msg, "text/html");
	assert_non_null(strstr(text, "Bonjour Ana <López> & co,"));
	assert_non_null(strstr(text, link));
	assert_non_null(strstr(html, "Bonjour Ana &lt;López&gt; &amp; co,"));
	assert_non_null(strstr(html, "<a href=\""));
	assert_non_null(strstr(html, link));
	assert_null(strstr(html, "<López>"));
	/* the same Message-ID at every attempt */
	assert_rc(offerapi_mail_render(m, &site, &again, NULL), 0);
	const char *a = strstr(msg, "Message-ID:"), *b = strstr(again, "Message-ID:");
	assert_memory_equal(a, b, (size_t)(strstr(a, "\r\n") - a));
	/* bad site settings are named */
	offerapi_mail_site bad = site;
	bad.base_url = "javascript:alert(1)";
	char *none = NULL;
	assert_rc(offerapi_mail_render(m, &bad, &none, NULL), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "base URL"));
	free(text);
	free(html);
	free(msg);
	free(again);
	offerapi_mail_free(m);
	/* a subject that is not ASCII is encoded (RFC 2047) */
	assert_rc(offerapi_password_reset_request(f->s, "ana@example.org"), 0);
	m = claim(f->s);
	assert_rc(offerapi_mail_render(m, &site, &msg, NULL), 0);
	/* "Réinitialisation de votre mot de passe OffreAPI" in two words */
	assert_non_null(strstr(
		msg,
		"\r\nSubject: =?UTF-8?B?UsOpaW5pdGlhbGlzYXRpb24gZGUgdm90cmUgbW90IGRlIHBhc3Nl?=\r\n"
		" =?UTF-8?B?IE9mZnJlQVBJ?=\r\n"));
	free(msg);
	offerapi_mail_free(m);
}

/* The link of each message about an application: the recruiter's lead to
 * the application's page, the candidate's to "/me/applications", the one
 * page of all their applications (it once got the application's id glued
 * on: "/me/applications7", a 404; found by the browser-workflow test). */
static void test_application_links(void **state)
{
	(void)state;
	static const struct {
		const char *kind, *link;
	} cases[] = {
		{ "stage-interview", "https://jobs.example.org/me/applications\r\n" },
		{ "stage-offer", "https://jobs.example.org/me/applications\r\n" },
		{ "stage-hired", "https://jobs.example.org/me/applications\r\n" },
		{ "stage-rejected", "https://jobs.example.org/me/applications\r\n" },
		{ "stage-rejected-reason", "https://jobs.example.org/me/applications\r\n" },
		{ "application-received", "https://jobs.example.org/applications/7\r\n" },
		{ "application-withdrawn", "https://jobs.example.org/applications/7\r\n" },
	};
	char params[256];
	snprintf(params, sizeof params,
	         "{\"name\":\"Ana\",\"offer\":\"Dev C\",\"who\":\"Bob\",\"reason\":\"other\","
	         "\"app\":\"7\",\"unsub\":\"%064d\"}",
	         0);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		for (int en = 0; en < 2; en++) {
			offerapi_mail m = { .id = 1,
				            .kind = (char *)cases[i].kind,
				            .recipient = "ana@example.org",
				            .lang = en ? "en" : "fr",
				            .params = params };
			char *msg = NULL;
			assert_rc(offerapi_mail_render(&m, &site, &msg, NULL), 0);
			char *text = part(msg, "text/plain");
			if (!strstr(text, cases[i].link))
				fail_msg("%s (%s): no link %s in:\n%s", cases[i].kind, m.lang,
				         cases[i].link, text);
			free(text);
			free(msg);
		}
	}
}

/* ---- delivery to a real SMTP server ---- */

typedef struct smtpd {
	pid_t pid;
	int port;
	char dir[128];
} smtpd;

static void smtpd_start(smtpd *d, int refuse_first)
{
	snprintf(d->dir, sizeof d->dir, "/tmp/offerapi-smtpd.XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	char refuse[16];
	snprintf(refuse, sizeof refuse, "%d", refuse_first);
	d->pid = fork();
	if (d->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execl("/usr/bin/python3", "python3", smtpd_py, d->dir, "--refuse-first", refuse,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	if (!in || fscanf(in, "port %d", &d->port) != 1)
		fail_msg("%s did not start (python3-aiosmtpd missing?)", smtpd_py);
	fclose(in);
}

static void smtpd_stop(smtpd *d)
{
	kill(d->pid, SIGTERM);
	waitpid(d->pid, NULL, 0);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
	assert_int_equal(system(cmd), 0);
}

/* Wait up to 20 s for message @n (1-based) in @d; its text, malloc'd. */
static char *smtpd_wait(smtpd *d, int n)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%04d.eml", d->dir, n);
	for (int i = 0; i < 2000; i++) {
		FILE *fp = fopen(path, "rb");
		if (fp) {
			static char buf[65536];
			size_t k = fread(buf, 1, sizeof buf - 1, fp);
			fclose(fp);
			buf[k] = '\0';
			return strdup(buf);
		}
		usleep(10000);
	}
	fail_msg("no message %d at the SMTP server in 20 s", n);
	return NULL;
}

typedef struct tally {
	int sent, retrying, logged;
} tally;

static void on_report(const offerapi_mail_report *r, void *payload)
{
	tally *t = payload;
	__atomic_fetch_add(r->result == OFFERAPI_MAIL_RESULT_SENT       ? &t->sent
	                   : r->result == OFFERAPI_MAIL_RESULT_RETRYING ? &t->retrying
	                                                                : &t->logged,
	                   1, __ATOMIC_SEQ_CST);
}

static void test_delivery(void **state)
{
	fixture *f = *state;
	smtpd d;
	smtpd_start(&d, 1); /* the relay refuses the first try */
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", d.port);
	tally t = { 0 };
	offerapi_mail_sender_options o = OFFERAPI_MAIL_SENDER_OPTIONS_INIT;
	o.smtp_url = url;
	o.site = site;
	o.poll_ms = 20;
	o.jobs.backoff_base_ms = 50;
	o.jobs.backoff_max_ms = 100;
	o.on_report = on_report;
	o.payload = &t;
	offerapi_mail_sender *ms = NULL;
	assert_rc(offerapi_mail_sender_start(&ms, f->s, &o), 0);
	assert_rc(offerapi_user_create_with_email(f->s, "ana", "Ana López", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "ana@example.org", "en",
	                                          NULL),
	          0);
	char *msg = smtpd_wait(&d, 1);
	offerapi_mail_sender_free(ms);
	assert_non_null(strstr(msg, "To: <ana@example.org>"));
	assert_non_null(strstr(msg, "Content-Language: en"));
	char *text = part(msg, "text/plain");
	assert_non_null(strstr(text, "Hello Ana López,"));
	assert_non_null(strstr(text, "https://jobs.example.org/verify-email?token="));
	assert_int_equal(t.retrying, 1);
	assert_int_equal(t.sent, 1);
	offerapi_mail_stats st;
	assert_rc(offerapi_mail_stats_get(f->s, &st), 0);
	assert_int_equal(st.count[OFFERAPI_MAIL_SENT], 1);
	char path[256];
	snprintf(path, sizeof path, "%s/0002.eml", d.dir);
	assert_int_not_equal(access(path, F_OK), 0); /* once */
	free(text);
	free(msg);
	smtpd_stop(&d);
}

static void test_no_relay_logs(void **state)
{
	fixture *f = *state;
	tally t = { 0 };
	offerapi_mail_sender_options o = OFFERAPI_MAIL_SENDER_OPTIONS_INIT;
	o.site = site;
	o.poll_ms = 20;
	o.on_report = on_report;
	o.payload = &t;
	offerapi_mail_sender *ms = NULL;
	assert_rc(offerapi_mail_sender_start(&ms, f->s, &o), 0);
	assert_rc(offerapi_user_create_with_email(f->s, "ana", "Ana", "password1",
	                                          OFFERAPI_ROLE_CANDIDATE, "ana@example.org", "en",
	                                          NULL),
	          0);
	offerapi_mail_stats st = { 0 };
	for (int i = 0; i < 2000 && st.count[OFFERAPI_MAIL_LOGGED] == 0; i++) {
		usleep(10000);
		assert_rc(offerapi_mail_stats_get(f->s, &st), 0);
	}
	offerapi_mail_sender_free(ms);
	assert_int_equal(st.count[OFFERAPI_MAIL_LOGGED], 1);
	assert_int_equal(t.logged, 1);
}

static void test_sender_options(void **state)
{
	(void)state;
	offerapi_mail_sender_options o = OFFERAPI_MAIL_SENDER_OPTIONS_INIT;
	o.site = site;
	assert_rc(offerapi_mail_sender_check(&o), 0);
	o.smtp_url = "smtp://user:secret@relay.example.org";
	assert_rc(offerapi_mail_sender_check(&o), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "OFFERAPI_SMTP_USER"));
	assert_null(strstr(offerapi_error_last()->message, "secret"));
	o.smtp_url = "http://relay.example.org";
	assert_rc(offerapi_mail_sender_check(&o), OFFERAPI_EINVAL);
	o.smtp_url = "smtps://relay.example.org:465";
	assert_rc(offerapi_mail_sender_check(&o), 0);
	o.smtp_user = "u";
	assert_rc(offerapi_mail_sender_check(&o), OFFERAPI_EINVAL); /* no password */
	o.smtp_password = "p";
	assert_rc(offerapi_mail_sender_check(&o), 0);
	o.site.from = "not an address";
	assert_rc(offerapi_mail_sender_check(&o), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "From"));
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s sqlite|postgresql SMTPD_PY\n", argv[0]);
		return 2;
	}
	testdb_backend = argv[1];
	smtpd_py = argv[2];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test_setup_teardown(test_signup_verifies, testdb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_taken_address_writes_nothing, testdb_setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_links_expire_and_change, testdb_setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_reset, testdb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, testdb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_retries_then_fails, testdb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_expires, testdb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_render, testdb_setup, teardown),
		cmocka_unit_test(test_application_links),
		cmocka_unit_test_setup_teardown(test_delivery, testdb_setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_relay_logs, testdb_setup, teardown),
		cmocka_unit_test(test_sender_options),
	};
	return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
