/*
 * aplib.c -- see aplib.h. After a stored first byte, a bit decides
 * between a literal (0) and the three kinds of match: 1 0, a gamma-coded
 * high part of the distance (or, right after a literal, the last distance
 * again) with its low byte and a gamma-coded length, longer for far
 * distances; 1 1 0, a byte of 7 bits of distance and 1 of length (a
 * distance of 0 ends the data); 1 1 1, four bits of distance for one byte
 * (0: a zero byte).
 */
#include "formats/codec/aplib.h"

static int literal(struct aplib *a, unsigned v)
{
	if (a->dst >= a->len)
		return -1;
	a->out[a->dst++] = (uint8_t)v;
	return 0;
}

/* One match after the bits 1 0: *last, the previous distance; after_lit,
 * whether a literal came just before. 0, or -1. */
static int long_match(struct aplib *a, uint32_t *last, int after_lit)
{
	uint32_t hi = lzb_gamma(&a->s) - 1 - (uint32_t)after_lit, dist, n;

	if (!hi) {
		n = lzb_gamma(&a->s);
		dist = *last;
	} else {
		dist = ((hi - 1) << 8) + lzb_byte(&a->s);
		n = lzb_gamma(&a->s);
		n += (dist >= 0x7d00) + (dist >= 0x500) + 2 * (dist <= 0x7f);
		*last = dist;
	}
	return a->s.failed ? -1 : lz_copy(a->out, a->len, &a->dst, dist, n);
}

/* One token after the bits 1 1: a short match (7 bits of distance and
 * 1 of length; 0 ends the chunk): 0; or a byte from up to 15 back or a
 * zero, which count as literals: 2. 1 at the end, -1 if damaged. */
static int short_match(struct aplib *a, uint32_t *last)
{
	unsigned v, i;

	if (!lzb_bit(&a->s)) {
		v = lzb_byte(&a->s);
		if (!(v >> 1))
			return a->s.failed ? -1 : 1;
		*last = v >> 1;
		return lz_copy(a->out, a->len, &a->dst, *last, 2 + (v & 1));
	}
	for (v = 0, i = 0; i < 4; i++)
		v = v << 1 | lzb_bit(&a->s);
	if (v ? lz_copy(a->out, a->len, &a->dst, v, 1) : literal(a, 0))
		return -1;
	return 2;
}

int aplib_expand(struct aplib *a)
{
	uint32_t last = 0;
	int after_lit = 1, k;

	a->s.reg = 0;
	if (literal(a, lzb_byte(&a->s)) < 0)
		return -1;
	while (!a->s.failed) {
		if (!lzb_bit(&a->s)) {
			k = literal(a, lzb_byte(&a->s));
			after_lit = 1;
		} else if (!lzb_bit(&a->s)) {
			k = long_match(a, &last, after_lit);
			after_lit = 0;
		} else {
			if ((k = short_match(a, &last)) == 1)
				return 0;
			after_lit = k == 2;
		}
		if (k < 0)
			return -1;
	}
	return -1;
}

