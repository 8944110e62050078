/*
 * bird.h -- signalling upstream through a local BIRD 2: the shield
 * writes a BIRD include file of static routes -- FlowSpec rules (RFC
 * 8955/8956) in the tables vigil_flow4 and vigil_flow6, and blackhole
 * routes tagged with the BLACKHOLE community 65535:666 (RFC 7999),
 * routes that divert a prefix's traffic here (vigil_divert4/6) -- and
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

/* A route that attracts a prefix's traffic to this node and hands what
 * passes the filters on through an interface (a GRE or IP-in-IP tunnel
 * to the customer): diversion to scrubbing and anycast spreading. */
struct bird_route {
	uint8_t family, len, addr[16];
	char via[16];			/* the interface */
};

/* The include's text for these FlowSpec rules (discard, or
 * traffic-rate-packets at the rule's rate when rate_limit is set) and
 * blackholes; -1 if it does not fit in `len`. */
int bird_text(char *out, size_t len, const struct shield_rule *flows,
	      unsigned nflows, int rate_limit, const struct blackhole *holes,
	      unsigned nholes);
/* Appends to such a text the routes, in the static protocols
 * vigil_divert4 and vigil_divert6 (left out when there are none, so that
 * BIRD withdraws the last); -1 if they do not fit. */
int bird_text_routes(char *out, size_t len, const struct bird_route *r,
		     unsigned n);
/* Replaces the file atomically (a temporary beside it, renamed). */
int bird_write(const char *path, const char *text);
/* "configure" on BIRD's control socket: 0, or -1 with BIRD's answer or
 * the system's error in err. Waits at most two seconds. */
int bird_configure(const char *sock, char *err, size_t errlen);

#endif
