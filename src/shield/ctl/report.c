/*
 * report.c -- see report.h: the JSON attack records, built with jansson
 * (common/jsonw.h: AS names and other peer-given text are kept valid
 * UTF-8).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/jsonw.h"
#include "report.h"

#define SPOOF_MIN_SAMPLES 50	/* below this, no verdict on spoofing */

void iso_time(double t, char *out, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;
	int ms = (int)((t - (double)s) * 1000);

	gmtime_r(&s, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ms < 0 ? 0 : ms > 999 ? 999 : ms);
}

void addr_text(uint8_t family, const uint8_t *addr, char *out, size_t len)
{
	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, out, (socklen_t)len);
}

const char *amp_service(uint16_t sport)
{
	static const struct {
		uint16_t port;
		const char *name;
	} amp[] = {
		{ 19, "chargen" }, { 53, "dns" }, { 123, "ntp" },
		{ 161, "snmp" }, { 389, "cldap" }, { 1900, "ssdp" },
		{ 3702, "ws-discovery" }, { 11211, "memcached" },
	};
	size_t i;

	for (i = 0; i < sizeof(amp) / sizeof(amp[0]); i++)
		if (amp[i].port == sport)
			return amp[i].name;
	return NULL;
}

const char *attack_kind(const struct attack *a)
{
	if (attack_on_prefix(a))
		return "carpet-bombing";
	if (a->vectors & (1u << V_SYN))
		return "syn-flood";
	if (a->vectors & ((1u << V_UDP) | (1u << V_UDP_BPS)))
		return a->sig_sport && amp_service(a->sig_sport) ?
			       "udp-amplification" : "udp-flood";
	if (a->vectors & (1u << V_TCP))
		return "tcp-flood";
	if (a->vectors & (1u << V_ICMP))
		return "icmp-flood";
	if (a->vectors & ((1u << V_PPS) | (1u << V_BPS)))
		return a->sig_proto == IPPROTO_UDP && amp_service(a->sig_sport) ?
			       "udp-amplification" : "volumetric";
	return "anomaly";
}

/* A share (0..1) at three decimals, rounded as printf rounds. */
static json_t *share(uint64_t part, uint64_t whole)
{
	char text[32];

	snprintf(text, sizeof(text), "%.3f",
		 whole ? (double)part / (double)whole : 0);
	return json_real(strtod(text, NULL));
}

json_t *vectors_json(uint32_t vectors)
{
	json_t *a = json_array();
	unsigned v;

	for (v = 0; v < V_COUNT; v++)
		if (vectors & (1u << v))
			json_array_append_new(a, json_string(vector_names[v]));
	return a;
}

/* Many distinct sources, each seen rarely, or mostly bogons: spoofed. */
static int spoofed_likely(const struct attack *a, double bogon_share)
{
	if (a->src.total < SPOOF_MIN_SAMPLES)
		return 0;
	return a->src.evictions * 2 > a->src.total || bogon_share >= 0.5;
}

static json_t *source_json(const struct attack *a,
			   const struct topk_entry *e, struct geo *g)
{
	struct geo_info gi;
	char addr[INET6_ADDRSTRLEN];
	int bogon = addr_bogon(e->key[0], e->key + 1);
	int amp = !strcmp(attack_kind(a), "udp-amplification");
	json_t *o = json_object();

	addr_text(e->key[0], e->key + 1, addr, sizeof(addr));
	jsonw_set(o, "address", json_string(addr));
	jsonw_set(o, "sampled", json_integer((json_int_t)e->count));
	jsonw_set(o, "share", share(e->count, a->src.total));
	jsonw_set(o, "bogon", json_boolean(bogon));
	jsonw_set(o, "role", json_string(bogon ? "spoofed" : amp ? "reflector" :
							     "source"));
	if (!bogon && geo_lookup(g, e->key[0], e->key + 1, &gi) == 0) {
		jsonw_set(o, "asn", json_integer(gi.asn));
		jsonw_set(o, "as_name", jsonw_string(gi.as_name));
		jsonw_set(o, "country", jsonw_string(gi.country));
		jsonw_set(o, "anycast", json_boolean(gi.anycast));
		jsonw_set(o, "drop_listed", json_boolean(gi.drop_listed));
	}
	return o;
}

static json_t *sources_json(const struct attack *a, struct geo *g)
{
	struct topk_entry e[TOPK_SLOTS];
	unsigned n = topk_sorted(&a->src, e), i;
	uint64_t bogon = 0;
	json_t *o = json_object(), *top = json_array();

	for (i = 0; i < n; i++)
		if (addr_bogon(e[i].key[0], e[i].key + 1))
			bogon += e[i].count;
	jsonw_set(o, "sampled", json_integer((json_int_t)a->src.total));
	jsonw_set(o, "distinct_more_than_tracked",
		  json_boolean(a->src.evictions));
	jsonw_set(o, "spoofed_likely",
		  json_boolean(spoofed_likely(a, a->src.total ?
						 (double)bogon /
							 (double)a->src.total :
						 0)));
	for (i = 0; i < n; i++)
		json_array_append_new(top, source_json(a, &e[i], g));
	jsonw_set(o, "top", top);
	return o;
}

/* The five most frequent values of t (ports, lengths: 16 bits; protocols:
 * 8), with their shares. */
static json_t *values_json(const struct topk *t, int bytes)
{
	struct topk_entry e[TOPK_SLOTS];
	unsigned n = topk_sorted(t, e), i;
	json_t *a = json_array(), *o;
	uint16_t v;

	for (i = 0; i < n && i < 5; i++) {
		memcpy(&v, e[i].key, 2);
		o = json_object();
		jsonw_set(o, "value", json_integer(bytes == 1 ? e[i].key[0] : v));
		jsonw_set(o, "share", share(e[i].count, t->total));
		json_array_append_new(a, o);
	}
	return a;
}

static void action_json(json_t *a, const char *what, double t)
{
	char when[40];
	json_t *o;

	if (!t)
		return;
	iso_time(t, when, sizeof(when));
	o = json_object();
	jsonw_set(o, "action", json_string(what));
	jsonw_set(o, "at", json_string(when));
	json_array_append_new(a, o);
}

static void peaks_json(json_t *o, const struct attack *a)
{
	json_t *p = json_object();
	unsigned v;

	for (v = 0; v < V_COUNT; v++)
		if (v != V_BASELINE)
			jsonw_set(p, vector_names[v],
				  json_integer((json_int_t)a->peak[v]));
	jsonw_set(o, "peak", p);
	jsonw_set(o, "baseline_pps", json_integer((json_int_t)a->baseline_pps));
}

static json_t *signature_json(const struct attack *a)
{
	json_t *o = json_object();
	const char *svc = amp_service(a->sig_sport);

	jsonw_set(o, "source_port", json_integer(a->sig_sport));
	jsonw_set(o, "destination_port", json_integer(a->sig_dport));
	jsonw_set(o, "service", svc ? json_string(svc) : json_null());
	return o;
}

static json_t *attack_json(const struct attack *a, struct geo *g)
{
	char dst[INET6_ADDRSTRLEN + 4], start[40], end[40];
	json_t *o = json_object(), *acts = json_array();

	attack_target(a, dst, sizeof(dst));
	iso_time(a->start, start, sizeof(start));
	iso_time(a->end, end, sizeof(end));
	jsonw_set(o, "id", json_integer(a->id));
	jsonw_set(o, "destination", json_string(dst));
	jsonw_set(o, "scope", json_string(attack_on_prefix(a) ? "prefix" :
								"host"));
	jsonw_set(o, "state", json_string(a->active ? "active" : "ended"));
	jsonw_set(o, "kind", json_string(attack_kind(a)));
	jsonw_set(o, "start", json_string(start));
	jsonw_set(o, "end", a->active ? json_null() : json_string(end));
	jsonw_set(o, "vectors", vectors_json(a->vectors));
	peaks_json(o, a);
	jsonw_set(o, "signature", signature_json(a));
	jsonw_set(o, "sources", sources_json(a, g));
	jsonw_set(o, "source_ports", values_json(&a->sport, 2));
	jsonw_set(o, "destination_ports", values_json(&a->dport, 2));
	jsonw_set(o, "lengths", values_json(&a->len, 2));
	jsonw_set(o, "protocols", values_json(&a->proto, 1));
	action_json(acts, "local-rule", a->t_rule);
	action_json(acts, "flowspec", a->t_flowspec);
	action_json(acts, "rtbh", a->t_rtbh);
	action_json(acts, "withdrawn", a->t_withdrawn);
	jsonw_set(o, "actions", acts);
	return o;
}

void report_json(FILE *out, const struct detector *d, struct geo *g)
{
	json_t *o = json_object(), *a = json_array();
	unsigned i;

	jsonw_set(o, "format", json_string("vigil-shield-attacks/1"));
	jsonw_set(o, "sample_every", json_integer(d->cfg.sample_every));
	for (i = 0; i < d->nattacks; i++)
		json_array_append_new(a, attack_json(&d->attacks[i], g));
	jsonw_set(o, "attacks", a);
	jsonw_print(out, o);
}

json_t *report_brief(const struct detector *d)
{
	char dst[INET6_ADDRSTRLEN + 4];
	json_t *a = json_array(), *o;
	unsigned i;

	for (i = 0; i < d->nattacks; i++) {
		const struct attack *t = &d->attacks[i];

		attack_target(t, dst, sizeof(dst));
		o = json_object();
		jsonw_set(o, "id", json_integer(t->id));
		jsonw_set(o, "destination", json_string(dst));
		jsonw_set(o, "kind", json_string(attack_kind(t)));
		jsonw_set(o, "vectors", vectors_json(t->vectors));
		jsonw_set(o, "state", json_string(t->active ? "active" :
							      "ended"));
		jsonw_set(o, "peak_pps", json_integer((json_int_t)t->peak[V_PPS]));
		jsonw_set(o, "start", json_integer((json_int_t)(t->start + 0.5)));
		jsonw_set(o, "end", json_integer((json_int_t)(t->end + 0.5)));
		jsonw_set(o, "flowspec", json_boolean(t->t_flowspec));
		jsonw_set(o, "rtbh", json_boolean(t->t_rtbh));
		json_array_append_new(a, o);
	}
	return a;
}
