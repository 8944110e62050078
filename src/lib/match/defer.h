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

/*
 * Of a logical signature that could defer patterns (as above) and that
 * cannot hold unless one of its subsignatures whose matchables are all
 * of kind `strong` matched, sets each matchable of kind `weak` to
 * `drop`: kind[] holds one of those per matchable (anchors.c: the
 * anchor's kind), so that a pattern only a short anchor would find is
 * left to be verified when its signature was touched.
 */
void defer_short(const struct vdb_view *v, uint8_t *kind, uint8_t strong,
		 uint8_t weak, uint8_t drop);

#endif
