/* A NULL callback: refused. */
#include "bad-common.h"
BAD_DESCRIPTOR("bad-null", .score = NULL)
OFFERAPI_SCORER_DEFINE(descriptor)
