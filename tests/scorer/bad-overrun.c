/* Writes 8 bytes past the explanation buffer: caught by the guard. */
#include "bad-common.h"
static int overrun_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                         size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)in;
	(void)err;
	(void)errsz;
	memset(expl, 0x78, explsz + 8);
	expl[explsz - 1] = 0;
	*out_score = 0.5;
	return 0;
}
BAD_DESCRIPTOR("bad-overrun", .score = overrun_score)
OFFERAPI_SCORER_DEFINE(descriptor)
