/*
 * hsdb.h -- the Vectorscan database built from a .vdb's matchables, cached
 * on disk under a key made of the patterns, the Vectorscan version and the
 * CPU's features.
 */
#ifndef VIGIL_MATCH_HSDB_H
#define VIGIL_MATCH_HSDB_H

#include <hs/hs.h>
#include <stddef.h>
#include <stdint.h>

#include "db/vdb.h"
#include "match/anchorset.h"
#include "match/hscache.h"
#include "match/hstext.h"
#include "match/rtflags.h"

struct hsdb {
	hs_database_t *db;	/* NULL when there is no pattern */
	uint8_t *rtflags;	/* one per matchable */
	uint32_t *nohs;		/* matchables with RT_NOHS */
	size_t nnohs;
	size_t bytes;
	int from_cache;
	int anchored;		/* the anchors matcher, db for the rest */
	int quick;		/* anchored, or without its text database
				 * (text.skipped), only because the cache
				 * missed: a full build would scan faster */
	int magic;		/* db finds the containers' signatures too,
				 * with ids from the number of matchables */
	struct anchor_set anc;
	struct hscache_unsettled anc_new; /* its cache file, if too new to
					   * stamp (hscache_settle()) */
	struct hstext text;	/* for buffers of text only (hstext.h) */
	void (*log)(void *, int, const char *);
	void *log_ctx;
};

struct hsdb_opts {
	const char *cache_dir;	/* NULL: no cache */
	int full;		/* compile Vectorscan on a cache miss, however
				 * long it takes (below ANCHORS_FROM) */
	void (*log)(void *, int, const char *); /* cache problems; or NULL */
	void *log_ctx;
	const struct hscache_digest *digest; /* the set's, if known (a
					      * stamp's); NULL: read */
};

/*
 * Builds (or loads from the cache) the matcher for v: the Vectorscan
 * database of every matchable, or the anchors matcher with a small
 * Vectorscan database of the few it cannot take. Vectorscan when the
 * cache holds it, the set is small, or o->full asks; the anchors matcher
 * for a large set or on a cache miss; VIGIL_MATCHER=anchors or vectorscan
 * in the environment forces either. Returns 0, VIGIL_ENOMEM or
 * VIGIL_EMATCHER (with *why set).
 */
int hsdb_build(const struct vdb_view *v, const struct hsdb_opts *o,
	       struct hsdb *out, const char **why);
void hsdb_free(struct hsdb *h);

#endif
