/*
 * mbr.c -- disk images with a master boot record: the boot sector itself,
 * then each primary partition, and the logical partitions of an extended
 * one (a chain of extended boot records), each a contained object
 * ("partition-N"). The record is taken as ClamAV does: 512-byte sectors,
 * an image a whole number of them and at least two, the 0x55AA signature,
 * every entry's status 0x00 or 0x80 and every partition inside the image.
 * With --alert-partition-intersection, primary partitions that overlap
 * are Heuristics.MBRPartitionnIntersect (ClamAV's name, its spelling
 * kept). Written here: a table of four entries needs no library.
 */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/partmap.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "sig/cltype.h"
#include "vigil/vigil.h"

#define SECTOR_BYTES 512
#define TABLE_AT 446
#define ENTRY_BYTES 16
#define NENTRIES 4
#define TYPE_EMPTY 0x00
#define TYPE_EXTENDED 0x05

struct entry {
	uint8_t status, type;
	uint64_t off, size;	/* bytes */
};

static void entry_at(const uint8_t *b, unsigned i, struct entry *e)
{
	const uint8_t *p = b + TABLE_AT + i * ENTRY_BYTES;

	e->status = p[0];
	e->type = p[4];
	e->off = (uint64_t)le32_load(p + 8) * SECTOR_BYTES;
	e->size = (uint64_t)le32_load(p + 12) * SECTOR_BYTES;
}

/* A sector holding a boot record, its partitions within len bytes. */
static int record_ok(const uint8_t *b, size_t len)
{
	struct entry e;
	unsigned i;

	if (b[510] != 0x55 || b[511] != 0xaa)
		return 0;
	for (i = 0; i < NENTRIES; i++) {
		entry_at(b, i, &e);
		if ((e.status != 0x00 && e.status != 0x80) || e.off + e.size > len)
			return 0;
	}
	return 1;
}

int mbr_probe(const uint8_t *buf, size_t len, int type)
{
	struct entry e;

	if (type != VIGIL_TYPE_BINARY || len % SECTOR_BYTES ||
	    len < 2 * SECTOR_BYTES || !record_ok(buf, len))
		return 0;
	entry_at(buf, 0, &e);
	return e.type != 0xee && e.type != 0xed; /* GPT's protective MBR */
}

static int one(struct fmt_ctx *c, const uint8_t *buf, const struct entry *e,
	       unsigned *n)
{
	char name[32];

	snprintf(name, sizeof(name), "partition-%u", ++*n);
	return e->size ? fmt_child(c, name, buf + e->off, (size_t)e->size) : 0;
}

/* The logical partitions: each extended boot record names one, relative
 * to itself, and the next record, relative to the extended partition. */
static int logical(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		   const struct entry *ext, unsigned *n)
{
	uint64_t at = ext->off;
	unsigned hops = 0;
	int rc;

	while (hops++ < MAX_PARTITIONS && *n < MAX_PARTITIONS) {
		struct entry part, next;

		if (at + SECTOR_BYTES > len || !record_ok(buf + at, len - at)) {
			fmt_warn(c, "MBR: a broken extended boot record");
			return 0;
		}
		entry_at(buf + at, 0, &part);
		entry_at(buf + at, 1, &next);
		part.off += at;
		if (part.type != TYPE_EMPTY && part.off + part.size <= len &&
		    (rc = one(c, buf, &part, n)) != 0)
			return rc;
		if (next.type != TYPE_EXTENDED || !next.off)
			return 0;
		at = ext->off + next.off;
	}
	return 0;
}

/* Two primary partitions sharing sectors: a heuristic when asked. */
static int intersection(struct fmt_ctx *c, const uint8_t *buf)
{
	struct part_range r[NENTRIES];
	struct entry e;
	unsigned i, n = 0;

	for (i = 0; i < NENTRIES; i++) {
		entry_at(buf, i, &e);
		if (e.type && e.size)
			r[n++] = (struct part_range){ e.off, e.size };
	}
	return partmap_intersection(c, r, n,
				    "Heuristics.MBRPartitionnIntersect");
}

int mbr_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	unsigned i, n = 0;
	struct entry e;
	int rc;

	fmt_set_container(c, CLT_MBR); /* Vigil's own type says binary */
	if ((rc = intersection(c, buf)) != 0 ||
	    (rc = fmt_child(c, "boot-sector", buf, SECTOR_BYTES)) != 0)
		return rc;
	for (i = 0; i < NENTRIES && n < MAX_PARTITIONS; i++) {
		entry_at(buf, i, &e);
		if (e.type == TYPE_EMPTY)
			continue;
		rc = e.type == TYPE_EXTENDED ? logical(c, buf, len, &e, &n) :
					       one(c, buf, &e, &n);
		if (rc)
			return rc;
	}
	return 0;
}
