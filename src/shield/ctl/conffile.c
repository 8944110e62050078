/*
 * conffile.c -- see conffile.h: the table of the shield's keys. Numbers
 * that reach 32-bit fields of the XDP program are capped at 2^32 - 1;
 * prefixes are parsed here, so that a file with a bad one is refused
 * before anything of it is applied.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kvconf.h"
#include "conffile.h"

static int add_prefix(struct prefix *list, unsigned *n, const char *key,
		      const char *v, char *err, size_t errlen)
{
	if (*n == SHIELD_CONF_MAX_PREFIXES) {
		snprintf(err, errlen, "%s: more than %u prefixes", key,
			 SHIELD_CONF_MAX_PREFIXES);
		return -1;
	}
	if (prefix_parse(v, &list[*n]) < 0) {
		snprintf(err, errlen, "%s: not a prefix: %.64s", key, v);
		return -1;
	}
	(*n)++;
	return 0;
}

static int allow(void *conf, const char *v, char *err, size_t errlen)
{
	struct shield_conf *c = conf;

	return add_prefix(c->allow, &c->nallow, "allow", v, err, errlen);
}

static int block(void *conf, const char *v, char *err, size_t errlen)
{
	struct shield_conf *c = conf;

	return add_prefix(c->block, &c->nblock, "block", v, err, errlen);
}

static int protect(void *conf, const char *v, char *err, size_t errlen)
{
	struct detect_cfg *d = &((struct shield_conf *)conf)->det;

	if (d->nprotect == DETECT_MAX_PROTECTED ||
	    prefix_parse(v, &d->protect[d->nprotect]) < 0) {
		snprintf(err, errlen, "protect: not a prefix, or more than %d: "
			 "%.64s", DETECT_MAX_PROTECTED, v);
		return -1;
	}
	d->nprotect++;
	return 0;
}

static int ics(struct shield_conf *c, int proto, const char *v, char *err,
	       size_t errlen)
{
	if (c->nics == ICS_MAX_POLICIES) {
		snprintf(err, errlen, "more than %u industrial-protocol "
			 "policies", ICS_MAX_POLICIES);
		return -1;
	}
	if (ics_parse(proto, v, &c->ics[c->nics], err, errlen) < 0)
		return -1;
	c->nics++;
	return 0;
}

static int modbus(void *conf, const char *v, char *err, size_t errlen)
{
	return ics(conf, ICS_MODBUS, v, err, errlen);
}

static int dnp3(void *conf, const char *v, char *err, size_t errlen)
{
	return ics(conf, ICS_DNP3, v, err, errlen);
}

static int iec104(void *conf, const char *v, char *err, size_t errlen)
{
	return ics(conf, ICS_IEC104, v, err, errlen);
}

static int dots_client(void *conf, const char *v, char *err, size_t errlen)
{
	return dots_client_line(&((struct shield_conf *)conf)->dots, v, err,
				errlen);
}

static int dots_divert(void *conf, const char *v, char *err, size_t errlen)
{
	return dots_divert_line(&((struct shield_conf *)conf)->dots, v, err,
				errlen);
}

static int anycast(void *conf, const char *v, char *err, size_t errlen)
{
	return anycast_line(&((struct shield_conf *)conf)->any, v, err,
			    errlen);
}

static int dots_addr(char *to, size_t cap, const char *key, const char *v,
		     char *err, size_t errlen)
{
	uint8_t addr[16];
	uint16_t port;
	int family;

	if (strlen(v) >= cap || dots_addr_parse(v, &family, addr, &port) < 0) {
		snprintf(err, errlen, "%s: ADDRESS[:PORT] or [IPV6]:PORT, not "
			 "%.64s", key, v);
		return -1;
	}
	memcpy(to, v, strlen(v) + 1);
	return 0;
}

static int dots_listen(void *conf, const char *v, char *err, size_t errlen)
{
	struct dots_cfg *d = &((struct shield_conf *)conf)->dots;

	return dots_addr(d->listen, sizeof(d->listen), "dots-listen", v, err,
			 errlen);
}

static int dots_data_listen(void *conf, const char *v, char *err,
			    size_t errlen)
{
	struct dots_cfg *d = &((struct shield_conf *)conf)->dots;

	return dots_addr(d->data_listen, sizeof(d->data_listen),
			 "dots-data-listen", v, err, errlen);
}

static int dots_server(void *conf, const char *v, char *err, size_t errlen)
{
	struct dots_cfg *d = &((struct shield_conf *)conf)->dots;

	return dots_addr(d->server, sizeof(d->server), "dots-server", v, err,
			 errlen);
}

/* 0 (off) or a factor from 1 to 1000. */
static int baseline_factor(void *conf, const char *v, char *err,
			   size_t errlen)
{
	char *end;
	double f = strtod(v, &end);

	if (!*v || *end || !(f == 0 || (f >= 1 && f <= 1000))) {
		snprintf(err, errlen, "baseline-factor: 0 (off) or a number "
			 "from 1 to 1000, not %s", v);
		return -1;
	}
	((struct shield_conf *)conf)->det.baseline_factor = f;
	return 0;
}

static const char *const flowspec_actions[] = { "discard", "rate-limit",
						 NULL };

#define AT(f) .off = offsetof(struct shield_conf, f)
#define U32(n, f) { .name = n, .type = KV_UINT, AT(f), .max = UINT32_MAX }
#define U64(n, f) { .name = n, .type = KV_U64, AT(f) }
#define TEXT(n, f) \
	{ .name = n, .type = KV_TEXT, AT(f), \
	  .cap = sizeof(((struct shield_conf *)0)->f) }
#define CALL(n, fn) { .name = n, .type = KV_CALL, .call = fn }
static const struct kv_key keys[] = {
	CALL("allow", allow),
	CALL("block", block),
	{ .name = "amp-guard", .type = KV_BOOL, AT(xdp.amp_guard) },
	U32("src-pps", xdp.src_pps),
	U32("src-burst", xdp.src_burst),
	U32("syn-pps", xdp.syn_pps),
	U32("syn-burst", xdp.syn_burst),
	U32("sample-every", xdp.sample_every),
	U64("threshold-pps", det.threshold[V_PPS]),
	U64("threshold-bps", det.threshold[V_BPS]),
	U64("threshold-udp-pps", det.threshold[V_UDP]),
	U64("threshold-udp-bps", det.threshold[V_UDP_BPS]),
	U64("threshold-tcp-pps", det.threshold[V_TCP]),
	U64("threshold-syn-pps", det.threshold[V_SYN]),
	U64("threshold-icmp-pps", det.threshold[V_ICMP]),
	U64("threshold-prefix-pps", det.prefix_pps),
	U64("threshold-prefix-bps", det.prefix_bps),
	U32("hold-down", det.hold_down_s),
	CALL("baseline-factor", baseline_factor),
	U64("baseline-min-pps", det.baseline_min_pps),
	U32("baseline-warmup", det.baseline_warmup),
	CALL("protect", protect),
	CALL("modbus", modbus),
	CALL("dnp3", dnp3),
	CALL("iec104", iec104),
	TEXT("bird-socket", mit.bird_socket),
	TEXT("bird-include", mit.bird_include),
	U64("flowspec-pps", mit.flowspec_pps),
	U64("rtbh-pps", mit.rtbh_pps),
	{ .name = "flowspec-action", .type = KV_WORD,
	  AT(mit.flowspec_rate_limit), .words = flowspec_actions },
	CALL("dots-listen", dots_listen),
	CALL("dots-client", dots_client),
	CALL("dots-server", dots_server),
	TEXT("dots-identity", dots.identity),
	TEXT("dots-certificate", dots.cert),
	TEXT("dots-key", dots.key),
	TEXT("dots-ca", dots.ca),
	TEXT("dots-key-file", dots.key_file),
	U64("dots-signal-pps", dots.signal_pps),
	TEXT("dots-client-keys", dots.keys_dir),
	CALL("dots-divert", dots_divert),
	CALL("dots-data-listen", dots_data_listen),
	TEXT("dots-data-certificate", dots.data_cert),
	TEXT("dots-data-key", dots.data_key),
	TEXT("dots-data-ca", dots.data_ca),
	CALL("anycast", anycast),
	U64("anycast-capacity-pps", any.capacity_pps),
	{ .name = "anycast-cool-down", .type = KV_UINT, AT(any.cool_s),
	  .max = 3600 },
	{ .name = "dots-lifetime", .type = KV_UINT, AT(dots.lifetime_s),
	  .max = DOTS_MAX_LIFETIME_S },
	{ .name = "dots-heartbeat", .type = KV_UINT, AT(dots.heartbeat_s),
	  .max = 240 },
	TEXT("rules-file", rules_file),
	TEXT("location-db", geo_path),
	TEXT("metrics-addr", metrics_addr),
	{ .name = "metrics-port", .type = KV_UINT, AT(metrics_port),
	  .max = 65535 },
};

static const struct kv_format format = {
	keys, sizeof(keys) / sizeof(*keys), NULL, 0,
	SHIELD_CONF_MAX_LINE_BYTES, SHIELD_CONF_MAX_BYTES,
};

int shield_conf_line(struct shield_conf *c, const char *line, size_t len,
		     char *err, size_t errlen)
{
	return kv_line(&format, c, line, len, err, errlen);
}

int shield_conf_text(struct shield_conf *c, const char *text, size_t len,
		     const char *name, char *err, size_t errlen)
{
	return kv_text(&format, c, text, len, name, err, errlen);
}

int shield_conf_load(struct shield_conf *c, const char *path, char *err,
		     size_t errlen)
{
	return kv_load(&format, c, path, err, errlen);
}
