/*
 * yrdefer.c -- short runs that can wait. A string whose run is two or
 * three bytes (x86 code between wildcards in a hex string) is found by
 * the pairs (yrpairs.h), a pass over every byte of every buffer that
 * many places pass: elastic's rules hold 28 such runs and signature-base's
 * 95, and the pass took a quarter of either's scan. Most rules holding
 * one also need a longer string ("all of them", "$a and $b", "4 of them"
 * over seven strings, three short): their condition is false while none
 * of their long strings (every run anchored) is found, whatever the short
 * ones match. Such a rule's short runs go into a second table, passed over
 * a buffer only once one of those long strings is found there (yrfast.c's
 * wake()); a run that several rules share (yrdup.c) waits only if every
 * one of them can.
 *
 * A string whose anchor is a key of four bytes waits the same way (for
 * a string of its rule with a key of eight; a weak key, for any other:
 * choose_lazy()), all its runs in a second anchors table: keys of four
 * bytes are tested at every place, and a weak key (x86 code, a word) is
 * met at a place in a few thousand, its lookups most of signature-base's
 * (497,153 of 688,762 lookups of four-byte keys), each a few dependent
 * loads and a branch that mispredicts.
 *
 * The rules that wait fall into wake groups (joined where they share a
 * string that waits), each group's runs of four-byte keys in a table of
 * its own: a rule that may be true wakes its own group's strings, not
 * every rule's (yrfast.c's wake()).
 */
#include <stdlib.h>
#include <string.h>

#include "yara/yrast.h"
#include "yara/yrfast_int.h"
#include "vigil/vigil.h"

int yr_fast_long(const struct yr_fast *f, size_t k)
{
	uint32_t c = f->canon[k];

	return f->str[c].how == FS_ANCHORED && !f->slow[c] && !f->lazy_in[k];
}

/* 1 if string id of a set (a prefix with wildcard; "" with it: them)
 * names string s. */
static int names(const char *id, int wildcard, const char *s)
{
	return wildcard ? !strncmp(s, id, strlen(id)) : !strcmp(s, id);
}

/* Whether rule r's long strings are found: by found(ctx, k), or none. */
struct oracle {
	const struct yr_fast *f;
	size_t r;
	int (*found)(void *ctx, size_t k);
	void *ctx;
};

/* 1 if rule r's string k may be there: not long, or found. */
static int may_be(const struct oracle *o, size_t k)
{
	k += o->f->first[o->r];
	return !yr_fast_long(o->f, k) || (o->found && o->found(o->ctx, k));
}

/* 1 if the rule's string called id may be there (a loop's "$": 1). */
static int named_may_be(const struct oracle *o, const char *id)
{
	const struct yr_rule *rule = &o->f->rs->rules[o->r];

	for (size_t k = 0; *id && k < rule->nstrings; k++)
		if (!strcmp(rule->strings[k].id, id))
			return may_be(o, k);
	return 1;
}

/* The strings "N of" a set needs at least, of all in it: all, any, a
 * number; 0 for none, a percentage or an expression. */
static int64_t quantity(const struct yr_node *q, int64_t all)
{
	if (q->op == YK_ALL)
		return all;
	if (q->op == YK_ANY)
		return 1;
	return !q->op && !q->i && q->a && q->a->kind == YN_INT ? q->a->i : 0;
}

/* 1 if set names string id. */
static int in_set(const struct yr_node *set, const char *id)
{
	const struct yr_node *m = set->a;

	for (; m; m = m->next)
		if (names(m->s, (int)m->flags, id))
			return 1;
	return !set->a; /* them */
}

/* 1 if at least "quantifier q" of the rule's strings in set may be
 * there. */
static int enough_of(const struct oracle *o, const struct yr_node *q,
		     const struct yr_node *set)
{
	const struct yr_rule *rule = &o->f->rs->rules[o->r];
	int64_t all = 0, need, may = 0;
	size_t k;

	for (k = 0; k < rule->nstrings; k++)
		all += in_set(set, rule->strings[k].id);
	if ((need = quantity(q, all)) <= 0)
		return 1;
	for (k = 0; k < rule->nstrings && may < need; k++)
		may += in_set(set, rule->strings[k].id) && may_be(o, k);
	return may >= need;
}

/*
 * 0 if condition n cannot be true with no more of the rule's long strings
 * there than the oracle finds, whatever the others match: a long string
 * not found ("$a", "$a at", "$a in", "#a" compared to be positive), "N of"
 * a set with fewer than N strings that may be there, and of two with one
 * such, or of two such. Anything else: 1, it may be true.
 */
static int may_hold(const struct oracle *o, const struct yr_node *n)
{
	switch (n->kind) {
	case YN_STR:
		return named_may_be(o, n->s);
	case YN_OF:
		return n->b->kind != YN_SET || enough_of(o, n->a, n->b);
	case YN_BINARY:
		if (n->op == YK_AND)
			return may_hold(o, n->a) && may_hold(o, n->b);
		if (n->op == YK_OR)
			return may_hold(o, n->a) || may_hold(o, n->b);
		if (n->a->kind == YN_COUNT && n->b->kind == YN_INT &&
		    ((n->op == YT_GT && n->b->i >= 0) ||
		     ((n->op == YT_GE || n->op == YT_EQ) && n->b->i >= 1)))
			return named_may_be(o, n->a->s);
		return 1;
	default:
		return 1;
	}
}

int yr_fast_may_hold(const struct yr_fast *f, size_t r,
		     int (*found)(void *ctx, size_t k), void *ctx)
{
	struct oracle o = { f, r, found, ctx };

	return !f->rs->rules[r].cond || may_hold(&o, f->rs->rules[r].cond);
}

/* 1 if string k (the first of its group) could wait: it has short runs
 * (the pairs') or a key of four bytes. */
static int could_wait(const struct yr_fast *f, size_t k)
{
	return f->slow[k] == 1 || f->four[k];
}

/* Rule r's strings that could wait: 1 if any. */
static int has_short(const struct yr_fast *f, size_t r)
{
	for (size_t k = f->first[r]; k < f->first[r + 1]; k++)
		if (could_wait(f, f->canon[k]))
			return 1;
	return 0;
}

/* String k's (in rule order) key of four bytes, four[] of its group's
 * first (1 + its rarity), if it is not short; else 0. */
static uint8_t four_of(const struct yr_fast *f, size_t k)
{
	uint32_t c = f->canon[k];

	return f->slow[c] == 1 ? 0 : f->four[c];
}

/* 1 if rule r (strings a .. b - 1) may be true with none of its strings
 * there that do not wait, but those of keys of four bytes if only those
 * of eight count (strict). */
static int held(struct yr_fast *f, const struct oracle *o, size_t a,
		size_t b, int strict)
{
	uint8_t *in = f->lazy_in;
	size_t j;
	int h;

	for (j = a; strict && j < b; j++)
		if (!in[j] && four_of(f, j))
			in[j] = 2; /* for this answer */
	h = may_hold(o, f->rs->rules[o->r].cond);
	for (j = a; strict && j < b; j++)
		if (in[j] == 2)
			in[j] = 0;
	return h;
}

/*
 * Which of rule r's strings wait in its condition (lazy_in): its short
 * ones, then those of keys of four bytes, the least rare first, each if
 * the condition stays false with none of the others there; a weak key
 * (below ANCHOR_WEAK) may wait for a string of any key, another only for
 * one of eight bytes (tested at a fourth of the places, and rarer: a
 * string of four bytes would wake the lazy tables for the weak ones too
 * often). Elastic's rules over bench/yara.py's corpus, the best of eight
 * passes in one process: 0.1037 -> 0.0963 s against weak keys only,
 * signature-base's 0.1706 -> 0.1717, reversinglabs' 0.0596 -> 0.0593.
 * "3 of them" over three such strings and one of eight bytes: the two
 * least rare wait. 1 if the rule can wait, 0 if its short strings alone
 * may make it true (none then waits). A rule of more strings than
 * YR_GREEDY_MAX tries its weak ones all at once (each try reads the
 * whole condition).
 */
#define YR_GREEDY_MAX 256
static int choose_lazy(struct yr_fast *f, size_t r)
{
	struct oracle o = { f, r, NULL, NULL };
	size_t a = f->first[r], b = f->first[r + 1], k;
	uint8_t *in = f->lazy_in;
	unsigned w;

	for (k = a; k < b; k++)
		in[k] = f->slow[f->canon[k]] == 1;
	if (!f->rs->rules[r].cond || held(f, &o, a, b, 0)) {
		memset(in + a, 0, b - a);
		return 0;
	}
	if (b - a > YR_GREEDY_MAX) {
		for (k = a; k < b; k++)
			in[k] |= four_of(f, k) && four_of(f, k) <= ANCHOR_WEAK;
		if (held(f, &o, a, b, 0))
			for (k = a; k < b; k++)
				in[k] = f->slow[f->canon[k]] == 1;
		return 1;
	}
	for (w = 1; w <= ANCHOR_FOUR_MAX; w++)
		for (k = a; k < b; k++)
			if (four_of(f, k) == w) {
				in[k] = 1;
				in[k] = !held(f, &o, a, b, w > ANCHOR_WEAK);
			}
	return 1;
}

/* 1 if a string of rule r has runs that wait. */
static int waits(const struct yr_fast *f, size_t r)
{
	for (size_t k = f->first[r]; k < f->first[r + 1]; k++)
		if (f->wait[f->canon[k]])
			return 1;
	return 0;
}

/* 1 if string k (the first of its group) waits: every rule of its group
 * can, and waits for it. */
static int group_waits(const struct yr_fast *f, const uint8_t *can,
		       uint32_t k)
{
	for (; k != YR_NO_DUP; k = f->dup_next[k])
		if (!can[f->rule_of[k]] || !f->lazy_in[k])
			return 0;
	return 1;
}

/* 1 if rule r waits (defers). */
static int defers(const struct yr_fast *f, size_t r)
{
	return f->defers[r / 64] >> r % 64 & 1;
}

/* The root of rule r in the forest up (union-find, paths halved). */
static uint32_t root(uint32_t *up, uint32_t r)
{
	while (up[r] != r)
		r = up[r] = up[up[r]];
	return r;
}

/*
 * The wake groups (wake_group, per rule): the rules that wait, joined
 * where they share a string that waits (one of yrdup.c's groups), so
 * that the strings of a group wait for its rules alone; numbered from 0
 * in rule order, YR_NO_GROUP for the rules that do not wait.
 */
static int wake_groups(struct yr_fast *f)
{
	size_t nr = f->rs->nrules, r;
	uint32_t *up = malloc((nr + 1) * sizeof(*up)), *id;

	f->wake_group = malloc((nr + 1) * sizeof(*f->wake_group));
	if (!up || !f->wake_group) {
		free(up);
		return VIGIL_ENOMEM;
	}
	for (r = 0; r < nr; r++)
		up[r] = (uint32_t)r;
	for (size_t k = 0; k < f->nstr; k++) {
		if (f->canon[k] != k || !f->wait[k])
			continue;
		for (uint32_t j = f->dup_next[k]; j != YR_NO_DUP;
		     j = f->dup_next[j])
			up[root(up, f->rule_of[j])] = root(up, f->rule_of[k]);
	}
	for (r = 0; r < nr; r++)
		up[r] = root(up, (uint32_t)r); /* now each rule's root */
	id = f->wake_group; /* first per root, then per rule */
	for (r = 0; r < nr; r++)
		id[r] = YR_NO_GROUP;
	for (r = 0; r < nr; r++)
		if (defers(f, r) && id[up[r]] == YR_NO_GROUP)
			id[up[r]] = (uint32_t)f->ngroups++;
	for (r = 0; r < nr; r++)
		up[r] = defers(f, r) ? id[up[r]] : YR_NO_GROUP;
	memcpy(id, up, nr * sizeof(*id));
	free(up);
	f->wake_how = calloc(f->ngroups + 1, 1);
	return f->wake_how ? 0 : VIGIL_ENOMEM;
}

int yr_fast_defer(struct yr_fast *f)
{
	const struct yr_ruleset *rs = f->rs;
	uint8_t *can = calloc(rs->nrules + 1, 1);
	size_t r, k;

	f->wait = calloc(f->nstr + 1, 1);
	f->lazy_in = calloc(f->nstr + 1, 1);
	f->defers = calloc(rs->nrules / 64 + 1, 8);
	if (!can || !f->wait || !f->lazy_in || !f->defers) {
		free(can);
		return VIGIL_ENOMEM;
	}
	for (r = 0; r < rs->nrules; r++)
		can[r] = has_short(f, r) && choose_lazy(f, r);
	for (k = 0; k < f->nstr; k++)
		if (f->canon[k] == k && could_wait(f, k))
			f->wait[k] = (uint8_t)group_waits(f, can, (uint32_t)k);
	/* the rules left with a run that waits: the others need no wake */
	for (r = 0; r < rs->nrules; r++)
		if (can[r] && waits(f, r)) {
			f->defers[r / 64] |= 1ull << r % 64;
			f->ndefer++;
		}
	free(can);
	return wake_groups(f);
}
