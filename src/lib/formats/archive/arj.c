/*
 * arj.c -- ARJ archives: the main header, then one local header per file
 * (method, sizes, name), then its data: stored (0), LZ77 with static
 * Huffman blocks (1-3, a 26 KiB window) or the "fastest" method (4, LZ77
 * with unary-coded lengths and offsets). Garbled (encrypted) entries are
 * reported, never passed as clean.
 */
#include <string.h>

#include "common/le.h"
#include "formats/format.h"
#include "formats/codec/huffman.h"
#include "formats/parsers.h"
#include "common/reader.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define ARJ_MAX_HEADER 2600
#define ARJ_MAX_FILES 100000
#define ARJ_RESERVE_RATIO 16	/* output reserved per byte of input, at first */
#define ARJ_GARBLED 0x01
#define THRESHOLD 3
#define NC 510		/* 256 literals + 256 lengths - 2 */
#define NT 19
#define NP 17
#define CBIT 9
#define TBIT 5
#define PBIT 5

int arj_probe(const uint8_t *buf, size_t len, int type)
{
	(void)type;
	return len >= 4 && buf[0] == 0x60 && buf[1] == 0xea &&
	       (size_t)(buf[2] | buf[3] << 8) <= ARJ_MAX_HEADER;
}

struct lzh {
	struct bits b;
	struct huff pt, c;
	unsigned blocksize;
};

static int pt_lengths(struct lzh *z, int nn, int nbit, int special)
{
	uint16_t len[NT];
	int n = (int)bits_get(&z->b, (unsigned)nbit), i = 0;

	memset(len, 0, sizeof(len));
	if (n == 0 || n > nn) {
		int sym = (int)bits_get(&z->b, (unsigned)nbit);

		huff_construct(&z->pt, len, nn);
		z->pt.single = sym < nn ? sym : 0;
		return z->b.err ? FMT_DAMAGED : 0;
	}
	while (i < n && !z->b.err) {
		int c = (int)bits_get(&z->b, 3);

		if (c == 7)
			while (bits_get(&z->b, 1) && c < 16)
				c++;
		len[i++] = (uint16_t)c;
		if (i == special) {
			int k = (int)bits_get(&z->b, 2);

			while (k-- > 0 && i < nn)
				len[i++] = 0;
		}
	}
	return z->b.err ? FMT_DAMAGED : huff_construct(&z->pt, len, nn);
}

static int c_lengths(struct lzh *z)
{
	uint16_t len[NC];
	int n = (int)bits_get(&z->b, CBIT), i = 0;

	memset(len, 0, sizeof(len));
	if (n == 0 || n > NC) {
		int sym = (int)bits_get(&z->b, CBIT);

		huff_construct(&z->c, len, NC);
		z->c.single = sym < NC ? sym : 0;
		return z->b.err ? FMT_DAMAGED : 0;
	}
	while (i < n && !z->b.err) {
		int c = huff_decode(&z->b, &z->pt);

		if (c < 0)
			return FMT_DAMAGED;
		if (c > 2) {
			len[i++] = (uint16_t)(c - 2);
			continue;
		}
		c = c == 0 ? 1 : c == 1 ? (int)bits_get(&z->b, 4) + 3 :
					  (int)bits_get(&z->b, CBIT) + 20;
		while (c-- > 0 && i < NC)
			len[i++] = 0;
	}
	return z->b.err ? FMT_DAMAGED : huff_construct(&z->c, len, NC);
}

static int next_c(struct lzh *z)
{
	if (!z->blocksize) {
		z->blocksize = bits_get(&z->b, 16);
		if (pt_lengths(z, NT, TBIT, 3) < 0 || c_lengths(z) < 0 ||
		    pt_lengths(z, NP, PBIT, -1) < 0)
			return FMT_DAMAGED;
	}
	z->blocksize--;
	return huff_decode(&z->b, &z->c);
}

static int copy_back(struct vbuf *o, size_t dist, size_t n, size_t want)
{
	size_t k;

	if (dist > o->len)
		return FMT_DAMAGED;
	if (o->len + n > want)
		n = want - o->len;
	if (vbuf_reserve(o, n) < 0)
		return VIGIL_ENOMEM;
	for (k = 0; k < n; k++, o->len++)
		o->data[o->len] = o->data[o->len - dist];
	return 0;
}

/* Output checked against the ratio guard every this many bytes. */
#define ARJ_CHECK_BYTES (64u * 1024)

/* 1 (stop: reported) if the output so far is a bomb's. */
static int bomb(struct fmt_ctx *c, const struct vbuf *o, size_t in,
		size_t *next)
{
	if (o->len < *next)
		return 0;
	*next = o->len + ARJ_CHECK_BYTES;
	return fmt_ratio_exceeded(c, o->len, in) || fmt_expired(c);
}

/* Methods 1 to 3. */
static int lzh(struct fmt_ctx *ctx, const uint8_t *in, size_t len,
	       size_t want, struct vbuf *o)
{
	struct lzh z;
	size_t next = ARJ_CHECK_BYTES;
	int rc = 0;

	memset(&z, 0, sizeof(z));
	z.b.in = in;
	z.b.len = len;
	z.b.msb = 1;
	while (o->len < want && !rc && !z.b.err) {
		int c = next_c(&z), p;

		if (bomb(ctx, o, len, &next))
			return 1;
		if (c < 0)
			return FMT_DAMAGED;
		if (c < 256) {
			rc = vbuf_append_u8(o, (uint8_t)c);
			continue;
		}
		if ((p = huff_decode(&z.b, &z.pt)) < 0)
			return FMT_DAMAGED;
		if (p > 1)
			p = (1 << (p - 1)) + (int)bits_get(&z.b, (unsigned)p - 1);
		rc = copy_back(o, (size_t)p + 1, (size_t)c - (256 - THRESHOLD),
			       want);
	}
	return rc ? rc : (z.b.err ? FMT_DAMAGED : 0);
}

/* A unary prefix picks the width of what follows (method 4). */
static unsigned unary_value(struct bits *b, unsigned start, unsigned stop)
{
	unsigned width, plus = 0, pwr = 1u << start;

	for (width = start; width < stop && bits_get(b, 1); width++) {
		plus += pwr;
		pwr <<= 1;
	}
	return plus + (width ? bits_get(b, width) : 0);
}

static int fastest(struct fmt_ctx *c, const uint8_t *in, size_t len,
		   size_t want, struct vbuf *o)
{
	struct bits b;
	size_t next = ARJ_CHECK_BYTES;
	int rc = 0;

	memset(&b, 0, sizeof(b));
	b.in = in;
	b.len = len;
	b.msb = 1;
	while (o->len < want && !rc && !b.err) {
		unsigned n = unary_value(&b, 0, 7);

		if (bomb(c, o, len, &next))
			return 1;
		if (!n)
			rc = vbuf_append_u8(o, (uint8_t)bits_get(&b, 8));
		else
			rc = copy_back(o, unary_value(&b, 9, 13) + 1,
				       n + THRESHOLD - 1, want);
	}
	return rc ? rc : (b.err ? FMT_DAMAGED : 0);
}


struct arjfile {
	char name[256];
	uint8_t flags, method;
	uint32_t csize, usize;
};

/* One header at r: 0, 1 at the end of the archive, -1 if damaged. */
static int header(struct rdr *r, struct arjfile *f)
{
	const uint8_t *h, *nul;
	uint16_t size, ext;
	size_t first, k;

	if (rdr_u8(r) != 0x60 || rdr_u8(r) != 0xea)
		return FMT_DAMAGED;
	if (!(size = rdr_u16le(r)))
		return 1;
	if (size > ARJ_MAX_HEADER || !(h = rdr_bytes(r, size)))
		return FMT_DAMAGED;
	rdr_skip(r, 4); /* header CRC */
	while ((ext = rdr_u16le(r)) && !rdr_failed(r))
		rdr_skip(r, (size_t)ext + 4);
	first = h[0];
	if (rdr_failed(r) || first < 20 || first >= size)
		return FMT_DAMAGED;
	f->flags = h[4];
	f->method = h[5];
	f->csize = le32_load(h + 12);
	f->usize = le32_load(h + 16);
	nul = memchr(h + first, 0, size - first);
	k = nul ? (size_t)(nul - (h + first)) : 0;
	if (k >= sizeof(f->name))
		k = sizeof(f->name) - 1;
	memcpy(f->name, h + first, k);
	f->name[k] = 0;
	return 0;
}

static int member(struct fmt_ctx *c, const struct arjfile *f,
		  const uint8_t *data)
{
	struct vbuf o = { 0 };
	const char *name = *f->name ? f->name : "file";
	int r = 0, rc;

	if (f->flags & ARJ_GARBLED)
		return fmt_unreadable(c, "Heuristics.Encrypted.ARJ");
	if (f->usize > fmt_max_child(c))
		return fmt_too_big(c, name);
	if (f->method == 0)
		return fmt_child(c, name, data, f->csize);
	if (f->method > 4) {
		fmt_warn(c, "%s: unknown ARJ method %u", name, f->method);
		return fmt_unreadable(c, "Heuristics.Broken.ARJ");
	}
	/* Declared sizes are claims: reserve as much as the data can hold. */
	if (vbuf_reserve(&o, f->usize < ARJ_RESERVE_RATIO * (size_t)f->csize ?
				     f->usize + 1 :
				     ARJ_RESERVE_RATIO * (size_t)f->csize + 1) < 0)
		return VIGIL_ENOMEM;
	r = f->method == 4 ? fastest(c, data, f->csize, f->usize, &o) :
			     lzh(c, data, f->csize, f->usize, &o);
	if (r == VIGIL_ENOMEM)
		rc = r;
	else if (r == 1)
		rc = 0; /* the ratio or time guard has reported why */
	else {
		if (r < 0)
			fmt_warn(c, "%s: damaged data", name);
		rc = o.len ? fmt_child(c, name, o.data, o.len) : 0;
	}
	vbuf_free(&o);
	return rc;
}

int arj_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct arjfile f;
	struct rdr r;
	unsigned n = 0;
	int rc = 0, h;

	rdr_init(&r, buf, len);
	if (header(&r, &f) != 0) { /* the archive's own header */
		fmt_warn(c, "damaged ARJ header");
		return 0;
	}
	while (!rc && n++ < ARJ_MAX_FILES && !fmt_expired(c)) {
		int cut;

		if ((h = header(&r, &f)) == 1)
			break;
		if (h < 0 || !rdr_left(&r)) {
			fmt_warn(c, "truncated ARJ archive");
			break;
		}
		/* a member cut short is read as far as it goes, as unarj
		 * does: its bytes would hide from every signature but the
		 * container's */
		if ((cut = f.csize > rdr_left(&r)) != 0) {
			fmt_warn(c, "%s: cut short (%zu of %lu bytes)",
				 *f.name ? f.name : "file",
				 rdr_left(&r), (unsigned long)f.csize);
			f.csize = (uint32_t)rdr_left(&r);
		}
		rc = member(c, &f, rdr_bytes(&r, f.csize));
		if (cut)
			break;
	}
	return rc;
}
