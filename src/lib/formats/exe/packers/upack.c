/*
 * upack.c -- executables packed with Upack 0.39 (its three-section form,
 * as ClamAV's test file). Upack's loader lives in the PE header (an
 * optional header of 0x148 bytes, sections mapped over it); the entry
 * point reads "mov esi, <its data>; lodsd": the original entry point,
 * then where the loader's tables go. The loader's code is followed jump by
 * jump to what the packer varies: the number of probabilities, the literal
 * context (a "shr ebp, N": lc = 8 - N), the data that initialises the
 * decoder (copied from the header: the compressed stream's address, the
 * output's start and end, the number of calls to fix) and the marker byte
 * of the calls the packer rewrote. The stream is LZMA (lp 0, pb 0) with a
 * range coder that keeps its low end rather than its code, which decodes
 * as LZMA's does after a zero byte; liblzma decodes it. The calls are
 * turned back (a marker byte, a big-endian target), and the image goes on
 * (pepack.c) with its first section and the original entry point.
 */
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/codec/lzmaraw.h"
#include "formats/exe/packers/pepack.h"
#include "vigil/vigil.h"

#define UPACK_OPT_SIZE 0x148	/* Upack's optional header */
#define UPACK_TABLE_WORDS 0x27	/* the decoder's initial data, in words */

int upack_is(const uint8_t *buf, size_t len, const struct pe_info *pe,
	     size_t ep)
{
	uint32_t v, min = 0xffffffffu;
	uint16_t i;

	if (pe->nsect != 3 || pe->opt_size != UPACK_OPT_SIZE || ep + 7 > len ||
	    buf[ep] != 0xbe || buf[ep + 5] != 0xad || buf[ep + 6] != 0x50)
		return 0;
	for (i = 0; i < pe->nsect; i++)
		if (pe->sect[i].vaddr < min)
			min = pe->sect[i].vaddr;
	v = le32_load(buf + ep + 1);
	return v - (uint32_t)pe->image_base > min;
}

/* What the loader's code says. */
struct upack {
	uint32_t tables;	/* where its data is copied to */
	uint32_t init;		/* where that data comes from */
	uint32_t count_at;	/* the mov ch that sizes the probabilities */
	uint32_t shr_at;	/* its shr ebp, N */
	uint32_t marker_at;	/* the cmp al, <marker> of the call fixer */
};

/* Follows the loader from the entry point to its variable parts: 0, or
 * -1 if the code is not Upack 0.39's. *n: the literal context shift. */
static int walk(const struct pe_image *img, const struct pe_info *pe,
		struct upack *u, unsigned *n)
{
	uint32_t base = (uint32_t)pe->image_base, ep = pe->ep, s, at, shl;
	unsigned jump = 8, shr = 24;
	int ok = 1;

	at = pe_image_u32(img, ep + 1, &ok) - base; /* mov esi, <data> */
	u->tables = pe_image_u32(img, at + 8ull, &ok) - base;
	if (pe_image_u8(img, ep + 0xa, &ok) != 0xeb) /* to the second part */
		return -1;
	s = ep + 0xc + (uint32_t)(int8_t)pe_image_u8(img, ep + 0xb, &ok);
	if (pe_image_u8(img, s + 0x1a, &ok) != 0xeb) /* jmp over the names */
		return -1;
	at = s + 0x1c + (uint32_t)(int8_t)pe_image_u8(img, s + 0x1b, &ok) + 0xa;
	u->count_at = at + 1;
	if (pe_image_u8(img, at, &ok) != 0xb5 ||
	    pe_image_u8(img, at + 9, &ok) != 0xe9)
		return -1; /* mov ch, <count>; ...; jmp <the unpacker> */
	shl = at + 14 + pe_image_u32(img, at + 10ull, &ok);
	at = shl + 43; /* after its jecxz */
	if (pe_image_u8(img, at - 1, &ok) != 0xe3) {
		at = shl + 46; /* the later build */
		jump = 7;
		shr = 26;
		if (pe_image_u8(img, at - 1, &ok) != 0xe3)
			return -1;
	}
	at += 1 + (uint32_t)(int8_t)pe_image_u8(img, at, &ok);
	if (pe_image_u8(img, at + jump, &ok) != 0xe9)
		return -1;
	u->marker_at = at + jump + 5 + 27 +
		       pe_image_u32(img, at + jump + 1ull, &ok);
	u->shr_at = shl + shr;
	if (pe_image_u8(img, u->shr_at, &ok) != 0xc1 ||
	    pe_image_u8(img, u->shr_at + 1, &ok) != 0xed ||
	    pe_image_u8(img, s + 7, &ok) != 0xbe)
		return -1;
	*n = pe_image_u8(img, u->shr_at + 2, &ok);
	u->init = pe_image_u32(img, s + 8ull, &ok) - base;
	return ok ? 0 : -1;
}

/* LZMA (lc, lp 0, pb 0) from src (to the image's end, after an implied
 * zero byte) into [out, end): 0, FMT_DAMAGED or VIGIL_ENOMEM. */
static int decode(struct pe_image *img, uint32_t src, uint32_t out,
		  uint32_t end, unsigned lc)
{
	size_t n;
	uint8_t *in;
	int rc;

	if (src >= img->len || out > end || end > img->len)
		return FMT_DAMAGED;
	n = img->len - src;
	if (!(in = calloc(1, n + 1)))
		return VIGIL_ENOMEM;
	memcpy(in + 1, img->b + src, n);
	rc = lzma_raw(in, n + 1, img->b + out, end - out, lc, 0, 0);
	free(in);
	return rc;
}

/* Turns back `fixes` calls and jumps from out on: after an E8 or E9, the
 * marker byte, then a big-endian 24-bit target. */
static void calls_back(struct pe_image *img, uint32_t out, uint32_t fixes,
		       uint8_t marker)
{
	uint64_t i = out;

	while (fixes && i + 5 <= img->len) {
		uint8_t *p = img->b + i;
		uint32_t t;

		if ((p[0] != 0xe8 && p[0] != 0xe9) || p[1] != marker) {
			i++;
			continue;
		}
		t = ((uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4]) -
		    (uint32_t)(i + 1 - out) - 4;
		p[1] = (uint8_t)t;
		p[2] = (uint8_t)(t >> 8);
		p[3] = (uint8_t)(t >> 16);
		p[4] = (uint8_t)(t >> 24);
		i += 5;
		fixes--;
	}
}

int upack_unpack(struct fmt_ctx *c, struct pe_image *img,
		 const struct pe_info *pe, const uint8_t *buf, size_t len,
		 struct pe_unpacked *out)
{
	uint32_t base = (uint32_t)pe->image_base, e, t, from, to, end;
	struct upack u;
	unsigned n;
	int ok = 1, rc;

	(void)buf;
	(void)len;
	out->keep = 1;
	if (walk(img, pe, &u, &n) < 0) {
		fmt_warn(c, "Upack: not a loader this version knows");
		return PE_NOT_MINE;
	}
	if (n < 4 || n > 8) { /* lc above 4: beyond liblzma's LZMA1 */
		fmt_warn(c, "Upack: literal context of %u bits", 8 - n);
		return FMT_DAMAGED;
	}
	if ((uint64_t)u.init + 4 * UPACK_TABLE_WORDS > img->len ||
	    (uint64_t)u.tables + 4 * UPACK_TABLE_WORDS > img->len)
		return FMT_DAMAGED;
	memmove(img->b + u.tables, img->b + u.init, 4 * UPACK_TABLE_WORDS);
	e = u.init + 4 * UPACK_TABLE_WORDS;
	t = u.tables + 4 * UPACK_TABLE_WORDS;
	from = pe_image_u32(img, t - 4ull, &ok) - base;
	to = pe_image_u32(img, e + 0xcull, &ok) - base;
	end = pe_image_u32(img, e + 0x34ull, &ok) - base;
	if (!ok)
		return FMT_DAMAGED;
	rc = decode(img, from, to, end, 8 - n);
	if (rc == 0)
		calls_back(img, to, pe_image_u32(img, e + 4ull, &ok),
			   pe_image_u8(img, u.marker_at, &ok));
	e = pe_image_u32(img, pe->ep + 1ull, &ok) - base; /* mov esi, <data> */
	out->ep = pe_image_u32(img, e, &ok) - base;
	return rc;
}
