/*
 * pepack.h -- the PE packers recognised by the code at the entry point:
 * one line each in the table of pepack.c, one file each here.
 */
#ifndef VIGIL_FORMATS_PEPACK_H
#define VIGIL_FORMATS_PEPACK_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"
#include "formats/pe.h"

struct pe_packer {
	const char *name;
	/* 1 if the packer's stub is at the entry point (ep: its offset). */
	int (*is)(const uint8_t *buf, size_t len, const struct pe_info *pe,
		  size_t ep);
	/* Hands the unpacked image on; returns as fmt_child(). */
	int (*unpack)(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		      const struct pe_info *pe);
};

#define PE_PACKER(name)                                                   \
	int name##_is(const uint8_t *buf, size_t len,                      \
		      const struct pe_info *pe, size_t ep);                \
	int name##_unpack(struct fmt_ctx *c, const uint8_t *buf, size_t len, \
			  const struct pe_info *pe)

PE_PACKER(aspack);
PE_PACKER(mew);
PE_PACKER(petite);
PE_PACKER(wwpack);

#endif
