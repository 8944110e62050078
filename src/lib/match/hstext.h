/*
 * hstext.h -- a shard's text databases. Text files, web pages and their
 * normalised forms hold only a few of the 256 byte values, and most body
 * signatures need a byte they never hold: matching such a buffer against
 * only the expressions that could match it finds the same, in a database
 * a fraction of the size (Vectorscan's speed follows the number of
 * literals). A buffer is text when every byte is one of HSTEXT's set:
 * tab, line feed, vertical tab, form feed, carriage return and 0x20-0x7f.
 * VIGIL_NO_TEXT_DB in the environment leaves them out (the tests compare).
 */
#ifndef VIGIL_MATCH_HSTEXT_H
#define VIGIL_MATCH_HSTEXT_H

#include <hs/hs.h>
#include <stddef.h>
#include <stdint.h>

#include "db/vdb.h"
#include "match/hscache.h"

struct hstext_db {
	hs_database_t *db; /* NULL: no expression */
	int plain_none;	/* none but containers' signatures: a pass that
			 * does not look for those needs no db */
};

struct hstext {
	/* The expressions of the shard's database that fit text, the
	 * containers' signatures among them: for pages, their forms and
	 * normalised text. */
	struct hstext_db all;
	/* Those of them the raw pass over a text file needs, which its
	 * normalisation's pass follows (exprs_make()'s raw_text). */
	struct hstext_db raw;
	/* all's without the containers' signatures, for the passes that do
	 * not look for them (normalised text, a page's forms): their short
	 * literals slow every pass (the bench's text database over its
	 * lowered text files: 3.26 GB/s with them, 3.85 without). db NULL:
	 * none fits text. norm_ok 0: not built (its compile at load would
	 * have passed HSTEXT_QUICK_FROM), all serves. */
	struct hstext_db norm;
	int norm_ok;
	int ok;		/* built; else the shard's database serves */
	int skipped;	/* not built for its compile time at load: one
			 * that may take it (full) would build it */
	size_t bytes;
};

/* The compile cost (hsexpr.h) from which a text database is compiled at
 * load only when asked (full): about 0.06 s. */
#define HSTEXT_QUICK_FROM 100

/* What the shard's database was built from. */
struct hstext_in {
	const struct vdb_view *v;
	const uint8_t *rt;	/* its run-time flags, as final */
	uint8_t skip;		/* those of matchables it leaves out */
	const char *cache_dir;	/* or NULL */
	struct hscache_key key;	/* its cache key */
	int full;		/* compile however long it takes */
	void (*log)(void *, int, const char *);
	void *log_ctx;
};

/* The text bytes: bit b % 8 of byte b / 8. */
extern const uint8_t hstext_set[32];

/* 1 if every byte of buf[0, len) is text. */
int hstext_textual(const uint8_t *buf, size_t len);

/*
 * Builds t from the cache or by compiling; leaves t->ok 0 where it is
 * not built (a cache miss on a set that takes more than HSTEXT_QUICK_FROM
 * to compile, without full; an expression Vectorscan takes only as the
 * shard's database did not). 0 or VIGIL_ENOMEM.
 */
int hstext_build(const struct hstext_in *in, struct hstext *t);
void hstext_free(struct hstext *t);

#endif
