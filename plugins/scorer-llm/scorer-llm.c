/*
 * scorer-llm - scores with embeddings from an OpenAI-compatible endpoint
 * (POST {url}/v1/embeddings, as served by Ollama, llama.cpp's server, vLLM,
 * text-embeddings-inference and OpenAI).
 *
 * Score = (cosine(offer embedding, CV embedding) + 1) / 2, clamped to [0, 1].
 * The offer's embedding is cached (key: offer id + a hash of the text sent),
 * so scoring N CVs for one offer costs N requests of one input each.
 *
 * Settings (OFFERAPI_SCORER_LLM_<KEY>):
 *   url              required: base URL ("http://127.0.0.1:11434"); the path
 *                    /v1/embeddings is appended unless the URL already ends
 *                    in /embeddings
 *   model            model name sent in the request (default
 *                    "text-embedding-3-small")
 *   api_key_env      name of the environment variable holding the API key,
 *                    sent as "Authorization: Bearer KEY"; the key itself is
 *                    never a setting and never logged (default: no key)
 *   timeout_ms       time allowed for one HTTP request (default 10000)
 *   max_chars        characters of each text sent, cut at a character
 *                    boundary (default 8000)
 *   retries          extra attempts after HTTP 429 or 5xx (default 3)
 *   retry_budget_ms  no retry starts, waits included, later than this after
 *                    the first attempt (default 30000): one score takes at
 *                    most about retry_budget_ms + timeout_ms
 *   cache_size       offers whose embedding is kept (default 64)
 *
 * Thread-safe: each call takes a curl handle from a pool (keeping
 * connections alive between calls); the offer cache is under a mutex.
 * Not deterministic: it depends on a remote server.
 */
/* POSIX (strdup, clock_gettime, nanosleep) also when built out of tree */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <unistr.h>

#include "offerapi/scorer.h"

#include "oacommon.h"

#define MAX_BODY (16u << 20) /* an answer larger than this is refused */
#define MAX_DIM 65536
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 8000

typedef struct cached {
	int64_t offer_id;
	uint64_t hash; /* of the offer text sent */
	double *vec; /* NULL: free slot */
	size_t dim;
	uint64_t tick;
} cached;

typedef struct handle {
	struct handle *next;
	CURL *curl;
} handle;

typedef struct llm {
	const offerapi_host_v1 *host;
	char *endpoint; /* full URL of the embeddings endpoint, sent as
				 * given (user:password@ included) */
	char *shown; /* endpoint as messages and logs show it */
	char *model;
	char *auth; /* "Authorization: Bearer ..." or NULL: a secret */
	const char *set_url, *set_model, *set_key_env; /* borrowed during create() */
	long timeout_ms;
	size_t max_chars;
	int retries;
	long budget_ms;
	size_t cache_size;
	pthread_mutex_t lock; /* guards pool, cache, tick */
	handle *pool;
	cached *cache;
	uint64_t tick;
} llm;

/* ---- small helpers ---- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = { (time_t)(ms / 1000), (long)(fmod(ms, 1000) * 1e6) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001B3u;
	}
	return h;
}

/* A growable byte buffer. */
typedef struct buf {
	char *p;
	size_t len, cap;
	bool too_big;
} buf;

static bool buf_add(buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

/*
 * After an snprintf into a buffer that may have been too small, drop a
 * trailing character whose bytes did not all fit.
 */
static void u8_trim(char *s, size_t size)
{
	if (!s || size == 0)
		return;
	size_t n = strnlen(s, size - 1), i = n;
	while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (i - 1 + want > n)
		s[i - 1] = '\0';
}

/*
 * Make @p len bytes of untrusted text valid for JSON and the server: valid
 * UTF-8 (invalid bytes become U+FFFD), NUL and other control characters
 * except \n and \t become spaces, at most @p max_chars characters. Returns
 * false on out of memory.
 */
static bool clean_text(buf *out, const char *text, size_t len, size_t max_chars)
{
	const uint8_t *p = (const uint8_t *)text, *end = p + len;
	size_t chars = 0;
	while (p < end && chars < max_chars) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, p, (size_t)(end - p));
		if (n <= 0)
			n = 1;
		bool ok;
		if (uc == 0xFFFD && !(n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] == 0xBD))
			ok = buf_add(out, "\xEF\xBF\xBD", 3); /* invalid sequence */
		else if (uc < 0x20 && uc != '\n' && uc != '\t')
			ok = buf_add(out, " ", 1);
		else
			ok = buf_add(out, p, (size_t)n);
		if (!ok)
			return false;
		p += n;
		chars++;
	}
	return buf_add(out, "", 0);
}

static bool blank(const buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (!isspace((unsigned char)b->p[i]))
			return false;
	return true;
}

/* ---- HTTP ---- */

typedef struct response {
	buf body;
	long retry_after_ms; /* -1: no Retry-After header */
} response;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	response *r = userp;
	size_t n = size * nmemb;
	if (r->body.len + n > MAX_BODY) {
		r->body.too_big = true;
		return 0; /* makes curl fail with CURLE_WRITE_ERROR */
	}
	return buf_add(&r->body, data, n) ? n : 0;
}

/* Retry-After is either delay-seconds or an HTTP-date (RFC 9110 10.2.3). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	response *r = userp;
	size_t n = size * nmemb;
	static const char name[] = "retry-after:";
	if (n > sizeof name - 1 && !strncasecmp(data, name, sizeof name - 1)) {
		char value[128];
		size_t vlen = n - (sizeof name - 1);
		if (vlen >= sizeof value)
			vlen = sizeof value - 1;
		memcpy(value, data + sizeof name - 1, vlen);
		value[vlen] = '\0';
		char *v = value;
		while (*v == ' ' || *v == '\t')
			v++;
		char *e = v + strlen(v);
		while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
			*--e = '\0';
		char *end;
		long secs = strtol(v, &end, 10);
		if (end != v && !*end && secs >= 0) {
			r->retry_after_ms = secs > 86400 ? 86400000L : secs * 1000L;
		} else {
			time_t when = curl_getdate(v, NULL);
			if (when > 0) {
				double d = difftime(when, time(NULL));
				r->retry_after_ms = d <= 0      ? 0
				                    : d > 86400 ? 86400000L
				                                : (long)d * 1000L;
			}
		}
	}
	return n;
}

static CURL *handle_get(llm *L, handle **out)
{
	pthread_mutex_lock(&L->lock);
	handle *h = L->pool;
	if (h)
		L->pool = h->next;
	pthread_mutex_unlock(&L->lock);
	if (!h) {
		h = calloc(1, sizeof *h);
		if (h && !(h->curl = curl_easy_init())) {
			free(h);
			h = NULL;
		}
	}
	*out = h;
	return h ? h->curl : NULL;
}

static void handle_put(llm *L, handle *h)
{
	pthread_mutex_lock(&L->lock);
	h->next = L->pool;
	L->pool = h;
	pthread_mutex_unlock(&L->lock);
}

/*
 * Parse an embeddings answer for @p n inputs into @p vecs (n arrays of
 * *dim doubles, malloc'ed as one block in vecs[0]). Returns 0 or -1 with a
 * message in err.
 */
static int parse_answer(const buf *body, size_t n, double **vecs, size_t *dim, char *err,
                        size_t errsz)
{
	json_error_t jerr;
	json_t *root = json_loadb(body->p ? body->p : "", body->len, 0, &jerr);
	if (!root) {
		snprintf(err, errsz, "malformed JSON in the answer: %s (line %d, column %d)",
		         jerr.text, jerr.line, jerr.column);
		return -1;
	}
	int rc = -1;
	double *block = NULL;
	json_t *data = json_object_get(root, "data");
	if (!json_is_array(data)) {
		snprintf(err, errsz, "the answer has no \"data\" array");
		goto out;
	}
	if (json_array_size(data) != n) {
		snprintf(err, errsz, "asked for %zu embedding(s), the answer has %zu", n,
		         json_array_size(data));
		goto out;
	}
	*dim = 0;
	bool *seen = calloc(n, sizeof *seen);
	if (!seen) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(data, i);
		json_t *emb = json_object_get(item, "embedding");
		if (!json_is_array(emb) || json_array_size(emb) == 0) {
			snprintf(err, errsz, "the answer has no data[%zu].embedding array", i);
			goto out_seen;
		}
		/* servers may answer out of order: "index" says which input */
		size_t slot = i;
		json_t *index = json_object_get(item, "index");
		if (index) {
			if (!json_is_integer(index) || json_integer_value(index) < 0 ||
			    (size_t)json_integer_value(index) >= n) {
				snprintf(err, errsz, "data[%zu].index is not an input number", i);
				goto out_seen;
			}
			slot = (size_t)json_integer_value(index);
		}
		if (seen[slot]) {
			snprintf(err, errsz, "the answer has two embeddings for input %zu", slot);
			goto out_seen;
		}
		seen[slot] = true;
		size_t d = json_array_size(emb);
		if (!block) {
			if (d > MAX_DIM) {
				snprintf(err, errsz, "embedding of %zu dimensions (at most %d)", d,
				         MAX_DIM);
				goto out_seen;
			}
			*dim = d;
			block = malloc(n * d * sizeof *block);
			if (!block) {
				snprintf(err, errsz, "out of memory");
				goto out_seen;
			}
		} else if (d != *dim) {
			snprintf(err, errsz,
			         "embedding dimensions differ within one answer: %zu and %zu", *dim,
			         d);
			goto out_seen;
		}
		for (size_t k = 0; k < d; k++) {
			json_t *x = json_array_get(emb, k);
			double v = json_number_value(x);
			if (!json_is_number(x) || !isfinite(v)) {
				snprintf(err, errsz,
				         "data[%zu].embedding[%zu] is not a finite number", i, k);
				goto out_seen;
			}
			block[slot * d + k] = v;
		}
	}
	*vecs = block;
	block = NULL;
	rc = 0;
out_seen:
	free(seen);
out:
	free(block);
	json_decref(root);
	return rc;
}

/* A short, safe excerpt of an error answer: OpenAI-style error.message. */
static void error_detail(const buf *body, char *out, size_t size)
{
	out[0] = '\0';
	json_t *root = body->p ? json_loadb(body->p, body->len, 0, NULL) : NULL;
	json_t *e = root ? json_object_get(root, "error") : NULL;
	const char *msg = json_string_value(json_is_object(e) ? json_object_get(e, "message") : e);
	if (msg)
		snprintf(out, size, ": %.*s", oa_utf8_fit(msg, 150), msg);
	json_decref(root);
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
}

/*
 * Embed @p n texts in one request, retrying 429 and 5xx. On success *vecs is
 * an n x *dim block (free it). Returns 0 or -1 with a message in err.
 */
static int embed(llm *L, const char *const *texts, const size_t *lens, size_t n, double **vecs,
                 size_t *dim, char *err, size_t errsz)
{
	json_t *req = json_object();
	json_t *input = json_array();
	if (!req || !input) {
		json_decref(req);
		json_decref(input);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	json_object_set_new(req, "model", json_string(L->model));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(input, json_stringn(texts[i], lens[i]));
	/* json_stringn() refuses invalid UTF-8; clean_text() made it valid, so
	 * a missing element here means out of memory */
	bool complete = json_array_size(input) == n;
	json_object_set_new(req, "input", input);
	char *payload = complete ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!payload) {
		snprintf(err, errsz, "cannot encode the request (out of memory?)");
		return -1;
	}

	handle *h;
	CURL *c = handle_get(L, &h);
	struct curl_slist *headers = NULL;
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Accept: application/json");
	if (L->auth)
		headers = curl_slist_append(headers, L->auth);
	if (!c || !headers) {
		free(payload);
		curl_slist_free_all(headers);
		if (h)
			handle_put(L, h);
		snprintf(err, errsz, "out of memory");
		return -1;
	}

	int rc = -1;
	double start = now_ms();
	response r;
	memset(&r, 0, sizeof r);
	for (int attempt = 0;; attempt++) {
		free(r.body.p);
		memset(&r, 0, sizeof r);
		r.retry_after_ms = -1;
		char curlerr[CURL_ERROR_SIZE] = "";
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, L->endpoint);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(payload));
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "offerapi-scorer-llm/1.0");
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, L->timeout_ms);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, L->timeout_ms);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* required with threads */
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curlerr);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		CURLcode cc = curl_easy_perform(c);
		if (cc == CURLE_OPERATION_TIMEDOUT) {
			snprintf(err, errsz, "timeout: no answer from %s within %ld ms", L->shown,
			         L->timeout_ms);
			break;
		}
		if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
		    cc == CURLE_COULDNT_RESOLVE_PROXY) {
			snprintf(err, errsz, "unreachable: cannot connect to %s: %s", L->shown,
			         curlerr[0] ? curlerr : curl_easy_strerror(cc));
			break;
		}
		if (cc == CURLE_WRITE_ERROR && r.body.too_big) {
			snprintf(err, errsz, "the answer is larger than %u MiB", MAX_BODY >> 20);
			break;
		}
		if (cc != CURLE_OK) {
			snprintf(err, errsz, "request to %s failed: %s", L->shown,
			         curlerr[0] ? curlerr : curl_easy_strerror(cc));
			break;
		}
		long status = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status == 200) {
			rc = parse_answer(&r.body, n, vecs, dim, err, errsz);
			break;
		}
		char detail[200];
		error_detail(&r.body, detail, sizeof detail);
		if (status == 401 || status == 403) {
			snprintf(
				err, errsz,
				"HTTP %ld: the server refused the credentials%s (check the API key "
				"in the variable named by api_key_env)%s",
				status, L->auth ? "" : " and no key was sent", detail);
			break;
		}
		if (status != 429 && status < 500) {
			snprintf(err, errsz, "HTTP %ld from %s%s", status, L->shown, detail);
			break;
		}
		/* 429 or 5xx: wait and retry, within the count and the budget */
		double elapsed = now_ms() - start;
		double wait = r.retry_after_ms >= 0
		                      ? (double)r.retry_after_ms
		                      : (double)(BACKOFF_FIRST_MS << (attempt < 5 ? attempt : 5));
		if (r.retry_after_ms < 0 && wait > BACKOFF_MAX_MS)
			wait = BACKOFF_MAX_MS;
		if (attempt >= L->retries) {
			snprintf(err, errsz, "HTTP %ld after %d attempt(s)%s", status, attempt + 1,
			         detail);
			break;
		}
		if (elapsed + wait > (double)L->budget_ms) {
			snprintf(
				err, errsz,
				"HTTP %ld after %d attempt(s); the next retry (in %.0f ms%s) would "
				"exceed retry_budget_ms=%ld",
				status, attempt + 1, wait,
				r.retry_after_ms >= 0 ? ", from Retry-After" : "", L->budget_ms);
			break;
		}
		if (L->host && L->host->log) {
			char msg[160];
			snprintf(msg, sizeof msg, "HTTP %ld, retry %d in %.0f ms", status,
			         attempt + 1, wait);
			L->host->log(L->host, OFFERAPI_SCORER_LOG_INFO, msg);
		}
		sleep_ms(wait);
	}
	free(r.body.p);
	free(payload);
	curl_slist_free_all(headers);
	handle_put(L, h);
	return rc;
}

/* ---- offer cache ---- */

/* Copy the cached embedding of (offer_id, hash) into a new array. */
static double *cache_get(llm *L, int64_t offer_id, uint64_t hash, size_t *dim)
{
	double *copy = NULL;
	pthread_mutex_lock(&L->lock);
	for (size_t i = 0; i < L->cache_size; i++) {
		cached *e = &L->cache[i];
		if (e->vec && e->offer_id == offer_id && e->hash == hash) {
			copy = malloc(e->dim * sizeof *copy);
			if (copy) {
				memcpy(copy, e->vec, e->dim * sizeof *copy);
				*dim = e->dim;
				e->tick = ++L->tick;
			}
			break;
		}
	}
	pthread_mutex_unlock(&L->lock);
	return copy;
}

/* Keep a copy of an offer embedding, evicting the least recently used. */
static void cache_put(llm *L, int64_t offer_id, uint64_t hash, const double *vec, size_t dim)
{
	double *copy = malloc(dim * sizeof *copy);
	if (!copy)
		return; /* not cached: the next call asks again */
	memcpy(copy, vec, dim * sizeof *copy);
	pthread_mutex_lock(&L->lock);
	size_t victim = 0;
	for (size_t i = 0; i < L->cache_size; i++) {
		cached *e = &L->cache[i];
		if (e->vec && e->offer_id == offer_id) { /* same offer, new text */
			victim = i;
			break;
		}
		if (!e->vec) {
			victim = i;
			break;
		}
		if (e->tick < L->cache[victim].tick)
			victim = i;
	}
	cached *e = &L->cache[victim];
	free(e->vec);
	*e = (cached){ offer_id, hash, copy, dim, ++L->tick };
	pthread_mutex_unlock(&L->lock);
}

/* ---- the ABI ---- */

static int llm_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                     size_t explsz, char *err, size_t errsz)
{
	llm *L = self;
	buf offer = { 0 }, cv = { 0 };
	int rc = -1;
	double *vecs = NULL, *ovec = NULL;

	/* what the offer says, in one text: title, skills, description */
	buf raw = { 0 };
	bool ok = buf_add(&raw, in->offer_title, strlen(in->offer_title)) && buf_add(&raw, "\n", 1);
	for (size_t i = 0; ok && i < in->skill_count; i++)
		ok = buf_add(&raw, i ? ", " : "Skills: ", i ? 2 : 8) &&
		     buf_add(&raw, in->skills[i], strlen(in->skills[i]));
	ok = ok && buf_add(&raw, "\n", 1) &&
	     buf_add(&raw, in->offer_description, strlen(in->offer_description)) &&
	     clean_text(&offer, raw.p, raw.len, L->max_chars) &&
	     clean_text(&cv, in->cv_text, in->cv_len, L->max_chars);
	free(raw.p);
	if (!ok) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	if (blank(&cv)) {
		snprintf(err, errsz, "the CV has no text to embed");
		goto out;
	}
	if (blank(&offer)) {
		snprintf(err, errsz, "the offer has no text to embed");
		goto out;
	}

	uint64_t hash = fnv1a(0xCBF29CE484222325u, offer.p, offer.len);
	hash = fnv1a(hash, L->model, strlen(L->model));
	size_t odim = 0, dim = 0;
	ovec = cache_get(L, in->offer_id, hash, &odim);
	const double *cvec;
	if (ovec) {
		const char *t[1] = { cv.p };
		size_t l[1] = { cv.len };
		if (embed(L, t, l, 1, &vecs, &dim, err, errsz) < 0)
			goto out;
		cvec = vecs;
		if (dim != odim) {
			snprintf(
				err, errsz,
				"dimension mismatch: the offer's embedding has %zu dimensions, the "
				"CV's %zu (did the model change?)",
				odim, dim);
			goto out;
		}
	} else {
		const char *t[2] = { offer.p, cv.p };
		size_t l[2] = { offer.len, cv.len };
		if (embed(L, t, l, 2, &vecs, &dim, err, errsz) < 0)
			goto out;
		ovec = malloc(dim * sizeof *ovec);
		if (!ovec) {
			snprintf(err, errsz, "out of memory");
			goto out;
		}
		memcpy(ovec, vecs, dim * sizeof *ovec);
		odim = dim;
		cvec = vecs + dim;
		cache_put(L, in->offer_id, hash, ovec, dim);
	}

	double dot = 0, no = 0, nc = 0;
	for (size_t k = 0; k < dim; k++) {
		dot += ovec[k] * cvec[k];
		no += ovec[k] * ovec[k];
		nc += cvec[k] * cvec[k];
	}
	if (!(no > 0) || !(nc > 0)) {
		snprintf(err, errsz,
		         "the server returned a zero embedding: no direction to compare");
		goto out;
	}
	double cosine = dot / (sqrt(no) * sqrt(nc));
	double score = (cosine + 1) / 2;
	if (!(score >= 0))
		score = 0;
	if (score > 1)
		score = 1;
	*out_score = score;
	snprintf(expl, explsz, "cosine %.3f (%s, %zu dimensions)", cosine, L->model, dim);
	/* the same as data for hosts that collect it (ABI 1, revision 2): an
	 * embedding judges the whole texts, not the offer's skills one by one */
	if (OFFERAPI_SCORER_HAS_FIELD(in, offerapi_score_input, report) && in->report)
		in->report->subscore(in->report, "embedding", score);
	u8_trim(expl, explsz); /* a small explsz may split the model's name */
	rc = 0;
out:
	if (rc)
		u8_trim(err, errsz); /* a small errsz may split a character */
	free(vecs);
	free(ovec);
	free(offer.p);
	free(cv.p);
	return rc;
}

static void llm_destroy(void *self)
{
	llm *L = self;
	if (!L)
		return;
	while (L->pool) {
		handle *h = L->pool;
		L->pool = h->next;
		curl_easy_cleanup(h->curl);
		free(h);
	}
	for (size_t i = 0; L->cache && i < L->cache_size; i++)
		free(L->cache[i].vec);
	free(L->cache);
	free(L->endpoint);
	free(L->shown);
	free(L->model);
	if (L->auth) { /* a secret: do not leave it in freed memory */
		volatile char *p = L->auth;
		while (*p)
			*p++ = 0;
		free(L->auth);
	}
	pthread_mutex_destroy(&L->lock);
	free(L);
	curl_global_cleanup();
}

#define COUNT(k, field, min, max)                                                                  \
	{                                                                                          \
		.key = k, .kind = OA_SETTING_COUNT, .offset = offsetof(llm, field),                \
		.size = sizeof(((llm *)0)->field), .lo = min, .hi = max                            \
	}
#define TEXT(k, field, min)                                                                        \
	{                                                                                          \
		.key = k, .kind = OA_SETTING_TEXT, .offset = offsetof(llm, field), .lo = min,      \
		.hi = 4096                                                                         \
	}
#define SECRET(k)                                                                                  \
	{                                                                                          \
		.key = k, .kind = OA_SETTING_REFUSE,                                               \
		.reason = "give the key in an environment variable and its name in api_key_env"    \
	}

/* Every setting, bounded (common/settings.c parses and refuses them). A key
 * in plain settings is refused: it would end up in logs and process lists. */
static const oa_setting settings[] = {
	TEXT("url", set_url, 0),
	TEXT("model", set_model, 1),
	TEXT("api_key_env", set_key_env, 1),
	COUNT("timeout_ms", timeout_ms, 1, 3600000),
	COUNT("max_chars", max_chars, 1, 100000000),
	COUNT("retries", retries, 0, 20),
	COUNT("retry_budget_ms", budget_ms, 0, 3600000),
	COUNT("cache_size", cache_size, 1, 100000),
	SECRET("api_key"),
	SECRET("key"),
};

static int llm_create(void **out, const offerapi_host_v1 *host, const char *const *kv, char *err,
                      size_t errsz)
{
	/* create() never runs concurrently, so this is the safe place for
	 * curl's global init (reference counted: destroy() undoes it) */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errsz, "cannot initialise libcurl");
		return -1;
	}
	llm *L = calloc(1, sizeof *L);
	if (!L) {
		curl_global_cleanup();
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	pthread_mutex_init(&L->lock, NULL);
	L->host = host;
	L->timeout_ms = 10000;
	L->max_chars = 8000;
	L->retries = 3;
	L->budget_ms = 30000;
	L->cache_size = 64;
	L->set_model = "text-embedding-3-small";
	if (oa_settings_apply(settings, sizeof settings / sizeof settings[0], L, kv, host, err,
	                      errsz) < 0)
		goto fail;
	const char *url = L->set_url, *model = L->set_model, *key_env = L->set_key_env;
	if (!url || !*url) {
		snprintf(err, errsz,
		         "no endpoint: set OFFERAPI_SCORER_LLM_URL (setting 'url') to "
		         "the base URL of an OpenAI-compatible embeddings server");
		goto fail;
	}
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		char *shown = oa_url_redact(url);
		snprintf(err, errsz, "url: '%.*s' is not an http:// or https:// URL",
		         shown ? oa_utf8_fit(shown, 100) : 0, shown ? shown : "");
		free(shown);
		goto fail;
	}
	size_t ulen = strlen(url);
	while (ulen > 0 && url[ulen - 1] == '/')
		ulen--;
	bool has_path = ulen >= 11 && !strncmp(url + ulen - 11, "/embeddings", 11);
	L->endpoint = malloc(ulen + 16);
	L->model = strdup(model);
	L->cache = calloc(L->cache_size, sizeof *L->cache);
	if (!L->endpoint || !L->model || !L->cache) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	snprintf(L->endpoint, ulen + 16, "%.*s%s", (int)ulen, url,
	         has_path ? "" : "/v1/embeddings");
	L->shown = oa_url_redact(L->endpoint);
	if (!L->shown) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	if (key_env && *key_env) {
		const char *key = getenv(key_env);
		if (!key || !*key) {
			snprintf(err, errsz,
			         "api_key_env: the environment variable %.*s is not set",
			         oa_utf8_fit(key_env, 64), key_env);
			goto fail;
		}
		size_t n = strlen(key) + 32;
		L->auth = malloc(n);
		if (!L->auth) {
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
		snprintf(L->auth, n, "Authorization: Bearer %s", key);
	}
	if (host && host->log) {
		char msg[400];
		snprintf(msg, sizeof msg, "endpoint %.*s, model %.*s, %s",
		         oa_utf8_fit(L->shown, 200), L->shown, oa_utf8_fit(L->model, 64), L->model,
		         L->auth ? "with an API key" : "without an API key");
		host->log(host, OFFERAPI_SCORER_LOG_INFO, msg);
	}
	*out = L;
	return 0;
fail:
	u8_trim(err, errsz); /* a small errsz may split a character */
	llm_destroy(L);
	return -1;
}

static const offerapi_scorer_v1 descriptor = {
	.abi_version = OFFERAPI_SCORER_ABI,
	.struct_size = sizeof(offerapi_scorer_v1),
	.name = "llm",
	.version = "1.0.0",
	.description = "cosine similarity of offer and CV embeddings from an "
		       "OpenAI-compatible /v1/embeddings endpoint",
	.flags = OFFERAPI_SCORER_THREADSAFE,
	.create = llm_create,
	.score = llm_score,
	.destroy = llm_destroy,
};

OFFERAPI_SCORER_DEFINE(descriptor)
