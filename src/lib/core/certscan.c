/*
 * certscan.c -- code signing at scan time: a PE image whose Authenticode
 * signature holds a blocked certificate (core/certtrust.c) is detected
 * under that line's name, whatever vouches for it; one that a trusted
 * signed catalog lists (core/catalog.c) or whose own signature a trusted
 * signer made is trusted, and not matched at all.
 */
#include <stdlib.h>
#include <string.h>

#include "core/certtrust.h"
#include "core/engine_int.h"
#include "core/scanner_int.h"

static int cmp20(const void *a, const void *b)
{
	return memcmp(a, b, 20);
}

static int cmp32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* 1 if the PE image's Authenticode digest is a member of a trusted signed
 * catalog (core/catalog.c). */
static int catalog_lists(const struct vigil_engine *e, const uint8_t *buf,
			 size_t len)
{
	uint8_t d[32];
	int k;

	for (k = 0; k < 2; k++)
		if (e->ncat_digest[k] && ac_image_digest(buf, len, k, d) == 0 &&
		    bsearch(d, e->cat_digest[k], e->ncat_digest[k],
			    k ? 32 : 20, k ? cmp32 : cmp20))
			return 1;
	return 0;
}

/* A blocked certificate detects the image, whatever vouches for it; then a
 * trusted catalog listing it, or a trusted signature of its own. */
int certscan_run(struct vigil_scanner *s, const uint8_t *buf, size_t len)
{
	const char *name;
	struct ac_sig sig;
	int rc, has;

	if (!s->e->has_certs || (has = ac_read(buf, len, &sig)) < 0)
		return s->e->has_certs ? has : 0;
	if (has && (name = certtrust_blocked(s->e, &sig)) != NULL)
		rc = scanner_detect(s, name);
	else if (catalog_lists(s->e, buf, len) ||
		 (has && certtrust_trusted(s->e, &sig)))
		rc = CERTSCAN_TRUSTED;
	else
		rc = 0;
	if (has)
		ac_free(&sig);
	return rc;
}
