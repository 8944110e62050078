/*
 * listen.c -- listening sockets. A unix socket left behind by a daemon
 * that died is replaced only after a connect() to it fails, so that a
 * second vigild never steals a running one's socket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"

/* Pending connections the kernel holds per listener (clamd: 200). */
#define LISTEN_BACKLOG 512

static int in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return 0;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return rc;
}

/* Gives path to group (a name, or a number). */
static int set_group(const char *path, const char *group)
{
	struct group *g = getgrnam(group);
	char *end;
	long gid;

	if (!g) {
		gid = strtol(group, &end, 10);
		if (*end || end == group || gid < 0) {
			errno = ENOENT;
			return -1;
		}
		return chown(path, (uid_t)-1, (gid_t)gid);
	}
	return chown(path, (uid_t)-1, g->gr_gid);
}

int listen_unix(const char *path, unsigned mode, const char *group,
		int fix_stale, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode) || !fix_stale || in_use(&sa)) {
			snprintf(err, errlen, "%s: %s", path, S_ISSOCK(st.st_mode) ?
				 "in use by a running daemon (or stale, and "
				 "FixStaleSocket is off)" : "exists and is not "
				 "a socket");
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, mode) < 0 || (group && set_group(path, group) < 0) ||
	    listen(fd, LISTEN_BACKLOG) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int listen_tcp(const char *addr, unsigned port, char *err, size_t errlen)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	char svc[16];
	int fd = -1, one = 1, rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(svc, sizeof(svc), "%u", port);
	if ((rc = getaddrinfo(addr, svc, &hints, &ai)) != 0) {
		snprintf(err, errlen, "%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, LISTEN_BACKLOG) < 0) {
		snprintf(err, errlen, "%s port %u: %s", addr, port,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int listen_inherited(void)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	int count, i;

	if (!pid || !n || atol(pid) != (long)getpid())
		return 0;
	count = atoi(n);
	for (i = 0; i < count; i++) {
		fcntl(3 + i, F_SETFD, FD_CLOEXEC);
		fcntl(3 + i, F_SETFL, fcntl(3 + i, F_GETFL) | O_NONBLOCK);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return count > 0 ? count : 0;
}

int listen_describe(int fd, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	*port = 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_UNIX)
		return 1;
	if (ss.ss_family == AF_INET)
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}
