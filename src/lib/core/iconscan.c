/*
 * iconscan.c -- IconGroup1/IconGroup2: the icons of the PE's first icon
 * group (formats/exe/peicon.h), each measured (core/iconmetrics.h) and
 * compared with the .idb entries of every shard (the groups are the
 * engine's, as in ClamAV, where the official main.ldb names groups its
 * daily.idb defines) whose group names are the signature's ("*" or
 * absent: any). As in ClamAV, nothing matches while no .idb entry is
 * loaded or when the image has no resources.
 */
#include "core/iconscan.h"

#include <stdlib.h>
#include <string.h>

#include "core/iconmetrics.h"
#include "formats/exe/pe.h"
#include "formats/exe/peicon.h"

struct want {
	const struct vigil_engine *e;
	const char *group[2];	/* NULL: any */
};

static int group_ok(const char *want, const char *have)
{
	return !want || !strcmp(want, have);
}

/* The metrics of the icons of the PE last walked, kept for the other
 * icon-group signatures of the same object (main.ldb's often share an
 * entry-point pattern): keyed by its bytes' place and length. */
struct icon_cache {
	const uint8_t *buf;
	size_t len;
	int partial;		/* icons were left past a bound */
	size_t n, cap;
	struct vdb_icon_metrics *m;
};

static int on_icon(void *ctx, uint32_t *img, unsigned side)
{
	struct icon_cache *c = ctx;
	int rc;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct vdb_icon_metrics *m = realloc(c->m, cap * sizeof(*m));

		if (!m)
			return VIGIL_ENOMEM;
		c->m = m;
		c->cap = cap;
	}
	if ((rc = iconmetrics_compute(img, side, &c->m[c->n])) < 0)
		return rc;
	c->n++;
	return 0;
}

/* The object's icons, measured once: the cache, or NULL (*rc set). */
static struct icon_cache *measured(struct vigil_scanner *s,
				   const uint8_t *buf, size_t len, int *rc)
{
	struct icon_cache *c = s->icons;
	struct pe_info pe;

	*rc = 0;
	if (!c && !(c = s->icons = calloc(1, sizeof(*c)))) {
		*rc = VIGIL_ENOMEM;
		return NULL;
	}
	if (c->buf == buf && c->len == len)
		return c;
	c->buf = NULL;
	c->n = 0;
	c->partial = 0;
	if (pe_parse(buf, len, &pe) == 0) {
		*rc = peicon_each(buf, len, &pe, on_icon, c);
		if (*rc < 0)
			return NULL;
		c->partial = *rc == PEICON_PARTIAL;
	}
	c->buf = buf;
	c->len = len;
	*rc = 0;
	return c;
}

/* 1 if an icon is close to an entry of the wanted groups. */
static int close_to(const struct icon_cache *c, const struct want *w)
{
	size_t i, k, j;

	for (i = 0; i < c->n; i++)
		for (k = 0; k < w->e->nshards; k++) {
			const struct vdb_view *v = &w->e->shards[k].v;

			for (j = 0; j < v->nicon; j++)
				if (group_ok(w->group[0],
					     vdb_str(v, v->icon[j].group[0])) &&
				    group_ok(w->group[1],
					     vdb_str(v, v->icon[j].group[1])) &&
				    iconmetrics_match(&c->m[i], &v->icon[j].m))
					return 1;
		}
	return 0;
}

void iconscan_forget(struct vigil_scanner *s)
{
	if (s->icons)
		s->icons->buf = NULL;
}

void iconscan_free(struct vigil_scanner *s)
{
	if (s->icons)
		free(s->icons->m);
	free(s->icons);
	s->icons = NULL;
}

/* The groups .ldb li asks for (binary search by owner). */
static int wanted(const struct vdb_view *v, uint32_t li, struct want *w)
{
	size_t lo = 0, hi = v->nldbicon;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vdb_ldb_icon *r = &v->ldbicon[mid];

		if (r->owner == li) {
			w->group[0] = r->group[0] ? vdb_str(v, r->group[0]) : NULL;
			w->group[1] = r->group[1] ? vdb_str(v, r->group[1]) : NULL;
			return 0;
		}
		if (r->owner < li)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int any_icons(const struct vigil_engine *e)
{
	size_t k;

	for (k = 0; k < e->nshards; k++)
		if (e->shards[k].v.nicon)
			return 1;
	return 0;
}

int iconscan_match(struct vigil_scanner *s, const struct shard *sh,
		   uint32_t li, const uint8_t *buf, size_t len)
{
	const struct vdb_view *v = &sh->v;
	struct want w = { s->e, { NULL, NULL } };
	struct icon_cache *c;
	int rc;

	if (!any_icons(s->e) || wanted(v, li, &w) < 0)
		return 0;
	if (!(c = measured(s, buf, len, &rc)))
		return rc;
	if (close_to(c, &w))
		return 1;
	if (!c->partial)
		return 0;
	if (s->opts.flags & VIGIL_SCAN_ALERT_EXCEEDS_MAX)
		return (rc = scanner_limit(s, LIMIT_ICONS)) < 0 ? rc : 0;
	scanner_warn(s, "%s: icons past the first %d not compared",
		     vdb_str(v, v->ldb[li].name), PEICON_MAX_ICONS);
	return 0;
}

struct collect {
	char (*out)[125];
	size_t max, n;
};

static int on_collect(void *ctx, uint32_t *img, unsigned side)
{
	struct collect *c = ctx;
	struct vdb_icon_metrics m;
	int rc;

	if ((rc = iconmetrics_compute(img, side, &m)) < 0)
		return rc;
	if (c->n < c->max)
		iconmetrics_format(&m, c->out[c->n]);
	c->n++;
	return 0;
}

VIGIL_API int vigil_pe_icon_metrics(const void *buf, size_t len,
				    char (*out)[125], size_t max,
				    size_t *count)
{
	struct collect c = { out, max, 0 };
	struct pe_info pe;
	int rc;

	if ((!buf && len) || (!out && max) || !count)
		return VIGIL_EINVAL;
	*count = 0;
	if (!buf || pe_parse(buf, len, &pe) < 0)
		return VIGIL_EFORMAT;
	rc = peicon_each(buf, len, &pe, on_collect, &c);
	*count = c.n;
	return rc < 0 ? rc : 0;
}
