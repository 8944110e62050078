/*
 * fuzz_yrparse.c -- libFuzzer target for the YARA rule parser
 * (src/lib/yara/): any input either reads, with every rule holding a
 * condition and every string used (and every regex's wide form made or
 * refused, yrwide.c), or gives an error that names its place; nothing is
 * read outside the input. Rules that read are built into the fast matcher
 * (its runs of a string's bytes, yratom.c, read from the same text) and
 * run over the input itself, which holds their strings, beside the
 * reference matcher: the same results, every string at the same offsets
 * (but a false rule's that waited for a long string: yr_fast_unsearched);
 * and the same results where it lists no matches (strings matched when
 * first read, rules with a false integer term passed over, a first match
 * enough, "$ at x" tested at x: yr_fast_set_first).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yara/yreval.h"
#include "yara/yrfast.h"
#include "yara/yrmatch.h"
#include "yara/yrparse.h"
#include "yara/yrwide.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rule r's strings as both matchers found them. */
static void same_strings(const struct yr_rule *rule, size_t r,
			 const struct yr_fast_state *st, int truth,
			 const uint8_t *data, size_t size)
{
	const struct yr_matches *fast = yr_fast_matches(st, r);
	struct yr_matches ref = { 0 };
	const char *why;
	size_t i;

	for (i = 0; i < rule->nstrings; i++)
		if (!(truth == YR_RULE_FALSE && yr_fast_unsearched(st, r, i)) &&
		    yr_match_string(&rule->strings[i], data, size, &ref, &why) ==
			    0 &&
		    (ref.n != fast[i].n ||
		     (ref.n && memcmp(ref.m, fast[i].m, ref.n * sizeof(*ref.m)))))
			abort();
	yr_matches_free(&ref);
}

/* The fast matcher against the reference over the input itself. */
static void both(const struct yr_ruleset *rs, const uint8_t *data,
		 size_t size)
{
	uint8_t *res = calloc(rs->nrules + 1, 1), *fres = calloc(rs->nrules + 1, 1);
	uint8_t *fres1 = calloc(rs->nrules + 1, 1);
	struct yr_fast *f = NULL;
	struct yr_fast_state *st = NULL, *st1 = NULL;
	size_t r;

	if (!res || !fres || !fres1 || yr_fast_build(rs, &f) != 0 ||
	    yr_fast_state_new(f, &st) != 0 || yr_fast_state_new(f, &st1) != 0)
		abort(); /* no allocation fails at these sizes */
	yr_fast_set_first(st1, 1);
	if (yr_eval(rs, data, size, NULL, 0, res, NULL) != 0 ||
	    yr_fast_eval(f, st, data, size, NULL, 0, fres, NULL) != 0 ||
	    yr_fast_eval(f, st1, data, size, NULL, 0, fres1, NULL) != 0)
		abort();
	for (r = 0; r < rs->nrules; r++) {
		/* listing nothing, a rule the reference decides is decided
		 * the same (a string it never needs may then not reach a
		 * limit) */
		if (res[r] <= YR_RULE_TRUE && fres1[r] != YR_RULE_LIMIT &&
		    fres1[r] != res[r])
			abort();
		if (res[r] == YR_RULE_LIMIT || fres[r] == YR_RULE_LIMIT ||
		    (res[r] == YR_RULE_UNSUPPORTED && fres[r] == YR_RULE_FALSE))
			continue; /* limits differ; known false before a module */
		if (res[r] != fres[r])
			abort();
		if (res[r] <= YR_RULE_TRUE)
			same_strings(&rs->rules[r], r, st, res[r], data, size);
	}
	yr_fast_state_free(st);
	yr_fast_state_free(st1);
	yr_fast_free(f);
	free(res);
	free(fres);
	free(fres1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ext[] = { "filename" };
	struct yr_parse_opts o = { .file = "f.yar", .externals = ext,
				  .nexternals = 1 };
	struct yr_ruleset rs;
	char err[512];
	size_t i, k;
	int rc;

	memset(&rs, 0, sizeof(rs));
	rc = yr_parse(&rs, (const char *)data, size, &o, err, sizeof(err));
	if (rc == 0) {
		for (i = 0; i < rs.nrules; i++) {
			if (!rs.rules[i].cond || !rs.rules[i].name)
				abort();
			for (k = 0; k < rs.rules[i].nstrings; k++) {
				const struct yr_string *st = &rs.rules[i].strings[k];
				struct vbuf w = { 0 };

				if (!st->used)
					abort();
				/* a regex's wide form: made, or refused */
				if (st->kind == YS_REGEX &&
				    yr_regex_source(st->value, st->len, 1, &w) == 0 &&
				    w.data[w.len - 1] != 0)
					abort();
				vbuf_free(&w);
			}
		}
		both(&rs, data, size);
	} else if (rc == -1 && strncmp(err, "f.yar:", 6)) {
		abort();
	}
	yr_ruleset_free(&rs);
	return 0;
}
