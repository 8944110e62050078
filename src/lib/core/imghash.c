/*
 * imghash.c -- ClamAV's image fuzzy hash, a perceptual hash: the image in
 * gray (formats/media/imgdecode.c) is resized to 32 x 32 with a Lanczos-3
 * filter, a 2-D DCT-II is taken, and each of the 64 lowest-frequency
 * coefficients (8 x 8, rows the vertical frequency) gives a bit: 1 if it
 * is above their median (the mean of the 32nd and 33rd). The bits, row by
 * row, fill 8 bytes, the first bit the top one.
 *
 * The resize repeats the image crate's (ClamAV's decoder library) in
 * single precision, in the same order of operations, so the 32 x 32 gray
 * values agree: a vertical pass that keeps floats, then a horizontal pass
 * rounded to 8 bits; each pass normalises its kernel weights by their
 * sum. Rows are taken as they are decoded, so a tall image needs only 32
 * rows of floats. The DCT is ClamAV's too, in single precision step for
 * step (core/dct32.c): a coefficient that is zero in exact arithmetic
 * (flat, symmetric images) comes out with ClamAV's rounding, which
 * decides its bit against the median.
 */
#include "core/imghash.h"
#include "core/dct32.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/media/imgdecode.h"
#include "vigil/vigil.h"

#define SIDE 32
#define LOW 8
#define LANCZOS_SUPPORT 3.0f

struct resize {
	uint32_t w, h, y;
	float ratio, sratio;
	float center[SIDE];	/* input coordinate of each output row */
	float sum[SIDE];	/* its kernel weights' sum */
	uint32_t left[SIDE], right[SIDE];
	float *acc;		/* SIDE rows of w floats */
	uint8_t out[SIDE * SIDE];
};

static float sinc(float t)
{
	float a = t * (float)M_PI;

	return t == 0.0f ? 1.0f : sinf(a) / a;
}

static float lanczos3(float x)
{
	return fabsf(x) < LANCZOS_SUPPORT ?
		       sinc(x) * sinc(x / LANCZOS_SUPPORT) : 0.0f;
}

/* Window [left, right) of output pixel o over n inputs, its centre and
 * the sum of its weights. */
static void window(uint32_t o, uint32_t n, float *center, uint32_t *left,
		   uint32_t *right, float *sum)
{
	float ratio = (float)n / (float)SIDE;
	float sratio = ratio < 1.0f ? 1.0f : ratio;
	float support = LANCZOS_SUPPORT * sratio;
	float in = ((float)o + 0.5f) * ratio;
	int64_t l = (int64_t)floorf(in - support);
	int64_t r = (int64_t)ceilf(in + support);
	uint32_t i;

	l = l < 0 ? 0 : l > (int64_t)n - 1 ? (int64_t)n - 1 : l;
	r = r < l + 1 ? l + 1 : r > (int64_t)n ? (int64_t)n : r;
	*left = (uint32_t)l;
	*right = (uint32_t)r;
	*center = in - 0.5f;
	*sum = 0.0f;
	for (i = *left; i < *right; i++)
		*sum += lanczos3(((float)i - *center) / sratio);
}

static int on_size(void *ctx, uint32_t w, uint32_t h)
{
	struct resize *z = ctx;
	uint32_t o;

	z->w = w;
	z->h = h;
	if (w == SIDE && h == SIDE) /* the crate copies, not resamples */
		return 0;
	z->ratio = (float)h / (float)SIDE;
	z->sratio = z->ratio < 1.0f ? 1.0f : z->ratio;
	for (o = 0; o < SIDE; o++)
		window(o, h, &z->center[o], &z->left[o], &z->right[o],
		       &z->sum[o]);
	if (!(z->acc = calloc((size_t)SIDE * w, sizeof(float))))
		return VIGIL_ENOMEM;
	return 0;
}

/* Row y of the input into every output row whose window holds it. */
static int on_row(void *ctx, const uint8_t *gray)
{
	struct resize *z = ctx;
	uint32_t o, x, y = z->y++;

	if (y >= z->h)
		return IMG_UNREADABLE; /* more rows than it said */
	if (!z->acc) {
		memcpy(z->out + (size_t)y * SIDE, gray, SIDE);
		return 0;
	}
	for (o = 0; o < SIDE; o++) {
		float wt;
		float *a = z->acc + (size_t)o * z->w;

		if (y < z->left[o] || y >= z->right[o])
			continue;
		wt = lanczos3(((float)y - z->center[o]) / z->sratio) /
		     z->sum[o];
		for (x = 0; x < z->w; x++)
			a[x] += (float)gray[x] * wt;
	}
	return 0;
}

/* The horizontal pass over the vertical one's floats, to 8 bits. */
static int horizontal(struct resize *z)
{
	float sratio = (float)z->w / (float)SIDE, center, sum, *wt;
	uint32_t o, y, i, left, right;

	sratio = sratio < 1.0f ? 1.0f : sratio;
	for (o = 0; o < SIDE; o++) {
		window(o, z->w, &center, &left, &right, &sum);
		if (!(wt = malloc((right - left) * sizeof(float))))
			return VIGIL_ENOMEM;
		for (i = left; i < right; i++)
			wt[i - left] = lanczos3(((float)i - center) / sratio) /
				       sum;
		for (y = 0; y < SIDE; y++) {
			const float *a = z->acc + (size_t)y * z->w;
			float t = 0.0f;

			for (i = left; i < right; i++)
				t += a[i] * wt[i - left];
			t = t < 0.0f ? 0.0f : t > 255.0f ? 255.0f : t;
			z->out[y * SIDE + o] = (uint8_t)roundf(t);
		}
		free(wt);
	}
	return 0;
}

/*
 * Bits of the 8 x 8 lowest DCT-II coefficients against their median: the
 * gray image as floats in 0..1, a DCT of each column then of each row
 * (each doubled, as ClamAV scales them), all in single precision as
 * ClamAV's (core/dct32.c).
 */
static void dct_bits(const uint8_t *px, uint8_t out[IMGHASH_BYTES])
{
	float t[SIDE * SIDE], col[SIDE], coef[LOW * LOW], sorted[LOW * LOW];
	float median;
	int x, y, i, j;

	for (x = 0; x < SIDE; x++) {	/* columns */
		for (y = 0; y < SIDE; y++)
			col[y] = (float)px[y * SIDE + x] / 255.0f;
		dct32(col);
		for (y = 0; y < SIDE; y++)
			t[y * SIDE + x] = col[y] * 2.0f;
	}
	for (y = 0; y < LOW; y++) {	/* rows: the 8 lowest are kept */
		dct32(t + y * SIDE);
		for (x = 0; x < LOW; x++)
			coef[y * LOW + x] = t[y * SIDE + x] * 2.0f;
	}
	memcpy(sorted, coef, sizeof(sorted));
	for (i = 1; i < LOW * LOW; i++) /* insertion sort: 64 values */
		for (j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
			float v = sorted[j];

			sorted[j] = sorted[j - 1];
			sorted[j - 1] = v;
		}
	median = (sorted[31] + sorted[32]) / 2.0f;
	memset(out, 0, IMGHASH_BYTES);
	for (i = 0; i < LOW * LOW; i++)
		if (coef[i] > median)
			out[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

int imghash_compute(const uint8_t *b, size_t len, uint8_t out[IMGHASH_BYTES])
{
	struct resize *z = calloc(1, sizeof(*z));
	struct img_sink k = { on_size, on_row, z };
	int rc;

	if (!z)
		return VIGIL_ENOMEM;
	rc = img_decode(b, len, &k);
	if (rc == 0 && (!z->w || z->y != z->h))
		rc = IMG_UNREADABLE;
	if (rc == 0 && z->acc)
		rc = horizontal(z);
	if (rc == 0)
		dct_bits(z->out, out);
	free(z->acc);
	free(z);
	return rc;
}

VIGIL_API int vigil_image_fuzzy_hash(const void *buf, size_t len,
				     unsigned char out[8])
{
	int rc;

	if ((!buf && len) || !out)
		return VIGIL_EINVAL;
	rc = imghash_compute(buf ? buf : "", len, out);
	return rc == IMG_UNREADABLE ? VIGIL_EFORMAT :
	       rc == IMG_TOO_BIG ? VIGIL_ELIMIT : rc;
}
