/*
 * control.c -- the control socket: one command line in, one answer out
 * (JSON, or the Prometheus text for "metrics"), then the connection
 * closes. Commands: status, rules, attacks, report json|stix, metrics,
 * block P, unblock P, allow P.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "request.h"
#include "prefix.h"
#include "report.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

static const char *const counter_names[SC_COUNT] = {
	"passed", "allowed", "blocked", "rule_dropped", "rule_passed",
	"malformed", "not_ip", "amp_dropped", "syn_dropped",
	"src_dropped", "rule_rate_dropped",
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
	int ncpu = libbpf_num_possible_cpus(), c;
	struct shield_hits v[1024], sum = { 0, 0 };

	if (ncpu <= 0 || ncpu > 1024 ||
	    bpf_map_lookup_elem(bpf_map__fd(st->skel->maps.rule_hits), &i,
				v) < 0)
		return sum;
	for (c = 0; c < ncpu; c++) {
		sum.packets += v[c].packets;
		sum.bytes += v[c].bytes;
	}
	return sum;
}

/* Every key of one LPM map, as prefixes; *first tracks the commas. */
static void keys_json(FILE *out, struct bpf_map *m, int family, int *first)
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
		fprintf(out, "%s\"%s\"", *first ? "" : ",", text);
		*first = 0;
		have = 1;
	}
}

static void list_json(FILE *out, struct bpf_map *m4, struct bpf_map *m6)
{
	int first = 1;

	keys_json(out, m4, 4, &first);
	keys_json(out, m6, 6, &first);
}

static void status(struct shield_state *st, FILE *out)
{
	const struct mitigator *m = &st->mit;
	unsigned i;

	fprintf(out, "{\"interface\":\"%s\",\"counters\":{", st->ifname);
	for (i = 0; i < SC_COUNT; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", counter_names[i],
			(unsigned long long)shield_counter(st, i));
	fputs("},\"allowed\":[", out);
	list_json(out, st->skel->maps.allow4, st->skel->maps.allow6);
	fputs("],\"blocked\":[", out);
	list_json(out, st->skel->maps.block4, st->skel->maps.block6);
	fprintf(out, "],\"rules\":%u,\"upstream\":{\"bird\":%s,"
		"\"announced\":%llu,\"withdrawn\":%llu,\"error\":",
		m->nrules, m->cfg.bird_socket[0] ? "true" : "false",
		(unsigned long long)m->announced,
		(unsigned long long)m->withdrawn);
	json_string(out, m->error);
	fputs("},\"rules_file\":", out);
	feed_json(st, out);
	fprintf(out, ",\"samples\":%llu,\"attacks\":",
		(unsigned long long)st->det.samples);
	report_brief(out, &st->det);
	fputs("}\n", out);
}

static void rule_json(FILE *out, const struct shield_rule *r,
		      struct shield_hits h)
{
	static const char *const act[] = { "?", "pass", "drop", "rate-limit" };
	char dst[48] = "any", src[48] = "any";
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.family = r->family;
	if (r->dst_len) {
		memcpy(r->family == 4 ? (void *)&p.v4.addr : p.v6.addr, r->dst,
		       r->family == 4 ? 4 : 16);
		p.v4.prefixlen = p.v6.prefixlen = r->dst_len;
		prefix_format(&p, dst, sizeof(dst));
	}
	if (r->src_len) {
		memcpy(r->family == 4 ? (void *)&p.v4.addr : p.v6.addr, r->src,
		       r->family == 4 ? 4 : 16);
		p.v4.prefixlen = p.v6.prefixlen = r->src_len;
		prefix_format(&p, src, sizeof(src));
	}
	fprintf(out, "{\"destination\":\"%s\",\"source\":\"%s\",\"protocol\":%u,"
		"\"source_ports\":[%u,%u],\"destination_ports\":[%u,%u],"
		"\"tcp_flags\":\"0x%x/0x%x\",\"action\":\"%s\",\"rate_pps\":%u,"
		"\"packets\":%llu,\"bytes\":%llu}", dst, src, r->proto,
		r->sport_lo, r->sport_hi, r->dport_lo, r->dport_hi,
		r->tcp_flags_value, r->tcp_flags_mask,
		act[r->action <= 3 ? r->action : 0], r->rate_pps,
		(unsigned long long)h.packets, (unsigned long long)h.bytes);
}

static void rules(struct shield_state *st, FILE *out)
{
	unsigned i;

	fputs("{\"rules\":[", out);
	for (i = 0; i < st->mit.nrules; i++) {
		fputs(i ? ",\n" : "\n", out);
		rule_json(out, &st->mit.rules[i], rule_hits(st, i));
	}
	fputs("]}\n", out);
}

/* The answer to one command line; -1 and err for a refusal. */
static int command(struct shield_state *st, FILE *out, const char *cmd,
		   const char *arg, char *err, size_t errlen)
{
	if (!strcmp(cmd, "status"))
		status(st, out);
	else if (!strcmp(cmd, "rules"))
		rules(st, out);
	else if (!strcmp(cmd, "attacks")) {
		fputs("{\"attacks\":", out);
		report_brief(out, &st->det);
		fputs("}\n", out);
	} else if (!strcmp(cmd, "report") && arg && !strcmp(arg, "json"))
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
	if (rc > 0)
		fputs("{\"ok\":true}\n", out);
	else if (rc < 0) {
		fputs("{\"ok\":false,\"error\":", out);
		json_string(out, err);
		fputs("}\n", out);
	}
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
	fprintf(out, "# TYPE vigil_shield_attacks_active gauge\n"
		"vigil_shield_attacks_active %u\n"
		"# TYPE vigil_shield_attacks_total counter\n"
		"vigil_shield_attacks_total %u\n"
		"# TYPE vigil_shield_rules gauge\nvigil_shield_rules %u\n"
		"# TYPE vigil_shield_samples_total counter\n"
		"vigil_shield_samples_total %llu\n"
		"# TYPE vigil_shield_upstream_announcements_total counter\n"
		"vigil_shield_upstream_announcements_total %llu\n"
		"# TYPE vigil_shield_upstream_withdrawals_total counter\n"
		"vigil_shield_upstream_withdrawals_total %llu\n"
		"# TYPE vigil_shield_bird_errors_total counter\n"
		"vigil_shield_bird_errors_total %llu\n", active,
		st->det.next_id - 1, m->nrules,
		(unsigned long long)st->det.samples,
		(unsigned long long)m->announced,
		(unsigned long long)m->withdrawn,
		(unsigned long long)m->bird_failed);
}
