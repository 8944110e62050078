/*
 * cache.h -- files found clean, so that opening them again costs no
 * scan: keyed by device and inode, valid while size, modification and
 * change times are the same and for a limited time (a new database may
 * know more). File systems keep times in coarse ticks (a few ms on ext4):
 * a file changed within CACHE_SETTLE_NS is not remembered, so that a
 * rewrite of the same size in the same tick cannot keep its old verdict.
 * Safe for several threads.
 */
#ifndef VIGIL_ONACCESS_CACHE_H
#define VIGIL_ONACCESS_CACHE_H

#include <sys/stat.h>

#define CACHE_SLOTS 8192 /* files remembered at most */
#define CACHE_SETTLE_NS 1000000000LL /* changed this recently: not cached */

struct cache;

/* A cache whose entries last ttl_s seconds (0: no cache). */
struct cache *cache_new(unsigned ttl_s);
void cache_free(struct cache *c);
/* 1 if the file of st was found clean, and has not changed since. */
int cache_clean(struct cache *c, const struct stat *st);
/* Remembers the file of st as clean. */
void cache_put(struct cache *c, const struct stat *st);
/* Forgets the file of st (it was written). */
void cache_forget(struct cache *c, const struct stat *st);

#endif
