/*
 * nrv.c -- the NRV2B, NRV2D and NRV2E decompressors (32-bit little-endian
 * bit buffers) that UPX uses. Literal runs and back-references with
 * Elias-gamma-like coded offsets and lengths; every read and every copy is
 * bounds-checked, and output stops at max.
 */
#include "formats/codec/nrv.h"

#include <string.h>

struct nrv {
	const uint8_t *in;
	size_t ilen, ipos;
	uint8_t *out;
	size_t omax, opos;
	uint32_t bb;
	unsigned bc;
	int err;
};

static unsigned bit(struct nrv *z)
{
	if (z->bc > 0)
		return (z->bb >> --z->bc) & 1;
	if (z->ipos + 4 > z->ilen) {
		z->err = 1;
		return 0;
	}
	z->bb = (uint32_t)z->in[z->ipos] | (uint32_t)z->in[z->ipos + 1] << 8 |
		(uint32_t)z->in[z->ipos + 2] << 16 |
		(uint32_t)z->in[z->ipos + 3] << 24;
	z->ipos += 4;
	z->bc = 31;
	return (z->bb >> 31) & 1;
}

static int byte_in(struct nrv *z)
{
	if (z->ipos >= z->ilen) {
		z->err = 1;
		return 0;
	}
	return z->in[z->ipos++];
}

static int literal(struct nrv *z)
{
	if (z->opos >= z->omax)
		return -1;
	z->out[z->opos++] = (uint8_t)byte_in(z);
	return z->err ? -1 : 0;
}

static int copy(struct nrv *z, uint32_t off, uint32_t len)
{
	uint32_t k;

	if (!off || off > z->opos || z->opos + len > z->omax)
		return -1;
	for (k = 0; k < len; k++, z->opos++)
		z->out[z->opos] = z->out[z->opos - off];
	return 0;
}

/* The offset prefix shared by 2D and 2E; 2B reads its own. */
static uint32_t gamma_off(struct nrv *z, int twobits)
{
	uint32_t m = 1;

	for (;;) {
		m = m * 2 + bit(z);
		if (z->err || m > 0x1000000)
			return 0;
		if (bit(z))
			return m;
		if (twobits)
			m = (m - 1) * 2 + bit(z);
	}
}

static uint32_t gamma_len(struct nrv *z, uint32_t start)
{
	uint32_t m = start;

	do {
		m = m * 2 + bit(z);
	} while (!bit(z) && !z->err && m < 0x1000000);
	return m;
}

/* The match length after the offset, per method; len holds its first bit. */
static uint32_t match_len(struct nrv *z, int method, uint32_t len)
{
	if (method == NRV2E) {
		if (len)
			return 1 + bit(z);
		if (bit(z))
			return 3 + bit(z);
		return gamma_len(z, 1) + 3;
	}
	if (method == NRV2B)
		len = bit(z);
	len = len * 2 + bit(z);
	return len ? len : gamma_len(z, 1) + 2;
}

/* One back-reference: 0, 1 at the end of the stream, or -1. */
static int step(struct nrv *z, int method, uint32_t *last)
{
	uint32_t off = gamma_off(z, method != NRV2B), len = 0;

	if (z->err || !off)
		return -1;
	if (off == 2) {
		off = *last;
		if (method != NRV2B)
			len = bit(z);
	} else {
		off = (off - 3) * 256 + (uint32_t)byte_in(z);
		if (off == 0xffffffffu)
			return 1;
		if (method != NRV2B) {
			len = (off ^ 0xffffffffu) & 1;
			off >>= 1;
		}
		*last = ++off;
	}
	len = match_len(z, method, len);
	len += off > (method == NRV2B ? 0xd00u : 0x500u);
	return z->err ? -1 : copy(z, off, len + 1);
}

long nrv_decompress(int method, const uint8_t *in, size_t ilen, uint8_t *out,
		    size_t omax)
{
	struct nrv z = { in, ilen, 0, out, omax, 0, 0, 0, 0 };
	uint32_t last = 1;

	for (;;) {
		int r;

		while (bit(&z)) {
			if (z.err || literal(&z) < 0)
				return -(long)z.opos - 1;
		}
		if (z.err)
			return -(long)z.opos - 1;
		if ((r = step(&z, method, &last)) < 0)
			return -(long)z.opos - 1;
		if (r == 1)
			return (long)z.opos;
	}
}
