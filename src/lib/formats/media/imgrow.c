/*
 * imgrow.c -- the size check and row conversions the image decoders share.
 */
#include "formats/media/imgrow.h"

int img_check_size(uint32_t w, uint32_t h)
{
	if (!w || !h)
		return IMG_UNREADABLE;
	if (w > IMG_MAX_WIDTH || (uint64_t)w * h > IMG_MAX_PIXELS)
		return IMG_TOO_BIG;
	return 0;
}

void img_rgb_row(const uint8_t *rgb, size_t step, uint32_t w, uint8_t *gray)
{
	uint32_t x;

	for (x = 0; x < w; x++, rgb += step)
		gray[x] = img_luma(rgb[0], rgb[1], rgb[2]);
}

void img_gray_row(const uint8_t *g, size_t step, uint32_t w, uint8_t *gray)
{
	uint32_t x;

	for (x = 0; x < w; x++, g += step)
		gray[x] = img_luma(*g, *g, *g);
}
