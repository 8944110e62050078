/*
 * confine.h -- the two layers every Vigil sandbox is built of: Landlock
 * (file system rights: none, or read-only beneath a few paths; TCP bind
 * and connect; signals to processes outside) and a seccomp filter that
 * refuses named system calls with EPERM. Used by vigild's workers and by
 * the two processes of `vigil update`.
 */
#ifndef VIGIL_CONFINE_H
#define VIGIL_CONFINE_H

#include <stddef.h>

/* Paths beneath which reading (and, for libraries, mapping) stays
 * allowed; NULL-terminated. NULL: no file system access at all. */
struct confine_fs {
	const char *const *read_paths;
	int deny_tcp;		/* no TCP bind/connect (ABI 4) */
};

/*
 * Applies Landlock with the given rules to the calling process for good
 * (NO_NEW_PRIVS is set first). Returns the Landlock ABI in force (0: the
 * kernel has none, nothing applied), or -1 on error.
 */
int confine_landlock(const struct confine_fs *fs);

/* Refuses each system call named (by number; negative entries skipped)
 * with EPERM. 0, or -1 if the filter could not be loaded. */
int confine_seccomp(const int *syscalls, size_t n);

#endif
