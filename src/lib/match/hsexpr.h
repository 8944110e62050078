/*
 * hsexpr.h -- the Vectorscan expressions of a shard's matchables and of
 * the containers' signatures (magic.h), as hs_compile_ext_multi() takes
 * them: for the shard's database (hsdb.c) and for its text databases
 * (hstext.c), which keep only what a text buffer could match.
 */
#ifndef VIGIL_MATCH_HSEXPR_H
#define VIGIL_MATCH_HSEXPR_H

#include <hs/hs.h>
#include <stddef.h>
#include <stdint.h>

#include "db/vdb.h"

/* Compiling costs about a literal's time per literal, HS_GAP_COST per
 * pattern of varying length (gaps, *); from HS_QUICK_FROM on, a set is
 * compiled at load only when asked (999 literals compile in 0.06 s, 250
 * patterns with a gap in 0.6 s). */
#define HS_QUICK_FROM 1000
#define HS_GAP_COST 4

struct exprs {
	char **expr;
	unsigned *flags;
	unsigned *ids;
	hs_expr_ext_t *ext;
	const hs_expr_ext_t **extp;
	size_t n;
	size_t cap;
};

/* Which expressions exprs_make() writes. */
struct expr_pick {
	const uint8_t *rt;	/* the matchables' run-time flags */
	uint8_t skip;		/* matchables with any of these out */
	const uint8_t *set;	/* or NULL; else those that fit it only
				 * (pat_fits) */
	int magic;		/* the containers' signatures too (those that
				 * fit set), with ids from nmatch on */
	uint8_t *verify;	/* or NULL; else verify[i] gains RT_VERIFY
				 * where a hit of matchable i needs verifying */
	int raw_text;		/* only what the raw pass over a text file
				 * needs (exprs_make) */
};

/* The expressions of v's matchables that p picks. 0 or VIGIL_ENOMEM
 * (exprs_free() either way). With raw_text, those a text file's raw
 * pass needs: of target 0 (the only one it looks for), but for body
 * signatures at any offset that the pass over its normalisation, which
 * follows, is sure to find wherever the raw pass would
 * (pat_norm_kept()). */
int exprs_make(const struct vdb_view *v, const struct expr_pick *p,
	       struct exprs *x);
/*
 * Compiles x into *db (NULL when x is empty): 0; or, as often as
 * Vectorscan rejects an expression, asks reject(ctx, x, i) with the
 * index Vectorscan names (-1 if none), which changes x and returns 0 to
 * try again, or what exprs_compile() returns.
 */
int exprs_compile(struct exprs *x, hs_database_t **db,
		  int (*reject)(const void *ctx, struct exprs *x, int i),
		  const void *ctx);
/* What compiling x would cost (above). */
size_t exprs_cost(const struct vdb_view *v, const struct exprs *x);
/* Takes expression i out of the set. */
void exprs_drop(struct exprs *x, size_t i);
void exprs_free(struct exprs *x);

#endif
