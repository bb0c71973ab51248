/* Reports details that break the report's contract (a skill index out of
 * range, a credit above 1, a sub-score name with a capital, a NaN, a ninth
 * sub-score) next to valid ones: the host keeps the valid ones and the
 * score, and counts each bad one as a contract violation. */
#include "bad-common.h"

static int report_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                        size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)err;
	(void)errsz;
	*out_score = 0.5;
	snprintf(expl, explsz, "half");
	if (!OFFERAPI_SCORER_HAS_FIELD(in, offerapi_score_input, report) || !in->report)
		return 0;
	offerapi_score_report *r = in->report;
	if (in->skill_count)
		r->skill(r, 0, 1.0);
	r->skill(r, in->skill_count, 1.0); /* no such skill */
	if (in->skill_count)
		r->skill(r, 0, 1.5); /* credit above 1 */
	r->subscore(r, "Text", 0.5); /* a capital */
	r->subscore(r, "nan", NAN);
	char name[8];
	for (int i = 0; i < 9; i++) { /* the ninth is one too many */
		snprintf(name, sizeof name, "part%d", i);
		r->subscore(r, name, 0.25);
	}
	return 0;
}

BAD_DESCRIPTOR("bad-report", .score = report_score)
OFFERAPI_SCORER_DEFINE(descriptor)
