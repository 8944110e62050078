/*
 * ymmath.c -- YARA's math module: statistics of a range of the scanned
 * bytes or of a string (entropy, mean, deviation, serial correlation,
 * Monte Carlo pi), byte counts and the arithmetic helpers. A range that
 * starts at or past the end of the buffer, or a negative offset or
 * length, is undefined; one that runs past the end is cut at it. A mean
 * of nothing is undefined. min() and max() compare signed integers, as
 * YARA-X does (yara compares them unsigned: its min(-1, 2) is 2).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "yara/ymodules.h"
#include "vigil/vigil.h"

struct span {
	const uint8_t *p;
	size_t n;
};

/* The bytes a function works on: a string argument, or (offset, length)
 * from argument k on. 0, or -1 if undefined (an offset at or past the
 * end is). */
static int span_of(const struct ym_call *c, size_t k, struct span *sp)
{
	const struct ym_val *a = &c->arg[k];
	int64_t off, len;

	if (a->type == YM_STR) {
		sp->p = (const uint8_t *)a->u.s;
		sp->n = a->n;
		return 0;
	}
	off = a->u.i;
	len = c->arg[k + 1].u.i;
	if (off < 0 || len < 0 || (uint64_t)off >= c->scan->len)
		return -1;
	sp->p = c->scan->buf + off;
	sp->n = c->scan->len - (size_t)off;
	if ((uint64_t)len < sp->n)
		sp->n = (size_t)len;
	return 0;
}

/* The whole buffer's distribution, counted once per scan: rules ask for
 * math.entropy(0, filesize) again and again. */
struct math_priv {
	int have_all;
	uint64_t all[256];
};

static void distribution(const struct ym_call *c, const struct span *sp,
			 uint64_t *d)
{
	struct math_priv *mp = c->priv;
	int whole = sp->p == c->scan->buf && sp->n == c->scan->len;
	size_t i;

	if (whole && mp && mp->have_all) {
		memcpy(d, mp->all, sizeof(mp->all));
		return;
	}
	memset(d, 0, 256 * sizeof(*d));
	for (i = 0; i < sp->n; i++)
		d[sp->p[i]]++;
	if (whole && mp) {
		memcpy(mp->all, d, sizeof(mp->all));
		mp->have_all = 1;
	}
}

static struct ym_val entropy(struct ym_call *c)
{
	uint64_t d[256];
	struct span sp;
	double e = 0;
	size_t i;

	if (span_of(c, 0, &sp) < 0)
		return ym_undef;
	distribution(c, &sp, d);
	for (i = 0; i < 256; i++)
		if (d[i]) {
			double x = (double)d[i] / (double)sp.n;

			e -= x * log2(x);
		}
	return ym_vfloat(e);
}

static struct ym_val mean(struct ym_call *c)
{
	uint64_t d[256];
	struct span sp;
	double sum = 0;
	size_t i;

	if (span_of(c, 0, &sp) < 0)
		return ym_undef;
	distribution(c, &sp, d);
	for (i = 0; i < 256; i++)
		sum += (double)i * (double)d[i];
	return sp.n ? ym_vfloat(sum / (double)sp.n) : ym_undef;
}

static struct ym_val deviation(struct ym_call *c)
{
	size_t k = c->arg[0].type == YM_STR ? 1 : 2, i;
	double m = c->arg[k].u.f, sum = 0;
	uint64_t d[256];
	struct span sp;

	if (span_of(c, 0, &sp) < 0)
		return ym_undef;
	distribution(c, &sp, d);
	for (i = 0; i < 256; i++)
		sum += (double)d[i] * fabs((double)i - m);
	return sp.n ? ym_vfloat(sum / (double)sp.n) : ym_undef;
}

static struct ym_val serial_correlation(struct ym_call *c)
{
	double un = 0, last = 0, t1 = 0, t2 = 0, t3 = 0, scc;
	struct span sp;
	size_t i;

	if (span_of(c, 0, &sp) < 0)
		return ym_undef;
	for (i = 0; i < sp.n; i++) {
		un = sp.p[i];
		t1 += last * un;
		t2 += un;
		t3 += un * un;
		last = un;
	}
	t1 += last * un;
	t2 *= t2;
	scc = (double)sp.n * t3 - t2;
	return ym_vfloat(scc == 0 ? -100000 : ((double)sp.n * t1 - t2) / scc);
}

static struct ym_val monte_carlo_pi(struct ym_call *c)
{
	const double incirc = pow(pow(256.0, 3.0) - 1, 2.0);
	uint64_t count = 0, in = 0;
	struct span sp;
	size_t i, j;

	if (span_of(c, 0, &sp) < 0)
		return ym_undef;
	for (i = 0; i + 6 <= sp.n; i += 6) {
		double x = 0, y = 0;

		for (j = 0; j < 3; j++) {
			x = x * 256.0 + sp.p[i + j];
			y = y * 256.0 + sp.p[i + j + 3];
		}
		count++;
		in += x * x + y * y <= incirc;
	}
	if (!count)
		return ym_undef;
	return ym_vfloat(fabs((4.0 * (double)in / (double)count - M_PI) / M_PI));
}

static struct ym_val in_range(struct ym_call *c)
{
	double t = c->arg[0].u.f;

	return ym_vint(c->arg[1].u.f <= t && t <= c->arg[2].u.f);
}

static struct ym_val min(struct ym_call *c)
{
	return ym_vint(c->arg[0].u.i < c->arg[1].u.i ? c->arg[0].u.i :
						       c->arg[1].u.i);
}

static struct ym_val max(struct ym_call *c)
{
	return ym_vint(c->arg[0].u.i > c->arg[1].u.i ? c->arg[0].u.i :
						       c->arg[1].u.i);
}

static struct ym_val to_number(struct ym_call *c)
{
	return ym_vint(c->arg[0].u.i != 0);
}

static struct ym_val absolute(struct ym_call *c)
{
	int64_t i = c->arg[0].u.i;

	return ym_vint(i < 0 ? (int64_t)(0 - (uint64_t)i) : i);
}

/* The distribution of (offset, length) from argument k, or of the whole
 * buffer without one. */
static int counts(struct ym_call *c, size_t k, uint64_t *d, size_t *total)
{
	struct span sp = { c->scan->buf, c->scan->len };

	if (c->nargs > k && span_of(c, k, &sp) < 0)
		return -1;
	distribution(c, &sp, d);
	*total = sp.n;
	return 0;
}

static struct ym_val count(struct ym_call *c)
{
	uint64_t d[256];
	size_t total;

	if (counts(c, 1, d, &total) < 0)
		return ym_undef;
	return ym_vint((int64_t)d[(uint8_t)c->arg[0].u.i]);
}

static struct ym_val percentage(struct ym_call *c)
{
	uint64_t d[256];
	size_t total;

	if (counts(c, 1, d, &total) < 0)
		return ym_undef;
	return ym_vfloat((double)d[(uint8_t)c->arg[0].u.i] / (double)total);
}

static struct ym_val mode(struct ym_call *c)
{
	uint64_t d[256];
	size_t total, i, best = 0;

	if (counts(c, 0, d, &total) < 0)
		return ym_undef;
	for (i = 1; i < 256; i++)
		if (d[i] > d[best])
			best = i;
	return ym_vint((int64_t)best);
}

static const struct ym_decl math_members[] = {
	YM_DKF("MEAN_BYTES", 127.5),
	YM_DFN("in_range", "fff", 'i', in_range),
	YM_DFN("deviation", "iif", 'f', deviation),
	YM_DFN("deviation", "sf", 'f', deviation),
	YM_DFN("mean", "ii", 'f', mean),
	YM_DFN("mean", "s", 'f', mean),
	YM_DFN("serial_correlation", "ii", 'f', serial_correlation),
	YM_DFN("serial_correlation", "s", 'f', serial_correlation),
	YM_DFN("monte_carlo_pi", "ii", 'f', monte_carlo_pi),
	YM_DFN("monte_carlo_pi", "s", 'f', monte_carlo_pi),
	YM_DFN("entropy", "ii", 'f', entropy),
	YM_DFN("entropy", "s", 'f', entropy),
	YM_DFN("min", "ii", 'i', min),
	YM_DFN("max", "ii", 'i', max),
	YM_DFN("to_number", "i", 'i', to_number),
	YM_DFN("abs", "i", 'i', absolute),
	YM_DFN("count", "iii", 'i', count),
	YM_DFN("count", "i", 'i', count),
	YM_DFN("percentage", "iii", 'f', percentage),
	YM_DFN("percentage", "i", 'f', percentage),
	YM_DFN("mode", "ii", 'i', mode),
	YM_DFN("mode", "", 'i', mode),
};

static const struct ym_decl math_root = YM_DSTRUCT("math", math_members);

static int load(struct ym_scan *s, struct ym_obj *root, void **priv)
{
	(void)s;
	(void)root;
	*priv = calloc(1, sizeof(struct math_priv));
	return *priv ? 0 : VIGIL_ENOMEM;
}

const struct ym_module ym_math = { "math", &math_root, load, free };
