/*
 * lzma2cut.c -- see lzma2cut.h. A chunk's control byte: 0 ends the
 * stream; 1 and 2 are uncompressed chunks (1 resets the dictionary) of
 * the 16-bit size after it, plus one; from 0x80 an LZMA chunk, whose bits
 * 5-6 say what it resets (3: dictionary, state and properties; 2: state
 * and properties, which then follow the sizes) and bits 0-4 the high bits
 * of its output size, followed by the rest of that size and its input
 * size (both minus one, big-endian).
 */
#include "formats/codec/lzma2cut.h"

/* Bytes of a compressed chunk's header, with and without properties. */
#define CHUNK_HEAD 5
#define CHUNK_HEAD_PROPS 6

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

size_t lzma2_cuts(const uint8_t *in, size_t n, uint64_t min_out,
		  struct lzma2_cut *cut, size_t max)
{
	struct lzma2_cut pending = { UINT64_MAX, 0 };
	uint64_t pos = 0, out = 0;
	size_t k = 0;

	if (!max)
		return 0;
	cut[k++] = (struct lzma2_cut){ 0, 0 };
	while (pos < n && in[pos] != 0) {
		unsigned ctl = in[pos];
		uint64_t head, size, packed;

		if (ctl == 1 || ctl == 2) {
			head = 3;
			if (n - pos < head)
				break;
			size = packed = be16(in + pos + 1) + 1u;
		} else if (ctl >= 0x80) {
			head = ctl >= 0xc0 ? CHUNK_HEAD_PROPS : CHUNK_HEAD;
			if (n - pos < head)
				break;
			size = ((uint64_t)(ctl & 0x1f) << 16 |
				be16(in + pos + 1)) + 1;
			packed = be16(in + pos + 3) + 1u;
		} else {
			break;
		}
		if (packed > n - pos - head)
			break; /* runs past the end: no place to start at */
		if (ctl == 1 || ctl >= 0xe0) {
			if (pending.in == UINT64_MAX)
				pending = (struct lzma2_cut){ pos, out };
		}
		if (ctl >= 0x80) {
			if (ctl >= 0xc0 && pending.in != UINT64_MAX &&
			    pending.out > cut[k - 1].out &&
			    pending.out - cut[k - 1].out >= min_out && k < max)
				cut[k++] = pending;
			pending.in = UINT64_MAX;
		}
		pos += head + packed;
		out += size;
	}
	return k;
}
