/*
 * textnorm.c -- the text normaliser: ASCII letters lowered, runs of
 * whitespace made one space, control bytes and bytes above 0x7f dropped.
 * Output is never longer than input, so the caller sizes the output buffer
 * to the input. The table gives each byte's output (0: dropped); the loop
 * writes unconditionally and advances conditionally, without branches on
 * the data; sixteen bytes of plain text go at once (norm16.h), and the
 * table takes a block that needs it.
 */
#include "core/textnorm.h"

#include "core/norm16.h"

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

/* One byte the table's way; *space: the last byte out was a space. */
static size_t one(uint8_t c, uint8_t *out, size_t o, unsigned *space)
{
	uint8_t v = map[c];
	unsigned sp = v == ' ';

	out[o] = v;
	o += v && !(sp & *space);
	*space = v ? sp : *space;
	return o;
}

size_t textnorm(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0;
	unsigned space = 0;

#ifdef __SSE2__
	while (i + 16 <= len) {
		size_t k;

		if (norm16(in + i, out + o, &space)) {
			i += 16;
			o += 16;
			continue;
		}
		for (k = 0; k < 16; k++)
			o = one(in[i + k], out, o, &space);
		i += 16;
	}
#endif
	for (; i < len; i++)
		o = one(in[i], out, o, &space);
	return o;
}
