/*
 * hscache.h -- on-disk cache of compiled Vectorscan databases. A file is
 * named by a key over the patterns, the Vectorscan version and the CPU
 * features, and carries its own checksum, so a stale or damaged entry is
 * never used: it is rebuilt.
 */
#ifndef VIGIL_MATCH_HSCACHE_H
#define VIGIL_MATCH_HSCACHE_H

#include <hs/hs.h>
#include <stddef.h>
#include <stdint.h>

#include "db/vdb.h"

struct hscache_key {
	char hex[33];
};

void hscache_key(const struct vdb_view *v, struct hscache_key *k);
/* Returns 0 and sets *db and the nmatch rtflags, or -1 if absent or
 * invalid. */
int hscache_load(const char *dir, const struct hscache_key *k, size_t nmatch,
		 hs_database_t **db, uint8_t *rtflags);
/* Best effort: a cache that cannot be written is logged, not an error. */
void hscache_store(const char *dir, const struct hscache_key *k,
		   size_t nmatch, const hs_database_t *db,
		   const uint8_t *rtflags,
		   void (*log)(void *, int, const char *), void *log_ctx);

/*
 * A cache file of another kind, "vigil-<key>.<ext>", for nmatch
 * matchables: its bytes, once header and checksum are right, go to
 * use(ctx, bytes, len), whose result is returned; -1 if absent or invalid.
 */
int hscache_load_blob(const char *dir, const struct hscache_key *k,
		      const char *ext, size_t nmatch,
		      int (*use)(void *, const uint8_t *, size_t), void *ctx);
/* Best effort, as hscache_store(). */
void hscache_store_blob(const char *dir, const struct hscache_key *k,
			const char *ext, size_t nmatch, const uint8_t *body,
			size_t len, void (*log)(void *, int, const char *),
			void *log_ctx);

#endif
