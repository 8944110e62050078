/*
 * imgdecode.c -- picks the decoder by magic, as ClamAV's image crate
 * guesses the format, and what the decoders share.
 */
#include "formats/media/imgdecode.h"

#include <string.h>

int img_decode(const uint8_t *b, size_t len, const struct img_sink *k)
{
	if (len >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return img_png(b, len, k);
	if (len >= 3 && !memcmp(b, "\xff\xd8\xff", 3))
		return img_jpeg(b, len, k);
	if (len >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
		return img_gif(b, len, k);
	if (len >= 4 && (!memcmp(b, "II*\0", 4) || !memcmp(b, "MM\0*", 4)))
		return img_tiff(b, len, k);
	if (len >= 2 && !memcmp(b, "BM", 2))
		return img_bmp(b, len, k);
	return IMG_UNREADABLE;
}
