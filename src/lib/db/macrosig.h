/*
 * macrosig.h -- macro subsignatures of logical signatures ("${min-max}N$")
 * and the .ndb lines that make up macro group N ("Name:Target:$N:Hex").
 */
#ifndef VIGIL_DB_MACROSIG_H
#define VIGIL_DB_MACROSIG_H

#include <stddef.h>

#include "db/sigset.h"

/* 1 if s[0..n) has the shape of a macro subsignature. */
int macrosig_is(const char *s, size_t n);

/* A member of a macro group: the .ndb offset "$N" and the pattern.
 * Returns 0, 1 (skipped with a warning) or a negative VIGIL_E* code. */
int macrosig_member(struct loadctx *lc, const char *off, size_t on,
		    const char *hex, size_t hn);

/* Subsignature sub (never 0) of the .ldb l being added (owner: index).
 * Returns as macrosig_member(). */
int macrosig_add(struct loadctx *lc, const char *s, size_t n, unsigned sub,
		 uint32_t owner, struct vdb_ldb *l);

/* After all subsignatures: each macro follows a plain one. 0 or 1. */
int macrosig_check(struct loadctx *lc, const struct vdb_ldb *l);

#endif
