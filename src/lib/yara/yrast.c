/*
 * yrast.c -- the arena a rule set's nodes, names and tables live in:
 * blocks of 64 KiB (or one block for a larger request), freed together;
 * and the indexes of names (rules by name, a rule's strings by name), so
 * that many rules, or a rule of many strings, are read in linear time.
 */
#include "yara/yrast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

#define ARENA_BLOCK_BYTES (64u << 10)

struct yr_arena {
	struct yr_arena *next;
	size_t used, cap;
	max_align_t data[];
};

size_t yr_hash(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t h = 1469598103934665603u;

	while (n--)
		h = (h ^ *b++) * 1099511628211u;
	return h;
}

static size_t name_hash(const char *s)
{
	return yr_hash(s, strlen(s));
}

long yr_names_find(const struct yr_names *x, const char *name,
		   yr_name_fn name_of, const void *ctx)
{
	size_t i, mask = x->nslots - 1;

	if (!x->nslots)
		return -1;
	for (i = name_hash(name) & mask; x->slot[i]; i = (i + 1) & mask)
		if (!strcmp(name_of(ctx, x->slot[i] - 1), name))
			return (long)x->slot[i] - 1;
	return -1;
}

static void place(uint32_t *slots, size_t nslots, const char *name,
		  uint32_t value)
{
	size_t i = name_hash(name) & (nslots - 1);

	if (!*name)
		return;
	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = value;
}

int yr_names_add(struct yr_names *x, size_t count, yr_name_fn name_of,
		 const void *ctx)
{
	if ((count + 1) * 2 > x->nslots) {
		size_t n = x->nslots ? x->nslots * 2 : 32, i;
		uint32_t *s = calloc(n, sizeof(*s));

		if (!s)
			return VIGIL_ENOMEM;
		for (i = 0; i + 1 < count; i++)
			place(s, n, name_of(ctx, i), (uint32_t)i + 1);
		free(x->slot);
		x->slot = s;
		x->nslots = n;
	}
	place(x->slot, x->nslots, name_of(ctx, count - 1), (uint32_t)count);
	return 0;
}

void yr_names_free(struct yr_names *x)
{
	free(x->slot);
	x->slot = NULL;
	x->nslots = 0;
}

static const char *rule_name(const void *ctx, size_t i)
{
	return ((const struct yr_ruleset *)ctx)->rules[i].key;
}

long yr_rule_find(const struct yr_ruleset *rs, const char *ns,
		  const char *name)
{
	char key[YR_MAX_NS + 1 + 256];

	if (strlen(ns) > YR_MAX_NS || strlen(name) > 255)
		return -1;
	snprintf(key, sizeof(key), "%s:%s", ns, name);
	return yr_names_find(&rs->by_name, key, rule_name, rs);
}

int yr_rule_index_last(struct yr_ruleset *rs)
{
	return yr_names_add(&rs->by_name, rs->nrules, rule_name, rs);
}

/* n bytes of the arena at a multiple of align (a power of two), zeroed:
 * text is taken at any byte (a name of three bytes took sixteen when
 * everything was aligned for any type: 4 MB of the public collections). */
static void *arena_take(struct yr_arena **a, size_t n, size_t align)
{
	struct yr_arena *b = *a;
	size_t off = b ? (b->used + align - 1) & ~(align - 1) : 0;
	void *p;

	if (!b || off > b->cap || b->cap - off < n) {
		size_t cap = n > ARENA_BLOCK_BYTES ? n : ARENA_BLOCK_BYTES;

		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		b->cap = cap;
		b->used = 0;
		b->next = *a;
		*a = b;
		off = 0;
	}
	p = (char *)b->data + off;
	b->used = off + n;
	memset(p, 0, n);
	return p;
}

void *yr_alloc(struct yr_arena **a, size_t n)
{
	return arena_take(a, n, sizeof(max_align_t));
}

struct yr_node *yr_alloc_node(struct yr_arena **a)
{
	return arena_take(a, sizeof(struct yr_node),
			  _Alignof(struct yr_node));
}

char *yr_strdup(struct yr_arena **a, const char *s, size_t n)
{
	char *d = n < SIZE_MAX ? arena_take(a, n + 1, 1) : NULL;

	if (d)
		memcpy(d, s, n);
	return d;
}

void yr_arena_free(struct yr_arena *a)
{
	while (a) {
		struct yr_arena *n = a->next;

		free(a);
		a = n;
	}
}

/* 1 if the tree under n names a module Vigil does not have. */
static int uses_module(const struct yr_ruleset *rs, const struct yr_node *n)
{
	for (; n; n = n->next) {
		if (n->kind == YN_IDENT && (n->flags & YR_ID_NOMODULE))
			return 1;
		if (uses_module(rs, n->a) || uses_module(rs, n->b) ||
		    uses_module(rs, n->c))
			return 1;
	}
	return 0;
}

int yr_rule_uses_module(const struct yr_ruleset *rs, const struct yr_rule *r)
{
	return uses_module(rs, r->cond);
}
