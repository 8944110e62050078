/*
 * seen.c -- an open-addressing table of content hashes, tagged with a scan
 * generation so that starting a scan clears it without touching memory.
 */
#include "core/seen.h"

#include <stdlib.h>
#include <xxhash.h>

#include "vigil/vigil.h"

#define SEEN_SLOTS (2 * SEEN_MAX_OBJECTS)

void seen_reset(struct seen *t)
{
	size_t i;

	t->n = 0;
	if (++t->gen != 0)
		return;
	for (i = 0; t->e && i < SEEN_SLOTS; i++)
		t->e[i].gen = 0; /* wrapped: old tags could look current */
	t->gen = 1;
}

int seen_check(struct seen *t, const uint8_t *buf, size_t len,
	       unsigned depth, int container, long *slot)
{
	XXH128_hash_t h;
	size_t i;

	*slot = -1;
	if (!t->e && !(t->e = calloc(SEEN_SLOTS, sizeof(*t->e))))
		return VIGIL_ENOMEM;
	h = XXH3_128bits(buf, len);
	t->last_lo = h.low64;
	t->last_hi = h.high64;
	for (i = (size_t)h.low64 % SEEN_SLOTS;; i = (i + 1) % SEEN_SLOTS) {
		struct seen_entry *e = &t->e[i];

		if (e->gen != t->gen) {
			if (t->n >= SEEN_MAX_OBJECTS)
				return 0;
			*e = (struct seen_entry){ h.low64, h.high64, len, t->gen,
						  (uint16_t)depth,
						  SEEN_PENDING,
						  (uint8_t)container };
			t->n++;
			*slot = (long)i;
			return 0;
		}
		if (e->lo != h.low64 || e->hi != h.high64 || e->len != len)
			continue;
		if (e->state == SEEN_PENDING)
			return SEEN_ANCESTOR;
		return e->state == SEEN_CLEAN && e->depth <= depth &&
				       e->container == (uint8_t)container ?
			       SEEN_SKIP : SEEN_NEW;
	}
}

void seen_done(struct seen *t, long slot, int matched)
{
	if (slot >= 0)
		t->e[slot].state = matched ? SEEN_MATCHED : SEEN_CLEAN;
}

void seen_free(struct seen *t)
{
	free(t->e);
	t->e = NULL;
}
