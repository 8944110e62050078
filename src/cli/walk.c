/*
 * walk.c -- directory traversal for "vigil scan". Symbolic links named on
 * the command line are followed; those met inside directories are not,
 * unless --follow-symlinks (each is said, "path: Symbolic link", as
 * clamscan says it), and then a chain of (device, inode) pairs of the
 * directories above stops any loop. Entries are visited in name order so
 * that output is reproducible. --include, --exclude and their -dir forms,
 * --cross-fs=no and --max-dir-recursion decide what is visited.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "filelist.h"
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

/* --exclude and --include (and their -dir forms): whether to skip. */
static int left_out(const struct scanopts *o, const char *path, int dir)
{
	if (dir)
		return excluded(o->exclude_dir, o->nexclude_dir, path) ||
		       (o->ninclude_dir &&
			!excluded(o->include_dir, o->ninclude_dir, path));
	return excluded(o->exclude, o->nexclude, path) ||
	       (o->ninclude && !excluded(o->include, o->ninclude, path));
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

/* The entry's own type (a link followed if it may be): 0, or -1 when
 * it is left out or could not be read (said). */
static int entry_stat(struct scanctx *c, const char *path, int direct,
		      struct stat *st)
{
	if (lstat(path, st) < 0) {
		report_error(c, path, strerror(errno));
		return -1;
	}
	if (!direct && c->o.no_cross_fs && st->st_dev != c->root_dev) {
		report_note(c, path, "Excluded"); /* --cross-fs=no */
		return -1;
	}
	if (!S_ISLNK(st->st_mode))
		return 0;
	if (!direct && !c->o.follow_symlinks) {
		report_note(c, path, "Symbolic link");
		return -1;
	}
	if (stat(path, st) < 0) {
		report_error(c, path, errno == ELOOP ? "symbolic link loop" :
			     "dangling symbolic link");
		return -1;
	}
	return 0;
}

static void walk_entry(struct scanctx *c, const char *path,
		       const struct ancestor *up, int depth, int direct)
{
	int max = c->o.max_dir_depth ? c->o.max_dir_depth : WALK_MAX_DEPTH;
	struct stat st;
	char *p;

	if (entry_stat(c, path, direct, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		if (!direct && left_out(&c->o, path, 1))
			return;
		if (depth >= max)
			report_skip(c, path, "directories nested too deep");
		else
			walk_dir(c, path, up, depth);
	} else if (S_ISREG(st.st_mode)) {
		if (left_out(&c->o, path, 0))
			return;
		if ((p = strdup(path)))
			queue_push(&c->q, p);
	} else {
		report_skip(c, path, kind_of(st.st_mode));
	}
}

void walk_arg(struct scanctx *c, const char *arg)
{
	struct stat st;
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
	if (stat(path, &st) == 0)
		c->root_dev = st.st_dev; /* --cross-fs=no stays on it */
	walk_entry(c, path, NULL, 0, 1);
	free(path);
}

static void walk_line(void *ctx, const char *path)
{
	walk_arg(ctx, path);
}

int walk_file_list(struct scanctx *c)
{
	if (file_list_each(c->o.file_list, walk_line, c) == 0)
		return 0;
	report_error(c, c->o.file_list, strerror(errno));
	return -1;
}
