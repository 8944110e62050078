/*
 * scanner.c -- a scanner's life and its entry points for buffers,
 * descriptors and paths (streams are in stream.c, the object walk in
 * walk.c). A scanner owns all per-scan state, so scanners of one engine
 * never share anything writable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/iconscan.h"
#include "core/opts.h"
#include "core/parwalk.h"
#include "core/pcrescan.h"
#include "core/scanner_int.h"
#include "core/yarascan.h"
#include "match/magic.h"
#include "util/fileio.h"
#include "util/mapguard.h"

/* An object is addressed whole (a mapping or a buffer); one over
 * Vectorscan's block of 4 GiB - 1 is matched in chunks (bodyscan.c). */
#define SCAN_MAX_OBJECT_BYTES ((uint64_t)SIZE_MAX)
/* A file's start asked for at once; the kernel reads ahead of the rest. */
#define READ_AHEAD_BYTES ((size_t)256 << 20)
/* Files up to this size are read into the scanner's own buffer, which is
 * kept from one file to the next: a copy the caches still hold when the
 * matchers read it, where a mapping costs page tables set up and torn down
 * per file (the bench's 1 GiB: see README). No larger than an entry
 * buffer the scan keeps, so that a scanner holds no more memory between
 * scans than it did (an embedder may run dozens). */
#define READ_BYTES ((off_t)WALK_BUF_KEEP_BYTES)
/* Bigger files up to this size are mapped with their pages (MAP_POPULATE). */
#define POPULATE_BYTES ((off_t)64 << 20)

static int state_new(struct shard_state *st, const struct shard *sh)
{
	size_t nm = sh->v.nmatch + 1, nl = sh->v.nldb + 1;

	st->counts = calloc(sh->ncounts + 1, sizeof(*st->counts));
	st->done = calloc(nm, 1);
	/* only the anchors matcher tries starts one anchor at a time */
	st->next = sh->m.anchored ? calloc(nm, sizeof(*st->next)) : NULL;
	st->touched_m = calloc(nm, sizeof(*st->touched_m));
	st->ldb_mark = calloc(nl, 1);
	st->touched_l = calloc(nl, sizeof(*st->touched_l));
	if (!st->counts || !st->done || (sh->m.anchored && !st->next) ||
	    !st->touched_m || !st->ldb_mark || !st->touched_l)
		return VIGIL_ENOMEM;
	return 0;
}

static void state_free(struct shard_state *st)
{
	free(st->counts);
	free(st->done);
	free(st->next);
	free(st->touched_m);
	free(st->ldb_mark);
	free(st->touched_l);
}

static int scratch_new(struct vigil_scanner *s)
{
	size_t i;

	for (i = 0; i < s->e->nshards; i++) {
		const struct hsdb *m = &s->e->shards[i].m;
		const hs_database_t *db[] = { m->db, m->text.all.db,
					      m->text.raw.db,
					      m->text.norm.db };
		size_t k;

		for (k = 0; k < sizeof(db) / sizeof(db[0]); k++)
			if (db[k] && hs_alloc_scratch(db[k], &s->scratch) !=
					     HS_SUCCESS)
				return VIGIL_EMATCHER;
	}
	return 0;
}

static void set_defaults(struct vigil_scan_options *o)
{
	if (!o->max_filesize)
		o->max_filesize = VIGIL_DEFAULT_MAX_FILESIZE_BYTES;
	if (o->max_filesize > SCAN_MAX_OBJECT_BYTES)
		o->max_filesize = SCAN_MAX_OBJECT_BYTES;
	if (!o->max_scansize)
		o->max_scansize = VIGIL_DEFAULT_MAX_SCANSIZE_BYTES;
	if (!o->max_files)
		o->max_files = VIGIL_DEFAULT_MAX_FILES;
	if (!o->max_depth)
		o->max_depth = VIGIL_DEFAULT_MAX_DEPTH;
	if (!o->max_seconds)
		o->max_seconds = VIGIL_DEFAULT_MAX_SECONDS;
	if (!o->max_ratio)
		o->max_ratio = VIGIL_DEFAULT_MAX_RATIO;
	if (!o->pcre_match_limit)
		o->pcre_match_limit = VIGIL_DEFAULT_PCRE_MATCH_LIMIT;
	if (!o->pcre_recmatch_limit)
		o->pcre_recmatch_limit = VIGIL_DEFAULT_PCRE_RECMATCH_LIMIT;
	if (!o->pcre_max_filesize)
		o->pcre_max_filesize = VIGIL_DEFAULT_PCRE_MAX_FILESIZE_BYTES;
	if (!o->structured_cc_count)
		o->structured_cc_count = VIGIL_DEFAULT_STRUCTURED_COUNT;
	if (!o->structured_ssn_count)
		o->structured_ssn_count = VIGIL_DEFAULT_STRUCTURED_COUNT;
	if (!(o->flags & (VIGIL_SCAN_STRUCTURED_SSN_NORMAL |
			  VIGIL_SCAN_STRUCTURED_SSN_STRIPPED)))
		o->flags |= VIGIL_SCAN_STRUCTURED_SSN_NORMAL;
}

/* A helper for par_new: a scanner like s, without helpers of its own. */
static int helper_new(const struct vigil_scanner *s, struct vigil_scanner **h)
{
	struct vigil_scan_options o = s->opts;

	o.threads = 0;
	return vigil_scanner_new(h, s->e, &o);
}

int vigil_scanner_new(struct vigil_scanner **out, const struct vigil_engine *e,
		      const struct vigil_scan_options *opts)
{
	struct vigil_scanner *s;
	size_t i;
	int rc = VIGIL_ENOMEM;

	*out = NULL;
	if (!e || (opts && !opts_valid(opts, opts->size, sizeof(size_t) +
				       sizeof(unsigned), sizeof(*opts))))
		return VIGIL_EINVAL;
	if (opts && opts->size >= offsetof(struct vigil_scan_options,
					   threads) + sizeof(opts->threads) &&
	    opts->threads > VIGIL_MAX_SCAN_THREADS)
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
	set_defaults(&s->opts);
	varr_init(&s->det, sizeof(struct detection));
	varr_init(&s->warn, 2 * sizeof(uint32_t));
	if (!(s->st = calloc(e->nshards + 1, sizeof(*s->st))))
		goto fail;
	for (i = 0; i < e->nshards; i++)
		if ((rc = state_new(&s->st[i], &e->shards[i])) < 0)
			goto fail;
	if ((rc = scratch_new(s)) < 0 || (rc = yarascan_scanner_new(s)) < 0)
		goto fail;
	if (s->opts.threads &&
	    (rc = par_new(&s->par, s->opts.threads, helper_new,
			  vigil_scanner_free)) < 0)
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
	par_free(s->par);
	for (i = 0; s->st && i < s->e->nshards; i++)
		state_free(&s->st[i]);
	free(s->st);
	hs_free_scratch(s->scratch);
	hs_free_scratch(s->mscratch);
	varr_free(&s->det);
	varr_free(&s->warn);
	vbuf_free(&s->pool);
	vbuf_free(&s->w.path);
	free(s->given_name);
	for (i = 0; i < WALK_BUF_LEVELS; i++)
		vbuf_free(&s->xbuf[i]);
	free(s->norm);
	vbuf_free(&s->html[0]);
	vbuf_free(&s->html[1]);
	vbuf_free(&s->fbuf);
	vbuf_free(&s->ahead);
	vbuf_free(&s->forms[0]);
	vbuf_free(&s->forms[1]);
	free(s->exe);
	pcrescan_scanner_free(s);
	yarascan_scanner_free(s);
	iconscan_free(s);
	seen_free(&s->w.seen);
	free(s->stream.buf);
	if (s->stream.fd >= 0)
		close(s->stream.fd);
	free(s);
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

/* Waits until fd can be read, up to the end of the scan time that began
 * at t0: 1 (readable), 0 (time is up) or -1 (poll failed). A poll that
 * waited out the time left ends it: the coarse clock may lag behind it. */
static int wait_readable(struct vigil_scanner *s, int fd, double t0)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		double left = s->opts.max_seconds - (scanner_clock() - t0);
		int n;

		if (left <= 0)
			return 0;
		n = poll(&p, 1, left > 3600 ? 3600 * 1000 :
					      (int)(left * 1000) + 1);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
		if (n == 0 && left <= 3600)
			return 0;
	}
}

/*
 * Reads a pipe, socket or size-less file through a stream, within the scan
 * time: a writer that stops without ending holds the scan no longer than
 * that, and the result is then the time limit (never clean).
 */
static int scan_unsized(struct vigil_scanner *s, int fd,
			struct vigil_result *res)
{
	uint8_t chunk[65536];
	double t0 = scanner_clock();
	int rc;

	if ((rc = vigil_scanner_stream_begin(s)) < 0)
		return rc;
	for (;;) {
		ssize_t n;

		if ((rc = wait_readable(s, fd, t0)) == 0)
			return stream_end_at_limit(s, LIMIT_TIME, res);
		n = rc < 0 ? -1 : read(fd, chunk, sizeof(chunk));
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

/* Reads a regular file of size bytes whole into s->fbuf and scans what
 * it holds (less if the file shrank meanwhile, as a mapping would show).
 * From its start, as a mapping, wherever its offset is (a stream's spill
 * file has just been written). */
static int scan_read(struct vigil_scanner *s, int fd, size_t size,
		     struct vigil_result *res)
{
	int rc = file_read_whole(fd, size, &s->fbuf);

	return rc ? rc : scanner_scan_object(s, s->fbuf.data, s->fbuf.len, res);
}

/*
 * A mapping's pages vanish when another process shrinks the file (or the
 * disk cannot give one), and reading them would end the process. Under
 * the guard they read as zeros; a scan that lost some is no clean result:
 * VIGIL_ECHANGED if the file is now shorter than mapped, else VIGIL_EIO
 * (EIO). A detection made is still reported, with a warning.
 */
int scanner_scan_mapped(struct vigil_scanner *s, int fd, const void *map,
			size_t len, struct vigil_result *res)
{
	struct mapguard g;
	int rc;

	mapguard_begin(&g, map, len);
	rc = scanner_scan_object(s, map, len, res);
	if (!mapguard_end(&g))
		return rc;
	if (rc == 0 && res->verdict == VIGIL_VERDICT_FOUND) {
		scanner_warn(s, "part of the file could not be read while it "
				"was scanned");
		if (res->size >= offsetof(struct vigil_result, warnings) +
					 sizeof(res->warnings))
			res->warnings = (uint32_t)s->warn.n;
		return 0;
	}
	return mapguard_error(fd, NULL, len);
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
	if ((uint64_t)st.st_size > SIZE_MAX) /* a 32-bit address space */
		return VIGIL_ENOMEM;
	if (st.st_size <= READ_BYTES)
		return scan_read(s, fd, (size_t)st.st_size, res);
	/* a file the scan reads whole has its pages mapped in one call, not
	 * a fault at a time (the bench's 1 GiB: 5% faster) */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ,
		   MAP_PRIVATE | (st.st_size <= POPULATE_BYTES ? MAP_POPULATE : 0),
		   fd, 0);
	if (map == MAP_FAILED) /* not read: an error, never an empty file */
		return errno == ENOMEM ? VIGIL_ENOMEM : VIGIL_EIO;
	if (st.st_size > POPULATE_BYTES) {
		mapping_zero_holes(fd, map, (size_t)st.st_size);
		/* two calls: the advice values are no flags to combine */
		madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
		madvise(map, (size_t)st.st_size < READ_AHEAD_BYTES ?
				     (size_t)st.st_size : READ_AHEAD_BYTES,
			MADV_WILLNEED);
	}
	rc = scanner_scan_mapped(s, fd, map, (size_t)st.st_size, res);
	munmap(map, (size_t)st.st_size);
	return rc;
}

int vigil_scanner_set_name(struct vigil_scanner *s, const char *name)
{
	char *copy = NULL;

	if (!s)
		return VIGIL_EINVAL;
	if (name && !(copy = strdup(name)))
		return VIGIL_ENOMEM;
	free(s->given_name);
	s->given_name = copy;
	s->name = copy;
	return 0;
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
	else {
		s->name = path;
		rc = vigil_scanner_scan_fd(s, fd, res);
		s->name = s->given_name;
	}
	close(fd);
	return rc;
}
