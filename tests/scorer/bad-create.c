/* create() fails (with a message): refused, message quoted. */
#include "bad-common.h"
static int failing_create(void **out, const offerapi_host_v1 *host, const char *const *kv,
                          char *err, size_t errsz)
{
	(void)out;
	(void)host;
	(void)kv;
	snprintf(err, errsz, "setting token is required");
	return -1;
}
BAD_DESCRIPTOR("bad-create", .create = failing_create)
OFFERAPI_SCORER_DEFINE(descriptor)
