/*
 * aspack.c -- executables packed with ASPack 2.12 to 2.42. The stub at the
 * entry point (pushad; call; ...) carries, at offsets that depend on the
 * version (told apart by where its "push 0; ret" is), a list of blocks
 * (address and size: each block is compressed in place) and the tables of
 * its decompressor; the original entry point is stored in it too.
 *
 * A block is a bit stream, read from the top bit of each byte: canonical
 * Huffman codes of up to 15 bits, whose lengths come first, delta-coded
 * against the previous table through a 19-symbol pre-code (16: repeat the
 * last length, 17 and 18: runs of zeros). The main code has 721 symbols:
 * bytes, 464 matches (a position slot of 58 and a length of 2 to 8, or 9
 * and more through the 28-symbol length code) and "new tables". A slot's
 * extra bits may end in a 3-bit aligned code of 8 symbols; positions 0-2
 * reuse one of the last three distances. Calls and jumps in the first
 * block were rewritten by the packer; they are turned back. The image goes
 * on (pepack.c) with the original entry point, without the stub's two
 * sections.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/codec/lzbits.h"
#include "formats/exe/packers/pepack.h"
#include "vigil/vigil.h"

#define AS_MAX_BLOCKS 96	/* in the list */
#define AS_PAD 0x10e		/* zero bytes read past a block's end */
#define AS_MAIN 721
#define AS_LEN 28
#define AS_ALIGN 8
#define AS_PRE 19
#define AS_LENGTHS (AS_MAIN + AS_LEN + AS_ALIGN)
#define AS_SLOTS 58

/* Offsets in the stub (from the byte before the entry point) by version:
 * its "push 0; ret" (from the entry point), the block list, the entry
 * size of the list, the decoder's tables, the byte that marks rewritten
 * calls, the original entry point. */
static const struct as_version {
	uint32_t ret, list, entry, tables, mark, oep;
} versions[] = {
	{ 0x3b9, 0x57c, 8, 0x6d6, 0x148, 0x39b },	/* 2.12 */
	{ 0x41f, 0x5d8, 12, 0x732, 0x13a, 0x401 },	/* 2.2x-2.3x */
	{ 0x42b, 0x5e4, 12, 0x73e, 0x148, 0x40d },	/* 2.42 */
};

static const uint8_t stub_head[] = { 0x60, 0xe8, 0x03, 0x00, 0x00, 0x00,
				     0xe9, 0xeb };
static const uint8_t stub_ret[] = { 0x68, 0x00, 0x00, 0x00, 0x00, 0xc3 };

static const struct as_version *version_at(const uint8_t *buf, size_t len,
					   size_t ep)
{
	size_t i;

	if (ep + sizeof(stub_head) > len ||
	    memcmp(buf + ep, stub_head, sizeof(stub_head)))
		return NULL;
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (ep + versions[i].ret + sizeof(stub_ret) <= len &&
		    !memcmp(buf + ep + versions[i].ret, stub_ret,
			    sizeof(stub_ret)))
			return &versions[i];
	return NULL;
}

int aspack_is(const uint8_t *buf, size_t len, const struct pe_info *pe,
	      size_t ep)
{
	return pe->ep > 0 && version_at(buf, len, ep) != NULL;
}

/* The stream: bits from the top of each byte; past the block come
 * AS_PAD zero bytes, then the end. */
struct bits {
	const uint8_t *p;
	size_t len;	/* of the block's bytes */
	uint64_t pos;	/* in bits */
	int failed;
};

/* The next 24 bits, the first at the top. */
static uint32_t peek24(struct bits *b)
{
	uint64_t byte = b->pos >> 3;
	uint32_t w = 0;
	unsigned i;

	if (byte + 4 > (uint64_t)b->len + AS_PAD) {
		b->failed = 1;
		return 0;
	}
	for (i = 0; i < 4; i++)
		w = w << 8 | (byte + i < b->len ? b->p[byte + i] : 0);
	return (w << (b->pos & 7)) >> 8;
}

static uint32_t getbits(struct bits *b, unsigned n)
{
	uint32_t v;

	if (n > 24) {
		b->failed = 1;
		return 0;
	}
	v = n ? peek24(b) >> (24 - n) : 0;
	b->pos += n;
	return v;
}

/* A canonical code: limit[l], the first 24-bit left-justified code longer
 * than l; first[l], the index in sym of the first code of length l. */
struct huff {
	uint32_t limit[16];
	uint16_t first[16];
	uint16_t sym[AS_MAIN];
};

/* Builds the code of n lengths (0: unused); 0, or -1 unless complete. */
static int huff_build(struct huff *h, const uint8_t *lens, unsigned n)
{
	uint16_t count[16] = { 0 }, next[16];
	uint32_t sum = 0;
	unsigned l, i, k = 0;

	for (i = 0; i < n; i++)
		count[lens[i] & 15]++;
	h->limit[0] = 0;
	for (l = 1; l < 16; l++) {
		sum += (uint32_t)count[l] << (24 - l);
		if (sum > 1u << 24)
			return -1;
		h->limit[l] = sum;
		h->first[l] = (uint16_t)k;
		next[l] = (uint16_t)k;
		k += count[l];
	}
	if (sum != 1u << 24)
		return -1;
	for (i = 0; i < n; i++)
		if (lens[i] & 15)
			h->sym[next[lens[i] & 15]++] = (uint16_t)i;
	return 0;
}

static unsigned huff_get(const struct huff *h, struct bits *b)
{
	uint32_t v = peek24(b) & 0xfffe00u; /* codes are 15 bits at most */
	unsigned l = 1;

	while (l < 15 && v >= h->limit[l])
		l++;
	b->pos += l;
	return h->sym[h->first[l] + ((v - h->limit[l - 1]) >> (24 - l))];
}

/* The decoder's state across a block. */
struct as_dec {
	struct bits b;
	struct huff main, len, align, pre;
	uint8_t prev[AS_LENGTHS];	/* the lengths of the last tables */
	int aligned;			/* the aligned code is in use */
	uint32_t hist[3];		/* the last three distances - 1 */
	uint32_t pos_base[AS_SLOTS];
	const uint8_t *tables;		/* the stub's: see decode() */
};

/* Reads new tables: 0, or -1 if they are damaged. */
static int read_tables(struct as_dec *d)
{
	uint8_t pre[AS_PRE], lens[AS_LENGTHS];
	unsigned i = 0, k, n;

	if (!getbits(&d->b, 1))
		memset(d->prev, 0, sizeof(d->prev));
	for (k = 0; k < AS_PRE; k++)
		pre[k] = (uint8_t)getbits(&d->b, 4);
	if (d->b.failed || huff_build(&d->pre, pre, AS_PRE) < 0)
		return -1;
	while (i < AS_LENGTHS && !d->b.failed) {
		unsigned c = huff_get(&d->pre, &d->b);
		uint8_t v = 0;

		if (c < 16) {
			lens[i] = (uint8_t)((d->prev[i] + c) & 15);
			i++;
			continue;
		}
		if (c == 16) {
			n = 3 + getbits(&d->b, 2);
			v = i ? lens[i - 1] : 0;
		} else {
			n = c == 17 ? 3 + getbits(&d->b, 3) :
				      11 + getbits(&d->b, 7);
		}
		for (; n && i < AS_LENGTHS; n--)
			lens[i++] = v;
	}
	if (d->b.failed || huff_build(&d->main, lens, AS_MAIN) < 0 ||
	    huff_build(&d->len, lens + AS_MAIN, AS_LEN) < 0 ||
	    huff_build(&d->align, lens + AS_MAIN + AS_LEN, AS_ALIGN) < 0)
		return -1;
	d->aligned = 0;
	for (k = 0; k < AS_ALIGN; k++)
		d->aligned |= lens[AS_MAIN + AS_LEN + k] != 3;
	memcpy(d->prev, lens, sizeof(lens));
	return 0;
}

/* The stub's tables: length bases and extra bits (28 each), then the
 * extra bits of each position slot (58). */
#define T_LEN_BASE 0
#define T_LEN_BITS 28
#define T_POS_BITS 56
#define T_SIZE (56 + AS_SLOTS)

/* A match's distance from its slot (-1 for damage). */
static int64_t distance(struct as_dec *d, unsigned slot)
{
	uint32_t pos = d->pos_base[slot], e = d->tables[T_POS_BITS + slot], v;

	if (!d->aligned || e < 3) {
		pos += getbits(&d->b, e);
	} else {
		pos += getbits(&d->b, e - 3) * 8;
		pos += huff_get(&d->align, &d->b);
	}
	if (pos < 3) {
		v = d->hist[pos];
		d->hist[pos] = d->hist[0];
		d->hist[0] = v;
	} else {
		v = pos - 3;
		d->hist[2] = d->hist[1];
		d->hist[1] = d->hist[0];
		d->hist[0] = v;
	}
	return d->b.failed ? -1 : (int64_t)v + 1;
}

/* Expands a block of size bytes into out: 0, or -1 if damaged. */
static int decode(struct as_dec *d, uint8_t *out, uint32_t size)
{
	size_t at = 0;

	memset(d->hist, 0, sizeof(d->hist));
	memset(d->prev, 0, sizeof(d->prev));
	if (read_tables(d) < 0)
		return -1;
	while (at < size) {
		unsigned sym = huff_get(&d->main, &d->b), n;
		int64_t dist;

		if (d->b.failed)
			return -1;
		if (sym < 256) {
			out[at++] = (uint8_t)sym;
			continue;
		}
		if (sym >= 720) {
			if (read_tables(d) < 0)
				return -1;
			continue;
		}
		n = ((sym - 256) & 7) + 2;
		if (n == 9) {
			unsigned k = huff_get(&d->len, &d->b);

			n += d->tables[T_LEN_BASE + k] +
			     getbits(&d->b, d->tables[T_LEN_BITS + k]);
		}
		dist = distance(d, (sym - 256) >> 3);
		if (dist < 0 || lz_copy(out, size, &at, (uint32_t)dist, n) < 0)
			return -1;
	}
	return 0;
}

/* Turns back the calls and jumps the packer rewrote in a block: after
 * an E8 or E9, the marker byte and a 24-bit target. */
static void unrewrite(uint8_t *p, uint32_t size, uint8_t mark)
{
	uint32_t i;

	for (i = 0; size > 6 && i < size - 6; i++) {
		uint32_t t;

		if ((p[i] != 0xe8 && p[i] != 0xe9) || p[i + 1] != mark)
			continue;
		t = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8 |
		    (uint32_t)p[i + 4] << 16;
		t -= i;
		p[i + 1] = (uint8_t)t;
		p[i + 2] = (uint8_t)(t >> 8);
		p[i + 3] = (uint8_t)(t >> 16);
		p[i + 4] = (uint8_t)(t >> 24);
		i += 4;
	}
}

/* Expands one block (copied out first: it is expanded over itself). */
static int block(struct as_dec *d, struct pe_image *img, uint32_t rva,
		 uint32_t size)
{
	uint8_t *in = malloc(size);
	int rc;

	if (!in)
		return VIGIL_ENOMEM;
	memcpy(in, img->b + rva, size);
	d->b.p = in;
	d->b.len = size;
	d->b.pos = 0;
	d->b.failed = 0;
	rc = decode(d, img->b + rva, size);
	free(in);
	return rc < 0 ? FMT_DAMAGED : 0;
}

/* Runs the block list of the stub at `stub` (the byte before the entry
 * point): 0, FMT_DAMAGED or VIGIL_ENOMEM. */
static int run_list(struct fmt_ctx *c, struct as_dec *d, struct pe_image *img,
		    const struct as_version *v, uint32_t stub)
{
	uint64_t at = (uint64_t)stub + v->list;
	unsigned i;
	int ok = 1, rc;

	for (i = 0; i < AS_MAX_BLOCKS && !fmt_expired(c); i++) {
		uint32_t rva = pe_image_u32(img, at, &ok);
		uint32_t size = pe_image_u32(img, at + 4, &ok);

		if (!ok)
			return FMT_DAMAGED;
		if (!rva)
			return 0;
		if (!size || (uint64_t)rva + size > img->len)
			return FMT_DAMAGED;
		if ((rc = block(d, img, rva, size)) != 0)
			return rc;
		if (i == 0)
			unrewrite(img->b + rva, size, img->b[stub + v->mark]);
		at += v->entry;
		/* later versions leave entries of this size out */
		while (v->entry == 12 &&
		       pe_image_u32(img, at + 4, &ok) == 0xfffffef2u)
			at += 12;
	}
	return FMT_DAMAGED;
}

/* The sections to keep: without the stub's and the empty one after it. */
static uint16_t kept(const struct pe_info *pe, uint32_t stub)
{
	uint16_t n = pe->nsect;

	return n > 2 && stub == pe->sect[n - 2].vaddr &&
			       !pe->sect[n - 1].rawsize ?
		       (uint16_t)(n - 2) :
		       n;
}

static void slot_bases(struct as_dec *d)
{
	uint32_t sum = 0;
	unsigned i;

	for (i = 0; i < AS_SLOTS; i++) {
		uint8_t e = d->tables[T_POS_BITS + i];

		d->pos_base[i] = sum;
		sum += e < 32 ? 1u << e : 0;
	}
}

int aspack_unpack(struct fmt_ctx *c, struct pe_image *img,
		  const struct pe_info *pe, const uint8_t *buf, size_t len,
		  struct pe_unpacked *out)
{
	const struct as_version *v =
		version_at(buf, len, (size_t)pe_loader_off(pe, pe->ep));
	uint32_t stub = pe->ep - 1, oep;
	struct as_dec *d;
	int rc, ok = 1;

	if ((uint64_t)stub + v->tables + T_SIZE > img->len ||
	    (uint64_t)stub + v->list + 8 > img->len) {
		fmt_warn(c, "ASPack: stub outside the image");
		return PE_NOT_MINE;
	}
	if (!(d = calloc(1, sizeof(*d))))
		return VIGIL_ENOMEM;
	d->tables = img->b + stub + v->tables;
	slot_bases(d);
	rc = run_list(c, d, img, v, stub);
	free(d);
	oep = pe_image_u32(img, (uint64_t)stub + v->oep, &ok);
	if (ok && oep)
		out->ep = oep;
	out->keep = kept(pe, stub);
	return rc;
}
