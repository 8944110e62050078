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

/* Chunks of an object over the block limit (2^30 bytes: a round size
 * well inside the limit) and the widest overlap between them. */
#define HSCHUNK_BYTES ((size_t)1 << 30)
#define HSCHUNK_OVERLAP_MAX (1u << 20) /* bytes */

/*
 * A chunk shows every match no wider than the overlap. The expressions
 * it cannot show ("blind": unbounded or wider, or placed by Vectorscan at
 * an absolute offset, which a chunk's start would move) are found over
 * the whole object by their anchors; the few without one are listed, to
 * be verified whole.
 */
struct hschunk {
	uint32_t overlap;	/* the widest bounded expression, bytes */
	struct anchors anc;	/* of the blind expressions with an anchor */
	uint32_t *rest;		/* the blind ones without */
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
