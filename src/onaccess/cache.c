/*
 * cache.c -- see cache.h. A table of CACHE_SLOTS entries indexed by a
 * hash of device and inode; a newer file takes a slot over. One mutex:
 * lookups are a few compares.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"

struct entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	time_t until;		/* 0: empty */
};

struct cache {
	pthread_mutex_t lock;
	unsigned ttl_s;
	struct entry slot[CACHE_SLOTS];
};

static time_t now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* Whether t is less than CACHE_SETTLE_NS before now (or after it). */
static int recent(const struct timespec *t, const struct timespec *now)
{
	int64_t d = ((int64_t)now->tv_sec - (int64_t)t->tv_sec) * 1000000000 +
		    (now->tv_nsec - t->tv_nsec);

	return d < CACHE_SETTLE_NS;
}

static struct entry *slot_of(struct cache *c, const struct stat *st)
{
	uint64_t h = (uint64_t)st->st_dev * 0x9e3779b97f4a7c15ull ^
		     (uint64_t)st->st_ino * 0xc2b2ae3d27d4eb4full;

	return &c->slot[(h >> 32) % CACHE_SLOTS];
}

static int same(const struct entry *e, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino;
}

struct cache *cache_new(unsigned ttl_s)
{
	struct cache *c = calloc(1, sizeof(*c));

	if (c) {
		pthread_mutex_init(&c->lock, NULL);
		c->ttl_s = ttl_s;
	}
	return c;
}

void cache_free(struct cache *c)
{
	if (c)
		pthread_mutex_destroy(&c->lock);
	free(c);
}

int cache_clean(struct cache *c, const struct stat *st)
{
	struct entry *e;
	int hit;

	if (!c->ttl_s)
		return 0;
	pthread_mutex_lock(&c->lock);
	e = slot_of(c, st);
	hit = e->until > now() && same(e, st) && e->size == st->st_size &&
	      !memcmp(&e->mtime, &st->st_mtim, sizeof(e->mtime)) &&
	      !memcmp(&e->ctime, &st->st_ctim, sizeof(e->ctime));
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void cache_put(struct cache *c, const struct stat *st)
{
	struct timespec wall;
	struct entry *e;

	clock_gettime(CLOCK_REALTIME, &wall);
	if (!c->ttl_s || recent(&st->st_ctim, &wall) ||
	    recent(&st->st_mtim, &wall))
		return; /* a rewrite now could leave both times as they are */
	pthread_mutex_lock(&c->lock);
	e = slot_of(c, st);
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->size = st->st_size;
	e->mtime = st->st_mtim;
	e->ctime = st->st_ctim;
	e->until = now() + (time_t)c->ttl_s;
	pthread_mutex_unlock(&c->lock);
}

void cache_forget(struct cache *c, const struct stat *st)
{
	struct entry *e;

	pthread_mutex_lock(&c->lock);
	e = slot_of(c, st);
	if (same(e, st))
		e->until = 0;
	pthread_mutex_unlock(&c->lock);
}
