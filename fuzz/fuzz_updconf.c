/*
 * fuzz_updconf.c -- libFuzzer target for vigil-update's update.conf
 * (src/update/updconf.c over common/kvconf.c): any text is taken or
 * refused with a reason, never read past, and what is taken is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "updconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct updconf f;
	char err[512] = "";

	memset(&f, 0, sizeof(f));
	if (updconf_text(&f, (const char *)data, size, "fuzz", err,
			 sizeof(err)) < 0 && !err[0])
		abort(); /* a refusal always says why */
	updconf_free(&f);
	return 0;
}
