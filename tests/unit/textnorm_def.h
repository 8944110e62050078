/*
 * textnorm_def.h -- the text normaliser's definition written out byte by
 * byte, for test_textnorm.c and fuzz/fuzz_textnorm.c to hold
 * core/textnorm.c's blocks to: letters lowered, a run of white space one
 * space, control bytes and bytes over 0x7f dropped (a run of spaces goes
 * on past them).
 */
#ifndef VIGIL_TESTS_TEXTNORM_DEF_H
#define VIGIL_TESTS_TEXTNORM_DEF_H

#include <stddef.h>
#include <stdint.h>

static inline size_t textnorm_definition(const uint8_t *in, size_t len,
					 uint8_t *out)
{
	size_t o = 0;
	int space = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = in[i];

		if ((c >= 9 && c <= 13) || c == ' ') {
			if (!space)
				out[o++] = ' ';
			space = 1;
			continue;
		}
		if (c < 32 || c > 127)
			continue; /* dropped: a space run goes on past it */
		out[o++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
		space = 0;
	}
	return o;
}

#endif
