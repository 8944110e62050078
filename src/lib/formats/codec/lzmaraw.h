/*
 * lzmaraw.h -- raw LZMA (no header: the range coder's five bytes come
 * first), as packers store it with their own lc, lp and pb; decoded by
 * liblzma.
 */
#ifndef VIGIL_FORMATS_LZMARAW_H
#define VIGIL_FORMATS_LZMARAW_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes n bytes at in into cap bytes at out (in and out must not
 * overlap): 0 when out is full or the stream's end mark came, else
 * FMT_DAMAGED (also for lc, lp, pb liblzma does not take: lc + lp above 4)
 * or VIGIL_ENOMEM.
 */
int lzma_raw(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
	     unsigned lc, unsigned lp, unsigned pb);

#endif
