/*
 * imgdecode.h -- an image decoded to gray rows, by the decoder its magic
 * names (imgdecode.c), for the image fuzzy hash.
 */
#ifndef VIGIL_FORMATS_MEDIA_IMGDECODE_H
#define VIGIL_FORMATS_MEDIA_IMGDECODE_H

#include "formats/media/imgrow.h"

/* 0, IMG_UNREADABLE, IMG_TOO_BIG or a negative VIGIL_E* code. */
int img_decode(const uint8_t *b, size_t len, const struct img_sink *k);

/* The decoders, each for its own format (img_*.c). */
int img_png(const uint8_t *b, size_t len, const struct img_sink *k);
int img_jpeg(const uint8_t *b, size_t len, const struct img_sink *k);
int img_gif(const uint8_t *b, size_t len, const struct img_sink *k);
int img_tiff(const uint8_t *b, size_t len, const struct img_sink *k);
int img_bmp(const uint8_t *b, size_t len, const struct img_sink *k);

#endif
