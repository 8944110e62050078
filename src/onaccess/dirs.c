/*
 * dirs.c -- see dirs.h. inotify descriptors index a table of paths; a
 * directory removed is dropped when inotify says its watch went
 * (IN_IGNORED), and its fanotify mark goes with its inode. Past DIRS_MAX
 * directories, or DIRS_MAX_DEPTH levels down, the rest are not watched,
 * and the log says so once.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basics.h"
#include "dirs.h"

#define DIR_EVENTS (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

struct dirs {
	int fan, ino;
	uint64_t mask;
	const char *const *excludes;
	unsigned nexcludes;
	char **path;		/* by inotify watch descriptor */
	unsigned cap, count;
	int full_said;
};

struct dirs *dirs_new(int fan, uint64_t mask, const char *const *excludes,
		      unsigned nexcludes)
{
	struct dirs *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->fan = fan;
	d->mask = mask | FAN_EVENT_ON_CHILD;
	d->excludes = excludes;
	d->nexcludes = nexcludes;
	d->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->ino < 0) {
		free(d);
		return NULL;
	}
	return d;
}

void dirs_free(struct dirs *d)
{
	unsigned i;

	if (!d)
		return;
	for (i = 0; i < d->cap; i++)
		free(d->path[i]);
	free(d->path);
	close(d->ino);
	free(d);
}

int dirs_fd(const struct dirs *d)
{
	return d->ino;
}

/* Remembers wd's path; -1 when out of memory. */
static int remember(struct dirs *d, int wd, const char *path)
{
	char **grown;
	unsigned cap = d->cap;

	while ((unsigned)wd >= cap)
		cap = cap ? cap * 2 : 256;
	if (cap != d->cap) {
		if (!(grown = realloc(d->path, cap * sizeof(*grown))))
			return -1;
		memset(grown + d->cap, 0, (cap - d->cap) * sizeof(*grown));
		d->path = grown;
		d->cap = cap;
	}
	if (!d->path[wd])
		d->count++;
	free(d->path[wd]);
	return (d->path[wd] = strdup(path)) ? 0 : -1;
}

/* Marks one directory; -1 if it cannot be watched. */
static int mark_dir(struct dirs *d, const char *path)
{
	int wd;

	if (d->count >= DIRS_MAX) {
		if (!d->full_said++)
			oa_log("more than %d directories: %s and others like "
			       "it are not watched", DIRS_MAX, path);
		return -1;
	}
	if (fanotify_mark(d->fan, FAN_MARK_ADD | FAN_MARK_ONLYDIR, d->mask,
			  AT_FDCWD, path) < 0 ||
	    (wd = inotify_add_watch(d->ino, path, DIR_EVENTS)) < 0) {
		oa_log("cannot watch %s: %s", path, strerror(errno));
		return -1;
	}
	return remember(d, wd, path);
}

/* Whether the entry is a directory (not a link to one). */
static int is_dir(DIR *dir, const struct dirent *e)
{
	struct stat st;

	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	return fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

static int add_tree(struct dirs *d, const char *root, unsigned depth)
{
	char sub[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	if (oa_under(root, d->excludes, d->nexcludes) || mark_dir(d, root) < 0)
		return -1;
	if (depth == DIRS_MAX_DEPTH || !(dir = opendir(root)))
		return 0;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !is_dir(dir, e))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", root,
				     e->d_name) < sizeof(sub))
			add_tree(d, sub, depth + 1);
	}
	closedir(dir);
	return 0;
}

int dirs_add_tree(struct dirs *d, const char *root)
{
	return add_tree(d, root, 0);
}

void dirs_events(struct dirs *d)
{
	char buf[8192] __attribute__((aligned(8))), sub[PATH_MAX];
	const struct inotify_event *e;
	ssize_t len = read(d->ino, buf, sizeof(buf));
	ssize_t at;

	for (at = 0; len > 0 && at < len;
	     at += (ssize_t)sizeof(*e) + (ssize_t)e->len) {
		e = (const void *)(buf + at);
		if (e->wd < 0 || (unsigned)e->wd >= d->cap || !d->path[e->wd])
			continue;
		if (e->mask & IN_IGNORED) { /* the directory went */
			free(d->path[e->wd]);
			d->path[e->wd] = NULL;
			d->count--;
		} else if ((e->mask & IN_ISDIR) && e->len &&
			   (size_t)snprintf(sub, sizeof(sub), "%s/%s",
					    d->path[e->wd], e->name) <
				   sizeof(sub)) {
			dirs_add_tree(d, sub);
		}
	}
}
