/*
 * fsutil.c -- see fsutil.h. A crash at any point leaves either the old
 * file or the new one under the name, never a mix.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

int upd_mkdir_p(const char *dir, unsigned mode)
{
	char tmp[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -1;
		tmp[i] = i < n ? '/' : '\0';
	}
	return 0;
}

int upd_sync_parent(const char *path)
{
	char tmp[4096];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s", path);
	if ((fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int upd_write_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[4200];
	const char *p = buf;
	int fd, rc = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -1;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto out;
	rc = 0;
out:
	if (close(fd) < 0)
		rc = -1;
	if (rc == 0 && (rename(tmp, path) < 0 || upd_sync_parent(path) < 0))
		rc = -1;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

char *upd_read_file(const char *path, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > cap) {
		errno = EFBIG;
		goto out;
	}
	if (!(buf = malloc((size_t)st.st_size + 1)))
		goto out;
	while (got < (size_t)st.st_size &&
	       (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	if (got != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

int upd_remove_tree(const char *path)
{
	struct dirent *d;
	DIR *dh;

	if (unlink(path) == 0 || errno == ENOENT)
		return 0;
	if (!(dh = opendir(path)))
		return -1;
	while ((d = readdir(dh)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			unlinkat(dirfd(dh), d->d_name, 0);
	closedir(dh);
	return rmdir(path);
}
