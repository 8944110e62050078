/*
 * apm.c -- disk images with an Apple Partition Map: the driver descriptor
 * ("ER", block size, block count: the whole image) at the start, the map
 * ("PM" entries, one a block from block 1, the first saying how many and
 * naming the map itself), each other partition a contained object
 * ("partition-N"), as ClamAV reads them (an old 2048-byte-block map with
 * its entries every 512 bytes included). With
 * --alert-partition-intersection, partitions that overlap are
 * Heuristics.APMPartitionIntersection (ClamAV's name).
 */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/partmap.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "sig/cltype.h"
#include "vigil/vigil.h"

#define APM_ENTRY_BYTES 136	/* up to the end of the type name */
#define APM_OLD_BLOCK 512

struct apm {
	size_t bs;		/* bytes a block of the map */
	uint32_t n;		/* entries of the map */
};

static int is_map(const uint8_t *e)
{
	static const char *const names[] = { "Apple_Partition_Map",
					     "Apple_partition_map",
					     "Apple_patition_map" };
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strncmp((const char *)e + 48, names[i], 32))
			return 1;
	return 0;
}

/* The map, checked; 0, or -1 if the object is no APM image. */
static int apm_map(const uint8_t *b, size_t len, struct apm *a)
{
	const uint8_t *e;

	if (len < 2 * APM_OLD_BLOCK || memcmp(b, "ER", 2))
		return -1;
	a->bs = be16_load(b + 2);
	if (!a->bs || (uint64_t)a->bs * be32_load(b + 4) != len)
		return -1;
	if (a->bs == 2048 && !memcmp(b + APM_OLD_BLOCK, "PM", 2))
		a->bs = APM_OLD_BLOCK;
	if (a->bs > len - APM_ENTRY_BYTES)
		return -1;
	e = b + a->bs;
	a->n = be32_load(e + 4);
	return !memcmp(e, "PM", 2) && is_map(e) ? 0 : -1;
}

int apm_probe(const uint8_t *buf, size_t len, int type)
{
	struct apm a;

	return type == VIGIL_TYPE_BINARY && apm_map(buf, len, &a) == 0;
}

/* Entry i's partition in bytes; 0 if it is the map or not inside. */
static int part(const uint8_t *b, size_t len, const struct apm *a,
		uint32_t i, uint64_t *off, uint64_t *size)
{
	const uint8_t *e;

	if ((uint64_t)i * a->bs + APM_ENTRY_BYTES > len)
		return 0;
	e = b + (size_t)i * a->bs;
	if (memcmp(e, "PM", 2) || is_map(e))
		return 0;
	*off = (uint64_t)be32_load(e + 8) * a->bs;
	*size = (uint64_t)be32_load(e + 12) * a->bs;
	return *off && *off + *size <= len;
}

static int intersection(struct fmt_ctx *c, const uint8_t *b, size_t len,
			const struct apm *a)
{
	struct part_range r[MAX_PARTITIONS];
	uint32_t i, n = a->n < MAX_PARTITIONS ? a->n : MAX_PARTITIONS;
	size_t k = 0;

	for (i = 2; i <= n; i++)
		if (part(b, len, a, i, &r[k].off, &r[k].size))
			k++;
	return partmap_intersection(c, r, k,
				    "Heuristics.APMPartitionIntersection");
}

int apm_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	uint64_t off, size;
	unsigned found = 0;
	struct apm a;
	uint32_t i;
	int rc;

	if (apm_map(buf, len, &a) < 0)
		return 0;
	fmt_set_container(c, CLT_APM);
	if ((rc = intersection(c, buf, len, &a)) != 0)
		return rc;
	for (i = 2; i <= a.n && i <= MAX_PARTITIONS; i++) {
		char name[32];

		if (!part(buf, len, &a, i, &off, &size))
			continue;
		snprintf(name, sizeof(name), "partition-%u", ++found);
		if ((rc = fmt_child(c, name, buf + off, (size_t)size)) != 0)
			return rc;
	}
	return 0;
}
