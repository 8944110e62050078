/*
 * hashset.h -- lookups in a .vdb's sorted hash records, in place.
 */
#ifndef VIGIL_MATCH_HASHSET_H
#define VIGIL_MATCH_HASHSET_H

#include "db/vdb.h"

/* 1 if some hash signature of the table (HT_*) has this size (or any). */
int hashset_size_wanted(const struct vdb_view *v, int table, uint64_t size);
/* Name of the table's signature with this digest and size, or NULL. */
const char *hashset_find(const struct vdb_view *v, int table,
			 const uint8_t *digest, uint64_t size);
/* 1 if the allowlist holds this digest for this size (or any size). */
int hashset_allowed(const struct vdb_view *v, int algo, const uint8_t *digest,
		    uint64_t size);

#endif
