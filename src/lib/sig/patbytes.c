/*
 * patbytes.c -- whether a compiled pattern could match a buffer made only
 * of bytes from a given set. Used to leave out of a text buffer's matcher
 * every pattern that needs a byte text never holds: an answer of 0 must
 * be certain (no such buffer can hold a match), an answer of 1 may be
 * wrong, so what the bytecode leaves open (a negated alternative, a
 * negated line end) counts as possible.
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
