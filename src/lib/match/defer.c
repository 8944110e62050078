/*
 * defer.c -- patterns too short to anchor (ClamAV's main.ldb has 892,
 * many of two or three bytes such as 83ec44, "sub esp, 0x44") match in
 * almost every executable; searched for with Vectorscan beside the
 * anchors they cost as much as all the rest. In a signature that cannot
 * hold without one of its anchored subsignatures, they are not searched
 * for at all: only when that signature was touched in an object are they
 * verified over it (bodyscan.c), before its expression is evaluated.
 * Only signatures whose expression has no count modifier but ">" qualify
 * (more matches never make those false, so "required" is sound), and none
 * with byte compares or macros, which use the starts of the others; PCRE
 * subsignatures are run after the deferred patterns were verified.
 */
#include "match/defer.h"

#include <string.h>

#include "db/vdb_format.h"
#include "sig/lexpr.h"

/* 1 if l's expression is false when subsignature sub alone is missing. */
static int required(const struct vdb_view *v, const struct vdb_ldb *l,
		    unsigned sub)
{
	uint32_t counts[LEXPR_MAX_SUBSIGS];

	memset(counts, 0, sizeof(counts));
	for (unsigned i = 0; i < l->nsub && i < LEXPR_MAX_SUBSIGS; i++)
		counts[i] = i != sub ? LEXPR_MANY : 0;
	return !lexpr_eval(v->code + l->expr_off, l->expr_len, counts);
}

static int deferrable(const struct vdb_view *v, const struct vdb_ldb *l)
{
	return !(l->flags & LDB_F_ZERO_TRUE) && !l->nmacro && !l->nbcomp &&
	       l->nsub <= LEXPR_MAX_SUBSIGS &&
	       lexpr_monotone(v->code + l->expr_off, l->expr_len);
}

/* 1 if a subsignature in seen but not in weak is required by l. */
static int strong_required(const struct vdb_view *v, const struct vdb_ldb *l,
			   uint64_t seen, uint64_t weak)
{
	for (unsigned sub = 0; sub < l->nsub; sub++)
		if ((seen & ~weak) >> sub & 1 && required(v, l, sub))
			return 1;
	return 0;
}

/* 1 if some subsignature of l has only anchored matchables and is
 * required; 0 also when every matchable is anchored (nothing to defer). */
static int has_anchored_required(const struct vdb_view *v,
				 const struct vdb_ldb *l, const uint8_t *rt,
				 uint8_t anchored)
{
	uint64_t weak = 0, seen = 0;
	uint32_t i;

	for (i = l->first; i < l->first + l->nmatch; i++) {
		unsigned sub = v->match[i].sub;

		seen |= 1ull << sub;
		if (!(rt[i] & anchored))
			weak |= 1ull << sub;
	}
	return weak && strong_required(v, l, seen, weak);
}

void defer_short(const struct vdb_view *v, uint8_t *kind, uint8_t strong,
		 uint8_t weak, uint8_t drop)
{
	for (size_t li = 0; li < v->nldb; li++) {
		const struct vdb_ldb *l = &v->ldb[li];
		uint64_t notstrong = 0, seen = 0;
		int any = 0;
		uint32_t i;

		if (!deferrable(v, l))
			continue;
		for (i = l->first; i < l->first + l->nmatch; i++) {
			seen |= 1ull << v->match[i].sub;
			notstrong |= (uint64_t)(kind[i] != strong)
				     << v->match[i].sub;
			any |= kind[i] == weak;
		}
		if (!any || !strong_required(v, l, seen, notstrong))
			continue;
		for (i = l->first; i < l->first + l->nmatch; i++)
			if (kind[i] == weak)
				kind[i] = drop;
	}
}

void defer_weak(const struct vdb_view *v, uint8_t *rtflags, uint8_t anchored,
		uint8_t flag)
{
	for (size_t li = 0; li < v->nldb; li++) {
		const struct vdb_ldb *l = &v->ldb[li];

		if (!deferrable(v, l) ||
		    !has_anchored_required(v, l, rtflags, anchored))
			continue;
		for (uint32_t i = l->first; i < l->first + l->nmatch; i++)
			if (!(rtflags[i] & anchored))
				rtflags[i] |= flag;
	}
}
