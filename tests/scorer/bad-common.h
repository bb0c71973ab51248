/*
 * bad-common.h - pieces shared by the deliberately broken plugins that prove
 * each refusal and each contract check of the loader. Each bad-*.c breaks
 * exactly one rule.
 */
#ifndef BAD_COMMON_H
#define BAD_COMMON_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "offerapi/scorer.h"

static int ok_create(void **out, const offerapi_host_v1 *host, const char *const *kv, char *err,
                     size_t errsz)
{
	(void)host;
	(void)kv;
	(void)err;
	(void)errsz;
	*out = NULL;
	return 0;
}

static int ok_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                    size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)in;
	(void)expl;
	(void)explsz;
	(void)err;
	(void)errsz;
	*out_score = 0.5;
	return 0;
}

static void ok_destroy(void *self)
{
	(void)self;
}

#define BAD_DESCRIPTOR(NAME, ...)                                                                  \
	static const offerapi_scorer_v1 descriptor = {                                             \
		.abi_version = OFFERAPI_SCORER_ABI,                                                \
		.struct_size = sizeof(offerapi_scorer_v1),                                         \
		.name = NAME,                                                                      \
		.version = "0.0.1",                                                                \
		.description = "a deliberately broken plugin (tests)",                             \
		.flags = OFFERAPI_SCORER_THREADSAFE,                                               \
		.create = ok_create,                                                               \
		.score = ok_score,                                                                 \
		.destroy = ok_destroy,                                                             \
		__VA_ARGS__                                                                        \
	};

#endif
