/*
 * inflate64.c -- a decoder for Deflate64 ("enhanced deflate", zip method
 * 9), which zlib does not read: deflate with a 64 KiB window, length code
 * 285 taking 16 extra bits, and distance codes 30 and 31. Plain deflate is
 * left to zlib. Every read is bounds-checked; damage ends the output.
 */
#include "formats/codec/inflate64.h"
#include "formats/format.h"
#include "formats/codec/huffman.h"

#include <string.h>

#include "vigil/vigil.h"

#define MAXLCODES 286
#define FIXLCODES 288
#define MAXDCODES 32

static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15,
				    17, 19, 23, 27, 31, 35, 43, 51, 59, 67,
				    83, 99, 115, 131, 163, 195, 227, 3 };
static const uint8_t lext[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 16 };
static const uint16_t dbase[32] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33,
				    49, 65, 97, 129, 193, 257, 385, 513, 769,
				    1025, 1537, 2049, 3073, 4097, 6145, 8193,
				    12289, 16385, 24577, 32769, 49153 };
static const uint8_t dext[32] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
				  6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12,
				  12, 13, 13, 14, 14 };

struct out {
	struct vbuf *v;
	size_t max;
	int *over;
};

static int codes(struct bits *b, struct out *o, const struct huff *lc,
		 const struct huff *dc)
{
	for (;;) {
		int sym = huff_decode(b, lc);
		size_t len, dist, k;

		if (sym < 0)
			return FMT_DAMAGED;
		if (sym < 256) {
			if (o->v->len >= o->max) {
				*o->over = 1;
				return FMT_DAMAGED;
			}
			if (vbuf_append_u8(o->v, (uint8_t)sym) < 0)
				return VIGIL_ENOMEM;
			continue;
		}
		if (sym == 256)
			return 0;
		if ((sym -= 257) >= 29)
			return FMT_DAMAGED;
		len = lbase[sym] + bits_get(b, lext[sym]);
		if ((sym = huff_decode(b, dc)) < 0 || sym >= 32)
			return FMT_DAMAGED;
		dist = dbase[sym] + bits_get(b, dext[sym]);
		if (b->err || dist > o->v->len)
			return FMT_DAMAGED;
		if (o->v->len + len > o->max) {
			*o->over = 1;
			return FMT_DAMAGED;
		}
		if (vbuf_reserve(o->v, len) < 0)
			return VIGIL_ENOMEM;
		for (k = 0; k < len; k++, o->v->len++)
			o->v->data[o->v->len] = o->v->data[o->v->len - dist];
	}
}

static int fixed(struct bits *b, struct out *o)
{
	uint16_t lens[FIXLCODES];
	struct huff lc, dc;
	int s;

	for (s = 0; s < 144; s++)
		lens[s] = 8;
	for (; s < 256; s++)
		lens[s] = 9;
	for (; s < 280; s++)
		lens[s] = 7;
	for (; s < FIXLCODES; s++)
		lens[s] = 8;
	huff_construct(&lc, lens, FIXLCODES);
	for (s = 0; s < MAXDCODES; s++)
		lens[s] = 5;
	huff_construct(&dc, lens, MAXDCODES);
	return codes(b, o, &lc, &dc);
}

static int dynamic(struct bits *b, struct out *o)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
					   11, 4, 12, 3, 13, 2, 14, 1, 15 };
	uint16_t lens[MAXLCODES + MAXDCODES];
	struct huff lc, dc;
	int nlen = (int)bits_get(b, 5) + 257, ndist = (int)bits_get(b, 5) + 1;
	int ncode = (int)bits_get(b, 4) + 4, i = 0;

	if (b->err || nlen > MAXLCODES || ndist > MAXDCODES)
		return FMT_DAMAGED;
	memset(lens, 0, sizeof(lens));
	for (i = 0; i < ncode; i++)
		lens[order[i]] = (uint16_t)bits_get(b, 3);
	if (huff_construct(&lc, lens, 19) < 0)
		return FMT_DAMAGED;
	for (i = 0; i < nlen + ndist;) {
		int sym = huff_decode(b, &lc), rep = 0;
		uint16_t val = 0;

		if (sym < 0)
			return FMT_DAMAGED;
		if (sym < 16) {
			lens[i++] = (uint16_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return FMT_DAMAGED;
			val = lens[i - 1];
			rep = 3 + (int)bits_get(b, 2);
		} else {
			rep = sym == 17 ? 3 + (int)bits_get(b, 3) :
					  11 + (int)bits_get(b, 7);
		}
		if (b->err || i + rep > nlen + ndist)
			return FMT_DAMAGED;
		while (rep--)
			lens[i++] = val;
	}
	if (huff_construct(&lc, lens, nlen) < 0 ||
	    huff_construct(&dc, lens + nlen, ndist) < 0)
		return FMT_DAMAGED;
	return codes(b, o, &lc, &dc);
}

static int stored(struct bits *b, struct out *o)
{
	uint32_t n;

	b->acc = 0;
	b->n = 0;
	if (b->pos + 4 > b->len)
		return FMT_DAMAGED;
	n = (uint32_t)b->in[b->pos] | (uint32_t)b->in[b->pos + 1] << 8;
	b->pos += 4;
	if (b->pos + n > b->len)
		return FMT_DAMAGED;
	if (o->v->len + n > o->max) {
		*o->over = 1;
		return FMT_DAMAGED;
	}
	if (vbuf_append(o->v, b->in + b->pos, n) < 0)
		return VIGIL_ENOMEM;
	b->pos += n;
	return 0;
}

int inflate64(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	      int *over)
{
	struct out o = { out, max, over };
	int last = 0, rc = 0;
	struct bits b;

	memset(&b, 0, sizeof(b));
	b.in = in;
	b.len = len;
	while (!last && !rc) {
		unsigned type;

		last = (int)bits_get(&b, 1);
		type = bits_get(&b, 2);
		if (b.err)
			return FMT_DAMAGED;
		rc = type == 0 ? stored(&b, &o) :
		     type == 1 ? fixed(&b, &o) :
		     type == 2 ? dynamic(&b, &o) : FMT_DAMAGED;
	}
	return rc;
}
