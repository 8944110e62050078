/*
 * confine.c -- see confine.h. Landlock handles every right the running
 * kernel knows (headers older than the kernel are made up for below), so
 * that what is not granted is denied.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/confine.h"

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#define LL_FS_ABI1 ((1ULL << 13) - 1) /* EXECUTE .. MAKE_SYM */
#define LL_FS_REFER (1ULL << 13)      /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)   /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15)  /* ABI 5 */
#define LL_NET_ALL ((1ULL << 0) | (1ULL << 1)) /* TCP bind, connect: ABI 4 */
#define LL_SCOPE_ALL ((1ULL << 0) | (1ULL << 1)) /* abstract unix, signal */
/* Reading: execute (mapping libraries), read files, read directories. */
#define LL_READ ((1ULL << 0) | (1ULL << 2) | (1ULL << 3))
/* Changing files: read, read dirs, write, remove, make regular files,
 * rename between such places (REFER), truncate; as far as handled. */
#define LL_CHANGE ((1ULL << 1) | (1ULL << 2) | (1ULL << 3) | (1ULL << 5) | \
		   (1ULL << 8) | LL_FS_REFER | LL_FS_TRUNCATE)
#define LL_RULE_PATH_BENEATH 1

struct ll_attr {
	uint64_t handled_access_fs, handled_access_net, scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

static size_t attr_for(long abi, int deny_tcp, struct ll_attr *a)
{
	size_t size = sizeof(a->handled_access_fs);

	a->handled_access_fs = LL_FS_ABI1;
	a->handled_access_net = a->scoped = 0;
	if (abi >= 2)
		a->handled_access_fs |= LL_FS_REFER;
	if (abi >= 3)
		a->handled_access_fs |= LL_FS_TRUNCATE;
	if (abi >= 4 && deny_tcp) {
		a->handled_access_net = LL_NET_ALL;
		size = 2 * sizeof(uint64_t);
	}
	if (abi >= 5)
		a->handled_access_fs |= LL_FS_IOCTL_DEV;
	if (abi >= 6) {
		a->scoped = LL_SCOPE_ALL;
		size = sizeof(*a);
	}
	return size;
}

static int add_read(long fd, const char *path)
{
	struct ll_path_beneath pb;
	struct stat st;
	int pfd = open(path, O_PATH | O_CLOEXEC), rc;

	if (pfd < 0)
		return errno == ENOENT ? 0 : -1; /* absent here: nothing */
	pb.allowed_access = LL_READ;
	if (fstat(pfd, &st) == 0 && !S_ISDIR(st.st_mode))
		pb.allowed_access &= ~(1ULL << 3); /* files: no READ_DIR */
	pb.parent_fd = pfd;
	rc = (int)syscall(SYS_landlock_add_rule, (int)fd, LL_RULE_PATH_BENEATH,
			  &pb, 0);
	close(pfd);
	return rc;
}

/* The change rights beneath path (a file: beneath its directory). */
static int add_change(long fd, const char *path, uint64_t handled)
{
	struct ll_path_beneath pb;
	char dir[4096], *slash;
	struct stat st;
	int pfd, rc;

	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	snprintf(dir, sizeof(dir), "%s", path);
	if (!S_ISDIR(st.st_mode)) {
		slash = strrchr(dir, '/');
		if (!slash)
			snprintf(dir, sizeof(dir), ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
	if ((pfd = open(dir, O_PATH | O_CLOEXEC | O_DIRECTORY)) < 0)
		return -1;
	pb.allowed_access = LL_CHANGE & handled;
	pb.parent_fd = pfd;
	rc = (int)syscall(SYS_landlock_add_rule, (int)fd, LL_RULE_PATH_BENEATH,
			  &pb, 0);
	close(pfd);
	return rc;
}

int confine_landlock(const struct confine_fs *fs)
{
	struct ll_attr a;
	long abi, fd;
	size_t i, size;
	int rc = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return 0;
	size = attr_for(abi, fs ? fs->deny_tcp : 1, &a);
	if ((fd = syscall(SYS_landlock_create_ruleset, &a, size, 0)) < 0)
		return -1;
	for (i = 0; fs && fs->read_paths && fs->read_paths[i] && rc == 0; i++)
		rc = add_read(fd, fs->read_paths[i]);
	for (i = 0; fs && fs->change_paths && fs->change_paths[i] && rc == 0;
	     i++)
		rc = add_change(fd, fs->change_paths[i], a.handled_access_fs);
	if (rc == 0 && syscall(SYS_landlock_restrict_self, (int)fd, 0) < 0)
		rc = -1;
	close((int)fd);
	return rc < 0 ? -1 : (int)abi;
}

int confine_seccomp(const int *syscalls, size_t n)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	size_t i;
	int rc = -1;

	if (!ctx)
		return -1;
	for (i = 0; i < n; i++) {
		if (syscalls[i] < 0)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), syscalls[i], 0))
			goto out;
	}
	rc = seccomp_load(ctx) ? -1 : 0;
out:
	seccomp_release(ctx);
	return rc;
}

void confine_probe(struct confine_report *r)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	int lerr = errno;

	r->why[0] = '\0';
	r->landlock_abi = abi > 0 ? (int)abi : 0;
	/* PR_GET_SECCOMP fails with EINVAL where seccomp is not built in */
	r->seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
	if (!r->landlock_abi)
		snprintf(r->why, sizeof(r->why), "Landlock is not available "
			 "(%s)", lerr == EOPNOTSUPP ?
			 "disabled at boot: add landlock to lsm=" :
			 "this kernel does not have it");
	if (!r->seccomp)
		snprintf(r->why + strlen(r->why),
			 sizeof(r->why) - strlen(r->why), "%sseccomp is not "
			 "available (this kernel does not have it)",
			 r->landlock_abi ? "" : "; ");
}

int confine_scan(const struct confine_fs *fs, int threads,
		 struct confine_report *r)
{
	struct confine_fs none = { NULL, 1, NULL };
	int abi;

	confine_probe(r);
	if ((abi = confine_landlock(fs ? fs : &none)) < 0)
		return -1;
	r->landlock_abi = abi;
	if (r->seccomp) {
		if (confine_seccomp_scan(threads) < 0) {
			if (errno != EINVAL && errno != ENOSYS)
				return -1;
			r->seccomp = 0; /* filters not supported after all */
			snprintf(r->why + strlen(r->why),
				 sizeof(r->why) - strlen(r->why),
				 "%sseccomp filters cannot be loaded (%s)",
				 *r->why ? "; " : "", strerror(errno));
		}
	}
	return r->landlock_abi && r->seccomp ? 0 : 1;
}

const char *confine_describe(const struct confine_report *r, char *buf,
			     size_t len)
{
	if (r->landlock_abi && r->seccomp)
		snprintf(buf, len, "Landlock ABI %d, seccomp allowlist",
			 r->landlock_abi);
	else if (r->landlock_abi || r->seccomp)
		snprintf(buf, len, "only %s: %s", r->seccomp ?
			 "seccomp allowlist" : "Landlock", r->why);
	else
		snprintf(buf, len, "none: %s", r->why);
	return buf;
}
