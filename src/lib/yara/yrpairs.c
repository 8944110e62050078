/*
 * yrpairs.c -- runs of two or three bytes (yrpairs.h): a table of every
 * pair of bytes with a bit in front, tested at each place. Written here
 * because the anchors matcher needs four bytes and a Vectorscan database
 * of short literals costs a compile each time the rules change; this one
 * builds in a counting sort. A run without case has its first two bytes
 * entered in each case of their letters. In front of the table, where
 * few places pass it, a test of 32 places at once (64 with AVX-512 BW:
 * elastic's scan 0.117 -> 0.116 s, signature-base's 0.199 -> 0.198, whole
 * runs, most of signature-base's in the table): the runs are in eight
 * groups, and a place passes if for some group each of its three bytes
 * has a low half and a high half some run of the group has there (two
 * lookups of 16 entries a byte, pshufb; the shift-and of groups that
 * Hyperscan's "Teddy" literal matcher made known). It replaced a test of
 * the first and second bytes as two sets: bench/yara.py's corpus with
 * elastic's rules took 0.175 s where it took 0.192, signature-base's
 * 0.320 where 0.338 (whole runs, median of three times five).
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

/* Where in run r its key lies: its first two bytes (the third, if any,
 * compared after them), or of three, the last two where its first byte
 * is more common than its third (compared before them): a run of NUL,
 * NUL, 0x8b is looked up where NUL and 0x8b follow each other, not at
 * every pair of NUL bytes (bench/yara.py's generated rules: 19.8 million
 * lookups of such a key over the corpus). */
static uint32_t key_at(const struct yr_pair_run *r)
{
	return r->len == 3 && anchor_rarity(r->bytes[0]) <
				      anchor_rarity(r->bytes[2]);
}

/* The keys (two bytes from key_at()) a run is entered under: 1 to 4. */
static int keys(const struct yr_pair_run *r, uint16_t *k)
{
	uint32_t o = key_at(r);
	uint8_t a[2] = { r->bytes[o], r->bytes[o] },
		b[2] = { r->bytes[o + 1], r->bytes[o + 1] };
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
	uint32_t e = p->start[key] + fillp[key]++, o = key_at(r);

	p->ent[e] = (struct anchor){ r->len < 3 ? 0 : r->bytes[o ? 0 : 2],
				     r->id, r->omin, r->omax, 0 };
	p->third[e] = (uint8_t)(r->len < 3 ? 0 : (r->nocase ? 2 : 1) + 2 * o);
	if (r->nocase)
		p->ent[e].key = lower((uint8_t)p->ent[e].key);
	p->bits[key >> 6] |= 1ull << (key & 63);
}

#define PAIRS_GROUPS 8

/* Run r into group g of masks m (its bytes from its key, any byte past
 * its end): each case of a byte without case. */
static void group(uint8_t m[3][2][16], const struct yr_pair_run *r, int g)
{
	uint32_t o = key_at(r), len = r->len - o;

	for (uint32_t i = 0; i < 3; i++) {
		uint8_t b = i < len ? r->bytes[o + i] : 0, v[2] = { b, b };

		if (r->nocase)
			v[0] = lower(b), v[1] = upper(b);
		for (int c = 0; c < 2; c++)
			for (int x = 0; x < 16; x++)
				if (i >= len || x == (v[c] & 15))
					m[i][0][x] |= (uint8_t)(1u << g);
		for (int c = 0; c < 2; c++)
			for (int x = 0; x < 16; x++)
				if (i >= len || x == v[c] >> 4)
					m[i][1][x] |= (uint8_t)(1u << g);
	}
}

/* Runs in the order of their keys' bytes. */
static int by_key(const void *a, const void *b)
{
	const struct yr_pair_run *x = *(const struct yr_pair_run *const *)a,
				 *y = *(const struct yr_pair_run *const *)b;
	const uint8_t *kx = x->bytes + key_at(x), *ky = y->bytes + key_at(y);
	int d = lower(kx[0]) - lower(ky[0]);

	return d ? d : lower(kx[1]) - lower(ky[1]);
}

/* The share of places of random bytes group g of masks m passes. */
static double share(const uint8_t m[3][2][16], int g)
{
	double sh = 1;

	for (int i = 0; i < 3; i++) {
		int lo = 0, hi = 0;

		for (int x = 0; x < 16; x++) {
			lo += m[i][0][x] >> g & 1;
			hi += m[i][1][x] >> g & 1;
		}
		sh *= lo * hi / 256.0;
	}
	return sh;
}

static double passes(const struct yr_pairs *p)
{
	double sum = 0;

	for (int g = 0; g < PAIRS_GROUPS; g++)
		sum += share(p->mask, g);
	return sum;
}

/* The group run r adds least to the places passed in: an empty one
 * first, then the one whose share grows least. */
static int best_group(const struct yr_pairs *p, const struct yr_pair_run *r)
{
	double least = 2;
	int best = 0;

	for (int g = 0; g < PAIRS_GROUPS; g++) {
		uint8_t m[3][2][16];
		double before = share(p->mask, g), grow;

		memcpy(m, p->mask, sizeof(m));
		group(m, r, g);
		grow = share(m, g) - before + (before == 0 ? -1 : 0);
		if (grow < least) {
			least = grow;
			best = g;
		}
	}
	return best;
}

/* Where the test would pass more than this share of places of random
 * bytes, the table alone is used: the bound the test of two sets was
 * measured at (signature-base's 115 keys, a sixteenth, scanned faster
 * with it; 218 generated ones slower). The groups' estimates:
 * signature-base's 107 runs 0.033, reversinglabs' 48 0.009, elastic's
 * 29 0.002 (in groups of equal size, by first bytes: 0.073, 0.016,
 * 0.003, and signature-base's scan 5% slower). */
#define PAIRS_SIMD_MAX (1.0 / 16)

/* The runs into groups, in order of their first bytes, each where it adds
 * least; then whether the test pays. 0 or VIGIL_ENOMEM. */
static int grouped(struct yr_pairs *p, const struct yr_pair_run *runs,
		   size_t n)
{
	const struct yr_pair_run **o = calloc(n + 1, sizeof(*o));

	if (!o)
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		o[i] = &runs[i];
	qsort(o, n, sizeof(*o), by_key);
	for (size_t i = 0; i < n; i++)
		group(p->mask, o[i], best_group(p, o[i]));
	free(o);
	p->simd = passes(p) <= PAIRS_SIMD_MAX;
	return 0;
}

int yr_pairs_build(const struct yr_pair_run *runs, size_t n,
		   struct yr_pairs *out)
{
	uint32_t *fillp;
	uint16_t k[4];
	size_t i, total = 0;
	int nk, j;

	memset(out, 0, sizeof(*out));
	if (!n)
		return 0; /* no table (a scan returns at once): 256 KiB spared */
	fillp = calloc(65536, sizeof(*fillp));
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
	free(fillp);
	fillp = NULL;
	if (grouped(out, runs, n) == 0)
		return 0;
nomem:
	free(fillp);
	yr_pairs_free(out);
	return VIGIL_ENOMEM;
}

/* One scan's state: the keys still looked up (the table's bits, less
 * those whose every entry answered ANCHOR_SPENT) and the entries spent
 * (the first PAIRS_SPENT_MAX; any after are asked each time). Measured:
 * signature-base's pairs over bench/yara.py's corpus were asked 1.35
 * million times, 1.13 million of them of a rule already false or a
 * string already found. */
#define PAIRS_SPENT_MAX 4096

struct pscan {
	const struct yr_pairs *p;
	const uint8_t *buf;
	size_t len;
	anchor_fn fn;
	void *ctx;
	uint64_t live[65536 / 64];
	uint64_t spent[PAIRS_SPENT_MAX / 64];
};

static int is_spent(const struct pscan *s, uint32_t e)
{
	return e < PAIRS_SPENT_MAX && (s->spent[e >> 6] >> (e & 63) & 1);
}

/* Entry e of key spent: the key too once all its entries are. */
static void spend(struct pscan *s, uint16_t key, uint32_t e)
{
	if (e >= PAIRS_SPENT_MAX)
		return;
	s->spent[e >> 6] |= 1ull << (e & 63);
	for (uint32_t f = s->p->start[key]; f < s->p->start[key + 1]; f++)
		if (!is_spent(s, f))
			return;
	s->live[key >> 6] &= ~(1ull << (key & 63));
}

/* 1 if the byte an entry compares (t: third[], 1 to 4) around the key at
 * buf[i] is b: after the key, or before it. */
static int third_ok(const struct pscan *s, size_t i, uint8_t t, uint64_t b)
{
	size_t at = t > 2 ? i - 1 : i + 2; /* i - 1 wraps at 0: past len */
	uint8_t x;

	if (at >= s->len)
		return 0;
	x = s->buf[at];
	return (t % 2 ? x : lower(x)) == (uint8_t)b;
}

/* The entries of the key at buf[i] (one of the table's): each reported
 * whose third byte matches; 1 if fn ended the scan. */
static inline __attribute__((always_inline)) int at(struct pscan *s,
						     size_t i)
{
	const struct yr_pairs *p = s->p;
	const uint8_t *buf = s->buf;
	uint16_t key = (uint16_t)(buf[i] | buf[i + 1] << 8);

	if (!(s->live[key >> 6] >> (key & 63) & 1))
		return 0;
	for (uint32_t e = p->start[key]; e < p->start[key + 1]; e++) {
		uint8_t t = p->third[e];
		size_t first = i - (t > 2); /* the run's first byte */
		int rc;

		if (is_spent(s, e) || (t && !third_ok(s, i, t, p->ent[e].key)))
			continue;
		if ((rc = s->fn(s->ctx, &p->ent[e], first)) == ANCHOR_END)
			return 1;
		if (rc == ANCHOR_SPENT)
			spend(s, key, e);
	}
	return 0;
}

#if PAIRS_AVX2
#define AVX2 __attribute__((target("avx2")))

/* Of 32 bytes, the groups with a run whose byte i may be each. */
AVX2 static __m256i groups(__m256i v, const __m256i t[2])
{
	const __m256i nib = _mm256_set1_epi8(15);

	return _mm256_and_si256(
		_mm256_shuffle_epi8(t[0], _mm256_and_si256(v, nib)),
		_mm256_shuffle_epi8(t[1], _mm256_and_si256(
						  _mm256_srli_epi16(v, 4), nib)));
}

/* The places from i while 34 bytes are readable: returns where it
 * stopped, or SIZE_MAX if fn ended the scan. */
AVX2 static size_t scan_avx2(struct pscan *s, size_t i)
{
	const uint8_t *buf = s->buf;
	__m256i t[3][2];

	for (int k = 0; k < 3; k++)
		for (int h = 0; h < 2; h++)
			t[k][h] = _mm256_broadcastsi128_si256(
				_mm_loadu_si128((const void *)s->p->mask[k][h]));
	for (; i + 34 <= s->len; i += 32) {
		__m256i g = _mm256_and_si256(
			_mm256_and_si256(
				groups(_mm256_loadu_si256((const void *)(buf + i)), t[0]),
				groups(_mm256_loadu_si256((const void *)(buf + i + 1)), t[1])),
			groups(_mm256_loadu_si256((const void *)(buf + i + 2)), t[2]));
		uint32_t m = ~(uint32_t)_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(g, _mm256_setzero_si256()));

		for (; m; m &= m - 1)
			if (at(s, i + (size_t)__builtin_ctz(m)))
				return SIZE_MAX;
	}
	return i;
}

#define AVX512 __attribute__((target("avx512f,avx512bw")))

/* groups() for 64 bytes. */
AVX512 static __m512i groups64(__m512i v, const __m512i t[2])
{
	const __m512i nib = _mm512_set1_epi8(15);

	return _mm512_and_si512(
		_mm512_shuffle_epi8(t[0], _mm512_and_si512(v, nib)),
		_mm512_shuffle_epi8(t[1], _mm512_and_si512(
						  _mm512_srli_epi16(v, 4), nib)));
}

/* scan_avx2() 64 places at a time, while 66 bytes are readable. */
AVX512 static size_t scan_avx512(struct pscan *s)
{
	const uint8_t *buf = s->buf;
	__m512i t[3][2];
	size_t i;

	for (int k = 0; k < 3; k++)
		for (int h = 0; h < 2; h++)
			t[k][h] = _mm512_broadcast_i32x4(
				_mm_loadu_si128((const void *)s->p->mask[k][h]));
	for (i = 0; i + 66 <= s->len; i += 64) {
		__m512i g = _mm512_and_si512(
			_mm512_and_si512(
				groups64(_mm512_loadu_si512((const void *)(buf + i)), t[0]),
				groups64(_mm512_loadu_si512((const void *)(buf + i + 1)), t[1])),
			groups64(_mm512_loadu_si512((const void *)(buf + i + 2)), t[2]));

		for (uint64_t m = _mm512_test_epi8_mask(g, g); m; m &= m - 1)
			if (at(s, i + (size_t)__builtin_ctzll(m)))
				return SIZE_MAX;
	}
	return i;
}

/* Bits 0..15 of x spread to the even bits of the result. */
static uint32_t spread16(uint32_t x)
{
	x = (x | x << 8) & 0x00ff00ffu;
	x = (x | x << 4) & 0x0f0f0f0fu;
	x = (x | x << 2) & 0x33333333u;
	return (x | x << 1) & 0x55555555u;
}

/* Of 16 places (their two bytes as 16-bit lanes, lowest first), those
 * whose key is still looked up (s->live, gathered). */
AVX512 static uint32_t live16(const struct pscan *s, __m256i pairs)
{
	__m512i k = _mm512_cvtepu16_epi32(pairs);
	__m512i w = _mm512_i32gather_epi32(_mm512_srli_epi32(k, 5),
					   (const void *)s->live, 4);
	__m512i bit = _mm512_sllv_epi32(_mm512_set1_epi32(1),
					_mm512_and_si512(k, _mm512_set1_epi32(31)));

	return _mm512_test_epi32_mask(w, bit);
}

/* Where the groups' test would pass too many places: the table's own
 * bits tested, 32 places at a time (the even places' keys and the odd
 * ones' from two loads), while 33 bytes are readable. bench/yara.py's
 * generated rules (114 short runs; the groups' test would pass 16% of
 * random places, the table 3% of the corpus's): 0.811 -> 0.762 s, whole
 * runs, against the table tested a place at a time. */
AVX512 static size_t scan_live(struct pscan *s)
{
	const uint8_t *buf = s->buf;
	size_t i;

	for (i = 0; i + 33 <= s->len; i += 32) {
		uint32_t m = spread16(live16(s, _mm256_loadu_si256(
					  (const void *)(buf + i)))) |
			     spread16(live16(s, _mm256_loadu_si256(
					  (const void *)(buf + i + 1)))) << 1;

		for (; m; m &= m - 1)
			if (at(s, i + (size_t)__builtin_ctz(m)))
				return SIZE_MAX;
	}
	return i;
}

#endif

int yr_pairs_scan(const struct yr_pairs *p, const uint8_t *buf, size_t len,
		  anchor_fn fn, void *ctx)
{
	struct pscan s;
	size_t i = 0;

	if (!p->n)
		return 0;
	s.p = p;
	s.buf = buf;
	s.len = len;
	s.fn = fn;
	s.ctx = ctx;
	memcpy(s.live, p->bits, sizeof(s.live));
	memset(s.spent, 0, sizeof(s.spent));
#if PAIRS_AVX2
	if (p->simd && cpu_avx512bw())
		i = scan_avx512(&s);
	else if (cpu_avx512bw())
		i = scan_live(&s);
	if (p->simd && cpu_avx2() && i != SIZE_MAX)
		i = scan_avx2(&s, i);
	if (i == SIZE_MAX)
		return 1;
#endif
	for (; i + 1 < len; i++)
		if (at(&s, i))
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
