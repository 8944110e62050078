/*
 * textnorm.c -- the text normaliser. Output is never longer than input,
 * so the caller sizes the output buffer to the input.
 */
#include "core/textnorm.h"

size_t textnorm(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i, o = 0;
	int space = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			if (!space)
				out[o++] = ' ';
			space = 1;
		} else if (c > ' ' && c < 0x80) {
			out[o++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
			space = 0;
		}
	}
	return o;
}
