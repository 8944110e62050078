/*
 * zipcheck.h -- checks on a zip archive's structure before unpacking.
 */
#ifndef VIGIL_FORMATS_ZIPCHECK_H
#define VIGIL_FORMATS_ZIPCHECK_H

#include <stddef.h>
#include <stdint.h>

/* 1 if two entries' data overlap (a non-recursive zip bomb). */
int zipcheck_overlap(const uint8_t *buf, size_t len);

#endif
