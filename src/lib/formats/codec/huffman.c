/*
 * huffman.c -- LSB-first bit reading and canonical prefix codes, shared by
 * the deflate64 and implode decoders. Codes are built from code lengths;
 * a length set that over-subscribes the code space is refused.
 */
#include "formats/codec/huffman.h"

#include <string.h>

uint32_t bits_get(struct bits *b, unsigned need)
{
	uint32_t v;

	while (b->n < need) {
		if (b->pos >= b->len) {
			b->err = 1;
			return 0;
		}
		if (b->msb)
			b->acc = b->acc << 8 | b->in[b->pos++];
		else
			b->acc |= (uint32_t)b->in[b->pos++] << b->n;
		b->n += 8;
	}
	if (b->msb) {
		b->n -= need;
		return (b->acc >> b->n) & ((1u << need) - 1);
	}
	v = need >= 32 ? b->acc : b->acc & ((1u << need) - 1);
	b->acc = need >= 32 ? 0 : b->acc >> need;
	b->n -= need;
	return v;
}

int huff_decode(struct bits *b, const struct huff *h)
{
	int code = 0, first = 0, index = 0, len;

	if (h->single >= 0)
		return h->single;
	for (len = 1; len <= HUFF_MAXBITS; len++) {
		int count;

		code |= (int)(bits_get(b, 1) ^ (uint32_t)b->invert);
		if (b->err)
			return -1;
		count = h->count[len];
		if (code - count < first)
			return h->symbol[index + (code - first)];
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	return -1;
}

int huff_construct(struct huff *h, const uint16_t *lens, int n)
{
	uint16_t offs[HUFF_MAXBITS + 1];
	int sym, len, left = 1;

	memset(h->count, 0, sizeof(h->count));
	h->single = -1;
	for (sym = 0; sym < n; sym++) {
		if (lens[sym] > HUFF_MAXBITS)
			return -1;
		h->count[lens[sym]]++;
	}
	if (h->count[0] == n)
		return 0;
	for (len = 1; len <= HUFF_MAXBITS; len++) {
		left <<= 1;
		left -= h->count[len];
		if (left < 0)
			return -1;
	}
	offs[1] = 0;
	for (len = 1; len < HUFF_MAXBITS; len++)
		offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
	for (sym = 0; sym < n; sym++)
		if (lens[sym])
			h->symbol[offs[lens[sym]]++] = (uint16_t)sym;
	return 0;
}
