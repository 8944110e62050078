/*
 * journal.h -- the client's local, append-only record of what it
 * installed: fixed-size records, each chained to the one before by its
 * SHA-256, written after the last good record and synced. A torn tail (a crash in the
 * middle of a write) is found by its size or checksum and cut off.
 */
#ifndef VIGIL_UPDATE_JOURNAL_H
#define VIGIL_UPDATE_JOURNAL_H

#include <stdint.h>

#include "manifest.h"

struct jrecord {
	uint64_t seq;
	int64_t time;
	uint64_t root, timestamp, release;
	uint8_t db_sha256[SHA256_BYTES];
	uint8_t prev[SHA256_BYTES];	/* SHA-256 of the record before */
	uint64_t release_leaf;		/* the release manifest's place in */
	uint8_t leaf_hash[SHA256_BYTES]; /* the public log, and its hash */
};

/* Appends a record after the last good one; -1 with errno. */
int upd_journal_append(const char *dir, struct jrecord *r);

/*
 * Reads DBDIR/state/journal, checking every record and link; calls fn for
 * each. Returns the number of records, or -1 with *why if the chain is
 * broken anywhere but a torn tail.
 */
long upd_journal_walk(const char *dir, void (*fn)(void *ctx,
					      const struct jrecord *r),
		  void *ctx, const char **why);

#endif
