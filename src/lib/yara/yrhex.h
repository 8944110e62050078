/*
 * yrhex.h -- YARA hex strings: bytes ("4D"), nibble and byte wildcards
 * ("4?", "?D", "??"), negations ("~4D", YARA 4.3's), jumps ("[4]",
 * "[2-8]", "[2-]", "[-]") and alternatives ("( 4D | 5A 90 )"), nested.
 */
#ifndef VIGIL_YARA_YRHEX_H
#define VIGIL_YARA_YRHEX_H

#include <stddef.h>
#include <stdint.h>

/* Nesting of alternatives at most. */
#define YR_HEX_MAX_DEPTH 32

/* 0 if the body (between the braces) is well formed, else -1 with why. */
int yr_hex_check(const char *s, size_t n, char *err, size_t cap);

enum yr_hex_kind { YH_BYTE, YH_JUMP, YH_ALT };

#define YR_HEX_UNBOUNDED UINT32_MAX

struct yr_hex_seq;

/* Eight bytes an item: a program holds one per byte of its string, and
 * rule sets hold hex strings of thousands of bytes. */
struct yr_hex_item {
	uint8_t kind;			/* enum yr_hex_kind */
	uint8_t val, mask, neg;		/* YH_BYTE: (b & mask) == val;
					 * YH_JUMP, YH_ALT: the index of its
					 * seq->ext, low byte first (four
					 * bytes an item: the public
					 * collections hold two million) */
};

#define YR_HEX_MAX_EXT (1u << 24) /* jumps and alternatives in one seq */

/* What a jump or an alternative holds beside its item. */
struct yr_hex_ext {
	uint32_t min, max;		/* YH_JUMP */
	struct yr_hex_seq *alts;	/* YH_ALT */
	uint32_t nalts;
};

struct yr_hex_seq {
	struct yr_hex_item *items;
	struct yr_hex_ext *ext;
	uint32_t n, cap, next, capext;
};

/* The jump's or alternative's part of item it of s. */
static inline const struct yr_hex_ext *yr_hex_ext(const struct yr_hex_seq *s,
						  const struct yr_hex_item *it)
{
	return &s->ext[it->val | it->mask << 8 | (uint32_t)it->neg << 16];
}

/* The body as a program (it must be well formed): 0, -1 (ill formed) or
 * VIGIL_ENOMEM. */
int yr_hex_compile(const char *s, size_t n, struct yr_hex_seq *out);
void yr_hex_free(struct yr_hex_seq *seq);

#endif
