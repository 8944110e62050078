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

/* What of a set names its cache files: an XXH3-128 of its matchables,
 * their code and what of its logical signatures decides which patterns
 * need not be searched for (defer.c), so that a cached choice of them is
 * taken as it is. */
struct hscache_digest {
	uint64_t lo, hi;
};

void hscache_digest(const struct vdb_view *v, struct hscache_digest *d);
/* The key of a set of digest d: with the Vectorscan version and the CPU. */
void hscache_key_of(const struct hscache_digest *d, struct hscache_key *k);
/* The first character of the key of the anchors matcher's rest (hsdb.c):
 * a name no whole set's database has. */
#define HSCACHE_KEY_REST 'y'

/* Returns 0 and sets *db (NULL: the set had no expression) and the nmatch
 * rtflags, or -1 if absent or invalid. */
int hscache_load(const char *dir, const struct hscache_key *k, size_t nmatch,
		 hs_database_t **db, uint8_t *rtflags);
/* Best effort: a cache that cannot be written is logged, not an error.
 * db NULL: a set without expressions. */
void hscache_store(const char *dir, const struct hscache_key *k,
		   size_t nmatch, const hs_database_t *db,
		   const uint8_t *rtflags,
		   void (*log)(void *, int, const char *), void *log_ctx);

/*
 * A cache file of another kind, "vigil-<key>.<ext>", for nmatch
 * matchables: its bytes, once header and checksum are right, go to
 * use(ctx, bytes, len, checked), whose result is returned; -1 if absent
 * or invalid. checked: 1 if a stamp says this very file was read whole
 * and use() took it before (hscache_checked()), so that use() may spare
 * checks that read all of it. When use() returns 0 the file stays
 * mapped, for what it made of the bytes: *map and *map_len, for
 * munmap(); and a file read whole but too new for a stamp is left in *u
 * (hscache_settle()). Cache files are replaced by rename, never
 * rewritten in place, so a mapping stays whole.
 */
struct hscache_unsettled;
int hscache_map_blob(const char *dir, const struct hscache_key *k,
		     const char *ext, size_t nmatch,
		     int (*use)(void *, const uint8_t *, size_t, int),
		     void *ctx, void **map, size_t *map_len,
		     struct hscache_unsettled *u);
/* Best effort, as hscache_store(). */
void hscache_store_blob(const char *dir, const struct hscache_key *k,
			const char *ext, size_t nmatch, const uint8_t *body,
			size_t len, void (*log)(void *, int, const char *),
			void *log_ctx);

/*
 * What identifies a file's bytes without reading them: each changes when
 * they do (and the change time cannot be set back but by the clock).
 */
struct hscache_file_id {
	uint64_t dev, ino, size, mtime_ns, ctime_ns;
};

struct stat;
/* A file's identity from its status. */
void hscache_file_id_of(const struct stat *st, struct hscache_file_id *id);
/* Whether a file of this identity may be stamped as checked: changed
 * HSCACHE_SETTLE_NS ago or more. The clock that times changes ticks
 * coarsely, so a change within the same tick would leave the identity as
 * it was. */
#define HSCACHE_SETTLE_NS 2000000000ull
int hscache_settled(const struct hscache_file_id *id);

/*
 * Whether a stamp in dir says that the database file id, whose header
 * holds the checksum sum, was read whole and found to match it: 1 or 0;
 * with 1, *has_d says whether the stamp gave the set's digest *d (both
 * may be NULL).
 * A database checked once and unchanged since is not read whole again at
 * each load (its structure still is checked); nor is a cache entry
 * mapped by hscache_map_blob() (the anchors table), whose loads set its
 * modification time only once a day so that its identity holds.
 */
int hscache_checked(const char *dir, const struct hscache_file_id *id,
		    uint64_t sum, struct hscache_digest *d, int *has_d);
/* Leaves that stamp, with the digest of the database's set when d is not
 * NULL (hscache_checked() gives it back, so that a load does not read the
 * patterns again to name its cache files); best effort (without it the
 * next load reads the file whole again). */
void hscache_mark_checked(const char *dir, const struct hscache_file_id *id,
			  uint64_t sum, const struct hscache_digest *d);

/*
 * A file a load read whole and found sound but could not stamp, as it had
 * changed too recently (hscache_settled()): what a stamp of it needs
 * later. path NULL: none. skip: the header's bytes before those sum is
 * of.
 */
struct hscache_unsettled {
	char *path;
	struct hscache_file_id id;
	uint64_t sum;
	size_t skip;
};

/* Keeps in *u what a stamp of path will need (a path that cannot be kept
 * leaves *u empty: the stamp is only spared work). */
void hscache_unsettled_set(struct hscache_unsettled *u, const char *path,
			   const struct hscache_file_id *id, uint64_t sum,
			   size_t skip);
void hscache_unsettled_free(struct hscache_unsettled *u);
/*
 * Stamps u's file in dir (with the digest d of its set, or NULL) once it
 * has settled, if it has the identity the load saw and its bytes, read
 * again (never mapped), still match the sum: the read the load made may
 * have come before a change in the same tick of the clock, this one
 * cannot. Returns 0 when nothing is left to do (stamped, stamped before,
 * changed or gone since), or the milliseconds until it settles.
 */
long hscache_settle(const char *dir, const struct hscache_unsettled *u,
		    const struct hscache_digest *d);

/*
 * Removes the cache files no load has used for days (a load that uses
 * one sets its modification time, if a day old or more): each new
 * database part, hourly with
 * a daily feed, leaves matchers that nothing will load again. Only
 * Vigil's own files ("vigil-*.hsdb", ".anc<n>", ".vok" and their
 * temporary files) are looked at; a file still mapped somewhere stays
 * valid there. Best effort.
 */
void hscache_prune(const char *dir, unsigned days);
#define HSCACHE_KEEP_DAYS 7

#endif
