/*
 * sfx.c -- self-extracting archives: a zip, 7z, RAR or cab appended to an
 * executable stub (PE or ELF). The earliest archive signature in the
 * overlay (what follows the image) starts the archive, which libarchive
 * then reads as if it were a file of its own; its entries appear directly
 * under the executable's path. A PE that came out of a container (an
 * unpacked image, a dropper's payload) with no archive in its overlay is
 * also searched from the end of its headers, sections and all: payloads
 * are kept in sections too, and a packer's output has no overlay.
 */
#include <string.h>

#include "formats/format.h"
#include "formats/exe/stages.h"
#include "formats/parsers.h"
#include "formats/exe/exeinfo.h"
#include "formats/exe/pe.h"
#include "common/reader.h"
#include "vigil/vigil.h"

static const struct {
	const char *magic;
	size_t n;
} sigs[] = {
	{ "PK\003\004", 4 },
	{ "7z\274\257\047\034", 6 },
	{ "Rar!\032\007", 6 },
	{ "MSCF\0\0\0\0", 8 },
};

/* Offset of the earliest archive in buf from start on, or 0. */
static size_t find_from(const uint8_t *buf, size_t len, size_t start)
{
	size_t best = 0, i;

	if (!start || start >= len)
		return 0;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct rdr r; /* up to the best found so far */

		rdr_init(&r, buf + start, best ? best - start : len - start);
		if (rdr_find(&r, sigs[i].magic, sigs[i].n))
			best = start + r.pos;
	}
	return best;
}

/* Offset of the archive in the overlay, or 0 if there is none. */
static size_t find(const uint8_t *buf, size_t len, int type)
{
	return find_from(buf, len, type == VIGIL_TYPE_PE ?
					   pe_image_size(buf, len) :
					   exeinfo_elf_end(buf, len));
}

/* Offset of an archive in a PE's sections, or 0. */
static size_t find_in_sections(const uint8_t *buf, size_t len)
{
	struct pe_info pe;

	return pe_parse(buf, len, &pe) < 0 ? 0 :
					     find_from(buf, len, pe.table_end);
}

int sfx_probe(const uint8_t *buf, size_t len, int type)
{
	return type == VIGIL_TYPE_ELF && find(buf, len, type);
}

int sfx_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	size_t off = find(buf, len, fmt_type(c));

	if (!off && fmt_type(c) == VIGIL_TYPE_PE && fmt_depth(c) > 0)
		off = find_in_sections(buf, len);
	return off ? archive_extract(c, buf + off, len - off) : 0;
}
