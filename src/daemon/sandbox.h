/*
 * sandbox.h -- confines a worker process: no new privileges, no file
 * system access of its own (Landlock), no sockets, no program execution,
 * no tracing (seccomp). What it may still use are the descriptors it holds
 * or receives.
 */
#ifndef VIGILD_SANDBOX_H
#define VIGILD_SANDBOX_H

/* What sandbox_enter() achieved, for the log. */
struct sandbox_report {
	int landlock_abi;	/* 0: Landlock unavailable */
	int seccomp;		/* 1: the syscall filter is loaded */
};

/*
 * Applies both layers to the calling process, for good. Returns 0, or -1
 * when seccomp could not be loaded (a worker must not run then). Landlock
 * missing from the kernel is reported, not fatal.
 */
int sandbox_enter(struct sandbox_report *r);

#endif
