/*
 * test_yara_atom.c -- the runs the fast YARA matcher looks for
 * (src/lib/yara/yratom.c): a hex string's best run and where it lies, a
 * regular expression's literal beginning, its other literals, and its
 * branches; a hex string's windows across one open byte; and the pairs
 * matcher (yrpairs.c) finding short runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "yara/yratom.h"
#include "yara/yrpairs.h"

static struct yr_run hex_run(const char *body, int *rc)
{
	struct yr_hex_seq prog;
	struct yr_run r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(yr_hex_compile(body, strlen(body), &prog), 0);
	*rc = yr_hex_run(&prog, &r);
	yr_hex_free(&prog);
	return r;
}

static void hex_runs(void **st)
{
	struct yr_run r;
	int rc;

	(void)st;
	r = hex_run("4D 5A ?? ?? 50 45 00 00 4C 01", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(r.len, 6); /* the longer run, after the wildcards */
	assert_memory_equal(r.b, "\x50\x45\x00\x00\x4c\x01", 6);
	assert_int_equal(r.omin, 4);
	assert_int_equal(r.omax, 4);
	r = hex_run("AA [2-6] 11 22 33 44 55", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(r.omin, 3);
	assert_int_equal(r.omax, 7);
	r = hex_run("( 01 | 02 03 ) 61 62 63 64", &rc);
	assert_int_equal(r.omin, 1);
	assert_int_equal(r.omax, 2);
	r = hex_run("41 42 [-] 43 44 45 46 47", &rc);
	assert_int_equal(r.len, 2); /* the long run may lie anywhere */
	assert_int_equal(r.omin, 0);
	hex_run("4? 5? ?? 6?", &rc);
	assert_int_equal(rc, -1);
	r = hex_run("00 00 00 00 00 00 00 00 00 00 00 00 2E 63", &rc);
	assert_int_equal(rc, 0); /* a NUL run ending in other bytes counts */
	assert_int_equal(r.len, 5); /* from three NULs before them */
	assert_memory_equal(r.b, "\x00\x00\x00\x2e\x63", 5);
	assert_int_equal(r.omin, 9);
	assert_int_equal(r.at, 9);
	assert_int_equal(r.end, 14);
	/* runs as long: the one whose key is met least (remsec_packer_B's
	 * x86 code: mov [rsp+x], rax thirteen times as common as lea) */
	r = hex_run("48 89 44 24 ?? 48 8D 4C 24 ?? 48 89 44 24", &rc);
	assert_int_equal(rc, 0);
	assert_memory_equal(r.b, "\x48\x8d\x4c\x24", 4);
	assert_int_equal(r.omin, 5);
}

/* A hex run's neighbours: the string's fixed bytes two before it and two
 * after, across single bytes not fixed, not across jumps or
 * alternatives. */
static void hex_around(void **st)
{
	struct yr_run r;
	int rc;

	(void)st;
	r = hex_run("81 ?? 68 74 74 70", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(r.around, 0x81); /* two before; one before any */
	r = hex_run("68 74 74 70 ?? 41", &rc);
	assert_int_equal(r.around, 0x41000000u);
	r = hex_run("4? ?? 68 74 74 70 ?? 42 [2] 43", &rc);
	assert_int_equal(r.around, 0x42000000u); /* a nibble: any */
	r = hex_run("81 ?? 68 74 74 70 [2] 43 44", &rc);
	assert_int_equal(r.around, 0x81); /* nothing across the jump */
	r = hex_run("81 [1] 68 74 74 70 ( 41 | 42 )", &rc);
	assert_int_equal(r.around, 0); /* a jump's bytes are not fixed */
	r = hex_run("00 00 00 00 00 00 00 00 00 00 00 00 2E 63", &rc);
	assert_int_equal(r.around, 0); /* the NULs before the window: any */
	r = hex_run("FF FF FF FF FF FF 2E 63 64", &rc);
	assert_int_equal(r.around & 0xffff, 0xffff); /* before the window */
}

static size_t runs(const char *re, int wide, struct yr_run *out)
{
	return yr_regex_runs(re, strlen(re), wide, out, 8);
}

/* The gapped window of a hex string: 0 with *out, or -1. */
static int gapped(const char *body, struct yr_run *out)
{
	struct yr_hex_seq prog;
	int rc;

	assert_int_equal(yr_hex_compile(body, strlen(body), &prog), 0);
	rc = yr_hex_gapped(&prog, out);
	yr_hex_free(&prog);
	return rc;
}

/* yr_hex_gapped(): of a string of short runs, the window of four single
 * bytes with one open among its first two and the rarest three fixed,
 * where it lies, its open byte's place and mask; none across a jump,
 * with the open byte third, or ending NUL NUL. */
static void hex_gapped(void **st)
{
	struct yr_run r;

	(void)st;
	assert_int_equal(gapped("03 44 95 ?? 42 83 FA ?? 7C", &r), 0);
	/* 95 ?? 42 83: 0x95 rarer than 0xFA */
	assert_int_equal(r.len, 4);
	assert_int_equal(r.omin, 2);
	assert_int_equal(r.omax, 2);
	assert_memory_equal(r.b, "\x95\x00\x42\x83", 4);
	assert_int_equal(r.gap, 2);
	assert_int_equal(r.gap_mask, 0);
	assert_int_equal(r.at, 2);
	assert_int_equal(r.end, 6);
	assert_int_equal(gapped("31 D? 88 45 [2-4] 7C", &r), 0);
	assert_int_equal(r.gap, 2);
	assert_int_equal(r.gap_mask, 0xf0);
	assert_int_equal(r.gap_val, 0xd0);
	assert_int_equal(gapped("?? 8B EC 83", &r), 0);
	assert_int_equal(r.gap, 1);
	assert_int_equal(r.around, 0);
	/* after a jump: two starts */
	assert_int_equal(gapped("0F [1-3] ?? 8B EC 83", &r), 0);
	assert_int_equal(r.omin, 2);
	assert_int_equal(r.omax, 4);
	assert_int_equal(gapped("72 26 [6] 6F 24 [6] CB 0A", &r), -1);
	assert_int_equal(gapped("41 42 ?? 43", &r), -1);
	assert_int_equal(gapped("?? 41 00 00", &r), -1);
	assert_int_equal(gapped("?? ?? 41 42", &r), -1);
}

static void regex_runs(void **st)
{
	struct yr_run r[8];

	(void)st;
	assert_int_equal(runs("hello[0-9]+x", 0, r), 1);
	assert_int_equal(r[0].len, 5);
	assert_int_equal(r[0].omax, 0);
	assert_int_equal(runs("abcd?e", 0, r), 1);
	assert_int_equal(r[0].len, 3); /* the optional d and what follows */
	assert_int_equal(runs("ab+c", 0, r), 1);
	assert_memory_equal(r[0].b, "ab", 2);
	assert_int_equal(runs("\\x41\\.B\\n", 0, r), 1);
	assert_memory_equal(r[0].b, "A.B\n", 4);
	assert_int_equal(runs("ab", 1, r), 1);
	assert_memory_equal(r[0].b, "a\0b\0", 4);
	/* no usable beginning: a run where what comes before bounds it */
	assert_int_equal(runs("[a-z]{2}elsif\\s", 0, r), 1);
	assert_memory_equal(r[0].b, "elsif", 5);
	assert_int_equal(r[0].omin, 2);
	assert_int_equal(r[0].omax, 2);
	assert_int_equal(runs("[a-z]{2}elsif\\s", 1, r), 1);
	assert_int_equal(r[0].omax, 4); /* two wide characters */
	assert_int_equal(runs("[\\x0a\\x0d](Base|)URL=", 0, r), 1);
	assert_memory_equal(r[0].b, "URL=", 4);
	assert_int_equal(r[0].omin, 1);
	assert_int_equal(r[0].omax, 5);
	assert_int_equal(runs("a(b(cd|e{2,3})|f)?ghij", 0, r), 1);
	assert_int_equal(r[0].omin, 1); /* "a", the group left out */
	assert_int_equal(r[0].omax, 5); /* "a", "b" and "eee" */
	/* a brace that opens no count is the byte itself, as PCRE2 reads
	 * it (a fuzzed rule's "x{zz}..." was taken as x{0} and its bytes
	 * skipped: its run placed wrong, its match missed) */
	assert_int_equal(runs("[a-z]{2}x{zz}abc", 0, r), 1);
	assert_memory_equal(r[0].b, "x{zz}abc", 8);
	assert_int_equal(r[0].omin, 2);
	/* a count without its least is one, from 0, as yara reads it
	 * (PCRE2 before 10.43 reads "{,3}" as its bytes; signature-base's
	 * ChinaChopper_Generic has ".{,100}") */
	assert_int_equal(runs("[a-z]{2}x{,3}abc", 0, r), 1);
	assert_memory_equal(r[0].b, "abc", 3);
	assert_int_equal(r[0].omin, 2);
	assert_int_equal(r[0].omax, 5);
	assert_int_equal(runs("[a-z]{2}x{,}abc", 0, r), 1);
	assert_memory_equal(r[0].b, "abc", 3);
	assert_int_equal(r[0].omax, UINT32_MAX);
	/* or, unbounded before it, anywhere */
	assert_int_equal(runs("[a-z]+elsif", 0, r), 1);
	assert_int_equal(r[0].omax, UINT32_MAX);
	assert_int_equal(runs("x.{0,300}elsif", 0, r), 1);
	assert_int_equal(r[0].omax, UINT32_MAX); /* too loose to verify at */
	/* a bounded beginning of four beats a longer run anywhere */
	assert_int_equal(runs("abcd\\w+efghijkl", 0, r), 1);
	assert_int_equal(r[0].len, 4);
	/* branches: each one's run */
	assert_int_equal(runs("(To|From):", 0, r), 2);
	assert_memory_equal(r[1].b, "From", 4);
	assert_int_equal(runs("abc|defg", 0, r), 2);
	assert_int_equal(runs("(?:xyz|uvw)+q", 0, r), 2);
	assert_int_equal(r[0].len, 3); /* repeated: no tail */
	/* with the literal bytes after the group, as far as they go */
	assert_int_equal(runs("(ldap|rmi|d\\x6es):\\/\\/[a-z]", 0, r), 3);
	assert_int_equal(r[1].len, 6);
	assert_memory_equal(r[1].b, "rmi://", 6);
	assert_memory_equal(r[2].b, "dns://", 6);
	assert_int_equal(r[2].omin, 0);
	assert_int_equal(r[2].omax, 0);
	assert_int_equal(runs("(ab|cd)ef+g", 0, r), 2);
	assert_memory_equal(r[1].b, "cde", 3); /* f+: not a fixed byte */
	assert_int_equal(r[1].len, 3);
	assert_int_equal(runs("(ab|cd+):", 0, r), 2);
	assert_int_equal(r[1].len, 2); /* d repeated: nothing after it */
	assert_int_equal(runs("(ab|x{)1}c", 0, r), 2);
	assert_memory_equal(r[1].b, "x{1}c", 5); /* the brace a byte */
	assert_int_equal(runs("(ab|cd):", 1, r), 2);
	assert_memory_equal(r[0].b, "a\0b\0:\0", 6);
	/* a branch without a run, an optional group, a class with '|' */
	assert_int_equal(runs("abc|[0-9]", 0, r), 0);
	assert_int_equal(runs("(ab|cd)?ef", 0, r), 1);
	assert_memory_equal(r[0].b, "ef", 2);
	assert_int_equal(runs("[]|]abcd", 0, r), 1);
	assert_memory_equal(r[0].b, "abcd", 4);
	assert_int_equal(runs("(?!abc)defg", 0, r), 1);
	assert_memory_equal(r[0].b, "defg", 4);
	assert_int_equal(runs(".*", 0, r), 0);
}

struct seen {
	size_t at[16];
	uint32_t id[16];
	int n;
};

static int note(void *ctx, const struct anchor *a, size_t at)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->at[s->n] = at;
		s->id[s->n++] = a->id;
	}
	return 0;
}

static void pairs(void **st)
{
	struct yr_pair_run runs[3] = {
		{ (const uint8_t *)"ab", 2, 7, 0, 0, 0 },
		{ (const uint8_t *)"xYz", 3, 8, 1, 1, 1 },
		{ (const uint8_t *)"\0\0", 2, 9, 0, 0, 0 },
	};
	struct yr_pairs p;
	struct seen s = { .n = 0 };
	const char buf[] = "zab XyZ xyq ab\0";

	(void)st;
	assert_int_equal(yr_pairs_build(runs, 3, &p), 0);
	yr_pairs_scan(&p, (const uint8_t *)buf, sizeof(buf) - 1, note, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.at[0], 1);
	assert_int_equal(s.id[0], 7);
	assert_int_equal(s.at[1], 4); /* without case, the third byte too */
	assert_int_equal(s.id[1], 8);
	assert_int_equal(s.at[2], 12); /* "xyq" is not "xyz"; "ab" at the
					* end, its NUL alone no pair */
	yr_pairs_free(&p);
}

/* Every (place, run) a pairs table should report, counted against what
 * it reports, over a buffer long enough for the SIMD test in front of the
 * table (a group a run; groups of five) and the table alone (runs of
 * many bytes). */
struct count {
	uint64_t sum;
	size_t n;
};

static int tally(void *ctx, const struct anchor *a, size_t at)
{
	struct count *c = ctx;

	c->sum += at * 131 + a->id;
	c->n++;
	return 0;
}

static int pair_at(const struct yr_pair_run *r, const uint8_t *b,
		   size_t left)
{
	size_t k, n = r->len < 3 ? r->len : 3;

	if (n > left)
		return 0;
	for (k = 0; k < n; k++) {
		uint8_t x = b[k], y = r->bytes[k];

		if (r->nocase && x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (r->nocase && y >= 'A' && y <= 'Z')
			y = (uint8_t)(y + 32);
		if (x != y)
			return 0;
	}
	return 1;
}

static void pairs_against_brute(void **st)
{
	static uint8_t buf[5003], bytes[300][3];
	struct yr_pair_run runs[300];
	size_t sizes[3] = { 6, 40, 300 }, i;

	(void)st;
	srand(7);
	for (i = 0; i < sizeof(buf); i++) /* a small alphabet: keys recur */
		buf[i] = (uint8_t)("aBcD\x48\x8b\x00\xff"[rand() % 8]);
	for (size_t t = 0; t < 3; t++) {
		struct count got = { 0, 0 }, want = { 0, 0 };
		struct yr_pairs p;

		for (i = 0; i < sizes[t]; i++) {
			for (int k = 0; k < 3; k++)
				bytes[i][k] = buf[(size_t)rand() % sizeof(buf)] ^
					      (uint8_t)(t == 2 && i > 20 ? i : 0);
			runs[i] = (struct yr_pair_run){ bytes[i],
				(uint32_t)(2 + i % 2), (uint32_t)i, 0, 0,
				(int)(i % 3 == 0) };
		}
		assert_int_equal(yr_pairs_build(runs, sizes[t], &p), 0);
		/* both paths tested, and groups of several runs */
		assert_int_equal(p.simd, t < 2);
		yr_pairs_scan(&p, buf, sizeof(buf), tally, &got);
		for (size_t at = 0; at + 1 < sizeof(buf); at++)
			for (i = 0; i < sizes[t]; i++)
				if (pair_at(&runs[i], buf + at, sizeof(buf) - at))
					tally(&want, &(struct anchor){ 0, runs[i].id,
								       0, 0, 0 }, at);
		assert_true(want.n > 100);
		assert_int_equal(got.n, want.n);
		assert_int_equal(got.sum, want.sum);
		yr_pairs_free(&p);
	}
}

/* Calls per id (7, 8) of a pairs scan: 7 answers it is spent, 8 not. */
static int spend_seven(void *ctx, const struct anchor *a, size_t at)
{
	size_t *calls = ctx;

	(void)at;
	calls[a->id - 7]++;
	return a->id == 7 ? ANCHOR_SPENT : ANCHOR_NEXT;
}

/* An entry that answered ANCHOR_SPENT is not asked again in that scan
 * (nor its key looked up once all its entries are), the others are, and
 * the next scan asks afresh; through the SIMD test and the table alone. */
static void pairs_spent(void **st)
{
	struct yr_pair_run runs[2] = {
		{ (const uint8_t *)"ab", 2, 7, 0, 0, 0 },
		{ (const uint8_t *)"abc", 3, 8, 0, 0, 0 },
	};
	static uint8_t buf[4096];
	struct yr_pairs p;

	(void)st;
	memset(buf, ' ', sizeof(buf));
	for (size_t i = 0; i < 6; i++)
		memcpy(buf + 100 + 600 * i, i % 2 ? "abc" : "abx", 3);
	assert_int_equal(yr_pairs_build(runs, 2, &p), 0);
	for (int simd = 1; simd >= 0; simd--) {
		size_t calls[2] = { 0, 0 };

		p.simd = simd;
		yr_pairs_scan(&p, buf, sizeof(buf), spend_seven, calls);
		assert_int_equal(calls[0], 1);
		assert_int_equal(calls[1], 3);
	}
	yr_pairs_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_runs),
		cmocka_unit_test(hex_around),
		cmocka_unit_test(hex_gapped),
		cmocka_unit_test(regex_runs),
		cmocka_unit_test(pairs),
		cmocka_unit_test(pairs_against_brute),
		cmocka_unit_test(pairs_spent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
