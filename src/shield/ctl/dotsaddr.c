/*
 * dotsaddr.c -- the addresses of dots-listen and dots-server (dots.h):
 * "ADDR", "ADDR:PORT" or "[IPV6]:PORT", and as libcoap takes them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <coap3/coap.h>

#include "dots.h"

int dots_addr_parse(const char *s, int *family, uint8_t addr[16],
		    uint16_t *port)
{
	char host[64];
	const char *colon = strrchr(s, ':'), *end;
	unsigned long p = DOTS_PORT;
	size_t n;

	if (s[0] == '[') { /* [v6]:port or [v6] */
		if (!(end = strchr(s, ']')))
			return -1;
		n = (size_t)(end - s - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			return -1;
		s++;
	} else if (colon && strchr(s, ':') != colon) {
		colon = NULL; /* a bare IPv6 address */
		n = strlen(s);
	} else {
		n = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (!n || n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (colon) {
		char *e;

		errno = 0;
		p = strtoul(colon + 1, &e, 10);
		if (!colon[1] || *e || errno || !p || p > 65535)
			return -1;
	}
	*port = (uint16_t)p;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, host, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		*family = 6;
	else
		return -1;
	return 0;
}

int dots_coap_address(const char *s, coap_address_t *a)
{
	uint8_t addr[16];
	uint16_t port;
	int family;

	if (dots_addr_parse(s, &family, addr, &port) < 0)
		return -1;
	coap_address_init(a);
	if (family == 4) {
		a->addr.sin.sin_family = AF_INET;
		memcpy(&a->addr.sin.sin_addr, addr, 4);
		a->addr.sin.sin_port = htons(port);
		a->size = sizeof(a->addr.sin);
	} else {
		a->addr.sin6.sin6_family = AF_INET6;
		memcpy(&a->addr.sin6.sin6_addr, addr, 16);
		a->addr.sin6.sin6_port = htons(port);
		a->size = sizeof(a->addr.sin6);
	}
	return 0;
}

int dots_sockaddr(const char *s, struct sockaddr_storage *ss, unsigned *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	uint8_t addr[16];
	uint16_t port;
	int family;

	if (dots_addr_parse(s, &family, addr, &port) < 0)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (family == 4) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, addr, 4);
		*len = sizeof(*in);
	} else {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, addr, 16);
		*len = sizeof(*in6);
	}
	return 0;
}
