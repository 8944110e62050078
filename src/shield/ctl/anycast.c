/*
 * anycast.c -- see anycast.h.
 */
#include <stdio.h>
#include <string.h>

#include "anycast.h"
#include "common/jsonw.h"

int anycast_line(struct anycast_cfg *c, const char *v, char *err,
		 size_t errlen)
{
	const char *at = strchr(v, '@');
	struct bird_route *r = &c->route[c->n];
	char text[64];
	struct prefix p;
	size_t n = at ? (size_t)(at - v) : 0;

	if (c->n == ANYCAST_MAX_PREFIXES || !n || n >= sizeof(text) ||
	    !at[1] || strlen(at + 1) >= sizeof(r->via) ||
	    strpbrk(at + 1, "\"\\ ")) {
		snprintf(err, errlen, "anycast: PREFIX@IFNAME (at most %u), "
			 "not %.64s", ANYCAST_MAX_PREFIXES, v);
		return -1;
	}
	memcpy(text, v, n);
	text[n] = '\0';
	if (prefix_parse(text, &p) < 0) {
		snprintf(err, errlen, "anycast: not a prefix: %.64s", text);
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->family = (uint8_t)p.family;
	r->len = (uint8_t)(p.family == 4 ? p.v4.prefixlen : p.v6.prefixlen);
	memcpy(r->addr, p.family == 4 ? (const void *)&p.v4.addr :
					(const void *)p.v6.addr,
	       p.family == 4 ? 4 : 16);
	strcpy(r->via, at + 1);
	c->n++;
	return 0;
}

void anycast_init(struct anycast *a, const struct anycast_cfg *cfg,
		  double now)
{
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	a->announced = cfg->n > 0;
	a->changed_at = now;
}

static int change(struct anycast *a, int announce, double now)
{
	a->announced = announce;
	a->changed_at = now;
	a->over_since = a->under_since = 0;
	if (announce)
		a->returns++;
	else
		a->withdrawals++;
	printf("vigil-shield: anycast: %s (%llu packets/s, capacity %llu)\n",
	       announce ? "announced again, cooled down" :
			  "withdrawn, over capacity",
	       (unsigned long long)a->pps,
	       (unsigned long long)a->cfg.capacity_pps);
	fflush(stdout);
	return 1;
}

int anycast_tick(struct anycast *a, uint64_t packets, double now)
{
	uint64_t cap = a->cfg.capacity_pps;

	if (!a->cfg.n)
		return 0;
	if (a->last_t && now > a->last_t && packets >= a->last_pkts) {
		a->pps = (uint64_t)((double)(packets - a->last_pkts) /
				    (now - a->last_t));
		if (a->announced)
			a->carried += packets - a->last_pkts;
	}
	a->last_t = now;
	a->last_pkts = packets;
	if (a->pps > a->peak_pps)
		a->peak_pps = a->pps;
	if (!cap)
		return 0;
	if (a->announced) {
		if (a->pps <= cap)
			a->over_since = 0;
		else if (!a->over_since)
			a->over_since = now;
		return a->over_since && now - a->over_since >= ANYCAST_OVER_S ?
			change(a, 0, now) : 0;
	}
	if (a->pps * 2 > cap)
		a->under_since = 0;
	else if (!a->under_since)
		a->under_since = now;
	return a->under_since && now - a->under_since >= a->cfg.cool_s ?
		change(a, 1, now) : 0;
}

unsigned anycast_routes(const struct anycast *a, struct bird_route *out,
			unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; a->announced && i < a->cfg.n && n < max; i++)
		out[n++] = a->cfg.route[i];
	return n;
}

json_t *anycast_json(const struct anycast *a)
{
	json_t *o, *list;
	char text[64];
	unsigned i;

	if (!a->cfg.n)
		return json_null();
	o = json_object();
	list = json_array();
	for (i = 0; i < a->cfg.n; i++) {
		const struct bird_route *r = &a->cfg.route[i];
		struct prefix p = { .family = r->family };

		memcpy(r->family == 4 ? (void *)&p.v4.addr : (void *)p.v6.addr,
		       r->addr, r->family == 4 ? 4 : 16);
		p.v4.prefixlen = p.v6.prefixlen = r->len;
		prefix_format(&p, text, sizeof(text));
		json_array_append_new(list, json_string(text));
	}
	jsonw_set(o, "prefixes", list);
	jsonw_set(o, "announced", json_boolean(a->announced));
	jsonw_set(o, "capacity_pps", json_integer((json_int_t)a->cfg.capacity_pps));
	jsonw_set(o, "pps", json_integer((json_int_t)a->pps));
	jsonw_set(o, "peak_pps", json_integer((json_int_t)a->peak_pps));
	jsonw_set(o, "carried", json_integer((json_int_t)a->carried));
	jsonw_set(o, "withdrawals", json_integer(a->withdrawals));
	jsonw_set(o, "returns", json_integer(a->returns));
	jsonw_set(o, "since", json_real(a->changed_at));
	return o;
}
