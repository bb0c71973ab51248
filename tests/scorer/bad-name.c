/* A name outside [a-z0-9-]: refused. */
#include "bad-common.h"
BAD_DESCRIPTOR("Bad_Name")
OFFERAPI_SCORER_DEFINE(descriptor)
