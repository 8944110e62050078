/*
 * lzbits.c -- bits eight to a byte with bytes between them, and LZ77
 * copies, for the packers' decoders.
 */
#include "formats/codec/lzbits.h"

unsigned lzb_byte(struct lzbits *s)
{
	if (s->pos >= s->len) {
		s->failed = 1;
		return 0;
	}
	return s->b[s->pos++];
}

unsigned lzb_bit(struct lzbits *s)
{
	unsigned old = s->reg;

	s->reg = (uint8_t)(old << 1);
	if (!(old & 0x7f)) {
		old = lzb_byte(s);
		s->reg = (uint8_t)(old << 1 | 1);
	}
	return old >> 7 & 1;
}

uint32_t lzb_gamma(struct lzbits *s)
{
	uint32_t v = 1;
	unsigned n = 0;

	do {
		if (++n > 30) {
			s->failed = 1;
			return 0;
		}
		v = v * 2 + lzb_bit(s);
	} while (lzb_bit(s));
	return v;
}

int lz_copy(uint8_t *b, size_t len, size_t *at, uint32_t dist, uint32_t n)
{
	size_t i = *at;

	if (!dist || i > len || dist > i || n > len - i)
		return -1;
	for (; n; n--, i++)
		b[i] = b[i - dist];
	*at = i;
	return 0;
}
