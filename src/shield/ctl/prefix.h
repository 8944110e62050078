/*
 * prefix.h -- IPv4 and IPv6 prefixes as the shield's maps key them.
 */
#ifndef VIGIL_SHIELD_PREFIX_H
#define VIGIL_SHIELD_PREFIX_H

#include <stddef.h>
#include <stdint.h>

#include "shield.h"

struct prefix {
	int family;			/* 4 or 6 */
	struct shield_lpm4 v4;
	struct shield_lpm6 v6;
};

/* "192.0.2.0/24", "2001:db8::/32", or an address (a host prefix);
 * bits past the length must be zero. 0, or -1. */
int prefix_parse(const char *s, struct prefix *p);
/* 1 when s fails prefix_parse only because bits past its length are set
 * ("192.0.2.3/24"), for a message that says so. */
int prefix_host_bits(const char *s);
void prefix_format(const struct prefix *p, char *out, size_t len);
/* 1 if the address (v4 in its first 4 bytes) is inside the prefix. */
int prefix_contains(const struct prefix *p, int family, const uint8_t *addr);

#endif
