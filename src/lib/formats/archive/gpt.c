/*
 * gpt.c -- disk images with a GUID partition table (UEFI specification,
 * 512-byte sectors): a protective MBR, then the header at sector 1 (or,
 * if that one is damaged, its backup in the last sector) checked as ClamAV
 * checks it (signature, size, reserved field, CRC-32s of header and
 * table, the usable area and the table where they may be); each used
 * entry inside the usable area and the image is a contained object
 * ("partition-N"). With --alert-partition-intersection, used entries that
 * overlap are Heuristics.GPTPartitionIntersection (ClamAV's name).
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "common/le.h"
#include "formats/archive/partmap.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "sig/cltype.h"
#include "vigil/vigil.h"

#define SECTOR_BYTES 512
#define HEADER_BYTES 92
#define ENTRY_BYTES 128

struct gpt {
	uint64_t first_usable, last_usable, table_lba;
	uint32_t nentries;
};

/* The header in sector lba, checked; 0, or -1 if it is not usable. */
static int header(const uint8_t *b, size_t len, uint64_t lba, struct gpt *g)
{
	const uint8_t *h = b + lba * SECTOR_BYTES;
	uint64_t last = len / SECTOR_BYTES - 1, cur, backup, table_last;
	uint8_t copy[HEADER_BYTES];

	if (memcmp(h, "EFI PART", 8) || le32_load(h + 12) != HEADER_BYTES ||
	    le32_load(h + 20) != 0 || le32_load(h + 84) != ENTRY_BYTES)
		return -1;
	memcpy(copy, h, HEADER_BYTES);
	memset(copy + 16, 0, 4);
	if (crc32(0, copy, HEADER_BYTES) != le32_load(h + 16))
		return -1;
	cur = le64_load(h + 24);
	backup = le64_load(h + 32);
	g->first_usable = le64_load(h + 40);
	g->last_usable = le64_load(h + 48);
	g->table_lba = le64_load(h + 72);
	g->nentries = le32_load(h + 80);
	if (g->nentries > len / ENTRY_BYTES)
		return -1;
	table_last = g->table_lba +
		     (uint64_t)g->nentries * ENTRY_BYTES / SECTOR_BYTES - 1;
	if (!((cur == 1 && backup == last) || (cur == last && backup == 1)) ||
	    g->first_usable > g->last_usable || g->first_usable <= 1 ||
	    g->last_usable >= last || g->table_lba <= 1 || table_last >= last ||
	    (g->table_lba <= g->first_usable && table_last >= g->first_usable) ||
	    (g->table_lba >= g->first_usable && g->table_lba <= g->last_usable))
		return -1;
	return crc32(0, b + g->table_lba * SECTOR_BYTES,
		     g->nentries * ENTRY_BYTES) == le32_load(h + 88) ? 0 : -1;
}

static int protective(const uint8_t *b)
{
	return b[510] == 0x55 && b[511] == 0xaa &&
	       (b[446 + 4] == 0xee || b[446 + 4] == 0xed);
}

int gpt_probe(const uint8_t *buf, size_t len, int type)
{
	struct gpt g;

	return type == VIGIL_TYPE_BINARY && !(len % SECTOR_BYTES) &&
	       len >= 4 * SECTOR_BYTES && protective(buf) &&
	       (header(buf, len, 1, &g) == 0 ||
		header(buf, len, len / SECTOR_BYTES - 1, &g) == 0);
}

/* A used entry inside the usable area and the image: its bytes. */
static int entry(const uint8_t *b, size_t len, const struct gpt *g,
		 uint32_t i, uint64_t *off, uint64_t *size)
{
	const uint8_t *e = b + g->table_lba * SECTOR_BYTES + i * ENTRY_BYTES;
	uint64_t first = le64_load(e + 32), last = le64_load(e + 40);

	if (!first || first > last || first < g->first_usable ||
	    last > g->last_usable || (last + 1) * SECTOR_BYTES > len)
		return 0;
	*off = first * SECTOR_BYTES;
	*size = (last - first + 1) * SECTOR_BYTES;
	return 1;
}

static int intersection(struct fmt_ctx *c, const uint8_t *b, size_t len,
			const struct gpt *g)
{
	struct part_range r[MAX_PARTITIONS];
	uint32_t i, n = g->nentries < MAX_PARTITIONS ? g->nentries :
						       MAX_PARTITIONS;
	size_t k = 0;

	for (i = 0; i < n; i++)
		if (entry(b, len, g, i, &r[k].off, &r[k].size))
			k++;
	return partmap_intersection(c, r, k,
				    "Heuristics.GPTPartitionIntersection");
}

int gpt_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	uint64_t off, size;
	unsigned n = 0;
	struct gpt g;
	uint32_t i;
	int rc;

	if (header(buf, len, 1, &g) < 0 &&
	    header(buf, len, len / SECTOR_BYTES - 1, &g) < 0)
		return 0;
	fmt_set_container(c, CLT_GPT);
	if ((rc = intersection(c, buf, len, &g)) != 0)
		return rc;
	for (i = 0; i < g.nentries && n < MAX_PARTITIONS; i++) {
		char name[32];

		if (!entry(buf, len, &g, i, &off, &size))
			continue;
		snprintf(name, sizeof(name), "partition-%u", ++n);
		if ((rc = fmt_child(c, name, buf + off, (size_t)size)) != 0)
			return rc;
	}
	return 0;
}
