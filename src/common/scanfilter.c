/*
 * scanfilter.c -- the seccomp allowlist of a process that scans: vigild's
 * workers and a confined `vigil scan`. Allowed are the calls that reading
 * held and (where Landlock lets it) named files, memory, threads, time and
 * signals to itself need; everything else fails with EPERM: sockets,
 * exec, fork (a clone without CLONE_THREAD; any clone where the process
 * starts no threads), ptrace, kernel interfaces, setting its own limits.
 * clone3 fails with ENOSYS, so that the C library falls back to clone,
 * whose flags a filter can read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/confine.h"

/* Allowed with any arguments. */
static const int allowed[] = {
	/* I/O on descriptors held or received */
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(pread64), SCMP_SYS(preadv),
	SCMP_SYS(preadv2), SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(pwrite64), SCMP_SYS(lseek), SCMP_SYS(close),
	SCMP_SYS(close_range), SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3),
	SCMP_SYS(fcntl), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(fstatfs),
	SCMP_SYS(fadvise64), SCMP_SYS(ftruncate), SCMP_SYS(recvmsg),
	SCMP_SYS(sendmsg), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(pselect6),
	SCMP_SYS(memfd_create),
	/* names: Landlock decides what may be opened */
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(getdents64),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(getcwd),
	/* memory */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(brk),
	/* threads, signals to itself, exit */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(set_tid_address), SCMP_SYS(sched_yield),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(gettid), SCMP_SYS(getpid),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
	/* time, identity, randomness, limits */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(getrandom),
	SCMP_SYS(getrlimit), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(uname), SCMP_SYS(sysinfo),
#ifdef VIGIL_SANITIZER_BUILD
	/* LeakSanitizer stops the world at exit from a tracer that shares
	 * memory (a clone with CLONE_VM) and ptraces the threads; sanitizer
	 * builds are for tests, never shipped. */
	SCMP_SYS(ptrace), SCMP_SYS(wait4), SCMP_SYS(prctl), SCMP_SYS(kill),
	SCMP_SYS(getppid), SCMP_SYS(tgkill), SCMP_SYS(getdents),
#endif
};

/* Terminal queries the C library makes on stdout and stderr. */
static const unsigned long ioctls[] = { TCGETS, TIOCGWINSZ };

static int add_conditional(scmp_filter_ctx ctx, int threads)
{
	size_t i;
	int rc = 0;

	/* threads, not processes */
	if (threads)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					       CLONE_THREAD));
#ifdef VIGIL_SANITIZER_BUILD
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			       SCMP_A0(SCMP_CMP_MASKED_EQ,
				       CLONE_THREAD | CLONE_VM | CLONE_VFORK,
				       CLONE_VM));
#else
	/* abort() and raise(): signals to this process only */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
			       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0));
#endif
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
			       0);
	/* its own limits read (getrlimit() is prlimit64 without a new
	 * one), never set: vigild moves a worker's memory limit from
	 * outside, per job */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
			       SCMP_A0(SCMP_CMP_EQ, 0, 0),
			       SCMP_A2(SCMP_CMP_EQ, 0, 0));
	for (i = 0; i < sizeof(ioctls) / sizeof(*ioctls); i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_EQ, ioctls[i], 0));
	return rc ? -1 : 0;
}

int confine_seccomp_scan(int threads)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	size_t i;
	int rc = -1;

	if (!ctx)
		return -1;
	errno = EINVAL;
	for (i = 0; i < sizeof(allowed) / sizeof(*allowed); i++) {
		if (allowed[i] < 0) /* not a call on this architecture */
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0))
			goto out;
	}
	if (add_conditional(ctx, threads) < 0)
		goto out;
	if ((rc = seccomp_load(ctx)) < 0) {
		errno = -rc; /* libseccomp returns -errno */
		rc = -1;
	}
out:
	seccomp_release(ctx);
	return rc;
}
