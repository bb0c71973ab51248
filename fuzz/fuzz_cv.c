/*
 * fuzz_cv.c - libFuzzer target for the PDF parser reached from outside:
 * offerapi_cv_extract() on arbitrary bytes. It must never crash, leak or
 * hang, and on success must give valid UTF-8 of the length it claims.
 *
 * Build with -Dfuzz=true (clang, libFuzzer) and run:
 *   build-fuzz/fuzz/fuzz-cv -max_len=65536 build-fuzz/tests/cv/
 * Without libFuzzer, fuzz/replay.c drives the same function over files and
 * deterministic mutations of them (a test in every build).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <offerapi/offerapi.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	offerapi_cv_limits lim = OFFERAPI_CV_LIMITS_INIT;
	lim.max_pages = 8; /* keep each run short */
	lim.max_text = 64 * 1024;
	char *text = NULL;
	size_t len = 0;
	int rc = offerapi_cv_extract(&text, &len, data, size, &lim);
	if (rc == 0) {
		if (!text || strlen(text) != len || len > lim.max_text || !oa_utf8_valid(text, len))
			abort();
	} else if (text || !offerapi_error_last()->message[0] ||
	           offerapi_error_last()->code != rc) {
		abort();
	}
	offerapi_free(text);
	return 0;
}
