/*
 * mitigate.c -- see mitigate.h.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "mitigate.h"

#define V(x) (1u << (x))

static struct shield_rule *rule_for(const struct attack *a,
				    struct shield_rule *r, uint8_t proto,
				    uint64_t rate)
{
	memset(r, 0, sizeof(*r));
	r->family = a->family;
	r->dst_len = a->plen;
	memcpy(r->dst, a->addr, 16);
	r->proto = proto;
	r->action = SHIELD_RATE;
	r->rate_pps = rate > UINT32_MAX ? UINT32_MAX : rate ? (uint32_t)rate : 1;
	return r;
}

/* The packet rate a vector pair (pps, bps) allows: the pps threshold, or
 * the bps one in packets at the attack's mean packet size. */
static uint64_t allowed_pps(const struct attack *a,
			    const struct detect_cfg *c, enum vector pps,
			    enum vector bps)
{
	uint64_t by_pps = c->threshold[pps], by_bps = 0;

	if (c->threshold[bps] && a->peak[bps])
		by_bps = (uint64_t)((double)c->threshold[bps] *
				    (double)a->peak[pps] / (double)a->peak[bps]);
	if (by_pps && by_bps)
		return by_pps < by_bps ? by_pps : by_bps;
	return by_pps ? by_pps : by_bps;
}

static void ports(const struct attack *a, struct shield_rule *r, int sport)
{
	if (sport && a->sig_sport)
		r->sport_lo = r->sport_hi = a->sig_sport;
	if (a->sig_dport)
		r->dport_lo = r->dport_hi = a->sig_dport;
}

/* A volume attack (all packets or bits over): its rule is on the one
 * protocol that carries nearly all of it, when there is one, narrowed to
 * its ports; a prefix's attack is held to the prefix threshold. */
static void volume_rule(const struct attack *a, const struct detect_cfg *c,
			struct shield_rule *r)
{
	uint64_t rate = allowed_pps(a, c, V_PPS, V_BPS);

	if (attack_on_prefix(a)) {
		uint64_t by_bps = c->prefix_bps && a->peak[V_BPS] ?
			(uint64_t)((double)c->prefix_bps * (double)a->peak[V_PPS] /
				   (double)a->peak[V_BPS]) : 0;

		rate = c->prefix_pps && (!by_bps || c->prefix_pps < by_bps) ?
			       c->prefix_pps : by_bps;
	}
	rule_for(a, r, a->sig_proto, rate);
	if (a->sig_proto == IPPROTO_TCP || a->sig_proto == IPPROTO_UDP)
		ports(a, r, a->sig_proto == IPPROTO_UDP);
}

unsigned attack_rules(const struct attack *a, const struct detect_cfg *c,
		      struct shield_rule *out, unsigned max)
{
	uint32_t v = a->vectors;
	unsigned n = 0;

	if (n < max && (v & V(V_SYN))) {
		struct shield_rule *r = rule_for(a, &out[n++], IPPROTO_TCP,
						 c->threshold[V_SYN]);

		r->tcp_flags_mask = 0x12;
		r->tcp_flags_value = 0x02;
		ports(a, r, 0);
	}
	if (n < max && (v & (V(V_UDP) | V(V_UDP_BPS))))
		ports(a, rule_for(a, &out[n++], IPPROTO_UDP,
				  allowed_pps(a, c, V_UDP, V_UDP_BPS)), 1);
	if (n < max && (v & V(V_TCP)))
		ports(a, rule_for(a, &out[n++], IPPROTO_TCP,
				  c->threshold[V_TCP]), 0);
	if (n < max && (v & V(V_ICMP)))
		rule_for(a, &out[n++], a->family == 4 ? IPPROTO_ICMP :
							IPPROTO_ICMPV6,
			 c->threshold[V_ICMP]);
	if (n < max && (v & (V(V_PPS) | V(V_BPS))))
		volume_rule(a, c, &out[n++]);
	else if (n < max && (v & V(V_BASELINE))) {
		double r = c->baseline_factor * (double)a->baseline_pps;

		rule_for(a, &out[n++], 0, r > (double)c->baseline_min_pps ?
						  (uint64_t)r : c->baseline_min_pps);
	}
	return n;
}

/* An allowlisted destination is never signalled upstream. */
static int allowlisted(const struct mitigator *m, const struct attack *a)
{
	struct shield_lpm4 k4 = { 32, 0 };
	struct shield_lpm6 k6 = { 128, { 0 } };
	uint64_t v;

	if (a->family == 4) {
		memcpy(&k4.addr, a->addr, 4);
		return bpf_map_lookup_elem(m->allow4, &k4, &v) == 0;
	}
	memcpy(k6.addr, a->addr, 16);
	return bpf_map_lookup_elem(m->allow6, &k6, &v) == 0;
}

struct plan {
	struct shield_rule local[SHIELD_MAX_RULES], flows[SHIELD_MAX_RULES];
	struct blackhole holes[DETECT_MAX_ATTACKS];
	unsigned nlocal, nflows, nholes;
	uint8_t flow[DETECT_MAX_ATTACKS], hole[DETECT_MAX_ATTACKS];
};

/* The rules that go upstream as FlowSpec: those of one vector. A rule on
 * every protocol to the host would drop all of its traffic upstream;
 * that is the blackhole's job, at its own threshold. 1 if any went. */
static int upstream_flows(struct plan *p, const struct shield_rule *r,
			  unsigned n)
{
	unsigned i, before = p->nflows;

	for (i = 0; i < n; i++)
		if (r[i].proto && r[i].action != SHIELD_PASS) /* a pass is
							       * ours alone */
			p->flows[p->nflows++] = r[i];
	return p->nflows > before;
}

static void plan_attacks(struct mitigator *m, const struct detector *d,
			 struct plan *p)
{
	const struct mitigate_cfg *c = &m->cfg;
	unsigned i, k;

	memset(p, 0, sizeof(*p));
	memcpy(p->local, m->dots, m->ndots * sizeof(m->dots[0]));
	p->nlocal = m->ndots;
	if (c->bird_socket[0])
		upstream_flows(p, m->dots, m->ndots);
	for (i = 0; i < d->nattacks; i++) {
		const struct attack *a = &d->attacks[i];
		int up;

		if (!a->active)
			continue;
		k = attack_rules(a, &d->cfg, p->local + p->nlocal,
				 SHIELD_MAX_RULES - m->nfeed - p->nlocal);
		up = c->bird_socket[0] && !allowlisted(m, a);
		if (up && c->flowspec_pps && attack_pps(a) >= c->flowspec_pps)
			p->flow[i] = upstream_flows(p, p->local + p->nlocal, k);
		if (up && c->rtbh_pps && attack_pps(a) >= c->rtbh_pps &&
		    !attack_on_prefix(a)) { /* never a whole prefix */
			p->holes[p->nholes].family = a->family;
			memcpy(p->holes[p->nholes++].addr, a->addr, 16);
			p->hole[i] = 1;
		}
		p->nlocal += k;
	}
	memcpy(p->local + p->nlocal, m->feed, m->nfeed * sizeof(m->feed[0]));
	p->nlocal += m->nfeed; /* the attacks' rules come first */
}

/* A rule that is new in its slot starts with no hits and a full
 * bucket, not with what the slot's previous rule left. */
static void reset_slots(struct mitigator *m, const struct plan *p)
{
	static struct shield_hits zero_hits[1024];
	struct shield_bucket empty = { 0, 0 };
	uint32_t i;

	for (i = 0; i < p->nlocal; i++) {
		if (i < m->nrules &&
		    !memcmp(&p->local[i], &m->rules[i], sizeof(p->local[i])))
			continue;
		if (m->hits > 0)
			bpf_map_update_elem(m->hits, &i, zero_hits, 0);
		if (m->buckets > 0)
			bpf_map_update_elem(m->buckets, &i, &empty, 0);
	}
}

static int apply_local(struct mitigator *m, struct detector *d,
		       const struct plan *p, double now)
{
	unsigned i;

	if (p->nlocal == m->nrules &&
	    !memcmp(p->local, m->rules, p->nlocal * sizeof(p->local[0])))
		return 0;
	reset_slots(m, p);
	if (shield_rules_load(&m->maps, p->local, p->nlocal) < 0) {
		snprintf(m->error, sizeof(m->error), "cannot load rules: %s",
			 strerror(errno));
		return -1;
	}
	memcpy(m->rules, p->local, p->nlocal * sizeof(p->local[0]));
	m->nrules = p->nlocal;
	for (i = 0; i < d->nattacks; i++)
		if (d->attacks[i].active && !d->attacks[i].t_rule)
			d->attacks[i].t_rule = now;
	return 0;
}

static void record_upstream(struct mitigator *m, struct detector *d,
			    const struct plan *p, double now)
{
	unsigned i;

	for (i = 0; i < d->nattacks; i++) {
		struct attack *a = &d->attacks[i];

		if (p->flow[i] && !a->t_flowspec) {
			a->t_flowspec = now;
			m->announced++;
		}
		if (p->hole[i] && !a->t_rtbh) {
			a->t_rtbh = now;
			m->announced++;
		}
		if (!a->active && (a->t_flowspec || a->t_rtbh) &&
		    !a->t_withdrawn) {
			unsigned n = !!a->t_flowspec + !!a->t_rtbh;

			a->t_withdrawn = now;
			m->withdrawn += n; /* routes, as announcements count */
			printf("vigil-shield: attack %u over: %u upstream "
			       "route%s withdrawn\n", a->id, n,
			       n == 1 ? "" : "s");
			fflush(stdout);
		}
	}
}

static int apply_upstream(struct mitigator *m, const char *text)
{
	char err[256];

	if (!strcmp(text, m->applied))
		return 0;
	if (bird_write(m->cfg.bird_include, text) < 0) {
		snprintf(m->error, sizeof(m->error), "%.128s: %s",
			 m->cfg.bird_include, strerror(errno));
		m->bird_failed++;
		return -1;
	}
	if (bird_configure(m->cfg.bird_socket, err, sizeof(err)) < 0) {
		if (strcmp(err, m->error))
			fprintf(stderr, "vigil-shield: %s\n", err);
		snprintf(m->error, sizeof(m->error), "%s", err);
		m->bird_failed++;
		return -1;
	}
	snprintf(m->applied, sizeof(m->applied), "%s", text);
	m->error[0] = '\0';
	m->bird_ok++;
	return 0;
}

int mitigate(struct mitigator *m, struct detector *d, double now)
{
	static struct plan p;
	static char text[BIRD_TEXT_MAX];
	int rc;

	plan_attacks(m, d, &p);
	rc = apply_local(m, d, &p, now);
	if (!m->cfg.bird_socket[0])
		return rc;
	if (bird_text(text, sizeof(text), p.flows, p.nflows,
		      m->cfg.flowspec_rate_limit, p.holes, p.nholes) < 0 ||
	    bird_text_routes(text, sizeof(text), m->routes, m->nroutes) < 0) {
		snprintf(m->error, sizeof(m->error), "too many upstream routes");
		return -1;
	}
	if (apply_upstream(m, text) < 0)
		return -1;
	record_upstream(m, d, &p, now);
	return rc;
}

struct shield_hits mitigate_rule_hits(const struct mitigator *m, uint32_t i)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct shield_hits v[1024], sum = { 0, 0 };

	if (ncpu <= 0 || ncpu > 1024 || m->hits <= 0 ||
	    bpf_map_lookup_elem(m->hits, &i, v) < 0)
		return sum;
	for (c = 0; c < ncpu; c++) {
		sum.packets += v[c].packets;
		sum.bytes += v[c].bytes;
	}
	return sum;
}

void mitigate_withdraw_all(struct mitigator *m)
{
	static char text[BIRD_TEXT_MAX];

	if (!m->cfg.bird_socket[0] ||
	    bird_text(text, sizeof(text), NULL, 0, 0, NULL, 0) < 0)
		return;
	m->applied[0] = '\x01'; /* differs from any text: always apply */
	apply_upstream(m, text);
}
