/*
 * imgrow.h -- what the image decoders (img_*.c) share: the row sink, the
 * limits and the gray conversion, for the image fuzzy hash
 * (core/imghash.c). Images are read as ClamAV's image hashing reads
 * them (its Rust "image" crate): colour to 8-bit RGB with alpha dropped,
 * then gray = round(0.299 R + 0.587 G + 0.114 B) in single precision; a
 * GIF's first frame on its logical screen.
 */
#ifndef VIGIL_FORMATS_MEDIA_IMGROW_H
#define VIGIL_FORMATS_MEDIA_IMGROW_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Pixels an image may have (width x height): the hash costs about six
 * multiply-adds a pixel, about a second at the limit. */
#define IMG_MAX_PIXELS (256u << 20)
/* Bytes a decoder may hold at once for a whole frame (interlaced PNG and
 * GIF, JPEG coefficients and planes, TIFF through libtiff's RGBA reader). */
#define IMG_MAX_FRAME_BYTES (256u << 20)
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* Fuzzing: the same code, limits small enough for the per-input timeout. */
#undef IMG_MAX_PIXELS
#undef IMG_MAX_FRAME_BYTES
#define IMG_MAX_PIXELS (4u << 20)
#define IMG_MAX_FRAME_BYTES (16u << 20)
#endif
/* Width of an image at most (the resampler keeps 32 rows of floats). */
#define IMG_MAX_WIDTH (1u << 20)

/* Told the size once, then every row of gray values, top to bottom. The
 * callbacks return 0, IMG_UNREADABLE or a negative VIGIL_E* code, which
 * the decoder returns. */
struct img_sink {
	int (*size)(void *ctx, uint32_t w, uint32_t h);
	int (*row)(void *ctx, const uint8_t *gray);
	void *ctx;
};

/* What img_decode returns besides 0 and negative VIGIL_E* codes. */
#define IMG_UNREADABLE 1	/* not an image it reads, or a broken one */
#define IMG_TOO_BIG 2		/* over one of the limits above */

/* 0, or IMG_TOO_BIG if w x h is over the limits. */
int img_check_size(uint32_t w, uint32_t h);

/* Gray of an 8-bit RGB pixel, as the image crate's grayscale. */
static inline uint8_t img_luma(uint8_t r, uint8_t g, uint8_t b)
{
	float l = 0.299f * (float)r + 0.587f * (float)g + 0.114f * (float)b;

	return (uint8_t)roundf(l);
}

/* An RGB row (3 bytes a pixel, every 'step' bytes) to gray. */
void img_rgb_row(const uint8_t *rgb, size_t step, uint32_t w, uint8_t *gray);

/* An 8-bit gray row (every 'step' bytes) through RGB to gray. */
void img_gray_row(const uint8_t *g, size_t step, uint32_t w, uint8_t *gray);

#endif
