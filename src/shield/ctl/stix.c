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
#include <string.h>

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

static void addr_id(uint8_t family, const char *addr, char *out)
{
	char props[80];

	snprintf(props, sizeof(props), "{\"value\":\"%s\"}", addr);
	sco_id(family == 4 ? "ipv4-addr" : "ipv6-addr", props, out);
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

/* The network-traffic object: its id, and the object itself. Its id
 * hashes the properties present, keys in JCS (RFC 8785) order. */
static void traffic(FILE *out, const struct attack *a, const char *dst_id,
		    char *id, struct stix_ids *ids)
{
	char props[512], dport[32] = "", sport[32] = "", protos[40];
	const char *p = proto_name(a);

	if (a->sig_dport)
		snprintf(dport, sizeof(dport), ",\"dst_port\":%u", a->sig_dport);
	if (a->sig_sport)
		snprintf(sport, sizeof(sport), ",\"src_port\":%u", a->sig_sport);
	snprintf(protos, sizeof(protos), "[\"ipv%d\"%s%s%s]",
		 a->family == 4 ? 4 : 6, p ? ",\"" : "", p ? p : "", p ? "\"" : "");
	snprintf(props, sizeof(props), "{%s%s\"dst_ref\":\"%s\",\"protocols\":"
		 "%s%s}", dport + (dport[0] ? 1 : 0), dport[0] ? "," : "",
		 dst_id, protos, sport);
	sco_id("network-traffic", props, id);
	if (!first_time(ids, id))
		return;
	fprintf(out, ",\n{\"type\":\"network-traffic\",\"spec_version\":\"2.1\","
		"\"id\":\"%s\",\"dst_ref\":\"%s\",\"protocols\":%s%s%s}", id,
		dst_id, protos, sport, dport);
}

static void source(FILE *out, const struct attack *a,
		   const struct topk_entry *e, struct geo *g, char *id,
		   struct stix_ids *ids)
{
	char addr[INET6_ADDRSTRLEN];
	struct geo_info gi;
	int bogon = addr_bogon(e->key[0], e->key + 1);

	addr_text(e->key[0], e->key + 1, addr, sizeof(addr));
	addr_id(e->key[0], addr, id);
	if (!first_time(ids, id))
		return;
	fprintf(out, ",\n{\"type\":\"ipv%d-addr\",\"spec_version\":\"2.1\","
		"\"id\":\"%s\",\"value\":\"%s\",\"x_vigil_role\":\"%s\","
		"\"x_vigil_bogon\":%s", e->key[0] == 4 ? 4 : 6, id, addr,
		bogon ? "spoofed" :
		!strcmp(attack_kind(a), "udp-amplification") ? "reflector" :
							       "source",
		bogon ? "true" : "false");
	if (!bogon && geo_lookup(g, e->key[0], e->key + 1, &gi) == 0) {
		fprintf(out, ",\"x_vigil_asn\":%u,\"x_vigil_as_name\":", gi.asn);
		json_string(out, gi.as_name);
		fprintf(out, ",\"x_vigil_country\":\"%s\"", gi.country);
	}
	fputc('}', out);
}

static void pattern(FILE *out, const struct attack *a, const char *dst)
{
	const char *p = proto_name(a);

	fprintf(out, "\"[network-traffic:dst_ref.value %s '%s'",
		attack_on_prefix(a) ? "ISSUBSET" : "=", dst);
	if (p)
		fprintf(out, " AND network-traffic:protocols[*] = '%s'", p);
	if (a->sig_sport)
		fprintf(out, " AND network-traffic:src_port = %u", a->sig_sport);
	if (a->sig_dport)
		fprintf(out, " AND network-traffic:dst_port = %u", a->sig_dport);
	fputs("]\"", out);
}

static void observables(FILE *out, const struct attack *a, struct geo *g,
			struct stix_ids *ids)
{
	struct topk_entry e[TOPK_SLOTS];
	char dst[INET6_ADDRSTRLEN + 4];
	unsigned i;

	attack_target(a, dst, sizeof(dst));
	addr_id(a->family, dst, ids->target);
	if (first_time(ids, ids->target))
		fprintf(out, ",\n{\"type\":\"ipv%d-addr\",\"spec_version\":"
			"\"2.1\",\"id\":\"%s\",\"value\":\"%s\",\"x_vigil_role\":"
			"\"target\"}", a->family == 4 ? 4 : 6, ids->target, dst);
	traffic(out, a, ids->target, ids->traffic, ids);
	ids->nsrc = topk_sorted(&a->src, e);
	for (i = 0; i < ids->nsrc; i++)
		source(out, a, &e[i], g, ids->src[i], ids);
}

static void sdo_head(FILE *out, const char *type, const char *id,
		     const struct stix_ids *ids, const char *created,
		     const char *modified)
{
	fprintf(out, ",\n{\"type\":\"%s\",\"spec_version\":\"2.1\",\"id\":\"%s\","
		"\"created_by_ref\":\"%s\",\"created\":\"%s\",\"modified\":\"%s\"",
		type, id, ids->identity, created, modified);
}

static void attack_stix(FILE *out, const struct attack *a, struct geo *g,
			struct stix_ids *ids)
{
	char dst[INET6_ADDRSTRLEN + 4], first[40], last[40];
	uint64_t seen = a->src.total; /* sampled packets */
	unsigned i;

	attack_target(a, dst, sizeof(dst));
	iso_time(a->start, first, sizeof(first));
	iso_time(a->last_over > a->start ? a->last_over : a->start, last,
		 sizeof(last));
	sdo_id("indicator", a, ids->indicator);
	sdo_id("observed-data", a, ids->observed);
	observables(out, a, g, ids);
	sdo_head(out, "indicator", ids->indicator, ids, first, last);
	fprintf(out, ",\"name\":\"%s towards %s\",\"indicator_types\":"
		"[\"malicious-activity\"],\"pattern_type\":\"stix\","
		"\"pattern\":", attack_kind(a), dst);
	pattern(out, a, dst);
	fprintf(out, ",\"valid_from\":\"%s\",\"x_vigil_peak_pps\":%llu,"
		"\"x_vigil_peak_bps\":%llu}", first,
		(unsigned long long)a->peak[V_PPS],
		(unsigned long long)a->peak[V_BPS]);
	sdo_head(out, "observed-data", ids->observed, ids, first, last);
	fprintf(out, ",\"first_observed\":\"%s\",\"last_observed\":\"%s\","
		"\"number_observed\":%llu,\"object_refs\":[\"%s\",\"%s\"", first,
		last, (unsigned long long)(seen < 1 ? 1 : seen > 999999999 ?
					   999999999 : seen),
		ids->traffic, ids->target);
	for (i = 0; i < ids->nsrc; i++)
		fprintf(out, ",\"%s\"", ids->src[i]);
	fputs("]}", out);
	sdo_id("sighting", a, ids->sighting);
	fprintf(out, ",\n{\"type\":\"sighting\",\"spec_version\":\"2.1\","
		"\"id\":\"%s\",\"created_by_ref\":\"%s\",\"created\":\"%s\","
		"\"modified\":\"%s\",\"first_seen\":\"%s\",\"last_seen\":\"%s\","
		"\"count\":1,\"sighting_of_ref\":\"%s\",\"observed_data_refs\":[",
		ids->sighting, ids->identity, first, last, first, last,
		ids->indicator);
	fprintf(out, "\"%s\"],\"where_sighted_refs\":[\"%s\"]}", ids->observed,
		ids->identity);
}

void report_stix(FILE *out, const struct detector *d, struct geo *g)
{
	static struct stix_ids ids;
	char created[40], bundle[ID_MAX + 40], name[64];
	double t0 = d->nattacks ? d->attacks[0].start : 0;
	unsigned i;
	int n;

	iso_time(t0, created, sizeof(created));
	ids.nemitted = 0;
	n = snprintf(ids.identity, ID_MAX, "identity--");
	uuid5(VIGIL_NS, "identity/vigil-shield", ids.identity + n);
	n = snprintf(bundle, sizeof(bundle), "bundle--");
	snprintf(name, sizeof(name), "bundle/%.3f/%u", t0, d->nattacks);
	uuid5(VIGIL_NS, name, bundle + n);
	fprintf(out, "{\"type\":\"bundle\",\"id\":\"%s\",\"objects\":[\n"
		"{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"%s\","
		"\"created\":\"%s\",\"modified\":\"%s\",\"name\":\"vigil-shield\","
		"\"identity_class\":\"system\"}", bundle, ids.identity, created,
		created);
	for (i = 0; i < d->nattacks; i++)
		attack_stix(out, &d->attacks[i], g, &ids);
	fputs("\n]}\n", out);
}
