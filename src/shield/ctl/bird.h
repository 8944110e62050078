/*
 * bird.h -- signalling upstream through a local BIRD 2: the shield
 * writes a BIRD include file of static routes -- FlowSpec rules (RFC
 * 8955/8956) in the tables vigil_flow4 and vigil_flow6, and blackhole
 * routes tagged with the BLACKHOLE community 65535:666 (RFC 7999) -- and
 * tells BIRD to reread its configuration over its control socket. The
 * operator's BGP sessions decide what goes to which upstream (docs/shield.md
 * has a complete bird.conf).
 */
#ifndef VIGIL_SHIELD_BIRD_H
#define VIGIL_SHIELD_BIRD_H

#include <stddef.h>
#include <stdint.h>

#include "shield.h"

#define BIRD_TEXT_MAX 65536	/* the include file, bytes */

struct blackhole {
	uint8_t family, addr[16];
};

/* The include's text for these FlowSpec rules (discard, or
 * traffic-rate-packets at the rule's rate when rate_limit is set) and
 * blackholes; -1 if it does not fit in `len`. */
int bird_text(char *out, size_t len, const struct shield_rule *flows,
	      unsigned nflows, int rate_limit, const struct blackhole *holes,
	      unsigned nholes);
/* Replaces the file atomically (a temporary beside it, renamed). */
int bird_write(const char *path, const char *text);
/* "configure" on BIRD's control socket: 0, or -1 with BIRD's answer or
 * the system's error in err. Waits at most two seconds. */
int bird_configure(const char *sock, char *err, size_t errlen);

#endif
