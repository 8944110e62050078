/*
 * failsys.c -- an LD_PRELOAD shim for the crash-consistency tests: with
 * VIGIL_FAIL="rename:3" (or fsync:N, with :ENOSPC to choose the error)
 * the N-th call of that function fails; every other call is passed on.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rename(const char *from, const char *to);
int fsync(int fd);

static int should_fail(const char *name)
{
	static unsigned calls[2];
	const char *spec = getenv("VIGIL_FAIL");
	unsigned idx = !strcmp(name, "fsync"), n;
	size_t len = strlen(name);

	calls[idx]++;
	if (!spec || strncmp(spec, name, len) || spec[len] != ':')
		return 0;
	n = (unsigned)atoi(spec + len + 1);
	if (calls[idx] != n)
		return 0;
	errno = strstr(spec, "ENOSPC") ? ENOSPC : EIO;
	return 1;
}

int rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *) =
		(int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");

	return should_fail("rename") ? -1 : real(from, to);
}

int fsync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");

	return should_fail("fsync") ? -1 : real(fd);
}
