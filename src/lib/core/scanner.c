/*
 * scanner.c -- one object through every signature kind: file hashes (only
 * when some signature has the object's size), body and logical signatures
 * over the raw bytes and, for text, over normalised text; then the
 * allowlist and the ignore list. Entry points for buffers, descriptors and
 * paths; streams are in stream.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/digest.h"
#include "core/filetype.h"
#include "core/scanner_int.h"
#include "core/textnorm.h"
#include "match/hashset.h"

/* Objects are matched as one block; Vectorscan takes up to 4 GiB - 1. */
#define SCAN_MAX_OBJECT_BYTES 0xffffffffull

static int state_new(struct shard_state *st, const struct shard *sh)
{
	size_t nm = sh->v.nmatch + 1, nl = sh->v.nldb + 1;

	st->counts = calloc(sh->ncounts + 1, sizeof(*st->counts));
	st->done = calloc(nm, 1);
	st->touched_m = calloc(nm, sizeof(*st->touched_m));
	st->ldb_mark = calloc(nl, 1);
	st->touched_l = calloc(nl, sizeof(*st->touched_l));
	if (!st->counts || !st->done || !st->touched_m || !st->ldb_mark ||
	    !st->touched_l)
		return VIGIL_ENOMEM;
	return 0;
}

static void state_free(struct shard_state *st)
{
	free(st->counts);
	free(st->done);
	free(st->touched_m);
	free(st->ldb_mark);
	free(st->touched_l);
}

static int scratch_new(struct vigil_scanner *s)
{
	size_t i;

	for (i = 0; i < s->e->nshards; i++) {
		const hs_database_t *db = s->e->shards[i].m.db;

		if (db && hs_alloc_scratch(db, &s->scratch) != HS_SUCCESS)
			return VIGIL_EMATCHER;
	}
	return 0;
}

int vigil_scanner_new(struct vigil_scanner **out, const struct vigil_engine *e,
		      const struct vigil_scan_options *opts)
{
	struct vigil_scanner *s;
	size_t i;
	int rc = VIGIL_ENOMEM;

	*out = NULL;
	if (!e || (opts && opts->size < sizeof(size_t) + sizeof(unsigned)))
		return VIGIL_EINVAL;
	if (!e->compiled)
		return VIGIL_ESTATE;
	if (!(s = calloc(1, sizeof(*s))))
		return VIGIL_ENOMEM;
	s->e = e;
	s->stream.fd = -1;
	if (opts)
		memcpy(&s->opts, opts, opts->size < sizeof(s->opts) ?
					       opts->size :
					       sizeof(s->opts));
	s->opts.size = sizeof(s->opts);
	if (!s->opts.max_filesize)
		s->opts.max_filesize = VIGIL_DEFAULT_MAX_FILESIZE_BYTES;
	if (s->opts.max_filesize > SCAN_MAX_OBJECT_BYTES)
		s->opts.max_filesize = SCAN_MAX_OBJECT_BYTES;
	if (!(s->st = calloc(e->nshards + 1, sizeof(*s->st))))
		goto fail;
	for (i = 0; i < e->nshards; i++)
		if ((rc = state_new(&s->st[i], &e->shards[i])) < 0)
			goto fail;
	if ((rc = scratch_new(s)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	vigil_scanner_free(s);
	return rc;
}

void vigil_scanner_free(struct vigil_scanner *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; s->st && i < s->e->nshards; i++)
		state_free(&s->st[i]);
	free(s->st);
	hs_free_scratch(s->scratch);
	free(s->det);
	free(s->norm);
	free(s->stream.buf);
	if (s->stream.fd >= 0)
		close(s->stream.fd);
	free(s);
}

static int add_name(struct vigil_scanner *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ndet; i++)
		if (s->det[i] == name || !strcmp(s->det[i], name))
			return 0;
	if (s->ndet == s->capdet) {
		size_t cap = s->capdet ? s->capdet * 2 : 8;
		const char **d = realloc(s->det, cap * sizeof(*d));

		if (!d)
			return VIGIL_ENOMEM;
		s->det = d;
		s->capdet = cap;
	}
	s->det[s->ndet++] = name;
	return (s->opts.flags & VIGIL_SCAN_ALLMATCH) ? 0 : 1;
}

int scanner_detect(struct vigil_scanner *s, const char *name)
{
	return engine_ignores(s->e, name) ? 0 : add_name(s, name);
}

int scanner_limit(struct vigil_scanner *s, const char *name)
{
	return add_name(s, name);
}

const char *vigil_scanner_detection(const struct vigil_scanner *s, size_t i)
{
	return (s && i < s->ndet) ? s->det[i] : NULL;
}

/* File hash signatures; digests are computed once for every shard. */
static int scan_hashes(struct vigil_scanner *s, const uint8_t *buf,
		       size_t len, struct digests *d)
{
	unsigned want = 0;
	size_t i, a;
	int rc;

	for (i = 0; i < s->e->nshards; i++)
		for (a = 0; a < HASH_NALGO; a++)
			if (s->e->shards[i].v.nhash[a] &&
			    hashset_size_wanted(&s->e->shards[i].v, (int)a, len))
				want |= 1u << a;
	if (!want)
		return 0;
	if ((rc = digest_compute(buf, len, want, d)) < 0)
		return rc;
	for (i = 0; i < s->e->nshards; i++) {
		for (a = 0; a < HASH_NALGO; a++) {
			const char *name;

			if (!(want & (1u << a)))
				continue;
			name = hashset_find(&s->e->shards[i].v, (int)a,
					    d->d[a], len);
			if (name && (rc = scanner_detect(s, name)) != 0)
				return rc;
		}
	}
	return 0;
}

static int scan_bodies(struct vigil_scanner *s, const uint8_t *buf,
		       size_t len, uint32_t targets)
{
	size_t i;
	int rc;

	for (i = 0; i < s->e->nshards; i++)
		if ((rc = bodyscan_run(s, i, buf, len, targets)) != 0)
			return rc;
	return 0;
}

static int scan_text(struct vigil_scanner *s, const uint8_t *buf,
		     size_t len, uint32_t targets)
{
	size_t n;

	if (len > s->normcap) {
		uint8_t *p = realloc(s->norm, len);

		if (!p)
			return VIGIL_ENOMEM;
		s->norm = p;
		s->normcap = len;
	}
	n = textnorm(buf, len, s->norm);
	return scan_bodies(s, s->norm, n, targets);
}

/* 1 if the object's digest is on an allowlist. */
static int allowlisted(struct vigil_scanner *s, const uint8_t *buf,
		       size_t len, struct digests *d)
{
	unsigned want = 0;
	size_t i, a;

	for (a = 0; a < HASH_NALGO; a++)
		if (s->e->has_allow[a])
			want |= 1u << a;
	if (!want || digest_compute(buf, len, want, d) < 0)
		return 0;
	for (i = 0; i < s->e->nshards; i++)
		for (a = 0; a < HASH_NALGO; a++)
			if ((want & (1u << a)) &&
			    hashset_allowed(&s->e->shards[i].v, (int)a,
					    d->d[a], len))
				return 1;
	return 0;
}

/* 1 if a limit cut this scan short: then nothing may make it clean. */
static int limited(const struct vigil_scanner *s)
{
	size_t i;

	for (i = 0; i < s->ndet; i++)
		if (!strncmp(s->det[i], "Heuristics.Limits.", 18))
			return 1;
	return 0;
}

static void fill_result(struct vigil_scanner *s, int type, size_t len,
			struct vigil_result *res)
{
	struct vigil_result r;

	memset(&r, 0, sizeof(r));
	r.size = res->size;
	r.detections = (uint32_t)s->ndet;
	r.name = s->ndet ? s->det[0] : NULL;
	r.verdict = !s->ndet ? VIGIL_VERDICT_CLEAN :
		    !strncmp(r.name, "Heuristics.Limits.", 18) && s->ndet == 1 ?
			       VIGIL_VERDICT_LIMIT :
			       VIGIL_VERDICT_FOUND;
	r.file_type = type;
	r.bytes = len;
	memcpy(res, &r, res->size < sizeof(r) ? res->size : sizeof(r));
}

int scanner_scan_object(struct vigil_scanner *s, const uint8_t *buf,
			size_t len, struct vigil_result *res)
{
	struct digests d = { 0 };
	int type = filetype_detect(buf, len);
	uint32_t norm = filetype_norm_targets(type);
	int rc = 0;

	s->ndet = 0;
	if (len > s->opts.max_filesize) {
		rc = scanner_limit(s, LIMIT_FILESIZE);
		fill_result(s, type, len, res);
		return rc < 0 ? rc : 0;
	}
	rc = scan_hashes(s, buf, len, &d);
	if (!rc)
		rc = scan_bodies(s, buf, len, filetype_raw_targets(type));
	if (!rc && norm)
		rc = scan_text(s, buf, len, norm);
	if (rc < 0)
		return rc;
	if (s->ndet && !limited(s) && allowlisted(s, buf, len, &d))
		s->ndet = 0;
	fill_result(s, type, len, res);
	return 0;
}

int vigil_scanner_scan_buffer(struct vigil_scanner *s, const void *buf,
			      size_t len, struct vigil_result *res)
{
	if (!s || !res || res->size < sizeof(size_t) + sizeof(int) ||
	    (!buf && len))
		return VIGIL_EINVAL;
	if (s->stream.open)
		return VIGIL_ESTATE;
	return scanner_scan_object(s, buf ? buf : "", len, res);
}

/* Reads a pipe, socket or size-less file through a stream. */
static int scan_unsized(struct vigil_scanner *s, int fd,
			struct vigil_result *res)
{
	uint8_t chunk[65536];
	int rc;

	if ((rc = vigil_scanner_stream_begin(s)) < 0)
		return rc;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = VIGIL_EIO;
			break;
		}
		if (n == 0)
			return vigil_scanner_stream_end(s, res);
		if ((rc = vigil_scanner_stream_write(s, chunk, (size_t)n)) < 0)
			break;
	}
	s->stream.open = 0;
	return rc;
}

int vigil_scanner_scan_fd(struct vigil_scanner *s, int fd,
			  struct vigil_result *res)
{
	struct stat st;
	void *map;
	int rc;

	if (!s || !res || fd < 0 || res->size < sizeof(size_t) + sizeof(int))
		return VIGIL_EINVAL;
	if (s->stream.open)
		return VIGIL_ESTATE;
	if (fstat(fd, &st) < 0)
		return VIGIL_EIO;
	if (S_ISDIR(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return VIGIL_ETYPE;
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return scan_unsized(s, fd, res);
	if ((uint64_t)st.st_size > s->opts.max_filesize) {
		s->ndet = 0;
		if ((rc = scanner_limit(s, LIMIT_FILESIZE)) < 0)
			return rc;
		fill_result(s, VIGIL_TYPE_BINARY, (size_t)st.st_size, res);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return scan_unsized(s, fd, res);
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL | MADV_WILLNEED);
	rc = scanner_scan_object(s, map, (size_t)st.st_size, res);
	munmap(map, (size_t)st.st_size);
	return rc;
}

int vigil_scanner_scan_path(struct vigil_scanner *s, const char *path,
			    struct vigil_result *res)
{
	struct stat st;
	int fd, rc;

	if (!s || !path)
		return VIGIL_EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? VIGIL_ENOENT : VIGIL_EIO;
	if (fstat(fd, &st) < 0)
		rc = VIGIL_EIO;
	else if (!S_ISREG(st.st_mode))
		rc = S_ISDIR(st.st_mode) || S_ISCHR(st.st_mode) ||
				     S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode) ||
				     S_ISSOCK(st.st_mode) ?
			     VIGIL_ETYPE :
			     VIGIL_EIO;
	else
		rc = vigil_scanner_scan_fd(s, fd, res);
	close(fd);
	return rc;
}
