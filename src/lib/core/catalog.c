/*
 * catalog.c -- signed catalogs (.cat) as ClamAV uses them: a catalog
 * whose signature holds and whose signer the .crb lines trust to sign
 * code (certtrust_trusted(), the same test as for a PE's own signature)
 * vouches for every PE image whose Authenticode digest (SHA-1 or
 * SHA-256) it lists, signed or not: such an image is trusted, not
 * matched. The catalogs are checked once, when the engine is compiled,
 * against the .crb lines of every database loaded with them; one that
 * does not hold or is not trusted vouches for nothing, with a warning.
 * The scan looks the images up (certscan.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/engine_int.h"
#include "core/certtrust.h"
#include "formats/exe/mscat.h"
#include "util/vbuf.h"

/* Digests collected from one catalog, by kind (0: SHA-1, 1: SHA-256). */
struct collect {
	struct vbuf d[2];
};

static int on_member(void *ctx, const uint8_t *digest, size_t n)
{
	struct collect *c = ctx;

	return vbuf_append(&c->d[n == 32], digest, n) < 0 ? VIGIL_ENOMEM : 0;
}

static int cmp20(const void *a, const void *b)
{
	return memcmp(a, b, 20);
}

static int cmp32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

static void warn(const struct vigil_engine *e, const char *name,
		 const char *why)
{
	char msg[400];

	if (!e->opts.log)
		return;
	snprintf(msg, sizeof(msg), "%s: %s: its members are not trusted",
		 name, why);
	e->opts.log(e->opts.log_ctx, VIGIL_LOG_WARNING, msg);
}

/* One catalog of shard v: its members into all, if it is trusted. */
static int one(struct vigil_engine *e, const struct vdb_view *v,
	       const struct vdb_catalog *cat, struct vbuf all[2])
{
	struct collect c = { { { 0 }, { 0 } } };
	struct ac_sig sig;
	const char *name = vdb_str(v, cat->name);
	int rc = mscat_read(v->catblob + cat->off, (size_t)cat->len, &sig,
			    on_member, &c), k;

	if (rc == 0)
		warn(e, name, "not a signed catalog");
	else if (rc > 0 && !sig.valid)
		warn(e, name, "its signature does not hold");
	else if (rc > 0 && !certtrust_trusted(e, &sig))
		warn(e, name, "no .crb line trusts its signer");
	for (k = 0; rc > 0 && sig.valid && k < 2; k++)
		if (certtrust_trusted(e, &sig) &&
		    vbuf_append(&all[k], c.d[k].data, c.d[k].len) < 0)
			rc = VIGIL_ENOMEM;
	if (rc > 0)
		ac_free(&sig);
	vbuf_free(&c.d[0]);
	vbuf_free(&c.d[1]);
	return rc < 0 ? rc : 0;
}

int catalog_build(struct vigil_engine *e)
{
	struct vbuf all[2] = { { 0 }, { 0 } };
	size_t i, j;
	int rc = 0, k;

	for (i = 0; i < e->nshards && !rc; i++)
		for (j = 0; j < e->shards[i].v.ncat && !rc; j++)
			rc = one(e, &e->shards[i].v, &e->shards[i].v.cat[j], all);
	for (k = 0; k < 2; k++) {
		if (rc) {
			vbuf_free(&all[k]);
			continue;
		}
		e->ncat_digest[k] = all[k].len / (k ? 32 : 20);
		e->cat_digest[k] = all[k].data;
		if (e->ncat_digest[k])
			qsort(e->cat_digest[k], e->ncat_digest[k], k ? 32 : 20,
			      k ? cmp32 : cmp20);
	}
	return rc;
}
