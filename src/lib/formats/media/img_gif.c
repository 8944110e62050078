/*
 * img_gif.c -- a GIF's first frame, with giflib, placed on its logical
 * screen as the image crate places it: pixels outside the frame are black,
 * a transparent pixel keeps its palette colour (alpha is dropped later),
 * an index past the palette is black. The frame is read whole (interlaced
 * rows arrive out of order), within IMG_MAX_FRAME_BYTES.
 */
#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>

#include "formats/media/imgdecode.h"
#include "formats/media/imgrow.h"
#include "vigil/vigil.h"

struct gif_src {
	const uint8_t *b;
	size_t len, pos;
};

static int read_fn(GifFileType *g, GifByteType *out, int n)
{
	struct gif_src *s = g->UserData;
	size_t want = n > 0 ? (size_t)n : 0;

	if (want > s->len - s->pos)
		want = s->len - s->pos;
	memcpy(out, s->b + s->pos, want);
	s->pos += want;
	return (int)want;
}

/* Skips extensions up to the first image; reads its descriptor. */
static int first_image(GifFileType *g)
{
	GifRecordType t;
	GifByteType *ext;
	int code;

	for (;;) {
		if (DGifGetRecordType(g, &t) == GIF_ERROR)
			return -1;
		if (t == IMAGE_DESC_RECORD_TYPE)
			return DGifGetImageDesc(g) == GIF_ERROR ? -1 : 0;
		if (t != EXTENSION_RECORD_TYPE)
			return -1;
		if (DGifGetExtension(g, &code, &ext) == GIF_ERROR)
			return -1;
		while (ext)
			if (DGifGetExtensionNext(g, &ext) == GIF_ERROR)
				return -1;
	}
}

/* The frame's palette indices, deinterlaced. */
static int read_frame(GifFileType *g, uint8_t *idx)
{
	static const int start[4] = { 0, 4, 2, 1 }, step[4] = { 8, 8, 4, 2 };
	int w = g->Image.Width, h = g->Image.Height, p, y;

	if (!g->Image.Interlace) {
		for (y = 0; y < h; y++)
			if (DGifGetLine(g, idx + (size_t)y * w, w) == GIF_ERROR)
				return -1;
		return 0;
	}
	for (p = 0; p < 4; p++)
		for (y = start[p]; y < h; y += step[p])
			if (DGifGetLine(g, idx + (size_t)y * w, w) == GIF_ERROR)
				return -1;
	return 0;
}

static uint8_t gray_of(const ColorMapObject *cm, uint8_t i)
{
	if (!cm || i >= cm->ColorCount)
		return 0;
	return img_luma(cm->Colors[i].Red, cm->Colors[i].Green,
			cm->Colors[i].Blue);
}

/* The screen's rows, the frame on them. */
static int screen_rows(GifFileType *g, const uint8_t *idx, uint8_t *row,
		       const struct img_sink *k)
{
	const ColorMapObject *cm = g->Image.ColorMap ? g->Image.ColorMap :
						       g->SColorMap;
	uint32_t sw = (uint32_t)g->SWidth, sh = (uint32_t)g->SHeight;
	uint32_t fl = (uint32_t)g->Image.Left, ft = (uint32_t)g->Image.Top;
	uint32_t fw = (uint32_t)g->Image.Width, fh = (uint32_t)g->Image.Height;
	uint32_t x, y;
	int rc;

	if ((rc = k->size(k->ctx, sw, sh)) != 0)
		return rc;
	for (y = 0; y < sh; y++) {
		memset(row, 0, sw);
		for (x = 0; y - ft < fh && y >= ft && x < sw; x++)
			if (x >= fl && x - fl < fw)
				row[x] = gray_of(cm, idx[(size_t)(y - ft) * fw +
							 (x - fl)]);
		if ((rc = k->row(k->ctx, row)) != 0)
			return rc;
	}
	return 0;
}

static int decode(GifFileType *g, const struct img_sink *k)
{
	uint8_t *idx, *row;
	size_t fsize;
	int rc;

	if (first_image(g) < 0 || g->Image.Width <= 0 || g->Image.Height <= 0)
		return IMG_UNREADABLE;
	if ((rc = img_check_size((uint32_t)g->SWidth,
				 (uint32_t)g->SHeight)) != 0)
		return rc;
	fsize = (size_t)g->Image.Width * (size_t)g->Image.Height;
	if (fsize > IMG_MAX_FRAME_BYTES)
		return IMG_TOO_BIG;
	idx = malloc(fsize);
	row = malloc((size_t)g->SWidth);
	if (!idx || !row)
		rc = VIGIL_ENOMEM;
	else if (read_frame(g, idx) < 0)
		rc = IMG_UNREADABLE;
	else
		rc = screen_rows(g, idx, row, k);
	free(idx);
	free(row);
	return rc;
}

int img_gif(const uint8_t *b, size_t len, const struct img_sink *k)
{
	struct gif_src src = { b, len, 0 };
	GifFileType *g;
	int err, rc;

	if (!(g = DGifOpen(&src, read_fn, &err)))
		return err == D_GIF_ERR_NOT_ENOUGH_MEM ? VIGIL_ENOMEM :
							  IMG_UNREADABLE;
	rc = decode(g, k);
	DGifCloseFile(g, &err);
	return rc;
}
