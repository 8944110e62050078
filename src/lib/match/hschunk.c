/*
 * hschunk.c -- what matching an object in chunks needs to know of a
 * shard's Vectorscan database (hschunk.h): the overlap, and the
 * expressions a chunk cannot show, to be found another way.
 */
#include "match/hschunk.h"

#include <stdlib.h>

#include "match/hsdb.h"
#include "sig/pattern.h"
#include "vigil/vigil.h"

/* Set in a scratch copy of the flags for the blind ones given an anchor. */
#define ANCHORED 0x80

static int in_db(const uint8_t *rtflags, size_t id)
{
	return !(rtflags[id] & (RT_NOHS | RT_ANCHORED | RT_DEFER));
}

int hschunk_blind(const struct vdb_matchable *m, uint32_t overlap)
{
	return m->maxlen == PAT_INF || m->maxlen > overlap ||
	       (m->off_kind == OFF_ABS && m->off_n <= UINT32_MAX);
}

static uint32_t widest(const struct vdb_view *v, const uint8_t *rtflags)
{
	uint32_t w = 1;
	size_t id;

	for (id = 0; id < v->nmatch; id++) {
		uint32_t n = v->match[id].maxlen;

		if (in_db(rtflags, id) && n != PAT_INF &&
		    n <= HSCHUNK_OVERLAP_MAX && n > w)
			w = n;
	}
	return w;
}

/* The blind ones in *ids (*n of them), NULL and 0 if none. */
static int blind_ids(const struct vdb_view *v, const uint8_t *rtflags,
		     uint32_t overlap, uint32_t **ids, size_t *n)
{
	size_t id;

	*n = 0;
	*ids = calloc(v->nmatch ? v->nmatch : 1, sizeof(**ids));
	if (!*ids)
		return VIGIL_ENOMEM;
	for (id = 0; id < v->nmatch; id++)
		if (in_db(rtflags, id) &&
		    hschunk_blind(&v->match[id], overlap))
			(*ids)[(*n)++] = (uint32_t)id;
	return 0;
}

/* The farthest any anchor of the table lies past its pattern's start. */
static uint32_t reach(const struct anchors *a)
{
	uint32_t r = 0;
	size_t k, i;

	for (k = 0; k < ANCHOR_KINDS; k++)
		for (i = 0; i < a->n[k]; i++)
			if (a->ent[k][i].omax > r)
				r = a->ent[k][i].omax;
	return r;
}

static int build(const struct vdb_view *v, const uint8_t *rtflags,
		 struct hschunk *c)
{
	uint8_t *got = calloc(v->nmatch ? v->nmatch : 1, 1);
	uint32_t *ids = NULL, *any = NULL;
	size_t n = 0, nany = 0, i;
	int rc = VIGIL_ENOMEM;

	c->overlap = widest(v, rtflags);
	if (!got || blind_ids(v, rtflags, c->overlap, &ids, &n) < 0 ||
	    !(any = calloc(n ? n : 1, sizeof(*any))))
		goto out;
	for (i = 0; i < n; i++) /* by anchors: those allowed anywhere */
		if (v->match[ids[i]].off_kind == OFF_ANY)
			any[nany++] = ids[i];
	if (anchors_build_ids(v, any, nany, got, ANCHORED, 0, &c->anc) < 0)
		goto out;
	c->reach = reach(&c->anc);
	for (i = 0; i < n; i++) /* the rest, in place */
		if (!got[ids[i]])
			ids[c->nrest++] = ids[i];
	c->rest = ids;
	ids = NULL;
	rc = 0;
out:
	free(got);
	free(ids);
	free(any);
	return rc;
}

int hschunk_build(const struct vdb_view *v, const uint8_t *rtflags,
		  struct hschunk **out)
{
	struct hschunk *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (!c)
		return VIGIL_ENOMEM;
	if ((rc = build(v, rtflags, c)) < 0) {
		hschunk_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void hschunk_free(struct hschunk *c)
{
	if (!c)
		return;
	anchors_free(&c->anc);
	free(c->rest);
	free(c);
}
