/*
 * magic.c -- the containers' signatures inside an object, found in one
 * Vectorscan pass over it (a memmem() per signature would read the object
 * once for each).
 */
#include <pthread.h>
#include <string.h>

#include "match/magic.h"
#include "vigil/vigil.h"

struct magic {
	const char *bytes;
	size_t len;
	enum magic_kind kind;
	size_t back;	/* where the signature starts, before the literal */
	unsigned flags;	/* HS_FLAG_CASELESS */
};

static const struct magic magics[] = {
	{ "PK\3\4", 4, MAGIC_ZIP_LOCAL, 0, 0 },
	{ "7z\xbc\xaf\x27\x1c", 6, MAGIC_7Z, 0, 0 },
	{ "Rar!\x1a\x07", 6, MAGIC_RAR, 0, 0 },
	{ "MSCF\0\0\0\0", 8, MAGIC_CAB, 0, 0 },
	{ "\x1f\x8b\x08", 3, MAGIC_GZIP, 0, 0 },
	{ "1AY&SY", 6, MAGIC_BZIP2, 4, 0 },	/* after "BZh9" */
	{ "\xfd" "7zXZ\0", 6, MAGIC_XZ, 0, 0 },
	{ "\x28\xb5\x2f\xfd", 4, MAGIC_ZSTD, 0, 0 },
	{ "PE\0\0\x4c\x01", 6, MAGIC_PE, 0, 0 },
	{ "PE\0\0\x64\x86", 6, MAGIC_PE, 0, 0 },
	{ "<html", 5, MAGIC_HTML, 0, HS_FLAG_CASELESS },
	{ "<script", 7, MAGIC_HTML, 0, HS_FLAG_CASELESS },
	{ "<hta:application", 16, MAGIC_HTML, 0, HS_FLAG_CASELESS },
	{ "<xdp:xdp", 8, MAGIC_XDP, 0, 0 },
};
#define NMAGICS (sizeof(magics) / sizeof(*magics))

static hs_database_t *db;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void compile(void)
{
	const char *expr[NMAGICS];
	unsigned flags[NMAGICS], ids[NMAGICS];
	size_t lens[NMAGICS], i;
	hs_compile_error_t *err = NULL;

	for (i = 0; i < NMAGICS; i++) {
		expr[i] = magics[i].bytes;
		lens[i] = magics[i].len;
		flags[i] = magics[i].flags;
		ids[i] = (unsigned)i;
	}
	if (hs_compile_lit_multi(expr, flags, ids, lens, NMAGICS,
				 HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
		db = NULL;
		hs_free_compile_error(err);
	}
}

const hs_database_t *magic_db(void)
{
	pthread_once(&once, compile);
	return db;
}

/* Objects over Vectorscan's block limit are read in chunks this long,
 * overlapping by the longest literal. */
#define CHUNK_BYTES ((size_t)1 << 30)
#define OVERLAP 16

struct chunk {
	struct magic_hits *h;
	size_t at;	/* the chunk's offset in the object */
	size_t seen;	/* matches ending here or before: an earlier chunk's */
};

size_t magic_count(void)
{
	return NMAGICS;
}

void magic_literal(size_t i, const uint8_t **bytes, size_t *len,
		   int *caseless)
{
	*bytes = (const uint8_t *)magics[i].bytes;
	*len = magics[i].len;
	*caseless = (magics[i].flags & HS_FLAG_CASELESS) != 0;
}

void magic_note(struct magic_hits *h, unsigned i, unsigned long long end)
{
	const struct magic *m = &magics[i];
	size_t *n = &h->n[m->kind];
	unsigned long long start = end - m->len;

	if (start < m->back || *n >= MAGIC_PER_KIND)
		return;
	h->at[m->kind][(*n)++] = (size_t)(start - m->back);
}

static int on_hit(unsigned id, unsigned long long from,
		  unsigned long long to, unsigned flags, void *ctx)
{
	struct chunk *c = ctx;

	(void)from;
	(void)flags;
	if (c->at + to > c->seen)
		magic_note(c->h, id, c->at + to);
	return 0;
}

int magic_find(hs_scratch_t *scratch, const uint8_t *buf, size_t len,
	       struct magic_hits *h)
{
	const hs_database_t *d = magic_db();
	struct chunk c = { h, 0, 0 };

	memset(h, 0, sizeof(*h));
	if (!d)
		return VIGIL_EMATCHER;
	for (;;) {
		size_t n = len - c.at < CHUNK_BYTES ? len - c.at : CHUNK_BYTES;

		if (hs_scan(d, (const char *)buf + c.at, (unsigned)n, 0,
			    scratch, on_hit, &c) != HS_SUCCESS)
			return VIGIL_EMATCHER;
		if (c.at + n == len) {
			h->found = 1;
			return 0;
		}
		c.seen = c.at + n;
		c.at += n - OVERLAP;
	}
}
