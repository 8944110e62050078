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
	uint64_t key;		/* the bytes, ASCII letters lowered (four: the
				 * low half) */
	uint32_t id;		/* the matchable */
	uint32_t omin, omax;
	uint32_t around;	/* ANCHOR_NEAR's neighbours (two before the
				 * key, two after), 0: none */
};

#define ANCHOR_KINDS 2 /* keys of 8 bytes (runs of 11) and of 4 */

/*
 * ANCHOR_NEAR: an anchor of a run (anchors_build_runs()) also
 * holds the run's bytes around it, lowered: two before the anchor and two
 * after, in that order from the low byte, NUL where the run has none
 * (NUL bytes are not tested). Where a key is found, an entry whose
 * neighbours differ from the buffer's is not reported: the run is not
 * there. 1,000 plain strings over bench/yara.py's corpus: 341,653 of the
 * 356,823 calls were of strings that did not match there. Each of the
 * four keys of eight bytes holds its own (a run's four keys are met as
 * often as the commonest: signature-base's "SID               :" gave
 * eight spaces, called 12,063 times over that corpus).
 */

struct anchors {
	const uint32_t *bits[ANCHOR_KINDS]; /* by kind (8, 4 bytes): filters */
	const uint32_t *start[ANCHOR_KINDS]; /* each bucket's first entry */
	const struct anchor *ent[ANCHOR_KINDS];
	size_t n[ANCHOR_KINDS];
	unsigned lg[ANCHOR_KINDS];	/* log2 of each filter's bits */
	size_t bytes;
	/* the four-byte keys' last and first two bytes (prefilter.h) */
	uint8_t pairs[2 * PF_PAIRS_BYTES];
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

/* Also anchors past an unbounded gap ("*") of patterns allowed anywhere,
 * when they have no other: a found one is verified at every start before
 * it not tried yet in the object. */
#define ANCHORS_UNBOUNDED 1u

/* How much byte b (either case of a letter) narrows a search: 0 (NUL,
 * 0xff) to 24, twice the bits of information its frequency in real files
 * gives. */
int anchor_rarity(uint8_t b);

/*
 * The kind of the anchor matchable id of v would have (0: eight-byte keys,
 * 1: four), or -1 if none: no run of four fixed bytes, only NUL and 0xff
 * in its runs, or too far from where the pattern may start (how: 0 or
 * ANCHORS_UNBOUNDED).
 */
int anchors_kind(const struct vdb_view *v, uint32_t id, unsigned how);
/* Builds the anchors of the nids matchables listed in ids (all of v's if
 * ids is NULL) as anchors_kind() chooses them, setting flag in rtflags
 * for each that has one; the others are the caller's. Returns 0 or
 * VIGIL_ENOMEM. */
int anchors_build_ids(const struct vdb_view *v, const uint32_t *ids,
		      size_t nids, uint8_t *rtflags, uint8_t flag,
		      unsigned how, struct anchors *out);
/* A run of fixed bytes of some pattern (another matcher's), lying omin..
 * omax bytes after the pattern's start; id is reported with it. */
struct anchor_run {
	const uint8_t *bytes;
	uint32_t len;
	uint32_t id;
	uint32_t omin, omax;
	uint32_t around;	/* the pattern's fixed bytes two before the run
				 * and two after (ANCHOR_NEAR's order), NUL
				 * where none: neighbours of an anchor at its
				 * edge */
	uint8_t gap;		/* a run of four bytes whose byte gap - 1
				 * is open: entered with each value v that
				 * (v & gap_mask) == gap_val allows; 0: none */
	uint8_t gap_mask, gap_val;
};

/*
 * Builds the anchors of n runs, choosing within each (its first bytes) as
 * for a pattern; has[k] says whether run k got one (not if shorter than
 * four bytes, or only NUL and 0xff bytes). 0 or VIGIL_ENOMEM.
 */
int anchors_build_runs(const struct anchor_run *runs, size_t n,
		       uint8_t *has, struct anchors *out);
/* The same, its filters sized to its keys (at least 512 bits, where
 * anchors_build_runs() makes 65,536): for many small tables, which are
 * as quick to scan (a key's bits as dense) in a fraction of the memory. */
int anchors_build_small(const struct anchor_run *runs, size_t n,
			uint8_t *has, struct anchors *out);
/*
 * Of each of n runs (four[k] for runs[k]), the anchor a table with keys
 * of eight bytes would choose: -1, none (has[] of anchors_build_runs(),
 * whatever the table's kind); 0, a key of eight bytes; a key of four, 1 +
 * how rare it is, the sum of its bytes' rarities (anchor_rarity()). Below
 * ANCHOR_WEAK a key is weak: x86 code ("H\x89D$", 00 00 "H\x89") and
 * words ("http", "code", "file"), met at a place in a few thousand
 * whatever their neighbours. Signature-base over bench/yara.py's corpus:
 * 497,153 of the 688,762 lookups of four-byte keys in its table were of
 * such keys (below 40: 221,686; below 60: 661,465).
 */
#define ANCHOR_WEAK 50
/* How rare the four bytes at b are as a key (consider()'s measure): 0 if
 * they cannot be one (NUL and 0xff only, or ending in two NUL). */
int anchor_rarity4(const uint8_t *b);
#define ANCHOR_FOUR_MAX (1 + 4 * 24) /* four[]'s greatest */
void anchors_four_runs(const struct anchor_run *runs, size_t n,
		       int8_t *four);
/* Reports every anchor found in buf; returns what fn returned last. */
int anchors_scan(const struct anchors *a, const uint8_t *buf, size_t len,
		 anchor_fn fn, void *ctx);
void anchors_free(struct anchors *a);

struct rdr;
/* The table as bytes, for the matcher cache (anchorset.c): the counts,
 * the bitmaps, the buckets and entries. Appends to b; 0 or VIGIL_ENOMEM. */
int anchors_save(const struct anchors *a, struct vbuf *b);
/*
 * One table back from anchors_save()'s bytes at r, which lie 8-byte
 * aligned and must outlive it. Bytes that do not describe a sound table
 * (wrong sizes, buckets out of order) are refused: -1, *out empty; with
 * checked (the bytes were taken before, unchanged since), the buckets'
 * order is not looked at (a full-size feed's are megabytes), and a
 * table whose buckets are out of order may miss anchors, never read
 * outside itself.
 */
int anchors_load(struct rdr *r, int checked, struct anchors *out);

#endif
