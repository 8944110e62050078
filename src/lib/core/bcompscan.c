/*
 * bcompscan.c -- a byte compare at one place: the bytes are read as raw
 * binary (1, 2, 4 or 8 of them, in the given order), or as hex or decimal
 * text of at most nbytes characters ('a': hex after "0x", else decimal;
 * little-endian hex text has its bytes reversed); with 'e', a number
 * shorter than nbytes is not compared. Every comparison must hold.
 *
 * Where the manual is silent Vigil does what clamscan 1.4 does (measured):
 * the object must hold nbytes bytes from the offset on, whatever the
 * kind; hex text may start with "0x"; without 'l' or 'b' a kind other than
 * decimal is never compared; a little-endian 'a' that reads decimal text
 * is not compared either.
 */
#include "core/bcompscan.h"

static int digit(uint8_t c, int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static uint64_t swap_bytes(uint64_t v, unsigned n)
{
	uint64_t out = 0;
	unsigned i;

	for (i = 0; i < n; i++, v >>= 8)
		out = out << 8 | (v & 0xff);
	return out;
}

static int read_binary(const struct vdb_bcomp *bc, const uint8_t *p,
		       size_t left, uint64_t *v)
{
	unsigned i, n = bc->nbytes;

	if (left < n)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		unsigned at = (bc->flags & BCOMP_F_LITTLE) ? n - 1 - i : i;

		*v = *v << 8 | p[at];
	}
	return 0;
}

static int read_text(const struct vdb_bcomp *bc, const uint8_t *p,
		     size_t left, uint64_t *v)
{
	size_t max = bc->nbytes, i = 0, k;
	int base = bc->kind == 'h' ? 16 : 10, d;

	if (left < max)
		return -1;

	if (bc->kind != 'd' && max >= 2 && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (base == 10 && (bc->flags & BCOMP_F_LITTLE))
		return -1;
	*v = 0;
	for (k = i; k < max && (d = digit(p[k], base)) >= 0; k++) {
		if (*v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		*v = *v * (uint64_t)base + (uint64_t)d;
	}
	if (k == i || ((bc->flags & BCOMP_F_EXACT) && k != bc->nbytes))
		return -1;
	if (base == 16 && (bc->flags & BCOMP_F_LITTLE))
		*v = swap_bytes(*v, (unsigned)((k - i + 1) / 2));
	return 0;
}

int bcompscan_at(const struct vdb_bcomp *bc, const uint8_t *buf, size_t len,
		 size_t start)
{
	uint64_t v;
	size_t at;
	unsigned i;

	if (bc->flags & BCOMP_F_BACK) {
		if (bc->off > start)
			return 0;
		at = start - (size_t)bc->off;
	} else {
		if (bc->off > len - start)
			return 0;
		at = start + (size_t)bc->off;
	}
	if (!(bc->flags & BCOMP_F_ENDIAN))
		return 0;
	if ((bc->kind == 'i' ? read_binary(bc, buf + at, len - at, &v) :
			       read_text(bc, buf + at, len - at, &v)) < 0)
		return 0;
	for (i = 0; i < bc->ncmp; i++) {
		uint64_t w = bc->value[i];

		if ((bc->op[i] == '<' && !(v < w)) ||
		    (bc->op[i] == '>' && !(v > w)) ||
		    (bc->op[i] == '=' && v != w))
			return 0;
	}
	return 1;
}
