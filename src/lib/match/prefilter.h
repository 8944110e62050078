/*
 * prefilter.h -- the anchors matcher's first test (prefilter.c): whether
 * a key of eight bytes may end at a place (every PF_STRIDE-th place), and
 * one of four bytes (every place), from a filter of three bits per key.
 * Tests a block of places at once, with AVX2 where the processor has it.
 */
#ifndef VIGIL_MATCH_PREFILTER_H
#define VIGIL_MATCH_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#define PF_BLOCK 64 /* places a mask tells of: its bits */
#define PF_CHUNK 1024 /* places one call tests at most */
#define PF_K3 0x27d4eb2fu
#define PF_STRIDE 4 /* keys of eight bytes: places p with p % 4 == 3 */

/* One filter: 2^lg bits in 32-bit words; for keys of four bytes, a
 * table of their last two bytes may go with it (pairs, or NULL). */
struct pf_filter {
	const uint32_t *bits;
	unsigned lg;
	const uint8_t *pairs;
};

/* The pairs table: a bit for each hash of two bytes, 4,096 in all. Where
 * the processor has AVX-512 VBMI, a place whose last two bytes' bit is
 * clear is not tested against the filter at all: the table lies in
 * registers, and only the places that pass it are gathered. It is worth
 * it where few of its bits are set (PF_PAIRS_MAX_SET). */
#define PF_PAIRS_BYTES 512
#define PF_PAIRS_MAX_SET 1024
/* The bit of bytes x and y (x the one before; both lowered), 0..4095. */
unsigned pf_pair_bit(uint8_t x, uint8_t y);

/* The hash of an eight-byte key and of a four-byte one. */
uint32_t pf_hash8(uint64_t key);
uint32_t pf_hash4(uint32_t key);

/* The word of a filter of 2^lg bits that hash h falls in (its top bits),
 * and h's three bits there (from its low bits, and the top of h times an
 * odd constant, which depends on all of h). */
static inline size_t pf_word(uint32_t h, unsigned lg)
{
	return (size_t)(h >> (32 - (lg - 5)));
}

static inline uint32_t pf_bits(uint32_t h)
{
	return 1u << (h & 31) | 1u << (h >> 5 & 31) | 1u << (h * PF_K3 >> 27);
}

/* The eight bytes ending at buf[end] as a key (the first the lowest, ASCII
 * letters lowered; places before buf[0] read as NUL). */
uint64_t pf_key(const uint8_t *buf, size_t end);

/*
 * Tests the places base .. base + n - 1 of buf (len bytes; base a
 * multiple of PF_BLOCK, n at most PF_CHUNK), into a mask per block: bit
 * j of m8[i] is set if a key of f8 may end at base + 64 i + j (a place of
 * the stride), of m4[i] likewise for f4 (every place; none nearer the
 * start than a key's length; never for a key of only NUL or only 0xff
 * bytes, which is no anchor's). A filter without bits is not tested. The
 * tests of a chunk are made before any is looked at, so that their cache
 * misses overlap. With f4's pairs table, m4 may leave out places whose key
 * passes the filter but whose last two bytes are no key's (never a place
 * where a key of the table ends).
 */
void pf_masks(const struct pf_filter *f8, const struct pf_filter *f4,
	      const uint8_t *buf, size_t len, size_t base, size_t n,
	      uint64_t *m8, uint64_t *m4);
/* One block's masks (n at most PF_BLOCK) without AVX2, for processors
 * without it (and for the tests, which check that both say the same). */
void pf_block_generic(const struct pf_filter *f8, const struct pf_filter *f4,
		      const uint8_t *buf, size_t base, size_t n, uint64_t *m8,
		      uint64_t *m4);

#endif
