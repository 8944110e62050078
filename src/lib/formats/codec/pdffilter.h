/*
 * pdffilter.h -- decoders for PDF stream filters. Each returns 0 or
 * VIGIL_ENOMEM; damaged input ends the output early; *over is set when
 * the output reached max.
 */
#ifndef VIGIL_FORMATS_PDFFILTER_H
#define VIGIL_FORMATS_PDFFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

int pdf_flate(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	      int *over);
int pdf_ahx(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	    int *over);
int pdf_a85(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	    int *over);
int pdf_rle(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	    int *over);
int pdf_lzw(const uint8_t *in, size_t len, size_t max, struct vbuf *o,
	    int *over);

#endif
