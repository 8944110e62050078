/*
 * ics.c -- see ics.h. The line's parser reads through the bounded reader;
 * the fuzz target shield_lines runs it with the rest of the file's keys.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/reader.h"
#include "ics.h"

/* A list "1-6,15,16", "read-only" or "all" into the bitmap. */
static int functions(const char *s, size_t n, uint8_t fc[32])
{
	struct rdr r;
	uint64_t lo, hi, f;

	memset(fc, 0, 32);
	if (n == 3 && !memcmp(s, "all", 3)) {
		memset(fc, 0xff, 32);
		return 0;
	}
	if (n == 9 && !memcmp(s, "read-only", 9))
		s = "1-4", n = 3;
	rdr_init(&r, s, n);
	while (rdr_left(&r)) {
		if (rdr_decimal(&r, 255, &lo) < 0)
			return -1;
		hi = lo;
		if (rdr_accept(&r, "-", 1) && rdr_decimal(&r, 255, &hi) < 0)
			return -1;
		if (hi < lo || (rdr_left(&r) && !rdr_accept(&r, ",", 1)))
			return -1;
		for (f = lo; f <= hi; f++)
			fc[f >> 3] |= (uint8_t)(1u << (f & 7));
	}
	return 0;
}

/* "SERVER[:PORT]@CLIENT/LEN": the key and the port. */
static int target(const char *s, size_t n, struct ics_policy *p)
{
	char server[16], client[16];
	const char *at = memchr(s, '@', n), *colon;
	struct rdr r;
	uint64_t port = 502, len;
	size_t k;

	if (!at)
		return -1;
	colon = memchr(s, ':', (size_t)(at - s));
	k = (size_t)((colon ? colon : at) - s);
	if (k >= sizeof(server))
		return -1;
	memcpy(server, s, k);
	server[k] = '\0';
	rdr_init(&r, colon ? colon + 1 : at, colon ? (size_t)(at - colon - 1) : 0);
	if (colon && (rdr_decimal(&r, 65535, &port) < 0 || rdr_left(&r) ||
		      !port))
		return -1;
	rdr_init(&r, at + 1, n - (size_t)(at + 1 - s));
	if (rdr_word(&r, "/", client, sizeof(client)) < 0 ||
	    !rdr_accept(&r, "/", 1) || rdr_decimal(&r, 32, &len) < 0 ||
	    rdr_left(&r))
		return -1;
	if (inet_pton(AF_INET, server, p->key.server) != 1 ||
	    inet_pton(AF_INET, client, p->key.client) != 1)
		return -1;
	p->key.prefixlen = 32 + (uint32_t)len;
	p->pol.port = (uint16_t)port;
	return 0;
}

int ics_parse(const char *v, struct ics_policy *p, char *err, size_t errlen)
{
	const char *c1 = strchr(v, '@'), *c2, *c3;
	struct rdr r;
	uint64_t lo = 0, hi = 65535;

	memset(p, 0, sizeof(*p));
	c2 = c1 ? strchr(c1, ':') : NULL;
	c3 = c2 ? strchr(c2 + 1, ':') : NULL;
	if (!c2 || target(v, (size_t)(c2 - v), p) < 0 ||
	    functions(c2 + 1, c3 ? (size_t)(c3 - c2 - 1) : strlen(c2 + 1),
		      p->pol.fc) < 0) {
		snprintf(err, errlen, "modbus: SERVER[:PORT]@CLIENT/LEN:"
			 "FUNCTIONS[:FIRST-LAST], not %.80s", v);
		return -1;
	}
	if (c3) {
		rdr_init(&r, c3 + 1, strlen(c3 + 1));
		if (rdr_decimal(&r, 65535, &lo) < 0 || !rdr_accept(&r, "-", 1) ||
		    rdr_decimal(&r, 65535, &hi) < 0 || rdr_left(&r) ||
		    hi < lo) {
			snprintf(err, errlen, "modbus: registers FIRST-LAST "
				 "(0-65535), not %.40s", c3 + 1);
			return -1;
		}
	}
	p->pol.reg_lo = (uint16_t)lo;
	p->pol.reg_hi = (uint16_t)hi;
	return 0;
}

void ics_record(struct ics_log *log, const struct shield_sample *s,
		double now)
{
	struct ics_record *r;
	unsigned i;

	for (i = 0; i < log->n; i++) {
		r = &log->r[i];
		if (!memcmp(r->client, s->src, 4) &&
		    !memcmp(r->server, s->dst, 4) && r->port == s->dport &&
		    r->function == (uint8_t)s->pad) {
			r->count++;
			r->last = now;
			return;
		}
	}
	if (log->n == ICS_MAX_RECORDS) {
		log->dropped++;
		return;
	}
	r = &log->r[log->n++];
	memcpy(r->client, s->src, 4);
	memcpy(r->server, s->dst, 4);
	r->port = s->dport;
	r->function = (uint8_t)s->pad;
	r->count = 1;
	r->first = r->last = now;
}
