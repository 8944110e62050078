/*
 * htmlplain.c -- runs of plain text for the HTML normaliser (htmlplain.h).
 * Most of a page is words between tags: this is where its bytes go, so
 * they are taken a vector at a time (sixteen with SSE2, which every x86-64
 * has; sixty-four with AVX-512 BW where the processor offers it), each
 * vector lowered and written whole to both forms, and the number of its
 * bytes that the byte-at-a-time loop would take counted from its masks.
 * A byte loop finishes each run and takes a run of white space between
 * plain bytes as the state machine does (one space in each form), so
 * that a line end or an indent does not send the page back to it. The
 * state machine alone is the reference: the tests and the fuzz target
 * compare the fast path with it.
 */
#include "core/htmlplain.h"

#include "util/cpu.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __x86_64__
#include <immintrin.h>
#endif

/* Bytes that plain text is made of: printable ASCII but '<' and '&'. */
static int plain(uint8_t c)
{
	return c > ' ' && c < 0x7f && c != '<' && c != '&';
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* From the masks of a vector's plain bytes and spaces: how many from the
 * first the byte loop would take (plain bytes, and spaces with a plain
 * byte after them; the last is not taken as a space, the byte after it
 * not being looked at; nor a first space when one was just written). */
static unsigned taken(uint64_t pl, uint64_t sp, int space, unsigned width)
{
	uint64_t ok = pl | (sp & (pl >> 1) & ~(uint64_t)space);
	uint64_t miss = ~ok & (width < 64 ? (1ull << width) - 1 : ~0ull);

	return miss ? (unsigned)__builtin_ctzll(miss) : width;
}

#ifdef __SSE2__
static unsigned plain16(struct hplain *r)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)r->p);
	/* signed compares: bytes over 0x7f are negative, so not plain */
	__m128i pl = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(' ')),
				   _mm_cmplt_epi8(x, _mm_set1_epi8(0x7f)));
	__m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
				   _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));

	pl = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('<')),
					   _mm_cmpeq_epi8(x, _mm_set1_epi8('&'))),
			      pl);
	x = _mm_add_epi8(x, _mm_and_si128(up, _mm_set1_epi8(32)));
	_mm_storeu_si128((__m128i *)(void *)r->o, x);
	if (r->t)
		_mm_storeu_si128((__m128i *)(void *)r->t, x);
	return taken((unsigned)_mm_movemask_epi8(pl),
		     (unsigned)_mm_movemask_epi8(
			     _mm_cmpeq_epi8(x, _mm_set1_epi8(' '))),
		     r->space, 16);
}
#endif

#ifdef __x86_64__
__attribute__((target("avx512f,avx512bw"))) static unsigned
plain64(struct hplain *r)
{
	__m512i x = _mm512_loadu_si512((const void *)r->p);
	/* signed compares: bytes over 0x7f are negative, so not plain */
	__mmask64 pl = _mm512_cmpgt_epi8_mask(x, _mm512_set1_epi8(' ')) &
		       _mm512_cmplt_epi8_mask(x, _mm512_set1_epi8(0x7f)) &
		       ~_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('<')) &
		       ~_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('&'));
	__mmask64 up = _mm512_cmpgt_epi8_mask(x, _mm512_set1_epi8('A' - 1)) &
		       _mm512_cmplt_epi8_mask(x, _mm512_set1_epi8('Z' + 1));
	__m512i lo = _mm512_mask_add_epi8(x, up, x, _mm512_set1_epi8(32));

	_mm512_storeu_si512((void *)r->o, lo);
	if (r->t)
		_mm512_storeu_si512((void *)r->t, lo);
	return taken(pl, _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(' ')),
		     r->space, 64);
}
#endif

/* Whole vectors of plain text, as many as there are, width bytes at a
 * time. */
static void vectors(struct hplain *r, unsigned width)
{
	for (;;) {
		unsigned n = 0;

#ifdef __x86_64__
		if (width == 64)
			n = plain64(r);
#endif
#ifdef __SSE2__
		if (width == 16)
			n = plain16(r);
#endif
		if (!n)
			return;
		r->p += n;
		r->o += n;
		r->t = r->t ? r->t + n : NULL;
		r->space = 0;
	}
}

static int is_space(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

void htmlplain_run(struct hplain *r, int skip_cr, int how)
{
	unsigned width = how == HP_BYTES ? 0 :
			 how == HP_BEST && cpu_avx512bw() ? 64 : 16;

	for (;;) {
		uint8_t *q;
		int ws = 0;

		vectors(r, width);
		if (plain(*r->p)) {
			*r->o++ = lower(*r->p++);
			if (r->t)
				*r->t++ = lower(r->p[-1]);
			r->space = 0;
			continue;
		}
		/* white space: one space in each form if a plain byte follows
		 * (the state machine's S_TRIM_WS, ended by that byte); a
		 * carriage return it skips is no white space */
		for (q = r->p; is_space(*q); q++)
			ws |= *q != '\r' || !skip_cr;
		if (q == r->p || !plain(*q))
			return;
		if (ws) {
			*r->o++ = ' ';
			if (r->t && !r->space)
				*r->t++ = ' ';
			r->space = 1;
		}
		r->p = q;
	}
}
