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
 * processor serves any other. Where the four-byte keys' last two bytes
 * are few (YARA's rule sets: a tenth to a seventh of the pairs table's
 * bits), AVX-512 VBMI tests those first, 64 places at once against a
 * table held in registers, and gathers only for the places that pass
 * (9% of the bench corpus's places for 1,000 plain strings, 31% for
 * reversinglabs' keys): bench/yara.py's plain strings 0.098 -> 0.081 s,
 * reversinglabs 0.108 -> 0.101 (whole runs); a second table, of the
 * keys' first two bytes, passes fewer (four_pairs()). A masked gather
 * would not do, it costs as much whatever its mask. Where many places
 * pass, the keys of whole blocks are made in registers instead of
 * gathered (PF_DENSE). With AVX-512 VBMI and VBMI2 every test takes
 * sixteen places at once (blocks_avx512()).
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

#define K_LO PF_K_LO
#define K_HI PF_K_HI
#define K_MIX PF_K_MIX

/* The pairs table's hash: the two bytes as a 16-bit number (the first
 * the low byte) times an odd constant; of the product's top twelve bits,
 * the top eight and the lowest give the byte in the table's 512, the
 * other three the bit in it (the SIMD code multiplies 32 pairs at once in
 * 16-bit lanes). It replaced a tabulation hash (eight table lookups of
 * half bytes for 64 places, twice): fewer places pass (over
 * bench/yara.py's corpus, elastic's table 38.8% -> 36.2%, the plain
 * strings' 13.4% -> 11.3%), and whole runs took 0.053 -> 0.050 s with the
 * plain strings, 0.064 -> 0.062 with reversinglabs. */
#define PAIR_K 0x9e37u

unsigned pf_pair_bit(uint8_t x, uint8_t y)
{
	unsigned v = (x | (unsigned)y << 8) * PAIR_K & 0xffff;

	return ((v >> 8) | (v >> 7 & 1) << 8) << 3 | (v >> 4 & 7);
}

int pf_pairs_add(uint8_t *pairs, uint32_t key)
{
	unsigned b = pf_pair_bit((uint8_t)(key >> 16), (uint8_t)(key >> 24));
	unsigned c = pf_pair_bit((uint8_t)key, (uint8_t)(key >> 8));
	int fresh = !(pairs[b >> 3] >> (b & 7) & 1);

	pairs[b >> 3] |= (uint8_t)(1u << (b & 7));
	pairs[PF_PAIRS_BYTES + (c >> 3)] |= (uint8_t)(1u << (c & 7));
	return fresh;
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

#define AVX512 \
	__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")))

AVX512 static __m512i lower64(__m512i v)
{
	__mmask64 up = _mm512_cmplt_epu8_mask(
		_mm512_sub_epi8(v, _mm512_set1_epi8('A')), _mm512_set1_epi8(26));

	return _mm512_mask_add_epi8(v, up, v, _mm512_set1_epi8(32));
}

/* The pairs of the 64 places from p (p[-1] readable), hashed: the pairs
 * of the even places are the 16-bit lanes of the bytes from p[-1], those
 * of the odd places the lanes of the bytes from p; their hashes' byte of
 * the table (ia, its top bit in g1, the next in g2 of ib) and bit (m)
 * interleaved back into place order. */
struct pair_ix {
	__m512i ia, m;
	__mmask64 g1, g2;
};

AVX512 static struct pair_ix pair_ix(const uint8_t *p)
{
	const __m512i k = _mm512_set1_epi16((short)PAIR_K);
	__m512i x = lower64(_mm512_loadu_si512((const void *)(p - 1)));
	__m512i y = lower64(_mm512_loadu_si512((const void *)p));
	__m512i pe = _mm512_mullo_epi16(x, k), po = _mm512_mullo_epi16(y, k);
	__m512i ib = _mm512_ternarylogic_epi32(
		_mm512_srli_epi16(pe, 4), _mm512_slli_epi16(po, 4),
		_mm512_set1_epi16(0x0f00), 0xd8); /* (a & ~c) | (b & c) */
	const __m512i bit = _mm512_broadcast_i32x4(
		_mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32,
			      64, -128));
	struct pair_ix r;

	r.ia = _mm512_ternarylogic_epi32(_mm512_srli_epi16(pe, 8), po,
					 _mm512_set1_epi16((short)0xff00),
					 0xf8); /* a | (b & c) */
	r.g1 = _mm512_movepi8_mask(r.ia);
	r.g2 = _mm512_test_epi8_mask(ib, _mm512_set1_epi8(8));
	r.m = _mm512_shuffle_epi8(bit, _mm512_and_si512(ib, _mm512_set1_epi8(7)));
	return r;
}

/* Of the places x tells of, those whose pair's bit is set in the pairs
 * table t (eight registers of it). */
AVX512 static uint64_t pair_look(const __m512i t[8], const struct pair_ix *x)
{
	__m512i lo = _mm512_mask_blend_epi8(
		x->g1, _mm512_permutex2var_epi8(t[0], x->ia, t[1]),
		_mm512_permutex2var_epi8(t[2], x->ia, t[3]));
	__m512i hi = _mm512_mask_blend_epi8(
		x->g1, _mm512_permutex2var_epi8(t[4], x->ia, t[5]),
		_mm512_permutex2var_epi8(t[6], x->ia, t[7]));

	return _mm512_test_epi8_mask(_mm512_mask_blend_epi8(x->g2, lo, hi), x->m);
}

/* Of the 64 places from p (p[-1] readable), those whose last two bytes'
 * bit is set in the pairs table t. */
AVX512 static uint64_t pairs64(const __m512i t[8], const uint8_t *p)
{
	struct pair_ix x = pair_ix(p);

	return pair_look(t, &x);
}

/* Of 16 hashes h (valid lanes), those that pass filter f. */
AVX512 static __mmask16 test16(const struct pf_filter *f, __m512i h,
			       __mmask16 valid)
{
	const __m512i one = _mm512_set1_epi32(1), low5 = _mm512_set1_epi32(31);
	__m512i word, m, w;

	word = _mm512_srl_epi32(h, _mm_cvtsi32_si128((int)(37 - f->lg)));
	m = _mm512_or_si512(
		_mm512_or_si512(
			_mm512_sllv_epi32(one, _mm512_and_si512(h, low5)),
			_mm512_sllv_epi32(one, _mm512_and_si512(
						       _mm512_srli_epi32(h, 5), low5))),
		_mm512_sllv_epi32(one, _mm512_srli_epi32(
					       _mm512_mullo_epi32(
						       h, _mm512_set1_epi32((int)PF_K3)),
					       27)));
	w = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), valid, word,
					(const int *)f->bits, 4);
	return _mm512_mask_cmpeq_epi32_mask(valid, _mm512_and_si512(w, m), m);
}

AVX512 static __m512i mix16(__m512i h)
{
	return _mm512_mullo_epi32(_mm512_xor_si512(h, _mm512_srli_epi32(h, 15)),
				  _mm512_set1_epi32((int)K_MIX));
}

/* Of the 16 keys k (valid lanes, lowered), those that pass filter f. */
AVX512 static __mmask16 keys16(const struct pf_filter *f, __m512i k,
			       __mmask16 valid)
{
	__mmask16 blank;

	blank = _mm512_cmpeq_epi32_mask(k, _mm512_setzero_si512()) |
		_mm512_cmpeq_epi32_mask(k, _mm512_set1_epi32(-1));
	return test16(f, mix16(_mm512_mullo_epi32(k, _mm512_set1_epi32((int)K_LO))),
		      valid & ~blank);
}

/* Keys of eight bytes ending at p[3], p[7] .. p[63]: bytes p[-4] ..
 * p[63] readable. Bit 4i + 3 of the result for the key ending at
 * p[3 + 4i]. */
AVX512 static uint64_t wide16(const struct pf_filter *f, const uint8_t *p)
{
	__m512i lo = lower64(_mm512_loadu_si512((const void *)(p - 4)));
	__m512i hi = lower64(_mm512_loadu_si512((const void *)p));
	__m512i h = mix16(_mm512_xor_si512(
		_mm512_mullo_epi32(lo, _mm512_set1_epi32((int)K_LO)),
		_mm512_mullo_epi32(hi, _mm512_set1_epi32((int)K_HI))));
	const __m512i zero = _mm512_setzero_si512(), ones = _mm512_set1_epi32(-1);
	__mmask16 blank = (_mm512_cmpeq_epi32_mask(lo, zero) &
			   _mm512_cmpeq_epi32_mask(hi, zero)) |
			  (_mm512_cmpeq_epi32_mask(lo, ones) &
			   _mm512_cmpeq_epi32_mask(hi, ones));
	__mmask16 ok = test16(f, h, (__mmask16)~blank);

	return _mm512_movepi8_mask(_mm512_maskz_mov_epi32(ok, ones)) &
	       0x8888888888888888ull;
}

/* Where the bytes of the keys ending at p[16 r] .. p[16 r + 15] lie in
 * two loads taken as one table: p[-3] .. p[60] (entries 0 .. 63) and
 * p[0] .. p[63] (64 .. 127). Byte b of key i is p[d], d = 16 r + i - 3 +
 * b: entry d + 3 while that is at most 63, else entry 64 + d (the same
 * plus 61). */
AVX512 static __m512i key_at(int r)
{
	__m512i at = _mm512_add_epi8(
		_mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8,
						     9, 10, 11, 12, 13, 14, 15),
				   _mm512_set1_epi32(0x01010101)),
		_mm512_set1_epi32(0x03020100 + 0x10101010 * r));

	return _mm512_mask_add_epi8(
		at, _mm512_cmpgt_epu8_mask(at, _mm512_set1_epi8(63)), at,
		_mm512_set1_epi8(61));
}

/* The places of the block at p (place `first`) that pass, packed into
 * pos: how many. Two compresses of 32 16-bit places each (VBMI2), where
 * 32-bit places took four: whole runs, elastic's rules 0.1775 -> 0.1728 s,
 * reversinglabs' 0.0992 -> 0.0967 (the fastest of nine each). */
AVX512 static size_t places(uint64_t pass, uint32_t first, uint16_t *pos)
{
	const __m512i iota = _mm512_set_epi16(
		31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
		15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	__m512i at = _mm512_add_epi16(iota, _mm512_set1_epi16((short)first));
	size_t np = (size_t)__builtin_popcount((uint32_t)pass);

	_mm512_storeu_si512((void *)pos,
			    _mm512_maskz_compress_epi16((__mmask32)pass, at));
	_mm512_storeu_si512((void *)(pos + np),
			    _mm512_maskz_compress_epi16(
				    (__mmask32)(pass >> 32),
				    _mm512_add_epi16(at, _mm512_set1_epi16(32))));
	return np + (size_t)__builtin_popcount((uint32_t)(pass >> 32));
}

/* The keys of four bytes (lowered) of the places of the block at p that
 * pass, packed into key in the order places() gives: made in registers,
 * sixteen at a time from two loads (p[-3] readable; vpermt2b). */
AVX512 static void keys_of(const uint8_t *p, uint64_t pass,
			   const __m512i at[4], uint32_t *key)
{
	__m512i z = lower64(_mm512_loadu_si512((const void *)(p - 3))),
		y = lower64(_mm512_loadu_si512((const void *)p));

	for (int r = 0; r < 4; r++) {
		__mmask16 mk = (__mmask16)(pass >> (16 * r));
		__m512i k = _mm512_permutex2var_epi8(
			z, at[r], y);

		_mm512_storeu_si512((void *)key,
				    _mm512_maskz_compress_epi32(mk, k));
		key += __builtin_popcount(mk);
	}
}

/* Where this many of a chunk's places in 64 pass the pairs table or more,
 * their keys are made in registers for all (keys_of()), else gathered for
 * each: the first costs the same per block whatever passes, the second
 * per place that passes. Measured on bench/yara.py's corpus (whole runs):
 * in registers everywhere, elastic's keys (about 24 places in 64 pass)
 * 0.157 -> 0.149 s but reversinglabs' table for files not PE (few pass)
 * 0.067 -> 0.069; chosen per chunk, elastic 0.157-0.163 -> 0.154-0.156,
 * the plain strings 0.071-0.072 -> 0.069, reversinglabs the same. */
#define PF_DENSE 12

/* Keys of four bytes over nb whole blocks from base, with f's pairs
 * tables in front: the places that pass both packed, then their keys
 * tested sixteen at a time. m4 zeroed by the caller. The second table, of
 * the keys' first two bytes, is the first's test two places before:
 * elastic's keys passed 23% of bench/yara.py's corpus's places with the
 * first alone, 9% with both; whole runs 0.114 -> 0.110 s, the plain
 * strings 0.051 -> 0.050, reversinglabs the same. Both tables are looked
 * up with one hashing of the block's pairs (pair_ix()), the second's bits
 * moved two places on (carry: the last two of the block before): with a
 * rule of one string, the pairs' tests were half of a run's time; whole
 * runs of elastic's rules 0.191 -> 0.183 s. */
AVX512 static void four_pairs(const struct pf_filter *f, const uint8_t *buf,
			      size_t base, size_t nb, uint64_t *m4)
{
	uint32_t key[PF_CHUNK + 16];
	uint16_t pos[PF_CHUNK + 32];
	uint64_t pass[PF_CHUNK / PF_BLOCK], carry;
	__m512i t[8], t2[8];
	size_t np = 0, q, k;
	int dense;

	for (int i = 0; i < 8; i++) {
		t[i] = _mm512_loadu_si512((const void *)(f->pairs + 64 * i));
		t2[i] = _mm512_loadu_si512(
			(const void *)(f->pairs + PF_PAIRS_BYTES + 64 * i));
	}
	carry = pairs64(t2, buf + base - 2) & 3;
	for (q = 0; q < nb; q++) {
		struct pair_ix x = pair_ix(buf + base + q * PF_BLOCK);
		uint64_t second = pair_look(t2, &x);

		pass[q] = pair_look(t, &x) & (second << 2 | carry);
		carry = second >> 62;
		np += places(pass[q], (uint32_t)(q * PF_BLOCK), pos + np);
	}
	if ((dense = np >= nb * PF_DENSE)) {
		__m512i at[4];

		for (int r = 0; r < 4; r++)
			at[r] = key_at(r);
		for (q = 0, k = 0; q < nb; q++) {
			keys_of(buf + base + q * PF_BLOCK, pass[q], at, key + k);
			k += (size_t)__builtin_popcountll(pass[q]);
		}
	}
	for (k = 0; k < np; k += 16) {
		__mmask16 valid = np - k >= 16 ? 0xffff :
				  (__mmask16)((1u << (np - k)) - 1);
		__m512i kk = dense ? _mm512_maskz_loadu_epi32(valid, key + k) :
				     lower64(_mm512_mask_i32gather_epi32(
					     _mm512_setzero_si512(), valid,
					     _mm512_cvtepu16_epi32(
						     _mm256_maskz_loadu_epi16(valid, pos + k)),
					     buf + base - 3, 1));
		unsigned ok = keys16(f, kk, valid);

		for (; ok; ok &= ok - 1) {
			uint32_t at = pos[k + (unsigned)__builtin_ctz(ok)];

			m4[at / PF_BLOCK] |= 1ull << (at % PF_BLOCK);
		}
	}
}

/* Keys of four bytes over nb whole blocks from base, without a pairs
 * table: every place's key made in registers and tested, sixteen at a
 * time. */
AVX512 static void four_all(const struct pf_filter *f, const uint8_t *buf,
			    size_t base, size_t nb, uint64_t *m4)
{
	__m512i at[4];

	for (int r = 0; r < 4; r++)
		at[r] = key_at(r);
	for (size_t q = 0; q < nb; q++) {
		const uint8_t *p = buf + base + q * PF_BLOCK;
		__m512i z = lower64(_mm512_loadu_si512((const void *)(p - 3))),
			y = lower64(_mm512_loadu_si512((const void *)p));
		uint64_t m = 0;

		for (int r = 0; r < 4; r++)
			m |= (uint64_t)keys16(f, _mm512_permutex2var_epi8(
						      z, at[r], y), 0xffff)
			     << 16 * r;
		m4[q] = m;
	}
}

/* blocks_avx2()'s work with AVX-512 VBMI: sixteen keys at a time (m8 and
 * m4 zeroed). Measured on bench/yara.py's corpus against eight at a time
 * with AVX2 (whole runs): keys of eight bytes, elastic's 0.125 -> 0.122 s
 * and signature-base's 0.209 -> 0.206; signature-base's keys of four
 * bytes without a pairs table (too many of its bits set), 0.216 ->
 * 0.207. */
AVX512 static void blocks_avx512(const struct pf_filter *f8,
				 const struct pf_filter *f4, const uint8_t *buf,
				 size_t base, size_t nb, uint64_t *m8,
				 uint64_t *m4)
{
	for (size_t q = 0; f8->bits && q < nb; q++)
		m8[q] = wide16(f8, buf + base + q * PF_BLOCK);
	if (f4->bits && f4->pairs)
		four_pairs(f4, buf, base, nb, m4);
	else if (f4->bits)
		four_all(f4, buf, base, nb, m4);
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
	if (cpu_avx512vbmi() && cpu_avx512vbmi2()) {
		blocks_avx512(f8, f4, buf, base, nb, m8, m4);
		return;
	}
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
