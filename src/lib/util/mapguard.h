/*
 * mapguard.h -- reading a file mapping that may lose its pages: a file
 * shrunk by another process while it is mapped, or a page the disk cannot
 * give, makes the read raise SIGBUS, which would end the process (the
 * scanning program, or a program the library is embedded in). Between
 * mapguard_begin() and mapguard_end() such a page of the guarded range
 * reads as zeros instead, and the guard remembers it, whichever thread
 * read it (a scan's helper threads read its mapping too).
 */
#ifndef VIGIL_UTIL_MAPGUARD_H
#define VIGIL_UTIL_MAPGUARD_H

#include <stddef.h>

/* Ranges guarded at once in a process (one per scan of a mapped file). */
#define MAPGUARD_SLOTS 256

struct mapguard {
	int slot; /* its place among the process's guards; -1: none */
};

/*
 * Guards the len bytes mapped at map until mapguard_end(g). A guard
 * installs the SIGBUS handler for the process where it is not installed
 * (the first, or one after a program installed its own), which hands a fault outside every guard to the handler there
 * was before (the default one ends the process as it would have).
 * 0, or -1 if the handler could not be installed or MAPGUARD_SLOTS
 * ranges are guarded already (the range is then not guarded).
 */
int mapguard_begin(struct mapguard *g, const void *map, size_t len);

/* 1 if a page of g's range was lost so far, else 0. */
int mapguard_lost(const struct mapguard *g);

/* Ends the guard g: 1 if a page of its range was lost (read as zeros),
 * else 0. The range stays mapped (the anonymous pages that replaced lost
 * ones included), the caller's to unmap. */
int mapguard_end(struct mapguard *g);

/* The error for a scan of a file mapping that lost pages, len bytes of
 * the file open as fd (or, fd negative, at path): VIGIL_ECHANGED if the
 * file is now shorter, else VIGIL_EIO with errno EIO (a page that could
 * not be read). */
int mapguard_error(int fd, const char *path, size_t len);

#endif
