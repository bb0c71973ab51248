/* struct_size below version 1: refused. */
#include "bad-common.h"
BAD_DESCRIPTOR("bad-size", .struct_size = 16)
OFFERAPI_SCORER_DEFINE(descriptor)
