/*
 * confine.h -- the two layers every Vigil sandbox is built of: Landlock
 * (file system rights: none, or read-only beneath a few paths; TCP bind
 * and connect; signals to processes outside) and a seccomp filter: an
 * allowlist for the processes that scan (vigild's workers, `vigil scan`),
 * or a list of refused calls for the two processes of vigil-update.
 */
#ifndef VIGIL_CONFINE_H
#define VIGIL_CONFINE_H

#include <stddef.h>

/* Paths beneath which reading (and, for libraries, mapping) stays
 * allowed; NULL-terminated. NULL: no file system access at all. */
struct confine_fs {
	const char *const *read_paths;
	int deny_tcp;		/* no TCP bind/connect (ABI 4) */
	/* Paths beneath which files may also be written, made, removed
	 * and renamed (not directories: no making or removing them);
	 * NULL-terminated, or NULL for none. A file named here grants it
	 * on the directory holding it (a removal is a change of it). */
	const char *const *change_paths;
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

/* Loads the scanning allowlist (scanfilter.c): every call not on it fails
 * with EPERM; threads: whether clone may start threads (never processes).
 * 0, or -1 if the filter could not be loaded. */
int confine_seccomp_scan(int threads);

/* What a confinement achieved, or what the kernel offers. */
struct confine_report {
	int landlock_abi;	/* Landlock ABI in force (or offered); 0: none */
	int seccomp;		/* 1: the seccomp layer is in force (offered) */
	char why[160];		/* a layer missing: which, and why */
};

/* What the running kernel offers, applying nothing. */
void confine_probe(struct confine_report *r);

/*
 * Confines the calling thread, and every thread it starts later, for
 * good, to scanning: Landlock as fs says (NULL: no file system access at
 * all; TCP bind and connect and signals outward denied too) and the
 * scanning allowlist, with threads (vigil scan's pool) or without (a
 * vigild worker: no clone at all). Returns 0 when both layers are in
 * force, 1 when the kernel lacks one (r->why says which and why; the other
 * is in force), -1 on error, with errno set.
 */
int confine_scan(const struct confine_fs *fs, int threads,
		 struct confine_report *r);

/* One line naming the layers in force, for a log: "Landlock ABI 7,
 * seccomp allowlist", or what is missing. */
const char *confine_describe(const struct confine_report *r, char *buf,
			     size_t len);

#endif
