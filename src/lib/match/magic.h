/*
 * magic.h -- where the signatures of containers occur inside an object
 * (archives, compressed streams, executables, HTML that mshta or a browser
 * would run), all found in one Vectorscan pass, for the scan of embedded
 * content (formats/archive/embedded.c): the body signatures' pass where
 * their database holds these too (hsdb.c), a pass of their own if not.
 * The same pass finds the marks a format is recognised by anywhere in
 * an object (formats/dispatch.c), which would otherwise take a memmem()
 * of their own.
 */
#ifndef VIGIL_MATCH_MAGIC_H
#define VIGIL_MATCH_MAGIC_H

#include <hs/hs.h>
#include <stddef.h>
#include <stdint.h>

enum magic_kind {
	MAGIC_ZIP_LOCAL,	/* PK\3\4 */
	MAGIC_7Z,
	MAGIC_RAR,
	MAGIC_CAB,		/* MSCF, four zero bytes */
	MAGIC_GZIP,		/* 1f 8b, deflate */
	MAGIC_BZIP2,		/* BZh[1-9], the first block's magic */
	MAGIC_XZ,
	MAGIC_ZSTD,
	MAGIC_PE,		/* PE\0\0 and an x86 or x86-64 machine */
	MAGIC_HTML,		/* <html, <script, <hta:application (any case) */
	MAGIC_CONTAINERS,	/* the kinds above: containers */
	MAGIC_XDP = MAGIC_CONTAINERS, /* <xdp:xdp, an XML Data Package */
	MAGIC_KINDS
};

/* The first offsets of each kind kept: enough for every opening the
 * embedded pass allows, and a flood of one kind cannot hide another. */
#define MAGIC_PER_KIND 8

struct magic_hits {
	size_t n[MAGIC_KINDS];
	size_t at[MAGIC_KINDS][MAGIC_PER_KIND];	/* ascending, start offsets */
	int found;	/* 1 once a whole pass over the object filled it */
};

/* The database of every kind's signatures, compiled on first use; NULL if
 * Vectorscan could not compile it. Thread: safe. Owns: static. */
const hs_database_t *magic_db(void);

/*
 * Fills h with where each kind's signature starts in buf[0, len), offset 0
 * included. scratch must have been allocated for magic_db(). 0, or
 * VIGIL_EMATCHER.
 */
int magic_find(hs_scratch_t *scratch, const uint8_t *buf, size_t len,
	       struct magic_hits *h);

/*
 * The same signatures for a database of other patterns too (the body
 * signatures': one pass over an object finds both): how many, each one's
 * bytes, and what its match ending at end (exclusive) records in h (h
 * zeroed before the pass, its found set after a whole one).
 */
size_t magic_count(void);
void magic_literal(size_t i, const uint8_t **bytes, size_t *len,
		   int *caseless);
void magic_note(struct magic_hits *h, unsigned i, unsigned long long end);

#endif
