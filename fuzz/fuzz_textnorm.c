/*
 * fuzz_textnorm.c -- libFuzzer target for the text normaliser
 * (core/textnorm.c): on any bytes, its blocks of 16 (SSE2) and of 64
 * (AVX-512, where the processor has it) give what its definition gives,
 * written out here byte by byte: letters lowered, a run of white space one
 * space, control bytes and bytes over 0x7f dropped (a run of spaces goes
 * on past them). The output is never longer than the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/textnorm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t definition(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t o = 0;
	int space = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = in[i];

		if ((c >= 9 && c <= 13) || c == ' ') {
			if (!space)
				out[o++] = ' ';
			space = 1;
		} else if (c >= 32 && c <= 127) {
			out[o++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
			space = 0;
		}
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *got = malloc(size + 1), *want = malloc(size + 1);
	size_t n, m;

	if (!got || !want)
		abort();
	n = textnorm(data, size, got);
	m = definition(data, size, want);
	if (n != m || n > size || (n && memcmp(got, want, n)))
		abort();
	free(got);
	free(want);
	return 0;
}
