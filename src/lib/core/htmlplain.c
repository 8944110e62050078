/*
 * htmlplain.c -- runs of plain text for the HTML normaliser (htmlplain.h).
 * Most of a page is words between tags: this is where its bytes go, so
 * they are taken a vector at a time (sixteen with SSE2, which every x86-64
 * has; sixty-four with AVX-512 BW where the processor offers it), each
 * vector lowered and written whole to both forms, and the number of its
 * bytes that the byte-at-a-time loop would take counted from its masks.
 * With AVX-512 VBMI2 a vector's runs of white space between words go too:
 * the bytes kept (plain ones, and each run's first as a space) are
 * compressed into place, so that lines of a few dozen bytes do not stop
 * the vectors at each line end (the bench's 521 pages scanned in 0.197 s
 * instead of 0.214). A byte loop finishes each run and
 * takes a run of white space between plain bytes as the state machine
 * does (one space in each form). The state machine alone is the
 * reference: the tests and the fuzz target compare the fast paths with
 * it.
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
/* A vector's plain bytes (*pl), and the vector lowered. */
__attribute__((target("avx512f,avx512bw"), always_inline)) static inline
__m512i plain_lowered(__m512i x, __mmask64 *pl)
{
	/* signed compares: bytes over 0x7f are negative, so not plain */
	__mmask64 up = _mm512_cmpgt_epi8_mask(x, _mm512_set1_epi8('A' - 1)) &
		       _mm512_cmplt_epi8_mask(x, _mm512_set1_epi8('Z' + 1));

	*pl = _mm512_cmpgt_epi8_mask(x, _mm512_set1_epi8(' ')) &
	      _mm512_cmplt_epi8_mask(x, _mm512_set1_epi8(0x7f)) &
	      ~_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('<')) &
	      ~_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('&'));
	return _mm512_mask_add_epi8(x, up, x, _mm512_set1_epi8(32));
}

__attribute__((target("avx512f,avx512bw"))) static unsigned
plain64(struct hplain *r)
{
	__m512i x = _mm512_loadu_si512((const void *)r->p);
	__mmask64 pl;
	__m512i lo = plain_lowered(x, &pl);

	_mm512_storeu_si512((void *)r->o, lo);
	if (r->t)
		_mm512_storeu_si512((void *)r->t, lo);
	return taken(pl, _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(' ')),
		     r->space, 64);
}

/* Of a vector's plain bytes (pl) and white space (ws), both below the
 * first byte that is neither (or a carriage return to skip), how many to
 * take: up to a run of white space that reaches that byte, whose end
 * decides it. */
static unsigned taken_runs(uint64_t pl, uint64_t ws, uint64_t stop)
{
	unsigned lim = stop ? (unsigned)__builtin_ctzll(stop) : 64;
	uint64_t in = lim == 64 ? ~0ull : (1ull << lim) - 1;

	if (lim && (ws >> (lim - 1)) & 1)
		return (pl & in) ? 64 - (unsigned)__builtin_clzll(pl & in) : 0;
	return lim;
}

/* Sixty-four bytes of words and the white space between them at once
 * (with VBMI2's compress): each run of white space followed by a plain
 * byte is one space in both forms. A vector that begins with white space
 * just after a space was written to the text form is the byte loop's. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) static unsigned
runs64(struct hplain *r, int skip_cr, unsigned *wrote)
{
	__m512i x = _mm512_loadu_si512((const void *)r->p);
	__mmask64 pl, ws = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(' ')) |
			   _mm512_cmple_epu8_mask(
				   _mm512_sub_epi8(x, _mm512_set1_epi8('\t')),
				   _mm512_set1_epi8('\r' - '\t'));
	__m512i lo = plain_lowered(x, &pl);
	uint64_t stop = ~(pl | ws), keep, end;
	unsigned n;

	if (skip_cr) /* a run of carriage returns alone is no white space */
		stop |= _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\r'));
	n = taken_runs(pl, ws, stop);
	if (!n || (ws & r->space))
		return 0;
	end = n == 64 ? ~0ull : (1ull << n) - 1;
	ws &= end;
	keep = (pl & end) | (ws & ~(ws << 1)); /* each run's first byte */
	lo = _mm512_maskz_compress_epi8(
		keep, _mm512_mask_mov_epi8(lo, ws, _mm512_set1_epi8(' ')));
	_mm512_storeu_si512((void *)r->o, lo);
	if (r->t)
		_mm512_storeu_si512((void *)r->t, lo);
	*wrote = (unsigned)__builtin_popcountll(keep);
	return n;
}
#endif

/* Whole vectors of plain text, as many as there are, the way asked (16,
 * 64, or 'r' for 64 with runs of white space). */
static void vectors(struct hplain *r, int way, int skip_cr)
{
	for (;;) {
		unsigned n = 0, m;

#ifdef __x86_64__
		if (way == 64)
			n = plain64(r);
		if (way == 'r')
			n = runs64(r, skip_cr, &m);
#endif
#ifdef __SSE2__
		if (way == 16)
			n = plain16(r);
#endif
		if (!n)
			return;
		if (way != 'r')
			m = n;
		r->p += n;
		r->o += m;
		r->t = r->t ? r->t + m : NULL;
		r->space = 0;
	}
}

static int is_space(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The vectors htmlplain_run() takes, as asked and as the processor
 * allows. */
static int way_of(int how)
{
	if (how == HP_BYTES)
		return 0;
	if (how == HP_BEST && cpu_avx512vbmi2())
		return 'r';
	if ((how == HP_BEST || how == HP_AVX512BW) && cpu_avx512bw())
		return 64;
	return 16;
}

void htmlplain_run(struct hplain *r, int skip_cr, int how)
{
	int way = way_of(how);

	for (;;) {
		uint8_t *q;
		int ws = 0;

		vectors(r, way, skip_cr);
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
