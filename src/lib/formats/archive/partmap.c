/*
 * partmap.c -- the partition overlap check for MBR, GPT and APM tables:
 * every pair of at most MAX_PARTITIONS ranges.
 */
#include "formats/archive/partmap.h"

#include "vigil/vigil.h"

static int overlap(const struct part_range *a, const struct part_range *b)
{
	return a->size && b->size && a->off < b->off + b->size &&
	       b->off < a->off + a->size;
}

int partmap_intersection(struct fmt_ctx *c, const struct part_range *r,
			 size_t n, const char *name)
{
	size_t i, j;

	if (!fmt_flag(c, VIGIL_SCAN_ALERT_PARTITION_INTERSECTION))
		return 0;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (overlap(&r[i], &r[j]))
				return fmt_heuristic(c, name);
	return 0;
}
