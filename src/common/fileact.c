/*
 * fileact.c -- see fileact.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileact.h"

/* A new file in dir named after path's last component: its descriptor,
 * the name in dest. */
static int dest_file(const char *dir, const char *path, char *dest,
		     size_t len)
{
	char copy[FILEACT_MAX_PATH];
	const char *base;
	int i, fd;

	snprintf(copy, sizeof(copy), "%s", path);
	base = basename(copy);
	for (i = 0; i < FILEACT_MAX_SUFFIX; i++) {
		if (i)
			snprintf(dest, len, "%s/%s.%03d", dir, base, i);
		else
			snprintf(dest, len, "%s/%s", dir, base);
		fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			  O_NOFOLLOW, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* in's bytes from its start into out, then out to disk. */
static int copy_bytes(int in, int out)
{
	char buf[65536];
	off_t off = 0;
	ssize_t n;

	while ((n = pread(in, buf, sizeof(buf), off)) > 0) {
		if (write(out, buf, (size_t)n) != n)
			return -1;
		off += n;
	}
	return n < 0 || fsync(out) < 0 ? -1 : 0;
}

/* Whether path is still the file open at in. */
static int names(int in, const char *path)
{
	struct stat a, b;

	if (fstat(in, &a) < 0 || lstat(path, &b) < 0)
		return 0;
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 1;
	errno = EEXIST; /* another file has taken the name */
	return 0;
}

static int act(enum fileact_kind k, int in, const char *path,
	       const char *dir, char *dest, size_t destlen)
{
	int out, rc, e;

	if (!names(in, path))
		return -1;
	if (k == FILEACT_REMOVE)
		return unlink(path);
	if ((out = dest_file(dir, path, dest, destlen)) < 0) {
		e = errno;
		*dest = '\0';
		errno = e;
		return -1;
	}
	rc = k == FILEACT_MOVE ? rename(path, dest) : -1;
	if (rc < 0 && (k == FILEACT_COPY || errno == EXDEV))
		rc = copy_bytes(in, out) < 0 ||
		     (k == FILEACT_MOVE && (!names(in, path) ||
					    unlink(path) < 0)) ? -1 : 0;
	e = errno;
	close(out);
	if (rc < 0)
		unlink(dest);
	errno = e;
	return rc;
}

int fileact_do(enum fileact_kind k, int in, const char *path,
	       const char *dir, char *dest, size_t destlen)
{
	int mine = in < 0, rc, e;

	*dest = '\0';
	if (mine && (in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
			       O_NOCTTY | O_NONBLOCK)) < 0)
		return -1;
	rc = act(k, in, path, dir, dest, destlen);
	e = errno;
	if (mine)
		close(in);
	errno = e;
	return rc;
}

void fileact_line(enum fileact_kind k, int rc, int err, const char *path,
		  const char *dir, const char *dest, char *line, size_t len)
{
	const char *verb = k == FILEACT_MOVE ? "move" : "copy";

	if (k == FILEACT_REMOVE && rc == 0)
		snprintf(line, len, "%s: Removed.", path);
	else if (k == FILEACT_REMOVE)
		snprintf(line, len, "Can't remove file '%s': %s", path,
			 strerror(err));
	else if (rc == 0)
		snprintf(line, len, "%s: %s to '%s'", path,
			 k == FILEACT_MOVE ? "moved" : "copied", dest);
	else if (*dest)
		snprintf(line, len, "Can't %s file %s to %s: %s", verb, path,
			 dest, strerror(err));
	else
		snprintf(line, len, "Can't %s file '%s' into %s: %s", verb,
			 path, dir, strerror(err));
}
