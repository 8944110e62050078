/*
 * loader.h -- loading one signature source held in memory: the extension
 * of its name selects the parser.
 */
#ifndef VIGIL_DB_LOADER_H
#define VIGIL_DB_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "db/sigset.h"

/* Largest signed catalog (.cat) read. */
#define CAT_MAX_BYTES (64u << 20)
/* A YARA source file kept, at most. */
#define YARA_MAX_SOURCE_BYTES (256u << 20)

enum loader_kind {
	LK_UNKNOWN = 0,
	LK_HASH, LK_ALLOW, LK_SECTHASH, LK_IMP, LK_NDB, LK_LDB, LK_IGN2, LK_IGN,
	LK_CDB, LK_FTM, LK_PDB, LK_WDB, LK_CRB, LK_IDB, LK_CAT,
	LK_CVD, LK_CLD, LK_CUD,	/* containers */
	LK_VDB,			/* compiled database: not for the loader */
	LK_YARA,		/* YARA rules: to the loader's callback */
	LK_SKIP,		/* files that carry no signatures (.info) */
	LK_UNSUPPORTED,		/* ClamAV formats Vigil does not read yet */
};

/* Kind of a file by its name; *pua is set for .hdu .hsu .ndu .ldu. */
int loader_kind(const char *name, int *pua);

/*
 * Loads buf as the kind its name says into lc->ss. Lines that cannot be
 * honoured are warned about (lc->ss->skipped counts them). Returns 0 or a
 * negative VIGIL_E* code (VIGIL_EFORMAT for an unknown kind).
 */
int loader_load(struct loadctx *lc, const char *name, const uint8_t *buf,
		size_t len);

#endif
