/*
 * fuzz_cvdfeed.c -- libFuzzer target for what `vigil update
 * --from-clamav` parses itself (src/update/cvdfeed.c): a mirror's .cvd
 * header (the bytes of a range request) and the client's state file; a
 * state taken is written back and must read the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cvdfeed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvdfeed_head h;
	struct cvdfeed_state s, again;
	char text[CVDFEED_STATE_MAX_BYTES];
	int n;

	cvdfeed_header(data, size, &h);
	if (cvdfeed_state_parse((const char *)data, size, &s) < 0)
		return 0;
	n = cvdfeed_state_format(&s, text, sizeof(text));
	if (n >= 0 && (cvdfeed_state_parse(text, (size_t)n, &again) < 0 ||
		       again.n != s.n ||
		       memcmp(again.db, s.db, s.n * sizeof(s.db[0]))))
		abort(); /* what was taken is written back as it was */
	return 0;
}
