/*
 * sclock.c -- the clock scan time limits are measured with: monotonic, at
 * the kernel tick's resolution (a few nanoseconds to read, so the walk,
 * the decoders and the PCRE search can look at it often).
 */
#include <time.h>

#include "core/scanner_int.h"

double scanner_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
