/*
 * explode.h -- Implode decoding (zip method 6).
 */
#ifndef VIGIL_FORMATS_EXPLODE_H
#define VIGIL_FORMATS_EXPLODE_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/*
 * Decodes an imploded entry of size bytes; flags is the zip general
 * purpose flag word (bit 1: 8 KiB dictionary, bit 2: literal tree).
 * Writes at most max bytes (then *over is set). Returns 0, FMT_DAMAGED
 * (output kept), or VIGIL_ENOMEM.
 */
int explode(const uint8_t *in, size_t len, unsigned flags, size_t size,
	    size_t max, struct vbuf *out, int *over);

#endif
