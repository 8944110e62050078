/*
 * test_ldb.c -- logical signatures: expressions with counts and distinct
 * counts, subsignature modifiers (i, w, f, a), offsets, Target and
 * FileSize, and what is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"

#define F VIGIL_VERDICT_FOUND
#define C VIGIL_VERDICT_CLEAN

/* Subsignatures: 0 "AAAA", 1 "BBBB", 2 "CCCC". */
#define SUBS "41414141;42424242;43434343"

static int ldb(const char *tdb, const char *expr, const char *subs,
	       const char *buf)
{
	char line[1024];
	struct vigil_engine *e;
	int v;

	snprintf(line, sizeof(line), "L;%s;%s;%s\n", tdb, expr, subs);
	if (!(e = eng_from("t.ldb", line, 0)))
		fail_msg("did not load: %s", line);
	v = scan_all_ways(e, buf, strlen(buf), NULL, 0);
	vigil_engine_free(e);
	return v;
}

/* SUBS cut to the subsignatures expr uses (ClamAV demands they agree). */
static int L(const char *expr, const char *buf)
{
	char subs[64];
	int max = 0, in_mod = 0;
	const char *p;

	for (p = expr; *p; p++) {
		if (*p == '=' || *p == '<' || *p == '>')
			in_mod = 1;
		else if (*p == '&' || *p == '|' || *p == '(' || *p == ')')
			in_mod = 0;
		else if (!in_mod && *p >= '0' && *p <= '9' && *p - '0' > max)
			max = *p - '0';
	}
	snprintf(subs, sizeof(subs), "%.*s", 9 * (max + 1) - 1, SUBS);
	return ldb("Target:0", expr, subs, buf);
}

static void boolean(void **st)
{
	(void)st;
	assert_int_equal(L("0&1", "\x01" "AAAA-BBBB"), F);
	assert_int_equal(L("0&1", "\x01" "AAAA-CCCC"), C);
	assert_int_equal(L("0|1", "\x01" "BBBB"), F);
	assert_int_equal(L("0|1", "\x01" "CCCC"), C);
	assert_int_equal(L("(0|1)&2", "\x01" "BBBB CCCC"), F);
	assert_int_equal(L("(0|1)&2", "\x01" "AAAA BBBB"), C);
	/* ClamAV's grouping: the top level splits at the first operator */
	assert_int_equal(L("0&1|2", "\x01" "AAAA CCCC"), F);	/* 0&(1|2) */
	assert_int_equal(L("0&1|2", "\x01" "CCCC"), C);
}

static void counts(void **st)
{
	(void)st;
	assert_int_equal(L("0>1", "\x01" "AAAA AAAA"), F);
	assert_int_equal(L("0>1", "\x01" "AAAA"), C);
	assert_int_equal(L("0=2", "\x01" "AAAA AAAA"), F);
	assert_int_equal(L("0=2", "\x01" "AAAA AAAA AAAA"), C);
	assert_int_equal(L("0<2", "\x01" "AAAA"), F);
	assert_int_equal(L("0<2&1", "\x01" "AAAA AAAA BBBB"), C);
	assert_int_equal(L("0=0&1", "\x01" "BBBB"), F);	/* negation */
	assert_int_equal(L("0=0&1", "\x01" "AAAA BBBB"), C);
	/* block counts and distinct subsignatures */
	assert_int_equal(L("(0|1|2)>2", "\x01" "AAAA AAAA AAAA"), F);
	assert_int_equal(L("(0|1|2)>2,2", "\x01" "AAAA AAAA AAAA"), C);
	assert_int_equal(L("(0|1|2)>2,2", "\x01" "AAAA AAAA BBBB"), F);
	assert_int_equal(L("(0|1|2)=2,2", "\x01" "AAAA CCCC"), F);
	assert_int_equal(L("(0|1|2)=2,2", "\x01" "AAAA AAAA"), C);
	assert_int_equal(L("((0|1)>1)&2", "\x01" "AAAA BBBB CCCC"), F);
	assert_int_equal(L("((0|1)>1)&2", "\x01" "AAAA CCCC"), C);
}

static void modifiers(void **st)
{
	(void)st;
	/* i: letters in either case */
	assert_int_equal(ldb("Engine:81-255,Target:0", "0", "61624344::i",
			     "\x01" "ABcd"), F);
	assert_int_equal(ldb("Engine:81-255,Target:0", "0", "61624344",
			     "\x01" "ABcd"), C);
	/* w: wide; a with w: both forms */
	assert_int_equal(ldb("Target:0", "0", "41424344::wa",
			     "\x01" "ABCD"), F);
	assert_int_equal(ldb("Target:0", "0", "41424344::w", "\x01" "ABCD"),
			 C);
	/* f: delimited by non-alphanumeric bytes */
	assert_int_equal(ldb("Target:0", "0", "41424344::f", "\x01 ABCD "), F);
	assert_int_equal(ldb("Target:0", "0", "41424344::f", "ABCD"), F);
	assert_int_equal(ldb("Target:0", "0", "41424344::f", "xABCD "), C);
	assert_int_equal(ldb("Target:0", "0", "41424344::f", " ABCDx"), C);
}

static void wide_binary(void **st)
{
	static const char line[] = "L;Target:0;0;41424344::w\n";
	static const uint8_t wide[] = { 1, 'A', 0, 'B', 0, 'C', 0, 'D', 0 };
	struct vigil_engine *e = eng_from("t.ldb", line, 0);

	(void)st;
	assert_int_equal(scan_all_ways(e, wide, sizeof(wide), NULL, 0), F);
	assert_int_equal(scan_all_ways(e, wide, sizeof(wide) - 1, NULL, 0), C);
	vigil_engine_free(e);
}

static void target_block(void **st)
{
	(void)st;
	assert_int_equal(ldb("Target:0,FileSize:5-10", "0", "41414141",
			     "\x01" "AAAA"), F);
	assert_int_equal(ldb("Target:0,FileSize:6-10", "0", "41414141",
			     "\x01" "AAAA"), C);
	assert_int_equal(ldb("Target:1", "0", "41414141", "\x01" "AAAA"), C);
	assert_int_equal(ldb("Target:0", "0", "EOF-4:41414141",
			     "\x01" "AAAA"), F);
	assert_int_equal(ldb("Target:0", "0", "EOF-4:41414141",
			     "AAAA\x01"), C);
	assert_int_equal(ldb("Target:0", "0", "1:41414141", "\x01" "AAAA"), F);
	/* hex that starts with digits and an alternative: not a byte compare */
	assert_int_equal(ldb("Target:0", "0", "0963039043(3b|16)41",
			     "\x01\x09\x63\x03\x90\x43\x16" "A"), F);
	/* clamscan's readings of "==" and a comma with no number after it */
	assert_int_equal(ldb("Target:0", "0&(1==2)", "41414141;42424242",
			     "\x01" "AAAA BBBB BBBB"), F);
	assert_int_equal(ldb("Target:0", "0&(1==2)", "41414141;42424242",
			     "\x01" "AAAA BBBB"), C);
	assert_int_equal(ldb("Target:0", "0=2,&1", "41414141;42424242",
			     "\x01" "AAAA AAAA BBBB"), F);
	assert_int_equal(ldb("Target:0", "0=2,&1", "41414141;42424242",
			     "\x01" "AAAA BBBB"), C);
	/* retired for this engine level: loads, never matches */
	assert_int_equal(skipped_lines("t.ldb",
				       "L;Engine:1-20,Target:0;0;41414141\n"),
			 0);
}

/* An engine from two in-memory files. */
static struct vigil_engine *eng2(const char *n1, const char *t1,
				 const char *n2, const char *t2)
{
	struct vigil_engine *e;

	assert_int_equal(vigil_engine_new(&e, NULL), 0);
	assert_int_equal(vigil_engine_load_memory(e, n1, t1, strlen(t1)), 0);
	assert_int_equal(vigil_engine_load_memory(e, n2, t2, strlen(t2)), 0);
	assert_int_equal(vigil_engine_compile(e), 0);
	return e;
}

/* Macro subsignatures: a member of the group min..max bytes after the
 * start of the subsignature before, as ClamAV's manual says. */
static void macros(void **st)
{
	static const char db[] =
		"M;Engine:51-255,Target:0;0&1;616161;${6-7}12$\n";
	static const char members[] =
		"D1:0:$12:626262\nD2:0:$12:636363\nD3:0:$30:626264\n";
	static const struct {
		const char *buf;
		int v;
	} cases[] = {
		{ "\x01" "aaa___bbb", VIGIL_VERDICT_FOUND },
		{ "\x01" "aaa____ccc", VIGIL_VERDICT_FOUND },
		{ "\x01" "aaa_____bbb", VIGIL_VERDICT_CLEAN },
		{ "\x01" "aaa__bbb", VIGIL_VERDICT_CLEAN },
		{ "\x01" "aaa___bbd", VIGIL_VERDICT_CLEAN },
		{ "\x01" "bbb aaa", VIGIL_VERDICT_CLEAN },
	};
	struct vigil_engine *e;
	size_t i;

	(void)st;
	e = eng2("m.ndb", members, "m.ldb", db);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (scan_all_ways(e, cases[i].buf, strlen(cases[i].buf), NULL,
				  0) != cases[i].v)
			fail_msg("macro case %zu", i);
	vigil_engine_free(e);
}

static void refused(void **st)
{
	static const char *const bad[] = {
		"L;Target:0;0&1;41414141",		/* missing subsig */
		"L;Target:0;0&;41414141",		/* syntax */
		"L;Target:0;(0;41414141",		/* parenthesis */
		"L;Target:0;0;41414141::x",		/* bad modifier */
		"L;Target:0,IconGroup1:X;0;41414141",	/* unsupported key */
		"L;Target:0,Container:CL_TYPE_NOPE;0;41414141", /* unknown type */
		"L;Target:0;0&1;41414141;0/abc(/",	/* bad PCRE */
		"L;Target:0;0&1;41414141;0(>>4#ib3#=0)", /* bad byte compare */
		"L;Target:0;0&1;41414141;0(>>4#dl2#=0)", /* decimal is big */
		"L;Target:0;0&1&2;41414141;42424242;0&1(>>4#ib2#=0)", /* trigger */
		"L;Target:0;0&1;41414141;${1-2}0",	/* macro without $ */
		"L;Target:0;0&1;${1-2}0$;41414141",	/* macro first */
		"L;Target:0;0&1;41414141;${3-2}0$",	/* min > max */
		"L;Target:0;0&1;41414141;${1-2}32$",	/* group 32 */
		"L;FileSize:1-2;0;41414141",		/* no Target */
		"L;Engine:300-400,Target:0;0;41414141",	/* future level */
		"L;Target:0;0",				/* no subsig */
	};

	(void)st;
	each_refused("t.ldb", bad, sizeof(bad) / sizeof(bad[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boolean),     cmocka_unit_test(counts),
		cmocka_unit_test(modifiers),   cmocka_unit_test(wide_binary),
		cmocka_unit_test(target_block), cmocka_unit_test(refused),
		cmocka_unit_test(macros),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
