/*
 * explode.c -- a decoder for PKWARE's Implode (zip method 6): a 4 KiB or
 * 8 KiB sliding dictionary and two or three Shannon-Fano trees (literal,
 * length, distance) described at the start of the data. The trees are
 * canonical codes whose bits are stored inverted. Output stops at the
 * entry's size or at max; matches reaching before the start read zeros.
 */
#include "formats/codec/explode.h"
#include "formats/format.h"

#include <string.h>

#include "formats/codec/huffman.h"
#include "vigil/vigil.h"

/* Reads one tree description (byte-aligned) of n lengths at *pos. */
static int tree(const uint8_t *in, size_t len, size_t *pos, int n,
		struct huff *h)
{
	uint16_t lens[256];
	size_t bytes, i;
	int k = 0;

	if (*pos >= len)
		return FMT_DAMAGED;
	bytes = (size_t)in[(*pos)++] + 1;
	for (i = 0; i < bytes; i++) {
		int count, bl;

		if (*pos >= len)
			return FMT_DAMAGED;
		bl = (in[*pos] & 15) + 1;
		count = (in[(*pos)++] >> 4) + 1;
		if (k + count > n)
			return FMT_DAMAGED;
		while (count--)
			lens[k++] = (uint16_t)bl;
	}
	if (k != n)
		return FMT_DAMAGED;
	return huff_construct(h, lens, n);
}

static int copy(struct vbuf *o, size_t dist, size_t n, size_t want)
{
	size_t k;

	if (o->len + n > want)
		n = want - o->len;
	if (vbuf_reserve(o, n) < 0)
		return VIGIL_ENOMEM;
	for (k = 0; k < n; k++, o->len++)
		o->data[o->len] = o->len >= dist ? o->data[o->len - dist] : 0;
	return 0;
}

int explode(const uint8_t *in, size_t len, unsigned flags, size_t size,
	    size_t max, struct vbuf *out, int *over)
{
	struct huff lit, lng, dst;
	int three = (flags & 4) != 0;
	unsigned lowbits = (flags & 2) ? 7 : 6, minmatch = three ? 3 : 2;
	struct bits b;
	size_t pos = 0, want = size;

	if (want > max) {
		*over = 1;
		want = max;
	}
	if ((three && tree(in, len, &pos, 256, &lit) < 0) ||
	    tree(in, len, &pos, 64, &lng) < 0 || tree(in, len, &pos, 64, &dst) < 0)
		return FMT_DAMAGED;
	memset(&b, 0, sizeof(b));
	b.in = in + pos;
	b.len = len - pos;
	b.invert = 1;
	while (out->len < want && !b.err) {
		if (bits_get(&b, 1)) {
			int c = three ? huff_decode(&b, &lit) : (int)bits_get(&b, 8);

			if (c < 0 || vbuf_append_u8(out, (uint8_t)c) < 0)
				return FMT_DAMAGED;
		} else {
			size_t dist = bits_get(&b, lowbits);
			int hi = huff_decode(&b, &dst), n = huff_decode(&b, &lng);

			if (hi < 0 || n < 0)
				return FMT_DAMAGED;
			dist |= (size_t)hi << lowbits;
			if (n == 63)
				n += (int)bits_get(&b, 8);
			if (copy(out, dist + 1, (size_t)n + minmatch, want) < 0)
				return VIGIL_ENOMEM;
		}
	}
	return b.err ? FMT_DAMAGED : 0;
}
