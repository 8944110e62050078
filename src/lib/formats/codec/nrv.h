/*
 * nrv.h -- UPX's NRV2B/2D/2E decompressors.
 */
#ifndef VIGIL_FORMATS_NRV_H
#define VIGIL_FORMATS_NRV_H

#include <stddef.h>
#include <stdint.h>

enum { NRV2B = 1, NRV2D = 2, NRV2E = 3 };

/*
 * Decompresses in[0..ilen) into out (at most omax bytes). Returns the
 * length produced at the end marker, or -(length + 1) when the input is
 * damaged or the output does not fit (what was produced is kept).
 */
long nrv_decompress(int method, const uint8_t *in, size_t ilen, uint8_t *out,
		    size_t omax);

#endif
