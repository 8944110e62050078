/*
 * yruse.c -- how a condition reads its strings (yruse.h). A walk of the
 * condition that clears, for every string, the flags of the uses it is
 * read in other than that one; a loop over strings clears its whole set
 * unless its body is "$ at x", so that "$" inside one needs no tracking.
 */
#include <string.h>

#include "yara/yruse.h"

/* Clears flags in the strings name covers: "" with wildcard (them) all, a
 * prefix with wildcard, else the one so named. A loop's anonymous "$"
 * names no string here (its loop's set is cleared). */
static void clear(const struct yr_rule *r, const char *name, int wildcard,
		  unsigned flags, uint8_t *use)
{
	size_t k, n = strlen(name);

	for (k = 0; k < r->nstrings; k++)
		if (wildcard ? !strncmp(r->strings[k].id, name, n) :
			       (*name && !strcmp(r->strings[k].id, name)))
			use[k] &= (uint8_t)~flags;
}

/* Clears flags in every member of a set of strings ("them": all). */
static void clear_set(const struct yr_rule *r, const struct yr_node *set,
		      unsigned flags, uint8_t *use)
{
	const struct yr_node *m;

	if (!set || set->kind != YN_SET)
		return;
	if (!set->a)
		clear(r, "", 1, flags, use);
	for (m = set->a; m; m = m->next)
		clear(r, m->s, (int)m->flags, flags, use);
}

/* The flags a use of a string leaves set. */
static unsigned kept(const struct yr_node *n)
{
	switch (n->kind) {
	case YN_STR:
		return n->op == YK_AT ? YR_USE_AT :
		       n->op == YK_IN ? 0 : YR_USE_ONCE;
	case YN_OF:
		return n->c ? 0 : YR_USE_ONCE;
	case YN_FOR_OF: /* for any of ($*) : ($ at pe.entry_point) */
		return n->c && n->c->kind == YN_STR && !*n->c->s &&
				       n->c->op == YK_AT ?
			       YR_USE_AT :
			       0;
	default:
		return 0;
	}
}

static void walk(const struct yr_rule *r, const struct yr_node *n,
		 uint8_t *use)
{
	unsigned all = YR_USE_ONCE | YR_USE_AT;

	for (; n; n = n->next) {
		switch (n->kind) {
		case YN_STR: case YN_COUNT: case YN_OFFSET: case YN_LENGTH:
			clear(r, n->s, 0, all & ~kept(n), use);
			break;
		case YN_OF: case YN_FOR_OF:
			clear_set(r, n->b, all & ~kept(n), use);
			break;
		default:
			break;
		}
		walk(r, n->a, use);
		walk(r, n->b, use);
		walk(r, n->c, use);
		walk(r, n->vars, use);
	}
}

void yr_strings_use(const struct yr_rule *r, uint8_t *use)
{
	memset(use, YR_USE_ONCE | YR_USE_AT, r->nstrings);
	walk(r, r->cond, use);
}
