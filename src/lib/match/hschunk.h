/*
 * hschunk.h -- what matching an object larger than Vectorscan's block
 * (4 GiB - 1) needs to know of a shard's database (hschunk.c).
 */
#ifndef VIGIL_MATCH_HSCHUNK_H
#define VIGIL_MATCH_HSCHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "db/vdb.h"
#include "match/anchors.h"

/* The longest chunk: the block limit, rounded down to 64 KiB. */
#define HSCHUNK_BYTES (((size_t)1 << 32) - ((size_t)1 << 16))
#define HSCHUNK_OVERLAP_MAX (1u << 20) /* bytes */

/*
 * A chunk shows every match no wider than the overlap, and the last chunk,
 * the longest, every match that starts in it. The expressions a chunk
 * cannot show ("blind": unbounded or wider, or placed by Vectorscan at an
 * absolute offset, which a chunk's start would move) are looked for where
 * no chunk shows them: those allowed anywhere by their anchors up to the
 * last chunk's start, the others (and those without an anchor) verified
 * over their windows.
 */
struct hschunk {
	uint32_t overlap;	/* the widest bounded expression, bytes */
	uint32_t reach;		/* the farthest an anchor lies past its
				 * pattern's start, bytes */
	struct anchors anc;	/* of the blind expressions allowed anywhere */
	uint32_t *rest;		/* the other blind ones */
	size_t nrest;
};

/* Builds it for v's matchables in the Vectorscan database (rtflags:
 * hsdb.h). Returns 0 or VIGIL_ENOMEM. Free with hschunk_free(). */
int hschunk_build(const struct vdb_view *v, const uint8_t *rtflags,
		  struct hschunk **out);
void hschunk_free(struct hschunk *c);

/* 1 if a chunk overlapping the one before by 'overlap' cannot show m. */
int hschunk_blind(const struct vdb_matchable *m, uint32_t overlap);

#endif
