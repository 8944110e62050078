/*
 * vdb.h -- building a .vdb image from loaded signatures, and opening one
 * (verifying checksum and every offset) into a view used in place.
 */
#ifndef VIGIL_DB_VDB_H
#define VIGIL_DB_VDB_H

#include <stddef.h>
#include <stdint.h>

#include "db/sigset.h"
#include "db/vdb_format.h"

struct vdb_view {
	const uint8_t *base;
	size_t size;
	int mapped;		/* base is a read-only file mapping */
	const struct vdb_header *hdr;
	const char *meta;
	size_t meta_len;
	const char *strings;
	size_t strings_len;
	const uint8_t *hash[HT_N];		/* by table (HT_*) */
	size_t nhash[HT_N];
	const uint64_t *sizes[HT_N];		/* after the wildcard count */
	size_t nsizes[HT_N];
	uint64_t wild[HT_N];
	const uint8_t *allow[HASH_NALGO];
	size_t nallow[HASH_NALGO];
	const struct vdb_matchable *match;
	size_t nmatch;
	const uint8_t *code;
	size_t code_len;
	const struct vdb_ndb *ndb;
	size_t nndb;
	const struct vdb_ldb *ldb;
	size_t nldb;
	const struct vdb_pcre *pcre;
	size_t npcre;
	const struct vdb_bcomp *bcomp;
	size_t nbcomp;
	const struct vdb_fuzzy *fuzzy;
	size_t nfuzzy;
	const struct vdb_icon *icon;
	size_t nicon;
	const struct vdb_ldb_icon *ldbicon;
	size_t nldbicon;
	const struct vdb_catalog *cat;
	size_t ncat;
	const uint8_t *catblob;
	size_t catblob_len;
	const struct vdb_macro *macro;
	size_t nmacro;
	const struct vdb_macro_pat *macropat;
	size_t nmacropat;
	const struct vdb_cdb *cdb;
	size_t ncdb;
	const struct vdb_phish *phish;
	size_t nphish;
	const struct vdb_cert *cert;
	size_t ncert;
	const uint32_t *ignore;
	size_t nignore;
	const uint8_t *yara;		/* VDB_SEC_YARA */
	size_t yara_len;
};

/* The YARA source at *pos in v (advanced past it): 1 with its name and
 * text, 0 at the end. vdb_open() has checked every record's bounds. */
int vdb_yara_next(const struct vdb_view *v, size_t *pos, const char **name,
		  size_t *nlen, const uint8_t **text, size_t *tlen);

/*
 * Builds an image from ss (sorting its arrays in place). *out is malloc'd.
 * Returns 0, VIGIL_ENOMEM or VIGIL_ELIMIT.
 */
int vdb_build(struct sigset *ss, uint8_t **out, size_t *outlen);

/*
 * Opens an image: checks magic, version, checksum, section bounds and every
 * record's references (hash records' names are checked where they are
 * used, so that opening touches no hash page). body_sum, if not NULL, is
 * the checksum of the body computed by the caller. mapped: buf is a
 * read-only file mapping, whose pages the checks hand back as they go
 * (mapping_release()); never so of other memory. On failure *why names
 * the fault. Returns 0, VIGIL_EFORMAT, VIGIL_EVERSION or VIGIL_ECHECKSUM.
 */
int vdb_open(const uint8_t *buf, size_t len, const uint64_t *body_sum,
	     int mapped, struct vdb_view *v, const char **why);

/* Value of key in the META section, copied into out (cap bytes). */
void vdb_meta(const struct vdb_view *v, const char *key, char *out,
	      size_t cap);

/* The name at a string offset (bounds were checked by vdb_open). */
static inline const char *vdb_str(const struct vdb_view *v, uint32_t off)
{
	return v->strings + off;
}

#endif
