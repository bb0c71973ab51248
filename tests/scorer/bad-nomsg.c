/* Fails without a message: a contract violation. */
#include "bad-common.h"
static int silent_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                        size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)in;
	(void)out_score;
	(void)expl;
	(void)explsz;
	(void)err;
	(void)errsz;
	return -1;
}
BAD_DESCRIPTOR("bad-nomsg", .score = silent_score)
OFFERAPI_SCORER_DEFINE(descriptor)
