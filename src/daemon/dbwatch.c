/*
 * dbwatch.c -- notices a .vdb written in place while the engine maps it
 * (dbwatch.h). A write is told from a rename by the file it lands in: the
 * inode the last load found under a .vdb name. A new file written under
 * another name and renamed over the old one (vigil update, vigil db
 * compile -o, mv, install) writes no inode the engine maps. A .vdb that
 * is a symbolic link has the file it names watched too: its writes raise
 * no event in this directory when it lies elsewhere.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbwatch.h"

#define DBWATCH_EVENTS (IN_MODIFY | IN_CLOSE_WRITE)

int dbwatch_open(struct dbwatch *w, const char *dir)
{
	memset(w, 0, sizeof(*w));
	w->ev.kind = EV_DBWATCH;
	w->fd = -1;
	if (strlen(dir) >= sizeof(w->dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(w->dir, dir);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -1;
	if ((w->wd = inotify_add_watch(w->fd, dir, DBWATCH_EVENTS)) < 0) {
		close(w->fd);
		w->fd = -1;
		return -1;
	}
	return 0;
}

static int is_vdb(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".vdb");
}

/* The file's identity, if it is a regular file: 0, else -1. */
static int identify(const struct dbwatch *w, const char *name, dev_t *dev,
		    ino_t *ino)
{
	char path[sizeof(w->dir) + 256];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", w->dir, name) >=
		    sizeof(path) ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

/* A watch of the file a .vdb link names (its writes raise no event in
 * the directory when it lies elsewhere); -1 for a plain file. */
static int watch_target(struct dbwatch *w, int dfd, const char *name)
{
	char path[sizeof(w->dir) + 256];
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISLNK(st.st_mode) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", w->dir, name) >=
		    sizeof(path))
		return -1;
	return inotify_add_watch(w->fd, path, DBWATCH_EVENTS);
}

static void forget_targets(struct dbwatch *w)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->fwd[i] >= 0 && w->fwd[i] != w->wd)
			inotify_rm_watch(w->fd, w->fwd[i]);
		free(w->name[i]);
	}
	w->n = 0;
}

void dbwatch_remember(struct dbwatch *w)
{
	struct dirent *d;
	DIR *dh;
	int wd;

	if (w->fd < 0)
		return;
	forget_targets(w);
	wd = inotify_add_watch(w->fd, w->dir, DBWATCH_EVENTS);
	if (wd >= 0 && wd != w->wd) {
		inotify_rm_watch(w->fd, w->wd);
		w->wd = wd;
	}
	if (!(dh = opendir(w->dir)))
		return;
	while ((d = readdir(dh)) && w->n < DBWATCH_MAX_FILES)
		if (is_vdb(d->d_name) &&
		    identify(w, d->d_name, &w->dev[w->n], &w->ino[w->n]) == 0) {
			/* without memory for its name, no watch of its file */
			w->name[w->n] = strdup(d->d_name);
			w->fwd[w->n] = w->name[w->n] ?
					       watch_target(w, dirfd(dh), d->d_name) :
					       -1;
			w->n++;
		}
	closedir(dh);
}

/* The .vdb link whose file watch an event without a name came from. */
static const char *target_name(const struct dbwatch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->fwd[i] >= 0 && w->fwd[i] == wd && wd != w->wd)
			return w->name[i];
	return NULL;
}

static int loaded(const struct dbwatch *w, const char *name)
{
	dev_t dev;
	ino_t ino;
	size_t i;

	if (!is_vdb(name) || identify(w, name, &dev, &ino) < 0)
		return 0;
	for (i = 0; i < w->n; i++)
		if (w->dev[i] == dev && w->ino[i] == ino)
			return 1;
	return 0;
}

/* What one event says; a close counts only after a write was seen. */
static enum dbwatch_news news_of(struct dbwatch *w,
				 const struct inotify_event *e,
				 const char **name)
{
	*name = e->len ? e->name : target_name(w, e->wd);
	if (!*name || !loaded(w, *name))
		return DBWATCH_NONE;
	if (e->mask & IN_MODIFY) {
		w->writing = 1;
		return DBWATCH_WRITING;
	}
	if ((e->mask & IN_CLOSE_WRITE) && w->writing) {
		w->writing = 0;
		return DBWATCH_WRITTEN;
	}
	return DBWATCH_NONE;
}

enum dbwatch_news dbwatch_read(struct dbwatch *w, char *name, size_t len)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	enum dbwatch_news best = DBWATCH_NONE;
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		const char *p = buf;

		while (p + sizeof(struct inotify_event) <= buf + n) {
			const struct inotify_event *e = (const void *)p;
			const char *file;
			enum dbwatch_news now = news_of(w, e, &file);

			if (now != DBWATCH_NONE && now >= best) {
				best = now;
				snprintf(name, len, "%s", file);
			}
			p += sizeof(*e) + e->len;
		}
	}
	/* a write that began after the last close in this batch */
	if (best == DBWATCH_WRITTEN && w->writing)
		best = DBWATCH_WRITING;
	return best;
}

void dbwatch_close(struct dbwatch *w)
{
	if (w->fd >= 0) {
		forget_targets(w);
		close(w->fd);
	}
	w->fd = -1;
}
