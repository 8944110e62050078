/*
 * hsexpr.c -- a shard's matchables as Vectorscan expressions. Every
 * matchable becomes one expression (SINGLEMATCH: the first hit per object
 * is enough, since inexact ones are then verified over the whole object),
 * and the containers' signatures (magic.h) come after them, every match
 * reported.
 */
#include "match/hsexpr.h"

#include <stdlib.h>
#include <string.h>

#include "match/magic.h"
#include "match/rtflags.h"
#include "sig/pattern.h"
#include "sig/regex.h"
#include "vigil/vigil.h"

void exprs_free(struct exprs *x)
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

/* A literal's bytes all in set, a letter of a caseless one in either
 * case. */
static int literal_fits(const uint8_t *b, size_t len, int caseless,
			const uint8_t set[32])
{
	size_t i;

	for (i = 0; set && i < len; i++) {
		unsigned c = b[i], o = c ^ 0x20;
		int alpha = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';

		if (!((set[c >> 3] >> (c & 7)) & 1) &&
		    !(caseless && alpha && ((set[o >> 3] >> (o & 7)) & 1)))
			return 0;
	}
	return 1;
}

/* The containers' signatures after the matchables, with the ids that
 * follow theirs. */
static int exprs_magic(struct exprs *x, size_t nmatch, const uint8_t *set)
{
	size_t i;

	for (i = 0; i < magic_count(); i++) {
		const uint8_t *b;
		size_t len, k = x->n;
		int caseless;
		struct vbuf e = { 0 };

		magic_literal(i, &b, &len, &caseless);
		if (!literal_fits(b, len, caseless, set))
			continue;
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

/* Whether a text file's raw pass needs matchable m (exprs_make()). */
static int raw_text_needs(const struct vdb_matchable *m, const uint8_t *code)
{
	return m->target == 0 &&
	       !(m->kind == MATCH_NDB && m->off_kind == OFF_ANY &&
		 !m->flags && pat_norm_kept(code, m->code_len));
}

static int exprs_alloc(struct exprs *x, size_t n)
{
	memset(x, 0, sizeof(*x));
	x->cap = n;
	x->expr = calloc(n, sizeof(*x->expr));
	x->flags = calloc(n, sizeof(*x->flags));
	x->ids = calloc(n, sizeof(*x->ids));
	x->ext = calloc(n, sizeof(*x->ext));
	x->extp = calloc(n, sizeof(*x->extp));
	if (!x->expr || !x->flags || !x->ids || !x->ext || !x->extp)
		return VIGIL_ENOMEM;
	return 0;
}

int exprs_make(const struct vdb_view *v, const struct expr_pick *p,
	       struct exprs *x)
{
	size_t i, k;

	if (exprs_alloc(x, v->nmatch + magic_count()) < 0)
		return VIGIL_ENOMEM;
	for (i = 0, k = 0; i < v->nmatch; i++) {
		const struct vdb_matchable *m = &v->match[i];
		const uint8_t *code = v->code + m->code_off;
		struct vbuf b = { 0 };
		int exact;

		if ((p->rt[i] & p->skip) ||
		    (p->set && !pat_fits(code, m->code_len, p->set)) ||
		    (p->raw_text && !raw_text_needs(m, code)))
			continue;
		if (regex_from_pattern(code, m->code_len, &b, &exact) < 0) {
			vbuf_free(&b);
			return VIGIL_ENOMEM;
		}
		x->expr[k] = (char *)b.data;
		x->flags[k] = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH;
		x->ids[k] = (unsigned)i;
		set_offsets(m, &x->ext[k]);
		x->extp[k] = &x->ext[k];
		if (p->verify && (!exact || m->off_kind != OFF_ANY ||
				  (m->flags & MATCH_F_COUNT)))
			p->verify[i] |= RT_VERIFY;
		x->n = ++k;
	}
	return p->magic ? exprs_magic(x, v->nmatch, p->set) : 0;
}

int exprs_compile(struct exprs *x, hs_database_t **db,
		  int (*reject)(const void *ctx, struct exprs *x, int i),
		  const void *ctx)
{
	hs_compile_error_t *err = NULL;

	for (;;) {
		hs_error_t e;
		int i, rc;

		*db = NULL;
		if (!x->n)
			return 0;
		e = hs_compile_ext_multi((const char *const *)x->expr, x->flags,
					 x->ids, x->extp, (unsigned)x->n,
					 HS_MODE_BLOCK, NULL, db, &err);
		if (e == HS_SUCCESS)
			return 0;
		*db = NULL;
		i = err ? err->expression : -1;
		hs_free_compile_error(err);
		err = NULL;
		if ((rc = reject(ctx, x, i)) != 0)
			return rc;
	}
}

size_t exprs_cost(const struct vdb_view *v, const struct exprs *x)
{
	size_t i, cost = 0;

	for (i = 0; i < x->n; i++) {
		const struct vdb_matchable *m =
			x->ids[i] < v->nmatch ? &v->match[x->ids[i]] : NULL;

		cost += m && m->minlen != m->maxlen ? HS_GAP_COST : 1;
	}
	return cost;
}

void exprs_drop(struct exprs *x, size_t i)
{
	free(x->expr[i]);
	x->n--;
	x->expr[i] = x->expr[x->n];
	x->flags[i] = x->flags[x->n];
	x->ids[i] = x->ids[x->n];
	x->extp[i] = x->extp[x->n];
	x->expr[x->n] = NULL;
}
