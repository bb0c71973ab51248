/* Returns 1.5: loads, but every score is a contract violation. */
#include "bad-common.h"
static int big_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                     size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)in;
	(void)expl;
	(void)explsz;
	(void)err;
	(void)errsz;
	*out_score = 1.5;
	return 0;
}
BAD_DESCRIPTOR("bad-range", .score = big_score)
OFFERAPI_SCORER_DEFINE(descriptor)
