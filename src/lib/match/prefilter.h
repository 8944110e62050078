/*
 * prefilter.h -- the anchors matcher's first test (prefilter.c): whether
 * a key of eight bytes may end at a place (every PF_STRIDE-th place), and
 * one of four bytes (every place), from a filter of three bits per key.
 * Tests a block of places at once, with AVX2 where the processor has it.
 */
#ifndef VIGIL_MATCH_PREFILTER_H
#define VIGIL_MATCH_PREFILTER_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* The pairs tables: a bit for each hash of two bytes, 4,096 in all, of
 * the four-byte keys' last two bytes, then another of their first two
 * (PF_PAIRS_BYTES each). Where the processor has AVX-512 VBMI and VBMI2,
 * a place whose last two bytes' bit or first two bytes' bit is clear is not
 * tested against the filter at all: the tables lie in registers, and only
 * the places that pass both are gathered. They are worth it where few of
 * the first table's bits are set (PF_PAIRS_MAX_SET). */
#define PF_PAIRS_BYTES 512
#define PF_PAIRS_MAX_SET 1024
/* The bit of bytes x and y (x the one before; both lowered), 0..4095. */
unsigned pf_pair_bit(uint8_t x, uint8_t y);
/* Enters a four-byte key (lowered, its first byte lowest) into the pairs
 * tables (2 * PF_PAIRS_BYTES): 1 if its last two bytes' bit was clear. */
int pf_pairs_add(uint8_t *pairs, uint32_t key);

/* The hashes' constants (the SIMD code multiplies by the same). */
#define PF_K_LO 0x9e3779b1u
#define PF_K_HI 0x85ebca77u
#define PF_K_MIX 0x85ebca6bu

/* The product's high bits folded onto its low ones, multiplied again:
 * the word index takes the top bits, the bits in it the low ones, and
 * both depend on every byte of the key. Measured against a full
 * finaliser (two more rounds of shift, xor and multiply) on the bench
 * corpus: the filters passed as many places, and the test of four-byte
 * keys took 0.83 of the time. */
static inline uint32_t pf_mix(uint32_t h)
{
	h ^= h >> 15;
	return h * PF_K_MIX;
}

/* The hash of an eight-byte key and of a four-byte one (inline: the
 * lookups behind the filter make one per place that passes). */
static inline uint32_t pf_hash8(uint64_t key)
{
	return pf_mix((uint32_t)key * PF_K_LO ^
		      (uint32_t)(key >> 32) * PF_K_HI);
}

static inline uint32_t pf_hash4(uint32_t key)
{
	return pf_mix(key * PF_K_LO);
}

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

/* Eight bytes at p: ASCII letters lowered, eight at once (a byte's high
 * bit says whether it lies in 'A'..'Z'). */
static inline uint64_t pf_lowered(const uint8_t *p)
{
	uint64_t x, low, ge_a, gt_z;

	memcpy(&x, p, 8);
	x = le64toh(x);
	low = x & 0x7f7f7f7f7f7f7f7full;
	ge_a = low + 0x3f3f3f3f3f3f3f3full; /* high bit: at least 'A' */
	gt_z = low + 0x2525252525252525ull; /* high bit: above 'Z' */
	return x | ((ge_a & ~gt_z & ~x & 0x8080808080808080ull) >> 2);
}

/* The eight bytes ending at buf[end] as a key (the first the lowest, ASCII
 * letters lowered; places before buf[0] read as NUL). */
static inline uint64_t pf_key(const uint8_t *buf, size_t end)
{
	uint8_t pad[8] = { 0 };

	if (end >= 7)
		return pf_lowered(buf + end - 7);
	memcpy(pad + 7 - end, buf, end + 1);
	return pf_lowered(pad);
}

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
