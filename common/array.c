/* array.c - growing arrays by doubling (oacommon.h). */
#include <stdint.h>
#include <stdlib.h>

#include "oacommon.h"

void *oa_grow(void *p, size_t *cap, size_t need, size_t elem, size_t first)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : first;
	if (n == 0 || elem == 0)
		return NULL;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return NULL;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return NULL;
	void *grown = realloc(p, n * elem);
	if (grown)
		*cap = n;
	return grown;
}
