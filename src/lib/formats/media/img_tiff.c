/*
 * img_tiff.c -- TIFF to gray rows with libtiff (the first directory).
 * Strips of 8-bit gray or RGB samples, extra samples (alpha) after them,
 * are read row by row as they are stored, alpha dropped, as ClamAV's
 * decoder reads them; other layouts through libtiff's RGBA reader
 * (oriented top-left, within IMG_MAX_FRAME_BYTES), which premultiplies
 * an unassociated alpha. libtiff reports through global handlers, which
 * are silenced here.
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

/* 8-bit gray or RGB strips, samples interleaved: spp samples a pixel. */
static int plain_layout(TIFF *t, uint16_t *spp)
{
	uint16_t bps = 0, photo = 0, planar = PLANARCONFIG_CONTIG;

	TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, spp);
	TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &planar);
	if (!TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photo) || bps != 8 ||
	    planar != PLANARCONFIG_CONTIG || TIFFIsTiled(t))
		return 0;
	return (photo == PHOTOMETRIC_MINISBLACK && *spp >= 1 && *spp <= 2) ||
	       (photo == PHOTOMETRIC_RGB && *spp >= 3 && *spp <= 4);
}

static int scanlines(TIFF *t, uint32_t w, uint32_t h, uint16_t spp,
		     const struct img_sink *k)
{
	tmsize_t n = TIFFScanlineSize(t);
	uint8_t *line = n > 0 && (uint64_t)n >= (uint64_t)w * spp ?
				malloc((size_t)n) : NULL;
	uint8_t *row = malloc(w);
	uint32_t y;
	int rc = line && row ? k->size(k->ctx, w, h) : VIGIL_ENOMEM;

	if (n <= 0 || (uint64_t)n < (uint64_t)w * spp)
		rc = IMG_UNREADABLE;
	for (y = 0; y < h && !rc; y++) {
		if (TIFFReadScanline(t, line, y, 0) < 0) {
			rc = IMG_UNREADABLE;
			break;
		}
		if (spp >= 3)
			img_rgb_row(line, spp, w, row);
		else
			img_gray_row(line, spp, w, row);
		rc = k->row(k->ctx, row);
	}
	free(line);
	free(row);
	return rc;
}

static int rows(TIFF *t, const struct img_sink *k)
{
	uint32_t w = 0, h = 0, y, x, *px;
	uint16_t spp = 0;
	uint8_t *row;
	int rc;

	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	if ((rc = img_check_size(w, h)) != 0)
		return rc;
	if (plain_layout(t, &spp))
		return scanlines(t, w, h, spp, k);
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
