/*
 * patbytes.c -- what the bytes of a buffer tell of a compiled pattern's
 * matches in it: whether a buffer made only of bytes from a given set
 * could hold one (pat_fits: to leave out of a text buffer's matcher every
 * pattern that needs a byte text never holds; an answer of 0 must be
 * certain, an answer of 1 may be wrong, so what the bytecode leaves open,
 * a negated alternative or line end, counts as possible); and whether a
 * match in text is sure to be one in its normalisation too (pat_norm_kept:
 * an answer of 1 must be certain, anything unsure is 0).
 */
#include "sig/pattern.h"

static int in_set(const uint8_t set[32], unsigned b)
{
	return (set[b >> 3] >> (b & 7)) & 1;
}

/* Some byte of set has (b & mask) == value. */
static int masked_fits(uint8_t value, uint8_t mask, const uint8_t set[32])
{
	unsigned b;

	for (b = 0; b < 256; b++)
		if ((b & mask) == value && in_set(set, b))
			return 1;
	return 0;
}

/* A non-negated alternative: some member fits byte by byte. */
static int alt_fits(const uint8_t *c, const uint8_t set[32])
{
	const uint8_t *p = c + 4;
	unsigned n = (unsigned)(c[2] | c[3] << 8), i, k, ml;

	for (i = 0; i < n; i++, p += 2 + ml * 2) {
		ml = (unsigned)(p[0] | p[1] << 8);
		for (k = 0; k < ml; k++)
			if (!masked_fits(p[2 + 2 * k], p[3 + 2 * k], set))
				break;
		if (k == ml)
			return 1;
	}
	return 0;
}

static int op_fits(const uint8_t *c, const uint8_t set[32])
{
	unsigned i, n;

	switch (c[0]) {
	case PAT_LIT:
		n = (unsigned)(c[1] | c[2] << 8);
		for (i = 0; i < n; i++)
			if (!in_set(set, c[3 + i]))
				return 0;
		return 1;
	case PAT_MASK:
		return masked_fits(c[1], c[2], set);
	case PAT_CLASS:
		for (i = 0; i < 32; i++)
			if (c[1 + i] & set[i])
				return 1;
		return 0;
	case PAT_ALT:
		return c[1] || alt_fits(c, set);
	case PAT_LINE:
		return c[1] || in_set(set, '\n');
	default: /* PAT_ANY, PAT_GAP (set is never empty), PAT_EDGE */
		return 1;
	}
}

int pat_fits(const uint8_t *code, size_t len, const uint8_t set[32])
{
	const uint8_t *c = code, *end = code + len;
	size_t n;

	while (c < end && (n = pat_op_size(c, end)) != 0) {
		if (!op_fits(c, set))
			return 0;
		c += n;
	}
	return 1;
}

/* A byte the text normaliser (core/textnorm.c) writes as it is and
 * never drops from text: printable ASCII but the space and the capitals
 * (lowered); 0x7f too. */
static int norm_kept(unsigned b)
{
	return b > ' ' && b <= 0x7f && !(b >= 'A' && b <= 'Z');
}

/* A literal or a non-negated alternative, all of whose bytes norm_kept()
 * (no member empty: its neighbours' gaps would meet); else 0. */
static int op_norm_kept(const uint8_t *c)
{
	const uint8_t *p = c + 4;
	unsigned n, i, k, ml;

	if (c[0] == PAT_LIT) {
		n = (unsigned)(c[1] | c[2] << 8);
		for (i = 0; i < n; i++)
			if (!norm_kept(c[3 + i]))
				return 0;
		return n > 0;
	}
	if (c[0] != PAT_ALT || c[1])
		return 0;
	n = (unsigned)(c[2] | c[3] << 8);
	for (i = 0; i < n; i++, p += 2 + ml * 2) {
		ml = (unsigned)(p[0] | p[1] << 8);
		for (k = 0; k < ml; k++)
			if (p[3 + 2 * k] != 0xff || !norm_kept(p[2 + 2 * k]))
				return 0;
		if (!ml)
			return 0;
	}
	return n > 0;
}

/*
 * In text (HSTEXT's set: tab to carriage return and 0x20-0x7f) the
 * normaliser lowers capitals and makes each run of white space one
 * space; nothing else changes, nothing is dropped. So the bytes of fixed
 * runs that it keeps as they are stay, in order, and a gap between two
 * of them shrinks at most to one byte (a run of white space after a kept
 * byte becomes one space), never to none: a pattern of such runs whose
 * gaps ask for no more than one byte at least matches the normalised
 * text wherever it matches the text.
 */
int pat_norm_kept(const uint8_t *code, size_t len)
{
	const uint8_t *c = code, *end = code + len;
	uint32_t gap = 0, lo, hi;
	int runs = 0, last_fixed = 0;
	size_t n;

	while (c < end) {
		if (!(n = pat_op_size(c, end)))
			return 0;
		if (c[0] == PAT_ANY || c[0] == PAT_GAP) {
			pat_op_lengths(c, &lo, &hi);
			gap = pat_add_sat(gap, lo);
			if (!runs || gap > 1)
				return 0;
			last_fixed = 0;
		} else if (op_norm_kept(c)) {
			runs++;
			gap = 0;
			last_fixed = 1;
		} else {
			return 0;
		}
		c += n;
	}
	return runs && last_fixed;
}
