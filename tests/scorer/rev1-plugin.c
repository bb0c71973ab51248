/*
 * rev1-plugin.c - a plugin built against the scorer header of ABI 1
 * revision 1 (tests/scorer/abi-rev1), which has no report: the current
 * host must load it, score with it and store its sentence as plain text.
 * Score: share of the offer's skills found in the CV (ASCII, any case).
 */
#include <ctype.h>
#include <stdio.h>

#include "offerapi/scorer.h"

/* the header really is revision 1: the input ends with application_id */
_Static_assert(sizeof(offerapi_score_input) ==
                       offsetof(offerapi_score_input, application_id) + sizeof(int64_t),
               "rev1-plugin must be built against tests/scorer/abi-rev1");

static int found(const char *hay, size_t len, const char *needle)
{
	size_t n = 0;
	while (needle[n])
		n++;
	for (size_t i = 0; n && i + n <= len; i++) {
		size_t k = 0;
		while (k < n &&
		       tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

static int rev1_create(void **out, const offerapi_host_v1 *host, const char *const *kv, char *err,
                       size_t errsz)
{
	(void)host;
	(void)kv;
	(void)err;
	(void)errsz;
	*out = NULL;
	return 0;
}

static int rev1_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                      size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)err;
	(void)errsz;
	size_t hits = 0;
	for (size_t i = 0; i < in->skill_count; i++)
		hits += (size_t)found(in->cv_text, in->cv_len, in->skills[i]);
	*out_score = in->skill_count ? (double)hits / (double)in->skill_count : 0.5;
	snprintf(expl, explsz, "%zu of %zu skills found (revision 1)", hits, in->skill_count);
	return 0;
}

static void rev1_destroy(void *self)
{
	(void)self;
}

static const offerapi_scorer_v1 descriptor = {
	.abi_version = OFFERAPI_SCORER_ABI,
	.struct_size = sizeof(offerapi_scorer_v1),
	.name = "rev1",
	.version = "1.0.0",
	.description = "a plugin built against ABI 1 revision 1 (tests)",
	.flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC,
	.create = rev1_create,
	.score = rev1_score,
	.destroy = rev1_destroy,
};

OFFERAPI_SCORER_DEFINE(descriptor)
