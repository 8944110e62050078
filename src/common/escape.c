/*
 * escape.c -- see escape.h. The exec attempt names a path that does not
 * exist: a filter refuses the call before the kernel looks the path up
 * (EPERM), an unconfined process gets ENOENT, which means the call was
 * allowed, and nothing is ever replaced.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/escape.h"

#define ESCAPE_EXEC_PATH "/nonexistent/vigil-escape-probe"

static int try_open(const char *path, int flags)
{
	int fd;

	errno = 0;
	if ((fd = open(path, flags | O_CLOEXEC)) < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_socket(void)
{
	int fd;

	errno = 0;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_exec(void)
{
	char *const argv[] = { (char *)ESCAPE_EXEC_PATH, NULL };
	char *const envp[] = { NULL };

	errno = 0;
	execve(ESCAPE_EXEC_PATH, argv, envp);
	return errno == ENOENT ? 0 : errno;
}

static int try_fork(void)
{
	pid_t pid;

	errno = 0;
	if ((pid = fork()) < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static void *nothing(void *arg)
{
	return arg;
}

static int try_thread(void)
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, nothing, NULL);

	if (rc == 0)
		pthread_join(t, NULL);
	return rc;
}

static int try_limit(void)
{
	struct rlimit rl, up;

	if (getrlimit(RLIMIT_AS, &rl) < 0)
		return errno;
	up = rl;
	up.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_AS, &up) < 0)
		return errno;
	setrlimit(RLIMIT_AS, &rl);
	return 0;
}

void escape_try(const char *path, struct escape_result *r)
{
	r->read_errno = try_open(path, O_RDONLY);
	r->write_errno = try_open(path, O_WRONLY | O_APPEND);
	r->socket_errno = try_socket();
	r->exec_errno = try_exec();
	r->fork_errno = try_fork();
	r->thread_errno = try_thread();
	r->limit_errno = try_limit();
}

static const char *said(int e)
{
	return e ? strerror(e) : "allowed";
}

const char *escape_format(const struct escape_result *r, char *buf,
			  size_t len)
{
	snprintf(buf, len, "read: %s; write: %s; socket: %s; exec: %s; "
		 "fork: %s; thread: %s; limit: %s", said(r->read_errno),
		 said(r->write_errno), said(r->socket_errno),
		 said(r->exec_errno), said(r->fork_errno),
		 said(r->thread_errno), said(r->limit_errno));
	return buf;
}
