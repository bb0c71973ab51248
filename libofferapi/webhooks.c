/*
 * webhooks.c - webhook endpoints, their deliveries written in the
 * transaction of the event, and the sender that POSTs them
 * (offerapi/webhook.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "curl_dl.h"
#include "internal.h"
#include "jobs_internal.h"
#include "keyset.h"
#include "offerapi/webhook.h"
#include "store_internal.h"
#include "webhooks_internal.h"

static const char *const event_names[] = { "application.created", "application.stage_changed",
	                                   "offer.closed" };
#define NEVENTS ((int)(sizeof event_names / sizeof *event_names))
_Static_assert(OFFERAPI_EVENT_ALL == (1u << NEVENTS) - 1, "every event has a name");

#define SECRET_PREFIX "whsec_"
#define SECRET_RAW 24
#define DELIVERY_LOG_MAX 50
#define ATTEMPTS_DEFAULT 8
#define LEASE_DEFAULT_S 120
#define BACKOFF_BASE_DEFAULT_MS 30000
#define BACKOFF_MAX_DEFAULT_MS 3600000
#define TIMEOUT_DEFAULT_S 10
#define POLL_DEFAULT_MS 1000
#define ANSWER_KEPT_MAX 65536 /* bytes of an answer read (and dropped) */
#define KEEP_DAYS 30 /* finished deliveries are kept this long */

const char *offerapi_event_name(unsigned event)
{
	return oa_bit_name(event_names, NEVENTS, event);
}

int offerapi_event_parse(const char *name, unsigned *event)
{
	int i;
	int rc = oa_name_parse("events", event_names, NEVENTS, 0, name, &i);
	if (rc == 0)
		*event = 1u << i;
	return rc;
}

const char *offerapi_delivery_state_name(offerapi_delivery_state st)
{
	static const char *const names[] = { "pending", "sending", "done", "failed" };
	return oa_name_of(names, (int)(sizeof names / sizeof *names), 0, (int)st);
}

/* ---- endpoints ---- */

/* http(s)://host[:port][/path][?query]: a host, no credentials, no
 * fragment, no space or control character. */
static int check_url(const char *url)
{
	int rc = oa_check_text("url", url, 1, OFFERAPI_WEBHOOK_URL_MAX, false, false);
	if (rc < 0)
		return rc;
	const char *rest = !strncmp(url, "https://", 8)  ? url + 8
	                   : !strncmp(url, "http://", 7) ? url + 7
	                                                 : NULL;
	if (!rest)
		return oa_error(OFFERAPI_EINVAL, "url: must start with https:// or http://");
	size_t host = strcspn(rest, "/?#");
	if (host == 0)
		return oa_error(OFFERAPI_EINVAL, "url: no host name");
	if (memchr(rest, '@', host))
		return oa_error(OFFERAPI_EINVAL, "url: no user name or password in the address");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '#' || *p == '\\')
			return oa_error(OFFERAPI_EINVAL,
			                "url: no space, '#' or '\\' (write them %%-encoded)");
	return 0;
}

int offerapi_webhook_create(offerapi_store *s, const offerapi_user *user, const char *url,
                            unsigned events, char secret[OFFERAPI_WEBHOOK_SECRET_SIZE],
                            offerapi_id *id)
{
	if (!s || !user || !secret)
		return oa_error(OFFERAPI_EINVAL, "webhook: missing argument");
	secret[0] = '\0';
	if (user->role != OFFERAPI_ROLE_RECRUITER)
		return oa_error(OFFERAPI_EPERM, "webhooks are for recruiters");
	int rc = check_url(url);
	if (rc < 0)
		return rc;
	if (events == 0 || (events & ~OFFERAPI_EVENT_ALL))
		return oa_error(OFFERAPI_EINVAL, "events: give at least one of application.created,"
		                                 " application.stage_changed, offer.closed");
	unsigned char raw[SECRET_RAW];
	randombytes_buf(raw, sizeof raw);
	memcpy(secret, SECRET_PREFIX, sizeof SECRET_PREFIX - 1);
	sodium_bin2base64(secret + sizeof SECRET_PREFIX - 1,
	                  OFFERAPI_WEBHOOK_SECRET_SIZE - (sizeof SECRET_PREFIX - 1), raw,
	                  sizeof raw, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(raw, sizeof raw);
	db_result *r = NULL;
	rc = store_write(s,
	                 "INSERT INTO webhook_endpoints (user_id, url, secret, events, created_at)"
	                 " SELECT $1, $2, $3, $4, $5 WHERE (SELECT COUNT(*) FROM webhook_endpoints"
	                 " WHERE user_id = $1) < $6 RETURNING id",
	                 (db_param[]){ P_INT(user->id), P_TEXT(url), P_TEXT(secret),
	                               P_INT((int64_t)events), P_INT(oa_now()),
	                               P_INT(OFFERAPI_WEBHOOK_MAX) },
	                 6, &r);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ETOOBIG,
		              "webhooks: this account already has %d endpoints; remove one first",
		              OFFERAPI_WEBHOOK_MAX);
	if (rc == 0 && id)
		*id = db_int(r, 0, 0);
	db_result_free(r);
	if (rc < 0)
		sodium_memzero(secret, OFFERAPI_WEBHOOK_SECRET_SIZE);
	return rc;
}

/* The page of @res into @list (ks_list_type.fill). */
static int endpoints_fill(ks_result *res, void *list)
{
	offerapi_webhook_list *l = list;
	ks_take_page(res, &l->total, &l->next, &l->prev);
	l->items = calloc(res->page.count ? res->page.count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "webhook list: out of memory");
	for (size_t i = 0; i < res->page.count; i++) {
		int row = res->rows[res->page.first + i].row, b = res->base;
		offerapi_webhook *w = &l->items[l->count++];
		w->id = db_int(res->r, row, b);
		w->events = (unsigned)db_int(res->r, row, b + 2);
		w->created_at = db_int(res->r, row, b + 3);
		if (!(w->url = oa_strdup(db_text(res->r, row, b + 1))))
			return oa_error(OFFERAPI_ENOMEM, "webhook list: out of memory");
	}
	return 0;
}

static void endpoints_free(void *list)
{
	offerapi_webhook_list_free(list);
}

/* Lists for their owner, newest first (keyset.h): an account's endpoints
 * under $1 the account (webhook_endpoints_user_page), an endpoint's deliveries
 * under $1 the endpoint (webhook_deliveries_log). */
static const ks_list_type endpoints_list = {
	KS_SPEC_NEWEST('w', "w0.id", "w0.created_at",
	               " FROM webhook_endpoints w0 WHERE w0.user_id = $1", 1),
	", w.id, w.url, w.events, w.created_at",
	" JOIN webhook_endpoints w ON w.id = k.id",
	sizeof(offerapi_webhook_list),
	endpoints_fill,
	endpoints_free,
	"webhook list: missing argument",
	"webhook list: out of memory",
	NULL /* no check: ks_list_page() */
};

int offerapi_webhook_list_page(offerapi_store *s, offerapi_id user_id, const offerapi_page *page,
                               offerapi_webhook_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "webhook list: missing argument");
	int rc;
	*out = ks_list_page(s, &endpoints_list, user_id, page, (db_param[]){ P_INT(user_id) }, &rc);
	return rc;
}

_Static_assert(OFFERAPI_WEBHOOK_MAX <= OFFERAPI_PAGE_MAX, "an account's endpoints fit a page");

int offerapi_webhook_list_user(offerapi_store *s, offerapi_id user_id, offerapi_webhook_list **out)
{
	offerapi_page all = { .version = OFFERAPI_PAGE_VERSION, .limit = OFFERAPI_PAGE_MAX };
	return offerapi_webhook_list_page(s, user_id, &all, out);
}

void offerapi_webhook_list_free(offerapi_webhook_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; l->items && i < l->count; i++)
		free(l->items[i].url);
	ks_list_free(l->items, l->next, l->prev, l);
}

int offerapi_webhook_delete(offerapi_store *s, offerapi_id user_id, offerapi_id id)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "webhook delete: missing argument");
	db_result *r = NULL;
	int rc = store_write(
		s, "DELETE FROM webhook_endpoints WHERE id = $1 AND user_id = $2 RETURNING id",
		(db_param[]){ P_INT(id), P_INT(user_id) }, 2, &r);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "webhook %lld: no such endpoint", (long long)id);
	db_result_free(r);
	return rc;
}

/* ---- deliveries, written in the event's transaction ---- */

/* {"type": ..., "created_at": ..., "data": @data} (takes @data). */
static char *event_body(const char *type, json_t *data)
{
	json_t *o = json_pack("{s:s,s:I,s:o}", "type", type, "created_at", (json_int_t)oa_now(),
	                      "data", data);
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return body;
}

/* One delivery of @body per endpoint of offer @offer_id's recruiter that
 * wants @event (an endpoint @endpoint_id alone when it is not 0). */
static int enqueue_tx(db_conn *c, offerapi_id offer_id, offerapi_id endpoint_id, unsigned event,
                      const char *type, const char *body)
{
	int64_t now = oa_now_ms();
	if (endpoint_id)
		return db_exec(
			c,
			"INSERT INTO webhook_deliveries (endpoint_id, event, body, state,"
			" attempts, run_after_ms, created_ms) VALUES ($1, $2, $3, 0, 0, $4, $4)",
			(db_param[]){ P_INT(endpoint_id), P_TEXT(type), P_TEXT(body), P_INT(now) },
			4, NULL);
	return db_exec(c,
	               "INSERT INTO webhook_deliveries (endpoint_id, event, body, state, attempts,"
	               " run_after_ms, created_ms) SELECT e.id, $1, $2, 0, 0, $3, $3"
	               " FROM webhook_endpoints e JOIN offers o ON o.recruiter_id = e.user_id"
	               " WHERE o.id = $4 AND (e.events & $5) <> 0",
	               (db_param[]){ P_TEXT(type), P_TEXT(body), P_INT(now), P_INT(offer_id),
	                             P_INT((int64_t)event) },
	               5, NULL);
}

int webhook_event_tx(db_conn *c, unsigned event, offerapi_id offer_id, offerapi_id app_id,
                     const char *from, const char *to)
{
	json_t *data = json_pack("{s:I}", "offer_id", (json_int_t)offer_id);
	if (data && app_id)
		json_object_set_new(data, "application_id", json_integer(app_id));
	if (data && event == OFFERAPI_EVENT_APPLICATION_CREATED)
		json_object_set_new(data, "stage", json_string(to));
	if (data && event == OFFERAPI_EVENT_STAGE_CHANGED) {
		json_object_set_new(data, "from", json_string(from));
		json_object_set_new(data, "to", json_string(to));
	}
	const char *type = offerapi_event_name(event);
	if (!type) {
		json_decref(data);
		return oa_error(OFFERAPI_EINVAL, "webhook event: unknown event %u", event);
	}
	/* event_body takes @data, on failure too (json_pack's "o" steals) */
	char *body = data ? event_body(type, data) : NULL;
	if (!body)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = enqueue_tx(c, offer_id, 0, event, type, body);
	free(body);
	return rc;
}

int offerapi_webhook_test(offerapi_store *s, offerapi_id user_id, offerapi_id id)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "webhook test: missing argument");
	char *body = event_body("ping", json_pack("{s:I}", "endpoint_id", (json_int_t)id));
	if (!body)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int64_t now = oa_now_ms();
	db_result *r = NULL;
	int rc = jobs_queue_write(
		s,
		"INSERT INTO webhook_deliveries (endpoint_id, event, body, state,"
		" attempts, run_after_ms, created_ms) SELECT id, 'ping', $1, 0, 0,"
		" $2, $2 FROM webhook_endpoints WHERE id = $3 AND user_id = $4"
		" RETURNING id",
		(db_param[]){ P_TEXT(body), P_INT(now), P_INT(id), P_INT(user_id) }, 4, &r);
	free(body);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "webhook %lld: no such endpoint", (long long)id);
	db_result_free(r);
	if (rc == 0)
		store_jobs_signal(s);
	return rc;
}

/* The page of @res into @list (ks_list_type.fill). */
static int deliveries_fill(ks_result *res, void *list)
{
	offerapi_delivery_list *l = list;
	ks_take_page(res, &l->total, &l->next, &l->prev);
	l->items = calloc(res->page.count ? res->page.count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "delivery list: out of memory");
	const db_result *r = res->r;
	for (size_t i = 0; i < res->page.count; i++) {
		int row = res->rows[res->page.first + i].row, b = res->base;
		offerapi_delivery *d = &l->items[l->count++];
		d->id = db_int(r, row, b);
		d->state = (offerapi_delivery_state)db_int(r, row, b + 2);
		d->attempts = (unsigned)db_int(r, row, b + 3);
		d->last_status = db_isnull(r, row, b + 4) ? 0 : (int)db_int(r, row, b + 4);
		d->created_at = db_int(r, row, b + 6) / 1000;
		d->finished_at = db_isnull(r, row, b + 7) ? 0 : db_int(r, row, b + 7) / 1000;
		if (!(d->event = oa_strdup(db_text(r, row, b + 1))) ||
		    (!db_isnull(r, row, b + 5) &&
		     !(d->last_error = oa_strdup(db_text(r, row, b + 5)))))
			return oa_error(OFFERAPI_ENOMEM, "delivery list: out of memory");
	}
	return 0;
}

static void deliveries_free(void *list)
{
	offerapi_delivery_list_free(list);
}

/* Whether endpoint @id is the account's that @who points to (an
 * offerapi_id): 0 or ENOTFOUND (ks_list_type.check). */
static int endpoint_owned(offerapi_store *s, const void *who, int64_t id)
{
	offerapi_id user_id = *(const offerapi_id *)who;
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT id FROM webhook_endpoints WHERE id = $1 AND user_id = $2",
	                    (db_param[]){ P_INT(id), P_INT(user_id) }, 2, &r);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "webhook %lld: no such endpoint", (long long)id);
	db_result_free(r);
	return rc;
}

static const ks_list_type deliveries_list = {
	KS_SPEC_NEWEST('d', "d0.id", "d0.created_ms",
	               " FROM webhook_deliveries d0 WHERE d0.endpoint_id = $1", 1),
	", d.id, d.event, d.state, d.attempts, d.last_status, d.last_error, d.created_ms,"
	" d.finished_ms",
	" JOIN webhook_deliveries d ON d.id = k.id",
	sizeof(offerapi_delivery_list),
	deliveries_fill,
	deliveries_free,
	"delivery list: missing argument",
	"delivery list: out of memory",
	endpoint_owned
};

int offerapi_webhook_deliveries_page(offerapi_store *s, offerapi_id user_id, offerapi_id id,
                                     const offerapi_page *page, offerapi_delivery_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "delivery list: missing argument");
	int rc;
	*out = ks_list_checked(s, &deliveries_list, &user_id, id, page, &rc);
	return rc;
}

int offerapi_webhook_deliveries(offerapi_store *s, offerapi_id user_id, offerapi_id id,
                                offerapi_delivery_list **out)
{
	offerapi_page last50 = { .version = OFFERAPI_PAGE_VERSION, .limit = DELIVERY_LOG_MAX };
	return offerapi_webhook_deliveries_page(s, user_id, id, &last50, out);
}

void offerapi_delivery_list_free(offerapi_delivery_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; l->items && i < l->count; i++) {
		free(l->items[i].event);
		free(l->items[i].last_error);
	}
	ks_list_free(l->items, l->next, l->prev, l);
}

/* ---- the sender ---- */

struct offerapi_webhook_sender {
	offerapi_store *store;
	offerapi_webhook_sender_options o;
	atomic_bool stop;
	pthread_t *threads;
	unsigned int started;
};

/* A claimed delivery with its endpoint. */
typedef struct delivery {
	offerapi_id id;
	char *event, *body, *url, *secret;
	unsigned attempt;
	int64_t token;
} delivery;

static void delivery_free(delivery *d)
{
	free(d->event);
	free(d->body);
	free(d->url);
	oa_free_secret(d->secret);
	memset(d, 0, sizeof *d);
}

/* Deliveries whose sender's lease expired: pending again, or failed; and
 * once an hour, finished deliveries older than KEEP_DAYS go. */
static int requeue_expired(offerapi_store *s, const offerapi_job_options *o, int64_t now)
{
	static _Thread_local int64_t last_purge;
	if (now - last_purge >= 3600000 || now < last_purge) {
		last_purge = now;
		int rc = jobs_queue_write(s,
		                          "DELETE FROM webhook_deliveries WHERE state IN (2, 3)"
		                          " AND finished_ms < $1",
		                          (db_param[]){ P_INT(now - KEEP_DAYS * 86400000LL) }, 1,
		                          NULL);
		if (rc < 0)
			return rc;
	}
	return jobs_queue_write(
		s,
		"UPDATE webhook_deliveries SET state = CASE WHEN attempts >= $2 THEN 3 ELSE 0 END,"
		" finished_ms = CASE WHEN attempts >= $2 THEN $1 ELSE NULL END, run_after_ms = $1,"
		" last_error = $3, claimed_until_ms = NULL, claim_token = NULL"
		" WHERE state = 1 AND claimed_until_ms <= $1",
		(db_param[]){ P_INT(now), P_INT(o->max_attempts),
	                      P_TEXT("the sender stopped without an answer (its lease expired)") },
		3, NULL);
}

/* Claim the next delivery due: 1 with *@d filled, 0 none, or an error. */
static int claim(offerapi_store *s, const offerapi_job_options *o, delivery *d)
{
	int64_t now = oa_now_ms();
	int rc = requeue_expired(s, o, now);
	if (rc < 0)
		return rc;
	int64_t token = jobs_claim_token();
	char sql[600];
	snprintf(sql, sizeof sql,
	         "UPDATE webhook_deliveries SET state = 1, attempts = attempts + 1,"
	         " claimed_until_ms = $1, claim_token = $2 WHERE id = (SELECT id FROM"
	         " webhook_deliveries WHERE state = 0 AND run_after_ms <= $3"
	         " ORDER BY run_after_ms, id LIMIT 1%s)"
	         " RETURNING id, endpoint_id, event, body, attempts",
	         store_is_pg(s) ? JOBS_SKIP_LOCKED : "");
	db_result *r = NULL;
	rc = jobs_queue_write(
		s, sql,
		(db_param[]){ P_INT(now + (int64_t)o->lease_s * 1000), P_INT(token), P_INT(now) },
		3, &r);
	if (rc < 0 || r->nrows == 0) {
		db_result_free(r);
		return rc;
	}
	d->id = db_int(r, 0, 0);
	offerapi_id endpoint = db_int(r, 0, 1);
	d->event = oa_strdup(db_text(r, 0, 2));
	d->body = oa_strdup(db_text(r, 0, 3));
	d->attempt = (unsigned)db_int(r, 0, 4);
	d->token = token;
	db_result_free(r);
	r = NULL;
	rc = store_exec(s, "SELECT url, secret FROM webhook_endpoints WHERE id = $1",
	                (db_param[]){ P_INT(endpoint) }, 1, &r);
	if (rc == 0 && r->nrows == 1) {
		d->url = oa_strdup(db_text(r, 0, 0));
		d->secret = oa_strdup(db_text(r, 0, 1));
	}
	db_result_free(r);
	if (rc == 0 && (!d->event || !d->body || !d->url || !d->secret))
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc < 0) /* its lease will run out, and it will be tried again */
		delivery_free(d);
	return rc < 0 ? rc : 1;
}

/* True for an address a request may go to without allow_private: none of
 * the unspecified, loopback, private, shared, link-local, documentation,
 * benchmark, multicast and reserved ranges. */
static bool public_v4(const unsigned char a[4])
{
	return !(a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224 ||
	         (a[0] == 100 && (a[1] & 0xC0) == 64) || (a[0] == 169 && a[1] == 254) ||
	         (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
	         (a[0] == 192 && a[1] == 0 && (a[2] == 0 || a[2] == 2)) ||
	         (a[0] == 198 && (a[1] & 0xFE) == 18) || (a[0] == 198 && a[1] == 51) ||
	         (a[0] == 203 && a[1] == 0 && a[2] == 113));
}

/* @sa (@len bytes, as curl gives it) is a public address. */
static bool public_address(const void *sa, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	memcpy(&ss, sa, len < sizeof ss ? len : sizeof ss);
	unsigned char v4[4], a[16];
	if (ss.ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		memcpy(v4, &((const struct sockaddr_in *)&ss)->sin_addr, 4);
		return public_v4(v4);
	}
	if (ss.ss_family != AF_INET6 || len < sizeof(struct sockaddr_in6))
		return false;
	memcpy(a, &((const struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
	if (!memcmp(a, mapped, 12)) {
		memcpy(v4, a + 12, 4);
		return public_v4(v4);
	}
	bool zero15 = true;
	for (int i = 0; i < 15; i++)
		zero15 = zero15 && a[i] == 0;
	return !(zero15 /* :: and ::1 */ || (a[0] & 0xFE) == 0xFC /* fc00::/7 */ ||
	         (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) /* fe80::/10 */ || a[0] == 0xFF ||
	         (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8));
}

typedef struct post_ctx {
	bool allow_private;
	bool refused; /* the address was not public */
	size_t answer; /* bytes of the answer read */
} post_ctx;

static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	post_ctx *pc = arg;
	if (purpose != CURLSOCKTYPE_IPCXN ||
	    (!pc->allow_private && !public_address(&a->addr, a->addrlen))) {
		pc->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static size_t drop_answer(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	post_ctx *pc = arg;
	pc->answer += size * n;
	return pc->answer > ANSWER_KEPT_MAX ? 0 : size * n;
}

/* webhook-signature's value for @d at @ts into @out: "v1," and base64. */
static int sign(const delivery *d, const char *msg_id, long long ts, char *out, size_t n)
{
	unsigned char key[64];
	size_t klen = 0;
	const char *b64 = d->secret + sizeof SECRET_PREFIX - 1;
	if (strncmp(d->secret, SECRET_PREFIX, sizeof SECRET_PREFIX - 1) ||
	    sodium_base642bin(key, sizeof key, b64, strlen(b64), NULL, &klen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return oa_error(OFFERAPI_ERROR, "webhook: the endpoint's secret is damaged");
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char head[64];
	int hl = snprintf(head, sizeof head, "%s.%lld.", msg_id, ts);
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)head, (unsigned long long)hl);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)d->body, strlen(d->body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof key);
	memcpy(out, "v1,", 3);
	sodium_bin2base64(out + 3, n - 3, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

/* POST @d: the HTTP status (0 with @err when none came). */
static long post(const offerapi_webhook_sender *ws, const delivery *d, char *err, size_t errn)
{
	char msg_id[32], sig[128], h_id[64], h_ts[64], h_sig[160];
	snprintf(msg_id, sizeof msg_id, "msg_%lld", (long long)d->id);
	long long ts = (long long)oa_now();
	if (sign(d, msg_id, ts, sig, sizeof sig) < 0) {
		snprintf(err, errn, "%s", offerapi_error_last()->message);
		return 0;
	}
	snprintf(h_id, sizeof h_id, "webhook-id: %s", msg_id);
	snprintf(h_ts, sizeof h_ts, "webhook-timestamp: %lld", ts);
	snprintf(h_sig, sizeof h_sig, "webhook-signature: %s", sig);
	if (oa_curl_init() < 0) {
		snprintf(err, errn, "%s", offerapi_error_last()->message);
		return 0;
	}
	CURL *c = oa_curl.easy_init();
	struct curl_slist *h = NULL, *t;
	const char *const lines[] = { "Content-Type: application/json",
		                      "User-Agent: offerapi-webhooks",
		                      "Expect:",
		                      h_id,
		                      h_ts,
		                      h_sig };
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		if (!(t = oa_curl.slist_append(h, lines[i])))
			break;
		h = t;
	}
	if (!c || !h) {
		oa_curl.slist_free_all(h);
		oa_curl.easy_cleanup(c);
		snprintf(err, errn, "out of memory");
		return 0;
	}
	post_ctx pc = { .allow_private = ws->o.allow_private };
	char cerr[CURL_ERROR_SIZE] = "";
	oa_curl.easy_setopt(c, CURLOPT_URL, d->url);
	oa_curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	oa_curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	oa_curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	oa_curl.easy_setopt(c, CURLOPT_TIMEOUT, (long)ws->o.timeout_s);
	oa_curl.easy_setopt(c, CURLOPT_HTTPHEADER, h);
	oa_curl.easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
	oa_curl.easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	oa_curl.easy_setopt(c, CURLOPT_OPENSOCKETDATA, &pc);
	oa_curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, drop_answer);
	oa_curl.easy_setopt(c, CURLOPT_WRITEDATA, &pc);
	oa_curl.easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	CURLcode cc = oa_curl.easy_perform(c);
	long status = 0;
	oa_curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (pc.refused)
		snprintf(err, errn,
		         "the address is not public (loopback, private or reserved):"
		         " refused");
	else if (cc != CURLE_OK && cc != CURLE_WRITE_ERROR)
		snprintf(err, errn, "%s", cerr[0] ? cerr : oa_curl.easy_strerror(cc));
	else if (status < 200 || status > 299)
		snprintf(err, errn, "the receiver answered %ld", status);
	oa_curl.slist_free_all(h);
	oa_curl.easy_cleanup(c);
	return pc.refused ? 0 : status;
}

/* Record the outcome of @d's attempt. */
static void record(offerapi_webhook_sender *ws, const delivery *d, long status, const char *err)
{
	int64_t now = oa_now_ms();
	char kept[ERROR_KEPT_MAX + 1];
	int rc;
	if (!err[0]) {
		rc = jobs_queue_write(
			ws->store,
			"UPDATE webhook_deliveries SET state = 2, last_status = $3,"
			" last_error = NULL, finished_ms = $4, claimed_until_ms = NULL,"
			" claim_token = NULL WHERE id = $1 AND claim_token = $2",
			(db_param[]){ P_INT(d->id), P_INT(d->token), P_INT(status), P_INT(now) }, 4,
			NULL);
	} else {
		jobs_error_text(kept, sizeof kept, err);
		db_param st = status ? P_INT(status) : P_NULL();
		/* a lost claim (1) is not an error here: the row is another's */
		rc = jobs_queue_fail(
			ws->store,
			"UPDATE webhook_deliveries SET state = CASE WHEN attempts >= $3 THEN 3 ELSE 0"
			" END, run_after_ms = $4, last_status = $7, last_error = $5,"
			" finished_ms = CASE WHEN attempts >= $3 THEN $6 ELSE NULL END,"
			" claimed_until_ms = NULL, claim_token = NULL"
			" WHERE id = $1 AND claim_token = $2 RETURNING state",
			&(queue_failure){ d->id, d->token, d->attempt, kept, &st }, &ws->o.jobs,
			NULL, NULL);
		oa_log(OFFERAPI_LOG_WARNING, "webhook delivery %lld (%s) attempt %u: %s",
		       (long long)d->id, d->event, d->attempt, kept);
	}
	if (rc < 0)
		oa_log(OFFERAPI_LOG_WARNING,
		       "webhook delivery %lld: its outcome was not recorded (it will be sent again):"
		       " %s",
		       (long long)d->id, offerapi_error_last()->message);
}

static void *sender_main(void *arg)
{
	offerapi_webhook_sender *ws = arg;
	unsigned errors = 0;
	while (!atomic_load(&ws->stop)) {
		uint64_t seq = store_jobs_seq(ws->store);
		delivery d = { 0 };
		int got = claim(ws->store, &ws->o.jobs, &d);
		if (got > 0) {
			char err[CURL_ERROR_SIZE + 128] = "";
			long status = post(ws, &d, err, sizeof err);
			record(ws, &d, status, err);
			delivery_free(&d);
			errors = 0;
			continue;
		}
		if (got < 0 && errors == 0)
			oa_log(OFFERAPI_LOG_WARNING, "webhook sender: cannot claim: %s",
			       offerapi_error_last()->message);
		errors = got < 0 ? errors + (errors < 10) : 0;
		store_jobs_wait(ws->store, seq, &ws->stop, ws->o.poll_ms * (errors ? errors : 1));
	}
	return NULL;
}

int offerapi_webhook_sender_start(offerapi_webhook_sender **out, offerapi_store *s,
                                  const offerapi_webhook_sender_options *opts)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "webhook sender: no output");
	*out = NULL;
	if (!s || !opts)
		return oa_error(OFFERAPI_EINVAL, "webhook sender: no store or no options");
	if (opts->version < 1 || opts->version > OFFERAPI_WEBHOOK_SENDER_OPTIONS_VERSION)
		return oa_error(OFFERAPI_EINVAL, "webhook sender: options version %u unknown",
		                opts->version);
	offerapi_webhook_sender_options o = *opts;
	if (o.threads > 16 || o.timeout_s > 300 || o.poll_ms > 60000)
		return oa_error(OFFERAPI_EINVAL,
		                "webhook sender: threads (at most 16), timeout_s"
		                " (at most 300) or poll_ms (at most 60000) too high");
	if (!o.jobs.max_attempts)
		o.jobs.max_attempts = ATTEMPTS_DEFAULT;
	if (!o.jobs.lease_s)
		o.jobs.lease_s = LEASE_DEFAULT_S;
	if (!o.jobs.backoff_base_ms)
		o.jobs.backoff_base_ms = BACKOFF_BASE_DEFAULT_MS;
	if (!o.jobs.backoff_max_ms)
		o.jobs.backoff_max_ms = o.jobs.backoff_base_ms > BACKOFF_MAX_DEFAULT_MS
		                                ? o.jobs.backoff_base_ms
		                                : BACKOFF_MAX_DEFAULT_MS;
	offerapi_job_options given = o.jobs; /* jobs_options() starts by clearing its output */
	int rc = jobs_options(&o.jobs, &given);
	if (rc < 0)
		return rc;
	o.threads = o.threads ? o.threads : 1;
	o.timeout_s = o.timeout_s ? o.timeout_s : TIMEOUT_DEFAULT_S;
	o.poll_ms = o.poll_ms ? o.poll_ms : POLL_DEFAULT_MS;
	if (o.jobs.lease_s <= o.timeout_s)
		return oa_error(OFFERAPI_EINVAL,
		                "webhook sender: the lease (%u s) must outlast a"
		                " request's timeout (%u s)",
		                o.jobs.lease_s, o.timeout_s);
	offerapi_webhook_sender *ws = calloc(1, sizeof *ws);
	if (!ws || !(ws->threads = calloc(o.threads, sizeof *ws->threads))) {
		free(ws);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	ws->store = s;
	ws->o = o;
	for (unsigned i = 0; i < o.threads; i++) {
		if (pthread_create(&ws->threads[i], NULL, sender_main, ws) != 0) {
			offerapi_webhook_sender_free(ws);
			return oa_error(OFFERAPI_ERROR, "webhook sender: cannot start thread %u",
			                i + 1);
		}
		ws->started++;
	}
	*out = ws;
	return 0;
}

void offerapi_webhook_sender_free(offerapi_webhook_sender *ws)
{
	if (!ws)
		return;
	atomic_store(&ws->stop, true);
	store_jobs_wake(ws->store);
	for (unsigned i = 0; i < ws->started; i++)
		pthread_join(ws->threads[i], NULL);
	free(ws->threads);
	free(ws);
}
