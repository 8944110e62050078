/*
 * cdb.h -- container metadata signatures (.cdb lines).
 */
#ifndef VIGIL_DB_CDB_H
#define VIGIL_DB_CDB_H

#include <stddef.h>

#include "db/sigset.h"

/* Longest file name expression accepted, in bytes, and its bounds
 * ("{n,m}": how many, and m below 1000). */
#define CDB_MAX_REGEX_BYTES 4096
#define CDB_MAX_BOUNDS 4

/*
 * NULL if a file name expression has a shape glibc's regcomp compiles in
 * little time and memory, else what is wrong: a quantifier right after
 * another, a bound on a group, more than CDB_MAX_BOUNDS bounds, or one
 * of 1000 or more. Checked at load and again when a .vdb is opened.
 */
const char *cdb_regex_shape(const char *s, size_t n);

/*
 * "VirusName:ContainerType:ContainerSize:FileNameREGEX:
 * FileSizeInContainer:FileSizeReal:IsEncrypted:FilePos:Res1:Res2
 * [:MinFL[:MaxFL]]". Returns 0, 1 (skipped with a warning) or a negative
 * VIGIL_E* code.
 */
int cdb_line(struct loadctx *lc, const char *s, size_t n);

#endif
