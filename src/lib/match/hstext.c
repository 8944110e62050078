/*
 * hstext.c -- building a shard's text databases (hstext.h) and telling a
 * text buffer. A text database holds the shard database's expressions
 * whose pattern fits text (pat_fits), with the same ids, flags and
 * offsets, so that over a text buffer it reports what the shard's
 * database would. It is cached beside the shard's database, with the
 * run-time flags it was made for: flags that changed since make it stale.
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
 * HSCACHE_KEY_REST for the anchors matcher's rest): HSTEXT_MAGIC's, then
 * HSTEXT_PLAIN's. The next change to what a text database holds: other
 * letters. */
#define KEY_WHOLE 'p'
#define KEY_REST 'r'

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
 * database verifies its hits anyway. 1: retry, 0: give up. */
static int relax(struct exprs *x, int i, const uint8_t *rt, size_t nmatch)
{
	if (i < 0 || (size_t)i >= x->n || x->ids[i] >= nmatch ||
	    !(rt[x->ids[i]] & RT_VERIFY) || (x->flags[i] & HS_FLAG_PREFILTER))
		return 0;
	x->flags[i] |= HS_FLAG_PREFILTER;
	return 1;
}

/* 0 compiled (NULL: nothing to compile), 1 gave up. */
static int text_compile(struct exprs *x, const uint8_t *rt, size_t nmatch,
			hs_database_t **db)
{
	hs_compile_error_t *err = NULL;

	*db = NULL;
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
		*db = NULL;
		if (!relax(x, i, rt, nmatch))
			return 1;
	}
}

/* One of t's databases: 0 built, 1 not, or VIGIL_ENOMEM. */
static int text_one(const struct hstext_in *in, int which, hs_database_t **db)
{
	struct expr_pick pick = { in->rt, in->skip | RT_NOHS, hstext_set,
				  which == HSTEXT_MAGIC, NULL };
	struct hscache_key k = in->key;
	struct exprs x;
	int rc;

	k.hex[0] = (char)((in->key.hex[0] == HSCACHE_KEY_REST ? KEY_REST :
							    KEY_WHOLE) + which);
	if (in->cache_dir && text_cached(in, &k, db) == 0)
		return 0;
	if ((rc = exprs_make(in->v, &pick, &x)) == 0 &&
	    (in->full || exprs_cost(in->v, &x) < HS_QUICK_FROM))
		rc = text_compile(&x, in->rt, in->v->nmatch, db);
	else if (rc == 0)
		rc = 1;
	exprs_free(&x);
	if (rc == 0 && in->cache_dir)
		hscache_store(in->cache_dir, &k, in->v->nmatch, *db, in->rt,
			      in->log, in->log_ctx);
	return rc;
}

int hstext_build(const struct hstext_in *in, struct hstext *t)
{
	int k, rc = 0;

	memset(t, 0, sizeof(*t));
	if (getenv("VIGIL_NO_TEXT_DB")) /* the tests' comparison */
		return 0;
	for (k = HSTEXT_MAGIC; k <= HSTEXT_PLAIN && !rc; k++)
		rc = text_one(in, k, &t->db[k]);
	if (rc) {
		hstext_free(t);
		return rc < 0 ? rc : 0;
	}
	for (k = HSTEXT_MAGIC; k <= HSTEXT_PLAIN; k++) {
		size_t n = 0;

		if (t->db[k] && hs_database_size(t->db[k], &n) == HS_SUCCESS)
			t->bytes += n;
	}
	t->ok = 1;
	return 0;
}

void hstext_free(struct hstext *t)
{
	hs_free_database(t->db[HSTEXT_MAGIC]);
	hs_free_database(t->db[HSTEXT_PLAIN]);
	memset(t, 0, sizeof(*t));
}
