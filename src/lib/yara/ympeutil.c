/*
 * ympeutil.c -- reading a PE image for the pe module: what is left of
 * the file from an offset, an RVA's file offset as yara computes it, a
 * data directory.
 */
#include "common/le.h"
#include "yara/ympe.h"

size_t ympe_avail(const struct ympe *pe, uint64_t off)
{
	return off < pe->len ? pe->len - (size_t)off : 0;
}

/*
 * The section holding rva (the last with the highest address whose
 * virtual size covers it), its raw offset rounded down to the file
 * alignment when that is below 512; before the first section the file
 * maps one to one. Past the section's raw data or the file: -1.
 */
int64_t ympe_rva_to_offset(const struct ympe *pe, uint64_t rva)
{
	uint32_t lowest = 0xffffffffu, srva = 0, soff = 0, sraw = 0, i;
	uint32_t align = pe->file_align < 0x200 ? pe->file_align : 0x200;
	uint64_t raw_size, result;

	if (pe->nsect < pe->nsect_want)
		return -1; /* a section header past the end */
	for (i = 0; i < pe->nsect; i++) {
		const uint8_t *h = pe->b + pe->sect + 40 * i;
		uint32_t va = le32_load(h + 12), vs = le32_load(h + 8);

		if (va < lowest)
			lowest = va;
		if (rva >= va && rva - va < vs && srva <= va) {
			srva = va;
			soff = le32_load(h + 20);
			sraw = le32_load(h + 16);
			if (align)
				soff -= soff % align;
		}
	}
	raw_size = sraw;
	if (rva < lowest) {
		srva = 0;
		soff = 0;
		raw_size = pe->len;
	}
	if (rva - srva >= raw_size)
		return -1;
	result = (uint64_t)soff + (rva - srva);
	return result >= pe->len ? -1 : (int64_t)result;
}

int ympe_dir(const struct ympe *pe, unsigned i, uint32_t *rva,
	     uint32_t *size)
{
	uint64_t at = (uint64_t)pe->opt + (pe->is64 ? 112 : 96) + 8ull * i;

	if ((i != 14 || pe->is64) && pe->ndirs < i)
		return -1;
	if (ympe_avail(pe, at) < 8)
		return -1;
	*rva = le32_load(pe->b + at);
	*size = le32_load(pe->b + at + 4);
	return 0;
}
