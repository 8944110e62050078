/*
 * phishdb.h -- the phishing lists: .pdb (domains to check) and .wdb
 * (allowed real/displayed pairs).
 */
#ifndef VIGIL_DB_PHISHDB_H
#define VIGIL_DB_PHISHDB_H

#include <stddef.h>

#include "db/sigset.h"

/* Longest pattern of a phishing list line, in bytes. */
#define PHISH_MAX_PATTERN_BYTES 4096

/*
 * One line: "R:regex", "H:host" (.pdb); "X:regex", "M:real:displayed",
 * "Y:regex" (.wdb); each with an optional ":min-max" functionality level.
 * allow: the line is from a .wdb. Returns 0, 1 (skipped with a warning) or
 * a negative VIGIL_E* code.
 */
int phishdb_line(struct loadctx *lc, const char *s, size_t n, int allow);

/* Prepares a regex pattern as stored (icase from a "(?i)" prefix) for
 * regcomp: the pattern without the prefix. */
const char *phishdb_regex(const char *pattern, int *icase);

#endif
