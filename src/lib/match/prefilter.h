/*
 * prefilter.h -- the anchors matcher's first test (prefilter.c): at each
 * place of a buffer, whether an anchor of eight or four bytes may end
 * there, from a filter of three bits per anchor. Tests a block of places at
 * once, with AVX2 where the processor has it.
 */
#ifndef VIGIL_MATCH_PREFILTER_H
#define VIGIL_MATCH_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#define PF_BLOCK 64 /* places one call tests: the bits of a mask */
#define PF_K3 0x27d4eb2fu

/* One filter: 2^lg bits in 32-bit words. */
struct pf_filter {
	const uint32_t *bits;
	unsigned lg;
};

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
 * Tests the places base .. base + n - 1 of buf (len bytes; n at most
 * PF_BLOCK): bit j of *m8 is set if an anchor of f8 may end at base + j,
 * of *m4 likewise for f4 (no bit for a place nearer the start than an
 * anchor's length). A filter without bits is not tested.
 */
void pf_block(const struct pf_filter *f8, const struct pf_filter *f4,
	      const uint8_t *buf, size_t len, size_t base, size_t n,
	      uint64_t *m8, uint64_t *m4);
/* The same without AVX2, for processors without it (and for the tests,
 * which check that both say the same). */
void pf_block_generic(const struct pf_filter *f8, const struct pf_filter *f4,
		      const uint8_t *buf, size_t base, size_t n, uint64_t *m8,
		      uint64_t *m4);

#endif
