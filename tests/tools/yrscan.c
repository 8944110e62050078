/*
 * yrscan.c -- the YARA evaluator (src/lib/yara/yreval.c) over files:
 * prints "rule file" for each rule that matches, as yara prints them,
 * and "rule file: unsupported: why" or "...: limit: why" on standard
 * error where it cannot say; what tests/e2e/test_yara_eval.py compares
 * with yara. The strings are matched by the reference matcher, with -f
 * by the fast one (yrfast.c); with -c by both, every rule's result and
 * every string's matches compared (a difference is printed, exit 3; a
 * rule the fast matcher knows false where the reference reached a module
 * is no difference: docs/yara.md; nor are the matches of a false rule's
 * string not looked for: yr_fast_unsearched()). -1 is -f as a scan that lists no
 * matches runs it (a string whose condition needs only that it matched
 * stops at its first match: yruse.h).
 * -v says how many strings the fast matcher found by their runs.
 *   yrscan [-f|-1|-c] [-v] [-d NAME=VALUE]... RULES FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "yara/yreval.h"
#include "yara/yrfast.h"
#include "yara/yrmatch.h"
#include "yara/yrparse.h"

#define MAX_EXTERNALS 64
#define MAX_FILE_BYTES (256u << 20)

static void external(struct yr_external *x, char *def)
{
	char *eq = strchr(def, '='), *end;

	x->name = def;
	x->kind = YN_TEXT;
	x->text = "";
	if (!eq)
		return;
	*eq = 0;
	x->text = eq + 1;
	x->i = strtoll(eq + 1, &end, 0);
	if (*x->text && !*end)
		x->kind = YN_INT;
	else if (!strcmp(x->text, "true") || !strcmp(x->text, "false")) {
		x->kind = YN_BOOL;
		x->i = !strcmp(x->text, "true");
	}
}

enum { REFERENCE, FAST, COMPARE };

struct run {
	const struct yr_ruleset *rs;
	const struct yr_external *ext;
	size_t next;
	int mode;
	struct yr_fast *f;
	struct yr_fast_state *st;
};

static void print(const struct yr_ruleset *rs, const char *path,
		  const uint8_t *res, const char **why)
{
	size_t r;

	for (r = 0; r < rs->nrules; r++) {
		if (rs->rules[r].flags & YR_RULE_PRIVATE)
			continue;
		if (res[r] == YR_RULE_TRUE)
			printf("%s %s\n", rs->rules[r].name, path);
		else if (res[r] != YR_RULE_FALSE)
			fprintf(stderr, "%s %s: %s: %s\n", rs->rules[r].name,
				path, res[r] == YR_RULE_LIMIT ? "limit" :
								"unsupported",
				why[r] ? why[r] : "?");
	}
}

/* Rule r's strings as both matchers found them: 0 if the same. */
static int same_strings(const struct run *x, size_t r, const uint8_t *buf,
			size_t len, const char *path, int truth)
{
	const struct yr_rule *rule = &x->rs->rules[r];
	const struct yr_matches *fast = yr_fast_matches(x->st, r);
	struct yr_matches ref = { 0 };
	const char *why;
	size_t i;
	int bad = 0;

	for (i = 0; i < rule->nstrings && !bad; i++) {
		if (yr_fast_unsearched(x->st, r, i) && truth == YR_RULE_FALSE)
			continue; /* its rule false without it: not looked for */
		if (yr_match_string(&rule->strings[i], buf, len, &ref, &why))
			break;
		bad = ref.n != fast[i].n ||
		      (ref.n && memcmp(ref.m, fast[i].m, ref.n * sizeof(*ref.m)));
		if (bad)
			fprintf(stderr, "%s %s: $%s: %zu matches, fast %zu\n",
				rule->name, path, rule->strings[i].id, ref.n,
				fast[i].n);
	}
	yr_matches_free(&ref);
	return bad;
}

static int compare(const struct run *x, const char *path, const uint8_t *buf,
		   size_t len, const uint8_t *res, const uint8_t *fres)
{
	size_t r;
	int bad = 0;

	for (r = 0; r < x->rs->nrules; r++) {
		if (res[r] == YR_RULE_UNSUPPORTED && fres[r] == YR_RULE_FALSE)
			continue; /* known false before the module (docs/yara.md) */
		if (res[r] != fres[r]) {
			fprintf(stderr, "%s %s: result %d, fast %d\n",
				x->rs->rules[r].name, path, res[r], fres[r]);
			bad = 1;
		} else if (res[r] <= YR_RULE_TRUE) {
			bad |= same_strings(x, r, buf, len, path, res[r]);
		}
	}
	return bad ? 3 : 0;
}

static int scan(const struct run *x, const char *path)
{
	const struct yr_ruleset *rs = x->rs;
	uint8_t *res = calloc(rs->nrules + 1, 1), *fres = calloc(rs->nrules + 1, 1);
	const char **why = calloc(rs->nrules + 1, sizeof(*why));
	size_t len;
	char *buf = read_whole(path, MAX_FILE_BYTES, &len);
	const uint8_t *b = (const uint8_t *)buf;
	int rc = 1;

	if (!buf || !res || !fres || !why)
		goto out;
	if (x->mode != FAST &&
	    yr_eval(rs, b, len, x->ext, x->next, res, why) != 0)
		goto out;
	if (x->mode != REFERENCE &&
	    yr_fast_eval(x->f, x->st, b, len, x->ext, x->next, fres, why) != 0)
		goto out;
	print(rs, path, x->mode == FAST ? fres : res, why);
	rc = x->mode == COMPARE ? compare(x, path, b, len, res, fres) : 0;
out:
	free(buf);
	free(res);
	free(fres);
	free(why);
	return rc;
}

int main(int argc, char **argv)
{
	static struct yr_external ext[MAX_EXTERNALS];
	static const char *names[MAX_EXTERNALS];
	struct yr_parse_opts o = { .externals = names };
	struct yr_ruleset rs;
	char err[1024];
	size_t len;
	char *src;
	int i, bad = 0;

	struct run x = { .mode = REFERENCE };

	int verbose = 0, first = 0;

	for (i = 1; i < argc && argv[i][0] == '-' && strchr("f1cv", argv[i][1]) &&
		    argv[i][1] && !argv[i][2]; i++) {
		if (argv[i][1] == 'v')
			verbose = 1;
		else
			x.mode = argv[i][1] == 'c' ? COMPARE : FAST;
		first |= argv[i][1] == '1';
	}
	for (; i + 1 < argc && !strcmp(argv[i], "-d"); i += 2)
		if (o.nexternals < MAX_EXTERNALS) {
			external(&ext[o.nexternals], argv[i + 1]);
			names[o.nexternals] = ext[o.nexternals].name;
			o.nexternals++;
		}
	if (i >= argc || !(src = read_whole(argv[i], MAX_FILE_BYTES, &len))) {
		fprintf(stderr, "usage: yrscan [-f|-1|-c] [-v] [-d NAME=VALUE]... RULES FILE...\n");
		return 2;
	}
	o.file = argv[i];
	memset(&rs, 0, sizeof(rs));
	if (yr_parse(&rs, src, len, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	x.rs = &rs;
	x.ext = ext;
	x.next = o.nexternals;
	if (x.mode != REFERENCE && (yr_fast_build(&rs, &x.f) != 0 ||
				    yr_fast_state_new(x.f, &x.st) != 0)) {
		fprintf(stderr, "yrscan: out of memory\n");
		return 2;
	}
	if (x.st)
		yr_fast_set_first(x.st, first);
	if (verbose && x.f) {
		struct yr_fast_stats fs;

		yr_fast_stats(x.f, &fs);
		fprintf(stderr, "strings %zu, anchored %zu, runs %zu (%zu pairs, %zu waiting; %zu anchors waiting), %zu bytes, %zu wake groups (%zu whole)\n",
			fs.strings, fs.anchored, fs.anchors, fs.pairs, fs.waiting,
			fs.waiting_anchored, fs.bytes, fs.wake_groups,
			fs.wake_whole);
	}
	for (i++; i < argc; i++)
		bad |= scan(&x, argv[i]);
	yr_fast_state_free(x.st);
	yr_fast_free(x.f);
	yr_ruleset_free(&rs);
	free(src);
	return bad;
}
