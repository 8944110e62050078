/*
 * wwpack.c -- executables packed with WWPack32 (1.x). The packer adds a
 * last section holding its stub and, 0x2a1 bytes into it, a list of the
 * blocks it compressed in place: 17 bytes each (the distance from the
 * stub's section back to the block, a word the stub does not use, the
 * compressed size in 32-bit words, where the compressed data ends, and
 * whether another block follows). The stub expands each block over
 * itself; so does this, on the image mapped as the loader maps it, which
 * then goes on (pepack.c) without the stub's section and with the
 * original entry point.
 *
 * The compressed stream is read as little-endian 32-bit words, bits from
 * the top down. A 0 bit is a literal byte (taken from the byte stream
 * that follows the bits already read, in order); a 1 bit starts a copy
 * from earlier output: two bits then say whether it is a 2-byte copy from
 * near (3: offsets 1 to 0x35f in four ranges, an offset of all ones in
 * the last range ends the block) or a longer one (0: a coded length of 5
 * up to 16,383; 1, 2: 3 or 4 bytes) from an offset of 1 to 57,312 in
 * eight ranges.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/codec/lzbits.h"
#include "formats/exe/packers/pepack.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define WW_LIST 0x2a1		/* the block list, from the section's start */
#define WW_EP_DELTA 0x295	/* the original entry point, relative ... */
#define WW_EP_BASE 0x299	/* ... to this offset in the section */
#define WW_MAX_BLOCKS 96	/* blocks in the list */

static const uint8_t stub_head[] = { 0x53, 0x55, 0x8b, 0xe8, 0x33, 0xdb,
				     0xeb };
static const uint8_t stub_call[] = { 0xe8, 0x00, 0x00, 0x00, 0x00, 0x58,
				     0x2d, 0x6d, 0x00, 0x00, 0x00, 0x50,
				     0x60, 0x33, 0xc9, 0x50, 0x58, 0x50,
				     0x50 };

int wwpack_is(const uint8_t *buf, size_t len, const struct pe_info *pe,
	      size_t ep)
{
	const struct pe_section *last;

	if (pe->nsect < 2)
		return 0;
	last = &pe->sect[pe->nsect - 1];
	return pe->ep - last->vaddr < last->rawsize &&
	       ep + 0x68 + sizeof(stub_call) <= len &&
	       !memcmp(buf + ep, stub_head, sizeof(stub_head)) &&
	       !memcmp(buf + ep + 0x68, stub_call, sizeof(stub_call));
}

/*
 * The stream's bits: 32-bit little-endian words, the top bit first. As
 * in the stub, the next word is loaded as soon as the last bit of one is
 * taken, before any literal byte that follows; a stream that ends there
 * is damaged only if another bit is wanted.
 */
struct bits {
	struct rdr r;
	uint32_t word;
	unsigned left;
	int failed;
};

static void load(struct bits *b)
{
	if (rdr_left(&b->r) < 4) {
		b->left = 0;
		return;
	}
	b->word = rdr_u32le(&b->r);
	b->left = 32;
}

static unsigned bit(struct bits *b)
{
	unsigned v;

	if (!b->left) {
		b->failed = 1;
		return 0;
	}
	v = b->word >> 31;
	b->word <<= 1;
	if (!--b->left)
		load(b);
	return v;
}

static uint32_t bits(struct bits *b, unsigned n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 1 | bit(b);
	return v;
}

/* Where a copy comes from: its distance back. */
static uint32_t far_offset(struct bits *b)
{
	static const uint8_t width[6] = { 5, 6, 7, 8, 10, 12 };
	uint32_t k = bits(b, 3), n;

	if (k == 6)
		return bits(b, 14) + 0x1fe1;
	if (k == 7)
		return bits(b, 15) + 0x5fe1;
	n = width[k];
	if (k == 3 || k == 4)
		n += bit(b);
	return bits(b, n) + (1u << n) - 31;
}

/* The length of a long copy: 5 up to 16,383. */
static uint32_t long_length(struct bits *b)
{
	uint32_t base = 13, v;
	unsigned n;

	if (!bit(b))
		return bit(b) + 5;
	if ((v = bits(b, 3)) != 0)
		return v + 6;
	if ((v = bits(b, 4)) != 0)
		return v + 13;
	for (n = 4; n < 7; ) {
		base = (base + 2) * 2 - 1;
		n++;
		if (bit(b))
			return bits(b, n) + base;
	}
	return bits(b, 14);
}

/* Expands the stream in src over img from *at; 0 at its end mark, else
 * -1 (damaged: what was expanded stays). */
static int expand(struct bits *b, uint8_t *img, size_t len, size_t *at)
{
	while (!b->failed) {
		uint32_t kind, dist, n;

		if (!bit(b)) {
			const uint8_t *p = rdr_bytes(&b->r, 1);

			if (!p || *at >= len)
				return -1;
			img[(*at)++] = *p;
			continue;
		}
		if ((kind = bits(b, 2)) == 3) {
			uint32_t k = bits(b, 2), w = k + 5 + (k >= 2);

			dist = bits(b, w);
			if (w == 9 && dist == 0x1ff)
				return b->failed ? -1 : 0;
			dist += (1u << w) - (k >= 2 ? 0x9f : 0x1f);
			n = 2;
		} else {
			dist = far_offset(b);
			n = kind ? kind + 2 : long_length(b);
		}
		if (b->failed || lz_copy(img, len, at, dist, n) < 0)
			return -1;
	}
	return -1;
}

/* Expands one block of the list at l into the image: 0, 1 if it is the
 * last, FMT_DAMAGED or VIGIL_ENOMEM. */
static int block(struct rdr *l, const struct pe_section *ww,
		 struct pe_image *img)
{
	uint32_t delta = rdr_u32le(l), words, end, start;
	struct bits b;
	uint8_t *src, more;
	size_t at, size;
	int rc;

	rdr_skip(l, 4);
	words = rdr_u32le(l);
	end = rdr_u32le(l);
	more = rdr_u8(l);
	size = (size_t)words * 4;
	/* the stub's arithmetic, in 32 bits: where the block starts */
	start = ww->vaddr - delta + end + 4 - (uint32_t)size;
	if (rdr_failed(l) || !words || words > img->len / 4 ||
	    start > img->len - size)
		return FMT_DAMAGED;
	if (!(src = malloc(size)))
		return VIGIL_ENOMEM;
	memcpy(src, img->b + start, size);
	memset(&b, 0, sizeof(b));
	rdr_init(&b.r, src, size);
	load(&b);
	at = start;
	rc = expand(&b, img->b, img->len, &at);
	free(src);
	return rc < 0 ? FMT_DAMAGED : !more;
}

int wwpack_unpack(struct fmt_ctx *c, struct pe_image *img,
		  const struct pe_info *pe, const uint8_t *buf, size_t len,
		  struct pe_unpacked *out)
{
	uint16_t last = (uint16_t)(pe->nsect - 1);
	const struct pe_section *ww = &pe->sect[last];
	struct rdr l;
	unsigned i;
	int rc = 0;

	(void)buf;
	(void)len;
	rdr_init(&l, img->b + ww->vaddr, img->len - ww->vaddr);
	rdr_seek(&l, WW_LIST);
	for (i = 0; i < WW_MAX_BLOCKS && !fmt_expired(c); i++)
		if ((rc = block(&l, ww, img)) != 0)
			break;
	if (rc == 0 && i == WW_MAX_BLOCKS)
		fmt_warn(c, "WWPack: more than %d blocks", WW_MAX_BLOCKS);
	rdr_seek(&l, WW_EP_DELTA);
	out->ep = rdr_u32le(&l) + ww->vaddr + WW_EP_BASE;
	out->keep = last; /* without the stub's section */
	return rc == 1 ? 0 : rc;
}
