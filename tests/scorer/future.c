/* A plugin built against a later, larger descriptor (fields appended after
 * destroy): a version-1 host must load it and ignore what it does not know. */
#include "bad-common.h"

typedef struct future_descriptor {
	offerapi_scorer_v1 v1;
	int (*explain_more)(void *self); /* a field from the future */
	const char *homepage;
} future_descriptor;

static const future_descriptor future = {
	.v1 = {
		.abi_version = OFFERAPI_SCORER_ABI,
		.struct_size = sizeof(future_descriptor),
		.name = "future",
		.version = "2.0.0",
		.description = "a descriptor larger than version 1 (tests)",
		.flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC,
		.create = ok_create,
		.score = ok_score,
		.destroy = ok_destroy,
	},
	.explain_more = NULL,
	.homepage = "https://example.org",
};

OFFERAPI_SCORER_DEFINE(future.v1)
