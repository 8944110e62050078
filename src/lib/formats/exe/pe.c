/*
 * pe.c -- PE headers: DOS stub, e_lfanew, the COFF header, the optional
 * header (32- or 64-bit) and the section table, all bounds-checked; and
 * where the loader reads sections from.
 */
#include "common/le.h"
#include "formats/exe/pe.h"

#include <string.h>

#include "common/reader.h"

int pe_parse(const uint8_t *b, size_t len, struct pe_info *pe)
{
	struct rdr r;
	uint16_t opt, magic, i;
	uint32_t ndirs;

	memset(pe, 0, sizeof(*pe));
	rdr_init(&r, b, len);
	if (rdr_u16le(&r) != 0x5a4d || rdr_seek(&r, 0x3c) < 0)
		return -1;
	pe->pe_off = rdr_u32le(&r);
	if (rdr_seek(&r, pe->pe_off) < 0 || rdr_u32le(&r) != 0x00004550)
		return -1;
	rdr_skip(&r, 2);
	pe->nsect = rdr_u16le(&r);
	rdr_skip(&r, 12);
	opt = rdr_u16le(&r);
	pe->opt_size = opt;
	rdr_skip(&r, 2);
	magic = rdr_u16le(&r);
	pe->is64 = magic == 0x20b;
	rdr_skip(&r, 14);
	pe->ep = rdr_u32le(&r);
	rdr_skip(&r, pe->is64 ? 4 : 8);
	pe->image_base = pe->is64 ? rdr_u64le(&r) : rdr_u32le(&r);
	pe->sect_align = rdr_u32le(&r);
	pe->file_align = rdr_u32le(&r);
	rdr_skip(&r, 20); /* versions, SizeOfImage */
	pe->headers_size = rdr_u32le(&r);
	/* checksum .. heap sizes, loader flags, then the data directories */
	rdr_skip(&r, 8 + (pe->is64 ? 32 : 16) + 4);
	ndirs = rdr_u32le(&r);
	if (ndirs > 1) {
		rdr_skip(&r, 8); /* exports */
		pe->imp_rva = rdr_u32le(&r);
		pe->imp_size = rdr_u32le(&r);
	}
	if (ndirs > 2) {
		pe->rsrc_rva = rdr_u32le(&r);
		pe->rsrc_size = rdr_u32le(&r);
	}
	if (rdr_failed(&r) || pe->nsect > PE_MAX_SECTIONS ||
	    rdr_seek(&r, (size_t)pe->pe_off + 24 + opt) < 0)
		return -1;
	for (i = 0; i < pe->nsect; i++) {
		struct pe_section *s = &pe->sect[i];
		const uint8_t *n = rdr_bytes(&r, 8);

		if (!n)
			return -1;
		memcpy(s->name, n, 8);
		s->vsize = rdr_u32le(&r);
		s->vaddr = rdr_u32le(&r);
		s->rawsize = rdr_u32le(&r);
		s->raw = rdr_u32le(&r);
		rdr_skip(&r, 12);
		s->flags = rdr_u32le(&r);
	}
	pe->table_end = (uint32_t)r.pos;
	return rdr_failed(&r) ? -1 : 0;
}

size_t pe_image_size(const uint8_t *b, size_t len)
{
	struct pe_info pe;
	uint64_t end;
	uint16_t i;

	if (pe_parse(b, len, &pe) < 0)
		return 0;
	end = pe.table_end;
	for (i = 0; i < pe.nsect; i++)
		if (pe.sect[i].raw && pe.sect[i].rawsize &&
		    (uint64_t)pe.sect[i].raw + pe.sect[i].rawsize > end)
			end = (uint64_t)pe.sect[i].raw + pe.sect[i].rawsize;
	if (end < 0x40)
		return 0;
	return end > len ? len : (size_t)end;
}

long pe_rva_to_off(const struct pe_info *pe, uint32_t rva)
{
	uint16_t i;

	for (i = 0; i < pe->nsect; i++) {
		const struct pe_section *s = &pe->sect[i];
		uint32_t span = s->vsize > s->rawsize ? s->vsize : s->rawsize;

		if (rva >= s->vaddr && rva - s->vaddr < span &&
		    rva - s->vaddr < s->rawsize)
			return (long)s->raw + (long)(rva - s->vaddr);
	}
	return rva < pe->headers_size ? (long)rva : -1;
}

uint32_t pe_loader_raw(const struct pe_info *pe, const struct pe_section *s)
{
	return pe->file_align >= PE_RAW_ALIGN ? s->raw & ~(PE_RAW_ALIGN - 1u) :
						s->raw;
}

long pe_loader_off(const struct pe_info *pe, uint32_t rva)
{
	uint16_t i;

	for (i = 0; i < pe->nsect; i++) {
		const struct pe_section *s = &pe->sect[i];
		uint32_t lead = s->raw - pe_loader_raw(pe, s);

		if (rva >= s->vaddr &&
		    rva - s->vaddr < (uint64_t)s->rawsize + lead)
			return (long)pe_loader_raw(pe, s) + (long)(rva - s->vaddr);
	}
	return rva < pe->headers_size ? (long)rva : -1;
}

