/*
 * topk.h -- heavy hitters by Space-Saving (Metwally et al., 2005): a
 * fixed table of TOPK_SLOTS counters; an item not in the table replaces
 * the smallest counter and inherits its count as its error bound. Any item
 * whose true count exceeds total/TOPK_SLOTS is in the table, and each
 * count overestimates by at most its `err`.
 */
#ifndef VIGIL_SHIELD_TOPK_H
#define VIGIL_SHIELD_TOPK_H

#include <stddef.h>
#include <stdint.h>

#define TOPK_SLOTS 16
#define TOPK_KEY 17		/* bytes: a family and an address, or a port */

struct topk_entry {
	uint8_t key[TOPK_KEY];
	uint64_t count, err;
};

struct topk {
	struct topk_entry e[TOPK_SLOTS];
	unsigned n;
	uint64_t total;		/* items seen */
	uint64_t evictions;	/* replacements: many means many distinct items */
};

/* Counts one item (its key, klen <= TOPK_KEY bytes, zero-padded). */
void topk_add(struct topk *t, const void *key, size_t klen);
/* The entries by count, largest first, into out (TOPK_SLOTS wide);
 * returns how many. */
unsigned topk_sorted(const struct topk *t, struct topk_entry *out);
/* The item with at least `share` (0..1) of the total, guaranteed (its
 * count minus error), or NULL. */
const struct topk_entry *topk_dominant(const struct topk *t, double share);

#endif
