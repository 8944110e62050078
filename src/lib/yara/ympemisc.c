/*
 * ympemisc.c -- the pe module's rich header (Microsoft's linker's
 * record of its tools, between the DOS stub and the PE header, masked
 * with a key) with version() and toolid() over it, and the debug
 * directory's CodeView record: the PDB path.
 */
#include <string.h>

#include "common/le.h"
#include "yara/ympe.h"

#define RICH_RICH 0x68636952u	/* "Rich" */
#define RICH_DANS 0x536e6144u	/* "DanS" */
/* A PDB path's bytes at most, as Windows' MAX_PATH. */
#define PDB_MAX_PATH 260

void ympe_rich(struct ym_scan *s, struct ympe *pe)
{
	int64_t p, rich = -1, dans = -1;
	uint32_t key = 0, k;
	struct ym_obj *o;
	uint8_t *clear;
	size_t len, i;

	for (p = (int64_t)pe->nt - 4; p >= 64; p -= 4)
		if (le32_load(pe->b + p) == RICH_RICH) {
			key = le32_load(pe->b + p + 4);
			rich = p;
			break;
		}
	for (p = rich - 4; key && p >= 64; p -= 4)
		if ((le32_load(pe->b + p) ^ key) == RICH_DANS) {
			dans = p;
			break;
		}
	if (dans < 0 || le32_load(pe->b + dans + 4) != key ||
	    le32_load(pe->b + dans + 8) != key ||
	    le32_load(pe->b + dans + 12) != key)
		return;
	len = (size_t)(rich - dans);
	o = ym_sub(s, pe->root, PE_RICH_SIGNATURE, PER_N);
	ym_int(o, PER_OFFSET, dans);
	ym_int(o, PER_LENGTH, (int64_t)len);
	ym_int(o, PER_KEY, key);
	ym_str(s, o, PER_RAW_DATA, pe->b + dans, len);
	ym_str(s, o, PER_CLEAR_DATA, pe->b + dans, len);
	if (!o || o->v[PER_CLEAR_DATA].type != YM_STR)
		return;
	clear = (uint8_t *)(uintptr_t)o->v[PER_CLEAR_DATA].u.s;
	for (i = 0; i + 4 <= len; i += 4)
		for (k = 0; k < 4; k++)
			clear[i + k] ^= (uint8_t)(key >> (8 * k));
}

/* Times the tools with version and/or tool id (-1: any) were used. */
static struct ym_val rich_count(const struct ym_call *c, int64_t version,
				int64_t tool)
{
	const struct ympe *pe = c->priv;
	const struct ym_val *cl;
	int64_t n = 0;
	uint32_t i;

	if (!pe || !pe->nt || ym_get(c->self, PER_LENGTH)->type != YM_INT ||
	    (cl = ym_get(c->self, PER_CLEAR_DATA))->type != YM_STR)
		return ym_undef;
	for (i = 16; i + 8 <= cl->n; i += 8) {
		uint32_t id = le32_load((const uint8_t *)cl->u.s + i);

		if ((version < 0 || version == (id & 0xffff)) &&
		    (tool < 0 || tool == (id >> 16)))
			n += le32_load((const uint8_t *)cl->u.s + i + 4);
	}
	return ym_vint(n);
}

struct ym_val ympe_rich_version(struct ym_call *c)
{
	return rich_count(c, c->arg[0].u.i, c->nargs > 1 ? c->arg[1].u.i : -1);
}

struct ym_val ympe_rich_toolid(struct ym_call *c)
{
	return rich_count(c, c->nargs > 1 ? c->arg[1].u.i : -1, c->arg[0].u.i);
}

/* The PDB path of a CodeView record at off, or nothing. */
static int codeview(struct ym_scan *s, struct ympe *pe, int64_t off)
{
	static const struct { uint32_t sig; unsigned fixed, name; } kinds[] = {
		{ 0x3031424eu, 20, 16 },	/* NB10 */
		{ 0x53445352u, 28, 24 },	/* RSDS */
		{ 0x434f544du, 24, 20 },	/* MTOC */
	};
	size_t k, avail, n;

	if (off <= 0 || ympe_avail(pe, (uint64_t)off) < 8)
		return 0;
	for (k = 0; k < 3; k++) {
		if (le32_load(pe->b + off) != kinds[k].sig ||
		    ympe_avail(pe, (uint64_t)off) < kinds[k].fixed)
			continue;
		avail = ympe_avail(pe, (uint64_t)off + kinds[k].name);
		n = strnlen((const char *)pe->b + off + kinds[k].name,
			    avail < PDB_MAX_PATH ? avail : PDB_MAX_PATH);
		if (n > 0 && n < PDB_MAX_PATH) {
			ym_str(s, pe->root, PE_PDB_PATH,
			       pe->b + off + kinds[k].name, n);
			return 1;
		}
	}
	return 0;
}

void ympe_debug(struct ym_scan *s, struct ympe *pe)
{
	uint32_t rva, size, i;
	int64_t dir, cv;

	if (ympe_dir(pe, 6, &rva, &size) < 0 || !size || size % 28 || !rva ||
	    (dir = ympe_rva_to_offset(pe, rva)) < 0)
		return;
	for (i = 0; i < size / 28; i++) {
		const uint8_t *d;

		if (ympe_avail(pe, (uint64_t)dir + 28ull * i) < 28)
			break;
		d = pe->b + dir + 28 * (int64_t)i;
		if (le32_load(d + 12) != 2) /* CodeView */
			continue;
		cv = le32_load(d + 20) ? ympe_rva_to_offset(pe, le32_load(d + 20)) : 0;
		if (cv <= 0 && le32_load(d + 24))
			cv = le32_load(d + 24);
		if (codeview(s, pe, cv))
			break;
	}
}
