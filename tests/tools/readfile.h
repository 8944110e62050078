/*
 * readfile.h -- a whole file into memory, for the test tools.
 */
#ifndef VIGIL_TESTS_READFILE_H
#define VIGIL_TESTS_READFILE_H

#include <stddef.h>

/* The file's bytes (malloc'd), or NULL if it cannot be read or holds
 * max bytes or more. */
char *read_whole(const char *path, size_t max, size_t *len);

#endif
