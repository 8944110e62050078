/*
 * textnorm.c -- the text normaliser: ASCII letters lowered, runs of
 * whitespace made one space, control bytes and bytes above 0x7f dropped.
 * Output is never longer than input, so the caller sizes the output buffer
 * to the input. The table gives each byte's output (0: dropped); the loop
 * writes unconditionally and advances conditionally, without branches on
 * the data.
 */
#include "core/textnorm.h"

static const uint8_t map[256] = {
	  0,   0,   0,   0,   0,   0,   0,   0,   0,  32,  32,  32,
	 32,  32,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,  32,  33,  34,  35,
	 36,  37,  38,  39,  40,  41,  42,  43,  44,  45,  46,  47,
	 48,  49,  50,  51,  52,  53,  54,  55,  56,  57,  58,  59,
	 60,  61,  62,  63,  64,  97,  98,  99, 100, 101, 102, 103,
	104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
	116, 117, 118, 119, 120, 121, 122,  91,  92,  93,  94,  95,
	 96,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107,
	108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119,
	120, 121, 122, 123, 124, 125, 126, 127,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,
};

size_t textnorm(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i, o = 0;
	unsigned space = 0;

	for (i = 0; i < len; i++) {
		uint8_t v = map[in[i]];
		unsigned sp = v == ' ';

		out[o] = v;
		o += v && !(sp & space);
		space = v ? sp : space;
	}
	return o;
}
