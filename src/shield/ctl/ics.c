/*
 * ics.c -- see ics.h. The line's parser reads through the bounded reader;
 * the fuzz target shield_lines runs it with the rest of the file's keys.
 */
#define _GNU_SOURCE /* memrchr */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/reader.h"
#include "ics.h"

/* What "read-only" allows: Modbus's reads; DNP3's confirm and read;
 * IEC 104's interrogations and read command. */
static const char *const read_only[] = {
	[ICS_MODBUS] = "1-4", [ICS_DNP3] = "0-1", [ICS_IEC104] = "100-102",
};

/* A list "1-6,15,16", "read-only" or "all" into the bitmap. */
static int functions(int proto, const char *s, size_t n, uint8_t fc[32])
{
	struct rdr r;
	uint64_t lo, hi, f;

	memset(fc, 0, 32);
	if (n == 3 && !memcmp(s, "all", 3)) {
		memset(fc, 0xff, 32);
		return 0;
	}
	if (n == 9 && !memcmp(s, "read-only", 9)) {
		s = read_only[proto];
		n = strlen(s);
	}
	if (!n)
		return -1;
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

/* An address, bracketed when IPv6 ("[2001:db8::5]"), into out[16]:
 * its family, or -1. */
static int address(const char *s, size_t n, uint8_t out[16])
{
	char text[48];

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (!n || n >= sizeof(text))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	return inet_pton(AF_INET6, text, out) == 1 ? 6 : -1;
}

/* "SERVER[:PORT]@CLIENT/LEN", IPv6 addresses bracketed
 * ("[2001:db8::5]:502@[2001:db8:1::]/64"): the key and the port. */
static int target(const char *s, size_t n, struct ics_policy *p,
		  uint64_t port)
{
	const char *at = memchr(s, '@', n), *colon, *slash, *close;
	struct rdr r;
	uint64_t len;
	int fs, fc;

	if (!at)
		return -1;
	close = s[0] == '[' ? memchr(s, ']', (size_t)(at - s)) : NULL;
	colon = memchr(close ? close : s, ':', (size_t)(at - (close ? close : s)));
	fs = address(s, (size_t)((colon ? colon : at) - s), p->key.server);
	rdr_init(&r, colon ? colon + 1 : at, colon ? (size_t)(at - colon - 1) : 0);
	if (fs < 0 || (colon && (rdr_decimal(&r, 65535, &port) < 0 ||
				 rdr_left(&r) || !port)))
		return -1;
	slash = memrchr(at, '/', n - (size_t)(at - s));
	if (!slash)
		return -1;
	fc = address(at + 1, (size_t)(slash - at - 1), p->key.client);
	rdr_init(&r, slash + 1, n - (size_t)(slash + 1 - s));
	if (fc != fs || rdr_decimal(&r, fs == 4 ? 32 : 128, &len) < 0 ||
	    rdr_left(&r))
		return -1;
	p->key.family = (uint8_t)fs;
	p->key.prefixlen = SHIELD_ICS_KEY_BITS + (uint32_t)len;
	p->key.port[0] = (uint8_t)(port >> 8);
	p->key.port[1] = (uint8_t)port;
	p->pol.port = (uint16_t)port;
	return 0;
}

/* The next ':'-separated field of *v (advanced past it): its length. */
static size_t field(const char **v, const char **f)
{
	const char *c = strchr(*v, ':');
	size_t n = c ? (size_t)(c - *v) : strlen(*v);

	*f = *v;
	*v += n + (c != NULL);
	return n;
}

/* FIRST-LAST into the policy: 0, or -1. */
static int range(const char *f, size_t n, struct ics_policy *p)
{
	uint64_t lo = 0, hi = 65535;
	struct rdr r;

	if (n) {
		rdr_init(&r, f, n);
		if (rdr_decimal(&r, 65535, &lo) < 0 || !rdr_accept(&r, "-", 1) ||
		    rdr_decimal(&r, 65535, &hi) < 0 || rdr_left(&r) || hi < lo)
			return -1;
	}
	p->pol.reg_lo = (uint16_t)lo;
	p->pol.reg_hi = (uint16_t)hi;
	return 0;
}

static const char *const forms[] = {
	[ICS_MODBUS] = "modbus SERVER[:PORT]@CLIENT/LEN:FUNCTIONS[:FIRST-LAST]",
	[ICS_DNP3] = "dnp3 SERVER[:PORT]@CLIENT/LEN:FUNCTIONS:GROUPS"
		     "[:FIRST-LAST]",
	[ICS_IEC104] = "iec104 SERVER[:PORT]@CLIENT/LEN:TYPES[:FIRST-LAST]",
};
static const uint16_t ports[] = {
	[ICS_MODBUS] = 502, [ICS_DNP3] = 20000, [ICS_IEC104] = 2404,
};

int ics_parse(int proto, const char *v, struct ics_policy *p, char *err,
	      size_t errlen)
{
	const char *all = v, *at = strchr(v, '@'), *rest, *f;
	size_t n;
	int bad;

	memset(p, 0, sizeof(*p));
	p->pol.proto = (uint8_t)proto;
	/* the target ends at the first ':' after the client's length */
	rest = at ? strchr(strchr(at, '/') ? strchr(at, '/') : at, ':') : NULL;
	bad = !rest || target(v, (size_t)(rest - v), p, ports[proto]) < 0;
	v = rest ? rest + 1 : "";
	n = field(&v, &f);
	bad = bad || functions(proto, f, n, p->pol.fc) < 0;
	if (proto == ICS_DNP3) {
		n = field(&v, &f);
		bad = bad || functions(proto, f, n, p->pol.groups) < 0;
	}
	n = field(&v, &f);
	bad = bad || *v || range(f, n, p) < 0;
	if (bad) {
		snprintf(err, errlen, "%s, not %.80s", forms[proto], all);
		return -1;
	}
	return 0;
}

void ics_record(struct ics_log *log, const struct shield_sample *s,
		double now)
{
	struct ics_record *r;
	unsigned i;

	for (i = 0; i < log->n; i++) {
		r = &log->r[i];
		if (r->family == s->family && !memcmp(r->client, s->src, 16) &&
		    !memcmp(r->server, s->dst, 16) && r->port == s->dport &&
		    r->function == (uint8_t)s->pad &&
		    r->proto == (uint8_t)(s->pad >> 8)) {
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
	r->family = s->family;
	memcpy(r->client, s->src, 16);
	memcpy(r->server, s->dst, 16);
	r->port = s->dport;
	r->function = (uint8_t)s->pad;
	r->proto = (uint8_t)(s->pad >> 8);
	r->count = 1;
	r->first = r->last = now;
}
