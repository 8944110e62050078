/*
 * norm16.h -- sixteen bytes of plain text normalised at once (SSE2, which
 * every x86-64 has), for the text and HTML normalisers: letters lowered,
 * whitespace made spaces, all sixteen out, when the block needs nothing
 * more (no byte dropped, no space after a space, and for HTML no '<' or
 * '&' that may open a comment or a reference). Returns 1 if done so, 0 to
 * leave the block to the byte-wise loop. *space: the last byte out was a
 * space (in and out).
 */
#ifndef VIGIL_CORE_NORM16_H
#define VIGIL_CORE_NORM16_H

#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>

#define NORM16_TEXT 0 /* bytes over 0x7f dropped */
#define NORM16_HTML 1 /* bytes over 0x7f kept; '<' and '&' handled */

static inline int norm16(const uint8_t *in, uint8_t *out, unsigned *space,
			 int html)
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

	if (html) {
		ctl = _mm_and_si128(ctl, _mm_cmpgt_epi8(x, _mm_set1_epi8(-1)));
		ctl = _mm_or_si128(ctl, _mm_cmpeq_epi8(x, _mm_set1_epi8('<')));
		ctl = _mm_or_si128(ctl, _mm_cmpeq_epi8(x, _mm_set1_epi8('&')));
	}
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
