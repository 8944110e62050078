/*
 * test_yara_parse.c -- the YARA parser (src/lib/yara/): rules that read,
 * with what the tree holds, and every error path with its place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "yara/yrparse.h"

static const char *const externals[] = { "filename" };

/* Parses src; returns its error ("" if none) in err. */
static int parse(struct yr_ruleset *rs, const char *src, char *err,
		 size_t cap)
{
	struct yr_parse_opts o = { .file = "t.yar", .externals = externals,
				  .nexternals = 1 };

	memset(rs, 0, sizeof(*rs));
	return yr_parse(rs, src, strlen(src), &o, err, cap);
}

static void good(const char *src, size_t nrules)
{
	struct yr_ruleset rs;
	char err[512];

	if (parse(&rs, src, err, sizeof(err)) != 0)
		fail_msg("%s\n-- %s", src, err);
	assert_int_equal(rs.nrules, nrules);
	yr_ruleset_free(&rs);
}

static void bad(const char *src, const char *want)
{
	struct yr_ruleset rs;
	char err[512];

	assert_int_equal(parse(&rs, src, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("%s\n-- got: %s\n-- want: %s", src, err, want);
	yr_ruleset_free(&rs);
}

static void a_rule_and_its_parts(void **st)
{
	struct yr_ruleset rs;
	char err[256];
	const struct yr_rule *r;

	(void)st;
	assert_int_equal(parse(&rs,
		"import \"pe\"\n"
		"private global rule R : t1 t2 {\n"
		" meta: author = \"me\" version = -3 ok = true\n"
		" strings: $a = \"x\\x41\\\"\" ascii wide nocase fullword\n"
		"  $b = { 4D 5A [2-4] ( 90 | 9? ) ?? ~00 } private\n"
		"  $c = /ab+c/is\n"
		"  $d = \"k\" xor(1-3) $e = \"b\" base64 base64wide\n"
		" condition: $a at 0 and #b in (0..filesize) > 2 and @c[1] < 10"
		" and !d[1] == 1 and $e and pe.number_of_sections > 2\n}\n",
		err, sizeof(err)), 0);
	assert_int_equal(rs.nrules, 1);
	r = &rs.rules[0];
	assert_string_equal(r->name, "R");
	assert_int_equal(r->flags, YR_RULE_GLOBAL | YR_RULE_PRIVATE);
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[1], "t2");
	assert_int_equal(r->nmeta, 3);
	assert_int_equal(r->meta[1].i, -3);
	assert_int_equal(r->nstrings, 5);
	assert_int_equal(r->strings[0].len, 3);
	assert_memory_equal(r->strings[0].value, "xA\"", 3);
	assert_int_equal(r->strings[0].mods,
			 YM_ASCII | YM_WIDE | YM_NOCASE | YM_FULLWORD);
	assert_int_equal(r->strings[1].kind, YS_HEX);
	assert_int_equal(r->strings[2].re_flags, YR_RE_NOCASE | YR_RE_DOTALL);
	assert_int_equal(r->strings[3].xor_min, 1);
	assert_int_equal(r->strings[3].xor_max, 3);
	assert_int_equal(r->cond->kind, YN_BINARY);
	assert_int_equal(r->cond->op, YK_AND);
	yr_ruleset_free(&rs);
}

static void conditions(void **st)
{
	(void)st;
	good("rule a { strings: $x = \"a\" $y = \"b\" condition: "
	     "2 of them and any of ($x, $y*) and none of ($x) }", 1);
	good("rule a { strings: $x = \"a\" condition: for all of them : "
	     "( # > 1 and @ < 5 and ! == 1 and $ ) }", 1);
	good("rule a { condition: for any i in (1..3) : ( uint8(i) == 0 ) "
	     "and for all k in (1, 2, 3) : ( k < 4 ) }", 1);
	good("rule a { condition: uint32be(0) & 0xff00 == 0o17 << 2 and "
	     "-1 + 2 * 3 \\ 4 % 5 | 6 ^ ~7 >= 1KB and 1.5 < 2 }", 1);
	good("rule a { condition: filename matches /x/i and filename "
	     "contains \"a\" and filename iequals \"B\" and not true }", 1);
	good("rule a { condition: true } rule b { condition: a and "
	     "any of (a, b*) }", 2);
	good("rule a { condition: a }", 1); /* itself, as yarac takes it */
	good("import \"math\" rule a { condition: math.entropy(0, filesize) "
	     "> 7.0 and entrypoint >= 0 and defined filesize }", 1);
	good("rule a { strings: $x = \"a\" condition: 50% of them and "
	     "any of them in (0..100) }", 1);
	good("import \"cuckoo\" rule a { condition: "
	     "cuckoo.network.dns_lookup(/evil/) }", 1);
	/* a comment in a hex string may hold a brace */
	good("rule a { strings: $h = { 4D // {not the end}\n 5A /* } */ }"
	     " condition: $h }", 1);
}

static void names(void **st)
{
	(void)st;
	bad("rule a { condition: b }", "t.yar:1:21: undefined identifier \"b\"");
	bad("rule a { condition: pe.is_dll() }", "undefined identifier \"pe\"");
	bad("import \"pe\" rule a { condition: pe.nope }",
	    "invalid field name \"nope\"");
	bad("import \"pe\" rule a { condition: pe.sections.name }",
	    "is not a structure");
	bad("import \"pe\" rule a { condition: pe.machine[0] }",
	    "is not an array or dictionary");
	bad("import \"pe\" rule a { condition: pe.sections[\"x\"].name }",
	    "wrong type for the index");
	bad("import \"pe\" rule a { condition: pe.version_info[1] }",
	    "wrong type for the index");
	bad("import \"pe\" rule a { condition: pe.machine() }",
	    "is not a function");
	bad("import \"pe\" rule a { condition: pe.imports(1.5) }",
	    "wrong arguments for function \"imports\"");
	bad("import \"math\" rule a { condition: math.entropy(\"a\", 1) }",
	    "wrong arguments for function \"entropy\"");
	bad("import \"pe\" rule a { condition: for any k, v in pe.sections : "
	    "(true) }", "this loop takes 1 variable");
	bad("import \"pe\" rule a { condition: for any k in pe.version_info : "
	    "(true) }", "this loop takes 2 variables");
	bad("import \"pe\" rule a { condition: for any k in pe.machine : "
	    "(true) }", "is not iterable");
	bad("import \"nosuch\" rule a { condition: true }",
	    "unknown module \"nosuch\"");
	bad("import \"nope\"", "unknown module \"nope\"");
	bad("rule a { condition: true } rule a { condition: true }",
	    "duplicated identifier \"a\"");
	bad("rule a { strings: $x = \"a\" $x = \"b\" condition: $x }",
	    "duplicated string identifier \"$x\"");
	bad("rule a { strings: $x = \"a\" condition: $y }",
	    "undefined string identifier \"$y\"");
	bad("rule a { strings: $x = \"a\" condition: #z > 1 }",
	    "undefined string identifier \"#z\"");
	bad("rule a { strings: $x = \"a\" condition: any of ($q*) }",
	    "undefined string identifier \"$q*\"");
	bad("rule a { strings: $x = \"a\"\n $y = \"b\" condition: $x }",
	    "t.yar:2:1: unreferenced string \"$y\"");
	bad("rule a { strings: $x = \"a\" condition: $ }",
	    "\"$\" outside a for..of loop");
	bad("rule a { condition: any of them }",
	    "\"them\" in a rule without strings");
	bad("rule a { condition: for any i in (1..2) : ( for any i in "
	    "(1..2) : ( i ) ) }", "loop variable \"i\" is already in use");
	bad("rule a : t t { condition: true }", "duplicated tag \"t\"");
}

static void strings_and_modifiers(void **st)
{
	(void)st;
	bad("rule a { strings: $x = \"\" condition: $x }", "empty string");
	bad("rule a { strings: $x = \"a\\q\" condition: $x }",
	    "illegal escape sequence");
	bad("rule a { strings: $x = \"a condition: $x }",
	    "unterminated string");
	bad("rule a { strings: $x = \"a\" nocase nocase condition: $x }",
	    "duplicated modifier \"nocase\"");
	bad("rule a { strings: $x = \"a\" xor nocase condition: $x }",
	    "invalid modifier combination: xor nocase");
	bad("rule a { strings: $x = \"a\" base64 fullword condition: $x }",
	    "base64 with fullword");
	bad("rule a { strings: $x = \"a\" xor(3-1) condition: $x }",
	    "invalid xor range");
	bad("rule a { strings: $x = \"a\" xor(256) condition: $x }",
	    "a key is 0 to 255");
	bad("rule a { strings: $x = \"a\" base64(\"abc\") condition: $x }",
	    "64 characters are needed");
	bad("rule a { strings: $x = { 41 } nocase condition: $x }",
	    "invalid modifier for a hex string");
	bad("rule a { strings: $x = /a/ xor condition: $x }",
	    "invalid modifier for a regular expression");
	bad("rule a { strings: $x = /a condition: $x }",
	    "unterminated regular expression");
	bad("rule a { strings: $x* = \"a\" condition: $x }",
	    "cannot end in '*'");
}

static void hex_strings(void **st)
{
	(void)st;
	bad("rule a { strings: $x = { 4 } condition: $x }",
	    "a byte is two hex digits");
	bad("rule a { strings: $x = { [2] 41 } condition: $x }",
	    "a jump cannot come first");
	bad("rule a { strings: $x = { 41 [2] } condition: $x }",
	    "a jump cannot come last");
	bad("rule a { strings: $x = { 41 [4-2] 42 } condition: $x }",
	    "invalid jump length");
	bad("rule a { strings: $x = { 41 ( 42 [2-] 43 | 44 ) } condition: $x }",
	    "unbounded jump inside an alternative");
	bad("rule a { strings: $x = { 41 ( 42 | 43 } condition: $x }",
	    "alternative not closed");
	bad("rule a { strings: $x = { } condition: $x }", "empty");
	bad("rule a { strings: $x = { 41 ~?? } condition: $x }",
	    "~?? matches nothing");
	bad("rule a { strings: $x = { 41 42 condition: $x }",
	    "a byte is two hex digits");
	bad("rule a { strings: $x = { 41 42", "unterminated hex string");
}

static void syntax(void **st)
{
	(void)st;
	bad("rule a { condition: }", "t.yar:1:21: syntax error: unexpected '}'");
	bad("rule { condition: true }", "rule name expected");
	bad("rule a { condition: true", "'}' expected, found end of file");
	bad("rule a { condition: (true }", "')' expected");
	bad("rule a { condition: 1 matches 2 }", "a regular expression expected");
	bad("rule a { condition: true } /* open", "unterminated comment");
	bad("rule a { condition: 99999999999999999999 }", "integer too large");
	bad("include \"x.yar\"", "include is not allowed here");
	bad("rule a { strings: condition: true }", "a string expected");
	/* a regex that ends inside a class or an escape: an error where it
	 * is (it was "out of memory" in a condition, and a rule not
	 * evaluated for a string) */
	bad("rule a { condition: filename matches /[a/ }",
	    "t.yar:1:38: regular expression ends inside an escape or a class");
	bad("rule a { strings: $a = /ab[c/ condition: $a }",
	    "t.yar:1:24: regular expression ends inside an escape or a class");
}

/* In-memory files for include: "a.yar" holds a rule, "self.yar"
 * includes itself, "bad.yar" an error; others cannot be read. */
static int memfile(void *ctx, const char *name, const char *from,
		   char **path, char **src, size_t *len)
{
	const char *text = !strcmp(name, "a.yar") ?
				   "rule from_a { condition: true }" :
			   !strcmp(name, "self.yar") ? "include \"self.yar\"" :
			   !strcmp(name, "bad.yar") ? "rule x { condition: }" :
						      NULL;

	(void)ctx;
	(void)from;
	*path = strdup(name);
	*src = text ? strdup(text) : NULL;
	*len = text ? strlen(text) : 0;
	return *src ? 0 : -1;
}

static int parse_inc(struct yr_ruleset *rs, const char *src, char *err)
{
	struct yr_parse_opts o = { .file = "t.yar", .include = memfile };

	memset(rs, 0, sizeof(*rs));
	return yr_parse(rs, src, strlen(src), &o, err, 512);
}

static void includes(void **st)
{
	struct yr_ruleset rs;
	char err[512];

	(void)st;
	assert_int_equal(parse_inc(&rs, "include \"a.yar\" rule b { "
				   "condition: from_a }", err), 0);
	assert_int_equal(rs.nrules, 2);
	yr_ruleset_free(&rs);
	assert_int_equal(parse_inc(&rs, "include \"self.yar\"", err), -1);
	assert_non_null(strstr(err, "self.yar:1:9: includes nested too deep"));
	yr_ruleset_free(&rs);
	assert_int_equal(parse_inc(&rs, "include \"bad.yar\"", err), -1);
	assert_non_null(strstr(err, "bad.yar:1:21: syntax error"));
	yr_ruleset_free(&rs);
	assert_int_equal(parse_inc(&rs, "include \"none.yar\"", err), -1);
	assert_non_null(strstr(err, "t.yar:1:9: cannot include \"none.yar\""));
	yr_ruleset_free(&rs);
}

/* Many rules, and a rule of many strings, are read in linear time: with
 * the quadratic lookups and copies this replaced, these two took minutes
 * and gigabytes (the suite's timeout fails them). */
/* Adds src to rs in namespace ns: what yr_parse() returns. */
static int add_ns(struct yr_ruleset *rs, const char *ns, const char *src,
		  char *err)
{
	struct yr_parse_opts o = { .file = "t.yar", .ns = ns };

	return yr_parse(rs, src, strlen(src), &o, err, 256);
}

static void namespaces(void **st)
{
	struct yr_ruleset rs;
	char err[256];

	(void)st;
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(add_ns(&rs, NULL, "rule a { condition: true }", err), 0);
	assert_int_equal(add_ns(&rs, "x", "rule a { condition: true }\n"
				"rule b { condition: a }", err), 0);
	assert_int_equal(rs.nrules, 3);
	assert_string_equal(rs.rules[0].ns, "default");
	assert_string_equal(rs.rules[2].ns, "x");
	assert_int_equal(yr_rule_find(&rs, "x", "a"), 1);
	assert_int_equal(yr_rule_find(&rs, "default", "b"), -1);
	/* a name once per namespace; a rule names its own namespace's */
	assert_int_equal(add_ns(&rs, "x", "rule a { condition: true }", err), -1);
	assert_non_null(strstr(err, "duplicated identifier"));
	yr_ruleset_free(&rs);
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(add_ns(&rs, "x", "rule c { condition: true }", err), 0);
	assert_int_equal(add_ns(&rs, "y", "rule d { condition: c }", err), -1);
	assert_non_null(strstr(err, "undefined identifier"));
	yr_ruleset_free(&rs);
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(add_ns(&rs, "a:b", "rule e { condition: true }", err), -1);
	assert_int_equal(add_ns(&rs, "", "rule e { condition: true }", err), -1);
	yr_ruleset_free(&rs);
}

static void large_sets(void **st)
{
	size_t n = 300000, cap = n * 40 + 64, len = 0, i;
	char *src = malloc(cap);
	struct yr_ruleset rs;
	char err[256];

	(void)st;
	assert_non_null(src);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(src + len, cap - len,
					"rule r%zu { condition: r0 }\n", i);
	assert_int_equal(parse(&rs, src, err, sizeof(err)), 0);
	assert_int_equal(rs.nrules, n);
	yr_ruleset_free(&rs);
	len = (size_t)snprintf(src, cap, "rule big { strings: ");
	for (i = 0; i < 50000; i++)
		len += (size_t)snprintf(src + len, cap - len, "$s%zu = \"x%zu\" ",
					i, i);
	snprintf(src + len, cap - len, "condition: any of them }");
	assert_int_equal(parse(&rs, src, err, sizeof(err)), 0);
	assert_int_equal(rs.rules[0].nstrings, 50000);
	yr_ruleset_free(&rs);
	free(src);
}

/* Nesting is bounded: a deep condition is an error, not a crash. */
static void depth(void **st)
{
	size_t n = 100000, i;
	char *src = malloc(n * 2 + 64);

	(void)st;
	assert_non_null(src);
	strcpy(src, "rule a { condition: ");
	for (i = 0; i < n; i++)
		strcat(src + 20 + i, "(");
	strcat(src, "true");
	for (i = 0; i < n; i++)
		strcat(src + 24 + n + i, ")");
	strcat(src, " }");
	bad(src, "condition nested too deeply");
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_rule_and_its_parts),
		cmocka_unit_test(conditions),
		cmocka_unit_test(names),
		cmocka_unit_test(strings_and_modifiers),
		cmocka_unit_test(hex_strings),
		cmocka_unit_test(syntax),
		cmocka_unit_test(includes),
		cmocka_unit_test(namespaces),
		cmocka_unit_test(large_sets),
		cmocka_unit_test(depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
