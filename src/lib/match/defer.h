/*
 * defer.h -- which of a logical signature's patterns need not be searched
 * for while scanning (defer.c).
 */
#ifndef VIGIL_MATCH_DEFER_H
#define VIGIL_MATCH_DEFER_H

#include <stdint.h>

#include "db/vdb.h"

/*
 * Sets flag in rtflags for each matchable of a logical signature that is
 * not found by an anchor (the `anchored` flag) and whose signature cannot
 * hold unless one of its anchored subsignatures matched: such a pattern is
 * verified over the object only when its signature was touched, instead
 * of being searched for everywhere.
 */
void defer_weak(const struct vdb_view *v, uint8_t *rtflags, uint8_t anchored,
		uint8_t flag);

#endif
