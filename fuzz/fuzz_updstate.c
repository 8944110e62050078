/*
 * fuzz_updstate.c -- libFuzzer target for the update state file
 * (common/updstate.h): whatever parses must format and parse back to the
 * same state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/updstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct updstate a, b;
	char text[UPDSTATE_MAX_BYTES];
	int n;

	if (size > UPDSTATE_MAX_BYTES ||
	    updstate_parse((const char *)data, size, &a) < 0)
		return 0;
	if ((n = updstate_format(&a, text, sizeof(text))) < 0)
		return 0;
	if (updstate_parse(text, (size_t)n, &b) < 0 ||
	    memcmp(&a, &b, sizeof(a)))
		abort();
	return 0;
}
