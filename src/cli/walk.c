/*
 * walk.c -- directory traversal for "vigil scan". Symbolic links named on
 * the command line are followed; those met inside directories are not,
 * unless --follow-symlinks, and then a chain of (device, inode) pairs of
 * the directories above stops any loop. Entries are visited in name order
 * so that output is reproducible.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan.h"

struct ancestor {
	dev_t dev;
	ino_t ino;
	const struct ancestor *up;
};

static void walk_entry(struct scanctx *c, const char *path,
		       const struct ancestor *up, int depth, int direct);

static int excluded(const regex_t *r, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (regexec(&r[i], path, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

static const char *kind_of(mode_t m)
{
	if (S_ISFIFO(m))
		return "a fifo";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in a directory, sorted; NULL-terminated. */
static char **list_dir(DIR *d, size_t *n)
{
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n + 1 >= cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 64) *
						       sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		if (!(v[*n] = strdup(de->d_name)))
			break;
		(*n)++;
	}
	if (v)
		qsort(v, *n, sizeof(*v), cmp_name);
	return v;
}

static void walk_dir(struct scanctx *c, const char *path,
		     const struct ancestor *up, int depth)
{
	const struct ancestor *a;
	struct ancestor me;
	struct stat st;
	char **names;
	size_t n, i;
	DIR *d;

	if (!(d = opendir(path))) {
		report_error(c, path, strerror(errno));
		return;
	}
	if (fstat(dirfd(d), &st) < 0) {
		report_error(c, path, strerror(errno));
		closedir(d);
		return;
	}
	for (a = up; a; a = a->up) {
		if (a->dev == st.st_dev && a->ino == st.st_ino) {
			report_skip(c, path, "symbolic link loop");
			closedir(d);
			return;
		}
	}
	c->st.dirs++;
	me.dev = st.st_dev;
	me.ino = st.st_ino;
	me.up = up;
	names = list_dir(d, &n);
	closedir(d);
	for (i = 0; i < n; i++) {
		char *child;

		if (asprintf(&child, "%s/%s", strcmp(path, "/") ? path : "",
			     names[i]) >= 0) {
			walk_entry(c, child, &me, depth + 1, 0);
			free(child);
		}
		free(names[i]);
	}
	free(names);
}

static void walk_entry(struct scanctx *c, const char *path,
		       const struct ancestor *up, int depth, int direct)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		report_error(c, path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		if (!direct && !c->o.follow_symlinks)
			return;
		if (stat(path, &st) < 0) {
			report_error(c, path, errno == ELOOP ?
				     "symbolic link loop" :
				     "dangling symbolic link");
			return;
		}
	}
	if (S_ISDIR(st.st_mode)) {
		if (excluded(c->o.exclude_dir, c->o.nexclude_dir, path))
			return;
		if (depth >= WALK_MAX_DEPTH)
			report_skip(c, path, "directories nested too deep");
		else
			walk_dir(c, path, up, depth);
	} else if (S_ISREG(st.st_mode)) {
		char *p;

		if (excluded(c->o.exclude, c->o.nexclude, path))
			return;
		if ((p = strdup(path)))
			queue_push(&c->q, p);
	} else {
		report_skip(c, path, kind_of(st.st_mode));
	}
}

void walk_arg(struct scanctx *c, const char *arg)
{
	char *path;
	size_t n;

	if (!strcmp(arg, STDIN_PATH)) {
		if ((path = strdup(STDIN_PATH)))
			queue_push(&c->q, path);
		return;
	}
	if (!(path = strdup(arg)))
		return;
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = 0;
	walk_entry(c, path, NULL, 0, 1);
	free(path);
}
