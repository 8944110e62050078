/*
 * prefilter.c -- the anchors matcher's first test, at every place of every
 * buffer scanned, so the hottest loop of a scan with a large feed. Written
 * by hand because it is a few dozen lines fitted to the anchors table
 * (Vectorscan's literal matchers, the maintained alternative, are what
 * the anchors matcher avoids compiling).
 *
 * A filter holds three bits of one 32-bit word per anchor. Hashes are of 32
 * bits, so that eight places are hashed and their words fetched at once
 * (AVX2's gather): measured on a full-size feed (430,000 anchors of eight
 * bytes, 80,000 of four), a place at a time with 64-bit hashes cost 50
 * instructions a place. The generic code computes the same hashes, so a
 * table built on one processor serves any other.
 */
#include "match/prefilter.h"

#include <endian.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PF_AVX2 1
#else
#define PF_AVX2 0
#endif

#define K_LO 0x9e3779b1u
#define K_HI 0x85ebca77u
#define K_MIX1 0x85ebca6bu
#define K_MIX2 0xc2b2ae35u

static uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= K_MIX1;
	h ^= h >> 13;
	h *= K_MIX2;
	return h ^ h >> 16;
}

uint32_t pf_hash8(uint64_t key)
{
	return mix((uint32_t)key * K_LO ^ (uint32_t)(key >> 32) * K_HI);
}

uint32_t pf_hash4(uint32_t key)
{
	return mix(key * K_LO);
}

/* Eight bytes at p: ASCII letters lowered, eight at once (a byte's high
 * bit says whether it lies in 'A'..'Z'). */
static uint64_t lowered(const uint8_t *p)
{
	uint64_t x, low, ge_a, gt_z;

	memcpy(&x, p, 8);
	x = le64toh(x);
	low = x & 0x7f7f7f7f7f7f7f7full;
	ge_a = low + 0x3f3f3f3f3f3f3f3full; /* high bit: at least 'A' */
	gt_z = low + 0x2525252525252525ull; /* high bit: above 'Z' */
	return x | ((ge_a & ~gt_z & ~x & 0x8080808080808080ull) >> 2);
}

uint64_t pf_key(const uint8_t *buf, size_t end)
{
	uint8_t pad[8] = { 0 };

	if (end >= 7)
		return lowered(buf + end - 7);
	memcpy(pad + 7 - end, buf, end + 1);
	return lowered(pad);
}

static uint64_t test(const struct pf_filter *f, uint32_t h)
{
	uint32_t m = pf_bits(h);

	return (f->bits[pf_word(h, f->lg)] & m) == m;
}

void pf_block_generic(const struct pf_filter *f8, const struct pf_filter *f4,
		      const uint8_t *buf, size_t base, size_t n, uint64_t *m8,
		      uint64_t *m4)
{
	uint64_t a = 0, b = 0;

	for (size_t j = 0; j < n; j++) {
		uint64_t k = pf_key(buf, base + j);

		if (f8->bits)
			a |= test(f8, pf_hash8(k)) << j;
		if (f4->bits)
			b |= test(f4, pf_hash4((uint32_t)(k >> 32))) << j;
	}
	if (base < 7) /* no anchor ends before its length */
		a &= ~0ull << (7 - base), b &= ~0ull << (base < 3 ? 3 - base : 0);
	*m8 = a;
	*m4 = b;
}

#if PF_AVX2
#define AVX2 __attribute__((target("avx2")))

AVX2 static __m256i mix8(__m256i h)
{
	h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
	h = _mm256_mullo_epi32(h, _mm256_set1_epi32((int)K_MIX1));
	h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 13));
	h = _mm256_mullo_epi32(h, _mm256_set1_epi32((int)K_MIX2));
	return _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
}

/* Of eight hashes, which pass filter f: a bit each. */
AVX2 static unsigned test8(const struct pf_filter *f, __m256i h)
{
	const __m256i one = _mm256_set1_epi32(1), five = _mm256_set1_epi32(31);
	__m256i word = _mm256_srl_epi32(h, _mm_cvtsi32_si128((int)(37 - f->lg)));
	__m256i third = _mm256_srli_epi32(
		_mm256_mullo_epi32(h, _mm256_set1_epi32((int)PF_K3)), 27);
	__m256i m = _mm256_or_si256(
		_mm256_or_si256(
			_mm256_sllv_epi32(one, _mm256_and_si256(h, five)),
			_mm256_sllv_epi32(one, _mm256_and_si256(_mm256_srli_epi32(h, 5), five))),
		_mm256_sllv_epi32(one, third));
	__m256i w = _mm256_i32gather_epi32((const int *)f->bits, word, 4);

	w = _mm256_cmpeq_epi32(_mm256_and_si256(w, m), m);
	return (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(w));
}

/* Eight places ending at p[7] .. p[14]: bytes p[0] .. p[15] readable. */
AVX2 static void eight(const struct pf_filter *f8, const struct pf_filter *f4,
		       const uint8_t *p, unsigned *a, unsigned *b)
{
	const __m256i lo_at = _mm256_setr_epi8(
		0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6,
		4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10);
	const __m256i hi_at = _mm256_add_epi8(lo_at, _mm256_set1_epi8(4));
	__m256i v = _mm256_broadcastsi128_si256(
		_mm_loadu_si128((const __m128i *)(const void *)p));
	__m256i upper = _mm256_and_si256(
		_mm256_cmpgt_epi8(v, _mm256_set1_epi8('A' - 1)),
		_mm256_cmpgt_epi8(_mm256_set1_epi8('Z' + 1), v));
	__m256i lo, hi;

	v = _mm256_or_si256(v, _mm256_and_si256(upper, _mm256_set1_epi8(32)));
	lo = _mm256_shuffle_epi8(v, lo_at);
	hi = _mm256_shuffle_epi8(v, hi_at);
	if (f8->bits)
		*a = test8(f8, mix8(_mm256_xor_si256(
			_mm256_mullo_epi32(lo, _mm256_set1_epi32((int)K_LO)),
			_mm256_mullo_epi32(hi, _mm256_set1_epi32((int)K_HI)))));
	if (f4->bits)
		*b = test8(f4, mix8(_mm256_mullo_epi32(
			hi, _mm256_set1_epi32((int)K_LO))));
}

AVX2 static void block_avx2(const struct pf_filter *f8,
			    const struct pf_filter *f4, const uint8_t *buf,
			    size_t base, uint64_t *m8, uint64_t *m4)
{
	uint64_t a = 0, b = 0;

	for (unsigned q = 0; q < PF_BLOCK; q += 8) {
		unsigned x = 0, y = 0;

		eight(f8, f4, buf + base + q - 7, &x, &y);
		a |= (uint64_t)x << q;
		b |= (uint64_t)y << q;
	}
	*m8 = a;
	*m4 = b;
}

static int have_avx2(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
}
#endif

void pf_block(const struct pf_filter *f8, const struct pf_filter *f4,
	      const uint8_t *buf, size_t len, size_t base, size_t n,
	      uint64_t *m8, uint64_t *m4)
{
	*m8 = *m4 = 0;
#if PF_AVX2
	/* the last place's sixteen bytes lie in buf */
	if (n == PF_BLOCK && base >= 7 && base + PF_BLOCK + 8 <= len &&
	    have_avx2()) {
		block_avx2(f8, f4, buf, base, m8, m4);
		return;
	}
#endif
	(void)len;
	pf_block_generic(f8, f4, buf, base, n, m8, m4);
}
