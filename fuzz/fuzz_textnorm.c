/*
 * fuzz_textnorm.c -- libFuzzer target for the text normaliser
 * (core/textnorm.c): on any bytes, its blocks of 16 (SSE2) and of 64
 * (AVX-512, where the processor has it) give what its definition gives
 * (tests/unit/textnorm_def.h, which the unit test holds it to as well).
 * The output is never longer than the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/textnorm.h"
#include "../tests/unit/textnorm_def.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *got = malloc(size + 1), *want = malloc(size + 1);
	size_t n, m;

	if (!got || !want)
		abort();
	n = textnorm(data, size, got);
	m = textnorm_definition(data, size, want);
	if (n != m || n > size || (n && memcmp(got, want, n)))
		abort();
	free(got);
	free(want);
	return 0;
}
