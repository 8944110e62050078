/*
 * clock.c -- see clock.h. A VIGIL_TEST_NOW that is not a number is
 * ignored (the real clock is used), never read as 0.
 */
#include <stdlib.h>
#include <time.h>

#include "common/clock.h"

int64_t clock_now(void)
{
	const char *t = getenv("VIGIL_TEST_NOW");
	char *end;
	long long v;

	if (t && *t) {
		v = strtoll(t, &end, 10);
		if (!*end)
			return (int64_t)v;
	}
	return (int64_t)time(NULL);
}
