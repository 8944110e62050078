/*
 * control.c -- the control socket: one command line in, one answer out
 * (JSON, or the Prometheus text for "metrics"), then the connection
 * closes. Commands: status, rules, attacks, report json|stix, metrics,
 * block P, unblock P, allow P.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/jsonw.h"
#include "ctl.h"
#include "prefix.h"
#include "report.h"
#include "request.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

static const char *const counter_names[SC_COUNT] = {
	"passed", "allowed", "blocked", "rule_dropped", "rule_passed",
	"malformed", "not_ip", "amp_dropped", "syn_dropped",
	"src_dropped", "rule_rate_dropped", "ics_dropped",
};

uint64_t shield_counter(struct shield_state *st, unsigned which)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	uint64_t v[1024], sum = 0;
	uint32_t key = which;

	if (ncpu <= 0 || ncpu > 1024 ||
	    bpf_map_lookup_elem(bpf_map__fd(st->skel->maps.counters), &key,
				v) < 0)
		return 0;
	for (i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static struct shield_hits rule_hits(struct shield_state *st, uint32_t i)
{
	return mitigate_rule_hits(&st->mit, i);
}

/* Every key of one LPM map, as prefixes, onto list. */
static void keys_json(json_t *list, struct bpf_map *m, int family)
{
	struct prefix p;
	void *key = family == 4 ? (void *)&p.v4 : (void *)&p.v6;
	char text[80];
	int have = 0;

	memset(&p, 0, sizeof(p));
	p.family = family;
	while (bpf_map_get_next_key(bpf_map__fd(m), have ? key : NULL,
				    key) == 0) {
		prefix_format(&p, text, sizeof(text));
		json_array_append_new(list, json_string(text));
		have = 1;
	}
}

static json_t *list_json(struct bpf_map *m4, struct bpf_map *m6)
{
	json_t *list = json_array();

	keys_json(list, m4, 4);
	keys_json(list, m6, 6);
	return list;
}

static json_t *upstream_json(const struct mitigator *m)
{
	json_t *o = json_object();

	jsonw_set(o, "bird", json_boolean(m->cfg.bird_socket[0]));
	jsonw_set(o, "announced", json_integer((json_int_t)m->announced));
	jsonw_set(o, "withdrawn", json_integer((json_int_t)m->withdrawn));
	jsonw_set(o, "error", jsonw_string(m->error));
	return o;
}

/* The industrial-protocol requests dropped, by client, server and
 * function. */
static json_t *ics_json(const struct ics_log *log)
{
	json_t *a = json_array(), *o;
	char c[INET6_ADDRSTRLEN], v[INET6_ADDRSTRLEN];
	unsigned i;

	for (i = 0; i < log->n; i++) {
		const struct ics_record *r = &log->r[i];
		int af = r->family == 6 ? AF_INET6 : AF_INET;

		inet_ntop(af, r->client, c, sizeof(c));
		inet_ntop(af, r->server, v, sizeof(v));
		o = json_object();
		jsonw_set(o, "kind", json_string(
			r->proto == ICS_DNP3 ? "dnp3-policy" :
			r->proto == ICS_IEC104 ? "iec104-policy" :
			"modbus-policy"));
		jsonw_set(o, "client", json_string(c));
		jsonw_set(o, "server", json_string(v));
		jsonw_set(o, "port", json_integer(r->port));
		jsonw_set(o, "function", json_integer(r->function));
		jsonw_set(o, "dropped", json_integer((json_int_t)r->count));
		jsonw_set(o, "first", json_integer((json_int_t)r->first));
		jsonw_set(o, "last", json_integer((json_int_t)r->last));
		json_array_append_new(a, o);
	}
	return a;
}

static void status(struct shield_state *st, FILE *out)
{
	json_t *o = json_object(), *counters = json_object();
	unsigned i;

	jsonw_set(o, "interface", jsonw_string(st->ifname));
	for (i = 0; i < SC_COUNT; i++)
		jsonw_set(counters, counter_names[i],
			  json_integer((json_int_t)shield_counter(st, i)));
	jsonw_set(o, "counters", counters);
	jsonw_set(o, "allowed", list_json(st->skel->maps.allow4,
					  st->skel->maps.allow6));
	jsonw_set(o, "blocked", list_json(st->skel->maps.block4,
					  st->skel->maps.block6));
	jsonw_set(o, "rules", json_integer(st->mit.nrules));
	jsonw_set(o, "upstream", upstream_json(&st->mit));
	jsonw_set(o, "rules_file", feed_json(st));
	jsonw_set(o, "samples", json_integer((json_int_t)st->det.samples));
	jsonw_set(o, "attacks", report_brief(&st->det));
	jsonw_set(o, "ics", ics_json(&st->ics));
	jsonw_set(o, "dots", dots_json(&st->dots));
	jsonw_set(o, "anycast", anycast_json(&st->any));
	jsonw_print(out, o);
}

/* "any", or the prefix of len bits of addr. */
static json_t *rule_prefix(const struct shield_rule *r, const uint8_t *addr,
			   uint8_t len)
{
	char text[48];
	struct prefix p;

	if (!len)
		return json_string("any");
	memset(&p, 0, sizeof(p));
	p.family = r->family;
	memcpy(r->family == 4 ? (void *)&p.v4.addr : p.v6.addr, addr,
	       r->family == 4 ? 4 : 16);
	p.v4.prefixlen = p.v6.prefixlen = len;
	prefix_format(&p, text, sizeof(text));
	return json_string(text);
}

static json_t *range(unsigned lo, unsigned hi)
{
	json_t *a = json_array();

	json_array_append_new(a, json_integer(lo));
	json_array_append_new(a, json_integer(hi));
	return a;
}

static json_t *rule_json(const struct shield_rule *r, struct shield_hits h)
{
	static const char *const act[] = { "?", "pass", "drop", "rate-limit" };
	json_t *o = json_object();
	char flags[32];

	snprintf(flags, sizeof(flags), "0x%x/0x%x", r->tcp_flags_value,
		 r->tcp_flags_mask);
	jsonw_set(o, "destination", rule_prefix(r, r->dst, r->dst_len));
	jsonw_set(o, "source", rule_prefix(r, r->src, r->src_len));
	jsonw_set(o, "protocol", json_integer(r->proto));
	jsonw_set(o, "source_ports", range(r->sport_lo, r->sport_hi));
	jsonw_set(o, "destination_ports", range(r->dport_lo, r->dport_hi));
	jsonw_set(o, "tcp_flags", json_string(flags));
	jsonw_set(o, "action", json_string(act[r->action <= 3 ? r->action : 0]));
	jsonw_set(o, "rate_pps", json_integer(r->rate_pps));
	jsonw_set(o, "packets", json_integer((json_int_t)h.packets));
	jsonw_set(o, "bytes", json_integer((json_int_t)h.bytes));
	return o;
}

static void rules(struct shield_state *st, FILE *out)
{
	json_t *o = json_object(), *list = json_array();
	unsigned i;

	for (i = 0; i < st->mit.nrules; i++)
		json_array_append_new(list, rule_json(&st->mit.rules[i],
						      rule_hits(st, i)));
	jsonw_set(o, "rules", list);
	jsonw_print(out, o);
}

static void attacks(struct shield_state *st, FILE *out)
{
	json_t *o = json_object();

	jsonw_set(o, "attacks", report_brief(&st->det));
	jsonw_print(out, o);
}

/* {"ok": true}, or {"ok": false, "error": why}. */
static void answer(FILE *out, const char *error)
{
	json_t *o = json_object();

	jsonw_set(o, "ok", json_boolean(!error));
	if (error)
		jsonw_set(o, "error", jsonw_string(error));
	jsonw_print(out, o);
}

/* The answer to one command line; -1 and err for a refusal. */
static int command(struct shield_state *st, FILE *out, const char *cmd,
		   const char *arg, char *err, size_t errlen)
{
	if (!strcmp(cmd, "status"))
		status(st, out);
	else if (!strcmp(cmd, "rules"))
		rules(st, out);
	else if (!strcmp(cmd, "attacks"))
		attacks(st, out);
	else if (!strcmp(cmd, "report") && arg && !strcmp(arg, "json"))
		report_json(out, &st->det, st->geo);
	else if (!strcmp(cmd, "report") && arg && !strcmp(arg, "stix"))
		report_stix(out, &st->det, st->geo);
	else if (!strcmp(cmd, "metrics"))
		shield_metrics(st, out);
	else if (arg && (!strcmp(cmd, "block") || !strcmp(cmd, "allow")))
		return shield_list_op(st, cmd, arg, 1, err, errlen) < 0 ? -1 : 1;
	else if (arg && !strcmp(cmd, "unblock"))
		return shield_list_op(st, "block", arg, 0, err, errlen) < 0 ? -1 :
									      1;
	else if (arg && !strcmp(cmd, "unallow"))
		return shield_list_op(st, "allow", arg, 0, err, errlen) < 0 ? -1 :
									      1;
	else {
		snprintf(err, errlen, "unknown command");
		return -1;
	}
	return 0;
}

void shield_serve(struct shield_state *st, int fd)
{
	char buf[SHIELD_MAX_REQUEST_BYTES], err[256] = "";
	char cmd[SHIELD_MAX_COMMAND_BYTES], arg[SHIELD_MAX_REQUEST_BYTES];
	ssize_t n = read(fd, buf, sizeof(buf));
	FILE *out = fdopen(fd, "w");
	int rc;

	if (!out) {
		close(fd);
		return;
	}
	rc = shield_request_parse(buf, n > 0 ? (size_t)n : 0, cmd, arg);
	if (rc != 0) {
		snprintf(err, sizeof(err), "%s", rc > 0 ? "empty command" :
			 "not a command line: command [argument]");
		rc = -1;
	} else {
		rc = command(st, out, cmd, arg[0] ? arg : NULL, err,
			     sizeof(err));
	}
	if (rc != 0)
		answer(out, rc < 0 ? err : NULL);
	fclose(out);
}

void shield_metrics(struct shield_state *st, FILE *out)
{
	const struct mitigator *m = &st->mit;
	unsigned i, active = 0;

	fputs("# HELP vigil_shield_packets_total Packets by outcome.\n"
	      "# TYPE vigil_shield_packets_total counter\n", out);
	for (i = 0; i < SC_COUNT; i++)
		fprintf(out, "vigil_shield_packets_total{interface=\"%s\","
			"outcome=\"%s\"} %llu\n", st->ifname, counter_names[i],
			(unsigned long long)shield_counter(st, i));
	fputs("# HELP vigil_shield_rule_packets_total Packets matched by each "
	      "rule in force.\n# TYPE vigil_shield_rule_packets_total counter\n",
	      out);
	for (i = 0; i < m->nrules; i++)
		fprintf(out, "vigil_shield_rule_packets_total{rule=\"%u\"} %llu\n",
			i, (unsigned long long)rule_hits(st, i).packets);
	for (i = 0; i < st->det.nattacks; i++)
		active += st->det.attacks[i].active ? 1 : 0;
	fprintf(out, "# HELP vigil_shield_attacks_active Attacks in progress.\n"
		"# TYPE vigil_shield_attacks_active gauge\n"
		"vigil_shield_attacks_active %u\n"
		"# HELP vigil_shield_attacks_total Attacks detected.\n"
		"# TYPE vigil_shield_attacks_total counter\n"
		"vigil_shield_attacks_total %u\n"
		"# HELP vigil_shield_rules Rules in force (attacks' and rule "
		"sets').\n"
		"# TYPE vigil_shield_rules gauge\nvigil_shield_rules %u\n"
		"# HELP vigil_shield_samples_total Packet headers sampled.\n"
		"# TYPE vigil_shield_samples_total counter\n"
		"vigil_shield_samples_total %llu\n"
		"# HELP vigil_shield_upstream_announcements_total FlowSpec and "
		"blackhole routes announced.\n"
		"# TYPE vigil_shield_upstream_announcements_total counter\n"
		"vigil_shield_upstream_announcements_total %llu\n"
		"# HELP vigil_shield_upstream_withdrawals_total Routes "
		"withdrawn.\n"
		"# TYPE vigil_shield_upstream_withdrawals_total counter\n"
		"vigil_shield_upstream_withdrawals_total %llu\n"
		"# HELP vigil_shield_bird_errors_total BIRD commands that "
		"failed.\n"
		"# TYPE vigil_shield_bird_errors_total counter\n"
		"vigil_shield_bird_errors_total %llu\n", active,
		st->det.next_id - 1, m->nrules,
		(unsigned long long)st->det.samples,
		(unsigned long long)m->announced,
		(unsigned long long)m->withdrawn,
		(unsigned long long)m->bird_failed);
}
