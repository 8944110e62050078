/*
 * ruleset.c -- see ruleset.h.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "ruleset.h"

#define MAX_WORDS 24

struct words {
	char *w[MAX_WORDS];
	unsigned n;
};

/* Splits a line (a copy) into words; -1 if too many. */
static int split(char *line, struct words *ws)
{
	char *save = NULL, *t;

	ws->n = 0;
	for (t = strtok_r(line, " \t\r", &save); t && *t != '#';
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (ws->n == MAX_WORDS)
			return -1;
		ws->w[ws->n++] = t;
	}
	return 0;
}

static int number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || *end || *v > max ? -1 : 0;
}

/* N or N-M, 1..max (0 means "any" in a rule, so it cannot be asked for
 * except as the low end of a length range). */
static int range(const char *s, unsigned min, uint16_t *lo, uint16_t *hi)
{
	char buf[32], *dash;
	unsigned long a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((dash = strchr(buf, '-')))
		*dash = '\0';
	if (number(buf, 65535, &a) < 0 ||
	    (dash ? number(dash + 1, 65535, &b) : (b = a, 0)) < 0 ||
	    a < min || b < a || b == 0)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int proto(const char *s, uint8_t *p)
{
	static const struct {
		const char *name;
		uint8_t p;
	} names[] = { { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
		      { "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 } };
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*p = names[i].p;
			return 0;
		}
	if (number(s, 255, &v) < 0 || !v)
		return -1;
	*p = (uint8_t)v;
	return 0;
}

static int flags(const char *s, struct shield_rule *r)
{
	char buf[32], *slash;
	unsigned long v, m;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if (!(slash = strchr(buf, '/')))
		return -1;
	*slash = '\0';
	if (number(buf, 255, &v) < 0 || number(slash + 1, 255, &m) < 0 || !m ||
	    (v & ~m))
		return -1;
	r->tcp_flags_value = (uint8_t)v;
	r->tcp_flags_mask = (uint8_t)m;
	return 0;
}

static int address(const char *s, uint8_t *addr, uint8_t *len,
		   struct shield_rule *r)
{
	struct prefix p;

	if (prefix_parse(s, &p) < 0 || (r->family && r->family != p.family))
		return -1;
	r->family = (uint8_t)p.family;
	memcpy(addr, p.family == 4 ? (void *)&p.v4.addr : p.v6.addr,
	       p.family == 4 ? 4 : 16);
	*len = (uint8_t)(p.family == 4 ? p.v4.prefixlen : p.v6.prefixlen);
	return *len ? 0 : -1; /* a /0 is "any": leave the component out */
}

/* One "key value" component into r; a reason, or NULL. */
static const char *component(const char *k, const char *v,
			     struct shield_rule *r)
{
	if (!strcmp(k, "proto"))
		return proto(v, &r->proto) < 0 ? "bad proto" : NULL;
	if (!strcmp(k, "src"))
		return address(v, r->src, &r->src_len, r) < 0 ?
			       "bad or mixed-family src prefix" : NULL;
	if (!strcmp(k, "dst"))
		return address(v, r->dst, &r->dst_len, r) < 0 ?
			       "bad or mixed-family dst prefix" : NULL;
	if (!strcmp(k, "sport"))
		return range(v, 1, &r->sport_lo, &r->sport_hi) < 0 ?
			       "bad sport" : NULL;
	if (!strcmp(k, "dport"))
		return range(v, 1, &r->dport_lo, &r->dport_hi) < 0 ?
			       "bad dport" : NULL;
	if (!strcmp(k, "length"))
		return range(v, 0, &r->len_lo, &r->len_hi) < 0 ? "bad length" :
								 NULL;
	if (!strcmp(k, "tcp-flags"))
		return flags(v, r) < 0 ? "bad tcp-flags (VALUE/MASK)" : NULL;
	if (!strcmp(k, "fragment")) {
		r->fragment = !strcmp(v, "yes") ? 1 : !strcmp(v, "no") ? 2 : 0;
		return r->fragment ? NULL : "fragment is yes or no";
	}
	return "unknown component";
}

/* The components' consistency once all are read; a reason, or NULL. */
static const char *consistent(const struct shield_rule *r)
{
	int ports = r->sport_lo || r->dport_lo || r->sport_hi || r->dport_hi;

	if (ports && r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
		return "ports need proto tcp or udp";
	if (r->tcp_flags_mask && r->proto != IPPROTO_TCP)
		return "tcp-flags need proto tcp";
	if ((r->proto == IPPROTO_ICMP && r->family == 6) ||
	    (r->proto == IPPROTO_ICMPV6 && r->family == 4))
		return "icmp and icmpv6 belong to IPv4 and IPv6";
	return NULL;
}

static const char *rule_line(const struct words *ws, struct shield_rule *r)
{
	unsigned i = 1;
	unsigned long pps;
	const char *why;

	memset(r, 0, sizeof(*r));
	if (!strcmp(ws->w[0], "drop"))
		r->action = SHIELD_DROP;
	else if (!strcmp(ws->w[0], "pass"))
		r->action = SHIELD_PASS;
	else if (!strcmp(ws->w[0], "rate")) {
		if (ws->n < 2 || number(ws->w[1], UINT32_MAX, &pps) < 0 || !pps)
			return "rate needs packets a second";
		r->action = SHIELD_RATE;
		r->rate_pps = (uint32_t)pps;
		i = 2;
	} else
		return "unknown action";
	if ((ws->n - i) % 2)
		return "a component without its value";
	for (; i < ws->n; i += 2)
		if ((why = component(ws->w[i], ws->w[i + 1], r)))
			return why;
	return consistent(r);
}

static const char *line_of(const struct words *ws, struct ruleset *out)
{
	if (!strcmp(ws->w[0], "block")) {
		if (ws->n != 2)
			return "block takes one prefix";
		if (out->nblocks == RULESET_MAX_BLOCKS)
			return "too many block prefixes (16384 at most)";
		return prefix_parse(ws->w[1], &out->blocks[out->nblocks++]) < 0 ?
			       "bad block prefix" : NULL;
	}
	if (out->nrules == RULESET_MAX_RULES)
		return "too many rules (32 at most)";
	return rule_line(ws, &out->rules[out->nrules++]);
}

int ruleset_parse(const void *buf, size_t len, struct ruleset *out,
		  char *err, size_t errlen)
{
	char copy[RULESET_MAX_LINE + 1];
	const char *line, *why = NULL;
	struct words ws;
	struct rdr r;
	size_t n;
	unsigned lineno = 0;

	memset(out, 0, sizeof(*out));
	if (len > RULESET_MAX_BYTES) {
		snprintf(err, errlen, "larger than %u bytes", RULESET_MAX_BYTES);
		return -1;
	}
	rdr_init(&r, buf, len);
	while (!why && rdr_line(&r, RULESET_MAX_LINE, &line, &n)) {
		lineno++;
		if (memchr(line, '\0', n)) {
			why = "a NUL byte";
			break;
		}
		memcpy(copy, line, n);
		copy[n] = '\0';
		if (split(copy, &ws) < 0)
			why = "too many words";
		else if (lineno == 1)
			why = ws.n == 2 && !strcmp(ws.w[0], "vigil-shield-rules") &&
				      !strcmp(ws.w[1], "1") ? NULL :
				      "not a rule set (\"vigil-shield-rules 1\")";
		else if (ws.n)
			why = line_of(&ws, out);
	}
	if (!why && rdr_failed(&r)) {
		why = "a line longer than 512 bytes";
		lineno++;
	}
	if (!why && !lineno)
		why = "empty";
	if (why) {
		snprintf(err, errlen, "line %u: %s", lineno ? lineno : 1, why);
		return -1;
	}
	return 0;
}
