/*
 * fold.c - case and accent folding for search, with libunistring.
 */
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <unistr.h>
#include <uninorm.h>

#include "internal.h"

char *oa_fold(const char *s)
{
	size_t n = strlen(s), flen = 0;
	if (!oa_utf8_valid(s, n)) {
		oa_error(OFFERAPI_EINVAL, "text is not valid UTF-8");
		return NULL;
	}
	size_t ascii = 0;
	while (ascii < n && (unsigned char)s[ascii] < 0x80)
		ascii++;
	if (ascii == n) {
		/* ASCII: case folding is A-Z to a-z, and NFD changes nothing;
		 * what every snippet's English or French word without accents
		 * takes, at a twentieth of libunistring's cost */
		char *out = malloc(n + 1);
		if (!out) {
			oa_error(OFFERAPI_ENOMEM, "out of memory folding text");
			return NULL;
		}
		for (size_t i = 0; i <= n; i++)
			out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
		return out;
	}
	uint8_t *f = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFD, NULL, &flen);
	if (!f) {
		oa_error(OFFERAPI_ENOMEM, "out of memory folding text");
		return NULL;
	}
	char *out = malloc(flen + 1);
	if (!out) {
		free(f);
		oa_error(OFFERAPI_ENOMEM, "out of memory folding text");
		return NULL;
	}
	size_t o = 0;
	for (size_t i = 0; i < flen;) {
		ucs4_t uc;
		int len = u8_mbtouc(&uc, f + i, flen - i);
		if (len <= 0)
			break;
		if (!uc_is_general_category(uc, UC_CATEGORY_M)) {
			memcpy(out + o, f + i, (size_t)len);
			o += (size_t)len;
		}
		i += (size_t)len;
	}
	out[o] = '\0';
	free(f);
	return out;
}
