/*
 * idbsig.c -- .idb lines, as ClamAV's loader reads them: four fields
 * separated by ':', the last 124 hex digits: the side (2 digits: 10, 18 or
 * 20), then per area kind three windows, each its average (3 digits for
 * colour and gray, 2 for the others) and its corner x, y (2 digits each,
 * at most side - side / 8), then red, green and blue weights (2 digits
 * each, together at most 103) and the coloured percentage (at most 100).
 * A line out of these bounds is refused with its file and line.
 */
#include "db/idbsig.h"

#include <string.h>

#include "db/fields.h"

static int skip(struct loadctx *lc, const char *why)
{
	int rc = load_warn(lc, VIGIL_EFORMAT, "%s", why);

	return rc < 0 ? rc : 1;
}

/* n hex digits at *p (advanced). */
static uint32_t digits(const char **p, unsigned n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 4 | (uint32_t)fields_hexdig(*(*p)++);
	return v;
}

int idbsig_parse_metrics(const char *hex, struct vdb_icon_metrics *m,
			 const char **why)
{
	const char *p = hex;
	uint32_t lim;
	unsigned k, i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < IDB_METRICS_HEX; i++)
		if (fields_hexdig(hex[i]) < 0)
			return *why = "metrics: not hex", -1;
	m->side = digits(&p, 2);
	if (m->side != 16 && m->side != 24 && m->side != 32)
		return *why = "metrics: side is not 16, 24 or 32", -1;
	lim = m->side - m->side / 8;
	for (k = 0; k < ICM_KINDS; k++) {
		for (i = 0; i < 3; i++) {
			m->avg[k][i] = digits(&p, k <= ICM_GRAY ? 3 : 2);
			m->x[k][i] = digits(&p, 2);
			m->y[k][i] = digits(&p, 2);
			if (m->avg[k][i] > 4072 || m->x[k][i] > lim ||
			    m->y[k][i] > lim)
				return *why = "metrics: an area out of range",
				       -1;
		}
	}
	m->rsum = digits(&p, 2);
	m->gsum = digits(&p, 2);
	m->bsum = digits(&p, 2);
	m->ccount = digits(&p, 2);
	if (m->rsum + m->gsum + m->bsum > 103 || m->ccount > 100)
		return *why = "metrics: colour spread out of range", -1;
	return 0;
}

/*
 * The string of group name[0..n) of kind k: the one already used, or a
 * new one (at most IDB_MAX_GROUPS). 0, 1 (too many) or an error.
 */
static int group(struct loadctx *lc, unsigned k, const char *name, size_t n,
		 uint32_t *off)
{
	struct varr *g = &lc->ss->icon_group[k];
	const uint32_t *have = g->data;
	uint32_t *slot;
	size_t i;
	int rc;

	for (i = 0; i < g->n; i++) {
		const char *s = sigset_str(lc->ss, have[i]);

		if (strlen(s) == n && !memcmp(s, name, n))
			return *off = have[i], 0;
	}
	if (g->n >= IDB_MAX_GROUPS)
		return 1;
	if ((rc = sigset_string(lc->ss, name, n, off)))
		return rc;
	if (!(slot = varr_push(g)))
		return VIGIL_ENOMEM;
	*slot = *off;
	return 0;
}

int idbsig_line(struct loadctx *lc, const char *s, size_t n)
{
	struct vdb_icon c, *slot;
	struct fields f;
	const char *why;
	unsigned k;
	int rc;

	if (fields_split(s, n, ':', &f, 5) < 0 || f.count != 4)
		return skip(lc, "expected NAME:GROUP1:GROUP2:METRICS");
	if (!f.n[0] || f.n[3] != IDB_METRICS_HEX)
		return skip(lc, "a name and 124 hex digits of metrics wanted");
	if (load_is_ignored(lc, f.p[0], f.n[0]))
		return 1;
	memset(&c, 0, sizeof(c));
	if (idbsig_parse_metrics(f.p[3], &c.m, &why) < 0)
		return skip(lc, why);
	for (k = 0; k < 2; k++)
		if ((rc = group(lc, k, f.p[1 + k], f.n[1 + k], &c.group[k])))
			return rc < 0 ? rc :
					skip(lc, "more than 256 icon groups");
	if ((rc = sigset_string(lc->ss, f.p[0], f.n[0], &c.name)))
		return rc;
	if (!(slot = varr_push(&lc->ss->icon)))
		return VIGIL_ENOMEM;
	*slot = c;
	return 0;
}
