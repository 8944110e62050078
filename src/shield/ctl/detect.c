/*
 * detect.c -- see detect.h. Counting is per one-second window and per
 * destination, in a table that is emptied each window (bounded by
 * DETECT_MAX_DESTS; destinations beyond it in one second are not
 * counted, which a flood at many addresses would show as such).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "detect.h"

static const char *const vector_names[V_COUNT] = { "pps", "udp", "syn" };

void detect_init(struct detector *d, double now)
{
	struct detect_cfg cfg = d->cfg;

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->window_start = now;
}

static struct dst_count *dst_of(struct detector *d, uint8_t family,
				const uint8_t *addr)
{
	unsigned i;

	for (i = 0; i < d->ndst; i++)
		if (d->dst[i].family == family &&
		    !memcmp(d->dst[i].addr, addr, 16))
			return &d->dst[i];
	if (d->ndst == DETECT_MAX_DESTS)
		return NULL;
	d->dst[d->ndst].family = family;
	memcpy(d->dst[d->ndst].addr, addr, 16);
	memset(d->dst[d->ndst].n, 0, sizeof(d->dst[d->ndst].n));
	return &d->dst[d->ndst++];
}

void detect_sample(struct detector *d, const struct shield_sample *s)
{
	struct dst_count *c = dst_of(d, s->family, s->dst);

	if (!c)
		return;
	c->n[V_PPS]++;
	if (s->proto == IPPROTO_UDP)
		c->n[V_UDP]++;
	if (s->proto == IPPROTO_TCP && (s->tcp_flags & 0x12) == 0x02)
		c->n[V_SYN]++;
}

static struct attack *attack_of(struct detector *d, const struct dst_count *c,
				enum vector v)
{
	unsigned i;

	for (i = 0; i < d->nattacks; i++) {
		struct attack *a = &d->attacks[i];

		if (a->active && a->vector == v && a->family == c->family &&
		    !memcmp(a->addr, c->addr, 16))
			return a;
	}
	return NULL;
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

/* The window's rates against the thresholds: attacks start or go on. */
static int judge(struct detector *d, double now, double secs)
{
	unsigned i, v;
	int changed = 0;

	for (i = 0; i < d->ndst; i++) {
		for (v = 0; v < V_COUNT; v++) {
			uint64_t rate = (uint64_t)((double)d->dst[i].n[v] *
						   d->cfg.sample_every / secs);
			struct attack *a;

			if (!d->cfg.threshold[v] || rate <= d->cfg.threshold[v])
				continue;
			if (!(a = attack_of(d, &d->dst[i], (enum vector)v))) {
				if (!(a = new_attack(d)))
					continue;
				memset(a, 0, sizeof(*a));
				a->family = d->dst[i].family;
				memcpy(a->addr, d->dst[i].addr, 16);
				a->vector = (enum vector)v;
				a->active = 1;
				a->start = now;
				changed = 1;
			}
			a->last_over = now;
			if (rate > a->peak_pps)
				a->peak_pps = rate;
		}
	}
	return changed;
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

		if (a->active && now - a->last_over >= d->cfg.hold_down_s) {
			a->active = 0;
			a->end = now;
			changed = 1;
		}
	}
	d->ndst = 0;
	d->window_start = now;
	return changed;
}

unsigned detect_rules(const struct detector *d, struct shield_rule *out,
		      unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; i < d->nattacks && n < max; i++) {
		const struct attack *a = &d->attacks[i];
		struct shield_rule *r = &out[n];

		if (!a->active)
			continue;
		memset(r, 0, sizeof(*r));
		r->family = a->family;
		r->dst_len = a->family == 4 ? 32 : 128;
		memcpy(r->dst, a->addr, 16);
		r->action = SHIELD_RATE;
		r->rate_pps = (uint32_t)d->cfg.threshold[a->vector];
		if (a->vector == V_UDP)
			r->proto = IPPROTO_UDP;
		if (a->vector == V_SYN) {
			r->proto = IPPROTO_TCP;
			r->tcp_flags_mask = 0x12;
			r->tcp_flags_value = 0x02;
		}
		n++;
	}
	return n;
}

void detect_json(const struct detector *d, FILE *out)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned i;

	fputc('[', out);
	for (i = 0; i < d->nattacks; i++) {
		const struct attack *a = &d->attacks[i];

		inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->addr, addr,
			  sizeof(addr));
		fprintf(out, "%s{\"destination\":\"%s\",\"vector\":\"%s\","
			"\"state\":\"%s\",\"peak_pps\":%llu,\"start\":%.0f,"
			"\"end\":%.0f}", i ? "," : "", addr,
			vector_names[a->vector], a->active ? "active" : "ended",
			(unsigned long long)a->peak_pps, a->start, a->end);
	}
	fputc(']', out);
}
