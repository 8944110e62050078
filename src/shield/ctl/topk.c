/*
 * topk.c -- see topk.h.
 */
#include <stdlib.h>
#include <string.h>

#include "topk.h"

void topk_add(struct topk *t, const void *key, size_t klen)
{
	uint8_t k[TOPK_KEY] = { 0 };
	unsigned i, min = 0;

	memcpy(k, key, klen < TOPK_KEY ? klen : TOPK_KEY);
	t->total++;
	for (i = 0; i < t->n; i++) {
		if (!memcmp(t->e[i].key, k, TOPK_KEY)) {
			t->e[i].count++;
			return;
		}
		if (t->e[i].count < t->e[min].count)
			min = i;
	}
	if (t->n < TOPK_SLOTS) {
		memcpy(t->e[t->n].key, k, TOPK_KEY);
		t->e[t->n].count = 1;
		t->e[t->n++].err = 0;
		return;
	}
	memcpy(t->e[min].key, k, TOPK_KEY);
	t->e[min].err = t->e[min].count;
	t->e[min].count++;
	t->evictions++;
}

static int by_count(const void *a, const void *b)
{
	const struct topk_entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return memcmp(x->key, y->key, TOPK_KEY); /* a stable order */
}

unsigned topk_sorted(const struct topk *t, struct topk_entry *out)
{
	memcpy(out, t->e, t->n * sizeof(t->e[0]));
	qsort(out, t->n, sizeof(out[0]), by_count);
	return t->n;
}

const struct topk_entry *topk_dominant(const struct topk *t, double share)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if ((double)(t->e[i].count - t->e[i].err) >=
		    share * (double)t->total)
			return &t->e[i];
	return NULL;
}
