/*
 * img_jpegidct.c -- JPEG pixels as ClamAV's decoder (zune-jpeg 0.4)
 * makes them, for images without chroma subsampling: libjpeg reads the
 * entropy-coded coefficients (baseline, progressive, arithmetic), and the
 * samples are rebuilt here with the integer inverse DCT that zune-jpeg
 * uses (the widely published 12-bit fixed-point one: 4096 * cos factors,
 * columns rounded at 2^10, rows at 2^17, a DC-only block a flat
 * (DC + 1028) / 8), its chroma upsampling (vertical, then horizontal,
 * each (3 near + far + 2) / 4, the edges of the MCU-padded plane
 * repeated) and its 14-bit YCbCr to RGB conversion.
 * libjpeg's own inverse DCT and upsampling round differently, which moves
 * some pixels by one and can flip a bit of the image fuzzy hash. Other
 * sampling layouts go through libjpeg's full decoder (img_jpeg.c). The
 * planes are decoded whole, within IMG_MAX_FRAME_BYTES.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "formats/media/imgjpeg.h"
#include "formats/media/imgrow.h"
#include "vigil/vigil.h"

#define ROW_BIAS (512u + 65536u + (128u << 17))

/* One 8-point inverse DCT over in[0], in[step], ... with bias added to
 * the even part: the 8 sums before the pass's shift. Wrapping, as the
 * reference does. */
static void idct8(const int32_t *in, size_t step, uint32_t bias,
		  int32_t out[8])
{
	uint32_t s0 = (uint32_t)in[0], s1 = (uint32_t)in[step],
		 s2 = (uint32_t)in[2 * step], s3 = (uint32_t)in[3 * step],
		 s4 = (uint32_t)in[4 * step], s5 = (uint32_t)in[5 * step],
		 s6 = (uint32_t)in[6 * step], s7 = (uint32_t)in[7 * step];
	uint32_t p1 = (s2 + s6) * 2217u, t2 = p1 + s6 * (uint32_t)-7567,
		 t3 = p1 + s2 * 3135u, t0 = (s0 + s4) << 12,
		 t1 = (s0 - s4) << 12;
	uint32_t x0 = t0 + t3 + bias, x3 = t0 - t3 + bias,
		 x1 = t1 + t2 + bias, x2 = t1 - t2 + bias;
	uint32_t q3 = s7 + s3, q4 = s5 + s1, q1 = s7 + s1, q2 = s5 + s3;
	uint32_t p5 = (q3 + q4) * 4816u;
	uint32_t o0 = s7 * 1223u, o1 = s5 * 8410u, o2 = s3 * 12586u,
		 o3 = s1 * 6149u;

	q1 = p5 + q1 * (uint32_t)-3685;
	q2 = p5 + q2 * (uint32_t)-10497;
	q3 *= (uint32_t)-8034;
	q4 *= (uint32_t)-1597;
	o3 += q1 + q4;
	o2 += q2 + q3;
	o1 += q2 + q4;
	o0 += q1 + q3;
	out[0] = (int32_t)(x0 + o3);
	out[1] = (int32_t)(x1 + o2);
	out[2] = (int32_t)(x2 + o1);
	out[3] = (int32_t)(x3 + o0);
	out[4] = (int32_t)(x3 - o0);
	out[5] = (int32_t)(x2 - o1);
	out[6] = (int32_t)(x1 - o2);
	out[7] = (int32_t)(x0 - o3);
}

static uint8_t clamp8(int32_t v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

/* A dequantised block into 8 rows of out (stride bytes apart). */
static void idct_block(int32_t *c, uint8_t *out, size_t stride)
{
	int32_t s[8];
	int i, k, dc_only = 1;

	for (i = 1; i < 64 && dc_only; i++)
		dc_only = c[i] == 0;
	if (dc_only) {
		uint8_t v = clamp8((int32_t)(((uint32_t)c[0] + 1028u)) >> 3);

		for (i = 0; i < 8; i++)
			memset(out + (size_t)i * stride, v, 8);
		return;
	}
	for (i = 0; i < 8; i++) { /* columns */
		idct8(c + i, 8, 512u, s);
		for (k = 0; k < 8; k++)
			c[i + 8 * k] = s[k] >> 10;
	}
	for (i = 0; i < 8; i++) { /* rows */
		idct8(c + 8 * i, 1, ROW_BIAS, s);
		for (k = 0; k < 8; k++)
			out[(size_t)i * stride + k] = clamp8(s[k] >> 17);
	}
}

/* How a component is sampled against the largest factors. */
enum ratio { R_NONE, R_H, R_V, R_HV, R_OTHER };

static enum ratio ratio_of(const struct jpeg_decompress_struct *d, int c)
{
	int h = d->max_h_samp_factor, v = d->max_v_samp_factor;
	int hc = d->comp_info[c].h_samp_factor, vc = d->comp_info[c].v_samp_factor;
	int hr = hc && h % hc == 0 ? h / hc : 0, vr = vc && v % vc == 0 ? v / vc : 0;

	if (hr == 1 && vr == 1)
		return R_NONE;
	if (hr == 2 && vr == 1)
		return R_H;
	if (hr == 1 && vr == 2)
		return R_V;
	return hr == 2 && vr == 2 ? R_HV : R_OTHER;
}

int img_jpeg_exact(const struct jpeg_decompress_struct *d)
{
	if (d->num_components == 1)
		return 1;
	if (d->num_components != 3 || d->jpeg_color_space != JCS_YCbCr ||
	    ratio_of(d, 0) != R_NONE)
		return 0;
	return ratio_of(d, 1) == ratio_of(d, 2) && ratio_of(d, 1) != R_OTHER;
}

/* A component's samples, as many blocks as libjpeg keeps (padded to the
 * MCU, as zune-jpeg's planes are). */
struct plane {
	uint8_t *p;
	size_t w, h;
	enum ratio r;
};

static size_t round_up(size_t n, size_t m)
{
	return (n + m - 1) / m * m;
}

static void decode_plane(struct jpeg_decompress_struct *d,
			 jvirt_barray_ptr arr, int c, struct plane *pl)
{
	jpeg_component_info *ci = &d->comp_info[c];
	const UINT16 *q = ci->quant_table->quantval;
	int32_t blk[64];
	JDIMENSION by, bx;
	int i;

	for (by = 0; by < pl->h / 8; by++) {
		JBLOCKARRAY row = (*d->mem->access_virt_barray)(
			(j_common_ptr)d, arr, by, 1, FALSE);

		for (bx = 0; bx < pl->w / 8; bx++) {
			for (i = 0; i < 64; i++)
				blk[i] = (int32_t)row[0][bx][i] * q[i];
			idct_block(blk, pl->p + (size_t)by * 8 * pl->w + bx * 8,
				   pl->w);
		}
	}
}

/* A row of n samples doubled horizontally: each output sample is
 * (3 nearest + next nearest + 2) / 4, the row's ends repeated. */
static void up_h(const int16_t *in, size_t n, int16_t *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int32_t c = 3 * in[i] + 2;

		out[2 * i] = (int16_t)((c + in[i ? i - 1 : 0]) >> 2);
		out[2 * i + 1] = (int16_t)((c + in[i + 1 < n ? i + 1 : i]) >> 2);
	}
}

/* Chroma samples for luma row y, at the luma plane's resolution. */
static void chroma_row(const struct plane *pl, size_t y, int16_t *tmp,
		       int16_t *out)
{
	size_t x, r = pl->r == R_V || pl->r == R_HV ? y / 2 : y, nb = r;
	const uint8_t *cur = pl->p + r * pl->w, *near;

	if (pl->r == R_V || pl->r == R_HV) {
		if (y % 2 == 0)
			nb = r ? r - 1 : r;
		else
			nb = r + 1 < pl->h ? r + 1 : r;
	}
	near = pl->p + nb * pl->w;
	for (x = 0; x < pl->w; x++)
		tmp[x] = (int16_t)(pl->r == R_V || pl->r == R_HV ?
				   (3 * cur[x] + 2 + near[x]) >> 2 : cur[x]);
	if (pl->r == R_H || pl->r == R_HV)
		up_h(tmp, pl->w, out);
	else
		memcpy(out, tmp, pl->w * sizeof(*out));
}

/* YCbCr (14-bit reference conversion) to gray. */
static uint8_t ycc_gray(int32_t y, int32_t cb, int32_t cr)
{
	int32_t y0 = y * 16384 + 8191;

	cb -= 128;
	cr -= 128;
	return img_luma(clamp8((y0 + cr * 22970) >> 14),
			clamp8((y0 - cr * 11700 - cb * 5638) >> 14),
			clamp8((y0 + cb * 29032) >> 14));
}

static int emit_rows(const struct jpeg_decompress_struct *d,
		     const struct plane *pl, int16_t *work,
		     const struct img_sink *k)
{
	size_t cw = 2 * pl[1].w + 2, y, x, w = d->image_width;
	int16_t *tmp = work, *cb = work + cw, *cr = work + 2 * cw;
	uint8_t *gray = (uint8_t *)(work + 3 * cw);
	int rc;

	if ((rc = k->size(k->ctx, d->image_width, d->image_height)) != 0)
		return rc;
	for (y = 0; y < d->image_height; y++) {
		const uint8_t *yr = pl[0].p + y * pl[0].w;

		if (d->num_components == 1) {
			img_gray_row(yr, 1, (uint32_t)w, gray);
		} else {
			chroma_row(&pl[1], y, tmp, cb);
			chroma_row(&pl[2], y, tmp, cr);
			for (x = 0; x < w; x++)
				gray[x] = ycc_gray(yr[x], cb[x], cr[x]);
		}
		if ((rc = k->row(k->ctx, gray)) != 0)
			return rc;
	}
	return 0;
}

/* Plane shapes; 0, or IMG_UNREADABLE / IMG_TOO_BIG. */
static int shape(const struct jpeg_decompress_struct *d, struct plane *pl,
		 size_t *total)
{
	int c;

	*total = 0;
	for (c = 0; c < d->num_components; c++) {
		const jpeg_component_info *ci = &d->comp_info[c];

		pl[c].w = round_up(ci->width_in_blocks,
				   (size_t)ci->h_samp_factor) * 8;
		pl[c].h = round_up(ci->height_in_blocks,
				   (size_t)ci->v_samp_factor) * 8;
		pl[c].r = ratio_of(d, c);
		if (!ci->quant_table || !pl[c].w || !pl[c].h)
			return IMG_UNREADABLE; /* a component no scan held */
		if (pl[c].w > IMG_MAX_FRAME_BYTES / pl[c].h)
			return IMG_TOO_BIG;
		*total += pl[c].w * pl[c].h;
	}
	if (pl[0].w < d->image_width || pl[0].h < d->image_height ||
	    (d->num_components == 3 &&
	     (pl[1].w != pl[2].w || pl[1].h != pl[2].h ||
	      (pl[1].r == R_H || pl[1].r == R_HV ? 2 : 1) * pl[1].w <
		      d->image_width)))
		return IMG_UNREADABLE;
	return *total > IMG_MAX_FRAME_BYTES ? IMG_TOO_BIG : 0;
}

int img_jpeg_coefs(struct jpeg_decompress_struct *d, const struct img_sink *k,
		   uint8_t **mem)
{
	jvirt_barray_ptr *coefs = jpeg_read_coefficients(d);
	struct plane pl[3] = { { 0 } };
	size_t total, cw, off = 0;
	int c, rc;

	if (!coefs)
		return IMG_UNREADABLE;
	if ((rc = shape(d, pl, &total)) != 0)
		return rc;
	cw = 2 * pl[1].w + 2; /* as emit_rows() */
	if (!(*mem = malloc(total + 3 * cw * sizeof(int16_t) + pl[0].w + 16)))
		return VIGIL_ENOMEM;
	for (c = 0; c < d->num_components; c++) {
		pl[c].p = *mem + off;
		off += pl[c].w * pl[c].h;
		decode_plane(d, coefs[c], c, &pl[c]);
	}
	off = (off + 15) & ~(size_t)15; /* int16_t alignment */
	return emit_rows(d, pl, (int16_t *)(*mem + off), k);
}
