/* hash.c - FNV-1a, 64 bits (oacommon.h). */
#include "oacommon.h"

uint64_t oa_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001B3u; /* the 64-bit FNV prime */
	}
	return h;
}
