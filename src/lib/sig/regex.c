/*
 * regex.c -- pattern bytecode to Vectorscan expression. Every byte is
 * written as \xHH so that no byte is ever a metacharacter. What a regular
 * expression cannot say (edge tests, negated multi-byte alternatives, huge
 * repeats) is relaxed to something that matches a superset, and the
 * pattern is marked inexact so that hits are verified.
 */
#include "common/le.h"
#include "sig/regex.h"

#include <stdio.h>

#include "sig/pattern.h"
#include "vigil/vigil.h"

struct rx {
	struct vbuf *out;
	int exact;
	int rc;
};

static void put(struct rx *r, const char *s, size_t n)
{
	if (!r->rc)
		r->rc = vbuf_append(r->out, s, n);
}

static void puts_(struct rx *r, const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	put(r, s, n);
}

static void put_byte(struct rx *r, unsigned b)
{
	char t[5];

	snprintf(t, sizeof(t), "\\x%02x", b & 0xff);
	put(r, t, 4);
}

static void put_repeat(struct rx *r, uint32_t min, uint32_t max)
{
	char t[32];

	if (min > REGEX_MAX_REPEAT) {
		min = REGEX_MAX_REPEAT;
		r->exact = 0;
	}
	if (max != PAT_INF && max > REGEX_MAX_REPEAT) {
		max = PAT_INF;
		r->exact = 0;
	}
	if (min == 0 && max == PAT_INF)
		snprintf(t, sizeof(t), ".*");
	else if (max == PAT_INF)
		snprintf(t, sizeof(t), ".{%u,}", min);
	else if (min == max && min == 1)
		snprintf(t, sizeof(t), ".");
	else if (min == max)
		snprintf(t, sizeof(t), ".{%u}", min);
	else
		snprintf(t, sizeof(t), ".{%u,%u}", min, max);
	puts_(r, t);
}

/* A class of bytes as [...] with ranges; "." if it holds every byte. */
static void put_map(struct rx *r, const uint8_t map[32])
{
	unsigned b = 0, n = 0, e;

	for (e = 0; e < 256; e++)
		n += (map[e >> 3] >> (e & 7)) & 1;
	if (n == 256) {
		puts_(r, ".");
		return;
	}
	if (n == 1) {
		for (e = 0; !((map[e >> 3] >> (e & 7)) & 1); e++)
			;
		put_byte(r, e);
		return;
	}
	puts_(r, "[");
	while (b < 256) {
		if (!((map[b >> 3] >> (b & 7)) & 1)) {
			b++;
			continue;
		}
		for (e = b; e + 1 < 256 && ((map[(e + 1) >> 3] >> ((e + 1) & 7)) & 1);
		     e++)
			;
		put_byte(r, b);
		if (e > b) {
			puts_(r, "-");
			put_byte(r, e);
		}
		b = e + 1;
	}
	puts_(r, "]");
}

static void put_masked(struct rx *r, uint8_t v, uint8_t m)
{
	uint8_t map[32] = { 0 };
	unsigned b;

	if (m == 0xff) {
		put_byte(r, v);
		return;
	}
	for (b = 0; b < 256; b++)
		if ((b & m) == v)
			map[b >> 3] |= (uint8_t)(1u << (b & 7));
	put_map(r, map);
}

static size_t put_alt(struct rx *r, const uint8_t *c)
{
	const uint8_t *p = c + 4;
	unsigned n = (unsigned)(c[2] | c[3] << 8), i, k, ml = 0;

	if (c[1]) { /* negated: any bytes of the members' length, verified */
		r->exact = 0;
		put_repeat(r, (uint32_t)(p[0] | p[1] << 8),
			   (uint32_t)(p[0] | p[1] << 8));
	} else {
		puts_(r, "(?:");
	}
	for (i = 0; i < n; i++, p += 2 + ml * 2) {
		ml = (unsigned)(p[0] | p[1] << 8);
		if (c[1])
			continue;
		if (i)
			puts_(r, "|");
		for (k = 0; k < ml; k++)
			put_masked(r, p[2 + 2 * k], p[3 + 2 * k]);
	}
	if (!c[1])
		puts_(r, ")");
	return (size_t)(p - c);
}

int regex_from_pattern(const uint8_t *code, size_t len, struct vbuf *out,
		       int *exact)
{
	struct rx r = { out, 1, 0 };
	const uint8_t *c = code, *end = code + len;
	unsigned n, i;

	while (c < end && !r.rc) {
		switch (c[0]) {
		case PAT_LIT:
			n = (unsigned)(c[1] | c[2] << 8);
			for (i = 0; i < n; i++)
				put_byte(&r, c[3 + i]);
			c += 3 + n;
			break;
		case PAT_MASK:
			put_masked(&r, c[1], c[2]);
			c += 3;
			break;
		case PAT_ANY:
			put_repeat(&r, le32_load(c + 1), le32_load(c + 1));
			c += 5;
			break;
		case PAT_GAP:
			put_repeat(&r, le32_load(c + 1), le32_load(c + 5));
			c += 9;
			break;
		case PAT_CLASS:
			put_map(&r, c + 1);
			c += 33;
			break;
		case PAT_ALT:
			c += put_alt(&r, c);
			break;
		case PAT_LINE:
			if (c[1]) {
				r.exact = 0;
				puts_(&r, "[^\\x0a]");
			} else {
				puts_(&r, "(?:\\x0a|\\x0d\\x0a)");
			}
			c += 2;
			break;
		default: /* PAT_EDGE: tested by verification */
			r.exact = 0;
			c += 2;
		}
	}
	put(&r, "", 1);
	*exact = r.exact;
	return r.rc;
}

int regex_from_bytes(const uint8_t *b, size_t len, struct vbuf *out)
{
	struct rx r = { out, 1, 0 };
	size_t i;

	for (i = 0; i < len; i++)
		put_byte(&r, b[i]);
	put(&r, "", 1);
	return r.rc;
}
