/*
 * bcompscan.h -- evaluating a byte-compare subsignature at one place.
 */
#ifndef VIGIL_CORE_BCOMPSCAN_H
#define VIGIL_CORE_BCOMPSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "db/vdb_format.h"

/* Trigger matches looked at per byte compare and object. */
#define BCOMP_MAX_TRIGGERS 64

/* 1 if the number the byte compare reads, for a trigger match starting
 * at start, passes its comparisons; 0 if not or if it cannot be read. */
int bcompscan_at(const struct vdb_bcomp *bc, const uint8_t *buf, size_t len,
		 size_t start);

#endif
