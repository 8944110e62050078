/*
 * inflate64.h -- Deflate64 decoding (zip method 9).
 */
#ifndef VIGIL_FORMATS_INFLATE64_H
#define VIGIL_FORMATS_INFLATE64_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/*
 * Decodes in[0..len) into out, at most max bytes (then *over is set).
 * Returns 0 at the final block, FMT_DAMAGED (output kept), VIGIL_ENOMEM.
 */
int inflate64(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	      int *over);

#endif
