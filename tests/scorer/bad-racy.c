/* Claims THREADSAFE but keeps unsynchronised state: its scores depend on
 * interleaving, which the checker's determinism + thread check catches. */
#include "bad-common.h"
static double last;
static int racy_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                      size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)expl;
	(void)explsz;
	(void)err;
	(void)errsz;
	/* deliberately racy: the score of one call leaks into the next */
	last = last * 0.5 + (double)(in->cv_len % 7) / 14.0;
	*out_score = last;
	return 0;
}
BAD_DESCRIPTOR("bad-racy", .score = racy_score,
               .flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC)
OFFERAPI_SCORER_DEFINE(descriptor)
