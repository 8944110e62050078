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

/* 1 if the icon is close to an entry of the wanted groups. */
static int on_icon(void *ctx, uint32_t *img, unsigned side)
{
	const struct want *w = ctx;
	struct vdb_icon_metrics m;
	size_t k, i;
	int rc;

	if ((rc = iconmetrics_compute(img, side, &m)) < 0)
		return rc;
	for (k = 0; k < w->e->nshards; k++) {
		const struct vdb_view *v = &w->e->shards[k].v;

		for (i = 0; i < v->nicon; i++)
			if (group_ok(w->group[0], vdb_str(v, v->icon[i].group[0])) &&
			    group_ok(w->group[1], vdb_str(v, v->icon[i].group[1])) &&
			    iconmetrics_match(&m, &v->icon[i].m))
				return 1;
	}
	return 0;
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
	struct pe_info pe;
	int rc;

	if (!any_icons(s->e) || wanted(v, li, &w) < 0 ||
	    pe_parse(buf, len, &pe) < 0)
		return 0;
	rc = peicon_each(buf, len, &pe, on_icon, &w);
	if (rc < 0 || rc == PEICON_STOPPED)
		return rc < 0 ? rc : 1;
	if (rc != PEICON_PARTIAL)
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
