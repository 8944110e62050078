/*
 * seen.h -- the objects already matched in one scan, by content: a
 * contained object identical to one matched at the same or a shallower
 * depth is not matched again. Archives full of copies (42.zip), quines
 * that contain themselves and ordinary duplicate files cost one pass.
 */
#ifndef VIGIL_CORE_SEEN_H
#define VIGIL_CORE_SEEN_H

#include <stddef.h>
#include <stdint.h>

/* Objects remembered per scan; past this, duplicates are matched again. */
#define SEEN_MAX_OBJECTS 4096

struct seen_entry {
	uint64_t lo, hi;	/* XXH3-128 of the content */
	uint64_t len;
	uint32_t gen;		/* scan the entry belongs to */
	uint16_t depth;
	uint16_t matched;	/* a signature matched it: match copies too */
};

struct seen {
	struct seen_entry *e;	/* 2 * SEEN_MAX_OBJECTS slots */
	uint32_t gen, n;
};

/* Starts a new scan: forgets every object, in constant time. */
void seen_reset(struct seen *t);
/*
 * 1 if an identical object was seen at depth <= this one and nothing
 * matched it (it may still be being matched: a quine); otherwise 0, and
 * *slot is where this one is remembered (or -1). VIGIL_ENOMEM on failure.
 * Objects in which a signature matched are matched again, as in ClamAV,
 * which caches only clean results, so every copy is reported.
 */
int seen_check(struct seen *t, const uint8_t *buf, size_t len,
	       unsigned depth, long *slot);
/* Notes that a signature matched the object remembered at slot. */
void seen_matched(struct seen *t, long slot);
void seen_free(struct seen *t);

#endif
