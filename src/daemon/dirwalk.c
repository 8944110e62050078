/*
 * dirwalk.c -- a depth-first walk with a stack of open directories. Each
 * entry is opened relative to its directory's descriptor with O_NOFOLLOW,
 * and its type is taken from the open descriptor, so that a path swapped
 * for a link during the walk cannot lead outside the tree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dirwalk.h"
#include "peerperm.h"

/* Longest path handed out, in bytes; deeper names are reported. */
#define DIRWALK_MAX_PATH_BYTES 4096

struct level {
	DIR *dir;
	size_t path_len;	/* of the directory's path in w->path */
};

struct dirwalk {
	const struct peer *client;
	struct level stack[DIRWALK_MAX_DEPTH + 1];
	int depth;		/* index of the top level; -1 when done */
	char path[DIRWALK_MAX_PATH_BYTES];
};

struct dirwalk *dirwalk_new(int dirfd, const char *root,
			    const struct peer *client)
{
	struct dirwalk *w = calloc(1, sizeof(*w));
	size_t n = strlen(root);

	if (!w || !(w->stack[0].dir = fdopendir(dirfd))) {
		free(w);
		close(dirfd);
		return NULL;
	}
	w->client = client;
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n >= sizeof(w->path))
		n = sizeof(w->path) - 1;
	memcpy(w->path, root, n);
	w->path[n] = '\0';
	w->stack[0].path_len = n;
	return w;
}

static void pop(struct dirwalk *w)
{
	closedir(w->stack[w->depth].dir);
	w->stack[w->depth].dir = NULL;
	w->depth--;
}

/* Sets w->path to the entry's path; -1 if it does not fit. */
static int set_path(struct dirwalk *w, const char *name)
{
	size_t base = w->stack[w->depth].path_len;
	int n = snprintf(w->path + base, sizeof(w->path) - base, "%s%s",
			 base == 1 && w->path[0] == '/' ? "" : "/", name);

	return n < 0 || (size_t)n >= sizeof(w->path) - base ? -1 : 0;
}

static int push(struct dirwalk *w, int fd)
{
	DIR *d;

	if (w->depth == DIRWALK_MAX_DEPTH || !(d = fdopendir(fd))) {
		close(fd);
		return -1;
	}
	w->depth++;
	w->stack[w->depth].dir = d;
	w->stack[w->depth].path_len = strlen(w->path);
	return 0;
}

int dirwalk_next(struct dirwalk *w, int *fd, const char **path,
		 const char **why)
{
	struct dirent *d;
	struct stat st;
	int f;

	*path = w->path;
	while (w->depth >= 0) {
		errno = 0;
		if (!(d = readdir(w->stack[w->depth].dir))) {
			pop(w);
			continue;
		}
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (d->d_type == DT_LNK || set_path(w, d->d_name) < 0)
			continue;
		f = openat(dirfd(w->stack[w->depth].dir), d->d_name,
			   O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
				   O_NOCTTY);
		if (f < 0) {
			*why = errno == ELOOP ? NULL : strerror(errno);
			if (*why)
				return -1;
			continue; /* a link */
		}
		if (fstat(f, &st) < 0 || !(S_ISREG(st.st_mode) ||
					    S_ISDIR(st.st_mode))) {
			close(f);
			continue;
		}
		if (!peer_may_read(w->client, &st)) {
			close(f);
			*why = strerror(EACCES);
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			push(w, f);
			continue;
		}
		*fd = f;
		return 1;
	}
	return 0;
}

void dirwalk_free(struct dirwalk *w)
{
	if (!w)
		return;
	while (w->depth >= 0)
		pop(w);
	free(w);
}
