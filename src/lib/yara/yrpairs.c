/*
 * yrpairs.c -- runs of two or three bytes (yrpairs.h): a table of every
 * pair of bytes with a bit in front, tested at each place. Written here
 * because the anchors matcher needs four bytes and a Vectorscan database
 * of short literals costs a compile each time the rules change; this one
 * builds in a counting sort. A run without case has its first two bytes
 * entered in each case of their letters. Where the keys' first and second
 * bytes are few, a test of whether a place's two bytes are among them
 * goes in front of the table, 32 places at once: two lookups of 16
 * entries by each byte's low half (pshufb), its high half choosing the
 * bit.
 */
#include "yara/yrpairs.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PAIRS_AVX2 1
#else
#define PAIRS_AVX2 0
#endif

#include "util/cpu.h"
#include "vigil/vigil.h"

static uint8_t lower(uint8_t b)
{
	return (uint8_t)(b - 'A') < 26 ? (uint8_t)(b + 32) : b;
}

static uint8_t upper(uint8_t b)
{
	return (uint8_t)(b - 'a') < 26 ? (uint8_t)(b - 32) : b;
}

/* The keys (first two bytes) a run is entered under: 1 to 4. */
static int keys(const struct yr_pair_run *r, uint16_t *k)
{
	uint8_t a[2] = { r->bytes[0], r->bytes[0] },
		b[2] = { r->bytes[1], r->bytes[1] };
	int n = 0, i, j;

	if (r->nocase) {
		a[0] = lower(a[0]), a[1] = upper(a[1]);
		b[0] = lower(b[0]), b[1] = upper(b[1]);
	}
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			uint16_t key = (uint16_t)(a[i] | b[j] << 8);
			int dup = 0;

			for (int d = 0; d < n; d++)
				dup |= k[d] == key;
			if (!dup)
				k[n++] = key;
		}
	return n;
}

static void fill(struct yr_pairs *p, const struct yr_pair_run *r,
		 uint16_t key, uint32_t *fillp)
{
	uint32_t e = p->start[key] + fillp[key]++;

	p->ent[e] = (struct anchor){ r->len > 2 ? r->bytes[2] : 0, r->id,
				     r->omin, r->omax };
	p->third[e] = r->len < 3 ? 0 : r->nocase ? 2 : 1;
	if (r->nocase)
		p->ent[e].key = lower((uint8_t)p->ent[e].key);
	p->bits[key >> 6] |= 1ull << (key & 63);
	for (int i = 0; i < 2; i++) {
		uint8_t b = (uint8_t)(key >> (8 * i));

		p->set[i][b >> 7][b & 15] |= (uint8_t)(1u << (b >> 4 & 7));
	}
}

/* Whether the SIMD test of the keys' first and second bytes passes few
 * enough places to pay for itself: with the sets' sizes' product at most
 * this (a sixteenth of all pairs), signature-base's 115 keys (48 first
 * bytes, 57 second) scanned faster with it, 218 generated ones (113,
 * 118) slower. */
#define PAIRS_SIMD_MAX 4096

static int selective(const struct yr_pairs *p)
{
	int c[2] = { 0, 0 };

	for (int i = 0; i < 2; i++)
		for (int h = 0; h < 2; h++)
			for (int l = 0; l < 16; l++)
				c[i] += __builtin_popcount(p->set[i][h][l]);
	return c[0] * c[1] <= PAIRS_SIMD_MAX;
}

int yr_pairs_build(const struct yr_pair_run *runs, size_t n,
		   struct yr_pairs *out)
{
	uint32_t *fillp = calloc(65536, sizeof(*fillp));
	uint16_t k[4];
	size_t i, total = 0;
	int nk, j;

	memset(out, 0, sizeof(*out));
	out->start = calloc(65537, sizeof(*out->start));
	if (!fillp || !out->start)
		goto nomem;
	for (i = 0; i < n; i++)
		for (nk = keys(&runs[i], k), j = 0; j < nk; j++, total++)
			out->start[k[j] + 1]++;
	for (i = 1; i <= 65536; i++)
		out->start[i] += out->start[i - 1];
	out->ent = calloc(total + 1, sizeof(*out->ent));
	out->third = calloc(total + 1, 1);
	if (!out->ent || !out->third)
		goto nomem;
	out->n = total;
	for (i = 0; i < n; i++)
		for (nk = keys(&runs[i], k), j = 0; j < nk; j++)
			fill(out, &runs[i], k[j], fillp);
	out->simd = selective(out);
	free(fillp);
	return 0;
nomem:
	free(fillp);
	yr_pairs_free(out);
	return VIGIL_ENOMEM;
}

/* The entries of the key at buf[i] (one of the table's): each reported
 * whose third byte matches; 1 if fn ended the scan. */
static inline __attribute__((always_inline)) int
at(const struct yr_pairs *p, const uint8_t *buf, size_t len,
		     size_t i, anchor_fn fn, void *ctx)
{
	uint16_t key = (uint16_t)(buf[i] | buf[i + 1] << 8);

	if (!(p->bits[key >> 6] >> (key & 63) & 1))
		return 0;
	for (uint32_t e = p->start[key]; e < p->start[key + 1]; e++) {
		uint8_t t = p->third[e];

		if (t && (i + 2 >= len ||
			  (t == 1 ? buf[i + 2] : lower(buf[i + 2])) !=
				  (uint8_t)p->ent[e].key))
			continue;
		if (fn(ctx, &p->ent[e], i))
			return 1;
	}
	return 0;
}

#if PAIRS_AVX2
#define AVX2 __attribute__((target("avx2")))

/* Of 32 bytes, which are in a set of p->set's form: a lane of ones each. */
AVX2 static __m256i in_set(__m256i v, __m256i t0, __m256i t1)
{
	const __m256i bit = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 1, 2,
					     4, 8, 16, 32, 64, -128, 1, 2, 4,
					     8, 16, 32, 64, -128, 1, 2, 4, 8,
					     16, 32, 64, -128);
	const __m256i nib = _mm256_set1_epi8(15);
	__m256i lo = _mm256_and_si256(v, nib);
	__m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
	__m256i row = _mm256_blendv_epi8(_mm256_shuffle_epi8(t0, lo),
					 _mm256_shuffle_epi8(t1, lo), v);
	__m256i b = _mm256_shuffle_epi8(bit, hi);

	return _mm256_cmpeq_epi8(_mm256_and_si256(row, b), b);
}

/* The places from 0 while 33 bytes are readable: returns where it
 * stopped, or SIZE_MAX if fn ended the scan. */
AVX2 static size_t scan_avx2(const struct yr_pairs *p, const uint8_t *buf,
			     size_t len, anchor_fn fn, void *ctx)
{
	__m256i s[2][2];
	size_t i;

	for (int k = 0; k < 2; k++)
		for (int h = 0; h < 2; h++)
			s[k][h] = _mm256_broadcastsi128_si256(
				_mm_loadu_si128((const void *)p->set[k][h]));
	for (i = 0; i + 33 <= len; i += 32) {
		__m256i a = _mm256_loadu_si256((const void *)(buf + i));
		__m256i b = _mm256_loadu_si256((const void *)(buf + i + 1));
		uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(
			in_set(a, s[0][0], s[0][1]), in_set(b, s[1][0], s[1][1])));

		for (; m; m &= m - 1)
			if (at(p, buf, len, i + (size_t)__builtin_ctz(m), fn, ctx))
				return SIZE_MAX;
	}
	return i;
}

#endif

int yr_pairs_scan(const struct yr_pairs *p, const uint8_t *buf, size_t len,
		  anchor_fn fn, void *ctx)
{
	size_t i = 0;

	if (!p->n)
		return 0;
#if PAIRS_AVX2
	if (cpu_avx2() && p->simd &&
	    (i = scan_avx2(p, buf, len, fn, ctx)) == SIZE_MAX)
		return 1;
#endif
	for (; i + 1 < len; i++)
		if (at(p, buf, len, i, fn, ctx))
			return 1;
	return 0;
}

void yr_pairs_free(struct yr_pairs *p)
{
	free(p->start);
	free(p->ent);
	free(p->third);
	memset(p, 0, sizeof(*p));
}
