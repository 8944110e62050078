/*
 * engine.c -- engine lifecycle: loading sources and databases, compiling
 * (sources into .vdb images, every image into a matcher), saving, stats.
 * Invariant: before compile, only groups and mapped shards change; after
 * compile, nothing does, so any number of scanners may share the engine.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/engine_int.h"
#include "core/opts.h"
#include "core/phishscan.h"
#include "core/yaraload.h"
#include "util/fileio.h"
#include "match/hscache.h"
#include "match/hschunk.h"
#include "db/loader.h"
#include "sig/pcre.h"

static void elog(const struct vigil_engine *e, int level, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

static void elog(const struct vigil_engine *e, int level, const char *fmt,
		 ...)
{
	char msg[600];
	va_list ap;

	if (!e->opts.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->opts.log(e->opts.log_ctx, level, msg);
}

int vigil_engine_new(struct vigil_engine **out,
		     const struct vigil_engine_options *opts)
{
	struct vigil_engine *e;

	*out = NULL;
	if (opts && !opts_valid(opts, opts->size, sizeof(size_t) +
				sizeof(unsigned), sizeof(*opts)))
		return VIGIL_EINVAL;
	if (!(e = calloc(1, sizeof(*e))))
		return VIGIL_ENOMEM;
	e->opts.size = sizeof(e->opts);
	if (opts)
		memcpy(&e->opts, opts, opts->size < sizeof(e->opts) ?
					       opts->size :
					       sizeof(e->opts));
	e->opts.size = sizeof(e->opts);
	*out = e;
	return 0;
}

static void shard_free(struct shard *s)
{
	size_t i;

	hsdb_free(&s->m);
	hscache_unsettled_free(&s->vdb_new);
	free(s->cnt_base);
	free(s->zero_ldb);
	for (i = 0; s->pcre_code && i < s->v.npcre; i++)
		pcre2_code_free(atomic_load(&s->pcre_code[i]));
	free(s->pcre_code);
	if (s->chunk)
		hschunk_free(atomic_load(s->chunk));
	free(s->chunk);
	for (i = 0; i < s->ncdb_re; i++)
		regfree(&s->cdb_re[i]);
	free(s->cdb_re);
	phishscan_release(s);
	free(s->gsb);
	free(s->image); /* last: the view above points into it */
	if (s->map)
		munmap(s->map, s->map_len);
	memset(s, 0, sizeof(*s));
}

static void group_free(struct group *g)
{
	if (!g)
		return;
	sigset_free(&g->ss);
	free(g);
}

void vigil_engine_free(struct vigil_engine *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->ngroups; i++)
		group_free(e->groups[i]);
	for (i = 0; i < e->nshards; i++)
		shard_free(&e->shards[i]);
	free(e->ignore);
	free(e->cat_digest[0]);
	free(e->cat_digest[1]);
	yaraload_free(e);
	dbstat_free(&e->loaded);
	free(e);
}

static int group_new(struct vigil_engine *e, const char *name,
		     struct group **out)
{
	struct group *g;

	if (e->ngroups + e->nshards >= ENGINE_MAX_SHARDS)
		return VIGIL_ELIMIT;
	if (!(g = calloc(1, sizeof(*g))))
		return VIGIL_ENOMEM;
	if (sigset_init(&g->ss) < 0) {
		free(g);
		return VIGIL_ENOMEM;
	}
	snprintf(g->name, sizeof(g->name), "%s", name);
	e->groups[e->ngroups++] = g;
	*out = g;
	return 0;
}

/* The group a source goes to: its own for a container, unless merging. */
static int group_for(struct vigil_engine *e, const char *name, int kind,
		     struct group **out)
{
	int own = (kind == LK_CVD || kind == LK_CLD || kind == LK_CUD) &&
		  !(e->opts.flags & VIGIL_ENGINE_MERGE);
	int rc;

	if (own)
		return group_new(e, name, out);
	if (!e->loose && (rc = group_new(e, "sources", &e->loose)) < 0)
		return rc;
	*out = e->loose;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int add_source_name(struct sigset *ss, const char *name)
{
	if (ss->sources.len && vbuf_append(&ss->sources, ", ", 2) < 0)
		return VIGIL_ENOMEM;
	return vbuf_append(&ss->sources, name, strlen(name));
}

/* A source's signatures; on_disk: name is the file's path, so its
 * detached .cvd.sign can be looked for beside it. */
static int load_source(struct vigil_engine *e, const char *name, int kind,
		       const uint8_t *buf, size_t len, int on_disk)
{
	struct loadctx lc;
	struct group *g;
	int rc;

	if ((rc = group_for(e, name, kind, &g)) < 0)
		return rc;
	memset(&lc, 0, sizeof(lc));
	lc.ss = &g->ss;
	lc.flags = e->opts.flags;
	lc.log = e->opts.log;
	lc.log_ctx = e->opts.log_ctx;
	lc.cvd_key = e->opts.cvd_key;
	lc.cvd_certs_dir = on_disk ? e->opts.cvd_certs_dir : NULL;
	lc.yara = 1;
	if ((rc = add_source_name(&g->ss, base_name(name))) < 0)
		return rc;
	return loader_load(&lc, name, buf, len);
}

/* Takes ownership of image (malloc'd) or map; sum as for vdb_open(). */
static int add_vdb(struct vigil_engine *e, const char *name, uint8_t *image,
		   void *map, size_t len, const uint64_t *sum)
{
	struct shard *s;
	const char *why = "";
	int rc;

	if (e->ngroups + e->nshards >= ENGINE_MAX_SHARDS)
		rc = VIGIL_ELIMIT;
	else
		rc = vdb_open(image ? image : map, len, sum, !image,
			      &e->shards[e->nshards].v, &why);
	if (rc < 0) {
		elog(e, VIGIL_LOG_ERROR, "%s: %s", name,
		     rc == VIGIL_ELIMIT ? "too many databases" : why);
		free(image);
		if (map)
			munmap(map, len);
		return rc;
	}
	s = &e->shards[e->nshards++];
	s->image = image;
	s->map = map;
	s->map_len = map ? len : 0;
	snprintf(s->name, sizeof(s->name), "%s", base_name(name));
	return 0;
}

int vigil_engine_load_memory(struct vigil_engine *e, const char *name,
			     const void *buf, size_t len)
{
	int pua, kind;
	uint8_t *copy;

	if (!e || !name || (!buf && len))
		return VIGIL_EINVAL;
	if (e->compiled)
		return VIGIL_ESTATE;
	kind = loader_kind(name, &pua);
	if (kind != LK_VDB)
		return load_source(e, name, kind, buf, len, 0);
	if (!(copy = malloc(len ? len : 1)))
		return VIGIL_ENOMEM;
	memcpy(copy, buf, len);
	return add_vdb(e, name, copy, NULL, len, NULL);
}

/* A database's identity, for the stamp of one checked whole (hscache.h;
 * none for a file that changed a moment ago: hscache_settled()), and its
 * set's digest if the stamp gave it. */
struct vdb_check {
	const char *dir;
	struct hscache_file_id id;
	struct hscache_digest digest;
	int asked, known, has_digest;
};

static int vdb_known(void *ctx, int fd, const struct stat *st,
		     uint64_t *sum)
{
	struct vdb_check *c = ctx;
	struct vdb_header h;

	hscache_file_id_of(st, &c->id);
	c->asked = 1;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    !hscache_checked(c->dir, &c->id, h.checksum, &c->digest,
			     &c->has_digest))
		return 0;
	*sum = h.checksum;
	return c->known = 1;
}

/* After a load of a .vdb: the stamp of one checked whole, with its set's
 * digest (read now for that, once); or what a stamp will need once it has
 * settled (vigil_engine_settle()); or the stamp's digest kept for the
 * matcher's cache key. */
static void vdb_stamp(struct shard *s, struct vdb_check *c, uint64_t sum,
		      const char *path)
{
	if (c->known && c->has_digest) {
		s->digest = c->digest;
		s->has_digest = 1;
	} else if (hscache_settled(&c->id)) {
		hscache_digest(&s->v, &s->digest);
		s->has_digest = 1;
		hscache_mark_checked(c->dir, &c->id, sum, &s->digest);
	} else if (!c->known) {
		hscache_unsettled_set(&s->vdb_new, path, &c->id, sum,
				      sizeof(struct vdb_header));
	}
}

/* A .vdb: mapped; its checksum read, not mapped (it stays out of RSS),
 * unless a stamp says this very file was checked before. */
static int load_vdb(struct vigil_engine *e, const char *path)
{
	struct vdb_check chk = { e->opts.cache_dir, { 0 }, { 0, 0 }, 0, 0,
				 0 };
	struct filemap fm;
	uint64_t sum = 0;
	int rc = filemap_open_known(path, &fm, sizeof(struct vdb_header), &sum,
				    chk.dir ? vdb_known : NULL, &chk);

	if (rc < 0) {
		elog(e, VIGIL_LOG_ERROR, "%s: %s", path, strerror(errno));
		return rc;
	}
	filemap_random_ahead(&fm);
	rc = add_vdb(e, path, NULL, fm.map, fm.len,
		     fm.len > sizeof(struct vdb_header) ? &sum : NULL);
	if (rc == 0 && chk.asked)
		vdb_stamp(&e->shards[e->nshards - 1], &chk, sum, path);
	if (rc == 0) /* the header as loaded: it tells a write in place */
		dbstat_note_head(&e->loaded, path, fm.map,
				 sizeof(struct vdb_header));
	if (rc == 0) /* what checking it read and its own steps left */
		mapping_release(fm.map, fm.len);
	return rc;
}

int vigil_engine_settle(const struct vigil_engine *e)
{
	long wait = 0, w;
	size_t i;

	if (!e)
		return VIGIL_EINVAL;
	if (!e->compiled)
		return VIGIL_ESTATE;
	for (i = 0; e->opts.cache_dir && i < e->nshards; i++) {
		const struct shard *s = &e->shards[i];

		w = hscache_settle(e->opts.cache_dir, &s->vdb_new,
				   s->has_digest ? &s->digest : NULL);
		wait = w > wait ? w : wait;
		w = hscache_settle(e->opts.cache_dir, &s->m.anc_new, NULL);
		wait = w > wait ? w : wait;
	}
	return (int)wait;
}

static int load_file(struct vigil_engine *e, const char *path)
{
	struct filemap fm;
	struct stat st;
	int pua, kind = loader_kind(path, &pua), rc;

	if (kind == LK_UNKNOWN) {
		elog(e, VIGIL_LOG_ERROR, "%s: not a signature file Vigil knows",
		     path);
		return VIGIL_EFORMAT;
	}
	/* as it is before the load: a change during it is a change */
	if (stat(path, &st) == 0 &&
	    (rc = dbstat_add_file(&e->loaded, path, &st, kind == LK_VDB)) < 0)
		return rc;
	if (kind == LK_VDB)
		return load_vdb(e, path);
	if ((rc = filemap_open(path, &fm)) < 0) {
		elog(e, VIGIL_LOG_ERROR, "%s: %s", path, strerror(errno));
		return rc;
	}
	rc = load_source(e, path, kind, fm.map ? fm.map : (const void *)"",
			 fm.len, 1);
	filemap_close(&fm);
	return rc;
}

/* Load order in a directory: ignore lists first, then by name. */
static int dir_order(const struct dirent **a, const struct dirent **b)
{
	int pa, pb, ka = loader_kind((*a)->d_name, &pa),
		    kb = loader_kind((*b)->d_name, &pb);
	int ia = ka == LK_IGN || ka == LK_IGN2, ib = kb == LK_IGN || kb == LK_IGN2;

	if (ia != ib)
		return ib - ia;
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int load_dir(struct vigil_engine *e, const char *dir)
{
	struct dirent **ents = NULL;
	int n, i, rc = 0;

	if ((n = scandir(dir, &ents, NULL, dir_order)) < 0) {
		elog(e, VIGIL_LOG_ERROR, "%s: %s", dir, strerror(errno));
		return VIGIL_EIO;
	}
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		int pua;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (!rc && loader_kind(ents[i]->d_name, &pua) != LK_UNKNOWN &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode))
			rc = load_file(e, path);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int vigil_engine_load(struct vigil_engine *e, const char *path)
{
	struct stat st;

	if (!e || !path)
		return VIGIL_EINVAL;
	if (e->compiled)
		return VIGIL_ESTATE;
	if (stat(path, &st) < 0) {
		elog(e, VIGIL_LOG_ERROR, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? VIGIL_ENOENT : VIGIL_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		int rc = dbstat_add_dir(&e->loaded, path);

		return rc < 0 ? rc : load_dir(e, path);
	}
	return load_file(e, path);
}

int vigil_engine_changed(const struct vigil_engine *e)
{
	return e ? dbstat_check(&e->loaded) : VIGIL_EINVAL;
}
