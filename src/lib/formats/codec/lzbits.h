/*
 * lzbits.h -- the bit streams of the packers' LZ77 coders (Petite, MEW's
 * aPLib): bits kept eight to a byte, top bit first, a byte fetched when
 * the last one's bits are used up, with whole bytes (literals, offset
 * bytes) taken from the same stream between them; and the copy of a match
 * within a buffer.
 */
#ifndef VIGIL_FORMATS_LZBITS_H
#define VIGIL_FORMATS_LZBITS_H

#include <stddef.h>
#include <stdint.h>

struct lzbits {
	const uint8_t *b;
	size_t len, pos;	/* the stream: b[pos..len) */
	uint8_t reg;		/* bits left, above a stop bit; 0: none */
	int failed;		/* read past the end */
};

/* The next whole byte; 0 (and failed) past the end. */
unsigned lzb_byte(struct lzbits *s);
unsigned lzb_bit(struct lzbits *s);
/* A gamma code: from 1, each value bit appended, while a 1 follows it
 * (at most 30 bits: failed beyond). */
uint32_t lzb_gamma(struct lzbits *s);
/*
 * Copies n bytes from dist back to *at in b (len bytes), overlapping as
 * LZ77 does; 0, or -1 if the copy would leave b or dist is 0.
 */
int lz_copy(uint8_t *b, size_t len, size_t *at, uint32_t dist, uint32_t n);

#endif
