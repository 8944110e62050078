/*
 * test_hexsig.c -- every element of the hex signature syntax, matched and
 * not matched, at the buffer's edges; each case is also scanned as streams
 * cut into small chunks (see scan_all_ways).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "helpers.h"

#define F VIGIL_VERDICT_FOUND
#define C VIGIL_VERDICT_CLEAN

static void literal(void **st)
{
	(void)st;
	assert_int_equal(HITS("41424344", "\x01" "ABCD" "\x02"), F);
	assert_int_equal(HITS("41424344", "ABCD"), F);	  /* whole buffer */
	assert_int_equal(HITS("41424344", "ABCD\x02"), F); /* at start */
	assert_int_equal(HITS("41424344", "\x01" "ABCD"), F); /* at end */
	assert_int_equal(HITS("41424344", "\x01" "ABCE"), C);
	assert_int_equal(HITS("41424344", "\x01" "ABC"), C); /* cut short */
	assert_int_equal(HITS("41424344", ""), C);
	assert_int_equal(HITS("41424344", "abcd\x01"), C); /* case counts */
}

static void any_byte(void **st)
{
	(void)st;
	assert_int_equal(HITS("4142??4344", "\x01" "ABzCD"), F);
	assert_int_equal(HITS("4142??4344", "AB\x00" "CD"), F);
	assert_int_equal(HITS("4142??4344", "\x01" "ABCD"), C);
	assert_int_equal(HITS("4142????4344", "AB\x01\x02" "CD"), F);
	assert_int_equal(HITS("4142????4344", "AB\x01" "CD"), C);
}

static void nibbles(void **st)
{
	(void)st;
	assert_int_equal(HITS("41424?44", "\x01" "ABOD"), F); /* 0x4f */
	assert_int_equal(HITS("41424?44", "\x01" "AB@D"), F); /* 0x40 */
	assert_int_equal(HITS("41424?44", "\x01" "AB_D"), C); /* 0x5f */
	assert_int_equal(HITS("4142?344", "\x01" "ABCD"), F); /* 0x43 */
	assert_int_equal(HITS("4142?344", "\x01" "ABSD"), F); /* 0x53 */
	assert_int_equal(HITS("4142?344", "\x01" "ABDD"), C); /* 0x44 */
}

static void star(void **st)
{
	(void)st;
	assert_int_equal(HITS("4142*4344", "ABCD"), F);
	assert_int_equal(HITS("4142*4344", "AB\x01\x02\x03" "CD"), F);
	assert_int_equal(HITS("4142*4344", "CD\x01" "AB"), C);
	assert_int_equal(HITS("4142*4344*4546", "AB\x01" "CD\x01" "EF"), F);
	assert_int_equal(HITS("4142*4344*4546", "AB\x01" "EF\x01" "CD"), C);
}

static void ranges(void **st)
{
	(void)st;
	assert_int_equal(HITS("4142{2}4344", "ABxyCD"), F);
	assert_int_equal(HITS("4142{2}4344", "ABxCD"), C);
	assert_int_equal(HITS("4142{2}4344", "ABxyzCD"), C);
	assert_int_equal(HITS("4142{-2}4344", "ABCD"), F);
	assert_int_equal(HITS("4142{-2}4344", "ABxxCD"), F);
	assert_int_equal(HITS("4142{-2}4344", "ABxxxCD"), C);
	assert_int_equal(HITS("4142{2-}4344", "ABxCD"), C);
	assert_int_equal(HITS("4142{2-}4344", "ABxxxxxxCD"), F);
	assert_int_equal(HITS("4142{1-3}4344", "ABCD"), C);
	assert_int_equal(HITS("4142{1-3}4344", "ABxCD"), F);
	assert_int_equal(HITS("4142{1-3}4344", "ABxxxCD"), F);
	assert_int_equal(HITS("4142{1-3}4344", "ABxxxxCD"), C);
}

static void anchored_byte(void **st)
{
	(void)st;
	assert_int_equal(HITS("41[1-2]424344", "AxBCD"), F);
	assert_int_equal(HITS("41[1-2]424344", "AxxBCD"), F);
	assert_int_equal(HITS("41[1-2]424344", "ABCD"), C);
	assert_int_equal(HITS("41[1-2]424344", "AxxxBCD"), C);
	assert_int_equal(HITS("414243[1-2]44", "ABCxD"), F);
	assert_int_equal(HITS("414243[1-2]44", "ABCD"), C);
}

static void alternatives(void **st)
{
	(void)st;
	assert_int_equal(HITS("4142(43|44)4546", "ABCEF"), F);
	assert_int_equal(HITS("4142(43|44)4546", "ABDEF"), F);
	assert_int_equal(HITS("4142(43|44)4546", "ABXEF"), C);
	assert_int_equal(HITS("4142!(43|44)4546", "ABXEF"), F);
	assert_int_equal(HITS("4142!(43|44)4546", "ABCEF"), C);
	assert_int_equal(HITS("4142!(43|44)4546", "ABDEF"), C);
	assert_int_equal(HITS("4142(4344|4546)4748", "ABCDGH"), F);
	assert_int_equal(HITS("4142(4344|4546)4748", "ABEFGH"), F);
	assert_int_equal(HITS("4142(4344|4546)4748", "ABCFGH"), C);
	assert_int_equal(HITS("4142!(4344|4546)4748", "ABxyGH"), F);
	assert_int_equal(HITS("4142!(4344|4546)4748", "ABCDGH"), C);
	assert_int_equal(HITS("4142!(4344|4546)4748", "ABCxGH"), F);
	/* generic: lengths differ, wildcards inside */
	assert_int_equal(HITS("4142(43|4445)4647", "ABCFG"), F);
	assert_int_equal(HITS("4142(43|4445)4647", "ABDEFG"), F);
	assert_int_equal(HITS("4142(43|4445)4647", "ABDFG"), C);
	assert_int_equal(HITS("4142(4?|5?5?)4647", "ABOFG"), F);
	assert_int_equal(HITS("4142(4?|5?5?)4647", "ABSTFG"), F);
	assert_int_equal(HITS("4142(4?|5?5?)4647", "AB0FG"), C);
}

static void classes(void **st)
{
	(void)st;
	/* (B) at the edges tests the neighbouring byte */
	assert_int_equal(HITS("(B)41424344", " ABCD"), F);
	assert_int_equal(HITS("(B)41424344", "ABCD"), F); /* file start */
	assert_int_equal(HITS("(B)41424344", "xABCD"), C);
	assert_int_equal(HITS("41424344(B)", "ABCD\n"), F);
	assert_int_equal(HITS("41424344(B)", "ABCD"), F); /* file end */
	assert_int_equal(HITS("41424344(B)", "ABCDx"), C);
	/* (L) */
	assert_int_equal(HITS("41424344(L)", "ABCD\r\n"), F);
	assert_int_equal(HITS("41424344(L)", "ABCD\nx"), F);
	assert_int_equal(HITS("41424344(L)", "ABCDx"), C);
	assert_int_equal(HITS("(L)41424344", "x\nABCD"), F);
	assert_int_equal(HITS("(L)41424344", "x ABCD"), C);
	assert_int_equal(HITS("4142(L)4344", "AB\r\nCD"), F);
	assert_int_equal(HITS("4142(L)4344", "AB\nCD"), F);
	assert_int_equal(HITS("4142(L)4344", "ABxCD"), C);
	/* (W) inside: one non-alphanumeric byte */
	assert_int_equal(HITS("4142(W)4344", "AB-CD"), F);
	assert_int_equal(HITS("4142(W)4344", "ABxCD"), C);
	/* (B) inside: one boundary byte */
	assert_int_equal(HITS("4142(B)4344", "AB CD"), F);
	assert_int_equal(HITS("4142(B)4344", "ABxCD"), C);
	/* negated edge */
	assert_int_equal(HITS("!(W)41424344", "xABCD"), F);
	assert_int_equal(HITS("!(W)41424344", " ABCD"), C);
}

static void malformed(void **st)
{
	static const char *const bad[] = {
		"T:0:*:4142434",	/* odd digits */
		"T:0:*:4142zz44",	/* bad character */
		"T:0:*:4142{2",		/* unterminated */
		"T:0:*:4142{5-2}4344",	/* min above max */
		"T:0:*:4142(43|44",	/* unterminated alternative */
		"T:0:*:4142!(43|4445)46", /* negated, lengths differ */
		"T:0:*:41*4344",	/* part with one static byte */
		"T:0:*:",		/* empty */
		"T:0:*:4142!4344",	/* '!' without '(' */
		"T:0:*:4142{-}4344",	/* empty range */
		"T:0:*:4142(|43)4445",	/* empty alternative */
		"T:99:*:41424344",	/* no such target */
		"T:0:xyz:41424344",	/* bad offset */
		"T:0:*",		/* too few fields */
		"T:0:EP+10:41424344",	/* needs a parsed executable */
	};
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "%s\nGood:0:*:41424344\n", bad[i]);
		assert_int_equal(skipped_lines("t.ndb", text), 1);
		assert_int_not_equal(load_rc("t.ndb", text,
					     VIGIL_ENGINE_STRICT), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal),	 cmocka_unit_test(any_byte),
		cmocka_unit_test(nibbles),	 cmocka_unit_test(star),
		cmocka_unit_test(ranges),	 cmocka_unit_test(anchored_byte),
		cmocka_unit_test(alternatives), cmocka_unit_test(classes),
		cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
