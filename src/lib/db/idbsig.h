/*
 * idbsig.h -- icon signatures (.idb): NAME:GROUP1:GROUP2:METRICS, where
 * METRICS is the 124 hex digits of an icon's metrics (struct
 * vdb_icon_metrics) as ClamAV writes them. Logical signatures with
 * IconGroup1/IconGroup2 match a PE only when one of its icons is close to
 * an entry of those groups (core/iconscan.h).
 */
#ifndef VIGIL_DB_IDBSIG_H
#define VIGIL_DB_IDBSIG_H

#include <stddef.h>

#include "db/sigset.h"

/* Hex digits of METRICS. */
#define IDB_METRICS_HEX 124
/* Distinct names per group kind in one database (ClamAV's limit). */
#define IDB_MAX_GROUPS 256

/* One line. Returns 0, 1 (skipped with a warning) or a negative code. */
int idbsig_line(struct loadctx *lc, const char *s, size_t n);

/*
 * Reads METRICS (IDB_METRICS_HEX digits) into m: 0, or -1 with *why set
 * when a digit, the side or a value is out of its range.
 */
int idbsig_parse_metrics(const char *hex, struct vdb_icon_metrics *m,
			 const char **why);

#endif
