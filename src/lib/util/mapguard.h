/*
 * mapguard.h -- reading a file mapping that may lose its pages: a file
 * shrunk by another process while it is mapped, or a page the disk cannot
 * give, makes the read raise SIGBUS, which would end the process (the
 * scanning program, or a program the library is embedded in). Between
 * mapguard_begin() and mapguard_end() such a page of the guarded range
 * reads as zeros instead, and the guard remembers it.
 */
#ifndef VIGIL_UTIL_MAPGUARD_H
#define VIGIL_UTIL_MAPGUARD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct mapguard {
	uintptr_t lo, hi;		/* the range, whole pages */
	volatile sig_atomic_t lost;	/* a page of it read as zeros */
	struct mapguard *prev;		/* the thread's guard before */
};

/*
 * Guards the len bytes mapped at map for the calling thread, until
 * mapguard_end(g). A guard installs the SIGBUS handler for the process
 * where it is not installed (the first, or one after a program installed
 * its own), which hands a fault outside every guard to the handler there
 * was before (the default one ends the process as it would have).
 * 0, or -1 if the handler could not be installed (the range is then not
 * guarded).
 */
int mapguard_begin(struct mapguard *g, const void *map, size_t len);

/* Ends the thread's innermost guard, g: 1 if a page of its range was
 * lost (read as zeros), else 0. The range stays mapped (the anonymous
 * pages that replaced lost ones included), the caller's to unmap. */
int mapguard_end(struct mapguard *g);

/* The error for a scan of a file mapping that lost pages, len bytes of
 * the file open as fd (or, fd negative, at path): VIGIL_ECHANGED if the
 * file is now shorter, else VIGIL_EIO with errno EIO (a page that could
 * not be read). */
int mapguard_error(int fd, const char *path, size_t len);

#endif
