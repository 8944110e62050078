/*
 * img_tiff.c -- TIFF to gray rows with libtiff's RGBA reader (the first
 * directory, oriented top-left), within IMG_MAX_FRAME_BYTES. libtiff
 * reports through global handlers, which are silenced here once.
 */
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

#include "formats/media/imgdecode.h"
#include "formats/media/imgrow.h"
#include "vigil/vigil.h"

struct tiff_src {
	const uint8_t *b;
	toff_t len, pos;
};

static tmsize_t rd(thandle_t h, void *out, tmsize_t n)
{
	struct tiff_src *s = h;
	toff_t want = n > 0 ? (toff_t)n : 0;

	if (s->pos > s->len)
		return 0;
	if (want > s->len - s->pos)
		want = s->len - s->pos;
	memcpy(out, s->b + s->pos, (size_t)want);
	s->pos += want;
	return (tmsize_t)want;
}

static tmsize_t wr(thandle_t h, void *in, tmsize_t n)
{
	(void)h;
	(void)in;
	(void)n;
	return -1;
}

static toff_t sk(thandle_t h, toff_t off, int whence)
{
	struct tiff_src *s = h;
	toff_t base = whence == SEEK_CUR ? s->pos :
		      whence == SEEK_END ? s->len : 0;

	s->pos = base + off;
	return s->pos;
}

static int cl(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t sz(thandle_t h)
{
	return ((struct tiff_src *)h)->len;
}

static int rows(TIFF *t, const struct img_sink *k)
{
	uint32_t w = 0, h = 0, y, x, *px;
	uint8_t *row;
	int rc;

	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	if ((rc = img_check_size(w, h)) != 0)
		return rc;
	if ((uint64_t)w * h * 4 > IMG_MAX_FRAME_BYTES)
		return IMG_TOO_BIG;
	px = malloc((size_t)w * h * 4);
	row = malloc(w);
	if (!px || !row)
		rc = VIGIL_ENOMEM;
	else if (!TIFFReadRGBAImageOriented(t, w, h, px, ORIENTATION_TOPLEFT,
					    0))
		rc = IMG_UNREADABLE;
	else if ((rc = k->size(k->ctx, w, h)) == 0)
		for (y = 0; y < h && !rc; y++) {
			for (x = 0; x < w; x++) {
				uint32_t p = px[(size_t)y * w + x];

				row[x] = img_luma((uint8_t)TIFFGetR(p),
						  (uint8_t)TIFFGetG(p),
						  (uint8_t)TIFFGetB(p));
			}
			rc = k->row(k->ctx, row);
		}
	free(px);
	free(row);
	return rc;
}

int img_tiff(const uint8_t *b, size_t len, const struct img_sink *k)
{
	struct tiff_src src = { b, (toff_t)len, 0 };
	TIFF *t;
	int rc;

	TIFFSetErrorHandler(NULL);
	TIFFSetWarningHandler(NULL);
	t = TIFFClientOpen("image", "rm", &src, rd, wr, sk, cl, sz, NULL,
			   NULL);
	if (!t)
		return IMG_UNREADABLE;
	rc = rows(t, k);
	TIFFClose(t);
	return rc;
}
