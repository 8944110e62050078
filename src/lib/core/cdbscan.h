/*
 * cdbscan.h -- container metadata signatures against one entry.
 */
#ifndef VIGIL_CORE_CDBSCAN_H
#define VIGIL_CORE_CDBSCAN_H

#include <stdint.h>

#include "formats/format.h"

struct vigil_scanner;

/*
 * Checks the entry m, at position pos (from 1) of a container of type
 * cltype and container_size bytes, against every .cdb record. Returns 0,
 * 1 (stop: a detection) or a negative VIGIL_E* code.
 */
int cdbscan_entry(struct vigil_scanner *s, int cltype,
		  uint64_t container_size, const struct fmt_entry *m,
		  unsigned pos);

#endif
