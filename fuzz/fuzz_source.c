/*
 * fuzz_source.c -- libFuzzer target for one signature-source parser: the
 * input is loaded as a file named FUZZ_NAME (the extension picks the
 * parser); if it compiles, the input is also scanned with it, which runs
 * the matcher and the verifier on patterns the fuzzer made up.
 */
#include <stddef.h>
#include <stdint.h>

#include "vigil/vigil.h"

#ifndef FUZZ_NAME
#error "build with -DFUZZ_NAME=\"x.ndb\" or another extension"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_engine_options o = { sizeof(o), 0, NULL, NULL, NULL,
					  NULL, NULL };
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_engine *e = NULL;
	struct vigil_scanner *s = NULL;

	if (vigil_engine_new(&e, &o) < 0)
		return 0;
	if (vigil_engine_load_memory(e, FUZZ_NAME, data, size) == 0 &&
	    vigil_engine_compile(e) == 0 &&
	    vigil_scanner_new(&s, e, NULL) == 0) {
		vigil_scanner_scan_buffer(s, data, size, &r);
		vigil_scanner_free(s);
	}
	vigil_engine_free(e);
	return 0;
}
