/*
 * mailsender.c - sender threads over the outbox (offerapi/mail.h).
 *
 * Each thread loops: claim a message, render it, hand it to the relay with
 * libcurl's SMTP (or log it when no relay is configured), record the
 * outcome, report it; when the outbox is empty it sleeps on the store's
 * condition variable (woken when this process writes a message) for
 * poll_ms. The SMTP password is given to libcurl only; no log line, error
 * or report carries it, and the URL may not carry credentials.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "curl_dl.h"
#include "internal.h"
#include "jobs_internal.h"
#include "mail_internal.h"

#define TIMEOUT_DEFAULT_S 30
#define POLL_DEFAULT_MS 1000
#define THREADS_MAX 16
/* Seconds between two looks for due digests (offerapi_mail_digest_run). */
#define DIGEST_EVERY_S 5.0

typedef struct sender_thread {
	offerapi_mail_sender *ms;
	pthread_t thread;
	char name[WORKER_NAME_BUF];
} sender_thread;

struct offerapi_mail_sender {
	offerapi_store *store;
	offerapi_mail_sender_options o; /* strings below are copies */
	char *url, *user, *password, *from, *from_name, *base_url, *name;
	bool require_tls;
	sender_thread *threads;
	unsigned int started;
	atomic_bool stop;
};

/* Whether @host names this machine's loopback. */
static bool loopback(const char *host)
{
	return !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]") ||
	       !strcmp(host, "::1");
}

/* Check the relay URL: smtp:// or smtps://, a host, no credentials. Sets
 * *loop when the host is loopback. */
static int check_url(const char *url, bool *loop)
{
	*loop = false;
	if (strncmp(url, "smtp://", 7) && strncmp(url, "smtps://", 8))
		return oa_error(OFFERAPI_EINVAL, "SMTP URL: must start with smtp:// or smtps://");
	if (strlen(url) > 1024)
		return oa_error(OFFERAPI_EINVAL, "SMTP URL: longer than 1024 bytes");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F)
			return oa_error(OFFERAPI_EINVAL,
			                "SMTP URL: spaces and non-ASCII not allowed");
	int rc = oa_curl_load(); /* the URL parser: no global init needed */
	if (rc < 0)
		return rc;
	CURLU *u = oa_curl.url();
	if (!u)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	char *host = NULL, *user = NULL, *pass = NULL;
	if (oa_curl.url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    oa_curl.url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host)
		rc = oa_error(OFFERAPI_EINVAL, "SMTP URL: not a URL with a host");
	else if (oa_curl.url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	         oa_curl.url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK)
		rc = oa_error(OFFERAPI_EINVAL,
		              "SMTP URL: holds credentials; give them in OFFERAPI_SMTP_USER and "
		              "OFFERAPI_SMTP_PASSWORD instead (a URL ends up in logs)");
	else
		*loop = loopback(host);
	oa_curl.free(host);
	oa_curl.free(user);
	oa_curl.free(pass);
	oa_curl.url_cleanup(u);
	return rc;
}

static int check_options(const offerapi_mail_sender_options *o, bool *require_tls)
{
	*require_tls = false;
	if (!o || o->version != OFFERAPI_MAIL_SENDER_OPTIONS_VERSION)
		return oa_error(OFFERAPI_EINVAL,
		                "mail sender options: missing, or another version");
	char from[OFFERAPI_EMAIL_MAX + 1];
	int rc;
	if (o->site.version != OFFERAPI_MAIL_SITE_VERSION)
		return oa_error(OFFERAPI_EINVAL, "mail site: another version");
	if ((rc = offerapi_email_normalize(o->site.from, from)) < 0)
		return oa_error(rc, "mail From address: %s", offerapi_error_last()->message);
	if ((rc = mail_check_base_url("mail base URL", o->site.base_url)) < 0)
		return rc;
	if (o->site.from_name &&
	    (rc = oa_check_text("mail From name", o->site.from_name, 1, 200, false, false)) < 0)
		return rc;
	if (o->timeout_s > 600 || o->threads > THREADS_MAX ||
	    (o->poll_ms && (o->poll_ms < 10 || o->poll_ms > 60000)))
		return oa_error(OFFERAPI_EINVAL, "mail sender options: timeout_s at most 600, "
		                                 "threads at most 16, poll_ms in 10..60000");
	if (o->name && (rc = oa_check_text("mail sender name", o->name, 1, 100, false, false)) < 0)
		return rc;
	if ((o->smtp_user && !o->smtp_password) || (!o->smtp_user && o->smtp_password))
		return oa_error(OFFERAPI_EINVAL, "SMTP credentials: give both user and password");
	if (!o->smtp_url || !*o->smtp_url)
		return 0;
	bool loop;
	if ((rc = check_url(o->smtp_url, &loop)) < 0)
		return rc;
	/* credentials never cross a network in clear: STARTTLS is required
	 * for them unless the relay is on this machine */
	*require_tls = o->smtp_user && !loop;
	return 0;
}

int offerapi_mail_sender_check(const offerapi_mail_sender_options *o)
{
	bool tls;
	return check_options(o, &tls);
}

typedef struct upload {
	const char *data;
	size_t len, off;
} upload;

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	upload *u = arg;
	size_t room = size * n, left = u->len - u->off;
	size_t k = left < room ? left : room;
	memcpy(buf, u->data + u->off, k);
	u->off += k;
	return k;
}

/* Hand @text to the relay for @to. 0, or an error with one line. */
static int smtp_send(offerapi_mail_sender *ms, const char *to, const char *text, size_t len)
{
	int rc = oa_curl_init();
	if (rc < 0)
		return rc;
	CURL *h = oa_curl.easy_init();
	if (!h)
		return oa_error(OFFERAPI_ENOMEM, "SMTP: cannot make a curl handle");
	char from[OFFERAPI_EMAIL_MAX + 3], rcpt[OFFERAPI_EMAIL_MAX + 3];
	snprintf(from, sizeof from, "<%s>", ms->from);
	snprintf(rcpt, sizeof rcpt, "<%s>", to);
	struct curl_slist *rcpts = oa_curl.slist_append(NULL, rcpt);
	upload up = { text, len, 0 };
	char errbuf[CURL_ERROR_SIZE] = "";
	oa_curl.easy_setopt(h, CURLOPT_URL, ms->url);
	oa_curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	oa_curl.easy_setopt(h, CURLOPT_MAIL_FROM, from);
	oa_curl.easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	oa_curl.easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	oa_curl.easy_setopt(h, CURLOPT_READDATA, &up);
	oa_curl.easy_setopt(h, CURLOPT_UPLOAD, 1L);
	oa_curl.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	oa_curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	oa_curl.easy_setopt(h, CURLOPT_TIMEOUT, (long)ms->o.timeout_s);
	oa_curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                    (long)(ms->o.timeout_s < 10 ? ms->o.timeout_s : 10));
	oa_curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	oa_curl.easy_setopt(h, CURLOPT_USE_SSL,
	                    (long)(ms->require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (ms->user) {
		oa_curl.easy_setopt(h, CURLOPT_USERNAME, ms->user);
		oa_curl.easy_setopt(h, CURLOPT_PASSWORD, ms->password);
	}
	CURLcode cc = rcpts ? oa_curl.easy_perform(h) : CURLE_OUT_OF_MEMORY;
	long code = 0;
	oa_curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	oa_curl.slist_free_all(rcpts);
	oa_curl.easy_cleanup(h);
	if (cc == CURLE_OK)
		return 0;
	for (char *p = errbuf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return oa_error(OFFERAPI_EUNAVAILABLE, "SMTP: %s (%s; last reply %ld)",
	                errbuf[0] ? errbuf : oa_curl.easy_strerror(cc), oa_curl.easy_strerror(cc),
	                code);
}

/* The recipient as logs may show it: first character, then the domain. */
static void masked(const char *to, char *out, size_t outsz)
{
	const char *at = strchr(to, '@');
	snprintf(out, outsz, "%c***%s", to[0], at ? at : "");
}

/* Render and deliver (or log) @m; fill @rep; record the outcome. */
static void handle(offerapi_mail_sender *ms, sender_thread *t, offerapi_mail *m,
                   offerapi_mail_report *rep)
{
	offerapi_store *s = ms->store;
	char *text = NULL;
	size_t len = 0;
	int rc = offerapi_mail_render(m, &ms->o.site, &text, &len);
	double t0 = oa_monotonic();
	bool logged = !ms->url;
	if (rc == 0 && logged) {
		char subject[256], to[OFFERAPI_EMAIL_MAX + 8];
		offerapi_mail_subject(m, subject, sizeof subject);
		masked(m->recipient, to, sizeof to);
		oa_log(OFFERAPI_LOG_INFO,
		       "mail %lld (%s, %s) to %s not sent: no SMTP relay configured; subject: %s",
		       (long long)m->id, m->kind, m->lang, to, subject);
	} else if (rc == 0) {
		rc = smtp_send(ms, m->recipient, text, len);
		rep->send_s = oa_monotonic() - t0;
	}
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
	if (rc == 0) {
		rep->result = logged ? OFFERAPI_MAIL_RESULT_LOGGED : OFFERAPI_MAIL_RESULT_SENT;
		if (offerapi_mail_done(s, m, logged, &rep->latency_s) < 0)
			rep->result = OFFERAPI_MAIL_RESULT_UNRECORDED;
		return;
	}
	snprintf(rep->message, sizeof rep->message, "%s", offerapi_error_last()->message);
	offerapi_mail_state st;
	if (offerapi_mail_fail(s, m, rep->message, &ms->o.jobs, &st, NULL) < 0)
		rep->result = OFFERAPI_MAIL_RESULT_UNRECORDED;
	else
		rep->result = st == OFFERAPI_MAIL_FAILED ? OFFERAPI_MAIL_RESULT_GAVE_UP
		                                         : OFFERAPI_MAIL_RESULT_RETRYING;
	oa_log(st == OFFERAPI_MAIL_FAILED ? OFFERAPI_LOG_ERROR : OFFERAPI_LOG_WARNING,
	       "mail %lld (%s) attempt %u by %s: %s", (long long)m->id, m->kind, m->attempt,
	       t->name, rep->message);
}

/* Claim and handle one message: 1 handled, 0 none ready, -1 error. */
static int send_once(sender_thread *t)
{
	offerapi_mail_sender *ms = t->ms;
	offerapi_mail *m = NULL;
	if (offerapi_mail_claim(ms->store, t->name, &ms->o.jobs, &m) < 0)
		return -1;
	if (!m)
		return 0;
	offerapi_mail_report rep = { .mail_id = m->id, .kind = m->kind, .attempt = m->attempt };
	if (atomic_load(&ms->stop)) {
		rep.result = offerapi_mail_release(ms->store, m) == 0
		                     ? OFFERAPI_MAIL_RESULT_RELEASED
		                     : OFFERAPI_MAIL_RESULT_UNRECORDED;
	} else {
		handle(ms, t, m, &rep);
	}
	if (ms->o.on_report)
		ms->o.on_report(&rep, ms->o.payload);
	offerapi_mail_free(m);
	return 1;
}

/* The first thread writes the daily digests that are due, every
 * DIGEST_EVERY_S: where mail is sent, digests are made; the claim in
 * offerapi_mail_digest_run keeps replicas from both writing one. */
static void digests_due(sender_thread *t, double *last)
{
	if (t != &t->ms->threads[0] || (*last && oa_monotonic() - *last < DIGEST_EVERY_S))
		return;
	*last = oa_monotonic();
	int n = 0;
	if (offerapi_mail_digest_run(t->ms->store, &n) < 0)
		oa_log(OFFERAPI_LOG_WARNING, "mail sender %s: digests: %s", t->name,
		       offerapi_error_last()->message);
	else if (n)
		oa_log(OFFERAPI_LOG_INFO, "mail sender %s: %d daily digest(s) written", t->name, n);
}

static void *sender_main(void *arg)
{
	sender_thread *t = arg;
	offerapi_mail_sender *ms = t->ms;
	unsigned int errors = 0;
	double last_log = 0, last_digest = 0;
	while (!atomic_load(&ms->stop)) {
		digests_due(t, &last_digest);
		uint64_t seq = store_jobs_seq(ms->store);
		int got = send_once(t);
		if (got > 0) {
			errors = 0;
			continue;
		}
		if (got < 0 && oa_monotonic() - last_log >= 10.0) {
			last_log = oa_monotonic();
			oa_log(OFFERAPI_LOG_WARNING, "mail sender %s: cannot claim: %s", t->name,
			       offerapi_error_last()->message);
		}
		errors = got < 0 ? errors + (errors < 10) : 0;
		store_jobs_wait(ms->store, seq, &ms->stop, ms->o.poll_ms * (errors ? errors : 1));
	}
	return NULL;
}

static char *dup_opt(const char *s, bool *oom)
{
	if (!s || !*s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

/* Copy the options' strings into @ms and apply defaults. */
static int copy_options(offerapi_mail_sender *ms, const offerapi_mail_sender_options *o)
{
	bool oom = false;
	ms->o = *o;
	ms->url = dup_opt(o->smtp_url, &oom);
	ms->user = dup_opt(o->smtp_user, &oom);
	ms->password = dup_opt(o->smtp_password, &oom);
	ms->from = dup_opt(o->site.from, &oom);
	ms->from_name = dup_opt(o->site.from_name, &oom);
	ms->base_url = dup_opt(o->site.base_url, &oom);
	ms->name = dup_opt(o->name, &oom);
	if (oom)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (char *p = ms->from; p && *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	ms->o.smtp_url = ms->url;
	ms->o.smtp_user = ms->user;
	ms->o.smtp_password = NULL; /* only ms->password holds it */
	ms->o.site.from = ms->from;
	ms->o.site.from_name = ms->from_name;
	ms->o.site.base_url = ms->base_url;
	ms->o.name = ms->name;
	if (!ms->o.timeout_s)
		ms->o.timeout_s = TIMEOUT_DEFAULT_S;
	if (!ms->o.threads)
		ms->o.threads = 1;
	if (!ms->o.poll_ms)
		ms->o.poll_ms = POLL_DEFAULT_MS;
	return 0;
}

static int start_threads(offerapi_mail_sender *ms)
{
	for (unsigned int i = 0; i < ms->o.threads; i++) {
		sender_thread *t = &ms->threads[i];
		t->ms = ms;
		jobs_worker_name(t->name, sizeof t->name, ms->name, "mail", i);
		if (pthread_create(&t->thread, NULL, sender_main, t) != 0)
			return oa_error(OFFERAPI_ERROR, "mail sender: cannot start thread %u",
			                i + 1);
		ms->started++;
	}
	return 0;
}

int offerapi_mail_sender_start(offerapi_mail_sender **out, offerapi_store *s,
                               const offerapi_mail_sender_options *opts)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "mail sender: no output");
	*out = NULL;
	bool tls;
	int rc;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "mail sender: no store");
	if ((rc = check_options(opts, &tls)) < 0)
		return rc;
	offerapi_mail_sender *ms = calloc(1, sizeof *ms);
	if (!ms)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	ms->store = s;
	ms->require_tls = tls;
	if ((rc = copy_options(ms, opts)) == 0 &&
	    !(ms->threads = calloc(ms->o.threads, sizeof *ms->threads)))
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc == 0)
		rc = start_threads(ms);
	if (rc < 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
		offerapi_mail_sender_free(ms);
		return oa_error(rc, "%s", msg);
	}
	*out = ms;
	return 0;
}

void offerapi_mail_sender_free(offerapi_mail_sender *ms)
{
	if (!ms)
		return;
	atomic_store(&ms->stop, true);
	store_jobs_wake(ms->store);
	for (unsigned int i = 0; i < ms->started; i++)
		pthread_join(ms->threads[i].thread, NULL);
	free(ms->threads);
	free(ms->url);
	free(ms->user);
	oa_free_secret(ms->password);
	free(ms->from);
	free(ms->from_name);
	free(ms->base_url);
	free(ms->name);
	free(ms);
}
