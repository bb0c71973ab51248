/*
 * scorer-minimal - the smallest complete scorer plugin, to copy from.
 *
 * Score = share of the offer's skills that appear in the CV text (ASCII
 * case-insensitive substring match); 0.5 when the offer lists no skills.
 * Each skill found or missing is also reported as data (in->report), so a
 * host shows it in its reader's language.
 * Stateless, so it is thread-safe and deterministic. Build:
 *
 *   cc -std=c11 -shared -fPIC -fvisibility=hidden \
 *      $(pkg-config --cflags offerapi) scorer-minimal.c -o scorer-minimal.so
 *   offerapi-scorer-check ./scorer-minimal.so
 */
#include <ctype.h>
#include <stdio.h>

#include <offerapi/scorer.h>

/* Does @p needle occur in the @p len bytes at @p hay, ignoring ASCII case?
 * The CV text is not NUL-terminated and may hold any bytes: use len. */
static int contains(const char *hay, size_t len, const char *needle)
{
	size_t n = 0;
	while (needle[n])
		n++;
	if (n == 0 || n > len)
		return 0;
	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;
		while (k < n &&
		       tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

/* No state and no settings, so kv is ignored. A plugin with settings
 * parses kv here, fails on bad values with a message in err, and warns
 * about unknown keys through host->log. */
static int minimal_create(void **out, const offerapi_host_v1 *host, const char *const *kv,
                          char *err, size_t errsz)
{
	(void)host;
	(void)kv;
	(void)err;
	(void)errsz;
	*out = NULL;
	return 0;
}

static int minimal_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                         size_t explsz, char *err, size_t errsz)
{
	(void)self;
	(void)err;
	(void)errsz;
	if (in->skill_count == 0) {
		*out_score = 0.5;
		snprintf(expl, explsz, "the offer lists no skills");
		return 0;
	}
	/* A host of ABI 1 revision 2 or later may collect the details as data
	 * (shown in its reader's language); an older host has no such field. */
	offerapi_score_report *report = OFFERAPI_SCORER_HAS_FIELD(in, offerapi_score_input, report)
	                                        ? in->report
	                                        : NULL;
	size_t found = 0;
	for (size_t i = 0; i < in->skill_count; i++) {
		int hit = contains(in->cv_text, in->cv_len, in->skills[i]);
		found += (size_t)hit;
		if (report)
			report->skill(report, i, hit ? 1.0 : 0.0);
	}
	*out_score = (double)found / (double)in->skill_count;
	/* snprintf truncates safely; the explanation is ASCII here, so no
	 * UTF-8 sequence can be cut in half */
	snprintf(expl, explsz, "%zu of %zu skills found", found, in->skill_count);
	return 0;
}

static void minimal_destroy(void *self)
{
	(void)self;
}

static const offerapi_scorer_v1 descriptor = {
	.abi_version = OFFERAPI_SCORER_ABI,
	.struct_size = sizeof(offerapi_scorer_v1),
	.name = "minimal",
	.version = "1.0.0",
	.description = "share of the offer's skills found in the CV (example plugin)",
	.flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC,
	.create = minimal_create,
	.score = minimal_score,
	.destroy = minimal_destroy,
};

OFFERAPI_SCORER_DEFINE(descriptor)
