/*
 * cdbscan.c -- container metadata signatures. A number the container did
 * not give (a stored size libarchive does not tell) matches only '*'.
 */
#include "core/cdbscan.h"

#include "core/scanner_int.h"
#include "sig/cltype.h"

static int in(const uint64_t r[2], uint64_t v)
{
	if (v == FMT_UNKNOWN)
		return r[0] == 0 && r[1] == UINT64_MAX;
	return v >= r[0] && v <= r[1];
}

static int matches(const struct vdb_cdb *c, const regex_t *re, int cltype,
		   uint64_t csize, const struct fmt_entry *m, unsigned pos)
{
	if ((c->cltype && c->cltype != cltype) ||
	    !in(c->range[CDB_R_CONTAINER], csize) ||
	    !in(c->range[CDB_R_STORED], m->stored) ||
	    !in(c->range[CDB_R_REAL], m->size) ||
	    !in(c->range[CDB_R_POS], pos) ||
	    (c->encrypted != CDB_ANY && c->encrypted != !!m->encrypted))
		return 0;
	if (c->has_crc && (cltype == CLT_ZIP || cltype == CLT_RAR) &&
	    (!m->has_crc || m->crc != c->crc))
		return 0;
	return regexec(re, m->name ? m->name : "", 0, NULL, 0) == 0;
}

int cdbscan_entry(struct vigil_scanner *s, int cltype,
		  uint64_t container_size, const struct fmt_entry *m,
		  unsigned pos)
{
	size_t i, k;
	int rc;

	for (k = 0; k < s->e->nshards; k++) {
		const struct shard *sh = &s->e->shards[k];

		for (i = 0; i < sh->ncdb_re; i++) {
			const struct vdb_cdb *c = &sh->v.cdb[i];

			if (matches(c, &sh->cdb_re[i], cltype, container_size,
				    m, pos) &&
			    (rc = scanner_detect(s, vdb_str(&sh->v, c->name))))
				return rc;
		}
	}
	return 0;
}
