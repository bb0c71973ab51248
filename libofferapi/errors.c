/*
 * errors.c - per-thread last error, strerror, logging and small utilities.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "internal.h"

#define OA_ERRMSG_SIZE 512

static _Thread_local struct {
	int code;
	char message[OA_ERRMSG_SIZE];
	offerapi_error view;
} last_error;

/* Length of the valid UTF-8 sequence at @p s (of @p left bytes), or 0. */
static size_t utf8_seq_len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	return n <= left && oa_utf8_valid(s, n) ? n : 0;
}

/* Make @p msg one printable line of valid UTF-8, whatever was quoted into
 * it (a value from outside, a lower layer's message, a cut made by
 * vsnprintf in the middle of a character): control characters become
 * spaces and bytes that start no valid sequence become '?'. Callers put
 * messages in logs, JSON and HTML; a JSON library refuses invalid UTF-8. */
static void message_sanitize(char *msg)
{
	size_t len = strlen(msg);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)msg[i];
		if (c < 0x20 || c == 0x7F) {
			msg[i++] = ' ';
			continue;
		}
		size_t n = utf8_seq_len(msg + i, len - i);
		if (n == 0) {
			msg[i++] = '?';
			continue;
		}
		i += n;
	}
}

int oa_verror(int code, const char *fmt, va_list ap)
{
	last_error.code = code;
	vsnprintf(last_error.message, sizeof last_error.message, fmt, ap);
	message_sanitize(last_error.message);
	return code;
}

int oa_error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	oa_verror(code, fmt, ap);
	va_end(ap);
	return code;
}

const offerapi_error *offerapi_error_last(void)
{
	last_error.view.code = last_error.code;
	last_error.view.message = last_error.code == OFFERAPI_OK && !last_error.message[0]
	                                  ? "no error"
	                                  : last_error.message;
	return &last_error.view;
}

void offerapi_error_clear(void)
{
	last_error.code = OFFERAPI_OK;
	last_error.message[0] = '\0';
}

const char *offerapi_strerror(int code)
{
	switch (code) {
	case OFFERAPI_OK: return "no error";
	case OFFERAPI_ERROR: return "unexpected error";
	case OFFERAPI_ENOMEM: return "out of memory";
	case OFFERAPI_EINVAL: return "invalid input";
	case OFFERAPI_ENOTFOUND: return "not found";
	case OFFERAPI_EEXISTS: return "already exists";
	case OFFERAPI_EPERM: return "not allowed";
	case OFFERAPI_EAUTH: return "authentication failed";
	case OFFERAPI_ETOOBIG: return "too large";
	case OFFERAPI_ENOTPDF: return "not a PDF file";
	case OFFERAPI_EPDFDAMAGED: return "damaged PDF file";
	case OFFERAPI_EPDFENCRYPTED: return "encrypted PDF file";
	case OFFERAPI_ETOOMANYPAGES: return "too many pages";
	case OFFERAPI_ENOTEXT: return "no extractable text";
	case OFFERAPI_ECLOSED: return "offer closed";
	case OFFERAPI_EUNAVAILABLE: return "database unavailable";
	case OFFERAPI_EBUSY: return "database busy";
	case OFFERAPI_EREADONLY: return "database read-only";
	case OFFERAPI_EPLUGIN: return "scorer plugin error";
	case OFFERAPI_ETIMEOUT: return "timed out";
	case OFFERAPI_EPDFTOOCOMPLEX: return "PDF file too complex to read";
	case OFFERAPI_ECONFLICT: return "conflict with the current state";
	default: return "unknown error code";
	}
}

/* ---- logging ---- */

static offerapi_log_fn log_fn;
static void *log_payload;
static offerapi_log_level log_max = OFFERAPI_LOG_ERROR;

void offerapi_set_log(offerapi_log_level max_level, offerapi_log_fn fn, void *payload)
{
	log_max = max_level;
	log_payload = payload;
	log_fn = fn;
}

void oa_log(offerapi_log_level level, const char *fmt, ...)
{
	if (!log_fn || level > log_max)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_fn(level, line, log_payload);
}

/* ---- small utilities ---- */

const char *offerapi_version(void)
{
	return OFFERAPI_VERSION;
}

void offerapi_free(void *ptr)
{
	free(ptr);
}

const char *oa_name_of(const char *const *names, int n, int first, int v)
{
	return v >= first && v < n ? names[v] : NULL;
}

int oa_index_of(const char *const *names, int n, int first, const char *name)
{
	for (int i = first; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *oa_name_list(char *dst, size_t cap, const char *const *names, int n, int first)
{
	return oa_list_join(dst, cap, names + first, n > first ? (size_t)(n - first) : 0, " or ");
}

int oa_name_error(const char *field, const char *const *names, int n, int first, const char *value)
{
	char list[256];
	oa_name_list(list, sizeof list, names, n, first);
	if (!value)
		return oa_error(OFFERAPI_EINVAL, "%s: unknown value (%s)", field, list);
	return oa_error(OFFERAPI_EINVAL, "%s: \"%.*s\" unknown (%s)", field, oa_utf8_fit(value, 40),
	                value, list);
}

int oa_name_parse(const char *field, const char *const *names, int n, int first, const char *name,
                  int *out)
{
	int i = oa_index_of(names, n, first, name);
	if (i < 0)
		return oa_name_error(field, names, n, first, name ? name : "");
	*out = i;
	return 0;
}

const char *oa_bit_name(const char *const *names, int n, unsigned bit)
{
	for (int i = 0; i < n; i++)
		if (bit == 1u << i)
			return names[i];
	return NULL;
}

void oa_free_secret(char *s)
{
	if (!s)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

char *oa_strdup(const char *s)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		oa_error(OFFERAPI_ENOMEM, "out of memory");
	return d;
}

char *oa_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d) {
		oa_error(OFFERAPI_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

double oa_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Added to the wall clock by the tests (oa_test_clock_advance), never by
 * anything else; 0 in every real process. */
static _Atomic int64_t clock_offset_ms;

int64_t oa_now(void)
{
	return oa_now_ms() / 1000;
}

int64_t oa_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + clock_offset_ms;
}

int64_t oa_test_clock_advance(int64_t ms)
{
	return atomic_fetch_add(&clock_offset_ms, ms) + ms;
}

int oa_check_version(const char *what, unsigned version, unsigned max)
{
	if (version < 1 || version > max)
		return oa_error(OFFERAPI_EINVAL, "%s: version %u, this library knows 1 to %u", what,
		                version, max);
	return 0;
}

int oa_check_text(const char *field, const char *s, size_t min, size_t max, bool multiline,
                  bool optional)
{
	if (!s) {
		if (optional)
			return 0;
		return oa_error(OFFERAPI_EINVAL, "%s: missing", field);
	}
	size_t len = strlen(s);
	if (len > max)
		return oa_error(OFFERAPI_ETOOBIG, "%s: too long (%zu bytes, at most %zu)", field,
		                len, max);
	if (!oa_utf8_valid(s, len))
		return oa_error(OFFERAPI_EINVAL, "%s: not valid UTF-8 text", field);
	size_t visible = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F) {
			if (!(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
				return oa_error(OFFERAPI_EINVAL, "%s: contains a control character",
				                field);
		} else if (*p != ' ') {
			visible++;
		}
	}
	if (visible < min || len < min)
		return oa_error(OFFERAPI_EINVAL,
		                min == 1 ? "%s: must not be empty" : "%s: too short", field);
	return 0;
}
