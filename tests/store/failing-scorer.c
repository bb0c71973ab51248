/*
 * failing-scorer.c - a scorer that always fails with a message, to prove
 * that a failing scorer stores nothing and loses no application.
 */
#include <stdio.h>

#include <offerapi/scorer.h>

static int fail_create(void **out, const offerapi_host_v1 *host, const char *const *kv, char *err,
                       size_t errsz)
{
	(void)host;
	(void)kv;
	(void)err;
	(void)errsz;
	*out = NULL;
	return 0;
}

static int fail_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                      size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)in;
	(void)expl;
	(void)explsz;
	*out_score = 0.0;
	snprintf(err, errsz, "the model is out to lunch");
	return -1;
}

static void fail_destroy(void *self)
{
	(void)self;
}

static const offerapi_scorer_v1 descriptor = {
	.abi_version = OFFERAPI_SCORER_ABI,
	.struct_size = sizeof(offerapi_scorer_v1),
	.name = "always-fails",
	.version = "1",
	.description = "fails every time (tests)",
	.flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC,
	.create = fail_create,
	.score = fail_score,
	.destroy = fail_destroy,
};

OFFERAPI_SCORER_DEFINE(descriptor)
