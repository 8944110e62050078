/*
 * test_yara_eval.c -- the reference YARA matcher and evaluator
 * (src/lib/yara/yrmatch.c, yreval.c) on small buffers, one meaning per
 * case: overlapping matches, wide and nocase forms, fullword, hex
 * wildcards, jumps and alternatives, counts, offsets and lengths, at and
 * in, undefined values, quantifiers, loops, global and private rules.
 * Every case is evaluated with the fast matcher too (yrfast.c), which
 * must say the same. tests/e2e/test_yara_eval.py holds them against
 * yara itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "yara/yreval.h"
#include "yara/yrfast.h"
#include "yara/yrparse.h"

/* The result of the last rule of src over data. */
static int last_rule(const char *src, const void *data, size_t len)
{
	struct yr_parse_opts o = { .file = "t.yar" };
	struct yr_ruleset rs;
	struct yr_fast *f;
	struct yr_fast_state *fst;
	uint8_t res[64], fres[64];
	char err[256];
	int r;

	memset(&rs, 0, sizeof(rs));
	if (yr_parse(&rs, src, strlen(src), &o, err, sizeof(err)) != 0)
		fail_msg("%s: %s", src, err);
	assert_true(rs.nrules <= sizeof(res));
	assert_int_equal(yr_eval(&rs, data, len, NULL, 0, res, NULL), 0);
	assert_int_equal(yr_fast_build(&rs, &f), 0);
	assert_int_equal(yr_fast_state_new(f, &fst), 0);
	assert_int_equal(yr_fast_eval(f, fst, data, len, NULL, 0, fres, NULL), 0);
	if (memcmp(res, fres, rs.nrules))
		fail_msg("%s: the fast matcher differs", src);
	/* without matches listed: rules with a false term passed over */
	yr_fast_set_first(fst, 1);
	assert_int_equal(yr_fast_eval(f, fst, data, len, NULL, 0, fres, NULL), 0);
	if (memcmp(res, fres, rs.nrules))
		fail_msg("%s: the fast matcher differs, matches not listed", src);
	yr_fast_state_free(fst);
	yr_fast_free(f);
	r = res[rs.nrules - 1];
	yr_ruleset_free(&rs);
	return r;
}

#define T(src, data) assert_int_equal(last_rule(src, data, sizeof(data) - 1), \
				      YR_RULE_TRUE)
#define F(src, data) assert_int_equal(last_rule(src, data, sizeof(data) - 1), \
				      YR_RULE_FALSE)

static void text_strings(void **st)
{
	(void)st;
	T("rule a { strings: $a = \"aa\" condition: #a == 3 }", "aaaa");
	T("rule a { strings: $a = \"ab\" wide condition: $a and !a == 4 }",
	  "xa\0b\0");
	F("rule a { strings: $a = \"ab\" wide condition: $a }", "ab");
	T("rule a { strings: $a = \"ab\" ascii wide condition: #a == 2 }",
	  "ab a\0b\0");
	T("rule a { strings: $a = \"AbC\" nocase condition: $a }", "xabcx");
	F("rule a { strings: $a = \"AbC\" condition: $a }", "xabcx");
	F("rule a { strings: $a = \"ab\" fullword condition: $a }", "xab");
	T("rule a { strings: $a = \"ab\" fullword condition: @a[1] == 4 }",
	  "xab ab.");
	/* xor: every key of the range; the wide form's zeros XORed too */
	T("rule a { strings: $a = \"ab\" xor condition: #a == 3 }",
	  "ab\x62\x61\x60\x63-");
	T("rule a { strings: $a = \"ab\" xor(2-3) condition: #a == 1 and "
	  "@a[1] == 0 }", "\x62\x61\x60\x63");
	T("rule a { strings: $a = \"ab\" wide xor(1) condition: $a }",
	  "\x60\x01\x63\x01");
	/* base64: "This program cannot" after 0, 1 and 2 bytes, the
	 * characters those bytes or the padding touch cut off */
	T("rule a { strings: $a = \"This program cannot\" base64 condition: "
	  "#a == 3 and !a[1] == 25 and !a[2] == 24 and !a[3] == 25 }",
	  "VGhpcyBwcm9ncmFtIGNhbm5vdA== QVRoaXMgcHJvZ3JhbSBjYW5ub3Q= "
	  "QUFUaGlzIHByb2dyYW0gY2Fubm90");
	T("rule a { strings: $a = \"abc\" base64wide condition: !a == 8 }",
	  "Y\0W\0J\0j\0");
}

static void hex_strings(void **st)
{
	(void)st;
	T("rule a { strings: $h = { 61 ?? 63 } condition: $h }", "azc");
	T("rule a { strings: $h = { 6? 62 } condition: #h == 2 }", "ab-ob");
	T("rule a { strings: $h = { 61 [1-3] 64 } condition: @h[1] == 0 }",
	  "abcd");
	F("rule a { strings: $h = { 61 [1-2] 64 } condition: $h }", "abcxd");
	T("rule a { strings: $h = { 61 ( 62 | 63 63 ) 64 } condition: #h == 2 }",
	  "abd acd accd");
	T("rule a { strings: $h = { 61 ~62 } condition: #h == 1 }", "abac");
	/* no run to look for: tried where its most telling bytes are */
	T("rule a { strings: $h = { ?? ?? ?? 4? ?? 01 } condition: #h == 2 and "
	  "@h[1] == 1 and @h[2] == 7 }", "xyzwAq\x01" "bcdEf\x01");
	T("rule a { strings: $h = { E9 ?? ?? E9 } condition: #h == 2 and "
	  "@h[2] == 3 }", "\xe9\xe9\xe9\xe9" "ab\xe9");
	T("rule a { strings: $h = { ?? ?? ~41 ?? 42 } condition: #h == 1 and "
	  "@h[1] == 0 }", "xyzwBAAxB");
	/* runs whose only four bytes end NUL NUL (found by their first two
	 * bytes), and one with other four bytes */
	T("rule a { strings: $h = { 10 10 00 00 ?? ?? 0C 00 00 00 } condition: "
	  "#h == 2 and @h[2] == 10 }",
	  "\x10\x10\0\0" "ab" "\x0c\0\0\0" "\x10\x10\0\0" "cd" "\x0c\0\0\0");
	T("rule a { strings: $a = \"Ab\\x00\\x00\" nocase condition: #a == 2 }",
	  "aB\0\0 AB\0\0 ab\0x");
	T("rule a { strings: $h = { 3D B7 00 00 00 74 16 } condition: #h == 1 "
	  "and @h[1] == 2 }", "=\xb7=\xb7\0\0\0t\x16\0\0\0t\x16");
	/* a short run, then a fixed byte at a fixed distance tested first */
	T("rule a { strings: $h = { 48 8D [2] 48 8B ?? 72 } condition: #h == 1 "
	  "and @h[1] == 7 }", "H\x8d" "abH\x8b" "xH\x8d" "cdH\x8b" "zr");
	/* the run's neighbours across single wildcards: at the buffer's
	 * edges, and with another byte there */
	T("rule a { strings: $h = { 81 ?? 68 74 74 70 } condition: #h == 2 and "
	  "@h[1] == 0 }", "\x81Xhttp \x82Xhttp \x81Yhttp");
	T("rule a { strings: $h = { 68 74 74 70 ?? 41 } condition: #h == 1 and "
	  "@h[1] == 8 }", "httpXB. httpXA");
	F("rule a { strings: $h = { 68 74 74 70 ?? 41 } condition: $h }",
	  "httpXB. httpX");
	/* a run of eight bytes' keys hold its neighbours: a key alone (the
	 * spaces) is not the string, at the buffer's start or end */
	T("rule a { strings: $s = \"SID               :\" condition: #s == 2 "
	  "and @s[2] == 39 }", "SID               :" "                 "
	  "   SID               :");
	F("rule a { strings: $s = \"SID               :\" condition: $s }",
	  "                                    SID              :");
}

/* A hex string whose run is everywhere and whose rest fails after a long
 * jump: the tests of the rest where the run is found share one cap per
 * buffer, so the scan ends soon with a limit reached (each test had a cap
 * of its own: 1 MB took minutes, whatever the time limit). */
static void hostile_hex(void **st)
{
	size_t len = 1u << 20;
	char *data = malloc(len);

	(void)st;
	assert_non_null(data);
	memset(data, 'a', len);
	assert_int_equal(last_rule("rule a { strings: $h = { 61 61 61 61 "
				   "[0-100000] 62 } condition: $h }", data, len),
			 YR_RULE_LIMIT);
	free(data);
}

static void regexes(void **st)
{
	(void)st;
	/* a rare byte then 0xff bytes: the anchor's keys of eight bytes that
	 * are 0xff alone are never looked for, so the anchor must not be one
	 * whose place the scan may meet through such a key (found by the
	 * parser's fuzz target); at every place modulo four */
	T("rule a { strings: $d = \"ke\\xff\\xff\\xff\\xff\\xff\\xff"
	  "\\xff\\xff\\xff\\xff\\xffy\" condition: #d == 4 }",
	  "ke\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xffy"
	  "Bke\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xffy"
	  "Cke\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xffy"
	  "Dke\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xffy");
	T("rule a { strings: $r = /b+/ condition: #r == 3 }", "abbb");
	/* a group's branches looked for with the bytes after it */
	T("rule a { strings: $r = /(ldap|rmi|dns):\\/\\/[a-z]+/ condition: "
	  "#r == 2 and @r[2] == 12 }", "xrmi://abc; dns://q");
	T("rule a { strings: $r = /(?:foo|ba)\\.exe/ nocase condition: "
	  "!r[1] == 6 }", "x BA.EXE");
	T("rule a { strings: $r = /(ab|cd):x/ wide condition: @r[1] == 1 }",
	  "-c\0d\0:\0x\0");
	F("rule a { strings: $r = /(ab|cd):x/ condition: $r }", "cd:y ab:");
	T("rule a { strings: $r = /(cd|x{)1}abcdef/ condition: @r[1] == 2 }",
	  "--x{1}abcdef");
	T("rule a { strings: $r = /(ab|cd+):x/ condition: @r[1] == 1 }",
	  "-cddd:x");
	T("rule a { strings: $r = /(ab|\\x4)1/ condition: @r[1] == 1 }",
	  "-\x04" "1");
	T("rule a { strings: $r = /AB/i condition: $r }", "xabx");
	F("rule a { strings: $r = /a.b/ condition: $r }", "a\nb");
	T("rule a { strings: $r = /a.b/s condition: $r }", "a\nb");
	/* wide: every character atom followed by a zero byte */
	T("rule a { strings: $r = /ab[c-e]+f/ wide condition: !r == 10 }",
	  "a\0b\0c\0d\0f\0");
	F("rule a { strings: $r = /abc/ wide condition: $r }", "abc");
	T("rule a { strings: $r = /x(y|zz)?w/ wide ascii condition: "
	  "#r == 2 and @r[2] == 3 }", "xw x\0z\0z\0w\0");
	T("rule a { strings: $r = /\\x41\\d[]x]/ wide condition: $r }",
	  "A\0\x35\0]\0");
	/* a run after something unbounded, with what must follow it (the
	 * fast matcher tests that first), a run after a bounded part */
	T("rule a { strings: $r = /\\b\\w+:\\s%s\\t\\d/ condition: #r == 3 }",
	  "%s x %s\t1 key: %s\t2 ab:\t%s\t3 cd: %s\t4");
	F("rule a { strings: $r = /\\b\\w+:\\s%s\\t\\d/ condition: $r }",
	  "%s x %s\t1 key:%s\t2");
	T("rule a { strings: $r = /[a-z]+elsif[0-9]/ wide ascii condition: "
	  "#r == 2 }", "xelsif1 y\0e\0l\0s\0i\0f\0002\0 elsif");
	T("rule a { strings: $r = /[\\x0a\\x0d](Base|)URL=x/ condition: "
	  "#r == 2 and @r[2] == 8 }", "\nURL=x  \rBaseURL=x URL=x");
	T("rule a { strings: $r = /(To|From):\\s[a-z]+/ condition: #r == 2 }",
	  "To: abc From:\tx Cc: y");
	/* a count without its least: from 0, as yara reads it, in every
	 * form, and in a condition's regex; an escaped brace is a byte */
	T("rule a { strings: $r = /ev\\(.{,9}unsafe/ condition: $r }",
	  "ev(Item[..],unsafe");
	F("rule a { strings: $r = /ev\\(.{,5}unsafe/ condition: $r }",
	  "ev(Item[..],unsafe");
	T("rule a { strings: $r = /xa{,}b/ wide condition: !r == 10 }",
	  "x\0a\0a\0a\0b\0");
	T("rule a { strings: $r = /a{,2}b/ condition: #r == 3 and !r[1] == 3 }",
	  "aaab");
	T("rule a { strings: $r = /x\\{,2\\}/ condition: $r }", "x{,2}");
	T("rule a { condition: \"aab\" matches /^a{,2}b$/ }", "");
	F("rule a { condition: \"aaab\" matches /^a{,2}b$/ }", "");
	/* a match of no bytes is none, as yara counts them */
	F("rule a { strings: $r = /BADD|/ condition: $r }", "xyz");
	T("rule a { strings: $r = /a?/ condition: #r == 1 and @r[1] == 1 }",
	  "xay");
	T("rule a { strings: $r = /y|/ wide ascii condition: #r == 2 }",
	  "xay y\0");
	/* a wide alternative group before a literal: yara 4.2 misses it,
	 * YARA-X finds it (docs/yara.md) */
	T("rule a { strings: $r = /(b|:):/ wide condition: $r }", "x:\0:\0");
}

static void values(void **st)
{
	(void)st;
	T("rule a { strings: $a = \"b\" condition: $a at 1 and $a in (0..1) and "
	  "not $a at 0 }", "ab");
	/* undefined: past the end, a missing match, a division by zero */
	F("rule a { condition: uint8(2) == 0 }", "ab");
	T("rule a { condition: not (uint8(2) == 0) or true }", "ab");
	F("rule a { strings: $a = \"z\" condition: @a[1] >= 0 }", "ab");
	F("rule a { condition: filesize \\ (uint8(0) - 0x61) == 1 }", "ab");
	T("rule a { condition: defined filesize and not defined uint8(9) }",
	  "ab");
	T("rule a { condition: uint16(0) == 0x6261 and uint16be(0) == 0x6162"
	  " and int8(2) == -1 and uint32(0) == 0xff6261 }", "ab\xff\0");
	T("rule a { condition: 7 \\ 2 == 3 and 7 % 3 == 1 and 1 << 64 == 0 and "
	  "-8 >> 1 == -4 and 5 & 3 | 8 ^ 1 == 9 and 2.5 * 2 == 5 }", "x");
	T("rule a { condition: \"abc\" contains \"B\" == false and \"abc\" "
	  "icontains \"B\" and \"abc\" matches /^a.c$/ and \"x\" < \"y\" and "
	  "\"ABC\" matches /b/i and not \"ABC\" matches /b/ }",
	  "x");
}

static void quantifiers_and_loops(void **st)
{
	(void)st;
	T("rule a { strings: $a = \"a\" $b = \"b\" $c = \"z\" condition: "
	  "2 of them and not all of them and any of ($a, $c) and "
	  "none of ($c) and 1 of ($b*) }", "ab");
	T("rule a { strings: $a = \"a\" $b = \"b\" condition: "
	  "for all of them : ( # == 1 and @ < 2 and ! == 1 ) }", "ab");
	T("rule a { strings: $a = \"a\" condition: for 2 i in (1..#a) : "
	  "( @a[i] % 2 == 0 ) }", "a.a.a");
	F("rule a { strings: $a = \"a\" condition: for all i in (1..#a) : "
	  "( @a[i] % 2 == 0 ) }", "a.aa");
	T("rule a { condition: for any k in (3, 5, 7) : ( k == filesize ) }",
	  "abcde");
	/* a loop that never runs is false whatever its quantifier (yara) */
	F("rule a { condition: for none k in (1..0) : ( true ) }", "x");
	F("rule a { condition: for all k in (1..0) : ( false ) }", "x");
}

static void rules_together(void **st)
{
	(void)st;
	T("private rule p { condition: filesize == 2 } rule a { condition: p }",
	  "ab");
	F("global rule g { condition: filesize > 5 } rule a { condition: true }",
	  "ab");
	/* terms of the file's size, tested before the strings (each way) */
	T("rule a { strings: $a = \"ab\" condition: filesize < 3 and $a }",
	  "ab");
	F("rule a { strings: $a = \"ab\" condition: filesize > 2 and $a }",
	  "ab");
	T("rule a { strings: $a = \"ab\" condition: 2 >= filesize and $a }",
	  "ab");
	F("rule a { strings: $a = \"ab\" condition: 2 != filesize and $a }",
	  "ab");
	T("rule a { strings: $a = \"ab\" condition: filesize == 2 and "
	  "uint16(0) == 0x6261 and $a }", "ab");
	T("rule x { condition: true } rule y { condition: false } rule a { "
	  "condition: any of (x, y) and not all of (x, y) }", "ab");
}

static void modules(void **st)
{
	(void)st;
	T("import \"math\" rule a { condition: math.entropy(\"aaaa\") == 0.0 "
	  "and math.entropy(0, filesize) == 1.0 and math.mean(0, 2) == 97.5 "
	  "and math.count(0x61) == 1 and math.mode() == 0x61 and "
	  "math.min(-1, 2) == -1 and math.abs(-3) == 3 and "
	  "not defined math.entropy(filesize, 1) and "
	  "math.in_range(math.MEAN_BYTES, 127.0, 128.0) }", "ab");
	T("import \"hash\" rule a { condition: hash.md5(0, filesize) == "
	  "\"187ef4436122d1cc2f40dc2b92f0eba0\" and hash.md5(\"ab\") == "
	  "hash.md5(0, 2) and hash.crc32(\"ab\") == 0x9e83486d and "
	  "hash.checksum32(0, 1) == 0x61 and not defined hash.sha1(5, 1) }",
	  "ab");
	T("import \"string\" rule a { condition: string.to_int(\"0x1f\") == 31 "
	  "and string.to_int(\"11\", 2) == 3 and string.length(\"abc\") == 3 "
	  "and not defined string.to_int(\"1x\") }", "ab");
	/* not a PE: every field undefined but is_pe; arrays empty */
	T("import \"pe\" rule a { condition: pe.is_pe == 0 and not defined "
	  "pe.number_of_sections and not defined pe.is_dll() and "
	  "not for any s in pe.sections : (s.name == \".text\") and "
	  "pe.MACHINE_I386 == 0x14c and not defined entrypoint }", "MZab");
}

static void unsupported(void **st)
{
	(void)st;
	assert_int_equal(last_rule("import \"cuckoo\" rule a { condition: "
				   "cuckoo.network.http_request(/x/) }", "MZ", 2),
			 YR_RULE_UNSUPPORTED);
	assert_int_equal(last_rule("rule a { strings: $a = /k{2,1}/ "
				   "condition: $a }", "k", 1),
			 YR_RULE_UNSUPPORTED); /* PCRE2 refuses it */
	assert_int_equal(last_rule("rule a { condition: \"k\" matches /k{2,1}/ }",
				   "k", 1),
			 YR_RULE_UNSUPPORTED); /* in a condition too */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_strings),
		cmocka_unit_test(hex_strings),
		cmocka_unit_test(hostile_hex),
		cmocka_unit_test(regexes),
		cmocka_unit_test(values),
		cmocka_unit_test(quantifiers_and_loops),
		cmocka_unit_test(rules_together),
		cmocka_unit_test(modules),
		cmocka_unit_test(unsupported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
