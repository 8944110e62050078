/*
 * img_jpeg.c -- JPEG to gray rows with libjpeg(-turbo): YCbCr images as
 * RGB, gray ones as they are. ClamAV decodes with zune-jpeg, whose inverse
 * DCT, chroma upsampling and colour conversion round differently from
 * libjpeg's, so a pixel may differ by one; after the reduction to 32 x 32
 * only a coefficient lying on the median can flip (docs/signatures.md).
 * Gray images and YCbCr ones without subsampling are rebuilt from their
 * coefficients as zune-jpeg does (img_jpegidct.c); the others go through
 * libjpeg's decoder here. CMYK and YCCK images are not read.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "formats/media/imgdecode.h"
#include "formats/media/imgjpeg.h"
#include "formats/media/imgrow.h"
#include "vigil/vigil.h"

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	uint8_t *row, *gray;	/* in memory, not clobbered by longjmp */
};

static void fail(j_common_ptr c)
{
	longjmp(((struct jerr *)c->err)->jump, 1);
}

static void quiet(j_common_ptr c, int level)
{
	(void)c;
	(void)level;
}

static int rows(struct jpeg_decompress_struct *d, const struct img_sink *k,
		uint8_t *row, uint8_t *gray)
{
	int rc;

	if ((rc = k->size(k->ctx, d->output_width, d->output_height)) != 0)
		return rc;
	while (d->output_scanline < d->output_height) {
		JSAMPROW r = row;

		if (jpeg_read_scanlines(d, &r, 1) != 1)
			return IMG_UNREADABLE;
		if (d->out_color_components == 3)
			img_rgb_row(row, 3, d->output_width, gray);
		else
			img_gray_row(row, 1, d->output_width, gray);
		if ((rc = k->row(k->ctx, gray)) != 0)
			return rc;
	}
	return 0;
}

/* After the header: the output shape, then the rows. */
static int decode(struct jpeg_decompress_struct *d, const struct img_sink *k,
		  uint8_t **row, uint8_t **gray)
{
	int rc;

	if (d->jpeg_color_space == JCS_CMYK || d->jpeg_color_space == JCS_YCCK)
		return IMG_UNREADABLE;
	if ((rc = img_check_size(d->image_width, d->image_height)) != 0)
		return rc;
	if (img_jpeg_exact(d))
		return img_jpeg_coefs(d, k, row);
	d->out_color_space = d->num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_start_decompress(d);
	if (!(*row = malloc((size_t)d->output_width * 3)) ||
	    !(*gray = malloc(d->output_width)))
		return VIGIL_ENOMEM;
	return rows(d, k, *row, *gray);
}

int img_jpeg(const uint8_t *b, size_t len, const struct img_sink *k)
{
	struct jpeg_decompress_struct d;
	struct jerr e = { 0 };
	volatile int rc = IMG_UNREADABLE;

	memset(&d, 0, sizeof(d));
	d.err = jpeg_std_error(&e.mgr);
	e.mgr.error_exit = fail;
	e.mgr.emit_message = quiet;
	if (len > 0xffffffffu)
		return IMG_TOO_BIG;
	if (setjmp(e.jump) == 0) {
		jpeg_create_decompress(&d);
		/* No backing store: more than this is an error (TOO_BIG). */
		d.mem->max_memory_to_use = IMG_MAX_FRAME_BYTES;
		jpeg_mem_src(&d, b, (unsigned long)len);
		if (jpeg_read_header(&d, TRUE) == JPEG_HEADER_OK)
			rc = decode(&d, k, &e.row, &e.gray);
	} else {
		rc = e.mgr.msg_code == JERR_NO_BACKING_STORE ? IMG_TOO_BIG :
							       IMG_UNREADABLE;
	}
	jpeg_destroy_decompress(&d);
	free(e.row);
	free(e.gray);
	return rc;
}
