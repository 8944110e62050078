/*
 * anchorset.h -- the anchors matcher of a whole signature set
 * (anchorset.c): a table per ClamAV target type, each holding the anchors
 * of its own type's patterns and of those for any type, so that an object
 * is tested only against the patterns that may match it.
 */
#ifndef VIGIL_MATCH_ANCHORSET_H
#define VIGIL_MATCH_ANCHORSET_H

#include <stddef.h>
#include <stdint.h>

#include "db/vdb.h"
#include "match/anchors.h"
#include "util/vbuf.h"

#define ANCHOR_TARGETS 15 /* ClamAV's target types 0 .. 14 */

struct anchor_set {
	struct anchors t[ANCHOR_TARGETS];
	uint32_t have;	/* bit t: t[t] holds target t's anchors (else
			 * target 0's table serves it); t[0] always */
	size_t bytes;
	void *map;	/* what a loaded set lies in, or NULL */
	size_t map_len;
};

/*
 * Builds the tables of v's matchables, setting flag in rtflags for each
 * matchable given an anchor; the others are the caller's. A logical
 * signature that needs one of its subsignatures found by eight-byte
 * anchors leaves its patterns of four-byte anchors out (defer.c: they are
 * verified when it was touched). 0 or VIGIL_ENOMEM.
 */
int anchorset_build(const struct vdb_view *v, uint8_t *rtflags, uint8_t flag,
		    struct anchor_set *out);
/*
 * Reports every anchor in buf of the patterns of the target types in
 * targets (a bit per type; bit 0, any type, always implied), through the
 * one table of its type where targets names one type besides 0. Returns
 * 1 if fn ended the scan.
 */
int anchorset_scan(const struct anchor_set *s, uint32_t targets,
		   const uint8_t *buf, size_t len, anchor_fn fn, void *ctx);
void anchorset_free(struct anchor_set *s);

/*
 * The set as bytes, for the matcher cache: the tables, then which of the
 * nmatch matchables have an anchor (flag in rtflags). Appends to b;
 * returns 0 or VIGIL_ENOMEM.
 */
int anchorset_save(const struct anchor_set *s, const uint8_t *rtflags,
		   uint8_t flag, size_t nmatch, struct vbuf *b);
/*
 * The set back from anchorset_save()'s bytes, setting flag in rtflags as
 * anchorset_build() does. The tables lie in img (8-byte aligned), which
 * must outlive them: a mapping of the cache file can be handed to it
 * (map, map_len), to be unmapped by anchorset_free(). Bytes that do not
 * describe a sound set are refused: -1, *out empty. how: ANCHORSET_*.
 */
/* The bytes were taken whole before, and are unchanged since (hscache.h):
 * the entries are not each looked at (a table of a full-size feed holds
 * millions); each anchor_fn must then check the id it is given is below
 * nmatch, as bodyscan.c's does. */
#define ANCHORSET_CHECKED 1u
/* img is a read-only file mapping: the entries' pages are handed back
 * once looked at (mapping_release()). */
#define ANCHORSET_MAPPED 2u
int anchorset_load(const uint8_t *img, size_t len, size_t nmatch,
		   uint8_t *rtflags, uint8_t flag, unsigned how,
		   struct anchor_set *out);

#endif
