/*
 * anchors.h -- a body matcher that builds in linear time (anchors.c): each
 * pattern is found by one run of its fixed bytes, then verified where that
 * run lies. The alternative to a Vectorscan database for signature sets
 * too large to compile at start.
 */
#ifndef VIGIL_MATCH_ANCHORS_H
#define VIGIL_MATCH_ANCHORS_H

#include <stddef.h>
#include <stdint.h>

#include "db/vdb.h"
#include "match/prefilter.h"
#include "util/vbuf.h"

/* Where a pattern's anchor lies: omin..omax bytes after the pattern's
 * start (omax PAT_INF: any distance). */
struct anchor {
	uint64_t key;		/* the bytes, ASCII letters lowered */
	uint32_t id;		/* the matchable */
	uint32_t omin, omax;
};

#define ANCHOR_KINDS 2 /* keys of 8 bytes (runs of 11) and of 4 */

struct anchors {
	const uint32_t *bits[ANCHOR_KINDS]; /* by kind (8, 4 bytes): filters */
	const uint32_t *start[ANCHOR_KINDS]; /* each bucket's first entry */
	const struct anchor *ent[ANCHOR_KINDS];
	size_t n[ANCHOR_KINDS];
	unsigned lg[ANCHOR_KINDS];	/* log2 of each filter's bits */
	size_t bytes;
	/* the four-byte keys' last two bytes (prefilter.h), where few */
	uint8_t pairs[PF_PAIRS_BYTES];
	int has_pairs;
	void *mem[3 * ANCHOR_KINDS];	/* the arrays when built, not loaded */
	void *map;			/* what a loaded table lies in, or NULL */
	size_t map_len;
};

/* Called with each place an anchor is found (at: the anchor's first byte
 * in the buffer); returns one of these. */
typedef int (*anchor_fn)(void *ctx, const struct anchor *a, size_t at);
#define ANCHOR_NEXT 0	/* go on */
#define ANCHOR_END 1	/* end the scan */
#define ANCHOR_SPENT 2	/* go on; this entry is of no more use in this
			 * scan (its pattern found, or not wanted here): a
			 * key whose entries all said so may not be looked
			 * up again */

/*
 * Builds the anchors of v's matchables, setting flag in rtflags for each
 * matchable that has one; the others (no run of four fixed bytes, or only
 * NUL and 0xff in its runs) are the caller's. Returns 0 or VIGIL_ENOMEM.
 */
int anchors_build(const struct vdb_view *v, uint8_t *rtflags, uint8_t flag,
		  struct anchors *out);
/* The same for the nids matchables listed in ids (all if ids is NULL). */
int anchors_build_ids(const struct vdb_view *v, const uint32_t *ids,
		      size_t nids, uint8_t *rtflags, uint8_t flag,
		      struct anchors *out);
/* A run of fixed bytes of some pattern (another matcher's), lying omin..
 * omax bytes after the pattern's start; id is reported with it. */
struct anchor_run {
	const uint8_t *bytes;
	uint32_t len;
	uint32_t id;
	uint32_t omin, omax;
};

/*
 * Builds the anchors of n runs, choosing within each (its first bytes) as
 * for a pattern; has[k] says whether run k got one (not if shorter than
 * four bytes, or only NUL and 0xff bytes). 0 or VIGIL_ENOMEM.
 */
int anchors_build_runs(const struct anchor_run *runs, size_t n,
		       uint8_t *has, struct anchors *out);
/* Reports every anchor found in buf; returns what fn returned last. */
int anchors_scan(const struct anchors *a, const uint8_t *buf, size_t len,
		 anchor_fn fn, void *ctx);
void anchors_free(struct anchors *a);

/*
 * The table as bytes, for the matcher cache: the counts, the bitmaps, the
 * buckets and entries, and which matchables have an anchor. Appends to b;
 * returns 0 or VIGIL_ENOMEM.
 */
int anchors_save(const struct anchors *a, const uint8_t *rtflags,
		 uint8_t flag, size_t nmatch, struct vbuf *b);
/*
 * The table back from anchors_save()'s bytes, for nmatch matchables,
 * setting flag in rtflags as anchors_build() does. The table lies in img
 * (8-byte aligned), which must outlive it: a mapping of the cache file
 * can be handed to it (map, map_len), to be unmapped by anchors_free().
 * Bytes that do not describe a sound table (wrong sizes, buckets out of
 * order, an entry naming a matchable without an anchor) are refused: -1,
 * *out empty.
 */
int anchors_load(const uint8_t *img, size_t len, size_t nmatch,
		 uint8_t *rtflags, uint8_t flag, struct anchors *out);

#endif
