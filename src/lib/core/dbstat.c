/*
 * dbstat.c -- has what an engine was loaded from changed (dbstat.h)? As
 * ClamAV's cl_statchkdir() tells its embedders, by stat(): a few calls per
 * file, and for a .vdb read in place whose size and time are as loaded,
 * a read of its header (64 bytes).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/dbstat.h"
#include "db/loader.h"
#include "vigil/vigil.h"

static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 +
	       (int64_t)st->st_mtim.tv_nsec;
}

/* Grows *arr (n used of *cap, each size bytes) by one: 0, or -1. */
static int grow(void **arr, size_t n, size_t *cap, size_t size)
{
	size_t want = *cap ? *cap * 2 : 8;
	void *p;

	if (n < *cap)
		return 0;
	if (!(p = realloc(*arr, want * size)))
		return -1;
	*arr = p;
	*cap = want;
	return 0;
}

int dbstat_add_file(struct dbstat *s, const char *path, const struct stat *st,
		    int mapped)
{
	struct dbstat_file *f;
	char *copy = strdup(path);

	if (!copy || grow((void **)&s->f, s->nf, &s->capf, sizeof(*s->f))) {
		free(copy);
		return VIGIL_ENOMEM;
	}
	f = &s->f[s->nf++];
	*f = (struct dbstat_file){ .path = copy, .dev = st->st_dev,
				   .ino = st->st_ino, .size = st->st_size,
				   .mtime_ns = mtime_ns(st), .mapped = mapped };
	return 0;
}

void dbstat_note_head(struct dbstat *s, const char *path, const void *head,
		      size_t n)
{
	struct dbstat_file *f = s->nf ? &s->f[s->nf - 1] : NULL;

	if (!f || !f->mapped || strcmp(f->path, path))
		return;
	f->nhead = n < sizeof(f->head) ? n : sizeof(f->head);
	memcpy(f->head, head, f->nhead);
}

/* 1 if the first bytes of f's file are no longer those the load read. */
static int head_changed(const struct dbstat_file *f)
{
	uint8_t now[DBSTAT_HEAD_BYTES];
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t got;

	if (fd < 0)
		return 1;
	got = pread(fd, now, f->nhead, 0);
	close(fd);
	return got != (ssize_t)f->nhead || memcmp(now, f->head, f->nhead);
}

/* The sum of a directory's database entries: -1 if it cannot be read. */
static int dir_sum(const char *dir, uint64_t *out)
{
	XXH3_state_t *h = XXH3_createState();
	struct dirent *d;
	DIR *dh;

	if (!h || !(dh = opendir(dir))) {
		XXH3_freeState(h);
		return -1;
	}
	*out = 0;
	while ((d = readdir(dh))) {
		char path[4096];
		struct stat st;
		int pua;
		int64_t v[3];

		if (loader_kind(d->d_name, &pua) == LK_UNKNOWN ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     d->d_name) >= sizeof(path) ||
		    stat(path, &st) < 0)
			continue;
		v[0] = (int64_t)st.st_ino;
		v[1] = (int64_t)st.st_size;
		v[2] = mtime_ns(&st);
		XXH3_64bits_reset(h);
		XXH3_64bits_update(h, d->d_name, strlen(d->d_name) + 1);
		XXH3_64bits_update(h, v, sizeof(v));
		*out += XXH3_64bits_digest(h); /* whatever the listing order */
	}
	closedir(dh);
	XXH3_freeState(h);
	return 0;
}

int dbstat_add_dir(struct dbstat *s, const char *path)
{
	struct dbstat_dir *d;
	uint64_t sum;
	char *copy;

	if (dir_sum(path, &sum) < 0)
		return VIGIL_EIO;
	if (!(copy = strdup(path)) ||
	    grow((void **)&s->d, s->nd, &s->capd, sizeof(*s->d))) {
		free(copy);
		return VIGIL_ENOMEM;
	}
	d = &s->d[s->nd++];
	d->path = copy;
	d->sum = sum;
	return 0;
}

/* 0 (as loaded), 1 (gone or another file now) or 2 (written over). */
static int file_changed(const struct dbstat_file *f)
{
	struct stat st;

	if (stat(f->path, &st) < 0 || st.st_dev != f->dev ||
	    st.st_ino != f->ino)
		return 1;
	if (st.st_size == f->size && mtime_ns(&st) == f->mtime_ns &&
	    (!f->nhead || !head_changed(f)))
		return 0;
	return f->mapped ? 2 : 1;
}

int dbstat_check(const struct dbstat *s)
{
	int worst = 0, c;
	uint64_t sum;
	size_t i;

	for (i = 0; i < s->nf && worst < 2; i++)
		if ((c = file_changed(&s->f[i])) > worst)
			worst = c;
	for (i = 0; i < s->nd && !worst; i++)
		if (dir_sum(s->d[i].path, &sum) < 0 || sum != s->d[i].sum)
			worst = 1;
	return worst;
}

void dbstat_free(struct dbstat *s)
{
	size_t i;

	for (i = 0; i < s->nf; i++)
		free(s->f[i].path);
	for (i = 0; i < s->nd; i++)
		free(s->d[i].path);
	free(s->f);
	free(s->d);
	memset(s, 0, sizeof(*s));
}
