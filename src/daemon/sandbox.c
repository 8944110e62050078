/*
 * sandbox.c -- the worker's confinement. Landlock handles every file
 * system right the running kernel knows, with no rule granting any, plus
 * TCP bind/connect and signals to processes outside the worker (ABI 4 and
 * 6). Seccomp refuses, with EPERM, the system calls a parser never needs
 * and an intruder would: sockets, execution, tracing, kernel interfaces.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

/* Landlock ABI features newer than Debian 12's kernel headers. */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#define LL_FS_ABI1 ((1ULL << 13) - 1) /* EXECUTE .. MAKE_SYM */
#define LL_FS_REFER (1ULL << 13)      /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)   /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15)  /* ABI 5 */
#define LL_NET_ALL ((1ULL << 0) | (1ULL << 1)) /* bind, connect TCP: ABI 4 */
#define LL_SCOPE_ALL ((1ULL << 0) | (1ULL << 1)) /* abstract unix, signal: 6 */

struct ll_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

static int landlock(void)
{
	struct ll_attr a = { 0, 0, 0 };
	size_t size = sizeof(a.handled_access_fs);
	long abi, fd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return 0;
	a.handled_access_fs = LL_FS_ABI1;
	if (abi >= 2)
		a.handled_access_fs |= LL_FS_REFER;
	if (abi >= 3)
		a.handled_access_fs |= LL_FS_TRUNCATE;
	if (abi >= 4) {
		a.handled_access_net = LL_NET_ALL;
		size = 2 * sizeof(uint64_t);
	}
	if (abi >= 5)
		a.handled_access_fs |= LL_FS_IOCTL_DEV;
	if (abi >= 6) {
		a.scoped = LL_SCOPE_ALL;
		size = sizeof(a);
	}
	fd = syscall(SYS_landlock_create_ruleset, &a, size, 0);
	if (fd < 0)
		return 0;
	if (syscall(SYS_landlock_restrict_self, (int)fd, 0) < 0)
		abi = 0;
	close((int)fd);
	return (int)abi;
}

/* Refused with EPERM: nothing a scan needs, everything an intruder would. */
static const int denied[] = {
	SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept),
	SCMP_SYS(accept4), SCMP_SYS(execve), SCMP_SYS(execveat),
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(fork), SCMP_SYS(vfork),
	SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
	SCMP_SYS(chroot), SCMP_SYS(setns), SCMP_SYS(unshare), SCMP_SYS(bpf),
	SCMP_SYS(perf_event_open), SCMP_SYS(keyctl), SCMP_SYS(add_key),
	SCMP_SYS(request_key), SCMP_SYS(init_module),
	SCMP_SYS(finit_module), SCMP_SYS(delete_module),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load), SCMP_SYS(reboot),
	SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(userfaultfd),
	SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register), SCMP_SYS(open_by_handle_at),
	SCMP_SYS(name_to_handle_at), SCMP_SYS(mknod), SCMP_SYS(mknodat),
	SCMP_SYS(personality), SCMP_SYS(setuid), SCMP_SYS(setgid),
	SCMP_SYS(setreuid), SCMP_SYS(setregid), SCMP_SYS(setresuid),
	SCMP_SYS(setresgid), SCMP_SYS(setgroups), SCMP_SYS(chmod),
	SCMP_SYS(fchmod), SCMP_SYS(fchmodat), SCMP_SYS(chown),
	SCMP_SYS(fchown), SCMP_SYS(fchownat), SCMP_SYS(lchown),
};

static int seccomp(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	size_t i;
	int rc = -1;

	if (!ctx)
		return -1;
	for (i = 0; i < sizeof(denied) / sizeof(*denied); i++) {
		if (denied[i] < 0)
			continue; /* not a system call on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0))
			goto out;
	}
	rc = seccomp_load(ctx) ? -1 : 0;
out:
	seccomp_release(ctx);
	return rc;
}

int sandbox_enter(struct sandbox_report *r)
{
	r->landlock_abi = 0;
	r->seccomp = 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	r->landlock_abi = landlock();
	if (seccomp() < 0)
		return -1;
	r->seccomp = 1;
	return 0;
}
