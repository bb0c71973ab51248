// scorer.h must also serve plugins written in C++: this builds one.
#include <offerapi/scorer.h>

namespace
{
int create(void **out, const offerapi_host_v1 *, const char *const *, char *, size_t)
{
	*out = nullptr;
	return 0;
}
int score(void *, const offerapi_score_input *in, double *s, char *, size_t, char *, size_t)
{
	*s = in->cv_len ? 1.0 : 0.0;
	return 0;
}
void destroy(void *)
{
}
const offerapi_scorer_v1 descriptor = {
	OFFERAPI_SCORER_ABI,
	sizeof(offerapi_scorer_v1),
	"cxx",
	"1.0.0",
	"a C++ plugin (header test)",
	OFFERAPI_SCORER_THREADSAFE,
	create,
	score,
	destroy,
};
} // namespace

OFFERAPI_SCORER_DEFINE(descriptor)
