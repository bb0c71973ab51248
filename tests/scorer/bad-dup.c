/* A valid plugin that reuses the name of examples/scorer-minimal: refused
 * when both are loaded. */
#include "bad-common.h"
BAD_DESCRIPTOR("minimal")
OFFERAPI_SCORER_DEFINE(descriptor)
