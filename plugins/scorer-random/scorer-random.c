/*
 * scorer-random - uniform random scores in [low, high), like
 * numpy.random.uniform(low, high): the simulation the original service
 * shipped, kept as the default scorer.
 *
 * By default a score is a pure function of (seed, application id), so a
 * dashboard shows the same ranking on every reload and after a restart.
 * `fresh=1` draws a new number on every call instead.
 *
 * Settings (OFFERAPI_SCORER_RANDOM_<KEY>):
 *   low   lower bound, included (default 0)
 *   high  upper bound, excluded (default 1); 0 <= low <= high <= 1
 *   seed  unsigned 64-bit integer (default 0)
 *   fresh 0 or 1 (default 0): 1 gives a fresh draw on every call
 */
/* POSIX (strdup, clock_gettime, nanosleep) also when built out of tree */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "offerapi/scorer.h"

#include "oacommon.h"

typedef struct rnd {
	double low, high;
	uint64_t seed;
	bool fresh;
	atomic_uint_least64_t counter; /* fresh mode: one step per call */
} rnd;

/* splitmix64 finaliser: a bijective mix whose output passes BigCrush; good
 * enough to turn (seed, id) into an unbiased 64-bit draw. */
static uint64_t mix64(uint64_t z)
{
	z += 0x9E3779B97F4A7C15u;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* FNV-1a over bytes, used only when the application has no id yet. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001B3u;
	}
	return h;
}

static const oa_setting settings[] = {
	{ .key = "low", .kind = OA_SETTING_REAL, .offset = offsetof(rnd, low), .max = 1.0 },
	{ .key = "high", .kind = OA_SETTING_REAL, .offset = offsetof(rnd, high), .max = 1.0 },
	{ .key = "seed",
	  .kind = OA_SETTING_COUNT,
	  .offset = offsetof(rnd, seed),
	  .size = sizeof(uint64_t),
	  .hi = UINT64_MAX },
	{ .key = "fresh", .kind = OA_SETTING_BOOL, .offset = offsetof(rnd, fresh) },
};

static int random_create(void **out, const offerapi_host_v1 *host, const char *const *kv, char *err,
                         size_t errsz)
{
	rnd *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	r->low = 0.0;
	r->high = 1.0;
	if (oa_settings_apply(settings, sizeof settings / sizeof settings[0], r, kv, host, err,
	                      errsz) < 0)
		goto fail;
	if (r->low > r->high) {
		snprintf(err, errsz, "low (%g) is above high (%g)", r->low, r->high);
		goto fail;
	}
	/* fresh draws start from the seed mixed with the clock, so two
	 * processes with the same seed still draw different sequences */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	atomic_init(&r->counter,
	            mix64(r->seed ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32)));
	*out = r;
	return 0;
fail:
	free(r);
	return -1;
}

static int random_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                        size_t explsz, char *err, size_t errsz)
{
	rnd *r = self;
	uint64_t bits;
	if (r->fresh) {
		bits = mix64(atomic_fetch_add(&r->counter, 0x9E3779B97F4A7C15u));
	} else if (in->application_id != 0) {
		bits = mix64(r->seed ^ mix64((uint64_t)in->application_id));
	} else {
		/* no id yet (a preview): derive it from what identifies the pair */
		uint64_t h = fnv1a(0xCBF29CE484222325u, &in->offer_id, sizeof in->offer_id);
		h = fnv1a(h, in->cv_text, in->cv_len);
		bits = mix64(r->seed ^ h);
	}
	/* 53 random bits -> a double uniform in [0, 1), as numpy does */
	double u = (double)(bits >> 11) * (1.0 / 9007199254740992.0);
	double s = r->low + (r->high - r->low) * u;
	if (s >= r->high && r->high > r->low) /* rounding must not reach high */
		s = nextafter(r->high, r->low);
	*out_score = s;
	snprintf(expl, explsz, "random draw in [%g, %g), %s", r->low, r->high,
	         r->fresh ? "fresh on each call" : "stable per application");
	(void)err;
	(void)errsz;
	return 0;
}

static void random_destroy(void *self)
{
	free(self);
}

static const offerapi_scorer_v1 descriptor = {
	.abi_version = OFFERAPI_SCORER_ABI,
	.struct_size = sizeof(offerapi_scorer_v1),
	.name = "random",
	.version = "1.0.0",
	.description = "uniform random scores in [low, high), stable per application "
		       "(the original's simulation)",
	/* deterministic with the default fresh=0 */
	.flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC,
	.create = random_create,
	.score = random_score,
	.destroy = random_destroy,
};

OFFERAPI_SCORER_DEFINE(descriptor)
