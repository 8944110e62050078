/*
 * prefix.c -- see prefix.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefix.h"

static int host_bits_clear(const unsigned char *a, unsigned bytes,
			   unsigned len)
{
	unsigned i;

	for (i = 0; i < bytes; i++) {
		unsigned keep = len > i * 8 ? (len - i * 8 >= 8 ? 8 : len - i * 8) : 0;
		unsigned char mask = keep ? (unsigned char)(0xff << (8 - keep)) : 0;

		if (a[i] & ~mask)
			return 0;
	}
	return 1;
}

int prefix_parse(const char *s, struct prefix *p)
{
	char addr[64], *end;
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long len;

	memset(p, 0, sizeof(*p));
	if (n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &p->v4.addr) == 1)
		p->family = 4;
	else if (inet_pton(AF_INET6, addr, p->v6.addr) == 1)
		p->family = 6;
	else
		return -1;
	len = p->family == 4 ? 32 : 128;
	if (slash) {
		len = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || len < 0 ||
		    len > (p->family == 4 ? 32 : 128))
			return -1;
	}
	p->v4.prefixlen = p->v6.prefixlen = (unsigned)len;
	return host_bits_clear(p->family == 4 ? (unsigned char *)&p->v4.addr :
						p->v6.addr,
			       p->family == 4 ? 4 : 16, (unsigned)len) ? 0 : -1;
}

int prefix_host_bits(const char *s)
{
	struct prefix p;
	char addr[64];
	const char *slash = strchr(s, '/');

	if (!slash || (size_t)(slash - s) >= sizeof(addr) ||
	    prefix_parse(s, &p) == 0)
		return 0;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	/* the address alone parses, and the length is a number in range */
	if (prefix_parse(addr, &p) < 0)
		return 0;
	return strtol(slash + 1, NULL, 10) <= (p.family == 4 ? 32 : 128) &&
	       slash[1] >= '0' && slash[1] <= '9';
}

void prefix_format(const struct prefix *p, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (p->family == 4)
		inet_ntop(AF_INET, &p->v4.addr, a, sizeof(a));
	else
		inet_ntop(AF_INET6, p->v6.addr, a, sizeof(a));
	snprintf(out, len, "%s/%u", a,
		 p->family == 4 ? p->v4.prefixlen : p->v6.prefixlen);
}

int prefix_contains(const struct prefix *p, int family, const uint8_t *addr)
{
	const uint8_t *net = p->family == 4 ? (const uint8_t *)&p->v4.addr :
					      p->v6.addr;
	unsigned len = p->family == 4 ? p->v4.prefixlen : p->v6.prefixlen;
	unsigned full = len / 8, rest = len % 8;

	if (family != p->family || memcmp(net, addr, full))
		return 0;
	return !rest || !((net[full] ^ addr[full]) & (0xff << (8 - rest)));
}
