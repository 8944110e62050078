/*
 * seen.h -- the objects already matched in one scan, by content: a
 * contained object identical to a clean one matched at the same or a
 * shallower depth, in a container of the same type (Container signatures
 * may tell the places apart), is not matched again, so archives full of
 * copies (42.zip)
 * and ordinary duplicate files cost one pass; one identical to an object
 * still being unpacked around it (a quine, which contains itself) would
 * recurse for ever, and is reported as exceeding the recursion limit.
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
	uint8_t state;		/* enum seen_state */
	uint8_t container;	/* ClamAV type of what held it */
};

enum seen_state { SEEN_PENDING = 0, SEEN_CLEAN = 1, SEEN_MATCHED = 2 };
/* What seen_check() found. */
enum { SEEN_NEW = 0, SEEN_SKIP = 1, SEEN_ANCESTOR = 2 };

struct seen {
	struct seen_entry *e;	/* 2 * SEEN_MAX_OBJECTS slots */
	uint32_t gen, n;
	uint64_t last_lo, last_hi;	/* the hash seen_check() took last */
};

/* Starts a new scan: forgets every object, in constant time. */
void seen_reset(struct seen *t);
/*
 * SEEN_SKIP if an identical clean object was matched at depth <= this one;
 * SEEN_ANCESTOR if an identical object is still being matched (this one
 * is inside it); else SEEN_NEW, with *slot where this one is remembered
 * (-1 if the table is full), or VIGIL_ENOMEM. Objects in which a signature
 * matched are matched again, as in ClamAV, which caches only clean
 * results, so that every copy is reported.
 */
int seen_check(struct seen *t, const uint8_t *buf, size_t len,
	       unsigned depth, int container, long *slot);
/* The object at slot is done: clean, or a signature matched it. */
void seen_done(struct seen *t, long slot, int matched);
void seen_free(struct seen *t);

#endif
