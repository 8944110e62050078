/*
 * size.h -- sizes as users write them: bytes, or a number with a K, M or G
 * suffix (binary: 1K = 1024 bytes, either case), as clamscan and clamd.conf
 * take them. One parser for vigil scan, vigild and vigil-onaccess.
 */
#ifndef VIGIL_COMMON_SIZE_H
#define VIGIL_COMMON_SIZE_H

#include <stdint.h>

/* clamd caps its size options at 4 GiB; so do vigild's. */
#define SIZE_MAX_CLAMD_BYTES (4ull << 30)

/*
 * "100M", "2g", "512K" or "4096" into bytes: digits only (no sign, no
 * space), at most one suffix, and no more than max_bytes. 0, or -1 when
 * malformed or too large (out is then unchanged).
 */
int size_parse(const char *s, uint64_t max_bytes, uint64_t *out);

#endif
