/*
 * test_anchors.c -- the anchors matcher's first test (prefilter.c): the
 * AVX2 path and the generic one say the same for every place, letters
 * are compared without case, and the keys read at a place are the bytes
 * ending there; and the lookups behind it (anchors_scan), which pass over
 * the rest of a run of one byte once its key was not found, still find
 * every anchor next to and inside such runs, and look a key up until
 * every entry of it is spent; and a set of tables by target type
 * (anchorset.c), which scans with its object's type's table and reads
 * back from the cache's bytes only what it wrote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "match/anchors.h"
#include "match/anchorset.h"
#include "match/prefilter.h"
#include "util/cpu.h"

#define BUF_LEN 4099 /* not a multiple of a block */

/* Bytes where case folding can go wrong: letters, their neighbours
 * ('@' '[' '`' '{'), bytes with the high bit, NUL. */
static void fill(uint8_t *buf, size_t len, unsigned seed)
{
	static const uint8_t edge[] = { 'A', 'Z', 'a', 'z', '@', '[', '`',
					'{', 0xc1, 0xda, 0x80, 0xff, 0 };

	srand(seed);
	for (size_t i = 0; i < len; i++)
		buf[i] = rand() % 2 ? edge[rand() % sizeof(edge)] :
				      (uint8_t)rand();
}

/* A filter of 2^lg bits with 40% set, so that tests pass (6%). */
static uint32_t *random_filter(unsigned lg)
{
	size_t n = (size_t)1 << (lg - 5);
	uint32_t *bits = malloc(n * 4);

	assert_non_null(bits);
	for (size_t i = 0; i < n; i++) {
		bits[i] = 0;
		for (unsigned b = 0; b < 32; b++)
			bits[i] |= (uint32_t)(rand() % 100 < 40) << b;
	}
	return bits;
}

/* Chunks of every size the scan uses (and a last short one), against the
 * generic code a block at a time. */
static void test_paths_agree(void **state)
{
	uint8_t *buf = malloc(BUF_LEN);
	uint32_t *b8, *b4;
	unsigned passed = 0;

	(void)state;
	assert_non_null(buf);
	fill(buf, BUF_LEN, 1);
	b8 = random_filter(16);
	b4 = random_filter(17);
	/* runs of NUL and of 0xff, whose keys pass the filters here: every
	 * path keeps them out (no anchor is of those bytes only) */
	memset(buf + 1000, 0, 100);
	memset(buf + 3001, 0xff, 90);
	for (int i = 0; i < 2; i++) {
		uint32_t h8 = pf_hash8(i ? ~0ull : 0), h4 = pf_hash4(i ? ~0u : 0);

		b8[pf_word(h8, 16)] |= pf_bits(h8);
		b4[pf_word(h4, 17)] |= pf_bits(h4);
	}
	for (int which = 0; which < 3; which++) {
		struct pf_filter f8 = { which == 1 ? NULL : b8, 16, NULL };
		struct pf_filter f4 = { which == 2 ? NULL : b4, 17, NULL };
		size_t chunk = which == 0 ? PF_CHUNK : PF_BLOCK * (size_t)which;

		for (size_t base = 0; base < BUF_LEN; base += chunk) {
			size_t n = BUF_LEN - base < chunk ? BUF_LEN - base : chunk;
			uint64_t a8[PF_CHUNK / PF_BLOCK], a4[PF_CHUNK / PF_BLOCK];

			pf_masks(&f8, &f4, buf, BUF_LEN, base, n, a8, a4);
			for (size_t i = 0; i * PF_BLOCK < n; i++) {
				size_t at = base + i * PF_BLOCK, left = n - i * PF_BLOCK;
				uint64_t g8, g4;

				pf_block_generic(&f8, &f4, buf, at,
						 left < PF_BLOCK ? left : PF_BLOCK,
						 &g8, &g4);
				assert_int_equal(a8[i], g8);
				assert_int_equal(a4[i], g4);
				passed += (unsigned)__builtin_popcountll(g8 | g4);
			}
		}
	}
	assert_true(passed > 100); /* the filters were really tested */
	free(b8);
	free(b4);
	free(buf);
}

/* A place passes where its key's bits are set, in either case. */
static void test_key_and_case(void **state)
{
	uint8_t buf[200];
	uint32_t *b8 = calloc((size_t)1 << 11, 4), *b4 = calloc((size_t)1 << 11, 4);
	struct pf_filter f8 = { b8, 16, NULL }, f4 = { b4, 16, NULL };
	uint64_t k8 = pf_key((const uint8_t *)"xyz\x80" "ABcd", 7);
	uint32_t h8 = pf_hash8(k8), h4 = pf_hash4((uint32_t)(k8 >> 32));
	uint64_t m8, m4;

	(void)state;
	assert_true(k8 == pf_key((const uint8_t *)"XYZ\x80" "abCD", 7));
	assert_true(k8 != pf_key((const uint8_t *)"xyz\xa0" "abcd", 7));
	b8[pf_word(h8, 16)] |= pf_bits(h8);
	b4[pf_word(h4, 16)] |= pf_bits(h4);
	memset(buf, '.', sizeof(buf));
	memcpy(buf + 100, "XyZ\x80" "aBcD", 8); /* ends at 107 */
	pf_masks(&f8, &f4, buf, sizeof(buf), 64, 64, &m8, &m4);
	assert_true(m8 >> (107 - 64) & 1);
	assert_true(m4 >> (107 - 64) & 1);
	memcpy(buf + 4, "xYz\x80" "AbCd", 8); /* ends at 11, the first block */
	pf_masks(&f8, &f4, buf, sizeof(buf), 0, 64, &m8, &m4);
	assert_true(m8 >> 11 & 1);
	assert_true(m4 >> 11 & 1);
	pf_masks(&f8, &f4, buf, 8, 0, 8, &m8, &m4); /* the very start */
	assert_int_equal(m8 & 0x7f, 0);
	free(b8);
	free(b4);
}

struct hits {
	size_t at[64];
	size_t n;
};

static int hit(void *ctx, const struct anchor *a, size_t at)
{
	struct hits *h = ctx;

	(void)a;
	assert_true(h->n < 64);
	h->at[h->n++] = at;
	return 0;
}

/* A table of one four-byte anchor whose filter lets every key through,
 * so that every place passes and is looked up. */
#define ONE_LG 16
#define ONE_WORDS ((size_t)1 << (ONE_LG - 5))

struct one {
	uint32_t ones[ONE_WORDS], start[ONE_WORDS + 1];
	struct anchor ent;
	struct anchors a;
};

/* Sets o's anchor to the four bytes that end at buf[end]. */
static void one_anchor(struct one *o, const uint8_t *buf, size_t end)
{
	size_t bk;

	memset(o->ones, 0xff, sizeof(o->ones));
	o->ent = (struct anchor){ pf_key(buf, end) >> 32, 7, 0, 0, 0 };
	bk = pf_word(pf_hash4((uint32_t)o->ent.key), ONE_LG);
	for (size_t b = 0; b <= ONE_WORDS; b++)
		o->start[b] = b > bk;
	memset(&o->a, 0, sizeof(o->a));
	o->a.bits[1] = o->ones;
	o->a.start[1] = o->start;
	o->a.ent[1] = &o->ent;
	o->a.n[1] = 1;
	o->a.lg[0] = o->a.lg[1] = ONE_LG;
}

/* For runs of NUL, spaces, 0xff and 'a' (a letter: never passed over),
 * the anchor is three bytes of the run and a 0x01, planted at both sides
 * of block edges, after another, after a run of whole chunks (which, of
 * NUL or 0xff, are passed over without a filter test), near the buffer's
 * end (the run then goes on to it). Every place it lies is reported,
 * once, in order. */
static void test_runs_keep_anchors(void **state)
{
	static uint8_t buf[8192];
	static struct one o;
	static const uint8_t fills[] = { 0, ' ', 0xff, 'a' };
	static const size_t ends[] = { 63, 64, 130, 131, 191, 1023, 1024,
				       6150, 8180 };
	size_t want = sizeof(ends) / sizeof(*ends);

	(void)state;
	for (size_t f = 0; f < sizeof(fills); f++) {
		struct hits h = { { 0 }, 0 };

		memset(buf, fills[f], sizeof(buf));
		buf[3] = 1;
		one_anchor(&o, buf, 3);
		buf[3] = fills[f];
		for (size_t i = 0; i < want; i++)
			buf[ends[i]] = 1;
		assert_int_equal(anchors_scan(&o.a, buf, sizeof(buf), hit, &h),
				 0);
		/* 64, 131 and 1024 follow a planted byte: their keys are
		 * run, run, 0x01, 0x01 */
		assert_int_equal(h.n, want - 3);
		for (size_t i = 0, k = 0; i < want; i++)
			if (buf[ends[i] - 1] == fills[f])
				assert_int_equal(h.at[k++], ends[i] - 3);
	}
}

/* An anchor whose last bytes are NULs, ending in a chunk that is NUL
 * but for its start: the chunk is not passed over as blank, since the
 * key's first byte lies in the chunk before. */
static void test_blank_chunk_reads_back(void **state)
{
	static uint8_t buf[4096];
	static struct one o;
	struct hits h = { { 0 }, 0 };

	(void)state;
	memset(buf, 0, sizeof(buf));
	buf[PF_CHUNK - 1] = 1; /* "\x01\0\0\0" ends at PF_CHUNK + 2 */
	one_anchor(&o, buf, PF_CHUNK + 2);
	assert_int_equal(anchors_scan(&o.a, buf, sizeof(buf), hit, &h), 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.at[0], PF_CHUNK - 1);
}

/* Two entries of one key (ids 7, 8) and their calls: 7 spent at once,
 * 8 after its third. */
struct two {
	uint32_t ones[ONE_WORDS], start[ONE_WORDS + 1];
	struct anchor ent[2];
	struct anchors a;
	size_t calls[2];
};

static int spend(void *ctx, const struct anchor *a, size_t at)
{
	struct two *t = ctx;
	size_t n = ++t->calls[a->id - 7];

	(void)at;
	return a->id == 7 || n >= 3 ? ANCHOR_SPENT : ANCHOR_NEXT;
}

/* An entry that answered ANCHOR_SPENT is not called again in that scan,
 * and a key is looked up until every entry of it answered so, then no
 * more; the next scan starts afresh. */
static void test_spent_keys(void **state)
{
	static uint8_t buf[4096];
	static struct two t;
	size_t bk;

	(void)state;
	memset(buf, ' ', sizeof(buf));
	for (size_t i = 0; i < 6; i++)
		memcpy(buf + 100 + 500 * i, "wxyz", 4);
	memset(t.ones, 0xff, sizeof(t.ones));
	t.ent[0] = (struct anchor){ pf_key(buf, 103) >> 32, 7, 0, 0, 0 };
	t.ent[1] = (struct anchor){ t.ent[0].key, 8, 0, 0, 0 };
	bk = pf_word(pf_hash4((uint32_t)t.ent[0].key), ONE_LG);
	for (size_t b = 0; b <= ONE_WORDS; b++)
		t.start[b] = b > bk ? 2 : 0;
	t.a.bits[1] = t.ones;
	t.a.start[1] = t.start;
	t.a.ent[1] = t.ent;
	t.a.n[1] = 2;
	t.a.lg[0] = t.a.lg[1] = ONE_LG;
	for (int scan = 0; scan < 2; scan++) {
		t.calls[0] = t.calls[1] = 0;
		assert_int_equal(anchors_scan(&t.a, buf, sizeof(buf), spend, &t),
				 0);
		assert_int_equal(t.calls[0], 1);
		assert_int_equal(t.calls[1], 3);
	}
}

/* With the table of the keys' last two bytes in front (where AVX-512
 * VBMI runs it), the four-byte keys' masks keep every place where a key
 * of the table ends and drop only places the filter alone passes: a
 * subset of the generic masks, and with a filter of many false
 * positives, a smaller one. */
static void pairs_front(size_t nkeys)
{
	uint8_t *buf = malloc(BUF_LEN);
	uint32_t *b4 = random_filter(16), keys[2000];
	static uint8_t pairs[2 * PF_PAIRS_BYTES];
	size_t kept = 0, generic = 0, ends = 0;

	assert_non_null(buf);
	fill(buf, BUF_LEN, 3);
	memset(pairs, 0, sizeof(pairs));
	for (size_t i = 0; i < nkeys; i++) {
		uint32_t k = (uint32_t)(pf_key(buf, 7 + (size_t)rand() %
						       (BUF_LEN - 8)) >> 32);
		uint32_t h = pf_hash4(k);

		keys[i] = k;
		b4[pf_word(h, 16)] |= pf_bits(h);
		pf_pairs_add(pairs, k);
	}
	for (size_t base = 0; base < BUF_LEN; base += PF_CHUNK) {
		size_t n = BUF_LEN - base < PF_CHUNK ? BUF_LEN - base : PF_CHUNK;
		struct pf_filter none = { NULL, 16, NULL }, f4 = { b4, 16, pairs };
		uint64_t a8[PF_CHUNK / PF_BLOCK], a4[PF_CHUNK / PF_BLOCK];

		pf_masks(&none, &f4, buf, BUF_LEN, base, n, a8, a4);
		for (size_t i = 0; i * PF_BLOCK < n; i++) {
			size_t at = base + i * PF_BLOCK, left = n - i * PF_BLOCK;
			uint64_t g8, g4;

			pf_block_generic(&none, &f4, buf, at,
					 left < PF_BLOCK ? left : PF_BLOCK, &g8,
					 &g4);
			assert_int_equal(a4[i] & ~g4, 0);
			kept += (size_t)__builtin_popcountll(a4[i]);
			generic += (size_t)__builtin_popcountll(g4);
			for (size_t j = 0; j < PF_BLOCK && j < left; j++) {
				uint32_t k = (uint32_t)(pf_key(buf, at + j) >> 32);
				int is_key = 0;

				for (size_t q = 0; q < nkeys && at + j >= 3; q++)
					is_key |= keys[q] == k;
				ends += (size_t)is_key;
				if (is_key)
					assert_true(a4[i] >> j & 1);
			}
		}
	}
	assert_true(ends >= nkeys * 3 / 4); /* draws of one place count once */
	if (cpu_avx512vbmi() && cpu_avx512vbmi2())
		assert_true(kept < generic);
	else
		assert_int_equal(kept, generic);
	free(b4);
	free(buf);
}

/* Few keys (a few places in 64 pass the pairs table: their keys are
 * gathered) and many (most pass: the keys of whole blocks are made in
 * registers). */
static void test_pairs_front(void **state)
{
	(void)state;
	pairs_front(300);
	pairs_front(2000);
}

/* Which ids a scan reported: bit id. */
static int seen_id(void *ctx, const struct anchor *a, size_t at)
{
	(void)at;
	*(unsigned *)ctx |= 1u << a->id;
	return ANCHOR_NEXT;
}

/* A set of two tables, target 0's (runs of ids 0, 1) and target 6's
 * (ids 0, 2), as anchorset_build() would make for matchable 1 of type 0
 * and 2 of type 6 (0 stands for any type, in both), saved as bytes: those
 * of have (bit 0 and 6: both). */
static void two_tables(struct vbuf *b, uint8_t *rt, uint32_t have)
{
	static const struct anchor_run runs[] = {
		{ (const uint8_t *)"any-type-run", 12, 0, 0, 0, 0, 0, 0, 0 },
		{ (const uint8_t *)"zero-only-run", 13, 1, 0, 0, 0, 0, 0, 0 },
		{ (const uint8_t *)"elf-only-run!", 13, 2, 0, 0, 0, 0, 0, 0 },
	};
	const struct anchor_run t0[] = { runs[0], runs[1] }, t6[] = { runs[0],
								     runs[2] };
	struct anchor_set s;
	uint8_t has[2];

	memset(&s, 0, sizeof(s));
	assert_int_equal(anchors_build_runs(t0, 2, has, &s.t[0]), 0);
	assert_int_equal(anchors_build_runs(t6, 2, has, &s.t[6]), 0);
	s.have = have;
	memset(rt, 0, 4);
	rt[0] = rt[1] = rt[2] = 1; /* matchable 3 has no anchor */
	assert_int_equal(anchorset_save(&s, rt, 1, 4, b), 0);
	anchorset_free(&s);
}

static void test_set_by_target(void **state)
{
	static const char text[] = "..any-type-run..zero-only-run..elf-only-run!..";
	struct vbuf b = { 0 };
	struct anchor_set s;
	uint8_t rt[4], back[4] = { 0 };
	unsigned ids;

	(void)state;
	two_tables(&b, rt, 1u | 1u << 6);
	assert_int_equal(anchorset_load(b.data, b.len, 4, back, 1, 0, &s), 0);
	assert_memory_equal(back, rt, 4);
	ids = 0; /* no type but 0: target 0's table */
	anchorset_scan(&s, 1u, (const uint8_t *)text, sizeof(text) - 1, seen_id,
		       &ids);
	assert_int_equal(ids, 0x3);
	ids = 0; /* ELF: its own table, which holds target 0's too */
	anchorset_scan(&s, 1u | 1u << 6, (const uint8_t *)text,
		       sizeof(text) - 1, seen_id, &ids);
	assert_int_equal(ids, 0x5);
	ids = 0; /* PE: no table of its own, target 0's serves */
	anchorset_scan(&s, 1u | 1u << 1, (const uint8_t *)text,
		       sizeof(text) - 1, seen_id, &ids);
	assert_int_equal(ids, 0x3);
	anchorset_free(&s);
	vbuf_free(&b);
}

/* Bytes the set did not write are refused, and leave it empty. */
static void test_set_refuses(void **state)
{
	struct vbuf b = { 0 };
	struct anchor_set s;
	uint8_t rt[4], back[4];
	uint8_t *img;

	(void)state;
	two_tables(&b, rt, 1u << 6); /* no table for target 0 */
	assert_int_equal(anchorset_load(b.data, b.len, 4, back, 1, 0, &s), -1);
	vbuf_free(&b);
	memset(&b, 0, sizeof(b));
	two_tables(&b, rt, 1u | 1u << 6);
	img = b.data;
	assert_int_equal(anchorset_load(img, b.len, 5, back, 1, 0, &s), -1);
	assert_int_equal(anchorset_load(img, b.len - 1, 4, back, 1, 0, &s), -1);
	img[8] &= (uint8_t)~1u; /* target 0's table missing */
	assert_int_equal(anchorset_load(img, b.len, 4, back, 1, 0, &s), -1);
	img[8] |= 1u;
	img[9] |= 0x80; /* type 15: no such */
	assert_int_equal(anchorset_load(img, b.len, 4, back, 1, 0, &s), -1);
	img[9] &= 0x7f;
	img[b.len - 2] = 2; /* a flag of neither 0 nor 1 */
	assert_int_equal(anchorset_load(img, b.len, 4, back, 1, 0, &s), -1);
	img[b.len - 2] = 0; /* matchable 2 unanchored, named by an entry */
	assert_int_equal(anchorset_load(img, b.len, 4, back, 1, 0, &s), -1);
	assert_null(s.map);
	assert_int_equal(s.have, 0);
	/* taken whole before: the entries are not each looked at */
	assert_int_equal(anchorset_load(img, b.len, 4, back, 1,
					ANCHORSET_CHECKED, &s), 0);
	anchorset_free(&s);
	img[9] |= 0x80; /* but the rest still is */
	assert_int_equal(anchorset_load(img, b.len, 4, back, 1,
					ANCHORSET_CHECKED, &s), -1);
	img[9] &= 0x7f;
	img[b.len - 2] = 1;
	memset(back, 0, sizeof(back));
	assert_int_equal(anchorset_load(img, b.len, 4, back, 1, 0, &s), 0);
	anchorset_free(&s);
	vbuf_free(&b);
}

/* The first bucket of kind k of t that holds entries made to end far
 * past them (its successor's start, out of order): 1 if there was one
 * that is not the last (whose end must be the entries' end). */
static int buckets_past(const struct anchors *t, int k)
{
	uint32_t *start = (uint32_t *)(uintptr_t)t->start[k];
	size_t last = (size_t)1 << (t->lg[k] - 5), bk;

	for (bk = 0; bk + 1 < last; bk++)
		if (start[bk] < start[bk + 1]) {
			start[bk + 1] = 0xfffffff0u;
			return 1;
		}
	return 0;
}

/* Buckets out of order, whose ends lie past the entries: refused, unless
 * the bytes were taken before; then a scan still reads only entries. */
static void test_set_buckets_past_entries(void **state)
{
	static const char text[] = "..any-type-run..zero-only-run..elf-only-run!..";
	struct vbuf b = { 0 };
	struct anchor_set s;
	uint8_t rt[4], back[4] = { 0 };
	unsigned ids = 0;
	int any;

	(void)state;
	two_tables(&b, rt, 1u | 1u << 6);
	assert_int_equal(anchorset_load(b.data, b.len, 4, back, 1, 0, &s), 0);
	any = buckets_past(&s.t[0], 0) | buckets_past(&s.t[0], 1);
	anchorset_free(&s);
	assert_true(any);
	assert_int_equal(anchorset_load(b.data, b.len, 4, back, 1, 0, &s), -1);
	assert_int_equal(anchorset_load(b.data, b.len, 4, back, 1,
					ANCHORSET_CHECKED, &s), 0);
	anchorset_scan(&s, 1u, (const uint8_t *)text, sizeof(text) - 1, seen_id,
		       &ids);
	assert_int_equal(ids & ~0x3u, 0);
	anchorset_free(&s);
	vbuf_free(&b);
}

/* Runs' ids found in a buffer, once each. */
struct found_ids {
	uint8_t *seen;
	size_t n;
};

static int found_id(void *ctx, const struct anchor *a, size_t at)
{
	struct found_ids *f = ctx;

	(void)at;
	if (!f->seen[a->id]) {
		f->seen[a->id] = 1;
		f->n++;
	}
	return ANCHOR_SPENT;
}

/* Runs of sixteen random bytes (eight-byte anchors wherever a table has
 * them) beside runs of five: with few long runs the table takes four-
 * byte anchors only, with thousands it keeps eight-byte ones (its pairs
 * table would fill otherwise); either way every run planted is found,
 * and only those. */
static void test_narrow_tables(void **state)
{
	enum { SHORT = 40, BIG = 6000 };
	static const size_t nlong[] = { 30, BIG };
	uint8_t *bytes = malloc((SHORT + BIG) * 16), *buf = malloc(1 << 20);

	(void)state;
	assert_non_null(bytes);
	assert_non_null(buf);
	srand(11);
	for (size_t i = 0; i < (SHORT + BIG) * 16; i++)
		bytes[i] = (uint8_t)(rand() % 255 + 1);
	for (size_t v = 0; v < 2; v++) {
		size_t n = SHORT + nlong[v], planted = 0;
		struct anchor_run *runs = calloc(n, sizeof(*runs));
		uint8_t *has = calloc(n, 1), *seen = calloc(n, 1);
		struct found_ids f = { seen, 0 };
		struct anchors a;

		assert_non_null(runs);
		assert_non_null(has);
		assert_non_null(seen);
		for (size_t i = 0; i < n; i++)
			runs[i] = (struct anchor_run){ bytes + 16 * i,
						       i < SHORT ? 5 : 16,
						       (uint32_t)i, 0,
						       UINT32_MAX, 0, 0, 0,
						       0 };
		assert_int_equal(anchors_build_runs(runs, n, has, &a), 0);
		assert_int_equal(a.n[0] == 0, v == 0);
		memset(buf, ' ', 1 << 20);
		for (size_t i = 0; i < n; i += 3, planted++) {
			assert_true(has[i]);
			memcpy(buf + 100 + 170 * (i / 3), runs[i].bytes,
			       runs[i].len);
		}
		assert_int_equal(anchors_scan(&a, buf, 1 << 20, found_id, &f), 0);
		assert_int_equal(f.n, planted);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(seen[i], i % 3 == 0);
		anchors_free(&a);
		free(runs);
		free(has);
		free(seen);
	}
	free(bytes);
	free(buf);
}

/* Where run i's anchor lies in it: the place whose four bytes are the
 * key and whose neighbours are those ANCHOR_NEAR holds. */
static size_t near_place(const struct anchors *a, const uint8_t *run,
			 size_t len, uint32_t id)
{
	for (size_t e = 0; e < a->n[1]; e++) {
		if (a->ent[1][e].id != id)
			continue;
		for (size_t p = 0; p + 4 <= len; p++) {
			uint64_t want = 0;

			for (int i = 0; i < 8; i++) {
				/* key: bytes p..p+3; near: p-2, p-1, p+4, p+5 */
				static const int off[8] = { 0, 1, 2, 3, -2, -1, 4, 5 };
				size_t q = p + (size_t)off[i];
				uint8_t b = q < len ? run[q] : 0;

				b = b >= 'A' && b <= 'Z' ? (uint8_t)(b + 32) : b;
				want |= (uint64_t)b << 8 * i;
			}
			if ((uint32_t)want == a->ent[1][e].key &&
			    want >> 32 == a->ent[1][e].around)
				return p;
		}
	}
	fail_msg("run %u has no four-byte anchor", id);
	return 0;
}

/* 1 if run id is reported over the n bytes at buf. */
static int reported(const struct anchors *a, const uint8_t *buf, size_t n,
		    uint32_t id)
{
	uint8_t seen[64] = { 0 };
	struct found_ids f = { seen, 0 };

	assert_int_equal(anchors_scan(a, buf, n, found_id, &f), 0);
	return seen[id];
}

/* A four-byte anchor of a run holds the run's two bytes before it and two
 * after (ANCHOR_NEAR): the run planted whole is found, in either case and
 * at the buffer's edges; with one of those bytes changed, or cut off by
 * an edge, it is not reported; with a byte further away changed it is
 * (the key and its neighbours are all that is tested there). */
static void test_near_bytes(void **state)
{
	enum { N = 64, LEN = 10, BUF = 256 };
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789_.";
	uint8_t bytes[N][LEN], buf[BUF], has[N];
	struct anchor_run runs[N];
	struct anchors a;

	(void)state;
	srand(5);
	for (uint32_t i = 0; i < N; i++) {
		for (size_t j = 0; j < LEN; j++)
			bytes[i][j] = (uint8_t)abc[rand() % (sizeof(abc) - 1)];
		runs[i] = (struct anchor_run){ bytes[i], LEN, i, 0, UINT32_MAX,
					       0, 0, 0, 0 };
	}
	assert_int_equal(anchors_build_runs(runs, N, has, &a), 0);
	assert_int_equal(a.n[0], 0); /* ten bytes: four-byte anchors only */
	for (uint32_t i = 0; i < N; i++) {
		size_t p = near_place(&a, bytes[i], LEN, i);

		assert_true(has[i]);
		for (size_t at = 0; at <= BUF - LEN; at += BUF - LEN) {
			memset(buf, '#', BUF);
			memcpy(buf + at, bytes[i], LEN);
			assert_true(reported(&a, buf, BUF, i));
		}
		memset(buf, '#', BUF);
		for (size_t j = 0; j < LEN; j++) /* upper case */
			buf[100 + j] = (uint8_t)(bytes[i][j] >= 'a' &&
							 bytes[i][j] <= 'z' ?
						 bytes[i][j] - 32 : bytes[i][j]);
		assert_true(reported(&a, buf, BUF, i));
		for (size_t d = 0; d < LEN; d++) {
			int in = d + 2 >= p && d < p + 6 && (d < p || d >= p + 4);

			if (d >= p && d < p + 4)
				continue; /* the key itself */
			memset(buf, '#', BUF);
			memcpy(buf + 50, bytes[i], LEN);
			buf[50 + d] = '#';
			assert_int_equal(reported(&a, buf, BUF, i), !in);
		}
		/* the run's first byte, then its last, cut off by an edge */
		memset(buf, '#', BUF);
		memcpy(buf, bytes[i] + 1, LEN - 1);
		assert_int_equal(reported(&a, buf, BUF, i), p >= 3);
		memcpy(buf + BUF - (LEN - 1), bytes[i], LEN - 1);
		memset(buf, '#', BUF - (LEN - 1));
		assert_int_equal(reported(&a, buf, BUF, i), p + 6 <= LEN - 1);
	}
	anchors_free(&a);
}

/* Whether run i's bytes window..window + wlen - 1, alone among spaces, or
 * the whole run, are reported (as id i). */
static int window_found(const struct anchors *a, const struct anchor_run *r,
			size_t window, size_t wlen, size_t nruns)
{
	uint8_t buf[256], *seen = calloc(nruns, 1);
	struct found_ids f = { seen, 0 };
	int got;

	assert_non_null(seen);
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + 100, r->bytes + window, wlen);
	assert_int_equal(anchors_scan(a, buf, sizeof(buf), found_id, &f), 0);
	got = seen[r->id];
	free(seen);
	return got;
}

/* A table of 1,500 runs of sixteen random letters (enough for it to
 * keep eight-byte keys), the first of them first's bytes instead when
 * first is not NULL. */
enum { CROWD = 1500, CROWD_STRIDE = 24 };

struct crowd {
	uint8_t *bytes, *has;
	struct anchor_run *runs;
	struct anchors a;
};

static void crowd_build(struct crowd *c, const char *first, unsigned seed)
{
	size_t flen = first ? strlen(first) : 16;

	assert_true(flen <= CROWD_STRIDE);
	c->bytes = malloc(CROWD * CROWD_STRIDE);
	c->has = calloc(CROWD, 1);
	c->runs = calloc(CROWD, sizeof(*c->runs));
	assert_non_null(c->bytes);
	assert_non_null(c->has);
	assert_non_null(c->runs);
	srand(seed);
	for (size_t i = 0; i < CROWD * CROWD_STRIDE; i++)
		c->bytes[i] = (uint8_t)('a' + rand() % 26);
	if (first)
		memcpy(c->bytes, first, flen);
	for (size_t i = 0; i < CROWD; i++)
		c->runs[i] = (struct anchor_run){ c->bytes + CROWD_STRIDE * i,
						  (uint32_t)(i ? 16 : flen),
						  (uint32_t)i, 0, 0, 0, 0, 0,
						  0 };
	assert_int_equal(anchors_build_runs(c->runs, CROWD, c->has, &c->a), 0);
	assert_int_not_equal(c->a.n[0], 0);
}

static void crowd_free(struct crowd *c)
{
	anchors_free(&c->a);
	free(c->runs);
	free(c->has);
	free(c->bytes);
}

/* Keys of eight bytes hold their run's neighbours too: any eight bytes of
 * a run of sixteen, alone, are not its anchor's place (each key has
 * neighbours in the run on one side at least), the whole run is. */
static void test_wide_near(void **state)
{
	struct crowd c;

	(void)state;
	crowd_build(&c, NULL, 5);
	for (size_t i = 0; i < 40; i++) {
		assert_true(c.has[i]);
		assert_true(window_found(&c.a, &c.runs[i], 0, 16, CROWD));
		for (size_t w = 0; w + 8 <= 16; w++)
			assert_false(window_found(&c.a, &c.runs[i], w, 8,
						  CROWD));
	}
	crowd_free(&c);
}

/* A run's pattern's bytes around it (anchor_run's around) are neighbours
 * of an anchor at the run's edge: "http" two after 0x81 is reported, two
 * after another byte not; the run at a buffer's start (no byte before)
 * not either. */
static void test_run_around(void **state)
{
	static const uint8_t yes[] = " \x81?http ", no[] = " \x82?http ";
	struct anchor_run run = { (const uint8_t *)"http", 4, 0, 0, 0, 0x81,
				  0, 0, 0 };
	uint8_t has, seen = 0;
	struct found_ids f = { &seen, 0 };
	struct anchors a;

	(void)state;
	assert_int_equal(anchors_build_runs(&run, 1, &has, &a), 0);
	assert_true(has);
	assert_int_equal(anchors_scan(&a, yes, sizeof(yes) - 1, found_id, &f), 0);
	assert_int_equal(f.n, 1);
	f.n = seen = 0;
	assert_int_equal(anchors_scan(&a, no, sizeof(no) - 1, found_id, &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(anchors_scan(&a, (const uint8_t *)"http", 4, found_id,
				      &f), 0);
	assert_int_equal(f.n, 0);
	anchors_free(&a);
}

/* A run's anchor of four bytes never ends NUL NUL (the pairs table would
 * pass every place such a pair ends): a run whose only four bytes do
 * gets none (its caller's pairs take it), one with others gets those. */
static void test_no_nul_pair(void **state)
{
	static const uint8_t only[] = { 0x10, 0x10, 0, 0 },
			     other[] = { 0x3d, 0xb7, 0, 0, 0, 0x74, 0x16 };
	struct anchor_run runs[2] = {
		{ only, sizeof(only), 0, 0, 0, 0, 0, 0, 0 },
		{ other, sizeof(other), 1, 0, 0, 0, 0, 0, 0 }
	};
	uint8_t has[2];
	struct anchors a;

	(void)state;
	assert_int_equal(anchors_build_runs(runs, 2, has, &a), 0);
	assert_false(has[0]);
	assert_true(has[1]);
	assert_int_equal(a.n[1], 1);
	assert_int_not_equal((uint32_t)a.ent[1][0].key >> 16, 0);
	anchors_free(&a);
}

/* anchors_four_runs(): four common bytes (a word, x86 code, NUL NUL and
 * two) weak, four rare ones not, a run of eleven a key of eight bytes, a
 * run too short none, as a table of them has or has not their anchors. */
static void test_four_runs(void **state)
{
	static const char *const text[] = { "http", "\x9a\xb7\xc1\xd3",
					     "long needle", "ab",
					     "\x40\x00\x00\x00\x48\x89",
					     "H\x89\x44$" };
	static const uint32_t len[] = { 4, 4, 11, 2, 6, 4 };
	static const int want[] = { 1, 2, 0, -1, 1, 1 }; /* weak, rare,
							   * eight, none */
	struct anchor_run runs[6];
	int8_t four[6];
	uint8_t has[6];
	struct anchors a;
	size_t k;

	(void)state;
	for (k = 0; k < 6; k++)
		runs[k] = (struct anchor_run){ (const uint8_t *)text[k], len[k],
					       (uint32_t)k, 0, 0, 0, 0, 0, 0 };
	anchors_four_runs(runs, 6, four);
	assert_int_equal(anchors_build_runs(runs, 6, has, &a), 0);
	for (k = 0; k < 6; k++) {
		assert_int_equal(four[k] <= 0 ? four[k] :
				 1 + (four[k] > ANCHOR_WEAK), want[k]);
		assert_int_equal(has[k], four[k] >= 0);
	}
	anchors_free(&a);
}

/* A four-byte key is chosen by how often its four bytes are met, not by
 * the sum of its bytes' (common4.h): in "H\x89D$etae" the x86 code's
 * "H\x89D$" (mov [rsp+x], rax) sums highest, and is the most common. */
static void test_common_key_passed_over(void **state)
{
	static const uint8_t run[] = "H\x89\x44$etae";
	struct anchor_run r = { run, 8, 0, 0, 0, 0, 0, 0, 0 };
	uint32_t code = (uint32_t)(pf_key(run, 3) >> 32);
	struct anchors a;
	uint8_t has;

	(void)state;
	assert_int_equal(anchors_build_runs(&r, 1, &has, &a), 0);
	assert_true(has);
	assert_int_equal(a.n[1], 1);
	assert_int_not_equal((uint32_t)a.ent[1][0].key, code);
	anchors_free(&a);
}

/* A key of eight bytes avoids the common four-byte sequences too: in a
 * Go module's path, the bytes after "github.com/" (common4.h lists its
 * pieces), whatever the sum of the bytes' values says. Among 1,500 other
 * runs (so that the table keeps eight-byte keys), the path is found
 * whole, and not with all but "github.com/ae" overwritten (a key there,
 * with its neighbours, would be). */
static void test_common_wide_passed_over(void **state)
{
	static const char path[] = "github.com/aerotide/tar/";
	struct anchor_run r0;
	struct crowd c;
	uint8_t cut[sizeof(path) - 1];

	(void)state;
	crowd_build(&c, path, 9);
	assert_true(c.has[0]);
	assert_true(window_found(&c.a, &c.runs[0], 0, c.runs[0].len, CROWD));
	memset(cut, '#', sizeof(cut));
	memcpy(cut, path, 13);
	r0 = c.runs[0];
	r0.bytes = cut;
	assert_false(window_found(&c.a, &r0, 0, r0.len, CROWD));
	crowd_free(&c);
}

/* No key of eight bytes is one byte eight times: every window of eight
 * bytes of "SID", fifteen spaces and ":" holds one of eight spaces (each
 * run of spaces in text would be looked up at every fourth place); among
 * 1,500 other runs the run is still found. */
static void test_no_one_byte_wide_key(void **state)
{
	uint64_t spaces = pf_key((const uint8_t *)"        ", 7);
	struct crowd c;

	(void)state;
	crowd_build(&c, "SID               :", 13);
	assert_true(c.has[0]);
	for (size_t e = 0; e < c.a.n[0]; e++)
		assert_true(c.a.ent[0][e].key != spaces);
	assert_true(window_found(&c.a, &c.runs[0], 0, c.runs[0].len, CROWD));
	crowd_free(&c);
}

/* A small table (anchors_build_small()) of a few runs, its filters
 * sized to them, finds every run planted as the table of 65,536-bit
 * filters does, and nothing where none is, in far fewer bytes. */
static void test_small_table(void **state)
{
	enum { N = 12 };
	struct crowd c;
	struct anchors small, big;
	uint8_t has[N], buf[N * 40], seen[N];
	struct found_ids f = { seen, 0 };

	(void)state;
	crowd_build(&c, NULL, 17);
	assert_int_equal(anchors_build_runs(c.runs, N, has, &big), 0);
	assert_int_equal(anchors_build_small(c.runs, N, has, &small), 0);
	assert_true(small.bytes * 8 < big.bytes);
	memset(buf, '#', sizeof(buf));
	memset(seen, 0, sizeof(seen));
	assert_int_equal(anchors_scan(&small, buf, sizeof(buf), found_id, &f),
			 0);
	assert_int_equal(f.n, 0);
	for (size_t i = 0; i < N; i++) {
		assert_true(has[i]);
		memcpy(buf + 40 * i + 10, c.runs[i].bytes, c.runs[i].len);
	}
	assert_int_equal(anchors_scan(&small, buf, sizeof(buf), found_id, &f),
			 0);
	assert_int_equal(f.n, N);
	anchors_free(&big);
	anchors_free(&small);
	crowd_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_agree),
		cmocka_unit_test(test_key_and_case),
		cmocka_unit_test(test_runs_keep_anchors),
		cmocka_unit_test(test_blank_chunk_reads_back),
		cmocka_unit_test(test_spent_keys),
		cmocka_unit_test(test_pairs_front),
		cmocka_unit_test(test_set_by_target),
		cmocka_unit_test(test_set_refuses),
		cmocka_unit_test(test_set_buckets_past_entries),
		cmocka_unit_test(test_narrow_tables),
		cmocka_unit_test(test_near_bytes),
		cmocka_unit_test(test_no_nul_pair),
		cmocka_unit_test(test_wide_near),
		cmocka_unit_test(test_run_around),
		cmocka_unit_test(test_four_runs),
		cmocka_unit_test(test_common_key_passed_over),
		cmocka_unit_test(test_common_wide_passed_over),
		cmocka_unit_test(test_no_one_byte_wide_key),
		cmocka_unit_test(test_small_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
