/*
 * geo.c -- see geo.h.
 */
#include <arpa/inet.h>
#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/libloc.h>
#include <libloc/network.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "prefix.h"

struct geo {
	struct loc_ctx *ctx;
	struct loc_database *db;
};

struct geo *geo_open(const char *path)
{
	struct geo *g = calloc(1, sizeof(*g));
	FILE *f = fopen(path, "re");

	if (!g || !f || loc_new(&g->ctx) < 0 ||
	    loc_database_new(g->ctx, &g->db, f) < 0) {
		if (f)
			fclose(f);
		geo_close(g);
		return NULL;
	}
	fclose(f); /* the database has mapped it */
	return g;
}

void geo_close(struct geo *g)
{
	if (!g)
		return;
	if (g->db)
		loc_database_unref(g->db);
	if (g->ctx)
		loc_unref(g->ctx);
	free(g);
}

static void as_name(struct geo *g, uint32_t asn, char *out, size_t len)
{
	struct loc_as *as = NULL;
	const char *name;

	if (loc_database_get_as(g->db, &as, asn) == 0 && as &&
	    (name = loc_as_get_name(as)))
		snprintf(out, len, "%s", name);
	if (as)
		loc_as_unref(as);
}

int geo_lookup(struct geo *g, uint8_t family, const uint8_t *addr,
	       struct geo_info *out)
{
	struct in6_addr a = { 0 };
	struct loc_network *net = NULL;
	const char *cc;

	memset(out, 0, sizeof(*out));
	if (!g)
		return -1;
	if (family == 4) { /* libloc keys IPv4 as v4-mapped IPv6 */
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		memcpy(&a.s6_addr[12], addr, 4);
	} else {
		memcpy(a.s6_addr, addr, 16);
	}
	if (loc_database_lookup(g->db, &a, &net) != 0 || !net)
		return -1;
	out->asn = loc_network_get_asn(net);
	if ((cc = loc_network_get_country_code(net)) && *cc)
		snprintf(out->country, sizeof(out->country), "%s", cc);
	out->anycast = loc_network_has_flag(net, LOC_NETWORK_FLAG_ANYCAST) > 0;
	out->drop_listed = loc_network_has_flag(net, LOC_NETWORK_FLAG_DROP) > 0;
	loc_network_unref(net);
	if (out->asn)
		as_name(g, out->asn, out->as_name, sizeof(out->as_name));
	return 0;
}

/* RFC 6890 and its successors: never a source on the public Internet. */
static const char *const bogons[] = {
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
	"169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
	"192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
	"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
	"::/127", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64",
	"2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
};

int addr_bogon(uint8_t family, const uint8_t *addr)
{
	struct prefix p;
	size_t i;

	for (i = 0; i < sizeof(bogons) / sizeof(bogons[0]); i++)
		if (prefix_parse(bogons[i], &p) == 0 &&
		    prefix_contains(&p, family, addr))
			return 1;
	return 0;
}
