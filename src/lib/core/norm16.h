/*
 * norm16.h -- sixteen bytes of plain text normalised at once (SSE2, which
 * every x86-64 has), for the text normaliser: letters lowered, whitespace
 * made spaces, all sixteen out, when the block needs nothing more (no
 * byte dropped, no space after a space). Returns 1 if done so, 0 to
 * leave the block to the byte-wise loop. *space: the last byte out was a
 * space (in and out).
 */
#ifndef VIGIL_CORE_NORM16_H
#define VIGIL_CORE_NORM16_H

#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>

/* Bytes over 0x7f are dropped, so they end a block too. */
static inline int norm16(const uint8_t *in, uint8_t *out, unsigned *space)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)in);
	__m128i ws = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(8)),
				   _mm_cmplt_epi8(x, _mm_set1_epi8(14)));
	/* signed compares: bytes over 0x7f are negative, below 32 too */
	__m128i ctl = _mm_andnot_si128(ws, _mm_cmplt_epi8(x,
							_mm_set1_epi8(32)));
	__m128i sp = _mm_or_si128(ws, _mm_cmpeq_epi8(x, _mm_set1_epi8(32)));
	__m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
				   _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));
	unsigned m = (unsigned)_mm_movemask_epi8(sp), stop;

	stop = (unsigned)_mm_movemask_epi8(ctl);
	if (stop || (m & (m << 1 | *space)))
		return 0;
	x = _mm_add_epi8(x, _mm_and_si128(up, _mm_set1_epi8(32)));
	x = _mm_or_si128(_mm_andnot_si128(sp, x),
			 _mm_and_si128(sp, _mm_set1_epi8(32)));
	_mm_storeu_si128((__m128i *)(void *)out, x);
	*space = m >> 15;
	return 1;
}
#endif

#endif
