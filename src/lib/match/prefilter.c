/*
 * prefilter.c -- the anchors matcher's first test, at every place of every
 * buffer scanned, so the hottest loop of a scan with a large feed. Written
 * by hand because it is a few dozen lines fitted to the anchors table
 * (Vectorscan's literal matchers, the maintained alternative, are what
 * the anchors matcher avoids compiling).
 *
 * A filter holds three bits of one 32-bit word per key. Hashes are of 32
 * bits, so that eight places are hashed and their words fetched at once
 * (AVX2's gather): measured on a full-size feed (430,000 anchors of eight
 * bytes, 80,000 of four), a place at a time with 64-bit hashes cost 50
 * instructions a place; the gathers are most of the time left, which is
 * why keys of eight bytes are tested at every fourth place only. The
 * generic code computes the same hashes, so a table built on one
 * processor serves any other.
 */
#include "match/prefilter.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "util/cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PF_AVX2 1
#else
#define PF_AVX2 0
#endif

#define K_LO 0x9e3779b1u
#define K_HI 0x85ebca77u
#define K_MIX 0x85ebca6bu

/* The product's high bits folded onto its low ones, multiplied again:
 * the word index takes the top bits, the bits in it the low ones, and
 * both depend on every byte of the key. Measured against a full
 * finaliser (two more rounds of shift, xor and multiply) on the bench
 * corpus: the filters passed as many places, and the test of four-byte
 * keys took 0.83 of the time. */
static uint32_t mix(uint32_t h)
{
	h ^= h >> 15;
	return h * K_MIX;
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

/* Keys of NUL bytes only, or of 0xff only, are no anchor's (anchors.c
 * never takes a run of those: they fill whole objects), so they never
 * pass, however the filter's bits fall. */
static int blank8(uint64_t k)
{
	return k == 0 || k == ~0ull;
}

static int blank4(uint32_t k)
{
	return k == 0 || k == ~0u;
}

void pf_block_generic(const struct pf_filter *f8, const struct pf_filter *f4,
		      const uint8_t *buf, size_t base, size_t n, uint64_t *m8,
		      uint64_t *m4)
{
	uint64_t a = 0, b = 0;

	for (size_t j = 0; j < n; j++) {
		uint64_t k = pf_key(buf, base + j);

		if (f8->bits && (base + j) % PF_STRIDE == PF_STRIDE - 1 &&
		    !blank8(k))
			a |= test(f8, pf_hash8(k)) << j;
		if (f4->bits && !blank4((uint32_t)(k >> 32)))
			b |= test(f4, pf_hash4((uint32_t)(k >> 32))) << j;
	}
	if (base < 7) /* no key ends before its length */
		a &= ~0ull << (7 - base);
	if (base < 3)
		b &= ~0ull << (3 - base);
	*m8 = a;
	*m4 = b;
}

#if PF_AVX2
#define AVX2 __attribute__((target("avx2")))

AVX2 static __m256i mix8(__m256i h)
{
	h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 15));
	return _mm256_mullo_epi32(h, _mm256_set1_epi32((int)K_MIX));
}

/* Of eight hashes, which pass filter f: a lane of ones each. */
AVX2 static __m256i test8(const struct pf_filter *f, __m256i h)
{
	const __m256i one = _mm256_set1_epi32(1), low5 = _mm256_set1_epi32(31);
	__m256i word = _mm256_srl_epi32(h, _mm_cvtsi32_si128((int)(37 - f->lg)));
	__m256i third = _mm256_srli_epi32(
		_mm256_mullo_epi32(h, _mm256_set1_epi32((int)PF_K3)), 27);
	__m256i m = _mm256_or_si256(
		_mm256_or_si256(
			_mm256_sllv_epi32(one, _mm256_and_si256(h, low5)),
			_mm256_sllv_epi32(one, _mm256_and_si256(_mm256_srli_epi32(h, 5), low5))),
		_mm256_sllv_epi32(one, third));
	__m256i w = _mm256_i32gather_epi32((const int *)f->bits, word, 4);

	return _mm256_cmpeq_epi32(_mm256_and_si256(w, m), m);
}

/* Bytes with ASCII letters lowered. */
AVX2 static __m256i lower(__m256i v)
{
	__m256i upper = _mm256_and_si256(
		_mm256_cmpgt_epi8(v, _mm256_set1_epi8('A' - 1)),
		_mm256_cmpgt_epi8(_mm256_set1_epi8('Z' + 1), v));

	return _mm256_or_si256(v, _mm256_and_si256(upper, _mm256_set1_epi8(32)));
}

/* Keys of four bytes ending at p[3] .. p[10]: bytes p[0] .. p[15]
 * readable. Bit i of the result for the key ending at p[3 + i]. */
AVX2 static unsigned four8(const struct pf_filter *f, const uint8_t *p)
{
	const __m256i at = _mm256_setr_epi8(
		0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6,
		4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10);
	__m256i v = lower(_mm256_broadcastsi128_si256(
		_mm_loadu_si128((const __m128i *)(const void *)p)));
	__m256i k = _mm256_shuffle_epi8(v, at);
	__m256i h = mix8(_mm256_mullo_epi32(k, _mm256_set1_epi32((int)K_LO)));
	__m256i blank = _mm256_or_si256(
		_mm256_cmpeq_epi32(k, _mm256_setzero_si256()),
		_mm256_cmpeq_epi32(k, _mm256_set1_epi32(-1)));

	return (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(
		_mm256_andnot_si256(blank, test8(f, h))));
}

/* Keys of eight bytes ending at p[3], p[7] .. p[31]: bytes p[-4] ..
 * p[31] readable. Bit 4i + 3 of the result (of a lane's four bytes) for
 * the key ending at p[3 + 4i]. */
AVX2 static unsigned wide8(const struct pf_filter *f, const uint8_t *p)
{
	__m256i lo = lower(_mm256_loadu_si256((const __m256i *)(const void *)(p - 4)));
	__m256i hi = lower(_mm256_loadu_si256((const __m256i *)(const void *)p));
	__m256i h = mix8(_mm256_xor_si256(
		_mm256_mullo_epi32(lo, _mm256_set1_epi32((int)K_LO)),
		_mm256_mullo_epi32(hi, _mm256_set1_epi32((int)K_HI))));
	const __m256i zero = _mm256_setzero_si256(), ones = _mm256_set1_epi32(-1);
	__m256i blank = _mm256_or_si256(
		_mm256_and_si256(_mm256_cmpeq_epi32(lo, zero),
				 _mm256_cmpeq_epi32(hi, zero)),
		_mm256_and_si256(_mm256_cmpeq_epi32(lo, ones),
				 _mm256_cmpeq_epi32(hi, ones)));

	return (unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(
		       blank, test8(f, h))) & 0x88888888u;
}

/* The masks of nb whole blocks from base: bytes from base - 7 to 8 past
 * the last readable. Eight-byte keys first, then four-byte ones: the
 * gathers of one kind follow each other without a branch between. */
AVX2 static void blocks_avx2(const struct pf_filter *f8,
			     const struct pf_filter *f4, const uint8_t *buf,
			     size_t base, size_t nb, uint64_t *m8,
			     uint64_t *m4)
{
	size_t q;

	memset(m8, 0, nb * 8);
	memset(m4, 0, nb * 8);
	for (q = 0; f8->bits && q < nb * PF_BLOCK; q += 32)
		m8[q / PF_BLOCK] |= (uint64_t)wide8(f8, buf + base + q)
				    << q % PF_BLOCK;
	for (q = 0; f4->bits && q < nb * PF_BLOCK; q += 8)
		m4[q / PF_BLOCK] |= (uint64_t)four8(f4, buf + base + q - 3)
				    << q % PF_BLOCK;
}

#endif

/* The masks of blocks from to to (the last may be short) by the generic
 * code. */
static void generic_blocks(const struct pf_filter *f8,
			   const struct pf_filter *f4, const uint8_t *buf,
			   size_t base, size_t n, size_t from, size_t to,
			   uint64_t *m8, uint64_t *m4)
{
	for (size_t i = from; i < to; i++) {
		size_t left = n - i * PF_BLOCK;

		pf_block_generic(f8, f4, buf, base + i * PF_BLOCK,
				 left < PF_BLOCK ? left : PF_BLOCK, &m8[i],
				 &m4[i]);
	}
}

void pf_masks(const struct pf_filter *f8, const struct pf_filter *f4,
	      const uint8_t *buf, size_t len, size_t base, size_t n,
	      uint64_t *m8, uint64_t *m4)
{
	size_t nb = (n + PF_BLOCK - 1) / PF_BLOCK, first = 0, last = 0;

#if PF_AVX2
	if (cpu_avx2()) {
		/* whole blocks whose last place's sixteen bytes lie in buf */
		first = last = base < 7;
		while (last < nb && (last + 1) * PF_BLOCK <= n &&
		       base + (last + 1) * PF_BLOCK + 8 <= len)
			last++;
		if (last > first)
			blocks_avx2(f8, f4, buf, base + first * PF_BLOCK,
				    last - first, m8 + first, m4 + first);
		else
			first = last = 0;
	}
#else
	(void)len;
#endif
	generic_blocks(f8, f4, buf, base, n, 0, first, m8, m4);
	generic_blocks(f8, f4, buf, base, n, last, nb, m8, m4);
}
