/*
 * pattern.h -- the compiled form of one body pattern (a ClamAV hex
 * signature) and the exact matcher that verifies it. The bytecode is
 * portable (little-endian operands) and is stored as is in .vdb files.
 */
#ifndef VIGIL_SIG_PATTERN_H
#define VIGIL_SIG_PATTERN_H

#include <stddef.h>
#include <stdint.h>

enum pat_op {
	PAT_LIT = 1,	/* u16 n, n bytes */
	PAT_MASK = 2,	/* u8 value, u8 mask: (b & mask) == value */
	PAT_ANY = 3,	/* u32 n: exactly n bytes of anything */
	PAT_GAP = 4,	/* u32 min, u32 max (PAT_INF: unbounded) */
	PAT_CLASS = 5,	/* 32-byte bitmap of accepted bytes */
	PAT_ALT = 6,	/* u8 negated, u16 count, then per member:
			 * u16 len, len x (u8 value, u8 mask) */
	PAT_LINE = 7,	/* u8 negated: "\n" or "\r\n" (inner (L)) */
	PAT_EDGE = 8,	/* u8 flags: zero-width test at an edge */
};

#define PAT_INF 0xffffffffu

/* PAT_EDGE flags: one kind, a side, and an optional negation. */
#define PAT_EDGE_BOUND 0x01	/* (B): word boundary */
#define PAT_EDGE_LINE 0x02	/* (L): line boundary */
#define PAT_EDGE_WORD 0x04	/* (W) or the 'f' modifier: non-alphanumeric */
#define PAT_EDGE_NEG 0x10
#define PAT_EDGE_RIGHT 0x20	/* tests the byte after the match */

/* Hard limits on a single pattern; the hex parser enforces them. */
#define PAT_MAX_CODE_BYTES 65536
#define PAT_MAX_ALTS 256
#define PAT_MAX_UNBOUNDED_GAPS 16
/* Verification steps allowed per pattern and object. */
#define PAT_MAX_VERIFY_STEPS (1ull << 26)

/* The bytes a ClamAV (B) accepts: 1 = before a word, 2 = after, 3 = both. */
extern const uint8_t pat_boundary[256];

/* Minimum and maximum length of a match (max PAT_INF if unbounded). */
void pat_lengths(const uint8_t *code, size_t len, uint32_t *min,
		 uint32_t *max);

/* Size of the operation at c (0 if it is invalid or overruns end), and
 * the fewest and most bytes it matches (PAT_INF: no bound). */
size_t pat_op_size(const uint8_t *c, const uint8_t *end);
void pat_op_lengths(const uint8_t *c, uint32_t *min, uint32_t *max);
/* a + b, PAT_INF if either is or the sum would reach it. */
uint32_t pat_add_sat(uint32_t a, uint32_t b);

/* 0 if no buffer made only of the bytes in set (a bitmap, bit b of byte
 * b / 8) can hold a match of the pattern; 1 if one may (set not empty). */
int pat_fits(const uint8_t *code, size_t len, const uint8_t set[32]);

/* 1 if every match of the pattern in a text buffer (tab to carriage
 * return and 0x20-0x7f only) is sure to be a match in the buffer's text
 * normalisation (core/textnorm.c) too; 0 if not, or unsure. */
int pat_norm_kept(const uint8_t *code, size_t len);

/* Returns 1 if the pattern is valid bytecode (every operand in bounds). */
int pat_valid(const uint8_t *code, size_t len);

/* Where a match may start: [lo, hi] within the buffer. */
struct pat_window {
	size_t lo;
	size_t hi;
};

/*
 * Counts the start positions in the window at which the pattern matches
 * the buffer. Returns the count (stopping after max_count), or -1 if the
 * step budget was exhausted (the answer is unknown, never "no match").
 */
int64_t pat_count(const uint8_t *code, size_t clen, const uint8_t *buf,
		  size_t len, struct pat_window w, uint64_t max_count);

/* The first start in w where the pattern matches, into *at: 1 found, 0
 * none, -1 the step budget was exhausted. */
int pat_find(const uint8_t *code, size_t clen, const uint8_t *buf, size_t len,
	     struct pat_window w, size_t *at);

#endif
