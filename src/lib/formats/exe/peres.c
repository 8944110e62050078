/*
 * peres.c -- a PE image's resources: the three-level directory (type,
 * name, language) under the resource data directory, each leaf handed
 * over as "resource/<type>/<name>", so that a payload kept in a resource
 * (RCDATA droppers, archives, scripts) is an object of its own.
 */
#include <stdio.h>

#include "formats/format.h"
#include "formats/exe/pe.h"
#include "formats/exe/peres.h"
#include "common/reader.h"

/* Leaves handed over, and directory entries read, per image at most. */
#define PERES_MAX_LEAVES 4096
#define PERES_MAX_ENTRIES 65536

struct res_walk {
	struct fmt_ctx *c;
	const struct pe_info *pe;
	const uint8_t *buf;
	size_t len;
	size_t base;		/* file offset of the resource directory */
	unsigned leaves, entries;
	uint32_t path[3];	/* type, name, language ids (or name offsets) */
};

static int leaf(struct res_walk *w, uint32_t off)
{
	struct rdr r;
	uint32_t rva, size;
	long at;
	char name[64];

	rdr_init(&r, w->buf, w->len);
	rdr_seek(&r, w->base + off);
	rva = rdr_u32le(&r);
	size = rdr_u32le(&r);
	if (rdr_failed(&r) || !size || (at = pe_rva_to_off(w->pe, rva)) < 0 ||
	    (size_t)at > w->len || size > w->len - (size_t)at)
		return 0;
	if (++w->leaves > PERES_MAX_LEAVES)
		return 1;
	snprintf(name, sizeof(name), "resource/%u/%u", w->path[0], w->path[1]);
	return fmt_child(w->c, name, w->buf + at, size);
}

static int dir(struct res_walk *w, uint32_t off, unsigned depth)
{
	struct rdr r;
	uint32_t n, i;
	int rc = 0;

	rdr_init(&r, w->buf, w->len);
	rdr_seek(&r, w->base + off + 12);
	n = (uint32_t)rdr_u16le(&r) + rdr_u16le(&r);
	for (i = 0; i < n && !rc && !rdr_failed(&r); i++) {
		uint32_t id = rdr_u32le(&r), to = rdr_u32le(&r);
		size_t next = r.pos;

		if (rdr_failed(&r) || ++w->entries > PERES_MAX_ENTRIES)
			break;
		w->path[depth] = id & 0x7fffffff;
		if (!(to & 0x80000000))
			rc = leaf(w, to);
		else if (depth < 2) /* deeper trees are malformed (or loops) */
			rc = dir(w, to & 0x7fffffff, depth + 1);
		rdr_seek(&r, next);
	}
	return rc;
}

int peres_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct pe_info pe;
	struct res_walk w = { c, &pe, buf, len, 0, 0, 0, { 0, 0, 0 } };
	long base;
	int rc;

	if (pe_parse(buf, len, &pe) < 0 || !pe.rsrc_rva || !pe.rsrc_size ||
	    (base = pe_rva_to_off(&pe, pe.rsrc_rva)) < 0)
		return 0;
	w.base = (size_t)base;
	rc = dir(&w, 0, 0);
	if (rc == 1 && w.leaves > PERES_MAX_LEAVES) {
		fmt_warn(c, "more than %d resources: the rest not unpacked",
			 PERES_MAX_LEAVES);
		rc = 0;
	}
	return rc;
}
