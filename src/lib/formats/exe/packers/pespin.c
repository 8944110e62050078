/*
 * pespin.c -- executables protected with PESpin 1.1. Its stub, in the last
 * section, is encrypted in layers that it peels at run time, each from
 * values at fixed offsets from the entry point: a byte XOR with a falling
 * key; two XORs with 32-bit shift-register key streams; two sequences of
 * byte operations (byteops.c) read from the stub, one for the stub, one
 * for the sections. The key of the sections' XOR is a stored value less a
 * checksum of the file's start, so the file cannot be patched unnoticed.
 * Bitmaps in the stub say which sections are XORed, which run through the
 * byte operations and which are aPLib-compressed (aplib.c); the resources
 * may be compressed from an address on. All of it is undone here on a
 * copy of the file, and the sections go into the mapped image, which goes
 * on (pepack.c) without the stub's section. The original entry point is
 * hidden deeper than this goes: the image keeps the stub's.
 */
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/codec/aplib.h"
#include "formats/exe/packers/byteops.h"
#include "formats/exe/packers/pepack.h"
#include "common/reader.h"
#include "vigil/vigil.h"

/* Offsets from the entry point in PESpin 1.1's stub, and what is there. */
enum {
	S_KEY8_OP = 0xdb,	/* mov ebx, key8 */
	S_LEN1_OP = 0xe0,	/* mov ecx, the first layer's length */
	S_LAYER1 = 0x1fe5,	/* the first layer (XOR, key falling) */
	S_KEY2 = 0x26eb,	/* the second layer's key and length */
	S_LAYER2 = 0x2d5,
	S_CRC_SKIP = 0x429,	/* bytes at the file's end the sum leaves out */
	S_KEY4 = 0x3217,	/* the sections' key, plus the sum */
	S_XOR_MAP = 0x3207,	/* sections XORed */
	S_KEY5 = 0x644,		/* the fifth layer's length and key */
	S_LAYER5 = 0x28d3,
	S_POLY1_LEN = 0x28dd,	/* the stub's byte operations: length, code */
	S_POLY1 = 0x6d4,	/* what they decrypt */
	S_POLY_MAP = 0x6f1,	/* sections through the second operations */
	S_POLY2 = 0x755,	/* their code */
	S_PACK_MAP = 0x3061,	/* sections aPLib-compressed */
	S_RSRC = 0x2fee,	/* compressed resources start here, or 0 */
	S_END = S_KEY4 + 4,
};
#define LEN1 0x11fe
#define LEN2 0x5a0
#define LEN5 0x180
#define LEN_POLY1 0x1a1
#define POLY_CODE 0x24		/* bytes of operations, then the stosb */

static const uint8_t stub_sig[] = { 0xe8, 0x00, 0x00, 0x00, 0x00, 0x8b,
				    0x1c, 0x24, 0x83, 0xc3 };

int pespin_is(const uint8_t *buf, size_t len, const struct pe_info *pe,
	      size_t ep)
{
	const struct pe_section *last;

	if (pe->nsect < 2)
		return 0;
	last = &pe->sect[pe->nsect - 1];
	return pe->ep >= last->vaddr &&
	       (uint64_t)pe->ep - last->vaddr + S_END < last->rawsize &&
	       ep + 4 + sizeof(stub_sig) <= len &&
	       !memcmp(buf + ep + 4, stub_sig, sizeof(stub_sig));
}

static uint32_t ror32(uint32_t v, unsigned k)
{
	k &= 31;
	return k ? v >> k | v << (32 - k) : v;
}

/* The stub's checksum of n bytes. */
static uint32_t checksum(const uint8_t *p, size_t n)
{
	uint32_t a = 0xffffffffu, b = 0xffffffffu, t;
	size_t i;
	unsigned k;

	for (i = 0; i < n; i++) {
		a ^= (uint32_t)p[i] << 8;
		a = a >> 3 & 0x1fffffffu;
		for (k = 0; k < 4; k++) {
			a ^= b >> 8 & 0xff;
			a += 0x7801a108u;
			a ^= b;
			a = ror32(a, b & 0xff);
			t = a;
			a = b;
			b = t;
		}
	}
	return b;
}

/* XORs n bytes with a shift register's low bytes: shifted right before
 * each byte, the taps XORed in when the bit shifted out is `when`. */
static void lfsr_xor(uint8_t *p, size_t n, uint32_t key, uint32_t taps,
		     unsigned when)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned out = key & 1;

		key >>= 1;
		if (out == when)
			key ^= taps;
		p[i] ^= (uint8_t)key;
	}
}

/* The copy of the file being decrypted. */
struct spin {
	const struct pe_info *pe;
	uint8_t *f;
	size_t len;
	size_t ep;		/* the entry point's offset in it */
	size_t stub_end;	/* where the stub's section ends in it */
};

/* n bytes at offset k from the entry point, or NULL past the stub. */
static uint8_t *at(const struct spin *s, uint32_t k, size_t n)
{
	return s->ep + k + n > s->stub_end ? NULL : s->f + s->ep + k;
}

static uint32_t word(const struct spin *s, uint32_t k, int *ok)
{
	const uint8_t *p = at(s, k, 4);

	if (!p)
		*ok = 0;
	return p ? le32_load(p) : 0;
}

/* The byte operations at offset k: exactly POLY_CODE bytes, a stosb. */
static int poly(const struct spin *s, uint32_t k, struct byteops *ops)
{
	const uint8_t *p = at(s, k, POLY_CODE + 1);
	struct rdr r;

	if (!p)
		return -1;
	rdr_init(&r, p, POLY_CODE + 1);
	return byteops_parse(&r, ops) == 0 && r.pos == POLY_CODE + 1 ? 0 : -1;
}

/* Peels the stub's layers; *key4: the sections' key (orig: the file as it
 * came, for the checksum). 0, FMT_DAMAGED, or PE_NOT_MINE if it is not
 * PESpin 1.1's stub. */
static int peel_stub(struct spin *s, const uint8_t *orig, uint32_t *key4)
{
	uint8_t *p = at(s, 0, S_END), k8;
	uint32_t key, skip, i;
	struct byteops ops;
	int ok = 1;

	if (!p || p[S_KEY8_OP] != 0xbb || p[S_LEN1_OP] != 0xb9 ||
	    word(s, S_LEN1_OP + 1, &ok) != LEN1)
		return PE_NOT_MINE;
	k8 = p[S_KEY8_OP + 1];
	for (i = LEN1; i-- > 0; k8--)
		p[S_LAYER1 + i] ^= k8;
	key = word(s, S_KEY2, &ok);
	if (word(s, S_KEY2 + 5, &ok) != LEN2)
		return PE_NOT_MINE;
	lfsr_xor(p + S_LAYER2, LEN2, key, 0x8c328834u, 1);
	skip = word(s, S_CRC_SKIP, &ok);
	if (!skip || skip > s->len)
		return FMT_DAMAGED;
	*key4 = word(s, S_KEY4, &ok) - checksum(orig, s->len - skip);
	key = word(s, S_KEY5 + 12, &ok);
	if (word(s, S_KEY5, &ok) != LEN5 || !ok)
		return FMT_DAMAGED;
	lfsr_xor(p + S_LAYER5, LEN5, key, 0xed43af32u, 1);
	if (word(s, S_POLY1_LEN, &ok) != LEN_POLY1 ||
	    poly(s, S_POLY1_LEN + 15, &ops) < 0)
		return FMT_DAMAGED;
	byteops_decrypt(&ops, p + S_POLY1, LEN_POLY1);
	return 0;
}

/* Expands n compressed bytes at p into cap bytes at out; 0, or -1. */
static int expand(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
	struct aplib a = { { p, n, 0, 0, 0 }, out, cap, 0 };

	memset(out, 0, cap);
	return aplib_expand(&a);
}

/* Section j's data in the copy, and how much of it there is. */
static uint8_t *raw_of(const struct spin *s, const struct pe_section *sec,
		       size_t *n)
{
	uint32_t raw = pe_loader_raw(s->pe, sec);
	uint64_t size = (uint64_t)sec->rawsize + (sec->raw - raw);

	*n = raw >= s->len ? 0 : size < s->len - raw ? size : s->len - raw;
	return s->f + (*n ? raw : 0);
}

static uint32_t cap_of(const struct pe_section *sec)
{
	return sec->vsize ? sec->vsize : sec->rawsize;
}

/* The resources, compressed from the address the stub names on, in a
 * section not compressed whole. */
static void resources(const struct spin *s, struct pe_image *img,
		      const struct pe_info *pe, uint32_t packed)
{
	int ok = 1;
	uint32_t from = word(s, S_RSRC, &ok), skip;
	uint16_t j;
	size_t n;

	for (j = 0; ok && from && j + 1 < pe->nsect && j < 32; j++) {
		const struct pe_section *sec = &pe->sect[j];
		const uint8_t *p = raw_of(s, sec, &n);

		if (from < sec->vaddr || from - sec->vaddr >= cap_of(sec) ||
		    from - sec->vaddr >= n || (packed >> j & 1))
			continue;
		skip = from - sec->vaddr;
		if (expand(p + skip, n - skip, img->b + from,
			   cap_of(sec) - skip) < 0) /* as the stub, go on */
			memcpy(img->b + from, p + skip,
			       n - skip < cap_of(sec) - skip ?
				       n - skip :
				       cap_of(sec) - skip);
		return;
	}
}

/* Decrypts the sections as the bitmaps say and puts them in the image,
 * expanded where compressed: 0, or FMT_DAMAGED. */
static int sections(struct spin *s, struct pe_image *img,
		    const struct pe_info *pe, uint32_t key4)
{
	int ok = 1, rc = 0;
	uint32_t xored = word(s, S_XOR_MAP, &ok), ops_map,
		 packed = word(s, S_PACK_MAP, &ok);
	struct byteops ops;
	uint16_t j;
	size_t n;

	ops_map = word(s, S_POLY_MAP, &ok);
	if (!ok || (ops_map && poly(s, S_POLY2, &ops) < 0))
		return FMT_DAMAGED;
	for (j = 0; j + 1 < pe->nsect; j++) {
		const struct pe_section *sec = &pe->sect[j];
		uint8_t *p = raw_of(s, sec, &n);
		uint32_t bit = j < 32 ? 1u << j : 0;

		if (xored & bit)
			lfsr_xor(p, n, key4, 0xed43af31u, 0);
		if (ops_map & bit)
			byteops_decrypt(&ops, p, (uint32_t)n);
		if (packed & bit) {
			if (expand(p, n, img->b + sec->vaddr, cap_of(sec)) < 0)
				rc = FMT_DAMAGED;
		} else if (n) {
			memcpy(img->b + sec->vaddr, p,
			       n < cap_of(sec) ? n : cap_of(sec));
		}
	}
	resources(s, img, pe, packed);
	return rc;
}

int pespin_unpack(struct fmt_ctx *c, struct pe_image *img,
		  const struct pe_info *pe, const uint8_t *buf, size_t len,
		  struct pe_unpacked *out)
{
	const struct pe_section *last = &pe->sect[pe->nsect - 1];
	struct spin s = { pe, NULL, len, 0, 0 };
	uint32_t key4 = 0;
	size_t n;
	int rc;

	if (!(s.f = malloc(len)))
		return VIGIL_ENOMEM;
	memcpy(s.f, buf, len);
	raw_of(&s, last, &n);
	s.ep = pe_loader_raw(pe, last) + (pe->ep - last->vaddr);
	s.stub_end = pe_loader_raw(pe, last) + n;
	rc = peel_stub(&s, buf, &key4);
	if (rc == PE_NOT_MINE)
		fmt_warn(c, "PESpin: not the stub of version 1.1");
	else if (rc == 0)
		rc = sections(&s, img, pe, key4);
	free(s.f);
	out->keep = (uint16_t)(pe->nsect - 1); /* without the stub's */
	return rc;
}
