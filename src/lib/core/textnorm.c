/*
 * textnorm.c -- the text normaliser: ASCII letters lowered, runs of
 * whitespace made one space, control bytes and bytes above 0x7f dropped.
 * Output is never longer than input, so the caller sizes the output buffer
 * to the input. The table gives each byte's output (0: dropped); the loop
 * writes unconditionally and advances conditionally, without branches on
 * the data; sixteen bytes of plain text go at once (norm16.h), and the
 * table takes a block that needs it. Where the processor has AVX-512 VBMI2
 * (and unless VIGIL_NO_AVX512 is set, for the tests), any 64 bytes go at
 * once, whatever they hold (norm64 below).
 */
#include "core/textnorm.h"

#include "core/norm16.h"
#include "util/cpu.h"

static const uint8_t map[256] = {
	  0,   0,   0,   0,   0,   0,   0,   0,   0,  32,  32,  32,
	 32,  32,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,  32,  33,  34,  35,
	 36,  37,  38,  39,  40,  41,  42,  43,  44,  45,  46,  47,
	 48,  49,  50,  51,  52,  53,  54,  55,  56,  57,  58,  59,
	 60,  61,  62,  63,  64,  97,  98,  99, 100, 101, 102, 103,
	104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
	116, 117, 118, 119, 120, 121, 122,  91,  92,  93,  94,  95,
	 96,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107,
	108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119,
	120, 121, 122, 123, 124, 125, 126, 127,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,
};

/* One byte the table's way; *space: the last byte out was a space. */
static size_t one(uint8_t c, uint8_t *out, size_t o, unsigned *space)
{
	uint8_t v = map[c];
	unsigned sp = v == ' ';

	out[o] = v;
	o += v && !(sp & *space);
	*space = v ? sp : *space;
	return o;
}

#ifdef __x86_64__
#include <immintrin.h>

#define VBMI2 \
	__attribute__((target("avx512f,avx512bw,avx512vbmi2,bmi2,popcnt")))

/*
 * Blocks of 64 bytes while a whole block is left: each byte's output form
 * (lowered, whitespace a space) and which ones stay, in masks: a dropped
 * byte never, a space only when the last byte kept before it (pext puts
 * the undropped bytes' space bits side by side) was no space. The kept
 * bytes are packed in a register and stored 64 at once: out is never
 * ahead of in, so the store stays inside the caller's len bytes. Returns
 * the bytes read; *o and *space go on.
 */
VBMI2 static size_t norm64(const uint8_t *in, size_t len, uint8_t *out,
			   size_t *o, unsigned *space)
{
	const __m512i sp32 = _mm512_set1_epi8(' ');
	size_t i = 0;

	for (; i + 64 <= len; i += 64) {
		__m512i x = _mm512_loadu_si512((const void *)(in + i)), y;
		__mmask64 ws = _mm512_cmple_epu8_mask(
			_mm512_sub_epi8(x, _mm512_set1_epi8(9)),
			_mm512_set1_epi8(4));
		__mmask64 sp = ws | _mm512_cmpeq_epi8_mask(x, sp32);
		__mmask64 up = _mm512_cmple_epu8_mask(
			_mm512_sub_epi8(x, _mm512_set1_epi8('A')),
			_mm512_set1_epi8('Z' - 'A'));
		__mmask64 kept = ~(_mm512_cmplt_epu8_mask(x, sp32) & ~ws) &
				 _mm512_cmplt_epu8_mask(x, _mm512_set1_epi8(-128));
		uint64_t spc = _pext_u64(sp, kept), dup, keep;
		unsigned n = (unsigned)_mm_popcnt_u64(kept);

		dup = spc & (spc << 1 | *space);
		keep = _pdep_u64(~dup, kept);
		y = _mm512_mask_add_epi8(x, up, x, sp32);
		y = _mm512_mask_mov_epi8(y, sp, sp32);
		_mm512_storeu_si512((void *)(out + *o),
				    _mm512_maskz_compress_epi8(keep, y));
		*o += (size_t)_mm_popcnt_u64(keep);
		if (n)
			*space = (unsigned)(spc >> (n - 1)) & 1;
	}
	return i;
}

#endif

size_t textnorm(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0;
	unsigned space = 0;

#ifdef __x86_64__
	if (len >= 64 && cpu_avx512vbmi2())
		i = norm64(in, len, out, &o, &space);
#endif

#ifdef __SSE2__
	while (i + 16 <= len) {
		size_t k;

		if (norm16(in + i, out + o, &space)) {
			i += 16;
			o += 16;
			continue;
		}
		for (k = 0; k < 16; k++)
			o = one(in[i + k], out, o, &space);
		i += 16;
	}
#endif
	for (; i < len; i++)
		o = one(in[i], out, o, &space);
	return o;
}
