/*
 * geo.h -- where a source address comes from: its AS number and name and
 * its country from an IPFire location database through libloc (offline;
 * nothing is asked of anyone), and whether it is a bogon -- an address
 * that cannot be a real source on the Internet (RFC 6890 special-purpose
 * ranges), so a packet from it was spoofed.
 */
#ifndef VIGIL_SHIELD_GEO_H
#define VIGIL_SHIELD_GEO_H

#include <stdint.h>

#define GEO_DEFAULT_DB "/var/lib/location/database.db"

struct geo_info {
	uint32_t asn;			/* 0: unknown */
	char as_name[128];
	char country[3];		/* "" unknown */
	int anycast, drop_listed;	/* flags of the database */
};

struct geo;

/* NULL (and no lookups) if the database cannot be read. */
struct geo *geo_open(const char *path);
void geo_close(struct geo *g);
/* 0 with what is known, or -1 if nothing is. */
int geo_lookup(struct geo *g, uint8_t family, const uint8_t *addr,
	       struct geo_info *out);
int addr_bogon(uint8_t family, const uint8_t *addr);

#endif
