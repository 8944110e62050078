/*
 * bodysig.h -- body signatures: .ndb lines, and the offset + hex pattern
 * pairs shared with .ldb subsignatures.
 */
#ifndef VIGIL_DB_BODYSIG_H
#define VIGIL_DB_BODYSIG_H

#include "db/hexsig.h"
#include "db/sigset.h"

/* Highest ClamAV target type; 8 is unused, 13 and 14 are internal. */
#define SIG_MAX_TARGET 14

struct offspec {
	uint8_t kind;		/* enum off_kind */
	uint16_t sect;		/* section index of OFF_SX, OFF_SE */
	uint64_t n;		/* OFF_EP: a signed delta, two's complement */
	uint32_t shift;
};

/*
 * Parsers return 0 when the line was added, 1 when it was skipped with a
 * warning, or a negative VIGIL_E* code (out of memory, or strict mode).
 */
int bodysig_offset(struct loadctx *lc, const char *s, size_t n,
		   uint8_t target, struct offspec *o);
int bodysig_target(struct loadctx *lc, const char *s, size_t n,
		   uint8_t *target);
/* Compiles one pattern and appends its matchable. */
int bodysig_add(struct loadctx *lc, const char *hex, size_t n,
		const struct hexsig_mods *mods, const struct offspec *o,
		struct vdb_matchable *tmpl);
int ndb_line(struct loadctx *lc, const char *s, size_t n);
int ldb_line(struct loadctx *lc, const char *s, size_t n);

#endif
