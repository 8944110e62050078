/*
 * fuzz_onaccess_reply.c -- libFuzzer target for vigil-onaccess's reader
 * of vigild's replies (src/onaccess/vscan.c): any input is a verdict; a
 * detection's name or an error's reason is a C string within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char what[64];
	enum vscan_result r;

	memset(what, 'x', sizeof(what));
	r = vscan_reply((const char *)data, size, what, sizeof(what));
	if (r != VSCAN_CLEAN && !memchr(what, '\0', sizeof(what)))
		abort(); /* a name or a reason not terminated */
	if (r == VSCAN_FOUND && !what[0])
		abort(); /* a detection without a name */
	return 0;
}
