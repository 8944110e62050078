/*
 * fsg.c -- executables packed with FSG 2.0. The image is unpacked into an
 * empty section from the one after it. The entry point swaps the stack
 * pointer with a word of that section ("xchg esp, [addr]"): the new stack
 * holds, as the stub pops them, the destination (the empty section), the
 * aPLib-compressed data (aplib.c) and a table whose fourth word is the
 * original entry point. The image goes on (pepack.c) with the sections up
 * to the unpacked one and the original entry point.
 */
#include "common/le.h"
#include "formats/codec/aplib.h"
#include "formats/exe/packers/pepack.h"
#include "vigil/vigil.h"

int fsg_is(const uint8_t *buf, size_t len, const struct pe_info *pe,
	   size_t ep)
{
	return pepack_empty_section(pe) >= 0 && ep + 6 <= len &&
	       buf[ep] == 0x87 && buf[ep + 1] == 0x25;
}

/* The image's word at the address va, which must lie in section s's raw
 * data; *ok cleared if not. */
static uint32_t in_sect(const struct pe_image *img, const struct pe_section *s,
			uint32_t base, uint32_t va, unsigned n, int *ok)
{
	uint32_t rva = va - base;
	const uint8_t *p;

	if (rva < s->vaddr || (uint64_t)rva - s->vaddr + n > s->rawsize ||
	    (uint64_t)rva + 4 > img->len) {
		*ok = 0;
		return 0;
	}
	p = img->b + rva;
	return le32_load(p);
}

int fsg_unpack(struct fmt_ctx *c, struct pe_image *img,
	       const struct pe_info *pe, const uint8_t *buf, size_t len,
	       struct pe_unpacked *out)
{
	int i = pepack_empty_section(pe), ok = 1;
	const struct pe_section *dst = &pe->sect[i], *src = &pe->sect[i + 1];
	uint32_t base = (uint32_t)pe->image_base, stack, edi, esi, table, oep;
	struct aplib a = { { img->b, 0, 0, 0, 0 }, img->b, 0, 0 };

	(void)c;
	(void)buf;
	(void)len;
	if ((uint64_t)pe->ep + 6 > img->len)
		return PE_NOT_MINE;
	/* xchg esp, [va]: the word at va is the stack the stub pops */
	stack = in_sect(img, src, base, (uint32_t)img->b[pe->ep + 2] |
		(uint32_t)img->b[pe->ep + 3] << 8 |
		(uint32_t)img->b[pe->ep + 4] << 16 |
		(uint32_t)img->b[pe->ep + 5] << 24, 4, &ok);
	edi = in_sect(img, src, base, stack, 32, &ok) - base;
	esi = in_sect(img, src, base, stack + 4, 4, &ok) - base;
	table = in_sect(img, src, base, stack + 16, 4, &ok);
	oep = in_sect(img, src, base, table, 16, &ok); /* checks the table */
	oep = in_sect(img, src, base, table + 12, 4, &ok) - base;
	if (!ok || edi != dst->vaddr || esi < src->vaddr ||
	    esi - src->vaddr >= src->rawsize)
		return PE_NOT_MINE;
	a.s.pos = esi;
	a.s.len = src->vaddr + (size_t)src->rawsize;
	a.dst = edi;
	a.len = edi + (size_t)dst->vsize;
	if (a.s.len > img->len || a.len > img->len)
		return FMT_DAMAGED;
	out->ep = oep;
	out->keep = (uint16_t)(i + 1);
	return aplib_expand(&a) < 0 ? FMT_DAMAGED : 0;
}
