/*
 * fastinflate.h -- whole-buffer DEFLATE (libdeflate) where the output size
 * is declared up front: zip entries by their central directory, gzip
 * members by their trailer. Two to three times zlib's speed; whenever the
 * data is not exactly as declared, the caller falls back to its streaming
 * decoder, which applies the limits as it goes.
 */
#ifndef VIGIL_FORMATS_FASTINFLATE_H
#define VIGIL_FORMATS_FASTINFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/* Declared sizes above this many times the input are left to streaming,
 * where the compression-ratio guard measures them. */
#define FAST_MAX_EXPANSION 64

/*
 * Raw DEFLATE of exactly want bytes into out (replacing its contents),
 * checked against crc (CRC-32). 0 on success; 1 if it does not apply or
 * the data differ from what was declared; VIGIL_ENOMEM.
 */
int fast_inflate(const uint8_t *in, size_t len, size_t want, uint32_t crc,
		 struct vbuf *out);
/*
 * A gzip file of one member whose trailer declares at most max bytes, into
 * out; the member's file name, if any, into name (cap bytes). 0, 1 (does
 * not apply: the caller streams), or VIGIL_ENOMEM.
 */
int fast_gunzip(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
		char *name, size_t cap);

#endif
