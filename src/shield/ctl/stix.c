/*
 * stix.c -- see report.h: attacks as a STIX 2.1 bundle. Per attack an
 * indicator (a pattern for the vector), an observed-data with the
 * network-traffic and address objects it saw (sources carry x_vigil_
 * properties: role, bogon, AS, country), and a sighting by the identity
 * "vigil-shield". Cyber-observable identifiers are UUIDv5 over their
 * contributing properties in the namespace STIX 2.1 gives for them;
 * the others are UUIDv5 over the attack's destination and start in a
 * namespace of our own.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"
#include "common/textbuf.h"
#include "report.h"

#define STIX_SCO_NS "00abedb4-aa42-466c-9c01-fed23315a9b7"
#define VIGIL_NS "5b7e0c1c-8d1e-4c2e-9a59-3f1a2b7c9d10"
#define ID_MAX 96

static void uuid5(const char *ns, const char *name, char *out)
{
	uint8_t nsb[16], h[EVP_MAX_MD_SIZE];
	unsigned i, j, hl = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	for (i = 0, j = 0; ns[i] && j < 16; i++)
		if (ns[i] != '-') {
			sscanf(ns + i, "%2hhx", &nsb[j++]);
			i++;
		}
	if (!c || !EVP_DigestInit_ex(c, EVP_sha1(), NULL) ||
	    !EVP_DigestUpdate(c, nsb, 16) ||
	    !EVP_DigestUpdate(c, name, strlen(name)) ||
	    !EVP_DigestFinal_ex(c, h, &hl))
		memset(h, 0, sizeof(h));
	EVP_MD_CTX_free(c);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	for (i = 0, j = 0; i < 16; i++)
		j += (unsigned)sprintf(out + j, "%s%02x",
				       i == 4 || i == 6 || i == 8 || i == 10 ?
					       "-" : "", h[i]);
}

static void sco_id(const char *type, const char *props, char *out)
{
	int n = snprintf(out, ID_MAX, "%s--", type);

	uuid5(STIX_SCO_NS, props, out + n);
}

static void sdo_id(const char *type, const struct attack *a, char *out)
{
	char name[160], dst[INET6_ADDRSTRLEN + 4];
	int n = snprintf(out, ID_MAX, "%s--", type);

	attack_target(a, dst, sizeof(dst));
	snprintf(name, sizeof(name), "%s/%s/%.3f", type, dst, a->start);
	uuid5(VIGIL_NS, name, out + n);
}

/* The JCS (RFC 8785) form of a cyber-observable's contributing
 * properties, the input of its UUIDv5: keys sorted, no spaces. They are
 * ASCII here, where JCS's order is jansson's. Takes props. */
static void sco_id_of(const char *type, json_t *props, char *out)
{
	char *text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);

	sco_id(type, text ? text : "", out);
	free(text);
	json_decref(props);
}

static void addr_id(uint8_t family, const char *addr, char *out)
{
	json_t *props = json_object();

	jsonw_set(props, "value", json_string(addr));
	sco_id_of(family == 4 ? "ipv4-addr" : "ipv6-addr", props, out);
}

static const char *proto_name(const struct attack *a)
{
	if (a->sig_proto == IPPROTO_TCP)
		return "tcp";
	if (a->sig_proto == IPPROTO_UDP)
		return "udp";
	if (a->vectors & ((1u << V_SYN) | (1u << V_TCP)))
		return "tcp";
	if (a->vectors & ((1u << V_UDP) | (1u << V_UDP_BPS)))
		return "udp";
	if (a->vectors & (1u << V_ICMP))
		return a->family == 4 ? "icmp" : "ipv6-icmp";
	return NULL;
}

#define EMITTED_MAX (DETECT_MAX_ATTACKS * (TOPK_SLOTS + 2))

struct stix_ids {
	char emitted[EMITTED_MAX][ID_MAX]; /* observables written already */
	unsigned nemitted;
	char identity[ID_MAX], indicator[ID_MAX], observed[ID_MAX];
	char sighting[ID_MAX];
	char target[ID_MAX], traffic[ID_MAX], src[TOPK_SLOTS][ID_MAX];
	unsigned nsrc;
};

/* 1 the first time an observable's id comes up in the bundle. */
static int first_time(struct stix_ids *ids, const char *id)
{
	unsigned i;

	for (i = 0; i < ids->nemitted; i++)
		if (!strcmp(ids->emitted[i], id))
			return 0;
	if (ids->nemitted < EMITTED_MAX)
		snprintf(ids->emitted[ids->nemitted++], ID_MAX, "%s", id);
	return 1;
}

/* A new object with the properties every STIX 2.1 object has. */
static json_t *stix_object(const char *type, const char *id)
{
	json_t *o = json_object();

	jsonw_set(o, "type", json_string(type));
	jsonw_set(o, "spec_version", json_string("2.1"));
	jsonw_set(o, "id", json_string(id));
	return o;
}

static json_t *protocols(const struct attack *a)
{
	json_t *p = json_array();
	const char *name = proto_name(a);

	json_array_append_new(p, json_string(a->family == 4 ? "ipv4" : "ipv6"));
	if (name)
		json_array_append_new(p, json_string(name));
	return p;
}

/* The network-traffic object: its id (over the properties present), and
 * the object itself, once per bundle. */
static void traffic(json_t *objs, const struct attack *a, const char *dst_id,
		    char *id, struct stix_ids *ids)
{
	json_t *props = json_object(), *o;

	jsonw_set(props, "dst_ref", json_string(dst_id));
	jsonw_set(props, "protocols", protocols(a));
	if (a->sig_dport)
		jsonw_set(props, "dst_port", json_integer(a->sig_dport));
	if (a->sig_sport)
		jsonw_set(props, "src_port", json_integer(a->sig_sport));
	sco_id_of("network-traffic", props, id);
	if (!first_time(ids, id))
		return;
	o = stix_object("network-traffic", id);
	jsonw_set(o, "dst_ref", json_string(dst_id));
	jsonw_set(o, "protocols", protocols(a));
	if (a->sig_sport)
		jsonw_set(o, "src_port", json_integer(a->sig_sport));
	if (a->sig_dport)
		jsonw_set(o, "dst_port", json_integer(a->sig_dport));
	json_array_append_new(objs, o);
}

static void source(json_t *objs, const struct attack *a,
		   const struct topk_entry *e, struct geo *g, char *id,
		   struct stix_ids *ids)
{
	char addr[INET6_ADDRSTRLEN];
	struct geo_info gi;
	int bogon = addr_bogon(e->key[0], e->key + 1);
	json_t *o;

	addr_text(e->key[0], e->key + 1, addr, sizeof(addr));
	addr_id(e->key[0], addr, id);
	if (!first_time(ids, id))
		return;
	o = stix_object(e->key[0] == 4 ? "ipv4-addr" : "ipv6-addr", id);
	jsonw_set(o, "value", json_string(addr));
	jsonw_set(o, "x_vigil_role", json_string(
		bogon ? "spoofed" :
		!strcmp(attack_kind(a), "udp-amplification") ? "reflector" :
							       "source"));
	jsonw_set(o, "x_vigil_bogon", json_boolean(bogon));
	if (!bogon && geo_lookup(g, e->key[0], e->key + 1, &gi) == 0) {
		jsonw_set(o, "x_vigil_asn", json_integer(gi.asn));
		jsonw_set(o, "x_vigil_as_name", jsonw_string(gi.as_name));
		jsonw_set(o, "x_vigil_country", jsonw_string(gi.country));
	}
	json_array_append_new(objs, o);
}

static json_t *pattern(const struct attack *a, const char *dst)
{
	const char *p = proto_name(a);
	char text[512];
	struct textbuf t;

	textbuf_init(&t, text, sizeof(text));
	textbuf_printf(&t, "[network-traffic:dst_ref.value %s '%s'",
		       attack_on_prefix(a) ? "ISSUBSET" : "=", dst);
	if (p)
		textbuf_printf(&t, " AND network-traffic:protocols[*] = '%s'",
			       p);
	if (a->sig_sport)
		textbuf_printf(&t, " AND network-traffic:src_port = %u",
			       a->sig_sport);
	if (a->sig_dport)
		textbuf_printf(&t, " AND network-traffic:dst_port = %u",
			       a->sig_dport);
	textbuf_printf(&t, "]");
	return json_string(text);
}

static void observables(json_t *objs, const struct attack *a, struct geo *g,
			struct stix_ids *ids)
{
	struct topk_entry e[TOPK_SLOTS];
	char dst[INET6_ADDRSTRLEN + 4];
	unsigned i;
	json_t *o;

	attack_target(a, dst, sizeof(dst));
	addr_id(a->family, dst, ids->target);
	if (first_time(ids, ids->target)) {
		o = stix_object(a->family == 4 ? "ipv4-addr" : "ipv6-addr",
				ids->target);
		jsonw_set(o, "value", json_string(dst));
		jsonw_set(o, "x_vigil_role", json_string("target"));
		json_array_append_new(objs, o);
	}
	traffic(objs, a, ids->target, ids->traffic, ids);
	ids->nsrc = topk_sorted(&a->src, e);
	for (i = 0; i < ids->nsrc; i++)
		source(objs, a, &e[i], g, ids->src[i], ids);
}

/* A domain object: the common properties and who made it, when. */
static json_t *sdo(const char *type, const char *id,
		   const struct stix_ids *ids, const char *created,
		   const char *modified)
{
	json_t *o = stix_object(type, id);

	jsonw_set(o, "created_by_ref", json_string(ids->identity));
	jsonw_set(o, "created", json_string(created));
	jsonw_set(o, "modified", json_string(modified));
	return o;
}

static json_t *indicator(const struct attack *a, const struct stix_ids *ids,
			 const char *dst, const char *first, const char *last)
{
	json_t *o = sdo("indicator", ids->indicator, ids, first, last);
	json_t *types = json_array();
	char name[128];

	snprintf(name, sizeof(name), "%s towards %s", attack_kind(a), dst);
	json_array_append_new(types, json_string("malicious-activity"));
	jsonw_set(o, "name", json_string(name));
	jsonw_set(o, "indicator_types", types);
	jsonw_set(o, "pattern_type", json_string("stix"));
	jsonw_set(o, "pattern", pattern(a, dst));
	jsonw_set(o, "valid_from", json_string(first));
	jsonw_set(o, "x_vigil_peak_pps", json_integer((json_int_t)a->peak[V_PPS]));
	jsonw_set(o, "x_vigil_peak_bps", json_integer((json_int_t)a->peak[V_BPS]));
	return o;
}

static json_t *observed(const struct attack *a, const struct stix_ids *ids,
			const char *first, const char *last)
{
	json_t *o = sdo("observed-data", ids->observed, ids, first, last);
	json_t *refs = json_array();
	uint64_t seen = a->src.total; /* sampled packets */
	unsigned i;

	jsonw_set(o, "first_observed", json_string(first));
	jsonw_set(o, "last_observed", json_string(last));
	jsonw_set(o, "number_observed",
		  json_integer(seen < 1 ? 1 : seen > 999999999 ? 999999999 :
								 (json_int_t)seen));
	json_array_append_new(refs, json_string(ids->traffic));
	json_array_append_new(refs, json_string(ids->target));
	for (i = 0; i < ids->nsrc; i++)
		json_array_append_new(refs, json_string(ids->src[i]));
	jsonw_set(o, "object_refs", refs);
	return o;
}

static json_t *sighting(const struct stix_ids *ids, const char *first,
			const char *last)
{
	json_t *o = sdo("sighting", ids->sighting, ids, first, last);
	json_t *obs = json_array(), *where = json_array();

	jsonw_set(o, "first_seen", json_string(first));
	jsonw_set(o, "last_seen", json_string(last));
	jsonw_set(o, "count", json_integer(1));
	jsonw_set(o, "sighting_of_ref", json_string(ids->indicator));
	json_array_append_new(obs, json_string(ids->observed));
	json_array_append_new(where, json_string(ids->identity));
	jsonw_set(o, "observed_data_refs", obs);
	jsonw_set(o, "where_sighted_refs", where);
	return o;
}

static void attack_stix(json_t *objs, const struct attack *a, struct geo *g,
			struct stix_ids *ids)
{
	char dst[INET6_ADDRSTRLEN + 4], first[40], last[40];

	attack_target(a, dst, sizeof(dst));
	iso_time(a->start, first, sizeof(first));
	iso_time(a->last_over > a->start ? a->last_over : a->start, last,
		 sizeof(last));
	sdo_id("indicator", a, ids->indicator);
	sdo_id("observed-data", a, ids->observed);
	sdo_id("sighting", a, ids->sighting);
	observables(objs, a, g, ids);
	json_array_append_new(objs, indicator(a, ids, dst, first, last));
	json_array_append_new(objs, observed(a, ids, first, last));
	json_array_append_new(objs, sighting(ids, first, last));
}

void report_stix(FILE *out, const struct detector *d, struct geo *g)
{
	static struct stix_ids ids;
	char created[40], bundle[ID_MAX + 40], name[64];
	double t0 = d->nattacks ? d->attacks[0].start : 0;
	json_t *doc = json_object(), *objs = json_array(), *me;
	unsigned i;
	int n;

	iso_time(t0, created, sizeof(created));
	ids.nemitted = 0;
	n = snprintf(ids.identity, ID_MAX, "identity--");
	uuid5(VIGIL_NS, "identity/vigil-shield", ids.identity + n);
	n = snprintf(bundle, sizeof(bundle), "bundle--");
	snprintf(name, sizeof(name), "bundle/%.3f/%u", t0, d->nattacks);
	uuid5(VIGIL_NS, name, bundle + n);
	me = stix_object("identity", ids.identity);
	jsonw_set(me, "created", json_string(created));
	jsonw_set(me, "modified", json_string(created));
	jsonw_set(me, "name", json_string("vigil-shield"));
	jsonw_set(me, "identity_class", json_string("system"));
	json_array_append_new(objs, me);
	for (i = 0; i < d->nattacks; i++)
		attack_stix(objs, &d->attacks[i], g, &ids);
	jsonw_set(doc, "type", json_string("bundle"));
	jsonw_set(doc, "id", json_string(bundle));
	jsonw_set(doc, "objects", objs);
	jsonw_print(out, doc);
}
