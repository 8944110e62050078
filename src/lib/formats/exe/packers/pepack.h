/*
 * pepack.h -- the PE packers recognised by the code at the entry point:
 * one line each in the table of pepack.c, one file each here. pepack.c
 * maps the file as the loader would (pe_image_map, every section), the
 * packer unpacks in that image, and pepack.c hands the image on as
 * "<packer>-unpacked" with the sections and entry point the packer says.
 */
#ifndef VIGIL_FORMATS_PEPACK_H
#define VIGIL_FORMATS_PEPACK_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"
#include "formats/exe/pe.h"
#include "formats/exe/peimage.h"

/* An unpacker's answer: not this packer's file after all. */
#define PE_NOT_MINE (-101)

/* What the unpacked image keeps: its first `keep` sections (by default
 * all) and its entry point (by default the file's). */
struct pe_unpacked {
	uint16_t keep;
	uint32_t ep;
};

struct pe_packer {
	const char *name;	/* in messages: "WWPack" */
	const char *object;	/* what is handed on: "wwpack-unpacked" */
	/* 1 if the packer's stub is at the entry point (ep: its offset). */
	int (*is)(const uint8_t *buf, size_t len, const struct pe_info *pe,
		  size_t ep);
	/*
	 * Unpacks in img: 0, FMT_DAMAGED (what it unpacked so far is still
	 * handed on), PE_NOT_MINE or VIGIL_ENOMEM.
	 */
	int (*unpack)(struct fmt_ctx *c, struct pe_image *img,
		      const struct pe_info *pe, const uint8_t *buf, size_t len,
		      struct pe_unpacked *out);
};

/* The first empty section (no raw data) followed by one with data, as
 * packers that unpack into the empty one leave them; -1 if none. */
int pepack_empty_section(const struct pe_info *pe);

#define PE_PACKER(name)                                                   \
	int name##_is(const uint8_t *buf, size_t len,                      \
		      const struct pe_info *pe, size_t ep);                \
	int name##_unpack(struct fmt_ctx *c, struct pe_image *img,         \
			  const struct pe_info *pe, const uint8_t *buf,    \
			  size_t len, struct pe_unpacked *out)

PE_PACKER(aspack);
PE_PACKER(fsg);
PE_PACKER(mew);
PE_PACKER(pespin);
PE_PACKER(petite);
PE_PACKER(upack);
PE_PACKER(wwpack);

#endif
