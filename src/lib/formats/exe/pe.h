/*
 * pe.h -- the headers and section table of a PE image, read through the
 * bounded reader, for the unpackers, the embedded-image finder and the
 * executable-relative offsets of signatures.
 */
#ifndef VIGIL_FORMATS_PE_H
#define VIGIL_FORMATS_PE_H

#include <stddef.h>
#include <stdint.h>

#define PE_MAX_SECTIONS 96
#define PE_RAW_ALIGN 0x200 /* the loader's rounding of raw offsets */

struct pe_section {
	char name[9];
	uint32_t vaddr, vsize;	/* relative virtual address and size */
	uint32_t raw, rawsize;	/* file offset and size */
	uint32_t flags;
};

struct pe_info {
	uint32_t pe_off;	/* of the "PE\0\0" signature */
	int is64;
	uint32_t ep;		/* entry point RVA */
	uint64_t image_base;
	uint32_t sect_align, file_align;
	uint32_t imp_rva, imp_size;	/* import directory, 0 if none */
	uint32_t rsrc_rva, rsrc_size;	/* resource directory, 0 if none */
	uint32_t headers_size;	/* as declared; may exceed the real headers */
	uint32_t table_end;	/* where the section table ends */
	uint16_t nsect, opt_size;	/* sections; optional header's size */
	struct pe_section sect[PE_MAX_SECTIONS];
};

/* Parses b; 0, or -1 if it is not a PE image. */
int pe_parse(const uint8_t *b, size_t len, struct pe_info *pe);
/*
 * Bytes from b to the end of the image: its section table or its last
 * section's data, whichever ends later; 0 if not a PE.
 */
size_t pe_image_size(const uint8_t *b, size_t len);
/* File offset of an RVA, or -1 if no section holds it. */
long pe_rva_to_off(const struct pe_info *pe, uint32_t rva);
/*
 * Where the Windows loader reads a section from: its raw offset rounded
 * down to 512 bytes when the file alignment is at least that (packers
 * rely on it; signatures' section offsets and hashes use the offset as
 * declared). pe_loader_off: an RVA's file offset the same way, or -1.
 */
uint32_t pe_loader_raw(const struct pe_info *pe, const struct pe_section *s);
long pe_loader_off(const struct pe_info *pe, uint32_t rva);

#endif
