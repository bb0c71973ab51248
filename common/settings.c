/*
 * settings.c - a plugin's key/value settings applied from a table
 * (oacommon.h), so that every plugin parses, bounds and refuses them the
 * same way, with messages that name the key and the value.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <offerapi/scorer.h>

#include "oacommon.h"

static int fail(char *err, size_t errsz, const oa_setting *s, const char *v, const char *what)
{
	snprintf(err, errsz, "%s: '%.*s' %s", s->key, oa_utf8_fit(v, 100), v, what);
	return -1;
}

static int set_real(const oa_setting *s, char *field, const char *v, char *err, size_t errsz)
{
	char *end, what[96];
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d) || d < s->min || d > s->max) {
		snprintf(what, sizeof what, "is not a number in [%g, %g]", s->min, s->max);
		return fail(err, errsz, s, v, what);
	}
	memcpy(field, &d, sizeof d);
	return 0;
}

static int set_count(const oa_setting *s, char *field, const char *v, char *err, size_t errsz)
{
	char *end, what[96];
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || *v == '+' || n < s->lo || n > s->hi) {
		snprintf(what, sizeof what, "is not in %llu..%llu", s->lo, s->hi);
		return fail(err, errsz, s, v, what);
	}
	if (s->size == sizeof(uint32_t)) {
		uint32_t u = (uint32_t)n;
		memcpy(field, &u, sizeof u);
	} else {
		uint64_t u = (uint64_t)n;
		memcpy(field, &u, sizeof u);
	}
	return 0;
}

static int set_text(const oa_setting *s, char *field, const char *v, char *err, size_t errsz)
{
	size_t n = strlen(v);
	if (n < s->lo || n > s->hi) {
		char what[96];
		snprintf(what, sizeof what, "must be %llu to %llu bytes long", s->lo, s->hi);
		return fail(err, errsz, s, v, what);
	}
	memcpy(field, &v, sizeof v);
	return 0;
}

static int set_choice(const oa_setting *s, char *field, const char *v, char *err, size_t errsz)
{
	char what[160] = "is not one of";
	for (int i = 0; s->choices[i]; i++) {
		if (!strcmp(v, s->choices[i])) {
			memcpy(field, &i, sizeof i);
			return 0;
		}
		size_t used = strlen(what);
		snprintf(what + used, sizeof what - used, "%s %s", i ? "," : "", s->choices[i]);
	}
	return fail(err, errsz, s, v, what);
}

static int set_one(const oa_setting *s, void *state, const char *v, char *err, size_t errsz)
{
	char *field = (char *)state + s->offset;
	switch (s->kind) {
	case OA_SETTING_REAL: return set_real(s, field, v, err, errsz);
	case OA_SETTING_COUNT: return set_count(s, field, v, err, errsz);
	case OA_SETTING_TEXT: return set_text(s, field, v, err, errsz);
	case OA_SETTING_CHOICE: return set_choice(s, field, v, err, errsz);
	case OA_SETTING_BOOL: {
		bool yes = !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes");
		bool no = !strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no");
		if (!yes && !no)
			return fail(err, errsz, s, v, "is not 1 or 0 (true/false, yes/no)");
		memcpy(field, &yes, sizeof yes);
		return 0;
	}
	case OA_SETTING_REFUSE:
	default: snprintf(err, errsz, "%s: %s", s->key, s->reason); return -1;
	}
}

static void unknown(const offerapi_host_v1 *host, const char *key)
{
	if (host && host->log) {
		char msg[160];
		snprintf(msg, sizeof msg, "unknown setting '%.*s' ignored", oa_utf8_fit(key, 64),
		         key);
		host->log(host, OFFERAPI_SCORER_LOG_WARNING, msg);
	}
}

int oa_settings_apply(const oa_setting *table, size_t n, void *state, const char *const *kv,
                      const offerapi_host_v1 *host, char *err, size_t errsz)
{
	for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
		const oa_setting *s = NULL;
		for (size_t k = 0; k < n && !s; k++)
			if (!strcmp(table[k].key, kv[i]))
				s = &table[k];
		if (!s)
			unknown(host, kv[i]);
		else if (set_one(s, state, kv[i + 1], err, errsz) < 0) {
			return -1;
		}
	}
	return 0;
}
