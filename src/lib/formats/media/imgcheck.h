/*
 * imgcheck.h -- broken-image checks for --alert-broken-media
 * (imgcheck.c).
 */
#ifndef VIGIL_FORMATS_MEDIA_IMGCHECK_H
#define VIGIL_FORMATS_MEDIA_IMGCHECK_H

#include <stddef.h>
#include <stdint.h>

/* The heuristic name for a broken JPEG, PNG, GIF or TIFF image at b, or
 * NULL (not broken, or not one of the four). */
const char *image_broken(const uint8_t *b, size_t len);

#endif
