/*
 * iconmetrics.c -- ClamAV's icon metrics, recomputed from the facts of
 * its algorithm so that .idb entries written for ClamAV mean the same
 * here (and "vigil db icon-sig" prints what ClamAV's debug output does,
 * digit for digit; tests/e2e/test_icons.py compares them).
 *
 * The icon is cut into windows of a quarter of its side. Per pixel:
 * colour strength sqrt(s*s*v) and lightness v (HSV, in integers); the
 * three strongest and weakest coloured windows, the brightest and darkest,
 * none overlapping an earlier pick, scanning rows then columns. Pixels
 * with s and v above 85 are "coloured": their share and average hue
 * weights. Edges: each pixel's CIE L*a*b* distance from mid gray (double
 * precision, the same constants, single-precision literals included),
 * a Sobel gradient normalised to 255, black borders, a [1 2 1] blur along
 * rows then columns done in place (so the column pass reads rows it has
 * already blurred, as ClamAV's does), and the three most and least edged
 * windows. An icon with 5% or fewer coloured pixels is black and white:
 * its colour and gray slots hold the 4th to 6th edged windows instead.
 */
#include "core/iconmetrics.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

#define SIDE2 (ICON_SIDE_MAX * ICON_SIDE_MAX)

/* Scratch of one measurement (heap: scanners run on small stacks). */
struct work {
	uint32_t a[SIDE2], b[SIDE2], sum[SIDE2], sum2[SIDE2];
	double lab[SIDE2];
};

struct hsv {
	unsigned r, g, b, s, v, delta;
};

static void to_hsv(uint32_t c, struct hsv *p)
{
	unsigned lo, hi;

	p->r = c >> 16 & 0xff;
	p->g = c >> 8 & 0xff;
	p->b = c & 0xff;
	lo = p->r < p->g ? p->r : p->g;
	lo = lo < p->b ? lo : p->b;
	hi = p->r > p->g ? p->r : p->g;
	hi = hi > p->b ? hi : p->b;
	p->v = hi;
	p->delta = hi - lo;
	p->s = p->delta ? 255 * p->delta / hi : 0;
}

/* Sum of val over the k x k window at each (x, y), x <= xmax, y <= ymax. */
static void window_sums(const uint32_t *val, unsigned side, unsigned k,
			unsigned xmax, unsigned ymax, uint32_t *sum)
{
	unsigned x, y, i, j;

	for (y = 0; y <= ymax; y++)
		for (x = 0; x <= xmax; x++) {
			uint32_t t = 0;

			for (j = 0; j < k; j++)
				for (i = 0; i < k; i++)
					t += val[(y + j) * side + x + i];
			sum[y * side + x] = t;
		}
}

/*
 * The n best windows (largest with want_max, else smallest), each not
 * overlapping an earlier pick; xs and ys start zeroed.
 */
static void pick(const uint32_t *sum, unsigned side, unsigned k, unsigned n,
		 int want_max, uint32_t *avg, uint32_t *xs, uint32_t *ys)
{
	unsigned i, j, x, y;

	for (i = 0; i < n; i++) {
		avg[i] = want_max ? 0 : 0xffffffffu;
		for (y = 0; y < side - k; y++)
			for (x = 0; x < side - 1 - k; x++) {
				uint32_t v = sum[y * side + x];

				if (want_max ? v <= avg[i] : v >= avg[i])
					continue;
				for (j = 0; j < i; j++)
					if (x + k > xs[j] && x < xs[j] + k &&
					    y + k > ys[j] && y < ys[j] + k)
						break;
				if (j == i) {
					avg[i] = v;
					xs[i] = x;
					ys[i] = y;
				}
			}
	}
}

/* Colour, gray, bright and dark windows and the colour spread: 1 if the
 * icon is black and white. */
static int colour_areas(const uint32_t *img, unsigned side, struct work *w,
			struct vdb_icon_metrics *m)
{
	unsigned k = side / 4, i, n = side * side;
	uint32_t *col = w->a, *light = w->b, *sc = w->sum, *sl = w->sum2;

	for (i = 0; i < n; i++) {
		struct hsv p;

		to_hsv(img[i], &p);
		col[i] = (uint32_t)sqrt(p.s * p.s * p.v);
		light[i] = p.v;
		if (p.s > 85 && p.v > 85) {
			m->ccount++;
			m->rsum += 100 - 100 * (unsigned)abs((int)p.g - (int)p.b) / p.delta;
			m->gsum += 100 - 100 * (unsigned)abs((int)p.r - (int)p.b) / p.delta;
			m->bsum += 100 - 100 * (unsigned)abs((int)p.r - (int)p.g) / p.delta;
		}
	}
	window_sums(col, side, k, side - k, side - k, sc);
	window_sums(light, side, k, side - k, side - k, sl);
	pick(sc, side, k, 3, 1, m->avg[ICM_COLOR], m->x[ICM_COLOR], m->y[ICM_COLOR]);
	pick(sc, side, k, 3, 0, m->avg[ICM_GRAY], m->x[ICM_GRAY], m->y[ICM_GRAY]);
	pick(sl, side, k, 3, 1, m->avg[ICM_BRIGHT], m->x[ICM_BRIGHT], m->y[ICM_BRIGHT]);
	pick(sl, side, k, 3, 0, m->avg[ICM_DARK], m->x[ICM_DARK], m->y[ICM_DARK]);
	for (i = 0; i < 3; i++) {
		m->avg[ICM_COLOR][i] /= k * k;
		m->avg[ICM_GRAY][i] /= k * k;
		m->avg[ICM_BRIGHT][i] /= k * k;
		m->avg[ICM_DARK][i] /= k * k;
	}
	if (m->ccount * 100 / side / side > 5) {
		m->rsum /= m->ccount;
		m->gsum /= m->ccount;
		m->bsum /= m->ccount;
		m->ccount = m->ccount * 100 / side / side;
		return 0;
	}
	m->ccount = m->rsum = m->gsum = m->bsum = 0;
	return 1;
}

/* One channel to linear light, as ClamAV's sRGB conversion. */
static double linear(double c)
{
	c /= 255.0f;
	if (c > 0.04045f)
		return pow(((c + 0.055f) / 1.055f), 2.4f);
	return c / 12.92f;
}

static double lab_f(double t)
{
	if (t > 0.008856f)
		return pow(t, (1.0f / 3.0f));
	return (7.787f * t) + (16.0f / 116.0f);
}

/* CIE L*a*b* distance of 0xRRGGBB from mid gray. */
static double labdiff(uint32_t rgb)
{
	const double l1 = 53.192777691077211f, a1 = 0.0031420942181448197f,
		     b1 = -0.0062075877844014471f;
	double r = linear(rgb >> 16 & 0xff) * 100.0f;
	double g = linear(rgb >> 8 & 0xff) * 100.0f;
	double b = linear(rgb & 0xff) * 100.0f;
	double x = r * 0.4124f + g * 0.3576f + b * 0.1805f;
	double y = r * 0.2126f + g * 0.7152f + b * 0.0722f;
	double z = r * 0.0193f + g * 0.1192f + b * 0.9505f;
	double l2, a2, b2;

	x = lab_f(x / 95.047f);
	y = lab_f(y / 100.000f);
	z = lab_f(z / 108.883f);
	l2 = (116.0f * y) - 16.0f;
	a2 = 500.0f * (x - y);
	b2 = 200.0f * (y - z);
	return sqrt(pow(l1 - l2, 2.0f) + pow(a1 - a2, 2.0f) +
		    pow(b1 - b2, 2.0f));
}

/* The Sobel gradient of the L*a*b* distances, scaled to 0..255 gray in
 * img's interior (left as it is when flat), then black borders. */
static void sobel(uint32_t *img, unsigned side, struct work *w)
{
	uint32_t *g = w->a, top = 0;
	const double *s = w->lab;
	unsigned x, y, n = side * side;

	for (x = 0; x < n; x++)
		w->lab[x] = labdiff(img[x]);
	for (y = 1; y < side - 1; y++)
		for (x = 1; x < side - 1; x++) {
			const double *u = s + (y - 1) * side + x,
				     *c = s + y * side + x,
				     *d = s + (y + 1) * side + x;
			double gx = u[-1], gy = u[-1];

			gx += c[-1] * 2;
			gx += d[-1];
			gx -= u[1];
			gx -= c[1] * 2;
			gx -= d[1];
			gy += u[0] * 2;
			gy += u[1];
			gy -= d[-1];
			gy -= d[0] * 2;
			gy -= d[1];
			g[y * side + x] = (uint32_t)(int)sqrt(gx * gx + gy * gy);
			if (g[y * side + x] > top)
				top = g[y * side + x];
		}
	for (y = 1; top && y < side - 1; y++)
		for (x = 1; x < side - 1; x++) {
			uint32_t v = g[y * side + x] * 255 / top;

			img[y * side + x] = 0xff000000u | v | v << 8 | v << 16;
		}
	for (x = 0; x < side; x++) {
		img[x] = img[(side - 1) * side + x] = 0xff000000u;
		img[x * side] = img[x * side + side - 1] = 0xff000000u;
	}
}

/* The [1 2 1] blur along rows (into bits 8..15), then along columns in
 * place; every interior pixel ends gray. */
static void blur(uint32_t *img, unsigned side)
{
	unsigned x, y;

	for (y = 1; y < side - 1; y++)
		for (x = 1; x < side - 1; x++) {
			uint32_t *p = img + y * side + x;
			uint32_t sum = (p[-1] & 0xff) + 2 * (p[0] & 0xff) +
				       (p[1] & 0xff);

			*p = (*p & 0xff) | (sum / 4) << 8;
		}
	for (y = 1; y < side - 1; y++)
		for (x = 1; x < side - 1; x++) {
			uint32_t *p = img + y * side + x;
			uint32_t sum = (p[-(ptrdiff_t)side] >> 8 & 0xff) +
				       2 * (p[0] >> 8 & 0xff) +
				       (p[side] >> 8 & 0xff);

			sum /= 4;
			*p = 0xff000000u | sum | sum << 8 | sum << 16;
		}
}

/* The most and least edged windows (3, or 6 for a black and white icon,
 * whose colour and gray slots take the second three). */
static void edge_areas(const uint32_t *img, unsigned side, int bw,
		       struct work *w, struct vdb_icon_metrics *m)
{
	unsigned k = side / 4, i, n = side * side, npick = bw ? 6 : 3;
	uint32_t eavg[6], ex[6] = { 0 }, ey[6] = { 0 };
	uint32_t navg[6], nx[6] = { 0 }, ny[6] = { 0 };

	for (i = 0; i < n; i++)
		w->a[i] = img[i] & 0xff;
	window_sums(w->a, side, k, side - 1 - k, side - k, w->sum);
	pick(w->sum, side, k, npick, 1, eavg, ex, ey);
	pick(w->sum, side, k, npick, 0, navg, nx, ny);
	for (i = 0; i < 3; i++) {
		m->avg[ICM_EDGE][i] = eavg[i] / k / k;
		m->x[ICM_EDGE][i] = ex[i];
		m->y[ICM_EDGE][i] = ey[i];
		m->avg[ICM_NOEDGE][i] = navg[i] / k / k;
		m->x[ICM_NOEDGE][i] = nx[i];
		m->y[ICM_NOEDGE][i] = ny[i];
		if (!bw)
			continue;
		m->avg[ICM_COLOR][i] = eavg[i + 3] / k / k;
		m->x[ICM_COLOR][i] = ex[i + 3];
		m->y[ICM_COLOR][i] = ey[i + 3];
		/* ClamAV's gray slots take the edged windows' corners */
		m->avg[ICM_GRAY][i] = navg[i + 3] / k / k;
		m->x[ICM_GRAY][i] = ex[i + 3];
		m->y[ICM_GRAY][i] = ey[i + 3];
	}
}

int iconmetrics_compute(uint32_t *img, unsigned side,
			struct vdb_icon_metrics *m)
{
	struct work *w;
	int bw;

	memset(m, 0, sizeof(*m));
	if (side < ICON_SIDE_MIN || side > ICON_SIDE_MAX)
		return VIGIL_EINVAL;
	if (!(w = malloc(sizeof(*w))))
		return VIGIL_ENOMEM;
	m->side = side;
	bw = colour_areas(img, side, w, m);
	sobel(img, side, w);
	blur(img, side);
	edge_areas(img, side, bw, w, m);
	free(w);
	return 0;
}

/*
 * How well n points of an icon (x1, y1, a1) meet the entry's (x2, y2,
 * a2): for each, the nearest entry point within 3/4 of a window whose
 * average is within max / 5 scores 100 less 60 per 3/4 window of
 * distance; the mean of the best scores.
 */
static unsigned points(unsigned side, unsigned n, const uint32_t *x1,
		       const uint32_t *y1, const uint32_t *a1,
		       const uint32_t *x2, const uint32_t *y2,
		       const uint32_t *a2, unsigned max)
{
	unsigned i, j, reach = side / 4 * 3 / 4, match = 0;

	for (i = 0; i < n; i++) {
		unsigned best = 0;

		for (j = 0; j < n; j++) {
			int dx = (int)x1[i] - (int)x2[j];
			int dy = (int)y1[i] - (int)y2[j];
			unsigned d = (unsigned)sqrt(dx * dx + dy * dy);

			if (d > reach ||
			    (unsigned)abs((int)a1[i] - (int)a2[j]) > max / 5)
				continue;
			d = 100 - d * 60 / reach;
			if (d > best)
				best = d;
		}
		match += best;
	}
	return match / n;
}

static unsigned kind(unsigned side, const struct vdb_icon_metrics *a,
		     const struct vdb_icon_metrics *b, int k, unsigned max)
{
	return points(side, 3, a->x[k], a->y[k], a->avg[k], b->x[k], b->y[k],
		      b->avg[k], max);
}

/* Black and white: two kinds taken as six points (k and k2). */
static unsigned bw_kinds(unsigned side, const struct vdb_icon_metrics *a,
			 const struct vdb_icon_metrics *b, int k, int k2)
{
	uint32_t x1[6], y1[6], a1[6], x2[6], y2[6], a2[6];
	unsigned i;

	for (i = 0; i < 3; i++) {
		x1[i] = a->x[k][i], y1[i] = a->y[k][i], a1[i] = a->avg[k][i];
		x2[i] = b->x[k][i], y2[i] = b->y[k][i], a2[i] = b->avg[k][i];
		x1[i + 3] = a->x[k2][i], y1[i + 3] = a->y[k2][i];
		a1[i + 3] = a->avg[k2][i];
		x2[i + 3] = b->x[k2][i], y2[i + 3] = b->y[k2][i];
		a2[i + 3] = b->avg[k2][i];
	}
	return points(side, 6, x1, y1, a1, x2, y2, a2, 255);
}

static unsigned spread(uint32_t a, uint32_t b)
{
	unsigned d = (unsigned)abs((int)a - (int)b) * 10;

	return d < 100 ? 100 - d : 0;
}

int iconmetrics_match(const struct vdb_icon_metrics *icon,
		      const struct vdb_icon_metrics *sig)
{
	unsigned side = icon->side, size = (side >> 3) - 2;
	unsigned color = 0, gray = 0, edge, noedge, bright, dark, colors;

	if ((side >> 3) != (sig->side >> 3))
		return 0;
	bright = kind(side, icon, sig, ICM_BRIGHT, 255);
	dark = kind(side, icon, sig, ICM_DARK, 255);
	if (!icon->ccount && !sig->ccount) {
		edge = bw_kinds(side, icon, sig, ICM_EDGE, ICM_COLOR);
		noedge = bw_kinds(side, icon, sig, ICM_NOEDGE, ICM_GRAY);
		return (bright + dark + edge * 2 + noedge) / 6 >= 70;
	}
	edge = kind(side, icon, sig, ICM_EDGE, 255);
	noedge = kind(side, icon, sig, ICM_NOEDGE, 255);
	if (icon->ccount && sig->ccount) {
		color = kind(side, icon, sig, ICM_COLOR, 4072);
		gray = kind(side, icon, sig, ICM_GRAY, 4072);
	}
	colors = (spread(icon->rsum, sig->rsum) + spread(icon->gsum, sig->gsum) +
		  spread(icon->bsum, sig->bsum) +
		  spread(icon->ccount, sig->ccount)) / 4;
	return (color + (gray + bright + noedge) * 2 / 3 + dark + edge +
		colors) / 6 >= 64 + 4 * (2 - size);
}

void iconmetrics_format(const struct vdb_icon_metrics *m, char out[125])
{
	char *p = out;
	unsigned k, i;

	p += sprintf(p, "%02x", m->side & 0xff);
	for (k = 0; k < ICM_KINDS; k++)
		for (i = 0; i < 3; i++)
			p += sprintf(p, k <= ICM_GRAY ? "%03x%02x%02x" :
							"%02x%02x%02x",
				     m->avg[k][i] & (k <= ICM_GRAY ? 0xfff : 0xff),
				     m->x[k][i] & 0xff, m->y[k][i] & 0xff);
	sprintf(p, "%02x%02x%02x%02x", m->rsum & 0xff, m->gsum & 0xff,
		m->bsum & 0xff, m->ccount & 0xff);
}
