/*
 * sandbox.c -- the worker's confinement. Landlock handles every file
 * system right the running kernel knows, with no rule granting any, plus
 * TCP bind/connect and signals to processes outside the worker (ABI 4 and
 * 6). Seccomp refuses, with EPERM, the system calls a parser never needs
 * and an intruder would: sockets, execution, tracing, kernel interfaces.
 */
#define _GNU_SOURCE
#include <seccomp.h>

#include "common/confine.h"
#include "sandbox.h"

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

int sandbox_enter(struct sandbox_report *r)
{
	struct confine_fs none = { NULL, 1 };

	r->landlock_abi = 0;
	r->seccomp = 0;
	if ((r->landlock_abi = confine_landlock(&none)) < 0)
		return -1;
	if (confine_seccomp(denied, sizeof(denied) / sizeof(*denied)) < 0)
		return -1;
	r->seccomp = 1;
	return 0;
}
