/*
 * yrfbuild.c -- building the fast matcher (yrfast.h): each string's runs
 * (a text string's every form and xor key, base64's every pattern, a hex
 * string's best run, a regular expression's run of literals in each
 * form) entered into one anchors table, those that get no anchor (fewer
 * than four bytes, NUL and 0xff only) into the pairs (yrpairs.h), or
 * into a second pairs table if they can wait for a long string of their
 * rule (yrdefer.c); a string with a shorter run, or none, is left to the
 * reference matcher over the whole buffer. A string the same as one before it (yrdup.c) has no
 * runs of its own: it shares that one's.
 */
#include <stdlib.h>
#include <string.h>

#include "util/vbuf.h"
#include "yara/yratom.h"
#include "yara/yrfast.h"
#include "yara/yrfast_int.h"
#include "yara/yrgate.h"
#include "yara/yruse.h"
#include "vigil/vigil.h"

struct runs {
	struct yr_run *r;
	uint32_t *str;
	size_t n, cap;
};

static struct yr_run *run_new(struct runs *rs, size_t str)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 256;
		struct yr_run *r = realloc(rs->r, cap * sizeof(*r));
		uint32_t *s = r ? realloc(rs->str, cap * sizeof(*s)) : NULL;

		if (r)
			rs->r = r;
		if (!s)
			return NULL;
		rs->str = s;
		rs->cap = cap;
	}
	rs->str[rs->n] = (uint32_t)str;
	memset(&rs->r[rs->n], 0, sizeof(*rs->r));
	return &rs->r[rs->n++];
}

/* A text string's runs: each form, each key of its xor range. */
static int text_runs(const struct fstr *fs, size_t str, struct runs *rs)
{
	const struct yr_string *s = fs->s;
	int key = s->mods & YM_XOR ? s->xor_min : 0,
	    last = s->mods & YM_XOR ? s->xor_max : 0, wide;
	struct yr_run *r;
	uint32_t k;

	for (; key <= last; key++)
		for (wide = 0; wide < 2; wide++) {
			if (!(fs->forms & (wide ? FS_WIDE : FS_ASCII)))
				continue;
			if (!(r = run_new(rs, str)))
				return VIGIL_ENOMEM;
			for (k = 0; k < s->len && r->len < YR_RUN_MAX; k++) {
				r->b[r->len++] = (uint8_t)(s->value[k] ^ key);
				if (wide)
					r->b[r->len++] = (uint8_t)key;
			}
		}
	return 0;
}

static int b64_runs(struct fstr *fs, size_t str, struct runs *rs)
{
	struct yr_run *r;
	int k, rc;

	if (!(fs->b64 = calloc(1, sizeof(*fs->b64))))
		return VIGIL_ENOMEM;
	rc = yr_b64_patterns(fs->s, fs->b64);
	for (k = 0; k < fs->b64->n && !rc; k++) {
		if (!fs->b64->len[k])
			continue; /* matches nothing */
		if (!(r = run_new(rs, str)))
			return VIGIL_ENOMEM;
		r->len = fs->b64->len[k] < YR_RUN_MAX ?
				 (uint32_t)fs->b64->len[k] : YR_RUN_MAX;
		memcpy(r->b, fs->b64->v[k], r->len);
	}
	return rc;
}

/* The first fixed byte after a hex string's run that lies at a fixed
 * distance from it (only single bytes and jumps of one length between):
 * a run of two bytes common in code (48 8D, FF 15) is found at hundreds
 * of thousands of places, and one byte tested there spares the rest's
 * program at nearly all of them. */
static void rest_probe(struct fstr *fs)
{
	const struct yr_hex_seq *h = &fs->hex;
	uint32_t i, dist = 0;

	fs->rest_at = UINT32_MAX;
	for (i = fs->run_end; i < h->n && dist < 4096; i++) {
		const struct yr_hex_item *it = &h->items[i];

		if (it->kind == YH_JUMP) {
			const struct yr_hex_ext *x = yr_hex_ext(h, it);

			if (x->min != x->max)
				return;
			dist += x->min;
			continue;
		}
		if (it->kind != YH_BYTE)
			return;
		if (it->mask == 0xff && !it->neg) {
			fs->rest_at = dist;
			fs->rest_val = it->val;
			return;
		}
		dist++;
	}
}

/* 1 if the string has a run, 0 if not (the reference matches it), or
 * VIGIL_ENOMEM. */
static int hex_runs(struct fstr *fs, size_t str, struct runs *rs)
{
	struct yr_run run, gap, *r;
	int rc = yr_hex_compile(fs->s->value, fs->s->len, &fs->hex);

	if (rc)
		return rc == -1 ? 0 : rc;
	fs->have_hex = 1;
	rc = yr_hex_run(&fs->hex, &run);
	if ((rc < 0 || run.len < 4) && yr_hex_gapped(&fs->hex, &gap) == 0) {
		run = gap;
		rc = 0;
	}
	if (rc < 0)
		return 0;
	if (!(r = run_new(rs, str)))
		return VIGIL_ENOMEM;
	*r = run;
	fs->run_at = run.at;
	fs->run_end = run.end;
	rest_probe(fs);
	return 1;
}

/* Branches of a regex looked for one by one at most. */
#define YR_REGEX_RUNS 64

/* For a run that may lie anywhere in a match, and begins at a known
 * place of the regex: the rest of the regex from there, anchored, which
 * must match where the run is found before the whole buffer is searched.
 * 0, or VIGIL_ENOMEM (a tail PCRE2 refuses is none). */
static int tail(struct fstr *fs, const struct yr_run *run, int wide)
{
	struct yr_string t = *fs->s;
	int nomem;

	if (run->omax != UINT32_MAX || run->at == UINT32_MAX ||
	    run->at >= t.len)
		return 0;
	t.value += run->at;
	t.len -= run->at;
	if ((fs->tail[wide] = yr_regex_code(&t, wide, 1, &nomem)) != NULL)
		pcre2_jit_compile(fs->tail[wide], PCRE2_JIT_COMPLETE);
	return nomem ? VIGIL_ENOMEM : 0;
}

/* Each form's code, whole and anchored, compiled (with the JIT) before
 * its runs are looked for: a form without runs is matched over every
 * buffer with it. 1, 0 if one did not compile, or VIGIL_ENOMEM. */
static int regex_code(struct fstr *fs)
{
	int wide, nomem;

	for (wide = 0; wide < 2; wide++) {
		if (!(fs->forms & (wide ? FS_WIDE : FS_ASCII)))
			continue;
		if (!(fs->re[wide] = yr_regex_code(fs->s, wide, 0, &nomem)) ||
		    !(fs->at[wide] = yr_regex_code(fs->s, wide, 1, &nomem)))
			return nomem ? VIGIL_ENOMEM : 0;
		pcre2_jit_compile(fs->re[wide], PCRE2_JIT_COMPLETE);
		pcre2_jit_compile(fs->at[wide], PCRE2_JIT_COMPLETE);
	}
	return 1;
}

static int regex_runs(struct fstr *fs, size_t str, struct runs *rs)
{
	struct yr_run runs[YR_REGEX_RUNS], *r;
	size_t nr, k;
	int wide, rc = regex_code(fs);

	if (rc <= 0)
		return rc;
	for (wide = 0; wide < 2; wide++) {
		if (!(fs->forms & (wide ? FS_WIDE : FS_ASCII)))
			continue;
		nr = yr_regex_runs(fs->s->value, fs->s->len, wide, runs,
				   YR_REGEX_RUNS);
		if (!nr)
			return 0;
		if (nr == 1 && tail(fs, &runs[0], wide) < 0)
			return VIGIL_ENOMEM;
		for (k = 0; k < nr; k++) {
			if (!(r = run_new(rs, str)))
				return VIGIL_ENOMEM;
			*r = runs[k];
		}
	}
	return 1;
}

/* The string's runs: 0, or VIGIL_ENOMEM. fs->how says whether it has
 * them (runs entered for a string left FS_ALWAYS are ignored). */
static int string_runs(struct fstr *fs, size_t str, struct runs *rs)
{
	const struct yr_string *s = fs->s;
	int rc;

	fs->forms = (!(s->mods & YM_WIDE) || (s->mods & YM_ASCII) ? FS_ASCII : 0) |
		    (s->mods & YM_WIDE ? FS_WIDE : 0);
	fs->how = FS_ANCHORED;
	if (s->mods & (YM_BASE64 | YM_BASE64WIDE))
		rc = b64_runs(fs, str, rs);
	else if (s->kind == YS_TEXT)
		rc = text_runs(fs, str, rs);
	else if ((rc = s->kind == YS_HEX ? hex_runs(fs, str, rs) :
					    regex_runs(fs, str, rs)) >= 0) {
		fs->how = rc ? FS_ANCHORED : FS_ALWAYS;
		rc = 0;
	}
	return rc;
}

static int nocase(const struct yr_string *s)
{
	return (s->mods & YM_NOCASE) ||
	       (s->kind == YS_REGEX && (s->re_flags & YR_RE_NOCASE));
}

/* The runs that got no anchor: their strings slow (1), a string with a
 * run too short for the pairs left FS_ALWAYS (2). */
static void mark_short(struct yr_fast *f, const struct runs *rs,
		       const uint8_t *has)
{
	for (size_t k = 0; k < rs->n; k++) {
		struct fstr *fs = &f->str[rs->str[k]];

		if (has[k])
			continue;
		f->slow[rs->str[k]] = 1;
		if (rs->r[k].len < 2)
			fs->how = FS_ALWAYS;
	}
}

/* The anchored strings with a run whose key is of four bytes (four[k]
 * of run k, from anchors_four_runs()): the least rare's. */
static void mark_four(struct yr_fast *f, const struct runs *rs,
		      const int8_t *four)
{
	for (size_t k = 0; k < rs->n; k++) {
		uint8_t *w = &f->four[rs->str[k]];

		if (four[k] > 0 && f->str[rs->str[k]].how == FS_ANCHORED &&
		    (!*w || *w > four[k]))
			*w = (uint8_t)four[k];
	}
}

/* 1 if the rules of string k and of every string the same (yrdup.c)
 * have the gate term. */
static int group_gated(const struct yr_fast *f, const uint8_t *gated,
		       const uint32_t *rule, uint32_t k)
{
	for (; k != YR_NO_DUP; k = f->dup_next[k])
		if (!gated[rule[k]])
			return 0;
	return 1;
}

/* The wake group of string s, which waits. */
static uint32_t group_of(const struct yr_fast *f, uint32_t s)
{
	return f->wake_group[f->rule_of[s]];
}

/* The runs that got no anchor (has[] 0) and wait (lazy) or not, into pr:
 * how many; with gated, only those of strings some rule of which it
 * leaves out (group_gated()). */
static size_t pair_runs(const struct yr_fast *f, const struct runs *rs,
			const uint8_t *has, int lazy, const uint8_t *gated,
			struct yr_pair_run *pr)
{
	size_t k, n = 0;

	for (k = 0; k < rs->n; k++) {
		const struct yr_run *r = &rs->r[k];
		uint32_t s = rs->str[k];

		if (has[k] || r->len < 2 || f->wait[s] != lazy ||
		    (gated && group_gated(f, gated, f->rule_of, s)))
			continue;
		pr[n++] = (struct yr_pair_run){ r->b, r->len, (uint32_t)k,
						r->omin, r->omax,
						nocase(f->str[s].s) };
	}
	return n;
}

/* The runs that got no anchor, to the pairs: those of strings that wait
 * (yrdefer.c) to the lazy table, the others to the pairs. */
static int enter_pairs(struct yr_fast *f, const struct runs *rs,
		       const int8_t *four, const uint8_t *has)
{
	struct yr_pair_run *pr = calloc(rs->n + 1, sizeof(*pr));
	int rc;

	if (!pr || !(f->slow = calloc(f->nstr + 1, 1)) ||
	    !(f->four = calloc(f->nstr + 1, 1))) {
		free(pr);
		return VIGIL_ENOMEM;
	}
	mark_short(f, rs, has);
	mark_four(f, rs, four);
	if ((rc = yr_fast_defer(f)) == 0) {
		f->npairs = pair_runs(f, rs, has, 0, NULL, pr);
		rc = yr_pairs_build(pr, f->npairs, &f->pairs);
	}
	if (!rc) {
		f->nlazy = pair_runs(f, rs, has, 1, NULL, pr);
		rc = yr_pairs_build(pr, f->nlazy, &f->lazy);
	}
	for (size_t k = 0; k < f->nlazy && !rc; k++)
		f->wake_how[group_of(f, rs->str[pr[k].id])] |= WAKE_PAIRS;
	free(pr);
	return rc;
}

/* The gate term (yrgate.h) that the rules of most of the n runs have: its
 * index, or UINT32_MAX if those are fewer than three in four of the runs
 * (a table of the rest costs memory and, unless few are left, saves
 * little: the first test costs the same at every place however many keys
 * it holds) or there is no memory to count them (then the whole table
 * serves every buffer). */
static uint32_t common_gate(const struct yr_fast *f, const uint32_t *rule,
			    const uint32_t *str, size_t n)
{
	size_t *per_rule = calloc(f->rs->nrules + 1, sizeof(size_t));
	size_t *per_term = calloc(f->nterms + 1, sizeof(size_t)), g, k;
	uint32_t best = UINT32_MAX;

	for (k = 0; per_rule && per_term && k < n; k++)
		per_rule[rule[str[k]]]++;
	for (g = 0; per_rule && per_term && g < f->ngates; g++)
		per_term[f->gate_term[g]] += per_rule[f->gate_rule[g]];
	for (g = 0; per_rule && per_term && g < f->nterms; g++)
		if (per_term[g] * 5 >= n * 2 && n &&
		    (best == UINT32_MAX || per_term[g] > per_term[best]))
			best = (uint32_t)g;
	free(per_rule);
	free(per_term);
	return best;
}

/*
 * Most public rules are for PE files ("uint16(0) == 0x5a4d and ...": 1,197
 * of reversinglabs' 1,204 rules, 3,258 of signature-base's 5,026): where
 * a gate term holds for the rules of many anchored runs, a second table
 * holds the anchors of the other rules' runs alone, and a buffer the term
 * is false over is scanned with it (yrfast.c): the rules it leaves out are
 * dead there in any case (gate()), and their keys no longer pass the
 * first test to be looked up and answered so. reversinglabs over
 * bench/yara.py's corpus (binaries of this system, text, random data; no
 * PE file), one thread, whole runs of vigil yara: 97-107 ms -> 75-77 ms
 * (its rules' compile 38 of them); bench/yara.py's scan 0.055 s -> 0.037
 * s, 15.5x yara's. A term of two runs in five is enough: signature-
 * base's "MZ" gates 9,745 of the 22,991 runs in its table (the others
 * wait), and split there its scan took 0.1606 -> 0.1476 s (best of eight
 * passes in one process, three rounds alternating), its compile 0.9 MiB
 * more; split at elastic's most common term, of a quarter of its runs,
 * the scan was slower (0.0858 -> 0.0886 s).
 */
/* The pairs of the rules split_anchors() keeps (gated[] of the others):
 * built where it leaves a run out. Signature-base's "H\x8d" (IMPLANT_2_v10,
 * a rule for PE files) is in every few hundred bytes of x86-64 code, and
 * each was verified in every ELF file of bench/yara.py's corpus. */
static int split_pairs(struct yr_fast *f, const struct runs *rs,
		       const uint8_t *anchored, const uint8_t *gated)
{
	struct yr_pair_run *pr = calloc(rs->n + 1, sizeof(*pr));
	size_t n;
	int rc = 0;

	if (!pr)
		return VIGIL_ENOMEM;
	n = pair_runs(f, rs, anchored, 0, gated, pr);
	if (n < f->npairs &&
	    (rc = yr_pairs_build(pr, n, &f->ungated_pairs)) == 0)
		f->has_split_pairs = 1;
	free(pr);
	return rc;
}

static int split_anchors(struct yr_fast *f, const struct anchor_run *ar,
			 const uint32_t *str, size_t n, const struct runs *rs,
			 const uint8_t *anchored)
{
	const uint32_t *rule = f->rule_of;
	uint32_t term;
	uint8_t *gated = calloc(f->rs->nrules + 1, 1), *has = calloc(n + 1, 1);
	struct anchor_run *sub = calloc(n + 1, sizeof(*sub));
	size_t g, k, m = 0;
	int rc = gated && has && sub ? 0 : VIGIL_ENOMEM;

	term = rc ? UINT32_MAX : common_gate(f, rule, str, n);
	for (g = 0; term != UINT32_MAX && g < f->ngates; g++)
		if (f->gate_term[g] == term)
			gated[f->gate_rule[g]] = 1;
	for (k = 0; term != UINT32_MAX && k < n; k++)
		if (!group_gated(f, gated, rule, str[k]))
			sub[m++] = ar[k];
	if (term != UINT32_MAX &&
	    (rc = anchors_build_runs(sub, m, has, &f->ungated)) == 0) {
		f->split_term = term;
		f->has_split = 1;
		rc = split_pairs(f, rs, anchored, gated);
	}
	free(gated);
	free(has);
	free(sub);
	return rc;
}

/*
 * Each wake group's table (yrdefer.c): of the nl runs of lazy (of strings
 * str), those with an anchor (anchored[], by run id; the others are the
 * pairs'), by group, each group's into a table of its own, so that a rule
 * that may be true wakes its own strings only (yrfast.c's wake()). A
 * group with a run its table gave no anchor (a narrow table's keys are
 * of four bytes) is WAKE_WHOLE instead.
 */
static int wake_tables(struct yr_fast *f, const struct anchor_run *lazy,
		       const uint32_t *str, size_t nl, const uint8_t *anchored)
{
	size_t ng = f->ngroups, *at = calloc(ng + 1, sizeof(*at)), g, k;
	struct anchor_run *by = calloc(nl + 1, sizeof(*by));
	uint8_t *has = calloc(nl + 1, 1);
	int rc = at && by && has ? 0 : VIGIL_ENOMEM;

	f->wake_tab = calloc(ng + 1, sizeof(*f->wake_tab));
	if (!f->wake_tab)
		rc = VIGIL_ENOMEM;
	for (k = 0; k < nl && !rc; k++)
		at[group_of(f, str[k]) + 1] += anchored[lazy[k].id];
	for (g = 1; g <= ng && !rc; g++)
		at[g] += at[g - 1];
	for (k = 0; k < nl && !rc; k++)
		if (anchored[lazy[k].id])
			by[at[group_of(f, str[k])]++] = lazy[k];
	for (g = 0; g < ng && !rc; g++) { /* at[g]: the end of group g's */
		size_t from = g ? at[g - 1] : 0, m = at[g] - from;

		if (!m || (rc = anchors_build_small(by + from, m, has + from,
						    &f->wake_tab[g])) != 0)
			continue;
		if (memchr(has + from, 0, m))
			f->wake_how[g] |= WAKE_WHOLE;
	}
	free(at);
	free(by);
	free(has);
	return rc;
}

/* The anchors: of the runs of strings that wait, the lazy table's and
 * their groups'; of the others, the table's (*ar and *str then hold those
 * others, *n of them, for split_anchors()). anchored[]: per run id, 1 if
 * it has an anchor (the others are the pairs'). */
static int enter_anchors(struct yr_fast *f, struct anchor_run *ar,
			 uint32_t *str, size_t *n, const uint8_t *anchored)
{
	struct anchor_run *lazy = calloc(*n + 1, sizeof(*lazy));
	uint32_t *lazy_str = calloc(*n + 1, sizeof(*lazy_str));
	uint8_t *has = calloc(*n + 1, 1); /* known: has[] of the caller */
	size_t k, kept = 0, nl = 0;
	int rc = lazy && lazy_str && has ? 0 : VIGIL_ENOMEM;

	for (k = 0; k < *n && !rc; k++) {
		if (f->wait[str[k]]) {
			lazy_str[nl] = str[k];
			lazy[nl++] = ar[k];
			continue;
		}
		str[kept] = str[k];
		ar[kept++] = ar[k];
	}
	if (!rc)
		rc = anchors_build_runs(ar, kept, has, &f->anchors);
	if (!rc && nl)
		rc = anchors_build_runs(lazy, nl, has, &f->lazy_anchors);
	if (!rc && nl)
		rc = wake_tables(f, lazy, lazy_str, nl, anchored);
	f->nlazy_anchors = f->lazy_anchors.n[0] + f->lazy_anchors.n[1];
	*n = kept;
	free(lazy);
	free(lazy_str);
	free(has);
	return rc;
}

/* Every string's runs, then the anchors of all, and the pairs of those
 * that got none: a string with a run too short for either (one byte, or
 * none) is FS_ALWAYS. */
static int enter_runs(struct yr_fast *f)
{
	struct runs rs = { 0 };
	struct anchor_run *ar = NULL;
	uint8_t *has = NULL;
	uint32_t *str = NULL;
	int8_t *four = NULL;
	size_t k, n;
	int rc = 0;

	for (k = 0; k < f->nstr && !rc; k++)
		if (f->canon[k] == k) /* the others share its runs */
			rc = string_runs(&f->str[k], k, &rs);
	if (!rc && (!(ar = calloc(rs.n + 1, sizeof(*ar))) ||
		    !(has = calloc(rs.n + 1, 1)) ||
		    !(four = calloc(rs.n + 1, 1)) ||
		    !(str = calloc(rs.n + 1, sizeof(*str)))))
		rc = VIGIL_ENOMEM;
	for (k = 0; k < rs.n && !rc; k++)
		ar[k] = (struct anchor_run){ rs.r[k].b, rs.r[k].len, (uint32_t)k,
					     rs.r[k].omin, rs.r[k].omax,
					     rs.r[k].around, rs.r[k].gap,
					     rs.r[k].gap_mask,
					     rs.r[k].gap_val };
	if (!rc)
		anchors_four_runs(ar, rs.n, four);
	for (k = 0; k < rs.n && !rc; k++)
		has[k] = four[k] >= 0;
	if (!rc)
		rc = enter_pairs(f, &rs, four, has);
	free(four);
	four = NULL;
	if (!rc) {
		for (n = 0; n < rs.n; n++)
			str[n] = rs.str[n];
		rc = enter_anchors(f, ar, str, &n, has);
	}
	if (!rc)
		rc = split_anchors(f, ar, str, n, &rs, has);
	for (k = 0; k < f->nstr; k++) {
		struct fstr *fs = &f->str[k];

		if (f->canon[k] != k) {
			fs->how = f->str[f->canon[k]].how;
			fs->forms = f->str[f->canon[k]].forms;
			if (f->slow)
				f->slow[k] = f->slow[f->canon[k]];
		}
		if (fs->how == FS_ALWAYS && f->slow)
			f->slow[k] = 2;
		f->how[k] = fs->how | (fs->how == FS_ANCHORED && fs->have_hex &&
				       fs->run_end < fs->hex.n ? FS_REST : 0);
		f->nanchored += f->str[k].how == FS_ANCHORED;
	}
	f->run_str = rs.str;
	f->nruns = rs.n;
	if (!rc && !(f->run_omin = calloc(rs.n + 1, sizeof(*f->run_omin))))
		rc = VIGIL_ENOMEM;
	for (k = 0; k < rs.n && !rc; k++)
		f->run_omin[k] = rs.r[k].omin;
	free(rs.r);
	free(ar);
	free(has);
	free(four);
	free(str);
	return rc;
}

/* A literal integer of at least min. */
static int at_least(const struct yr_node *n, int64_t min)
{
	return n && n->kind == YN_INT && n->i >= min;
}

/* 1 if condition n (of a rule with strings) can be true only when one of
 * the rule's strings matched: a string, "any/all/N of" strings, a count
 * compared to be positive, and of such, or of two such. Anything else
 * (not, loops, rules, modules...) may be true without: 0. */
static int needs_match(const struct yr_node *n)
{
	if (!n)
		return 0;
	switch (n->kind) {
	case YN_STR:
		return *n->s != 0; /* not a loop's "$" */
	case YN_OF:
		return n->b->kind == YN_SET &&
		       (n->a->op == YK_ANY || n->a->op == YK_ALL ||
			(n->a->op != YK_NONE && at_least(n->a->a, 1)));
	case YN_BINARY:
		if (n->op == YK_AND)
			return needs_match(n->a) || needs_match(n->b);
		if (n->op == YK_OR)
			return needs_match(n->a) && needs_match(n->b);
		return n->a->kind == YN_COUNT &&
		       ((n->op == YT_GT && at_least(n->b, 0)) ||
			((n->op == YT_GE || n->op == YT_EQ) && at_least(n->b, 1)));
	default:
		return 0;
	}
}

/* Per string, how its rule's condition reads it (yruse.h). */
static int uses(struct yr_fast *f)
{
	if (!(f->use = calloc(f->nstr + 1, 1)))
		return VIGIL_ENOMEM;
	for (size_t r = 0; r < f->rs->nrules; r++)
		yr_strings_use(&f->rs->rules[r], f->use + f->first[r]);
	return 0;
}

/* Per rule: whether it is false while none of its strings has a run
 * found (none left to the whole buffer, its condition needing a match),
 * and which passes (FS_ANCHORED, FS_PAIRS) its strings need. */
static int skippable(struct yr_fast *f)
{
	const struct yr_ruleset *rs = f->rs;
	size_t r, k;

	if (!(f->needs = calloc(rs->nrules + 1, 1)) ||
	    !(f->maybe = calloc(rs->nrules / 64 + 1, 8)) ||
	    !(f->global = calloc(rs->nrules / 64 + 1, 8)) ||
	    !(f->passing[0] = calloc(rs->nrules / 64 + 1, 8)) ||
	    !(f->passing[1] = calloc(rs->nrules / 64 + 1, 8)))
		return VIGIL_ENOMEM;
	for (r = 0; r < rs->nrules; r++) {
		int ok = rs->rules[r].nstrings && needs_match(rs->rules[r].cond);
		unsigned passes = 0;

		for (k = f->first[r]; k < f->first[r + 1]; k++) {
			ok &= (f->how[k] & ~FS_REST) == FS_ANCHORED;
			passes |= (f->how[k] & FS_ANCHORED) |
				  (f->slow[k] == 1 && !f->wait[f->canon[k]] ?
					   FS_PAIRS : 0u);
		}
		f->needs[r] = (uint8_t)ok;
		f->all_passes |= passes;
		f->passing[0][r / 64] |= (uint64_t)!!(passes & FS_ANCHORED)
					 << r % 64;
		f->passing[1][r / 64] |= (uint64_t)!!(passes & FS_PAIRS)
					 << r % 64;
		if (rs->rules[r].flags & YR_RULE_GLOBAL)
			f->global[r / 64] |= 1ull << r % 64;
		if (!ok || (rs->rules[r].flags & YR_RULE_GLOBAL))
			f->maybe[r / 64] |= 1ull << r % 64;
	}
	return 0;
}

#define GATES_PER_RULE 8
#define TERM_KEY 512 /* bytes: a longer term is tested alone */

/* The terms seen so far by their keys (yr_term_key()), in an open table:
 * each unique term's key at keys.data + off[term]. */
struct terms {
	struct vbuf keys;
	size_t *off, *klen;
	uint32_t *slot;			/* term + 1, or 0: empty */
	size_t mask;
};

/* Term n's index among f's unique terms, entered if new; UINT32_MAX if
 * memory ran out. */
static uint32_t term_of(struct yr_fast *f, struct terms *t,
			const struct yr_node *n)
{
	uint8_t k[TERM_KEY];
	size_t len = yr_term_key(n, k, sizeof(k)), i;

	for (i = len ? yr_hash(k, len) & t->mask : 0; len && t->slot[i];
	     i = (i + 1) & t->mask) {
		uint32_t u = t->slot[i] - 1;

		if (t->klen[u] == len &&
		    !memcmp((uint8_t *)t->keys.data + t->off[u], k, len))
			return u;
	}
	t->off[f->nterms] = t->keys.len;
	t->klen[f->nterms] = len;
	if (len && vbuf_append(&t->keys, k, len) != 0)
		return UINT32_MAX;
	if (len)
		t->slot[i] = (uint32_t)f->nterms + 1;
	f->term[f->nterms] = n;
	return (uint32_t)f->nterms++;
}

/* The gates again by term (a counting sort), each term's rules as the
 * words of their bits: a buffer's false terms give the rules dead there
 * without a walk of every gate (signature-base: 7,058 gates of 477 terms,
 * most of them true over most files), a word at a time: its 3,258 rules
 * for "uint16(0) == 0x5a4d" are 79 words. Marked a rule at a time, the
 * dead rules were 15 us of each file's 80 (3,000 files of 16-200 random
 * bytes: CPU 0.262 -> 0.216 s beside the compile, medians of eight).
 * The gates are in the order of their rules. */
static int by_term(struct yr_fast *f)
{
	uint32_t *fill = calloc(f->nterms + 1, sizeof(*fill)), last, w;
	size_t g, t, at;

	f->term_start = calloc(f->nterms + 1, sizeof(*f->term_start));
	f->term_word = calloc(f->ngates + 1, sizeof(*f->term_word));
	f->term_mask = calloc(f->ngates + 1, sizeof(*f->term_mask));
	if (!fill || !f->term_start || !f->term_word || !f->term_mask) {
		free(fill);
		return VIGIL_ENOMEM;
	}
	for (g = 0; g < f->ngates; g++) { /* fill: a term's last word + 1 */
		t = f->gate_term[g];
		w = f->gate_rule[g] / 64 + 1;
		f->term_start[t + 1] += fill[t] != w;
		fill[t] = w;
	}
	for (t = 1; t <= f->nterms; t++)
		f->term_start[t] += f->term_start[t - 1];
	memset(fill, 0, (f->nterms + 1) * sizeof(*fill));
	for (g = 0; g < f->ngates; g++) {
		t = f->gate_term[g];
		w = f->gate_rule[g] / 64;
		at = f->term_start[t] + fill[t];
		last = fill[t] ? f->term_word[at - 1] : UINT32_MAX;
		if (last != w) {
			f->term_word[at++] = w;
			fill[t]++;
		}
		f->term_mask[at - 1] |= 1ull << f->gate_rule[g] % 64;
	}
	free(fill);
	return 0;
}

/* The rules' terms testable before their strings (yrgate.h), each term
 * that many rules share tested once. */
static int gates(struct yr_fast *f)
{
	const struct yr_ruleset *rs = f->rs;
	size_t r, n, max = rs->nrules * GATES_PER_RULE + 1, size = 2;
	const struct yr_node *g[GATES_PER_RULE];
	struct terms t = { .mask = 0 };
	int rc = 0;

	while (size < 2 * max)
		size *= 2;
	t.mask = size - 1;
	f->term = calloc(max, sizeof(*f->term));
	f->gate_term = calloc(max, sizeof(*f->gate_term));
	f->gate_rule = calloc(max, sizeof(*f->gate_rule));
	t.off = calloc(max, sizeof(*t.off));
	t.klen = calloc(max, sizeof(*t.klen));
	t.slot = calloc(size, sizeof(*t.slot));
	if (!f->term || !f->gate_term || !f->gate_rule || !t.off || !t.klen ||
	    !t.slot)
		rc = VIGIL_ENOMEM;
	for (r = 0; r < rs->nrules && !rc; r++)
		for (n = yr_rule_gates(&rs->rules[r], g, GATES_PER_RULE);
		     n-- && !rc;) {
			uint32_t u = term_of(f, &t, g[n]);

			if (u == UINT32_MAX)
				rc = VIGIL_ENOMEM;
			f->gate_term[f->ngates] = u;
			f->gate_rule[f->ngates++] = (uint32_t)r;
		}
	vbuf_free(&t.keys);
	free(t.off);
	free(t.klen);
	free(t.slot);
	return rc ? rc : by_term(f);
}

int yr_fast_build(const struct yr_ruleset *rs, struct yr_fast **out)
{
	struct yr_fast *f = calloc(1, sizeof(*f));
	size_t r, k, n = 0;
	int rc;

	*out = NULL;
	if (!f)
		return VIGIL_ENOMEM;
	f->rs = rs;
	for (r = 0; r < rs->nrules; r++)
		n += rs->rules[r].nstrings;
	f->str = calloc(n + 1, sizeof(*f->str));
	f->how = calloc(n + 1, 1);
	f->first = calloc(rs->nrules + 1, sizeof(*f->first));
	f->rule_of = calloc(n + 1, sizeof(*f->rule_of));
	if (!f->str || !f->how || !f->first || !f->rule_of) {
		yr_fast_free(f);
		return VIGIL_ENOMEM;
	}
	for (r = 0; r < rs->nrules; r++) {
		f->first[r] = f->nstr;
		for (k = 0; k < rs->rules[r].nstrings; k++) {
			f->rule_of[f->nstr] = (uint32_t)r;
			f->str[f->nstr++].s = &rs->rules[r].strings[k];
		}
	}
	f->first[rs->nrules] = f->nstr;
	if ((rc = gates(f)) != 0 || (rc = uses(f)) != 0 ||
	    (rc = yr_fast_group(f)) != 0 || (rc = enter_runs(f)) != 0 ||
	    (rc = skippable(f)) != 0) {
		yr_fast_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void yr_fast_free(struct yr_fast *f)
{
	size_t k;

	if (!f)
		return;
	for (k = 0; k < f->nstr; k++) {
		struct fstr *fs = &f->str[k];

		if (!fs->s) /* never filled: the build ran out of memory */
			continue;
		if (fs->s->kind == YS_HEX && fs->have_hex) {
			yr_hex_free(&fs->hex);
		} else if (fs->s->kind == YS_REGEX) {
			for (int w = 0; w < 2; w++) {
				pcre2_code_free(fs->re[w]);
				pcre2_code_free(fs->at[w]);
				pcre2_code_free(fs->tail[w]);
			}
		} else if (fs->s->kind == YS_TEXT && fs->b64) {
			yr_b64_free(fs->b64);
			free(fs->b64);
		}
	}
	anchors_free(&f->anchors);
	anchors_free(&f->ungated);
	yr_pairs_free(&f->pairs);
	yr_pairs_free(&f->ungated_pairs);
	yr_pairs_free(&f->lazy);
	anchors_free(&f->lazy_anchors);
	free(f->four);
	free(f->wait);
	free(f->lazy_in);
	free(f->wake_group);
	for (size_t g = 0; f->wake_tab && g < f->ngroups; g++)
		anchors_free(&f->wake_tab[g]);
	free(f->wake_tab);
	free(f->wake_how);
	free(f->defers);
	free(f->str);
	free(f->how);
	free(f->needs);
	free(f->use);
	free(f->passing[0]);
	free(f->passing[1]);
	free(f->term);
	free(f->gate_term);
	free(f->gate_rule);
	free(f->term_start);
	free(f->term_word);
	free(f->term_mask);
	free(f->slow);
	free(f->rule_of);
	free(f->first);
	free(f->run_str);
	free(f->run_omin);
	free(f->canon);
	free(f->dup_next);
	free(f->maybe);
	free(f->global);
	free(f);
}

int yr_fast_slow(const struct yr_fast *f, size_t rule, size_t k)
{
	return f->slow ? f->slow[f->first[rule] + k] : 0;
}

/* The wake groups' tables (wake_tables()). */
static size_t wake_bytes(const struct yr_fast *f)
{
	size_t n = 0;

	for (size_t g = 0; f->wake_tab && g < f->ngroups; g++)
		n += sizeof(struct anchors) + f->wake_tab[g].bytes;
	return n;
}

void yr_fast_stats(const struct yr_fast *f, struct yr_fast_stats *out)
{
	out->strings = f->nstr;
	out->anchored = f->nanchored;
	out->anchors = f->nruns;
	out->pairs = f->npairs + f->nlazy;
	out->waiting = f->nlazy;
	out->waiting_anchored = f->nlazy_anchors;
	out->wake_groups = f->ngroups;
	out->wake_whole = 0;
	for (size_t g = 0; f->wake_how && g < f->ngroups; g++)
		out->wake_whole += (f->wake_how[g] & WAKE_WHOLE) != 0;
	out->bytes = f->anchors.bytes + f->lazy_anchors.bytes +
		     f->ungated.bytes + wake_bytes(f) +
		     (2 + f->has_split_pairs) * (sizeof(f->pairs) +
						 65537 * sizeof(uint32_t)) +
		     (f->pairs.n + f->ungated_pairs.n + f->lazy.n) *
			     (sizeof(struct anchor) + 1);
}
