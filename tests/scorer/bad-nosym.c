/* No offerapi_scorer_entry (a typo in the name): refused. */
#include "bad-common.h"
BAD_DESCRIPTOR("bad-nosym")
OFFERAPI_SCORER_EXPORT const offerapi_scorer_v1 *offerapi_scorer_entri(void);
OFFERAPI_SCORER_EXPORT const offerapi_scorer_v1 *offerapi_scorer_entri(void)
{
	return &descriptor;
}
