/*
 * hscache.c -- cache files "vigil-<key>.hsdb": a 32-byte header (magic,
 * XXH3 of the rest, matchable count, size of the serialised database),
 * the run-time flags, then hs_serialize_database() output; and files of
 * other kinds ("vigil-<key>.<ext>": the anchors matcher's table) with the
 * same header before their bytes. Written to a temporary name and
 * renamed, so readers never see half a file.
 */
#define _GNU_SOURCE
#include "match/hscache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "common/reader.h"
#include "util/fileio.h"
#include "vigil/vigil.h"

/* VIGILHS2: the databases find the containers' signatures too (hsdb.c);
 * VIGILHS3: and XDP's mark (magic.c) */
#define HSCACHE_MAGIC "VIGILHS3"
#define HSCACHE_HEADER 32

/* Into st (up: XXH3's 64- or 128-bit update), len bytes at p a step at
 * a time; with mapped (p a file mapping), each step's pages handed back
 * once read, so that a sum never holds more than a step of a large file
 * (a full-size feed's anchors table: 62 MB; its .vdb's patterns: 75 MB;
 * vdb_read.c's checks do the same). */
#define READ_STEP ((size_t)4 << 20)
typedef XXH_errorcode (*update_fn)(XXH3_state_t *, const void *, size_t);
static void update_steps(XXH3_state_t *st, update_fn up, const void *p,
			 size_t len, int mapped)
{
	const uint8_t *b = p;

	for (size_t at = 0; at < len; at += READ_STEP) {
		size_t n = len - at < READ_STEP ? len - at : READ_STEP;

		(void)up(st, b + at, n);
		if (mapped)
			mapping_release(b + at, n);
	}
}

/* What of the logical signatures defer.c reads (not their names, whose
 * places in the string table move when other signatures change), into st
 * a run of them at a time. */
static void ldb_digest(XXH3_state_t *st, const struct vdb_view *v)
{
	uint32_t run[256][6];
	size_t i, n = 0;

	for (i = 0; i < v->nldb; i++) {
		const struct vdb_ldb *l = &v->ldb[i];

		run[n][0] = l->first;
		run[n][1] = (uint32_t)l->nmatch << 16 | l->nsub;
		run[n][2] = (uint32_t)l->flags << 24 | (uint32_t)l->nbcomp << 16 |
			    l->nmacro;
		run[n][3] = l->expr_off;
		run[n][4] = l->expr_len;
		run[n][5] = l->target;
		if (++n == sizeof(run) / sizeof(run[0]) || i + 1 == v->nldb) {
			XXH3_128bits_update(st, run, n * sizeof(run[0]));
			if (v->mapped)
				mapping_release(&v->ldb[i + 1 - n],
						n * sizeof(*v->ldb));
			n = 0;
		}
	}
}

void hscache_digest(const struct vdb_view *v, struct hscache_digest *d)
{
	XXH3_state_t *st = XXH3_createState();
	XXH128_hash_t h = { 0, 0 };

	if (st && XXH3_128bits_reset(st) == XXH_OK) {
		update_steps(st, XXH3_128bits_update, v->match,
			     v->nmatch * sizeof(*v->match), v->mapped);
		update_steps(st, XXH3_128bits_update, v->code, v->code_len,
			     v->mapped);
		ldb_digest(st, v);
		h = XXH3_128bits_digest(st);
	}
	XXH3_freeState(st);
	d->lo = h.low64;
	d->hi = h.high64;
}

void hscache_key_of(const struct hscache_digest *d, struct hscache_key *k)
{
	XXH3_state_t *st = XXH3_createState();
	hs_platform_info_t plat;
	XXH128_hash_t h = { 0, 0 };
	const char *ver = hs_version();

	memset(&plat, 0, sizeof(plat));
	hs_populate_platform(&plat);
	if (st && XXH3_128bits_reset(st) == XXH_OK) {
		XXH3_128bits_update(st, HSCACHE_MAGIC, 8);
		XXH3_128bits_update(st, ver, strlen(ver));
		XXH3_128bits_update(st, &plat, sizeof(plat));
		XXH3_128bits_update(st, d, sizeof(*d));
		h = XXH3_128bits_digest(st);
	}
	XXH3_freeState(st);
	snprintf(k->hex, sizeof(k->hex), "%016llx%016llx",
		 (unsigned long long)h.high64, (unsigned long long)h.low64);
}

static void path_ext(char *out, size_t cap, const char *dir,
		     const struct hscache_key *k, const char *ext)
{
	snprintf(out, cap, "%s/vigil-%s.%s", dir, k->hex, ext);
}

static void path_of(char *out, size_t cap, const char *dir,
		    const struct hscache_key *k)
{
	path_ext(out, cap, dir, k, "hsdb");
}

/* XXH3 of buf's len bytes; with mapped, update_steps()'s. */
static uint64_t body_sum(const uint8_t *buf, size_t len, int mapped)
{
	XXH3_state_t *st;
	uint64_t sum;

	if (!mapped || len <= READ_STEP || !(st = XXH3_createState()))
		return XXH3_64bits(buf, len);
	(void)XXH3_64bits_reset(st);
	update_steps(st, XXH3_64bits_update, buf, len, 1);
	sum = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return sum;
}

/* The header: magic, checksum of the rest (*sum), nmatch, and a length
 * (*third); r is left after it. 0, or -1 if any is wrong (the checksum
 * is the caller's to compare). */
static int header(struct rdr *r, const uint8_t *buf, size_t len,
		  size_t nmatch, uint64_t *sum, uint64_t *third)
{
	uint64_t n;

	rdr_init(r, buf, len);
	if (!rdr_bytes(r, 8) || memcmp(buf, HSCACHE_MAGIC, 8))
		return -1;
	*sum = rdr_u64le(r);
	n = rdr_u64le(r);
	*third = rdr_u64le(r);
	return rdr_failed(r) || n != nmatch ? -1 : 0;
}

/* Whether the rest of an entry of len bytes at buf matches its header's
 * checksum. mapped: body_sum()'s. */
static int body_ok(const uint8_t *buf, size_t len, uint64_t sum, int mapped)
{
	return body_sum(buf + HSCACHE_HEADER, len - HSCACHE_HEADER, mapped) ==
	       sum;
}

static int parse(const uint8_t *buf, size_t len, size_t nmatch,
		 hs_database_t **db, uint8_t *rtflags)
{
	struct rdr r;
	const uint8_t *flags, *ser;
	uint64_t ser_len, sum;

	if (header(&r, buf, len, nmatch, &sum, &ser_len) < 0 ||
	    !body_ok(buf, len, sum, 0))
		return -1;
	flags = rdr_bytes(&r, nmatch);
	if (!flags || rdr_skip(&r, (8 - nmatch % 8) % 8) < 0 ||
	    !(ser = rdr_bytes(&r, ser_len)))
		return -1;
	*db = NULL; /* none: an entry for a set without expressions */
	if (ser_len && hs_deserialize_database((const char *)ser, ser_len,
					       db) != HS_SUCCESS)
		return -1;
	memcpy(rtflags, flags, nmatch);
	return 0;
}

static int make_dirs(const char *dir);

static void store_failed(const char *path,
			 void (*log)(void *, int, const char *), void *ctx)
{
	char msg[4400];

	if (log) {
		snprintf(msg, sizeof(msg), "cannot write matcher cache %s: %s",
			 path, strerror(errno));
		log(ctx, VIGIL_LOG_WARNING, msg);
	}
}

/* A cache file being loaded is in use: not pruned (hscache_prune()).
 * Its modification time is set when a day old or more, not at each load,
 * so that its identity stays the same from load to load (a stamp of it
 * checked whole holds); st is made to say so. */
#define TOUCH_AFTER_S 86400
static void touch_in_use(int fd, struct stat *st)
{
	if (st->st_mtime > time(NULL) - TOUCH_AFTER_S)
		return;
	if (futimens(fd, NULL) == 0)
		(void)fstat(fd, st);
}

/* Maps path and hands it to use(); -1 if it cannot be read. With keep,
 * a mapping use() took is left mapped, in *keep (*keep_len bytes). The
 * file's status goes to *seen (or NULL) before use() is called. */
static int with_file(const char *path,
		     int (*use)(void *, const uint8_t *, size_t), void *ctx,
		     void **keep, size_t *keep_len, struct stat *seen)
{
	struct stat st;
	void *map;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= HSCACHE_HEADER) {
		touch_in_use(fd, &st);
		if (seen)
			*seen = st;
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			   fd, 0);
		if (map != MAP_FAILED) {
			rc = use(ctx, map, (size_t)st.st_size);
			if (rc == 0 && keep) {
				/* what use() read to check it: only what
				 * scans touch stays mapped, and a reload's
				 * new generation (vigild) does not count
				 * the whole entry twice */
				mapping_release(map, (size_t)st.st_size);
				*keep = map;
				*keep_len = (size_t)st.st_size;
			} else {
				munmap(map, (size_t)st.st_size);
			}
		}
	}
	close(fd);
	return rc;
}

struct hsdb_load {
	size_t nmatch;
	hs_database_t **db;
	uint8_t *rtflags;
};

static int use_hsdb(void *ctx, const uint8_t *buf, size_t len)
{
	struct hsdb_load *l = ctx;

	return parse(buf, len, l->nmatch, l->db, l->rtflags);
}

int hscache_load(const char *dir, const struct hscache_key *k, size_t nmatch,
		 hs_database_t **db, uint8_t *rtflags)
{
	struct hsdb_load l = { nmatch, db, rtflags };
	char path[4096];

	path_of(path, sizeof(path), dir, k);
	return with_file(path, use_hsdb, &l, NULL, NULL, NULL);
}

struct blob_load {
	size_t nmatch;
	int (*use)(void *, const uint8_t *, size_t, int);
	void *ctx;
	const char *dir;
	const char *path;
	struct hscache_unsettled *u;
	struct stat st;	/* with_file()'s */
};

void hscache_file_id_of(const struct stat *st, struct hscache_file_id *id)
{
	*id = (struct hscache_file_id){
		(uint64_t)st->st_dev, (uint64_t)st->st_ino,
		(uint64_t)st->st_size,
		(uint64_t)st->st_mtim.tv_sec * 1000000000u +
			(uint64_t)st->st_mtim.tv_nsec,
		(uint64_t)st->st_ctim.tv_sec * 1000000000u +
			(uint64_t)st->st_ctim.tv_nsec };
}

int hscache_settled(const struct hscache_file_id *id)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec >=
	       id->ctime_ns + HSCACHE_SETTLE_NS;
}

/* An entry checked whole once and unchanged since (its identity, times
 * included: a write in place changes them) is not summed again at each
 * load, as a .vdb is not (the anchors table of a full-size feed: 62 MB,
 * a fifth of its warm load); what its user checks of its structure still
 * is. */
static int use_blob(void *ctx, const uint8_t *buf, size_t len)
{
	struct blob_load *l = ctx;
	struct hscache_file_id id;
	struct rdr r;
	uint64_t sum, body;
	int known, rc;

	if (header(&r, buf, len, l->nmatch, &sum, &body) < 0 ||
	    body != len - HSCACHE_HEADER)
		return -1;
	hscache_file_id_of(&l->st, &id);
	known = hscache_checked(l->dir, &id, sum, NULL, NULL);
	if (!known && !body_ok(buf, len, sum, 1))
		return -1;
	rc = l->use(l->ctx, buf + HSCACHE_HEADER, len - HSCACHE_HEADER, known);
	if (rc == 0 && !known && hscache_settled(&id))
		hscache_mark_checked(l->dir, &id, sum, NULL);
	else if (rc == 0 && !known && l->u)
		hscache_unsettled_set(l->u, l->path, &id, sum, HSCACHE_HEADER);
	return rc;
}

int hscache_map_blob(const char *dir, const struct hscache_key *k,
		     const char *ext, size_t nmatch,
		     int (*use)(void *, const uint8_t *, size_t, int),
		     void *ctx, void **map, size_t *map_len,
		     struct hscache_unsettled *u)
{
	char path[4096];
	struct blob_load l = { nmatch, use, ctx, dir, path, u, { 0 } };

	path_ext(path, sizeof(path), dir, k, ext);
	return with_file(path, use_blob, &l, map, map_len, &l.st);
}

void hscache_store_blob(const char *dir, const struct hscache_key *k,
			const char *ext, size_t nmatch, const uint8_t *body,
			size_t len, void (*log)(void *, int, const char *),
			void *log_ctx)
{
	char path[4096];
	uint64_t hdr[4];
	uint8_t *b = malloc(HSCACHE_HEADER + len);

	path_ext(path, sizeof(path), dir, k, ext);
	if (b) {
		memcpy(b + HSCACHE_HEADER, body, len);
		memcpy(&hdr[0], HSCACHE_MAGIC, 8);
		hdr[1] = XXH3_64bits(body, len);
		hdr[2] = nmatch;
		hdr[3] = len;
		memcpy(b, hdr, sizeof(hdr));
	}
	if (!b || make_dirs(dir) < 0 ||
	    file_write_atomic(path, b, HSCACHE_HEADER + len) < 0)
		store_failed(path, log, log_ctx);
	free(b);
}

/* mkdir -p, owner-only for what it creates. */
static int make_dirs(const char *dir)
{
	char tmp[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != 0)
			continue;
		tmp[i] = 0;
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -1;
		tmp[i] = i < n ? '/' : 0;
	}
	return 0;
}

static int build_file(size_t nmatch, const hs_database_t *db,
		      const uint8_t *rtflags, uint8_t **out, size_t *len)
{
	char *ser = NULL;
	size_t ser_len = 0, pad = (8 - nmatch % 8) % 8, total;
	uint64_t hdr[4];
	uint8_t *b;

	if (db && hs_serialize_database(db, &ser, &ser_len) != HS_SUCCESS)
		return -1;
	total = HSCACHE_HEADER + nmatch + pad + ser_len;
	if (!(b = calloc(1, total))) {
		free(ser);
		return -1;
	}
	memcpy(b + HSCACHE_HEADER, rtflags, nmatch);
	if (ser_len)
		memcpy(b + HSCACHE_HEADER + nmatch + pad, ser, ser_len);
	free(ser);
	memcpy(&hdr[0], HSCACHE_MAGIC, 8);
	hdr[1] = XXH3_64bits(b + HSCACHE_HEADER, total - HSCACHE_HEADER);
	hdr[2] = nmatch;
	hdr[3] = ser_len;
	memcpy(b, hdr, sizeof(hdr));
	*out = b;
	*len = total;
	return 0;
}

void hscache_store(const char *dir, const struct hscache_key *k,
		   size_t nmatch, const hs_database_t *db,
		   const uint8_t *rtflags,
		   void (*log)(void *, int, const char *), void *log_ctx)
{
	char path[4096];
	uint8_t *b = NULL;
	size_t len;

	path_of(path, sizeof(path), dir, k);
	if (make_dirs(dir) < 0 || build_file(nmatch, db, rtflags, &b, &len) < 0 ||
	    file_write_atomic(path, b, len) < 0)
		store_failed(path, log, log_ctx);
	free(b);
}

#define CHECKED_MAGIC "VIGILOK1"

/* A stamp's path and bytes: the magic, the file's identity, its sum;
 * then, in a stamp of a database, its set's digest (STAMP_DIGEST). */
#define STAMP_BYTES 56
#define STAMP_DIGEST (STAMP_BYTES + sizeof(struct hscache_digest))
static void stamp(const char *dir, const struct hscache_file_id *id,
		  uint64_t sum, char *path, size_t cap,
		  uint8_t out[STAMP_BYTES])
{
	snprintf(path, cap, "%s/vigil-%016llx.vok", dir,
		 (unsigned long long)XXH3_64bits(id, sizeof(*id)));
	memcpy(out, CHECKED_MAGIC, 8);
	memcpy(out + 8, id, sizeof(*id));
	memcpy(out + 48, &sum, 8);
}

int hscache_checked(const char *dir, const struct hscache_file_id *id,
		    uint64_t sum, struct hscache_digest *d, int *has_d)
{
	uint8_t want[STAMP_BYTES], have[STAMP_DIGEST + 1];
	char path[4096];
	ssize_t n;
	int fd, ok;

	stamp(dir, id, sum, path, sizeof(path), want);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return 0;
	n = read(fd, have, sizeof(have));
	ok = (n == STAMP_BYTES || n == (ssize_t)STAMP_DIGEST) &&
	     !memcmp(have, want, sizeof(want));
	if (ok)
		(void)futimens(fd, NULL);
	close(fd);
	if (ok && has_d)
		*has_d = n == (ssize_t)STAMP_DIGEST && d;
	if (ok && has_d && *has_d)
		memcpy(d, have + STAMP_BYTES, sizeof(*d));
	return ok;
}

void hscache_mark_checked(const char *dir, const struct hscache_file_id *id,
			  uint64_t sum, const struct hscache_digest *d)
{
	uint8_t bytes[STAMP_DIGEST];
	char path[4096];

	stamp(dir, id, sum, path, sizeof(path), bytes);
	if (d)
		memcpy(bytes + STAMP_BYTES, d, sizeof(*d));
	if (make_dirs(dir) == 0)
		(void)file_write_atomic(path, bytes,
					d ? STAMP_DIGEST : STAMP_BYTES);
}

void hscache_unsettled_set(struct hscache_unsettled *u, const char *path,
			   const struct hscache_file_id *id, uint64_t sum,
			   size_t skip)
{
	hscache_unsettled_free(u);
	if ((u->path = strdup(path))) {
		u->id = *id;
		u->sum = sum;
		u->skip = skip;
	}
}

void hscache_unsettled_free(struct hscache_unsettled *u)
{
	free(u->path);
	u->path = NULL;
}

long hscache_settle(const char *dir, const struct hscache_unsettled *u,
		    const struct hscache_digest *d)
{
	struct hscache_file_id now;
	struct timespec t;
	struct stat st;
	uint64_t sum, at;
	int fd;

	if (!u->path || hscache_checked(dir, &u->id, u->sum, NULL, NULL))
		return 0;
	clock_gettime(CLOCK_REALTIME, &t); /* as hscache_settled() */
	at = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
	if (at < u->id.ctime_ns + HSCACHE_SETTLE_NS)
		return (long)((u->id.ctime_ns + HSCACHE_SETTLE_NS - at) /
			      1000000u) + 1;
	if ((fd = open(u->path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) == 0) { /* the very file the load read */
		hscache_file_id_of(&st, &now);
		if (!memcmp(&now, &u->id, sizeof(now)) &&
		    file_sum_fd(fd, u->skip, (size_t)st.st_size, &sum) == 0 &&
		    sum == u->sum)
			hscache_mark_checked(dir, &u->id, sum, d);
	}
	close(fd);
	return 0;
}

/* Whether a cache directory's entry is one of ours: "vigil-" and a kind
 * this or an earlier version wrote (.hsdb, .anc<n>, .vok), or one's
 * temporary file ("<name>.tmp.<pid>"). */
static int ours(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (strncmp(name, "vigil-", 6) || !dot)
		return 0;
	if (strstr(name, ".tmp."))
		return 1;
	return !strcmp(dot, ".hsdb") || !strcmp(dot, ".vok") ||
	       (!strncmp(dot, ".anc", 4) && dot[4] >= '0' && dot[4] <= '9');
}

void hscache_prune(const char *dir, unsigned days)
{
	time_t cut = time(NULL) - (time_t)days * 86400;
	DIR *d = opendir(dir);
	struct dirent *ent;
	struct stat st;

	if (!d)
		return;
	while ((ent = readdir(d)))
		if (ours(ent->d_name) &&
		    fstatat(dirfd(d), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_mtime < cut)
			(void)unlinkat(dirfd(d), ent->d_name, 0);
	closedir(d);
}
