/*
 * imghash.h -- ClamAV's image fuzzy hash (fuzzy_img subsignatures).
 */
#ifndef VIGIL_CORE_IMGHASH_H
#define VIGIL_CORE_IMGHASH_H

#include <stddef.h>
#include <stdint.h>

#define IMGHASH_BYTES 8

/*
 * The hash of the image at b: 0, IMG_UNREADABLE (not an image it reads),
 * IMG_TOO_BIG (over a limit of formats/media/imgdecode.h) or a negative
 * VIGIL_E* code.
 */
int imghash_compute(const uint8_t *b, size_t len, uint8_t out[IMGHASH_BYTES]);

#endif
