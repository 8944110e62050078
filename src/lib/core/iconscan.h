/*
 * iconscan.h -- IconGroup1/IconGroup2 of logical signatures: whether an
 * icon of the PE being matched is close to an .idb entry of the groups
 * the signature names (ClamAV's icon matcher; core/iconmetrics.h).
 */
#ifndef VIGIL_CORE_ICONSCAN_H
#define VIGIL_CORE_ICONSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/scanner_int.h"

/*
 * For the .ldb li of shard sh, whose other conditions hold on buf: 1 if an
 * icon matches, 0 if not (icons left unread past a bound leave a warning,
 * or Heuristics.Limits.Exceeded.MaxIconsPE with ALERT_EXCEEDS_MAX), or a
 * negative code.
 */
int iconscan_match(struct vigil_scanner *s, const struct shard *sh,
		   uint32_t li, const uint8_t *buf, size_t len);
/* A new object: the icon metrics kept are not its (the same place and
 * length may hold other bytes now). */
void iconscan_forget(struct vigil_scanner *s);
/* Frees the scanner's cache of icon metrics. */
void iconscan_free(struct vigil_scanner *s);

#endif
