/*
 * test_pcre.c -- PCRE subsignatures of logical signatures: the examples
 * of ClamAV's manual (global counts, an anchored offset, rolling from an
 * offset, a match confined to offset+maxshift), the flags, triggers, the
 * limits (a warning, or a result with --alert-exceeds-max), and what is
 * refused.
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
#define LIM VIGIL_VERDICT_LIMIT

/* Verdict of "L;Engine:81-255,Target:0;expr;subs" on buf[0..len). */
static int pl(const char *expr, const char *subs, const void *buf,
	      size_t len)
{
	char line[1024];
	struct vigil_engine *e;
	int v;

	snprintf(line, sizeof(line), "L;Engine:81-255,Target:0;%s;%s\n",
		 expr, subs);
	if (!(e = eng_from("t.ldb", line, 0)))
		fail_msg("did not load: %s", line);
	v = scan_all_ways(e, buf, len, NULL, 0);
	vigil_engine_free(e);
	return v;
}

#define P(expr, subs, lit) pl(expr, subs, lit, sizeof(lit) - 1)

/* A buffer: "KEY" at 0, then filler, then what at offset at. */
static int at_offset(const char *expr, const char *pcre, size_t at,
		     const char *what)
{
	char buf[512], subs[256];

	memset(buf, '.', sizeof(buf));
	memcpy(buf, "\x01" "KEY", 4);
	memcpy(buf + at, what, strlen(what));
	snprintf(subs, sizeof(subs), "4b4559;%s", pcre);
	return pl(expr, subs, buf, sizeof(buf));
}

static void triggered(void **st)
{
	(void)st;
	assert_int_equal(P("0&1", "4b4559;0/ev[a-z]l/", "\x01" "KEY evxl"), F);
	assert_int_equal(P("0&1", "4b4559;0/ev[a-z]l/", "\x01" "KEY ev1l"), C);
	/* the trigger does not hold: the expression is not run */
	assert_int_equal(P("0|1", "4b4559;0/evil/", "\x01" "xxx evil"), C);
	/* a trigger that holds with no match at all */
	assert_int_equal(P("0=0&1", "4b4559;0=0/evil/", "\x01" "xxx evil"), F);
	assert_int_equal(P("0=0&1", "4b4559;0=0/evil/", "\x01" "KEY evil"), C);
	/* a trigger naming an earlier PCRE subsignature */
	assert_int_equal(P("2", "4b4559;0/one/;1/two/", "\x01" "KEY one two"), F);
	assert_int_equal(P("2", "4b4559;0/one/;1/two/", "\x01" "KEY two"), C);
}

static void global_counts(void **st)
{
	(void)st;
	/* without g the first match counts one */
	assert_int_equal(P("0&(1=1)", "4b4559;0/ab/", "\x01" "KEY ab ab"), F);
	assert_int_equal(P("0&(1=2)", "4b4559;0/ab/", "\x01" "KEY ab ab"), C);
	assert_int_equal(P("0&(1=2)", "4b4559;0/ab/g", "\x01" "KEY ab ab"), F);
	assert_int_equal(P("0&(1>2)", "4b4559;0/ab/g", "\x01" "KEY ab ab"), C);
	/* an empty match moves on one byte */
	assert_int_equal(P("0&(1>3)", "4b4559;0/x*/g", "\x01" "KEY"), F);
}

static void offsets(void **st)
{
	(void)st;
	/* at an offset without maxshift: anchored there */
	assert_int_equal(at_offset("0&1", "299:0/clamav/", 299, "clamav"), F);
	assert_int_equal(at_offset("0&1", "299:0/clamav/", 300, "clamav"), C);
	/* r: from the offset on */
	assert_int_equal(at_offset("0&1", "299:0/clamav/r", 300, "clamav"), F);
	assert_int_equal(at_offset("0&1", "299:0/clamav/r", 298, "clamav"), C);
	/* a maxshift: the match starts within it */
	assert_int_equal(at_offset("0&1", "200,100:0/clamav/", 300, "clamav"),
			 F);
	assert_int_equal(at_offset("0&1", "200,100:0/clamav/", 301, "clamav"),
			 C);
	/* e: and ends within it too */
	assert_int_equal(at_offset("0&1", "200,100:0/clamav/e", 294, "clamav"),
			 F);
	assert_int_equal(at_offset("0&1", "200,100:0/clamav/e", 295, "clamav"),
			 C);
	/* from the end */
	assert_int_equal(at_offset("0&1", "EOF-6:0/clamav/", 506, "clamav"), F);
	assert_int_equal(at_offset("0&1", "EOF-6:0/clamav/", 505, "clamav"), C);
}

static void flags(void **st)
{
	(void)st;
	assert_int_equal(P("0&1", "4b4559;0/EVIL/", "\x01" "KEY evil"), C);
	assert_int_equal(P("0&1", "4b4559;0/EVIL/i", "\x01" "KEY evil"), F);
	assert_int_equal(P("0&1", "4b4559;0/a.b/", "\x01" "\x01" "KEY a\nb"), C);
	assert_int_equal(P("0&1", "4b4559;0/a.b/s", "\x01" "\x01" "KEY a\nb"), F);
	assert_int_equal(P("0&1", "4b4559;0/^evil/", "\x01" "KEY\nevil"), C);
	assert_int_equal(P("0&1", "4b4559;0/^evil/m", "\x01" "KEY\nevil"), F);
	assert_int_equal(P("0&1", "4b4559;0/e v i l/x", "\x01" "KEY evil"), F);
	assert_int_equal(P("0&1", "4b4559;0/evil/A", "\x01" "KEY evil"), C);
	/* a '/' inside: the expression ends at the last one */
	assert_int_equal(P("0&1", "4b4559;0/a\\/b/", "\x01" "KEY a/b"), F);
	assert_int_equal(P("0&1", "4b4559;0/a/b/", "\x01" "KEY a/b"), F);
	/* bytes, not UTF-8: a dot is one byte */
	assert_int_equal(P("0&1", "4b4559;0/a.b/", "\x01" "KEY a\xc3\xa9" "b"), C);
	assert_int_equal(P("0&1", "4b4559;0/a..b/", "\x01" "KEY a\xc3\xa9" "b"), F);
}

/* Verdict and warnings of one buffer scan with flags. */
static int scan_flags(struct vigil_engine *e, const void *buf, size_t len,
		      unsigned flags, uint32_t *warnings)
{
	struct vigil_scan_options o = { .size = sizeof(o), .flags = flags };
	struct vigil_result r = { .size = sizeof(r) };
	struct vigil_scanner *s = NULL;

	assert_int_equal(vigil_scanner_new(&s, e, &o), 0);
	assert_int_equal(vigil_scanner_scan_buffer(s, buf, len, &r), 0);
	*warnings = r.warnings;
	vigil_scanner_free(s);
	return r.verdict;
}

static void limits(void **st)
{
	static const char line[] =
		"L;Engine:81-255,Target:0;0&1;4b4559;0/(a|aa)+$/\n";
	struct vigil_engine *e = eng_from("t.ldb", line, 0);
	char buf[4096];
	uint32_t w;

	(void)st;
	/* catastrophic backtracking stops at the match limit: as in ClamAV
	 * no match, but a warning; a result with --alert-exceeds-max */
	memcpy(buf, "\x01" "KEY", 4);
	memset(buf + 4, 'a', sizeof(buf) - 5);
	buf[sizeof(buf) - 1] = '!';
	assert_int_equal(scan_flags(e, buf, sizeof(buf), 0, &w), C);
	assert_int_equal(w, 1);
	assert_int_equal(scan_flags(e, buf, sizeof(buf),
				    VIGIL_SCAN_ALERT_EXCEEDS_MAX, &w), LIM);
	/* a short run of the same is decided within the limit */
	memcpy(buf + 12, "!", 1);
	assert_int_equal(scan_flags(e, buf, 13, 0, &w), C);
	assert_int_equal(w, 0);
	vigil_engine_free(e);
}

static void refused(void **st)
{
	static const char *const bad[] = {
		"L;Target:0;0&1;414243;0/abc(/",	/* PCRE2 refuses */
		"L;Target:0;0&1;414243;1/abc/",		/* self trigger */
		"L;Target:0;0&1&2;414243;2/abc/;0/d/",	/* later trigger */
		"L;Target:0;0&1;414243;0/abc/q",	/* unknown flag */
		"L;Target:0;0&1;414243;0/abc",		/* no closing / */
		"L;Target:0;0&1;414243;0//",		/* empty */
		"L;Target:0;0&1;414243;0/(*UTF)abc/",	/* UTF mode */
		"L;Target:0;0&1;414243;0&/abc/",	/* trigger syntax */
		"L;Target:0;0&1;414243;x:0/abc/",	/* offset */
		"L;Target:0;0;0/abc/",			/* nothing before */
	};

	(void)st;
	each_refused("t.ldb", bad, sizeof(bad) / sizeof(bad[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(triggered), cmocka_unit_test(global_counts),
		cmocka_unit_test(offsets),   cmocka_unit_test(flags),
		cmocka_unit_test(limits),    cmocka_unit_test(refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
