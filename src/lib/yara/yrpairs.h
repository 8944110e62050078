/*
 * yrpairs.h -- the fast matcher's second pass (yrpairs.c), for the runs
 * too short for an anchor (two or three fixed bytes, as hex strings of
 * single instructions between wildcards have) or made of NUL and 0xff
 * bytes only: each is found by two of its bytes (its first two, or of
 * three the last two where the first is more common than the third),
 * looked up at every place (where few places pass it, only at places
 * whose first three bytes pass a test of their halves, 32 at a time with
 * AVX2, 64 with AVX-512; else, with AVX-512, at places whose key has
 * entries, tested 32 at a time), its other byte compared there.
 */
#ifndef VIGIL_YARA_YRPAIRS_H
#define VIGIL_YARA_YRPAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "match/anchors.h"

struct yr_pairs {
	uint64_t bits[65536 / 64];	/* which first two bytes have entries */
	uint32_t *start;		/* per two bytes, then one past */
	struct anchor *ent;		/* key: the run's other byte */
	uint8_t *third;			/* per entry, its run's other byte: 0
					 * none, 1 exact, 2 folded, after the
					 * key; 3, 4 the same before it */
	size_t n;
	/* the SIMD test in front of the table: the runs in eight groups
	 * (by their first bytes), and for each of a run's first three bytes
	 * (any byte past a run of two) the groups with a byte whose low half
	 * (mask[i][0]) or high half (mask[i][1]) is that value; used where
	 * few places pass it (simd) */
	uint8_t mask[3][2][16];
	int simd;
};

/* A run for the pairs: two bytes at least (the first three used);
 * nocase: ASCII letters match either case. */
struct yr_pair_run {
	const uint8_t *bytes;
	uint32_t len;
	uint32_t id;
	uint32_t omin, omax;
	int nocase;
};

/* 0 or VIGIL_ENOMEM. */
int yr_pairs_build(const struct yr_pair_run *runs, size_t n,
		   struct yr_pairs *out);
/* Reports each run found (at: its first byte), as anchors_scan(). */
int yr_pairs_scan(const struct yr_pairs *p, const uint8_t *buf, size_t len,
		  anchor_fn fn, void *ctx);
void yr_pairs_free(struct yr_pairs *p);

#endif
