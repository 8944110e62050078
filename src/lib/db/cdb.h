/*
 * cdb.h -- container metadata signatures (.cdb lines).
 */
#ifndef VIGIL_DB_CDB_H
#define VIGIL_DB_CDB_H

#include <stddef.h>

#include "db/sigset.h"

/* Longest file name expression accepted, in bytes. */
#define CDB_MAX_REGEX_BYTES 4096

/*
 * "VirusName:ContainerType:ContainerSize:FileNameREGEX:
 * FileSizeInContainer:FileSizeReal:IsEncrypted:FilePos:Res1:Res2
 * [:MinFL[:MaxFL]]". Returns 0, 1 (skipped with a warning) or a negative
 * VIGIL_E* code.
 */
int cdb_line(struct loadctx *lc, const char *s, size_t n);

#endif
