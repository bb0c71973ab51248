/* Built for another ABI number: refused. */
#include "bad-common.h"
BAD_DESCRIPTOR("bad-abi", .abi_version = 2)
OFFERAPI_SCORER_DEFINE(descriptor)
