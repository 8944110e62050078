/*
 * hsdb.c -- building the Vectorscan database of a shard. Every matchable
 * becomes one expression (SINGLEMATCH: the first hit per object is enough,
 * since inexact ones are then verified over the whole object), and the
 * containers' signatures (magic.h) come after them, so that the pass over
 * an object finds both (a pass of their own cost 8% of the bench's). An
 * expression Vectorscan rejects is retried in prefilter mode, then left to
 * the exact matcher alone. Compiling is slow (seconds for ten thousand
 * patterns, minutes for a hundred thousand), so the result is cached, and
 * where the cache does not hold it the anchors matcher (anchors.c), built
 * in a fraction of a second, serves instead: always past ANCHORS_FROM
 * matchables, and from a compile cost of HS_QUICK_FROM on unless the caller
 * asked for the compiled database (vigil db compile, vigild's background
 * compile).
 */
#include "match/hsdb.h"

#include <stdlib.h>
#include <string.h>

#include "match/defer.h"
#include "match/hscache.h"
#include "match/hsexpr.h"
#include "vigil/vigil.h"

#define ANCHORS_FROM 50000 /* matchables: ClamAV's main.ldb has 160,371 */

/* Takes expression i out of the set (it stays with the exact matcher). */
static void drop(struct exprs *x, size_t i, uint8_t *rt)
{
	rt[x->ids[i]] |= RT_NOHS | RT_VERIFY;
	exprs_drop(x, i);
}

struct reject_ctx {
	size_t nmatch;
	uint8_t *rt;
	const char **why;
};

/* An expression Vectorscan rejects: retried in prefilter mode, then left
 * to the exact matcher alone. */
static int on_reject(const void *ctx, struct exprs *x, int i)
{
	const struct reject_ctx *c = ctx;

	if (i < 0 || (size_t)i >= x->n || x->ids[i] >= c->nmatch) {
		*c->why = "Vectorscan could not compile the database";
		return VIGIL_EMATCHER;
	}
	if (x->flags[i] & HS_FLAG_PREFILTER) {
		drop(x, (size_t)i, c->rt);
	} else {
		x->flags[i] |= HS_FLAG_PREFILTER;
		c->rt[x->ids[i]] |= RT_VERIFY;
	}
	return 0;
}

static int collect_nohs(struct hsdb *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (h->rtflags[i] & RT_NOHS)
			h->nnohs++;
	if (!h->nnohs)
		return 0;
	if (!(h->nohs = calloc(h->nnohs, sizeof(*h->nohs))))
		return VIGIL_ENOMEM;
	h->nnohs = 0;
	for (i = 0; i < n; i++)
		if (h->rtflags[i] & RT_NOHS)
			h->nohs[h->nnohs++] = (uint32_t)i;
	return 0;
}

static int build_fresh(const struct vdb_view *v, struct hsdb *h,
		       const char **why)
{
	struct expr_pick all = { h->rtflags, RT_ANCHORED | RT_DEFER, NULL, 1,
				 h->rtflags, 0 };
	struct reject_ctx c = { v->nmatch, h->rtflags, why };
	struct exprs x;
	int rc;

	if ((rc = exprs_make(v, &all, &x)) == 0)
		rc = exprs_compile(&x, &h->db, on_reject, &c);
	exprs_free(&x);
	h->magic = h->db != NULL;
	return rc;
}

/* What VIGIL_MATCHER in the environment asks for: 'a'nchors,
 * 'v'ectorscan or 0 for the default choice. */
static int forced_matcher(void)
{
	const char *m = getenv("VIGIL_MATCHER");

	if (m && !strcmp(m, "anchors"))
		return 'a';
	if (m && !strcmp(m, "vectorscan"))
		return 'v';
	return 0;
}

/* The cached database; for the anchors matcher's rest, only if the cache
 * left out the very matchables the anchors now take (the way they are
 * chosen may have changed since it was stored). Those it left out as
 * deferred are taken as the cache says: its key holds all that chose
 * them (hscache_digest()), and it verifies those. 0 or -1. */
static int load_cached(const char *dir, const struct hscache_key *key,
		       size_t nmatch, struct hsdb *out)
{
	uint8_t *mine = out->anchored ? malloc(nmatch) : NULL;
	size_t i;
	int rc;

	if (out->anchored && !mine)
		return -1;
	if (mine)
		memcpy(mine, out->rtflags, nmatch);
	rc = hscache_load(dir, key, nmatch, &out->db, out->rtflags);
	if (rc == 0 && !out->db) /* never so: the containers' signatures */
		rc = -1;
	for (i = 0; rc == 0 && mine && i < nmatch; i++)
		if ((mine[i] ^ out->rtflags[i]) & RT_ANCHORED)
			rc = -1;
	if (rc && mine) { /* stale: back to the anchors' own flags */
		hs_free_database(out->db);
		out->db = NULL;
		memcpy(out->rtflags, mine, nmatch);
	}
	free(mine);
	return rc;
}

#define ANCHORS_EXT "anc9" /* anc7: a table per target type, short
			    * anchors of logical signatures that need a
			    * long one left out (anchorset.c); anc8:
			    * anchors past a '*' (ANCHORS_UNBOUNDED), so
			    * that a table written before them is not
			    * taken; anc9: an eight-byte entry's
			    * neighbours (anchors.h's around, where the
			    * padding lay); the next change: anc10 */

struct anc_load {
	size_t nmatch;
	struct hsdb *out;
};

static int use_anchors(void *ctx, const uint8_t *b, size_t len, int checked)
{
	struct anc_load *l = ctx;

	return anchorset_load(b, len, l->nmatch, l->out->rtflags,
			      RT_ANCHORED | RT_VERIFY,
			      ANCHORSET_MAPPED | (checked ? ANCHORSET_CHECKED : 0),
			      &l->out->anc);
}

/* The anchors table: from the cache, or built and stored there. */
static int anchors_cached(const struct vdb_view *v, const char *cache_dir,
			  const struct hscache_key *key, struct hsdb *out)
{
	struct anc_load l = { v->nmatch, out };
	struct vbuf b = { 0 };
	int rc;

	if (cache_dir && hscache_map_blob(cache_dir, key, ANCHORS_EXT,
					  v->nmatch, use_anchors, &l,
					  &out->anc.map, &out->anc.map_len,
					  &out->anc_new) == 0)
		return 0;
	memset(out->rtflags, 0, v->nmatch);
	if ((rc = anchorset_build(v, out->rtflags, RT_ANCHORED | RT_VERIFY,
				  &out->anc)) < 0 || !cache_dir)
		return rc;
	if (anchorset_save(&out->anc, out->rtflags, RT_ANCHORED, v->nmatch,
			   &b) == 0)
		hscache_store_blob(cache_dir, key, ANCHORS_EXT, v->nmatch,
				   b.data, b.len, out->log, out->log_ctx);
	vbuf_free(&b);
	return 0;
}

static int build_anchored(const struct vdb_view *v, const char *cache_dir,
			  const struct hscache_key *whole, struct hsdb *out,
			  const char **why)
{
	struct hscache_key key = *whole;
	int rc;

	out->anchored = 1;
	/* a name no whole set's database has; 'x' before patterns were
	 * deferred, so that an older version sharing the cache never reads
	 * a rest that leaves out patterns it would not defer */
	key.hex[0] = HSCACHE_KEY_REST;
	if ((rc = anchors_cached(v, cache_dir, &key, out)) < 0)
		return rc;
	if (cache_dir && load_cached(cache_dir, &key, v->nmatch, out) == 0) {
		out->from_cache = out->magic = 1;
		return 0;
	}
	defer_weak(v, out->rtflags, RT_ANCHORED, RT_DEFER | RT_VERIFY);
	if ((rc = build_fresh(v, out, why)) == 0 && cache_dir && out->db)
		hscache_store(cache_dir, &key, v->nmatch, out->db,
			      out->rtflags, out->log, out->log_ctx);
	return rc;
}

/* What compiling v would cost, in literals: patterns of varying length
 * (gaps, *) take Vectorscan several times longer. */
static size_t compile_cost(const struct vdb_view *v)
{
	size_t i, cost = 0;

	for (i = 0; i < v->nmatch && cost < HS_QUICK_FROM; i++)
		cost += v->match[i].minlen != v->match[i].maxlen ? HS_GAP_COST : 1;
	return cost;
}

/* The whole set in Vectorscan: from the cache, or compiled when the set
 * is cheap to compile or the caller wants it (full); otherwise 1: not
 * built. */
static int build_whole(const struct vdb_view *v, const char *cache_dir,
		       const struct hscache_key *key, int full,
		       struct hsdb *out, const char **why)
{
	int rc;

	if (cache_dir && load_cached(cache_dir, key, v->nmatch, out) == 0) {
		out->from_cache = out->magic = 1;
		return 0;
	}
	if (!full && compile_cost(v) >= HS_QUICK_FROM)
		return 1;
	if ((rc = build_fresh(v, out, why)) == 0 && cache_dir && out->db)
		hscache_store(cache_dir, key, v->nmatch, out->db,
			      out->rtflags, out->log, out->log_ctx);
	return rc;
}

/* The text databases of what out's database holds (hstext.h). */
static int text_build(const struct vdb_view *v, const struct hsdb_opts *o,
		      const struct hscache_key *key, int full,
		      struct hsdb *out)
{
	struct hstext_in in = { v, out->rtflags, RT_ANCHORED | RT_DEFER,
				o->cache_dir, *key, full, o->log,
				o->log_ctx };

	int rc;

	if (out->anchored)
		in.key.hex[0] = HSCACHE_KEY_REST;
	rc = hstext_build(&in, &out->text);
	/* left for a compile that may take its time, as a quick matcher */
	out->quick |= out->text.skipped;
	return rc;
}

int hsdb_build(const struct vdb_view *v, const struct hsdb_opts *o,
	       struct hsdb *out, const char **why)
{
	struct hscache_digest d;
	struct hscache_key key;
	int force = forced_matcher(), rc = 1;

	memset(out, 0, sizeof(*out));
	out->log = o->log;
	out->log_ctx = o->log_ctx;
	*why = "out of memory";
	if (!(out->rtflags = calloc(v->nmatch + 1, 1)))
		return VIGIL_ENOMEM;
	if (!v->nmatch)
		return 0;
	if (o->digest)
		d = *o->digest;
	else
		hscache_digest(v, &d);
	hscache_key_of(&d, &key);
	if (force == 'v' || (!force && v->nmatch < ANCHORS_FROM))
		rc = build_whole(v, o->cache_dir, &key, o->full || force, out,
				 why);
	if (rc == 1) {
		out->quick = !force && v->nmatch < ANCHORS_FROM;
		rc = build_anchored(v, o->cache_dir, &key, out, why);
	}
	if (!rc && out->db) {
		hs_database_size(out->db, &out->bytes);
		rc = text_build(v, o, &key, o->full || force, out);
	}
	out->bytes += out->anc.bytes + out->text.bytes;
	if (!rc)
		rc = collect_nohs(out, v->nmatch);
	if (rc < 0)
		hsdb_free(out);
	return rc;
}

void hsdb_free(struct hsdb *h)
{
	hs_free_database(h->db);
	hstext_free(&h->text);
	anchorset_free(&h->anc);
	hscache_unsettled_free(&h->anc_new);
	free(h->rtflags);
	free(h->nohs);
	memset(h, 0, sizeof(*h));
}
