/* clock.c - a monotonic clock in milliseconds (oacommon.h). */
#include <time.h>

#include "oacommon.h"

double oa_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
