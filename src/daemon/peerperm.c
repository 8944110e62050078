/*
 * peerperm.c -- see peerperm.h. The path is walked one component at a
 * time from "/" with O_NOFOLLOW, each directory's mode checked on the
 * descriptor that is then used, so that a directory swapped for a link
 * between the check and the open cannot lead elsewhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peerperm.h"

/* SO_PEERGROUPS: the groups as the socket's peer had them when it
 * connected (no race with a pid reused since): 0, or -1. */
static int socket_groups(struct peer *p)
{
	gid_t g[PEER_MAX_GROUPS];
	socklen_t len = sizeof(g);

	if (p->sock < 0 ||
	    getsockopt(p->sock, SOL_SOCKET, SO_PEERGROUPS, g, &len) < 0)
		return -1;
	p->ngroups = len / sizeof(g[0]);
	memcpy(p->groups, g, p->ngroups * sizeof(g[0]));
	return 0;
}

/* The groups (SO_PEERGROUPS; where the kernel lacks it, the "Groups:"
 * line of /proc/PID/status, more are left out: refusing). */
void peer_groups(struct peer *p)
{
	char path[64], line[1024];
	FILE *f;

	if (!p->known || p->groups_read)
		return;
	p->groups_read = 1;
	if (socket_groups(p) == 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = line + 7, *end;

		if (strncmp(line, "Groups:", 7))
			continue;
		while (p->ngroups < PEER_MAX_GROUPS) {
			unsigned long g = strtoul(s, &end, 10);

			if (end == s)
				break;
			p->groups[p->ngroups++] = (gid_t)g;
			s = end;
		}
		break;
	}
	fclose(f);
}

void peer_load(struct peer *p, int sock)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	memset(p, 0, sizeof(*p));
	p->sock = -1;
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 ||
	    len != sizeof(cr))
		return;
	p->uid = cr.uid;
	p->gid = cr.gid;
	p->pid = cr.pid;
	p->sock = sock;
	p->known = 1;
}

int peer_checked(const struct peer *p)
{
	return p->known && p->uid != 0 && p->uid != geteuid();
}

static int in_group(const struct peer *p, gid_t g)
{
	unsigned i;

	if (p->gid == g)
		return 1;
	for (i = 0; i < p->ngroups; i++)
		if (p->groups[i] == g)
			return 1;
	return 0;
}

/* The client's permission bits (rwx, 3 bits) on st. */
static unsigned bits(const struct peer *p, const struct stat *st)
{
	if (p->uid == st->st_uid)
		return (st->st_mode >> 6) & 7;
	if (in_group(p, st->st_gid))
		return (st->st_mode >> 3) & 7;
	return st->st_mode & 7;
}

int peer_may_read(const struct peer *p, const struct stat *st)
{
	unsigned need = S_ISDIR(st->st_mode) ? 5 : 4;

	return !peer_checked(p) || (bits(p, st) & need) == need;
}

/* Whether the client may pass through the directory open at fd. */
static int may_enter(const struct peer *p, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (!(bits(p, &st) & 1)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

/* The last component opened for reading, checked. */
static int open_end(const struct peer *p, int dir, const char *name)
{
	struct stat st;
	int fd;

	if (may_enter(p, dir) < 0)
		return -1;
	fd = openat(dir, *name ? name : ".", O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && peer_may_read(p, &st))
		return fd;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		errno = EACCES;
	close(fd);
	return -1;
}

static int walk(const struct peer *p, char *real)
{
	char *name = real + 1, *slash;
	int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), next, fd;

	while (dir >= 0 && (slash = strchr(name, '/'))) {
		*slash = '\0';
		next = -1;
		if (may_enter(p, dir) == 0)
			next = openat(dir, name, O_PATH | O_DIRECTORY |
				      O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		dir = next;
		name = slash + 1;
	}
	if (dir < 0)
		return -1;
	fd = open_end(p, dir, name);
	close(dir);
	return fd;
}

int peer_open(const struct peer *p, const char *path)
{
	char *real;
	int fd, e;

	if (!peer_checked(p))
		return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
			    O_NOCTTY);
	if (!(real = realpath(path, NULL)))
		return -1;
	fd = walk(p, real);
	e = errno;
	free(real);
	errno = e;
	return fd;
}
