/*
 * pcrescan.h -- running PCRE subsignatures over an object. An expression
 * is compiled on its first use into its shard's slot (scanners on several
 * threads share the engine: the first to finish installs its copy; the
 * engine frees them); each scanner holds its own match data and limits.
 */
#ifndef VIGIL_CORE_PCRESCAN_H
#define VIGIL_CORE_PCRESCAN_H

#include <stddef.h>
#include <stdint.h>

#include "sig/pattern.h"

struct shard;
struct vigil_scanner;

void pcrescan_scanner_free(struct vigil_scanner *s);

/*
 * Counts the matches of the shard's PCRE subsignature idx in buf[0..len)
 * whose start lies in w (w.lo > len: nowhere). A limit that stops the
 * expression is recorded on the scanner and counts nothing. Returns 0, 1
 * (stop the scan: a limit is the result) or a negative VIGIL_E* code.
 */
int pcrescan_count(struct vigil_scanner *s, const struct shard *sh,
		   uint32_t idx, const uint8_t *buf, size_t len,
		   struct pat_window w, uint32_t *count);

#endif
