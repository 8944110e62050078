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
 * matchables, and from a compile cost of QUICK_FROM on unless the caller
 * asked for the compiled database (vigil db compile, vigild's background
 * compile).
 */
#include "match/hsdb.h"

#include <stdlib.h>
#include <string.h>

#include "match/defer.h"
#include "match/hscache.h"
#include "match/magic.h"
#include "sig/pattern.h"
#include "sig/regex.h"
#include "vigil/vigil.h"

#define ANCHORS_FROM 50000 /* matchables: ClamAV's main.ldb has 160,371 */
#define QUICK_FROM 1000	   /* compile cost (below): 999 literals compile
			    * in 0.06 s, 250 patterns with a gap in 0.6 s */
#define GAP_COST 4	   /* a pattern of varying length costs as much as
			    * four literals */

struct exprs {
	char **expr;
	unsigned *flags;
	unsigned *ids;
	hs_expr_ext_t *ext;
	const hs_expr_ext_t **extp;
	size_t n;
	size_t cap;
};

static void exprs_free(struct exprs *x)
{
	size_t i;

	for (i = 0; x->expr && i < x->cap; i++)
		free(x->expr[i]);
	free(x->expr);
	free(x->flags);
	free(x->ids);
	free(x->ext);
	free(x->extp);
}

static void set_offsets(const struct vdb_matchable *m, hs_expr_ext_t *e)
{
	memset(e, 0, sizeof(*e));
	if (m->off_kind != OFF_ABS || m->off_n > UINT32_MAX)
		return;
	e->flags = HS_EXT_FLAG_MIN_OFFSET;
	e->min_offset = m->off_n + m->minlen;
	if (m->maxlen != PAT_INF) {
		e->flags |= HS_EXT_FLAG_MAX_OFFSET;
		e->max_offset = m->off_n + m->off_shift + m->maxlen;
	}
}

/*
 * The containers' signatures (magic.h) after the matchables, with the ids
 * that follow theirs: the pass that matches an object's body signatures
 * finds where those start too. Every match, not the first only.
 */
static int exprs_magic(struct exprs *x, size_t nmatch)
{
	size_t i;

	for (i = 0; i < magic_count(); i++) {
		const uint8_t *b;
		size_t len, k = x->n;
		int caseless;
		struct vbuf e = { 0 };

		magic_literal(i, &b, &len, &caseless);
		if (regex_from_bytes(b, len, &e) < 0) {
			vbuf_free(&e);
			return VIGIL_ENOMEM;
		}
		x->expr[k] = (char *)e.data;
		x->flags[k] = HS_FLAG_DOTALL |
			      (caseless ? HS_FLAG_CASELESS : 0);
		x->ids[k] = (unsigned)(nmatch + i);
		x->extp[k] = NULL;
		x->n = k + 1;
	}
	return 0;
}

/* The expressions of v's matchables, those the anchors matcher finds
 * (RT_ANCHORED) and those deferred (RT_DEFER) left out, and the
 * containers' signatures. */
static int exprs_make(const struct vdb_view *v, struct exprs *x,
		      uint8_t *rt)
{
	size_t i, k, n = v->nmatch + magic_count();

	x->cap = n;
	x->expr = calloc(n, sizeof(*x->expr));
	x->flags = calloc(n, sizeof(*x->flags));
	x->ids = calloc(n, sizeof(*x->ids));
	x->ext = calloc(n, sizeof(*x->ext));
	x->extp = calloc(n, sizeof(*x->extp));
	if (!x->expr || !x->flags || !x->ids || !x->ext || !x->extp)
		return VIGIL_ENOMEM;
	for (i = 0, k = 0; i < v->nmatch; i++) {
		const struct vdb_matchable *m = &v->match[i];
		struct vbuf b = { 0 };
		int exact;

		if (rt[i] & (RT_ANCHORED | RT_DEFER))
			continue;
		if (regex_from_pattern(v->code + m->code_off, m->code_len, &b,
				       &exact) < 0) {
			vbuf_free(&b);
			return VIGIL_ENOMEM;
		}
		x->expr[k] = (char *)b.data;
		x->flags[k] = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH;
		x->ids[k] = (unsigned)i;
		set_offsets(m, &x->ext[k]);
		x->extp[k] = &x->ext[k];
		if (!exact || m->off_kind != OFF_ANY ||
		    (m->flags & MATCH_F_COUNT))
			rt[i] |= RT_VERIFY;
		x->n = ++k;
	}
	return exprs_magic(x, v->nmatch);
}

/* Takes expression i out of the set (it stays with the exact matcher). */
static void exprs_drop(struct exprs *x, size_t i, uint8_t *rt)
{
	rt[x->ids[i]] |= RT_NOHS | RT_VERIFY;
	free(x->expr[i]);
	x->n--;
	x->expr[i] = x->expr[x->n];
	x->flags[i] = x->flags[x->n];
	x->ids[i] = x->ids[x->n];
	x->extp[i] = x->extp[x->n];
	x->expr[x->n] = NULL;
}

static int compile(struct exprs *x, size_t nmatch, uint8_t *rt,
		   hs_database_t **db, const char **why)
{
	hs_compile_error_t *err = NULL;

	for (;;) {
		hs_error_t e;
		int i;

		if (!x->n)
			return 0;
		e = hs_compile_ext_multi((const char *const *)x->expr, x->flags,
					 x->ids, x->extp, (unsigned)x->n,
					 HS_MODE_BLOCK, NULL, db, &err);
		if (e == HS_SUCCESS)
			return 0;
		i = err ? err->expression : -1;
		hs_free_compile_error(err);
		if (i < 0 || (size_t)i >= x->n || x->ids[i] >= nmatch) {
			*why = "Vectorscan could not compile the database";
			return VIGIL_EMATCHER;
		}
		if (x->flags[i] & HS_FLAG_PREFILTER) {
			exprs_drop(x, (size_t)i, rt);
		} else {
			x->flags[i] |= HS_FLAG_PREFILTER;
			rt[x->ids[i]] |= RT_VERIFY;
		}
	}
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
	struct exprs x;
	int rc;

	memset(&x, 0, sizeof(x));
	if ((rc = exprs_make(v, &x, h->rtflags)) == 0)
		rc = compile(&x, v->nmatch, h->rtflags, &h->db, why);
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
 * left out the very matchables the anchors now take and those now
 * deferred (the way either is chosen may have changed since it was
 * stored). 0 or -1. */
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
	for (i = 0; rc == 0 && mine && i < nmatch; i++)
		if ((mine[i] ^ out->rtflags[i]) & (RT_ANCHORED | RT_DEFER))
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

static int use_anchors(void *ctx, const uint8_t *b, size_t len)
{
	struct anc_load *l = ctx;

	return anchorset_load(b, len, l->nmatch, l->out->rtflags,
			      RT_ANCHORED | RT_VERIFY, &l->out->anc);
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
					  &out->anc.map, &out->anc.map_len) == 0)
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
	key.hex[0] = 'y';
	if ((rc = anchors_cached(v, cache_dir, &key, out)) < 0)
		return rc;
	defer_weak(v, out->rtflags, RT_ANCHORED, RT_DEFER | RT_VERIFY);
	if (cache_dir && load_cached(cache_dir, &key, v->nmatch, out) == 0)
		out->from_cache = out->magic = 1;
	else if ((rc = build_fresh(v, out, why)) == 0 && cache_dir && out->db)
		hscache_store(cache_dir, &key, v->nmatch, out->db,
			      out->rtflags, out->log, out->log_ctx);
	return rc;
}

/* What compiling v would cost, in literals: patterns of varying length
 * (gaps, *) take Vectorscan several times longer. */
static size_t compile_cost(const struct vdb_view *v)
{
	size_t i, cost = 0;

	for (i = 0; i < v->nmatch && cost < QUICK_FROM; i++)
		cost += v->match[i].minlen != v->match[i].maxlen ? GAP_COST : 1;
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
	if (!full && compile_cost(v) >= QUICK_FROM)
		return 1;
	if ((rc = build_fresh(v, out, why)) == 0 && cache_dir && out->db)
		hscache_store(cache_dir, key, v->nmatch, out->db,
			      out->rtflags, out->log, out->log_ctx);
	return rc;
}

int hsdb_build(const struct vdb_view *v, const struct hsdb_opts *o,
	       struct hsdb *out, const char **why)
{
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
	hscache_key(v, &key);
	if (force == 'v' || (!force && v->nmatch < ANCHORS_FROM))
		rc = build_whole(v, o->cache_dir, &key, o->full || force, out,
				 why);
	if (rc == 1) {
		out->quick = !force && v->nmatch < ANCHORS_FROM;
		rc = build_anchored(v, o->cache_dir, &key, out, why);
	}
	if (!rc && out->db)
		hs_database_size(out->db, &out->bytes);
	out->bytes += out->anc.bytes;
	if (!rc)
		rc = collect_nohs(out, v->nmatch);
	if (rc < 0)
		hsdb_free(out);
	return rc;
}

void hsdb_free(struct hsdb *h)
{
	hs_free_database(h->db);
	anchorset_free(&h->anc);
	free(h->rtflags);
	free(h->nohs);
	memset(h, 0, sizeof(*h));
}
