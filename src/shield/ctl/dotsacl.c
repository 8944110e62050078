/*
 * dotsacl.c -- the DOTS data channel's bodies (RFC 8783, JSON as
 * RESTCONF carries it, read with jansson): aliases (a name for target
 * prefixes, port ranges and protocols) and filter lists (the ACL model
 * of RFC 8519 as DOTS uses it: IPv4 or IPv6 source and destination
 * networks, protocol, TCP or UDP port ranges or "eq", forwarding drop or
 * accept, and an activation type). Names are taken only from letters,
 * digits and ".-_" (they are path segments); anything else a list can
 * say -- rate limits, ICMP, fragments, TCP flags, FQDN or URI targets --
 * is refused with the reason, not half taken.
 */
#include <stdio.h>
#include <string.h>

#include "common/jsonw.h"
#include "dots.h"
#include "shield.h"

static int fail(char *err, size_t errlen, const char *what, const char *name)
{
	snprintf(err, errlen, "%s%s%.64s", what, name ? ": " : "",
		 name ? name : "");
	return -1;
}

static int good_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n && n < 64 && s[0] != '.' &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789.-_") == n;
}

/* "ietf-access-control-list:drop" and "drop" alike. */
static const char *bare(const char *s)
{
	const char *c = s ? strchr(s, ':') : NULL;

	return c ? c + 1 : s;
}

static int prefix_of(json_t *v, struct prefix *p)
{
	return json_is_string(v) && prefix_parse(json_string_value(v), p) == 0 ?
		0 : -1;
}

static int uint_of(json_t *v, json_int_t max, unsigned *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max)
		return -1;
	*out = (unsigned)json_integer_value(v);
	return 0;
}

/* {"lower-port": N, "upper-port": M} */
static int range_of(json_t *o, struct dots_range *r)
{
	unsigned lo, hi;
	json_t *up = json_object_get(o, "upper-port");

	if (uint_of(json_object_get(o, "lower-port"), 65535, &lo) < 0 ||
	    (up && uint_of(up, 65535, &hi) < 0))
		return -1;
	if (!up)
		hi = lo;
	if (hi < lo)
		return -1;
	*r = (struct dots_range){ (uint16_t)lo, (uint16_t)hi };
	return 0;
}

static int alias_scope(json_t *a, struct dots_scope *s, char *err,
		       size_t errlen)
{
	json_t *v;
	size_t i;
	unsigned u;

	if (json_object_get(a, "target-fqdn") || json_object_get(a, "target-uri"))
		return fail(err, errlen, "targets by name are not resolved "
			    "here; give target-prefix", NULL);
	json_array_foreach(json_object_get(a, "target-prefix"), i, v)
		if (s->ntarget == DOTS_MAX_TARGETS ||
		    prefix_of(v, &s->target[s->ntarget++]) < 0)
			return fail(err, errlen, "target-prefix: 1 to 16 "
				    "prefixes", NULL);
	json_array_foreach(json_object_get(a, "target-port-range"), i, v)
		if (s->nport == DOTS_MAX_PORTS ||
		    range_of(v, &s->port[s->nport++]) < 0)
			return fail(err, errlen, "target-port-range: at most 8 "
				    "of lower-port (upper-port) 0 to 65535", NULL);
	json_array_foreach(json_object_get(a, "target-protocol"), i, v) {
		if (s->nproto == DOTS_MAX_PROTOS || uint_of(v, 255, &u) < 0)
			return fail(err, errlen, "target-protocol: at most 8, "
				    "0 to 255", NULL);
		s->proto[s->nproto++] = (uint8_t)u;
	}
	return s->ntarget ? 0 : fail(err, errlen, "no target-prefix", NULL);
}

int dots_parse_aliases(json_t *body, struct dots_alias *out, unsigned max,
		       unsigned *n, char *err, size_t errlen)
{
	json_t *list = json_object_get(json_object_get(body,
			"ietf-dots-data-channel:aliases"), "alias"), *a;
	size_t i;

	*n = 0;
	if (!json_is_array(list) || !json_array_size(list))
		return fail(err, errlen, "expected {\"ietf-dots-data-channel:"
			    "aliases\": {\"alias\": [...]}}", NULL);
	json_array_foreach(list, i, a) {
		const char *name = json_string_value(json_object_get(a, "name"));

		if (*n == max)
			return fail(err, errlen, "too many aliases", NULL);
		memset(&out[*n], 0, sizeof(out[*n]));
		if (!good_name(name))
			return fail(err, errlen, "an alias needs a name of "
				    "letters, digits, '.', '-', '_'", name);
		strcpy(out[*n].name, name);
		if (alias_scope(a, &out[*n].scope, err, errlen) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/* {"operator": "eq"|"lte"|"gte", "port": N} or {"lower-port", ...}. */
static int port_match(json_t *o, struct dots_range *r)
{
	const char *op = json_string_value(json_object_get(o, "operator"));
	unsigned p;

	if (!op)
		return range_of(o, r);
	if (uint_of(json_object_get(o, "port"), 65535, &p) < 0)
		return -1;
	op = bare(op);
	if (!strcmp(op, "eq"))
		*r = (struct dots_range){ (uint16_t)p, (uint16_t)p };
	else if (!strcmp(op, "lte"))
		*r = (struct dots_range){ 0, (uint16_t)p };
	else if (!strcmp(op, "gte"))
		*r = (struct dots_range){ (uint16_t)p, 65535 };
	else
		return -1;
	return 0;
}

/* The "ipv4" or "ipv6" part of an entry's matches. */
static int ip_matches(json_t *m, int family, struct dots_ace *e)
{
	const char *dk = family == 4 ? "destination-ipv4-network" :
				       "destination-ipv6-network";
	const char *sk = family == 4 ? "source-ipv4-network" :
				       "source-ipv6-network";
	const char *key;
	json_t *v;
	unsigned u;

	json_object_foreach(m, key, v) {
		if (!strcmp(key, dk) && prefix_of(v, &e->dst) == 0 &&
		    e->dst.family == family)
			continue;
		if (!strcmp(key, sk) && prefix_of(v, &e->src) == 0 &&
		    e->src.family == family)
			continue;
		if (!strcmp(key, "protocol") && uint_of(v, 255, &u) == 0) {
			e->proto = (uint8_t)u;
			continue;
		}
		return -1;
	}
	return 0;
}

static int l4_matches(json_t *m, uint8_t proto, struct dots_ace *e)
{
	const char *key;
	json_t *v;

	if (e->proto && e->proto != proto)
		return -1;
	e->proto = proto;
	json_object_foreach(m, key, v) {
		if (!strcmp(key, "destination-port-range-or-operator") &&
		    port_match(v, &e->dport) == 0)
			continue;
		if (!strcmp(key, "source-port-range-or-operator") &&
		    port_match(v, &e->sport) == 0)
			continue;
		return -1;
	}
	return 0;
}

static int ace_of(json_t *a, struct dots_ace *e, char *err, size_t errlen)
{
	json_t *m = json_object_get(a, "matches"), *v;
	const char *name = json_string_value(json_object_get(a, "name"));
	const char *fw = bare(json_string_value(json_object_get(
		json_object_get(a, "actions"), "forwarding")));
	const char *key;

	if (!good_name(name))
		return fail(err, errlen, "an entry needs a name", name);
	strcpy(e->name, name);
	json_object_foreach(m, key, v) {
		int rc = !strcmp(key, "ipv4") ? ip_matches(v, 4, e) :
			 !strcmp(key, "ipv6") ? ip_matches(v, 6, e) :
			 !strcmp(key, "tcp") ? l4_matches(v, 6, e) :
			 !strcmp(key, "udp") ? l4_matches(v, 17, e) : -1;

		if (rc < 0)
			return fail(err, errlen, "matches: only IPv4/IPv6 "
				    "networks and protocol, TCP/UDP ports "
				    "(range, eq, lte, gte) are taken", name);
	}
	if (e->dst.family && e->src.family && e->dst.family != e->src.family)
		return fail(err, errlen, "source and destination of two "
			    "families", name);
	if (!fw || json_object_size(json_object_get(a, "actions")) != 1 ||
	    (strcmp(fw, "drop") && strcmp(fw, "reject") && strcmp(fw, "accept")))
		return fail(err, errlen, "actions: forwarding drop, reject or "
			    "accept only", name);
	e->action = !strcmp(fw, "accept") ? SHIELD_PASS : SHIELD_DROP;
	return 0;
}

static int activation_of(json_t *v, uint8_t *out)
{
	const char *s = bare(json_string_value(v));

	if (!v)
		*out = DOTS_WHEN_MITIGATING; /* the RFC's default */
	else if (s && !strcmp(s, "activate-when-mitigating"))
		*out = DOTS_WHEN_MITIGATING;
	else if (s && !strcmp(s, "immediate"))
		*out = DOTS_IMMEDIATE;
	else if (s && !strcmp(s, "deactivate"))
		*out = DOTS_DEACTIVATE;
	else
		return -1;
	return 0;
}

static int acl_of(json_t *a, struct dots_acl *acl, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(a, "name"));
	json_t *aces = json_object_get(json_object_get(a, "aces"), "ace"), *e;
	size_t i;

	memset(acl, 0, sizeof(*acl));
	if (!good_name(name))
		return fail(err, errlen, "a list needs a name of letters, "
			    "digits, '.', '-', '_'", name);
	strcpy(acl->name, name);
	if (activation_of(json_object_get(a, "activation-type"),
			  &acl->activation) < 0)
		return fail(err, errlen, "activation-type: "
			    "activate-when-mitigating, immediate or deactivate",
			    name);
	if (!json_is_array(aces) || !json_array_size(aces) ||
	    json_array_size(aces) > DOTS_MAX_ACES)
		return fail(err, errlen, "aces: 1 to 8 entries", name);
	json_array_foreach(aces, i, e)
		if (ace_of(e, &acl->ace[acl->nace++], err, errlen) < 0)
			return -1;
	return 0;
}

int dots_parse_acls(json_t *body, struct dots_acl *out, unsigned max,
		    unsigned *n, char *err, size_t errlen)
{
	json_t *list = json_object_get(json_object_get(body,
			"ietf-dots-data-channel:acls"), "acl"), *a;
	size_t i;

	*n = 0;
	if (!json_is_array(list) || !json_array_size(list))
		return fail(err, errlen, "expected {\"ietf-dots-data-channel:"
			    "acls\": {\"acl\": [...]}}", NULL);
	json_array_foreach(list, i, a) {
		if (*n == max)
			return fail(err, errlen, "too many filter lists", NULL);
		if (acl_of(a, &out[*n], err, errlen) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

static json_t *prefix_json(const struct prefix *p)
{
	char text[64];

	prefix_format(p, text, sizeof(text));
	return json_string(text);
}

static json_t *range_json(const struct dots_range *r)
{
	json_t *o = json_object();

	jsonw_set(o, "lower-port", json_integer(r->lo));
	jsonw_set(o, "upper-port", json_integer(r->hi));
	return o;
}

json_t *dots_alias_json(const struct dots_alias *a)
{
	json_t *o = json_object(), *t = json_array(), *p = json_array(),
	       *r = json_array();
	unsigned i;

	jsonw_set(o, "name", jsonw_string(a->name));
	for (i = 0; i < a->scope.ntarget; i++)
		json_array_append_new(t, prefix_json(&a->scope.target[i]));
	for (i = 0; i < a->scope.nport; i++)
		json_array_append_new(r, range_json(&a->scope.port[i]));
	for (i = 0; i < a->scope.nproto; i++)
		json_array_append_new(p, json_integer(a->scope.proto[i]));
	jsonw_set(o, "target-prefix", t);
	jsonw_set(o, "target-port-range", r);
	jsonw_set(o, "target-protocol", p);
	return o;
}

static json_t *ace_json(const struct dots_ace *e)
{
	json_t *o = json_object(), *m = json_object(), *ip = json_object(),
	       *l4 = json_object(), *act = json_object();
	int v6 = e->dst.family == 6 || e->src.family == 6;

	jsonw_set(o, "name", jsonw_string(e->name));
	if (e->dst.family)
		jsonw_set(ip, v6 ? "destination-ipv6-network" :
				   "destination-ipv4-network", prefix_json(&e->dst));
	if (e->src.family)
		jsonw_set(ip, v6 ? "source-ipv6-network" :
				   "source-ipv4-network", prefix_json(&e->src));
	if (e->proto)
		jsonw_set(ip, "protocol", json_integer(e->proto));
	if (e->dport.lo || e->dport.hi)
		jsonw_set(l4, "destination-port-range-or-operator",
			  range_json(&e->dport));
	if (e->sport.lo || e->sport.hi)
		jsonw_set(l4, "source-port-range-or-operator",
			  range_json(&e->sport));
	jsonw_set(m, v6 ? "ipv6" : "ipv4", ip);
	if (e->proto == 6 || e->proto == 17)
		jsonw_set(m, e->proto == 6 ? "tcp" : "udp", l4);
	else
		json_decref(l4);
	jsonw_set(o, "matches", m);
	jsonw_set(act, "forwarding", json_string(e->action == SHIELD_PASS ?
		"ietf-access-control-list:accept" :
		"ietf-access-control-list:drop"));
	jsonw_set(o, "actions", act);
	return o;
}

json_t *dots_acl_json(const struct dots_acl *a)
{
	static const char *const act[] = { "deactivate", "immediate",
					   "activate-when-mitigating" };
	json_t *o = json_object(), *aces = json_object(), *list = json_array();
	unsigned i;

	jsonw_set(o, "name", jsonw_string(a->name));
	jsonw_set(o, "type", json_string(a->nace && (a->ace[0].dst.family == 6 ||
		a->ace[0].src.family == 6) ? "ipv6-acl-type" : "ipv4-acl-type"));
	jsonw_set(o, "activation-type", json_string(act[a->activation % 3]));
	for (i = 0; i < a->nace; i++)
		json_array_append_new(list, ace_json(&a->ace[i]));
	jsonw_set(aces, "ace", list);
	jsonw_set(o, "aces", aces);
	jsonw_set(o, "matched-packets", json_integer((json_int_t)a->pkts));
	return o;
}
