/*
 * dct32.c -- the unnormalised DCT-II of 32 floats as rustdct 0.7 computes
 * it: its planner takes a split-radix step for 32 (a DCT-II of the 16
 * sums, and a DCT-IV of the 16 differences as two DCT-IIs of 8 after a
 * twiddle), whose parts are its hand-written butterflies of 16, 8, 4 and
 * 2; twiddles are computed in double precision and rounded to float. The
 * order of every single-precision operation is that of those algorithms,
 * so the results are bit for bit those of ClamAV's image fuzzy hash,
 * where a double-precision DCT decides near-zero coefficients (flat,
 * symmetric images) differently. Written here from the algorithms'
 * published structure; no C library computes a DCT this way.
 */
#include "core/dct32.h"

#include <math.h>

#define F 0.70710678118654752440f /* 1/sqrt(2) as a float */

struct tw {
	float r, i;
};

/* The conjugate of the twiddle e^(-2 pi i k / n), rounded to float. */
static struct tw twiddle(int k, int n)
{
	double a = M_PI * -2.0 / (double)n * (double)k;
	struct tw t = { (float)cos(a), -(float)sin(a) };

	return t;
}

static void dct2_2(float *a, float *b)
{
	float s = *a + *b;

	*b = (*a - *b) * F;
	*a = s;
}

static void dst2_2(float *a, float *b)
{
	float s = *a - *b;

	*a = (*a + *b) * F;
	*b = s;
}

static void dct2_4(float x[4])
{
	struct tw t = twiddle(1, 16);
	float lo = x[0] - x[3], up = x[2] - x[1];

	x[0] = x[0] + x[3];
	x[2] = x[2] + x[1];
	dct2_2(&x[0], &x[2]);
	x[1] = lo * t.r - up * t.i;
	x[3] = up * t.r + lo * t.i;
}

static void dst2_4(float x[4])
{
	struct tw t = twiddle(1, 16);
	float lo = x[0] + x[3], up = x[2] + x[1];

	x[3] = x[0] - x[3];
	x[1] = x[2] - x[1];
	dct2_2(&x[3], &x[1]);
	x[2] = lo * t.r - up * t.i;
	x[0] = up * t.r + lo * t.i;
}

static void dct2_8(float x[8])
{
	struct tw t0 = twiddle(1, 32), t1 = twiddle(3, 32);
	float e[4] = { x[0] + x[7], x[1] + x[6], x[2] + x[5], x[3] + x[4] };
	float d[4] = { x[0] - x[7], x[3] - x[4], x[1] - x[6], x[2] - x[5] };
	float ev[2] = { d[0] * t0.r + d[1] * t0.i, d[2] * t1.r + d[3] * t1.i };
	float od[2] = { d[3] * t1.r - d[2] * t1.i, d[1] * t0.r - d[0] * t0.i };

	dct2_4(e);
	dct2_2(&ev[0], &ev[1]);
	dst2_2(&od[0], &od[1]);
	x[0] = e[0];
	x[1] = ev[0];
	x[2] = e[1];
	x[3] = ev[1] - od[0];
	x[4] = e[2];
	x[5] = ev[1] + od[0];
	x[6] = e[3];
	x[7] = od[1];
}

static void dct2_16(float x[16])
{
	struct tw t[4];
	float e[8], d[8], ev[4], od[4];
	int i;

	for (i = 0; i < 4; i++)
		t[i] = twiddle(2 * i + 1, 64);
	for (i = 0; i < 8; i++)
		e[i] = x[i] + x[15 - i];
	for (i = 0; i < 4; i++) {
		d[2 * i] = x[i] - x[15 - i];
		d[2 * i + 1] = x[7 - i] - x[8 + i];
	}
	for (i = 0; i < 4; i++) {
		ev[i] = d[2 * i] * t[i].r + d[2 * i + 1] * t[i].i;
		od[3 - i] = d[2 * i + 1] * t[i].r - d[2 * i] * t[i].i;
	}
	dct2_8(e);
	dct2_4(ev);
	dst2_4(od);
	x[0] = e[0];
	x[1] = ev[0];
	x[2] = e[1];
	x[3] = ev[1] - od[0];
	x[4] = e[2];
	x[5] = ev[1] + od[0];
	x[6] = e[3];
	x[7] = ev[2] + od[1];
	x[8] = e[4];
	x[9] = ev[2] - od[1];
	x[10] = e[5];
	x[11] = ev[3] - od[2];
	x[12] = e[6];
	x[13] = ev[3] + od[2];
	x[14] = e[7];
	x[15] = od[3];
}

void dct32(float x[32])
{
	float half[16], ev[8], od[8];
	int i;

	for (i = 0; i < 8; i++) {
		struct tw t = twiddle(2 * i + 1, 128);
		float bottom = x[i], top = x[31 - i];
		float hb = x[15 - i], ht = x[16 + i];
		float lo = bottom - top, up = hb - ht;
		float s = up * t.r - lo * t.i;

		half[i] = top + bottom;
		half[15 - i] = hb + ht;
		ev[i] = lo * t.r + up * t.i;
		od[7 - i] = i % 2 == 0 ? s : -s;
	}
	dct2_16(half);
	dct2_8(ev);
	dct2_8(od);
	x[0] = half[0];
	x[1] = ev[0];
	x[2] = half[1];
	for (i = 1; i < 8; i++) {
		float c = ev[i], s = (i + 8) % 2 == 0 ? -od[8 - i] : od[8 - i];

		x[4 * i - 1] = c + s;
		x[4 * i] = half[2 * i];
		x[4 * i + 1] = c - s;
		x[4 * i + 2] = half[2 * i + 1];
	}
	x[31] = -od[0];
}
