/*
 * hashscan.c -- hash signatures over one object (or one PE section): the
 * digests are computed only for the algorithms that some signature of the
 * object's size needs, then looked up in every shard.
 */
#include "core/digest.h"
#include "core/scanner_int.h"
#include "match/hashset.h"

unsigned hashscan_wanted(const struct vigil_engine *e, int base,
			 uint64_t len)
{
	unsigned want = 0;
	size_t i;
	int a;

	for (i = 0; i < e->nshards; i++)
		for (a = 0; a < HASH_NALGO; a++)
			if (e->shards[i].v.nhash[base + a] &&
			    hashset_size_wanted(&e->shards[i].v, base + a, len))
				want |= 1u << a;
	return want;
}

int hashscan_run(struct vigil_scanner *s, int base, const uint8_t *buf,
		 size_t len, struct digests *d)
{
	unsigned want = base == HT_FILE && (d->file_want & DIGESTS_WANT_KNOWN) ?
				d->file_want & ~DIGESTS_WANT_KNOWN :
				hashscan_wanted(s->e, base, len);
	size_t i;
	int a, rc;

	if (!want)
		return 0;
	if ((rc = digest_compute(buf, len, want, d)) < 0)
		return rc;
	for (i = 0; i < s->e->nshards; i++) {
		for (a = 0; a < HASH_NALGO; a++) {
			const char *name;

			if (!(want & (1u << a)))
				continue;
			name = hashset_find(&s->e->shards[i].v, base + a,
					    d->d[a], len);
			if (name && (rc = scanner_detect(s, name)) != 0)
				return rc;
		}
	}
	return 0;
}
