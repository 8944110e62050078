/*
 * partmap.h -- what the partition table readers (MBR, GPT, APM) share:
 * ClamAV's MaxPartitions, and the overlap check of
 * --alert-partition-intersection (partmap.c).
 */
#ifndef VIGIL_FORMATS_ARCHIVE_PARTMAP_H
#define VIGIL_FORMATS_ARCHIVE_PARTMAP_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"

#define MAX_PARTITIONS 50	/* ClamAV's MaxPartitions default */

/* A partition's bytes: [off, off + size). */
struct part_range {
	uint64_t off, size;
};

/*
 * With --alert-partition-intersection, the heuristic 'name' if two of the
 * n ranges share a byte (empty ones never do). Returns fmt_heuristic's
 * result, or 0.
 */
int partmap_intersection(struct fmt_ctx *c, const struct part_range *r,
			 size_t n, const char *name);

#endif
