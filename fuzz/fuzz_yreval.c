/*
 * fuzz_yreval.c -- libFuzzer target for the reference YARA matcher and
 * evaluator (src/lib/yara/yrmatch.c, yreval.c): the input is the data
 * scanned by a fixed set of rules that uses every kind of string
 * (text in every form, xor, base64, hex with wildcards, jumps and
 * alternatives, regular expressions) and condition; every rule gives a result, and
 * nothing is read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yara/yreval.h"
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
	"rule u { condition: t and filesize % 7 == 3 }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct yr_ruleset rs;
	static int ready;
	struct yr_parse_opts o = { .file = "fuzz.yar" };
	uint8_t res[8];
	char err[256];
	size_t i;

	if (!ready) {
		if (yr_parse(&rs, rules, sizeof(rules) - 1, &o, err,
			     sizeof(err)) != 0 || rs.nrules > sizeof(res))
			abort();
		ready = 1;
	}
	if (yr_eval(&rs, data, size, NULL, 0, res, NULL) != 0)
		abort();
	for (i = 0; i < rs.nrules; i++)
		if (res[i] != YR_RULE_TRUE && res[i] != YR_RULE_FALSE)
			abort();
	return 0;
}
