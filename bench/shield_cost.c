/*
 * shield_cost.c -- per-packet cost of vigil-shield's XDP program against
 * xdp-filter's (xdp-tools, every feature), in one run, on the same
 * packets, through the kernel's BPF test-run interface (it times the
 * program alone: no NIC, no driver). Both do the same work and give the
 * same verdict: each holds 10,000 blocked IPv4 addresses and 16 blocked
 * UDP ports that the packets do not hit, and passes them (xdp-filter's
 * allow-policy program: rules drop, the rest passes). vigil-shield has its
 * other features on too: the amplification guard, the SYN budget and a
 * token bucket per source. xdp-filter's deny-policy program, which drops
 * every packet it has no rule for (less work), is timed beside for
 * reference. No BPF file system is needed: nothing is pinned.
 *
 * usage: shield_cost [XDP_FILTER_DIR]   (root; prints ns per packet)
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "shield.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

#define REPEAT 1000000
#define XDP_FILTER_DIR "/usr/lib/x86_64-linux-gnu/bpf"
/* xdp-tools' map flags (common_kern_user.h): match a source address; a
 * destination UDP port. Values are per CPU. */
#define XF_FLAG_SRC (1u << 0)
#define XF_FLAG_DST (1u << 1)
#define XF_FLAG_UDP (1u << 3)

struct packet {
	const char *name;
	uint8_t b[128];
	uint32_t n;
};

static void build(struct packet *p, const char *name, int v6, uint8_t proto,
		  int vlan)
{
	uint8_t *b = p->b;
	uint32_t n = 12;

	memset(p, 0, sizeof(*p));
	p->name = name;
	memset(b, 0x02, 12);
	if (vlan) {
		b[n++] = 0x81; b[n++] = 0x00; b[n++] = 0; b[n++] = 100;
	}
	b[n++] = v6 ? 0x86 : 0x08;
	b[n++] = v6 ? 0xdd : 0x00;
	if (v6) {
		b[n] = 0x60;
		b[n + 5] = proto == IPPROTO_TCP ? 20 : 8;
		b[n + 6] = proto;
		b[n + 7] = 64;
		inet_pton(AF_INET6, "2001:db8:1::1", b + n + 8);
		inet_pton(AF_INET6, "2001:db8::2", b + n + 24);
		n += 40;
	} else {
		b[n] = 0x45;
		b[n + 3] = proto == IPPROTO_TCP ? 40 : 28;
		b[n + 8] = 64;
		b[n + 9] = proto;
		inet_pton(AF_INET, "198.51.100.1", b + n + 12);
		inet_pton(AF_INET, "192.0.2.1", b + n + 16);
		n += 20;
	}
	b[n] = 0x9c; b[n + 1] = 0x40;		/* source port 40000 */
	b[n + 2] = 0; b[n + 3] = 80;		/* destination port 80 */
	if (proto == IPPROTO_TCP) {
		b[n + 12] = 0x50;
		b[n + 13] = 0x10;		/* ACK */
		n += 20;
	} else {
		b[n + 5] = 8;
		n += 8;
	}
	p->n = n;
}

/* ns a packet; its verdict (XDP_PASS, XDP_DROP ...) into *verdict. */
static double ns_per_packet(int fd, const struct packet *p,
			    unsigned *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->b,
		    .data_size_in = p->n, .repeat = REPEAT);

	if (bpf_prog_test_run_opts(fd, &o) < 0)
		return -1;
	*verdict = o.retval;
	return (double)o.duration;
}

/* xdp-filter pins its statistics map by name under /sys/fs/bpf, which is
 * not mounted everywhere; the measurement needs no pinning, so it is
 * switched off before loading. */
static int xdp_filter_fd(const char *path, struct bpf_object **obj)
{
	struct bpf_program *prog;
	struct bpf_map *m;

	*obj = bpf_object__open_file(path, NULL);
	if (!*obj)
		return -1;
	bpf_object__for_each_map(m, *obj)
		bpf_map__set_pin_path(m, NULL);
	if (bpf_object__load(*obj) < 0)
		return -1;
	prog = bpf_object__next_program(*obj, NULL);
	return prog ? bpf_program__fd(prog) : -1;
}

/* One entry in each CPU's copy of a per-CPU map of u64 values. */
static int percpu_put(int fd, const void *key, uint64_t value)
{
	int n = libbpf_num_possible_cpus(), i, rc;
	uint64_t *v;

	if (n <= 0 || !(v = calloc((size_t)n, sizeof(*v))))
		return -1;
	for (i = 0; i < n; i++)
		v[i] = value;
	rc = bpf_map_update_elem(fd, key, v, 0);
	free(v);
	return rc;
}

/* xdp-filter's rules, as vigil-shield's: 10,000 source addresses and 16
 * destination UDP ports, none of them the packets'. */
static int configure_xdp_filter(struct bpf_object *obj)
{
	struct bpf_map *ip4 = bpf_object__find_map_by_name(obj, "filter_ipv4");
	struct bpf_map *ports = bpf_object__find_map_by_name(obj,
							     "filter_ports");
	uint32_t i, a;

	if (!ip4 || !ports)
		return -1;
	for (i = 0; i < 10000; i++) {
		a = htonl(0x0a000000u | i << 8);
		if (percpu_put(bpf_map__fd(ip4), &a, XF_FLAG_SRC) < 0)
			return -1;
	}
	for (i = 0; i < 16; i++) {
		a = 10000 + i;
		if (percpu_put(bpf_map__fd(ports), &a,
			       XF_FLAG_DST | XF_FLAG_UDP) < 0)
			return -1;
	}
	return 0;
}

static int configure(struct shield_bpf *s)
{
	/* buckets that never run dry in a run of REPEAT packets from one
	 * source: the bucket's work is done, its verdict is "pass" */
	struct shield_config cfg = { .src_pps = 4000000000u,
				     .src_burst = 4000000000u,
				     .syn_pps = 4000000000u,
				     .syn_burst = 4000000000u,
				     .amp_guard = 1 };
	static struct shield_rule rs[16];
	struct shield_rule r = { 0 };
	uint32_t i, zero = 0;
	uint64_t v = 0;

	for (i = 0; i < 10000; i++) {
		struct shield_lpm4 k = { 24, htonl(0x0a000000u | i << 8) };

		if (bpf_map_update_elem(bpf_map__fd(s->maps.block4), &k, &v, 0))
			return -1;
	}
	struct shield_maps m = { bpf_map__fd(s->maps.rules),
				 bpf_map__fd(s->maps.rule_index),
				 bpf_map__fd(s->maps.config),
				 bpf_map__fd(s->maps.rule_dst) };

	r.proto = IPPROTO_UDP;
	r.action = SHIELD_DROP;
	for (i = 0; i < 16; i++) {
		r.dport_lo = r.dport_hi = (uint16_t)(10000 + i);
		rs[i] = r;
	}
	if (bpf_map_update_elem(bpf_map__fd(s->maps.config), &zero, &cfg, 0))
		return -1;
	return shield_rules_load(&m, rs, 16);
}

/* A Modbus/TCP "read holding registers" request to port 502. */
static void build_modbus(struct packet *p)
{
	static const uint8_t unit[12] = { 0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 3 };

	build(p, "Modbus read", 0, IPPROTO_TCP, 0);
	p->b[14 + 3] = 40 + sizeof(unit);	/* IP total length */
	p->b[34 + 2] = 502 >> 8;		/* destination port */
	p->b[34 + 3] = 502 & 0xff;
	p->b[34 + 13] = 0x18;			/* PSH, ACK */
	memcpy(p->b + p->n, unit, sizeof(unit));
	p->n += sizeof(unit);
}

/* Policies in force: the program looks them up (shield_config.ics). */
static int ics_on(struct shield_bpf *s)
{
	struct shield_config cfg;
	uint32_t zero = 0;
	int fd = bpf_map__fd(s->maps.config);

	if (bpf_map_lookup_elem(fd, &zero, &cfg) < 0)
		return -1;
	cfg.ics = 1;
	return bpf_map_update_elem(fd, &zero, &cfg, 0);
}

/* The Modbus policy's cost: the same request to an unprotected server,
 * with no policy at all (the lookup skipped), then with a policy for its
 * server in force (the request allowed, so both pass and the difference
 * is the lookup and the inspection). */
static int modbus_cost(struct shield_bpf *s)
{
	struct shield_ics_key k = { SHIELD_ICS_KEY_BITS, { 502 >> 8, 502 & 0xff },
				    4, { 192, 0, 2, 1 }, { 0 } };
	struct shield_ics_policy pol = { .port = 502, .proto = ICS_MODBUS,
					 .reg_lo = 0,
					 .reg_hi = 65535 };
	struct packet p;
	unsigned v1, v2, v3;
	double a, b;

	build_modbus(&p);
	/* any client of 192.0.2.1's port 502 (a client length of 0) */
	pol.fc[0] = 0x1e; /* functions 1-4 */
	a = ns_per_packet(bpf_program__fd(s->progs.shield), &p, &v1);
	if (bpf_map_update_elem(bpf_map__fd(s->maps.ics), &k, &pol, 0) < 0 ||
	    ics_on(s) < 0)
		return -1;
	b = ns_per_packet(bpf_program__fd(s->progs.shield), &p, &v2);
	pol.fc[0] = 0x02; /* reading coils only: this request is refused */
	if (bpf_map_update_elem(bpf_map__fd(s->maps.ics), &k, &pol, 0) < 0)
		return -1;
	ns_per_packet(bpf_program__fd(s->progs.shield), &p, &v3);
	if (v1 != XDP_PASS || v2 != XDP_PASS || v3 != XDP_DROP) {
		fprintf(stderr, "shield_cost: Modbus read: verdicts %u/%u/%u: "
			"the policy was not what was timed\n", v1, v2, v3);
		return -1;
	}
	printf("\nModbus read to port 502: %.1f ns with no policies, %.1f ns "
	       "with its server's policy checked (+%.1f)\n", a, b, b - a);
	return 0;
}

/* The DOTS server's filters (dots.h): the same IPv4 UDP packet with the
 * 16 rules above, then with the most a server holds, 32 drop rules of
 * accepted requests ahead of them (half on UDP to a port, half on every
 * protocol: those are on the program's wildcard list, checked for every
 * packet), to hosts this packet is not for; then one to a target,
 * which must be dropped. */
static int dots_cost(struct shield_bpf *s)
{
	static struct shield_rule rs[48];
	struct shield_maps m = { bpf_map__fd(s->maps.rules),
				 bpf_map__fd(s->maps.rule_index),
				 bpf_map__fd(s->maps.config),
				 bpf_map__fd(s->maps.rule_dst) };
	struct packet p, hit;
	unsigned i, v1, v2, v3;
	double a, b;

	build(&p, "IPv4 UDP", 0, IPPROTO_UDP, 0);
	a = ns_per_packet(bpf_program__fd(s->progs.shield), &p, &v1);
	for (i = 0; i < 32; i++) {
		struct shield_rule *r = &rs[i];

		memset(r, 0, sizeof(*r));
		r->family = 4;
		r->dst_len = 32;
		r->dst[0] = 203; r->dst[1] = 0; r->dst[2] = 113;
		r->dst[3] = (uint8_t)(i + 1);
		r->action = SHIELD_DROP;
		if (i < 16) {
			r->proto = IPPROTO_UDP;
			r->dport_lo = r->dport_hi = 80;
		}
	}
	for (i = 0; i < 16; i++) { /* the 16 of configure() after them */
		memset(&rs[32 + i], 0, sizeof(rs[0]));
		rs[32 + i].proto = IPPROTO_UDP;
		rs[32 + i].action = SHIELD_DROP;
		rs[32 + i].dport_lo = rs[32 + i].dport_hi = (uint16_t)(10000 + i);
	}
	if (shield_rules_load(&m, rs, 48) < 0)
		return -1;
	b = ns_per_packet(bpf_program__fd(s->progs.shield), &p, &v2);
	hit = p;
	hit.b[14 + 16 + 3] = 20; /* to 192.0.2.20 ... */
	hit.b[14 + 16] = 203; hit.b[14 + 17] = 0; hit.b[14 + 18] = 113;
	ns_per_packet(bpf_program__fd(s->progs.shield), &hit, &v3);
	if (v1 != XDP_PASS || v2 != XDP_PASS || v3 != XDP_DROP) {
		fprintf(stderr, "shield_cost: DOTS filters: verdicts %u/%u/%u: "
			"the filters were not what was timed\n", v1, v2, v3);
		return -1;
	}
	printf("IPv4 UDP past the DOTS filters: %.1f ns with none, %.1f ns "
	       "with 32 in force (+%.1f)\n", a, b, b - a);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : XDP_FILTER_DIR;
	char allow[4096], deny[4096];
	struct packet pk[5];
	struct bpf_object *xf = NULL, *xd = NULL;
	struct shield_bpf *s;
	double a, b, c, sa = 0, sb = 0, sc = 0;
	unsigned i, va, vb, vc;
	int xfd, xdd;

	snprintf(allow, sizeof(allow), "%s/xdpfilt_alw_all.o", dir);
	snprintf(deny, sizeof(deny), "%s/xdpfilt_dny_all.o", dir);
	libbpf_set_print(NULL); /* libxdp's ELF sections, unknown to libbpf */
	s = shield_bpf__open_and_load();
	xfd = xdp_filter_fd(allow, &xf);
	xdd = xdp_filter_fd(deny, &xd);
	if (!s || xfd < 0 || xdd < 0 || configure(s) < 0 ||
	    configure_xdp_filter(xf) < 0) {
		fprintf(stderr, "shield_cost: cannot load the programs (root? "
			"xdp-tools installed?)\n");
		return 1;
	}
	build(&pk[0], "IPv4 UDP", 0, IPPROTO_UDP, 0);
	build(&pk[1], "IPv4 TCP", 0, IPPROTO_TCP, 0);
	build(&pk[2], "IPv6 UDP", 1, IPPROTO_UDP, 0);
	build(&pk[3], "IPv6 TCP", 1, IPPROTO_TCP, 0);
	build(&pk[4], "VLAN IPv4 UDP", 0, IPPROTO_UDP, 1);
	printf("both pass every packet after their lookups miss\n");
	printf("%-16s %14s %14s %8s %16s\n", "packet", "xdp-filter ns",
	       "vigil-shield ns", "ratio", "(deny-all drop ns)");
	for (i = 0; i < 5; i++) {
		a = ns_per_packet(xfd, &pk[i], &va);
		b = ns_per_packet(bpf_program__fd(s->progs.shield), &pk[i],
				  &vb);
		c = ns_per_packet(xdd, &pk[i], &vc);
		if (va != XDP_PASS || vb != XDP_PASS || vc != XDP_DROP) {
			fprintf(stderr, "shield_cost: %s: verdicts %u/%u/%u, "
				"not the same work\n", pk[i].name, va, vb, vc);
			return 1;
		}
		sa += a;
		sb += b;
		sc += c;
		printf("%-16s %14.1f %14.1f %7.2fx %16.1f\n", pk[i].name, a, b,
		       b / a, c);
	}
	printf("%-16s %14.1f %14.1f %7.2fx %16.1f\n", "mean", sa / 5, sb / 5,
	       sb / sa, sc / 5);
	if (modbus_cost(s) < 0 || dots_cost(s) < 0)
		return 1;
	shield_bpf__destroy(s);
	bpf_object__close(xf);
	bpf_object__close(xd);
	return 0;
}
