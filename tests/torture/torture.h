/*
 * torture.h -- forced into every file of the torture build of libvigil
 * (-include): the library's own allocations go through counters that can
 * make the Nth one fail (torture.c), as curl's torture tests do.
 */
#ifndef VIGIL_TORTURE_H
#define VIGIL_TORTURE_H

#include <stddef.h>

void *torture_malloc(size_t n);
void *torture_calloc(size_t n, size_t size);
void *torture_realloc(void *p, size_t n);

#define malloc(n) torture_malloc(n)
#define calloc(n, s) torture_calloc(n, s)
#define realloc(p, n) torture_realloc(p, n)

#endif
