/*
 * digest.h -- the file digests hash signatures need, all from one pass.
 */
#ifndef VIGIL_CORE_DIGEST_H
#define VIGIL_CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "db/vdb_format.h"

/* In digests.file_want: the bits below it say what the file hash
 * signatures want of the object's size (hashscan_wanted's answer). */
#define DIGESTS_WANT_KNOWN (1u << 31)

struct digests {
	unsigned have;		/* bit per enum hash_algo */
	unsigned file_want;	/* 0, or DIGESTS_WANT_KNOWN and those bits */
	uint8_t d[HASH_NALGO][HASH_MAX_DIGEST];
};

/* Computes the algorithms in want that d lacks. Returns 0 or VIGIL_ENOMEM. */
int digest_compute(const uint8_t *buf, size_t len, unsigned want,
		   struct digests *d);

#endif
