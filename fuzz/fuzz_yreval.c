/*
 * fuzz_yreval.c -- libFuzzer target for the reference YARA matcher and
 * evaluator (src/lib/yara/yrmatch.c, yreval.c): the input is the data
 * scanned by a fixed set of rules that uses every kind of string
 * (text in every form, xor, base64, hex with wildcards, jumps and
 * alternatives, regular expressions) and condition; every rule gives a
 * result, nothing is read outside the input, and the fast matcher
 * (yrfast.c) gives the same results and finds every string at the same
 * offsets as the reference one; and the same results again where it lists
 * no matches (yr_fast_set_first: strings matched when first read, rules
 * with a false integer term passed over, first matches enough, "$ at x"
 * tested at x). Rules y and z repeat strings of the others (yrdup.c),
 * some in rules alive where the first holder is dead, some read
 * otherwise; rule d's short strings wait for its long one (yrdefer.c),
 * rule e's strings of weak anchors too, rule f's short one for its weak
 * one, and a false rule's string not looked for is not compared; rule
 * gap's strings are found by windows across an open byte (yratom.c's
 * yr_hex_gapped()); rules h and i share the string that waits (one wake
 * group), so that d, e, f and h's groups may wake together (more than
 * three: the whole lazy table, yrfast.c's wake()). Rule v's $n
 * and $c3 are short runs looked up by their last two bytes (yrpairs.c's
 * key_at()); its $g's branches are looked for with the bytes after their
 * group (yratom.c's branch_run()); its $a8's run has neighbours across
 * wildcards (yratom.c's hex_around()), $s8's keys of eight bytes theirs
 * (anchors.h's ANCHOR_NEAR).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yara/yreval.h"
#include "yara/yrfast.h"
#include "yara/yrmatch.h"
#include "yara/yrparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules[] =
	"global rule g { condition: filesize < 100000000 }\n"
	"private rule p { strings: $a = \"MZ\" condition: $a at 0 }\n"
	"rule t { strings: $a = \"ab\" ascii wide nocase $b = \"cd\" fullword\n"
	"  $h = { 4D ?? 5? [0-4] ( 90 | 41 42 | C3 ) ~00 }\n"
	"  $r = /a[0-9]+b/is wide ascii $x = \"key\" wide xor(1-9)\n"
	"  $e = \"abc\" ascii wide base64 base64wide\n"
	" condition: p or (#a > 1 and @b[1] < 100) or $h in (0..filesize) or\n"
	"  for any i in (1..#r) : ( uint16be(@r[i]) > 2 and !r[i] < 9 ) or\n"
	"  2 of them or for all of ($a, $b) : ( # < 5 ) or\n"
	"  int32(filesize \\ 2) == -1 }\n"
	"rule u { condition: t and filesize % 7 == 3 }\n"
	"rule v { strings: $t = \"abcdef\" ascii wide nocase fullword\n"
	"  $x = \"keyword\" wide ascii xor(1-3)\n"
	"  $h = { 41 42 43 44 [0-8] 45 ?? ( 46 | 47 48 ) }\n"
	"  $j = { ( 61 | 62 ) 63 64 65 66 [2-3] 67 }\n"
	"  $k = { 48 8D [2] 48 8B ?? 72 } $w = { ?? ?? 4? ?? 01 }\n"
	"  $n = { 00 00 8B ?? 01 } $c3 = \"eaq\" nocase\n"
	"  $r = /hello[0-9]+x/i wide ascii $q = /abcd\\x41e?f/s\n"
	"  $e = \"encoded!\" base64 base64wide\n"
	"  $o = /\\b\\w+:\\s%s\\t/ wide ascii $u = /[\\r\\n](ab|)URL=[0-9]/\n"
	"  $g = /(ab|cde|f\\x67)x:\\/[0-9]/ wide ascii nocase\n"
	"  $a8 = { 81 ?? 68 74 74 70 ?? 41 } $s8 = \"SID          :\" nocase\n"
	" condition: any of them }\n"
	"rule w { strings: $m = \"MZ\" $p = { 50 45 00 00 } $c = \"cd\"\n"
	" condition: uint16(0) == 0x5a4d and filesize < 70000 and\n"
	"  for any of ($m, $p) : ( $ at (uint8(2) % 4) ) and $c }\n"
	"rule x { strings: $z = \"zz\" $y = /y+z/ condition: uint8(0) == 0x7a\n"
	"  and 1 of them and not ($z at 1) }\n"
	"rule y { strings: $c = \"cd\" $h = { 41 42 43 44 [0-8] 45 ?? ( 46 | 47 48 ) }\n"
	"  $r = /hello[0-9]+x/i wide ascii $m = \"MZ\"\n"
	" condition: $c or ($h and not $r) or $m at 0 }\n"
	"rule z { strings: $z = \"zz\" $x = \"keyword\" wide ascii xor(1-3)\n"
	"  $e = \"encoded!\" base64 base64wide\n"
	" condition: #z == 2 or ($x and $e) }\n"
	"rule d { strings: $l = \"keyword\" $s = { 4D ?? 5A } $t = \"zq\"\n"
	" condition: ($l and $s) or (#l > 1 and 2 of ($s, $t)) }\n"
	"rule e { strings: $l = \"keyword\" $w = \"code\" $k = { 48 89 44 24 }\n"
	" condition: $l and ($w or #k == 2) }\n"
	"rule f { strings: $w = \"http\" $s = { E8 F1 ?? C3 }\n"
	" condition: $w and $s }\n"
	"rule gap { strings: $g = { 42 83 FA ?? 7C } $h = { 5? 8B EC 83 }\n"
	" condition: $g or #h == 2 }\n"
	"rule h { strings: $l = \"long needle\" $w = \"read\"\n"
	" condition: $l and $w }\n"
	"rule i { strings: $l = \"other needle\" $w = \"read\"\n"
	" condition: $l and $w }\n";

/* Rule r's strings as the reference finds them, against the fast one's. */
static void same_strings(const struct yr_ruleset *rs, size_t r,
			 const struct yr_fast_state *st, int truth,
			 const uint8_t *data, size_t size)
{
	const struct yr_matches *fast = yr_fast_matches(st, r);
	struct yr_matches ref = { 0 };
	const char *why;
	size_t i;

	for (i = 0; i < rs->rules[r].nstrings; i++) {
		if (truth == YR_RULE_FALSE && yr_fast_unsearched(st, r, i))
			continue; /* false without it: not looked for */
		if (yr_match_string(&rs->rules[r].strings[i], data, size, &ref,
				    &why) != 0 ||
		    ref.n != fast[i].n ||
		    (ref.n && memcmp(ref.m, fast[i].m, ref.n * sizeof(*ref.m))))
			abort();
	}
	yr_matches_free(&ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct yr_ruleset rs;
	static struct yr_fast *f;
	static struct yr_fast_state *st, *st1;
	static int ready;
	struct yr_parse_opts o = { .file = "fuzz.yar" };
	uint8_t res[16], fres[16], fres1[16];
	char err[256];
	size_t i;

	if (!ready) {
		if (yr_parse(&rs, rules, sizeof(rules) - 1, &o, err,
			     sizeof(err)) != 0 || rs.nrules > sizeof(res) ||
		    yr_fast_build(&rs, &f) != 0 ||
		    yr_fast_state_new(f, &st) != 0 ||
		    yr_fast_state_new(f, &st1) != 0)
			abort();
		yr_fast_set_first(st1, 1);
		ready = 1;
	}
	if (yr_eval(&rs, data, size, NULL, 0, res, NULL) != 0 ||
	    yr_fast_eval(f, st, data, size, NULL, 0, fres, NULL) != 0 ||
	    yr_fast_eval(f, st1, data, size, NULL, 0, fres1, NULL) != 0)
		abort();
	for (i = 0; i < rs.nrules; i++) {
		if ((res[i] != YR_RULE_TRUE && res[i] != YR_RULE_FALSE) ||
		    fres[i] != res[i] || fres1[i] != res[i])
			abort();
		same_strings(&rs, i, st, res[i], data, size);
	}
	return 0;
}
