/*
 * delta.h -- database deltas: zstd with the previous database as the
 * prefix ("zstd --patch-from"), so that an hourly update moves what
 * changed, not the whole database.
 */
#ifndef VIGIL_UPDATE_DELTA_H
#define VIGIL_UPDATE_DELTA_H

#include <stddef.h>

/* The decoder's window, and so the largest database a delta can serve
 * (2^27 = 128 MiB); larger ones travel whole. */
#define DELTA_WINDOW_LOG_MAX 27

/* Compresses new against old; *out is malloc'd. -1 if too large. */
int upd_delta_make(const void *old, size_t oldlen, const void *new_,
	       size_t newlen, int level, void **out, size_t *outlen);

/*
 * Applies delta to old into out (exactly outlen bytes expected). 0, -1 if
 * it is malformed, asks for a larger window, or does not give exactly
 * outlen bytes.
 */
int upd_delta_apply(const void *old, size_t oldlen, const void *delta,
		size_t dlen, void *out, size_t outlen);

#endif
