/*
 * report.c -- see report.h: the JSON attack records.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "report.h"

#define SPOOF_MIN_SAMPLES 50	/* below this, no verdict on spoofing */

void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

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

void vectors_json(FILE *out, uint32_t vectors)
{
	unsigned v, first = 1;

	fputc('[', out);
	for (v = 0; v < V_COUNT; v++)
		if (vectors & (1u << v)) {
			fprintf(out, "%s\"%s\"", first ? "" : ",", vector_names[v]);
			first = 0;
		}
	fputc(']', out);
}

/* Many distinct sources, each seen rarely, or mostly bogons: spoofed. */
static int spoofed_likely(const struct attack *a, double bogon_share)
{
	if (a->src.total < SPOOF_MIN_SAMPLES)
		return 0;
	return a->src.evictions * 2 > a->src.total || bogon_share >= 0.5;
}

static void source_json(FILE *out, const struct attack *a,
			const struct topk_entry *e, struct geo *g)
{
	struct geo_info gi;
	char addr[INET6_ADDRSTRLEN];
	int bogon = addr_bogon(e->key[0], e->key + 1);
	int amp = !strcmp(attack_kind(a), "udp-amplification");

	addr_text(e->key[0], e->key + 1, addr, sizeof(addr));
	fprintf(out, "{\"address\":\"%s\",\"sampled\":%llu,\"share\":%.3f,"
		"\"bogon\":%s,\"role\":\"%s\"", addr,
		(unsigned long long)e->count,
		(double)e->count / (double)a->src.total, bogon ? "true" : "false",
		bogon ? "spoofed" : amp ? "reflector" : "source");
	if (!bogon && geo_lookup(g, e->key[0], e->key + 1, &gi) == 0) {
		fprintf(out, ",\"asn\":%u,\"as_name\":", gi.asn);
		json_string(out, gi.as_name);
		fprintf(out, ",\"country\":\"%s\",\"anycast\":%s,"
			"\"drop_listed\":%s", gi.country,
			gi.anycast ? "true" : "false",
			gi.drop_listed ? "true" : "false");
	}
	fputc('}', out);
}

static void sources_json(FILE *out, const struct attack *a, struct geo *g)
{
	struct topk_entry e[TOPK_SLOTS];
	unsigned n = topk_sorted(&a->src, e), i;
	uint64_t bogon = 0;

	for (i = 0; i < n; i++)
		if (addr_bogon(e[i].key[0], e[i].key + 1))
			bogon += e[i].count;
	fprintf(out, "\"sources\":{\"sampled\":%llu,\"distinct_more_than_tracked\""
		":%s,\"spoofed_likely\":%s,\"top\":[",
		(unsigned long long)a->src.total,
		a->src.evictions ? "true" : "false",
		spoofed_likely(a, a->src.total ? (double)bogon /
						       (double)a->src.total : 0) ?
			"true" : "false");
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		source_json(out, a, &e[i], g);
	}
	fputs("]}", out);
}

static void values_json(FILE *out, const char *name, const struct topk *t)
{
	struct topk_entry e[TOPK_SLOTS];
	unsigned n = topk_sorted(t, e), i;
	uint16_t v;

	fprintf(out, ",\"%s\":[", name);
	for (i = 0; i < n && i < 5; i++) {
		memcpy(&v, e[i].key, 2);
		fprintf(out, "%s{\"value\":%u,\"share\":%.3f}", i ? "," : "", v,
			(double)e[i].count / (double)t->total);
	}
	fputc(']', out);
}

static void protocols_json(FILE *out, const struct topk *t)
{
	struct topk_entry e[TOPK_SLOTS];
	unsigned n = topk_sorted(t, e), i;

	fputs(",\"protocols\":[", out);
	for (i = 0; i < n && i < 5; i++)
		fprintf(out, "%s{\"value\":%u,\"share\":%.3f}", i ? "," : "",
			e[i].key[0], (double)e[i].count / (double)t->total);
	fputc(']', out);
}

static void action_json(FILE *out, int *first, const char *what, double t)
{
	char when[40];

	if (!t)
		return;
	iso_time(t, when, sizeof(when));
	fprintf(out, "%s{\"action\":\"%s\",\"at\":\"%s\"}", *first ? "" : ",",
		what, when);
	*first = 0;
}

static void peaks_json(FILE *out, const struct attack *a)
{
	unsigned v;

	fputs(",\"peak\":{", out);
	for (v = 0; v < V_COUNT; v++)
		if (v != V_BASELINE)
			fprintf(out, "%s\"%s\":%llu", v ? "," : "",
				vector_names[v],
				(unsigned long long)a->peak[v]);
	fprintf(out, "},\"baseline_pps\":%llu",
		(unsigned long long)a->baseline_pps);
}

static void attack_json(FILE *out, const struct attack *a, struct geo *g)
{
	char dst[INET6_ADDRSTRLEN + 4], start[40], end[40];
	int first = 1;

	attack_target(a, dst, sizeof(dst));
	iso_time(a->start, start, sizeof(start));
	iso_time(a->end, end, sizeof(end));
	fprintf(out, "{\"id\":%u,\"destination\":\"%s\",\"scope\":\"%s\","
		"\"state\":\"%s\",\"kind\":\"%s\",\"start\":\"%s\",", a->id,
		dst, attack_on_prefix(a) ? "prefix" : "host",
		a->active ? "active" : "ended", attack_kind(a), start);
	if (a->active)
		fputs("\"end\":null,\"vectors\":", out);
	else
		fprintf(out, "\"end\":\"%s\",\"vectors\":", end);
	vectors_json(out, a->vectors);
	peaks_json(out, a);
	fprintf(out, ",\"signature\":{\"source_port\":%u,\"destination_port\":"
		"%u,\"service\":", a->sig_sport, a->sig_dport);
	if (amp_service(a->sig_sport))
		fprintf(out, "\"%s\"}", amp_service(a->sig_sport));
	else
		fputs("null}", out);
	fputc(',', out);
	sources_json(out, a, g);
	values_json(out, "source_ports", &a->sport);
	values_json(out, "destination_ports", &a->dport);
	values_json(out, "lengths", &a->len);
	protocols_json(out, &a->proto);
	fputs(",\"actions\":[", out);
	action_json(out, &first, "local-rule", a->t_rule);
	action_json(out, &first, "flowspec", a->t_flowspec);
	action_json(out, &first, "rtbh", a->t_rtbh);
	action_json(out, &first, "withdrawn", a->t_withdrawn);
	fputs("]}", out);
}

void report_json(FILE *out, const struct detector *d, struct geo *g)
{
	unsigned i;

	fprintf(out, "{\"format\":\"vigil-shield-attacks/1\",\"sample_every\":"
		"%u,\"attacks\":[", d->cfg.sample_every);
	for (i = 0; i < d->nattacks; i++) {
		fputs(i ? ",\n" : "\n", out);
		attack_json(out, &d->attacks[i], g);
	}
	fputs("\n]}\n", out);
}

void report_brief(FILE *out, const struct detector *d)
{
	char dst[INET6_ADDRSTRLEN + 4];
	unsigned i;

	fputc('[', out);
	for (i = 0; i < d->nattacks; i++) {
		const struct attack *a = &d->attacks[i];

		attack_target(a, dst, sizeof(dst));
		fprintf(out, "%s{\"id\":%u,\"destination\":\"%s\",\"kind\":\"%s\","
			"\"vectors\":", i ? "," : "", a->id, dst,
			attack_kind(a));
		vectors_json(out, a->vectors);
		fprintf(out, ",\"state\":\"%s\",\"peak_pps\":%llu,\"start\":%.0f,"
			"\"end\":%.0f,\"flowspec\":%s,\"rtbh\":%s}",
			a->active ? "active" : "ended",
			(unsigned long long)a->peak[V_PPS], a->start, a->end,
			a->t_flowspec ? "true" : "false",
			a->t_rtbh ? "true" : "false");
	}
	fputc(']', out);
}
