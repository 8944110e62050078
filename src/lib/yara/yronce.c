/*
 * yronce.c -- the strings a condition needs only to have matched
 * (yronce.h). A walk of the condition that clears the flag of every string
 * read any other way; loops over strings clear their whole set, whatever
 * their body reads, so that "$" inside one needs no tracking.
 */
#include <string.h>

#include "yara/yronce.h"

/* Clears the strings name covers: "" with wildcard (them) all, a prefix
 * with wildcard, else the one so named. A loop's anonymous "$" names no
 * string here (its loop's set is cleared). */
static void clear(const struct yr_rule *r, const char *name, int wildcard,
		  uint8_t *once)
{
	size_t k, n = strlen(name);

	for (k = 0; k < r->nstrings; k++)
		if (wildcard ? !strncmp(r->strings[k].id, name, n) :
			       (*name && !strcmp(r->strings[k].id, name)))
			once[k] = 0;
}

/* Clears every member of a set of strings ("them": all). */
static void clear_set(const struct yr_rule *r, const struct yr_node *set,
		      uint8_t *once)
{
	const struct yr_node *m;

	if (!set || set->kind != YN_SET)
		return;
	if (!set->a)
		clear(r, "", 1, once);
	for (m = set->a; m; m = m->next)
		clear(r, m->s, (int)m->flags, once);
}

static void walk(const struct yr_rule *r, const struct yr_node *n,
		 uint8_t *once)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case YN_STR:
			if (n->op == YK_AT || n->op == YK_IN)
				clear(r, n->s, 0, once);
			break;
		case YN_COUNT: case YN_OFFSET: case YN_LENGTH:
			clear(r, n->s, 0, once);
			break;
		case YN_OF:
			if (n->c)
				clear_set(r, n->b, once);
			break;
		case YN_FOR_OF:
			clear_set(r, n->b, once);
			break;
		default:
			break;
		}
		walk(r, n->a, once);
		walk(r, n->b, once);
		walk(r, n->c, once);
		walk(r, n->vars, once);
	}
}

void yr_strings_once(const struct yr_rule *r, uint8_t *once)
{
	memset(once, 1, r->nstrings);
	walk(r, r->cond, once);
}
