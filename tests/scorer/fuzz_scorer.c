/*
 * fuzz_scorer.c - fuzz target: any bytes, split into an offer and a CV, go
 * through a scorer plugin (SCORER_PATH, set by meson) via the loader. A
 * plugin may report an error; a contract violation (NaN, out of range, no
 * message, overrun) or a crash is a bug, and aborts.
 *
 * Input layout: fields separated by 0x1F: title, description, skills (one
 * per line), CV text. Missing fields are empty.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offerapi/scorers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static offerapi_scorers *set;

/* A NUL-terminated copy of the next field, advancing *p past it. */
static char *field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *sep = memchr(*p, 0x1F, (size_t)(end - *p));
	size_t n = (size_t)((sep ? sep : end) - *p);
	char *s = malloc(n + 1);
	if (!s)
		abort();
	memcpy(s, *p, n);
	s[n] = '\0'; /* offer fields reach plugins NUL-terminated */
	*p = sep ? sep + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!set) {
		if (offerapi_scorers_new(&set) < 0 ||
		    offerapi_scorers_load_file(set, SCORER_PATH) < 0) {
			fprintf(stderr, "fuzz_scorer: %s\n", offerapi_error_last()->message);
			abort();
		}
	}
	const uint8_t *p = data, *end = data + size;
	char *title = field(&p, end), *desc = field(&p, end), *skills = field(&p, end);
	const char *list[64];
	size_t n = 0;
	for (char *s = skills, *nl; s && n < 64; s = nl) {
		nl = strchr(s, '\n');
		if (nl)
			*nl++ = '\0';
		list[n++] = s;
	}
	offerapi_score_input in = {
		.struct_size = sizeof in,
		.offer_id = size,
		.offer_title = title,
		.offer_description = desc,
		.skills = list,
		.skill_count = n,
		.cv_text = (const char *)p, /* the rest, not NUL-terminated */
		.cv_len = (size_t)(end - p),
		.application_id = 1,
	};
	double score;
	char expl[96];
	int rc = offerapi_scorers_score(set, 0, &in, &score, expl, sizeof expl);
	if (offerapi_scorers_violations(set, 0) > 0) {
		fprintf(stderr, "fuzz_scorer: %s\n", offerapi_error_last()->message);
		abort();
	}
	if (rc == 0 && !(score >= 0 && score <= 1))
		abort();
	free(title);
	free(desc);
	free(skills);
	return 0;
}
