/*
 * yrast.c -- the arena a rule set's nodes, names and tables live in:
 * blocks of 64 KiB (or one block for a larger request), freed together.
 */
#include "yara/yrast.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_BYTES (64u << 10)

struct yr_arena {
	struct yr_arena *next;
	size_t used, cap;
	max_align_t data[];
};

void *yr_alloc(struct yr_arena **a, size_t n)
{
	struct yr_arena *b = *a;
	size_t align = sizeof(max_align_t);
	void *p;

	n = (n + align - 1) / align * align;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK_BYTES ? n : ARENA_BLOCK_BYTES;

		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		b->cap = cap;
		b->used = 0;
		b->next = *a;
		*a = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *yr_strdup(struct yr_arena **a, const char *s, size_t n)
{
	char *d = yr_alloc(a, n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
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
