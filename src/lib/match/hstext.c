/*
 * hstext.c -- building a shard's text databases (hstext.h) and telling a
 * text buffer. The text database holds the shard database's expressions
 * whose pattern fits text (pat_fits), with the same ids, flags and
 * offsets, so that over a text buffer it reports what the shard's
 * database would. The raw pass over a text file has one of its own: of
 * target 0 only, and without the body signatures that the pass over the
 * file's normalisation, which follows, is sure to find wherever the raw
 * pass would (pat_norm_kept(): on the bench's text, the raw passes took
 * 59 ms of 0.36 s with them, 11 without). Each is cached beside the
 * shard's database, with the run-time flags it was made for: flags that
 * changed since make it stale. The passes that do not look for the
 * containers' signatures (over normalised text and a page's forms) have a
 * database without them: with their few short literals in it, the bench's
 * text database went through its lowered text files at 3.26 GB/s, without
 * them at 3.85. Where only those fit, such a pass is left out: the other
 * database's empty entry beside it in the cache says so.
 */
#include "match/hstext.h"

#include <stdlib.h>
#include <string.h>

#include "match/hsexpr.h"
#include "match/rtflags.h"
#include "util/cpu.h"
#include "vigil/vigil.h"

/* Tab to carriage return, and 0x20-0x7f. */
const uint8_t hstext_set[32] = {
	0x00, 0x3e, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* The cache keys' first character (the shard's key has a hex digit, or
 * HSCACHE_KEY_REST for the anchors matcher's rest): the database's, then
 * the empty entry's. The next change to what a text database holds:
 * other letters. */
#define KEY_WHOLE 'p'
#define KEY_REST 'r'
/* and the raw pass's over a text file (its empty entry the letter after) */
#define KEY_RAW_WHOLE 'm'
#define KEY_RAW_REST 'k'
/* and the one without the containers' signatures (no empty entry) */
#define KEY_NORM_WHOLE 'g'
#define KEY_NORM_REST 'i'

static int in_text(uint8_t c)
{
	return (hstext_set[c >> 3] >> (c & 7)) & 1;
}

#ifdef __x86_64__
#include <immintrin.h>

/* Text in lanes: above 0x1f as a signed byte, or tab to carriage return
 * (0 to 4 once tab is taken away, unsigned). */
__attribute__((target("avx512f,avx512bw"))) static size_t
text_avx512(const uint8_t *buf, size_t len)
{
	const __m512i space = _mm512_set1_epi8(0x1f), tab = _mm512_set1_epi8(9),
		      four = _mm512_set1_epi8(4);
	size_t i;

	for (i = 0; i + 128 <= len; i += 128) {
		__m512i a = _mm512_loadu_si512(buf + i),
			b = _mm512_loadu_si512(buf + i + 64);
		__mmask64 ok = (_mm512_cmpgt_epi8_mask(a, space) |
				_mm512_cmple_epu8_mask(_mm512_sub_epi8(a, tab),
						       four)) &
			       (_mm512_cmpgt_epi8_mask(b, space) |
				_mm512_cmple_epu8_mask(_mm512_sub_epi8(b, tab),
						       four));

		if (ok != ~(__mmask64)0)
			return i;
	}
	return i;
}

__attribute__((target("avx2"))) static size_t text_avx2(const uint8_t *buf,
							size_t len)
{
	const __m256i space = _mm256_set1_epi8(0x1f), tab = _mm256_set1_epi8(9),
		      four = _mm256_set1_epi8(4);
	size_t i;

	for (i = 0; i + 64 <= len; i += 64) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(buf + i)),
			b = _mm256_loadu_si256((const __m256i *)(buf + i + 32));
		__m256i da = _mm256_sub_epi8(a, tab), db = _mm256_sub_epi8(b, tab);
		__m256i ok = _mm256_and_si256(
			_mm256_or_si256(_mm256_cmpgt_epi8(a, space),
					_mm256_cmpeq_epi8(_mm256_min_epu8(da, four),
							  da)),
			_mm256_or_si256(_mm256_cmpgt_epi8(b, space),
					_mm256_cmpeq_epi8(_mm256_min_epu8(db, four),
							  db)));

		if (_mm256_movemask_epi8(ok) != -1)
			return i;
	}
	return i;
}
#endif

int hstext_textual(const uint8_t *buf, size_t len)
{
	size_t i = 0;

#ifdef __x86_64__
	if (cpu_avx512bw())
		i = text_avx512(buf, len);
	else if (cpu_avx2())
		i = text_avx2(buf, len);
#endif
	for (; i < len; i++)
		if (!in_text(buf[i]))
			return 0;
	return 1;
}

/* The cache's entry, if made for these run-time flags. 0 or -1. */
static int text_cached(const struct hstext_in *in,
		       const struct hscache_key *k, hs_database_t **db)
{
	size_t n = in->v->nmatch;
	uint8_t *rt = malloc(n ? n : 1);
	int rc = -1;

	*db = NULL;
	if (rt && hscache_load(in->cache_dir, k, n, db, rt) == 0) {
		rc = memcmp(rt, in->rt, n) ? -1 : 0;
		if (rc) {
			hs_free_database(*db);
			*db = NULL;
		}
	}
	free(rt);
	return rc;
}

/* Expression i rejected: retried in prefilter mode where the shard's
 * database verifies its hits anyway. 0: retry, 1: give up. */
static int relax(const void *ctx, struct exprs *x, int i)
{
	const struct hstext_in *in = ctx;

	if (i < 0 || (size_t)i >= x->n || x->ids[i] >= in->v->nmatch ||
	    !(in->rt[x->ids[i]] & RT_VERIFY) ||
	    (x->flags[i] & HS_FLAG_PREFILTER))
		return 1;
	x->flags[i] |= HS_FLAG_PREFILTER;
	return 0;
}

/* Whether x holds any matchable's expression. */
static int any_matchable(const struct exprs *x, size_t nmatch)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->ids[i] < nmatch)
			return 1;
	return 0;
}

/* What text_db() builds: which expressions, and how much compiling it
 * may cost at load (below HSTEXT_QUICK_FROM less budget_used: what the
 * others compiled at this load cost). */
struct text_want {
	int raw, magic;
	size_t budget_used;
};

/* One of the text databases: the cache's entry (k), with the empty one
 * beside it (the key after k) where only containers' signatures fit; or
 * compiled (and cached). 0, 1 not built (t->skipped says why), or
 * VIGIL_ENOMEM. *cost: what compiling it cost (0 from the cache). */
static int text_db(const struct hstext_in *in, struct hscache_key k,
		   const struct text_want *w, struct hstext_db *out,
		   struct hstext *t, size_t *cost)
{
	struct expr_pick pick = { in->rt, in->skip | RT_NOHS, hstext_set,
				  w->magic, NULL, w->raw };
	struct hscache_key none = k;
	hs_database_t *empty = NULL;
	struct exprs x;
	int rc;

	none.hex[0]++;
	if (in->cache_dir && text_cached(in, &k, &out->db) == 0) {
		out->plain_none = w->magic ? text_cached(in, &none, &empty) == 0 &&
						     !empty :
					     !out->db;
		hs_free_database(empty);
		return 0;
	}
	if ((rc = exprs_make(in->v, &pick, &x)) == 0) {
		*cost = exprs_cost(in->v, &x);
		if (!in->full && *cost + w->budget_used >= HSTEXT_QUICK_FROM)
			t->skipped = rc = 1;
	}
	if (rc == 0) {
		out->plain_none = !any_matchable(&x, in->v->nmatch);
		rc = exprs_compile(&x, &out->db, relax, in);
	}
	exprs_free(&x);
	if (rc == 0 && in->cache_dir) {
		hscache_store(in->cache_dir, &k, in->v->nmatch, out->db, in->rt,
			      in->log, in->log_ctx);
		if (out->plain_none && w->magic)
			hscache_store(in->cache_dir, &none, in->v->nmatch, NULL,
				      in->rt, in->log, in->log_ctx);
	}
	return rc;
}

/* The database without the containers' signatures, where its compile
 * fits what is left of the load's budget: else all serves. */
static int norm_db(const struct hstext_in *in, struct hscache_key k,
		   size_t used, struct hstext *t)
{
	struct text_want w = { 0, 0, used };
	int skipped = t->skipped, rc;
	size_t cost = 0;

	rc = text_db(in, k, &w, &t->norm, t, &cost);
	t->skipped = skipped;
	if (rc == 1)
		return 0;
	t->norm_ok = rc == 0;
	return rc;
}

int hstext_build(const struct hstext_in *in, struct hstext *t)
{
	struct hscache_key k = in->key, r = in->key, o = in->key;
	int rest = in->key.hex[0] == HSCACHE_KEY_REST, rc;
	const struct text_want all = { 0, 1, 0 }, raw = { 1, 1, 0 };
	size_t n, cost[2] = { 0, 0 };

	memset(t, 0, sizeof(*t));
	if (getenv("VIGIL_NO_TEXT_DB")) /* the tests' comparison */
		return 0;
	k.hex[0] = rest ? KEY_REST : KEY_WHOLE;
	r.hex[0] = rest ? KEY_RAW_REST : KEY_RAW_WHOLE;
	o.hex[0] = rest ? KEY_NORM_REST : KEY_NORM_WHOLE;
	if ((rc = text_db(in, k, &all, &t->all, t, &cost[0])) == 0 &&
	    (rc = text_db(in, r, &raw, &t->raw, t, &cost[1])) == 0)
		rc = norm_db(in, o, cost[0] + cost[1], t);
	if (rc) {
		int skipped = t->skipped;

		hstext_free(t);
		t->skipped = skipped;
		return rc < 0 ? rc : 0;
	}
	if (t->all.db && hs_database_size(t->all.db, &n) == HS_SUCCESS)
		t->bytes += n;
	if (t->raw.db && hs_database_size(t->raw.db, &n) == HS_SUCCESS)
		t->bytes += n;
	if (t->norm.db && hs_database_size(t->norm.db, &n) == HS_SUCCESS)
		t->bytes += n;
	t->ok = 1;
	return 0;
}

void hstext_free(struct hstext *t)
{
	hs_free_database(t->all.db);
	hs_free_database(t->raw.db);
	hs_free_database(t->norm.db);
	memset(t, 0, sizeof(*t));
}
