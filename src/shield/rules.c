/*
 * rules.c -- see rules.h. A rule with a protocol of TCP, UDP or any, and a
 * destination port range of at most SHIELD_INDEX_MAX_PORTS ports, is
 * indexed under each (protocol, port) it can match; any other rule is a
 * wildcard, tried for every packet. Rules for a destination are also
 * found by it (shield.h: struct shield_dst_key), so a packet tries only
 * the rules the index and the wildcard name that are for its
 * destination or for any, in rule order.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct entry {
	struct shield_index_key key;
	uint64_t mask;
};

struct table {
	struct entry *e;
	size_t n, cap;
};

static int add(struct table *t, uint8_t proto, uint16_t port, unsigned bit,
	       uint8_t gen)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->e[i].key.proto == proto && t->e[i].key.dport == port) {
			t->e[i].mask |= 1ull << bit;
			return 0;
		}
	}
	if (t->n == SHIELD_MAX_INDEX) {
		errno = ENOSPC;
		return -1;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct entry *e = realloc(t->e, cap * sizeof(*e));

		if (!e)
			return -1;
		t->e = e;
		t->cap = cap;
	}
	memset(&t->e[t->n].key, 0, sizeof(t->e[t->n].key));
	t->e[t->n].key.proto = proto;
	t->e[t->n].key.gen = gen;
	t->e[t->n].key.dport = port;
	t->e[t->n++].mask = 1ull << bit;
	return 0;
}

/* Indexes rule i, or says (1) that it is a wildcard. */
static int index_rule(struct table *t, const struct shield_rule *r,
		      unsigned i, uint8_t gen)
{
	static const uint8_t both[] = { IPPROTO_TCP, IPPROTO_UDP };
	unsigned lo = r->dport_lo, hi = r->dport_hi, p, port;

	if ((!lo && !hi) || hi < lo || hi - lo >= SHIELD_INDEX_MAX_PORTS ||
	    (r->proto && r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP))
		return 1;
	for (p = 0; p < 2; p++) {
		if (r->proto && r->proto != both[p])
			continue;
		for (port = lo; port <= hi; port++)
			if (add(t, both[p], (uint16_t)port, i, gen) < 0)
				return -1;
	}
	return 0;
}

/* Removes the index entries of one generation. */
static int clear_index(int fd, uint8_t gen)
{
	struct shield_index_key k, next;
	int have = 0;

	while (bpf_map_get_next_key(fd, have ? &k : NULL, &next) == 0) {
		if (next.gen == gen) {
			if (bpf_map_delete_elem(fd, &next) < 0)
				return -1;
			continue; /* from k again: next is gone */
		}
		k = next;
		have = 1;
	}
	return 0;
}

/* 1 if outer's destination prefix holds inner's. */
static int holds(const struct shield_rule *outer,
		 const struct shield_rule *inner)
{
	unsigned i, bits;

	if (outer->family != inner->family || outer->dst_len > inner->dst_len)
		return 0;
	for (i = 0; i * 8 < outer->dst_len; i++) {
		bits = outer->dst_len - i * 8 >= 8 ? 8 : outer->dst_len - i * 8;
		if ((outer->dst[i] ^ inner->dst[i]) & (0xff << (8 - bits)) &
		    0xff)
			return 0;
	}
	return 1;
}

static int names_dst(const struct shield_rule *r)
{
	return r->dst_len && (r->family == 4 || r->family == 6);
}

/* Removes the destination entries of one generation. */
static int clear_dst(int fd, uint8_t gen)
{
	struct shield_dst_key k, next;
	int have = 0;

	while (bpf_map_get_next_key(fd, have ? &k : NULL, &next) == 0) {
		if (next.gen == gen) {
			if (bpf_map_delete_elem(fd, &next) < 0)
				return -1;
			have = 0; /* the walk starts again */
			continue;
		}
		k = next;
		have = 1;
	}
	return 0;
}

/* The destination entries of one generation: one a destination prefix,
 * holding the rules whose prefix holds it. The rules for any
 * destination into *any. */
static int write_dst(int fd, const struct shield_rule *r, unsigned n,
		     uint8_t gen, __u64 *any)
{
	unsigned i, j;

	*any = 0;
	if (clear_dst(fd, gen) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct shield_dst_key k = { SHIELD_DST_KEY_BITS + r[i].dst_len,
					    gen, r[i].family, { 0 } };
		uint64_t mask = 0;

		if (!names_dst(&r[i])) {
			*any |= 1ull << i;
			continue;
		}
		memcpy(k.addr, r[i].dst, 16);
		for (j = 0; j < n; j++)
			if (names_dst(&r[j]) && holds(&r[j], &r[i]))
				mask |= 1ull << j;
		if (bpf_map_update_elem(fd, &k, &mask, 0) < 0)
			return -1;
	}
	return 0;
}

/* Writes the generation not in force (rules, then its indexes), then
 * makes it the one in force, then clears the old one's indexes. */
int shield_rules_load(const struct shield_maps *m, const struct shield_rule *r,
		      unsigned n)
{
	static struct shield_ruleset rs;
	struct shield_config cfg;
	struct table t = { NULL, 0, 0 };
	uint32_t zero = 0, gen;
	unsigned i;
	size_t j;
	int rc = -1, w;

	if (n > SHIELD_MAX_RULES) {
		errno = E2BIG;
		return -1;
	}
	if (bpf_map_lookup_elem(m->config, &zero, &cfg) < 0)
		return -1;
	gen = (cfg.gen & 1) ^ 1;
	memset(&rs, 0, sizeof(rs));
	for (i = 0; i < n; i++) {
		if ((w = index_rule(&t, &r[i], i, (uint8_t)gen)) < 0)
			goto out;
		if (w)
			rs.wildcard |= 1ull << i;
	}
	rs.nrules = n;
	memcpy(rs.r, r, n * sizeof(*r));
	if (write_dst(m->dst, r, n, (uint8_t)gen, &rs.any_dst) < 0)
		goto out;
	rs.has_dst = rs.any_dst != (n == 64 ? ~0ull : (1ull << n) - 1);
	if (clear_index(m->index, (uint8_t)gen) < 0 ||
	    bpf_map_update_elem(m->rules, &gen, &rs, 0) < 0)
		goto out;
	for (j = 0; j < t.n; j++)
		if (bpf_map_update_elem(m->index, &t.e[j].key, &t.e[j].mask,
					0) < 0)
			goto out;
	cfg.gen = gen;
	if (bpf_map_update_elem(m->config, &zero, &cfg, 0) < 0)
		goto out;
	rc = clear_index(m->index, (uint8_t)(gen ^ 1)) < 0 ||
	     clear_dst(m->dst, (uint8_t)(gen ^ 1)) < 0 ? -1 : 0;
out:
	free(t.e);
	return rc;
}
