/*
 * img_png.c -- PNG to gray rows with libpng. Palettes are expanded to
 * RGB, gray below 8 bits scaled to 8, 16-bit samples made 8-bit as the
 * image crate does ((v + 128) / 257); transparency is dropped. An
 * interlaced image is read whole (IMG_MAX_FRAME_BYTES), others a row at a
 * time.
 */
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "formats/media/imgdecode.h"
#include "formats/media/imgrow.h"
#include "vigil/vigil.h"

struct png_src {
	const uint8_t *b;
	size_t len, pos;
};

struct png_job {
	png_structp png;
	png_infop info;
	uint8_t *row, *frame, *gray;
	uint32_t w, h;
	unsigned channels, depth;
};

static void read_fn(png_structp png, png_bytep out, size_t n)
{
	struct png_src *s = png_get_io_ptr(png);

	if (n > s->len - s->pos)
		png_error(png, "truncated");
	memcpy(out, s->b + s->pos, n);
	s->pos += n;
}

/* libpng's handlers: no words on stderr; an error must not return. */
static void on_error(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static uint8_t sample(const uint8_t *p, unsigned depth, size_t i)
{
	if (depth == 16)
		return (uint8_t)((((unsigned)p[2 * i] << 8 | p[2 * i + 1]) +
				  128u) / 257u);
	return p[i];
}

/* One decoded row (gray, gray+alpha, RGB or RGBA) to gray. */
static void to_gray(const struct png_job *j, const uint8_t *p)
{
	uint32_t x;

	for (x = 0; x < j->w; x++) {
		size_t i = (size_t)x * j->channels;

		if (j->channels >= 3)
			j->gray[x] = img_luma(sample(p, j->depth, i),
					      sample(p, j->depth, i + 1),
					      sample(p, j->depth, i + 2));
		else {
			uint8_t v = sample(p, j->depth, i);

			j->gray[x] = img_luma(v, v, v);
		}
	}
}

/* Expansions, then the decoded row's shape. 0 or IMG_*. */
static int setup(struct png_job *j)
{
	int type, passes, rc;

	png_read_info(j->png, j->info);
	j->w = png_get_image_width(j->png, j->info);
	j->h = png_get_image_height(j->png, j->info);
	if ((rc = img_check_size(j->w, j->h)) != 0)
		return rc;
	type = png_get_color_type(j->png, j->info);
	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(j->png);
	if (type == PNG_COLOR_TYPE_GRAY &&
	    png_get_bit_depth(j->png, j->info) < 8)
		png_set_expand_gray_1_2_4_to_8(j->png);
	passes = png_set_interlace_handling(j->png);
	png_read_update_info(j->png, j->info);
	j->channels = png_get_channels(j->png, j->info);
	j->depth = png_get_bit_depth(j->png, j->info);
	if ((j->depth != 8 && j->depth != 16) || !j->channels)
		return IMG_UNREADABLE;
	return passes > 1 ? -1 : 0;	/* -1: interlaced */
}

static int rows(struct png_job *j, const struct img_sink *k, int whole)
{
	size_t rb = png_get_rowbytes(j->png, j->info);
	uint32_t y;
	int rc;

	if (whole && rb * j->h > IMG_MAX_FRAME_BYTES)
		return IMG_TOO_BIG;
	if (!(j->gray = malloc(j->w)) ||
	    !(j->row = malloc(whole ? rb * j->h : rb)))
		return VIGIL_ENOMEM;
	if (whole) {
		png_bytep *ptr = malloc(j->h * sizeof(*ptr));

		if (!ptr)
			return VIGIL_ENOMEM;
		j->frame = (uint8_t *)ptr;
		for (y = 0; y < j->h; y++)
			ptr[y] = j->row + rb * y;
		png_read_image(j->png, ptr);
	}
	if ((rc = k->size(k->ctx, j->w, j->h)) != 0)
		return rc;
	for (y = 0; y < j->h; y++) {
		uint8_t *r = whole ? j->row + rb * y : j->row;

		if (!whole)
			png_read_row(j->png, r, NULL);
		to_gray(j, r);
		if ((rc = k->row(k->ctx, j->gray)) != 0)
			return rc;
	}
	return 0;
}

int img_png(const uint8_t *b, size_t len, const struct img_sink *k)
{
	struct png_src src = { b, len, 0 };
	struct png_job j;
	volatile int rc = IMG_UNREADABLE;

	memset(&j, 0, sizeof(j));
	j.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, on_error,
				       on_warning);
	if (!j.png || !(j.info = png_create_info_struct(j.png))) {
		png_destroy_read_struct(&j.png, NULL, NULL);
		return VIGIL_ENOMEM;
	}
	if (setjmp(png_jmpbuf(j.png)) == 0) {
		png_set_read_fn(j.png, &src, read_fn);
		rc = setup(&j);
		if (rc <= 0)
			rc = rows(&j, k, rc < 0);
	} else {
		rc = IMG_UNREADABLE;
	}
	png_destroy_read_struct(&j.png, &j.info, NULL);
	free(j.row);
	free(j.frame);
	free(j.gray);
	return rc;
}
