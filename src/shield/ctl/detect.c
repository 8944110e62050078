/*
 * detect.c -- see detect.h. Counting is per one-second window and per
 * destination, in a table that is emptied each window (bounded by
 * DETECT_MAX_DESTS; samples beyond it in one second are counted as
 * uncounted, which a flood at many addresses shows as such).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

const char *const vector_names[V_COUNT] = {
	"pps", "bps", "udp", "udp-bps", "tcp", "syn", "icmp", "baseline",
};

#define EWMA_WEIGHT 0.1		/* a window's weight in the baseline */
#define SIGNATURE_SHARE 0.6	/* a port this dominant narrows the rule */
#define SIGNATURE_MIN 20	/* samples before a signature is trusted */

void detect_init(struct detector *d, double now)
{
	struct detect_cfg cfg = d->cfg;

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->window_start = now;
	d->next_id = 1;
}

/* The protected prefix an address is in: its index, -1 if none is
 * configured (every address is watched), -2 if it is outside them all. */
static int protected(const struct detector *d, uint8_t family,
		     const uint8_t *addr)
{
	unsigned i;

	if (!d->cfg.nprotect)
		return -1;
	for (i = 0; i < d->cfg.nprotect; i++)
		if (prefix_contains(&d->cfg.protect[i], family, addr))
			return (int)i;
	return -2;
}

static unsigned addr_hash(uint8_t family, const uint8_t *addr)
{
	uint32_t w[4], h = family;
	unsigned i;

	memcpy(w, addr, 16);
	for (i = 0; i < 4; i++)
		h = (h ^ w[i]) * 0x9e3779b1u;
	return (h >> 16 ^ h) & (DETECT_HASH - 1);
}

/* The slot of an address in an index: its own, or the free one where it
 * would go (linear probing; the index is never more than half full). */
static uint16_t *slot_of(uint16_t *index, const void *table, size_t stride,
			 uint8_t family, const uint8_t *addr)
{
	unsigned h = addr_hash(family, addr);

	for (;; h = (h + 1) & (DETECT_HASH - 1)) {
		const uint8_t *e;

		if (!index[h])
			return &index[h];
		/* entries begin with family, then the 16 address bytes */
		e = (const uint8_t *)table + (index[h] - 1) * stride;
		if (e[0] == family && !memcmp(e + 1, addr, 16))
			return &index[h];
	}
}

static struct dst_count *dst_of(struct detector *d, uint8_t family,
				const uint8_t *addr)
{
	uint16_t *slot = slot_of(d->dst_slot, d->dst, sizeof(d->dst[0]),
				 family, addr);
	struct dst_count *c;

	if (*slot)
		return &d->dst[*slot - 1];
	if (d->ndst == DETECT_MAX_DESTS)
		return NULL;
	c = &d->dst[d->ndst++];
	memset(c, 0, sizeof(*c));
	c->family = family;
	memcpy(c->addr, addr, 16);
	*slot = (uint16_t)d->ndst;
	return c;
}

/* An attack covers an address: the one it is on, or inside its prefix. */
static int covers(const struct attack *a, uint8_t family, const uint8_t *addr)
{
	struct prefix p;

	if (a->family != family)
		return 0;
	if (!attack_on_prefix(a))
		return !memcmp(a->addr, addr, 16);
	memset(&p, 0, sizeof(p));
	p.family = family;
	memcpy(family == 4 ? (void *)&p.v4.addr : p.v6.addr, a->addr,
	       family == 4 ? 4 : 16);
	p.v4.prefixlen = p.v6.prefixlen = a->plen;
	return prefix_contains(&p, family, addr);
}

/* The active attack on exactly this target (address, length). */
static struct attack *active_on(struct detector *d, uint8_t family,
				const uint8_t *addr, uint8_t len)
{
	unsigned i;

	for (i = 0; i < d->nattacks; i++) {
		struct attack *a = &d->attacks[i];

		if (a->active && a->family == family && a->plen == len &&
		    !memcmp(a->addr, addr, 16))
			return a;
	}
	return NULL;
}

static uint8_t host_len(uint8_t family)
{
	return family == 4 ? 32 : 128;
}

static void count(struct dst_count *c, const struct shield_sample *s)
{
	uint64_t bits = (uint64_t)s->len * 8;

	c->n[V_PPS]++;
	c->n[V_BPS] += bits;
	c->n[V_BASELINE]++;
	if (s->proto == IPPROTO_UDP) {
		c->n[V_UDP]++;
		c->n[V_UDP_BPS] += bits;
	} else if (s->proto == IPPROTO_TCP) {
		c->n[V_TCP]++;
		if ((s->tcp_flags & 0x12) == 0x02)
			c->n[V_SYN]++;
	} else if (s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6) {
		c->n[V_ICMP]++;
	}
}

/* The heavy hitters of an attack under way. */
static void observe(struct attack *a, const struct shield_sample *s)
{
	uint8_t src[17];
	uint16_t len = s->len;

	src[0] = s->family;
	memcpy(src + 1, s->src, 16);
	topk_add(&a->src, src, sizeof(src));
	if (s->proto == IPPROTO_UDP || s->proto == IPPROTO_TCP) {
		topk_add(&a->sport, &s->sport, 2);
		topk_add(&a->dport, &s->dport, 2);
	}
	topk_add(&a->len, &len, 2);
	topk_add(&a->proto, &s->proto, 1);
}

void detect_sample(struct detector *d, const struct shield_sample *s)
{
	struct dst_count *c;
	int p = protected(d, s->family, s->dst), seen = 0;
	unsigned i;

	d->samples++;
	if (p == -2)
		return;
	if (p >= 0)
		count(&d->prefix[p], s);
	if (!(c = dst_of(d, s->family, s->dst)))
		d->uncounted++;
	else
		count(c, s);
	for (i = 0; i < d->nattacks; i++)
		if (d->attacks[i].active &&
		    covers(&d->attacks[i], s->family, s->dst)) {
			observe(&d->attacks[i], s);
			seen = 1;
		}
	if (!seen && d->nrecent < DETECT_RECENT)
		d->recent[d->nrecent++] = *s;
}

static int newer(const void *a, const void *b)
{
	const struct baseline *x = a, *y = b;

	return x->last < y->last ? 1 : x->last > y->last ? -1 : 0;
}

/* The table is full: the older half goes, and the index is rebuilt. */
static void forget_oldest(struct detector *d)
{
	unsigned i;

	qsort(d->base, d->nbase, sizeof(d->base[0]), newer);
	d->nbase /= 2;
	memset(d->base_slot, 0, sizeof(d->base_slot));
	for (i = 0; i < d->nbase; i++)
		*slot_of(d->base_slot, d->base, sizeof(d->base[0]),
			 d->base[i].family, d->base[i].addr) = (uint16_t)(i + 1);
}

static struct baseline *baseline_of(struct detector *d,
				    const struct dst_count *c, double now)
{
	uint16_t *slot = slot_of(d->base_slot, d->base, sizeof(d->base[0]),
				 c->family, c->addr);
	struct baseline *b;

	if (*slot)
		return &d->base[*slot - 1];
	if (d->nbase == DETECT_MAX_DESTS) {
		forget_oldest(d);
		slot = slot_of(d->base_slot, d->base, sizeof(d->base[0]),
			       c->family, c->addr);
	}
	b = &d->base[d->nbase++];
	memset(b, 0, sizeof(*b));
	b->family = c->family;
	memcpy(b->addr, c->addr, 16);
	b->last = now;
	*slot = (uint16_t)d->nbase;
	return b;
}

/* Which vectors of one destination's window are over (a bit each);
 * rates[] gets the window's rates. */
static uint32_t over_of(struct detector *d, const struct dst_count *c,
			double now, double secs, uint64_t *rates)
{
	struct baseline *b = baseline_of(d, c, now);
	uint32_t over = 0;
	unsigned v;

	for (v = 0; v < V_COUNT; v++) {
		rates[v] = (uint64_t)((double)c->n[v] * d->cfg.sample_every /
				      secs);
		if (v != V_BASELINE && d->cfg.threshold[v] &&
		    rates[v] > d->cfg.threshold[v])
			over |= 1u << v;
	}
	if (d->cfg.baseline_factor > 0 && b->windows >= d->cfg.baseline_warmup &&
	    rates[V_BASELINE] > d->cfg.baseline_min_pps &&
	    rates[V_BASELINE] > d->cfg.baseline_factor * b->mean_pps)
		over |= 1u << V_BASELINE;
	rates[V_BASELINE] = (uint64_t)b->mean_pps;
	if (!over && !active_on(d, c->family, c->addr, host_len(c->family))) {
		/* quiet: learn */
		b->mean_pps = b->windows ? b->mean_pps * (1 - EWMA_WEIGHT) +
					   EWMA_WEIGHT * (double)rates[V_PPS] :
					   (double)rates[V_PPS];
		b->windows++;
	}
	b->last = now;
	return over;
}

static struct attack *new_attack(struct detector *d)
{
	unsigned i;

	if (d->nattacks < DETECT_MAX_ATTACKS)
		return &d->attacks[d->nattacks++];
	for (i = 0; i < d->nattacks; i++) /* the oldest ended one goes */
		if (!d->attacks[i].active) {
			memmove(&d->attacks[i], &d->attacks[i + 1],
				(d->nattacks - i - 1) * sizeof(d->attacks[0]));
			return &d->attacks[d->nattacks - 1];
		}
	return NULL;
}

static struct attack *start_attack(struct detector *d,
				   const struct dst_count *c, uint8_t len,
				   double now, uint64_t baseline)
{
	struct attack *a = new_attack(d);
	unsigned i;

	if (!a)
		return NULL;
	memset(a, 0, sizeof(*a));
	a->id = d->next_id++;
	a->family = c->family;
	memcpy(a->addr, c->addr, 16);
	a->plen = len;
	a->active = 1;
	a->start = now;
	a->baseline_pps = baseline;
	for (i = 0; i < d->nrecent; i++) /* what the window saw of it */
		if (covers(a, d->recent[i].family, d->recent[i].dst))
			observe(a, &d->recent[i]);
	return a;
}

static uint16_t dominant_port(const struct topk *t)
{
	const struct topk_entry *e = topk_dominant(t, SIGNATURE_SHARE);
	uint16_t port = 0;

	if (e && t->total >= SIGNATURE_MIN)
		memcpy(&port, e->key, 2);
	return port;
}

/* A port or protocol that most of the attack uses narrows its rules;
 * 1 if that changed. */
static int signature(struct attack *a)
{
	uint16_t sp = dominant_port(&a->sport), dp = dominant_port(&a->dport);
	const struct topk_entry *e = topk_dominant(&a->proto, 0.9);
	uint8_t proto = e && a->proto.total >= SIGNATURE_MIN ? e->key[0] : 0;
	int changed = sp != a->sig_sport || dp != a->sig_dport ||
		      proto != a->sig_proto;

	a->sig_sport = sp;
	a->sig_dport = dp;
	a->sig_proto = proto;
	return changed;
}

/* An attack on (c, len) is over these vectors this window: it starts or
 * goes on; 1 if it started or gained a vector. */
static int over_now(struct detector *d, const struct dst_count *c,
		    uint8_t len, uint32_t over, const uint64_t *rates,
		    double now)
{
	struct attack *a = active_on(d, c->family, c->addr, len);
	int changed;
	unsigned v;

	if (!a && !(a = start_attack(d, c, len, now, rates[V_BASELINE])))
		return 0;
	changed = (a->vectors | over) != a->vectors || a->start == now;
	a->vectors |= over;
	a->over = over;
	a->last_over = now;
	for (v = 0; v < V_COUNT; v++)
		if (v != V_BASELINE && rates[v] > a->peak[v])
			a->peak[v] = rates[v];
	return changed;
}

/* Protected prefixes judged whole (carpet bombing). */
static int judge_prefixes(struct detector *d, double now, double secs)
{
	uint64_t rates[V_COUNT];
	unsigned i, v;
	int changed = 0;

	for (i = 0; i < d->cfg.nprotect; i++) {
		const struct prefix *p = &d->cfg.protect[i];
		struct dst_count *c = &d->prefix[i];
		uint32_t over = 0;

		for (v = 0; v < V_COUNT; v++)
			rates[v] = (uint64_t)((double)c->n[v] *
					      d->cfg.sample_every / secs);
		rates[V_BASELINE] = 0;
		if (d->cfg.prefix_pps && rates[V_PPS] > d->cfg.prefix_pps)
			over |= 1u << V_PPS;
		if (d->cfg.prefix_bps && rates[V_BPS] > d->cfg.prefix_bps)
			over |= 1u << V_BPS;
		c->family = (uint8_t)p->family;
		memcpy(c->addr, p->family == 4 ? (const void *)&p->v4.addr :
						 (const void *)p->v6.addr,
		       p->family == 4 ? 4 : 16);
		if (over)
			changed |= over_now(d, c, (uint8_t)(p->family == 4 ?
							   p->v4.prefixlen :
							   p->v6.prefixlen),
					    over, rates, now);
		memset(c->n, 0, sizeof(c->n));
	}
	return changed;
}

/* The window's rates against the thresholds: attacks start or go on. */
static int judge(struct detector *d, double now, double secs)
{
	uint64_t rates[V_COUNT];
	unsigned i;
	int changed = 0;

	for (i = 0; i < d->nattacks; i++)
		d->attacks[i].over = 0;
	for (i = 0; i < d->ndst; i++) {
		uint32_t over = over_of(d, &d->dst[i], now, secs, rates);

		if (over)
			changed |= over_now(d, &d->dst[i],
					    host_len(d->dst[i].family), over,
					    rates, now);
	}
	return changed | judge_prefixes(d, now, secs);
}

int detect_tick(struct detector *d, double now)
{
	double secs = now - d->window_start;
	unsigned i;
	int changed;

	if (secs < 1.0)
		return 0;
	changed = judge(d, now, secs);
	for (i = 0; i < d->nattacks; i++) {
		struct attack *a = &d->attacks[i];

		if (!a->active)
			continue;
		changed |= signature(a);
		if (now - a->last_over >= d->cfg.hold_down_s) {
			a->active = 0;
			a->end = now;
			changed = 1;
		}
	}
	d->ndst = d->nrecent = 0;
	memset(d->dst_slot, 0, sizeof(d->dst_slot));
	d->window_start = now;
	return changed;
}

uint64_t attack_pps(const struct attack *a)
{
	return a->peak[V_PPS];
}

int attack_on_prefix(const struct attack *a)
{
	return a->plen < host_len(a->family);
}

void attack_target(const struct attack *a, char *out, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->addr, addr,
		  sizeof(addr));
	if (attack_on_prefix(a))
		snprintf(out, len, "%s/%u", addr, a->plen);
	else
		snprintf(out, len, "%s", addr);
}
