/*
 * imgjpeg.h -- the JPEG reader's two paths: pixels rebuilt from libjpeg's
 * coefficients as ClamAV's decoder makes them (img_jpegidct.c), for the
 * images that path reads, and libjpeg's own decoder (img_jpeg.c).
 */
#ifndef VIGIL_FORMATS_MEDIA_IMGJPEG_H
#define VIGIL_FORMATS_MEDIA_IMGJPEG_H

#include <stdint.h>
#include <stdio.h>

#include <jpeglib.h>

#include "formats/media/imgrow.h"

/* 1 if the image is gray, or YCbCr without subsampling. */
int img_jpeg_exact(const struct jpeg_decompress_struct *d);

/* Its rows from the coefficients, after jpeg_read_header. *mem receives
 * the working memory (the caller frees it, also after a longjmp). 0,
 * IMG_UNREADABLE or a negative VIGIL_E* code. */
int img_jpeg_coefs(struct jpeg_decompress_struct *d, const struct img_sink *k,
		   uint8_t **mem);

#endif
