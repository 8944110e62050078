/*
 * mew.c -- executables packed with MEW 11. MEW empties the first section
 * (the image is unpacked into it) and keeps its loader in the PE header:
 * the entry point jumps to offset 0x154 or 0x158 of the image, where
 * "mov esi, <address>" names the unpacking data in the second section:
 * the original entry point and the first destination, then chunks, each
 * aPLib-compressed (a stored first byte, then a bit stream of bytes, top
 * bit first, with the literals and offset bytes between them: aplib.c) and
 * followed by the next destination, 0 after the last. When the loader
 * calls a further routine, raw LZMA chunks follow (lc 4, lp 0, pb 2:
 * lzmaraw.c; a routine starting with "push eax" has one chunk, whose
 * calls and jumps are then turned from absolute big-endian targets back
 * to relative ones). The image goes on (pepack.c) with the original entry
 * point.
 */
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/codec/aplib.h"
#include "formats/codec/lzmaraw.h"
#include "formats/exe/packers/pepack.h"
#include "vigil/vigil.h"

#define MEW_MAX_CHUNKS 96	/* aPLib or LZMA chunks */

/* Where the entry point's jump leads: the loader's offset, or 0. */
static uint32_t loader(const uint8_t *buf, size_t len,
		       const struct pe_info *pe, size_t ep)
{
	uint32_t at;

	if (ep + 5 > len || buf[ep] != 0xe9)
		return 0;
	at = pe->ep + 5 + le32_load(buf + ep + 1);
	return (at == 0x154 || at == 0x158) && at + 0x80 <= len &&
		       buf[at] == 0xbe ?
		       at :
		       0;
}

int mew_is(const uint8_t *buf, size_t len, const struct pe_info *pe,
	   size_t ep)
{
	return pepack_empty_section(pe) >= 0 && loader(buf, len, pe, ep) != 0;
}

/* Expands n bytes of LZMA (lc 4, lp 0, pb 2) from the csize bytes at
 * src to dst in the image: 0, FMT_DAMAGED or VIGIL_ENOMEM. */
static int lzma_chunk(struct pe_image *img, uint64_t src, uint32_t csize,
		      uint64_t dst, uint32_t n)
{
	uint8_t *in;
	int rc;

	if (src > img->len || csize > img->len - src || dst > img->len ||
	    n > img->len - dst)
		return FMT_DAMAGED;
	if (!(in = malloc(csize ? csize : 1)))
		return VIGIL_ENOMEM;
	memcpy(in, img->b + src, csize); /* it may be unpacked over */
	rc = lzma_raw(in, csize, img->b + dst, n, 4, 0, 2);
	free(in);
	return rc;
}

/* Turns the calls and jumps in n bytes at p from absolute big-endian
 * targets back to relative ones. */
static void calls_back(uint8_t *p, uint32_t n)
{
	uint32_t i, t;

	for (i = 0; n > 5 && i < n - 5; i++) {
		if (p[i] != 0xe8 && p[i] != 0xe9)
			continue;
		t = (uint32_t)p[i + 1] << 24 | (uint32_t)p[i + 2] << 16 |
		    (uint32_t)p[i + 3] << 8 | p[i + 4];
		t -= i + 1;
		p[i + 1] = (uint8_t)t;
		p[i + 2] = (uint8_t)(t >> 8);
		p[i + 3] = (uint8_t)(t >> 16);
		p[i + 4] = (uint8_t)(t >> 24);
		i += 4;
	}
}

/* The LZMA chunks at pos: [calls' extent if special] [a word not used]
 * then size, destination, compressed size, a byte, the data; a size of
 * 0 ends them (the special routine has one). */
static int lzma_chunks(struct pe_image *img, uint64_t pos, uint32_t base,
		       int special)
{
	uint32_t calls = 0, n, dst, csize, i;
	int ok = 1, rc;

	if (special) {
		calls = pe_image_u32(img, pos, &ok);
		pos += 4;
	}
	pos += 4;
	for (i = 0; i < MEW_MAX_CHUNKS; i++) {
		n = pe_image_u32(img, pos, &ok);
		dst = pe_image_u32(img, pos + 4, &ok) - base;
		csize = pe_image_u32(img, pos + 8, &ok);
		if (!ok)
			return FMT_DAMAGED;
		if (!n)
			return 0;
		if ((rc = lzma_chunk(img, pos + 13, csize, dst, n)) != 0)
			return rc;
		if (special) {
			if (calls <= img->len - dst)
				calls_back(img->b + dst, calls);
			return 0;
		}
		pos += 13 + (uint64_t)csize;
	}
	return FMT_DAMAGED;
}

/* The aPLib chunks from the data at `data`: 0, or FMT_DAMAGED; *end:
 * where the 0 after the last is. */
static int aplib_chunks(struct fmt_ctx *c, struct pe_image *img,
			uint64_t data, uint32_t base, uint64_t *end)
{
	struct aplib a = { { img->b, img->len, 0, 0, 0 }, img->b, img->len, 0 };
	uint32_t next;
	unsigned i;
	int ok = 1;

	a.dst = pe_image_u32(img, data + 8, &ok) - base;
	a.s.pos = (size_t)data + 12;
	for (i = 0; ok && i < MEW_MAX_CHUNKS && !fmt_expired(c); i++) {
		if (aplib_expand(&a) < 0)
			return FMT_DAMAGED;
		*end = a.s.pos;
		if (!(next = pe_image_u32(img, a.s.pos, &ok)))
			return ok ? 0 : FMT_DAMAGED;
		a.dst = next - base;
		a.s.pos += 4;
	}
	return FMT_DAMAGED;
}

int mew_unpack(struct fmt_ctx *c, struct pe_image *img,
	       const struct pe_info *pe, const uint8_t *buf, size_t len,
	       struct pe_unpacked *out)
{
	const struct pe_section *s = &pe->sect[pepack_empty_section(pe) + 1];
	uint32_t at = loader(buf, len, pe, (size_t)pe_loader_off(pe, pe->ep));
	uint32_t base = (uint32_t)pe->image_base, routine = 0, oep;
	uint64_t data = (uint32_t)(le32_load(buf + at + 1) - base), end = 0;
	int rc, ok = 1;

	if (data <= s->vaddr || data + 12 > (uint64_t)s->vaddr + s->rawsize)
		return PE_NOT_MINE;
	if (buf[at + 0x7b] == 0xe8) /* call: LZMA chunks follow */
		routine = at + 0x80 + le32_load(buf + at + 0x7c);
	oep = pe_image_u32(img, data + 4, &ok) - base;
	if (ok)
		out->ep = oep;
	rc = aplib_chunks(c, img, data, base, &end);
	if (!rc && routine)
		rc = (uint64_t)routine + 9 > img->len ?
			     FMT_DAMAGED :
			     lzma_chunks(img, end + 4, base,
					 img->b[routine + 8] == 0x50);
	return rc;
}
