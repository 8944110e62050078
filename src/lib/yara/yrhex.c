/*
 * yrhex.c -- checks a YARA hex string the way yarac does: a sequence
 * begins and ends with a byte or an alternative, never a jump; a jump's
 * bounds are in order; an alternative holds sequences; unbounded jumps
 * stay out of alternatives. The body is untrusted text read through its
 * length only.
 */
#include "yara/yrhex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

struct hx {
	const char *p, *end;
	char *err;
	size_t cap;
	int oom;
};

static int hexdig(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* A new item at the end of seq (when a program is being built). */
static struct yr_hex_item *add(struct hx *h, struct yr_hex_seq *seq)
{
	if (!seq)
		return NULL;
	if (seq->n == seq->cap) {
		uint32_t cap = seq->cap ? seq->cap * 2 : 8;
		struct yr_hex_item *it = realloc(seq->items, cap * sizeof(*it));

		if (!it) {
			h->oom = 1;
			return NULL;
		}
		seq->items = it;
		seq->cap = cap;
	}
	memset(&seq->items[seq->n], 0, sizeof(seq->items[0]));
	return &seq->items[seq->n++];
}

/* A jump's or alternative's part for item it of seq: NULL when nothing
 * is built. */
static struct yr_hex_ext *add_ext(struct hx *h, struct yr_hex_seq *seq,
				  struct yr_hex_item *it)
{
	if (!it)
		return NULL;
	if (seq->next >= YR_HEX_MAX_EXT) { /* past what an item holds */
		h->oom = 1;
		return NULL;
	}
	if (seq->next == seq->capext) {
		uint32_t cap = seq->capext ? seq->capext * 2 : 4;
		struct yr_hex_ext *x = realloc(seq->ext, cap * sizeof(*x));

		if (!x) {
			h->oom = 1;
			return NULL;
		}
		seq->ext = x;
		seq->capext = cap;
	}
	memset(&seq->ext[seq->next], 0, sizeof(seq->ext[0]));
	it->val = (uint8_t)seq->next;
	it->mask = (uint8_t)(seq->next >> 8);
	it->neg = (uint8_t)(seq->next >> 16);
	return &seq->ext[seq->next++];
}

static int fail(struct hx *h, const char *msg)
{
	snprintf(h->err, h->cap, "%s", msg);
	return -1;
}

static void blank(struct hx *h)
{
	for (;;) {
		while (h->p < h->end && strchr(" \t\r\n\f\v", *h->p) && *h->p)
			h->p++;
		if (h->end - h->p >= 2 && h->p[0] == '/' && h->p[1] == '/') {
			while (h->p < h->end && *h->p != '\n')
				h->p++;
		} else if (h->end - h->p >= 2 && h->p[0] == '/' &&
			   h->p[1] == '*') {
			const char *e = NULL;

			for (h->p += 2; h->p + 1 < h->end; h->p++)
				if (h->p[0] == '*' && h->p[1] == '/') {
					e = h->p + 2;
					break;
				}
			h->p = e ? e : h->end;
		} else {
			return;
		}
	}
}

static int nibble(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ||
	       c == '?';
}

static int byte(struct hx *h, struct yr_hex_seq *out)
{
	int neg = h->p < h->end && *h->p == '~';
	struct yr_hex_item *it;

	h->p += neg;
	if (h->end - h->p < 2 || !nibble(h->p[0]) || !nibble(h->p[1]))
		return fail(h, "invalid hex string: a byte is two hex digits");
	if (neg && h->p[0] == '?' && h->p[1] == '?')
		return fail(h, "invalid hex string: ~?? matches nothing");
	if ((it = add(h, out)) != NULL) {
		it->kind = YH_BYTE;
		it->neg = (uint8_t)neg;
		if (h->p[0] != '?') {
			it->mask = 0xf0;
			it->val = (uint8_t)(hexdig(h->p[0]) << 4);
		}
		if (h->p[1] != '?') {
			it->mask |= 0x0f;
			it->val |= (uint8_t)hexdig(h->p[1]);
		}
	}
	h->p += 2;
	return 0;
}

static int number(struct hx *h, long *v)
{
	const char *s = h->p;

	*v = 0;
	while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
		if (*v > 100000000)
			return fail(h, "invalid hex string: jump too long");
		*v = *v * 10 + (*h->p++ - '0');
	}
	return h->p > s ? 1 : 0;
}

/* At '[': a jump; unbounded ones only outside alternatives. */
static int jump(struct hx *h, int depth, struct yr_hex_seq *out)
{
	struct yr_hex_item *it;

	long lo = 0, hi = 0;
	int have_lo, have_hi = 0, range = 0;

	h->p++;
	blank(h);
	if ((have_lo = number(h, &lo)) < 0)
		return -1;
	blank(h);
	if (h->p < h->end && *h->p == '-') {
		range = 1;
		h->p++;
		blank(h);
		if ((have_hi = number(h, &hi)) < 0)
			return -1;
		blank(h);
	}
	if (h->p >= h->end || *h->p != ']' || (!range && !have_lo))
		return fail(h, "invalid hex string: malformed jump");
	h->p++;
	if (range && have_hi && have_lo && lo > hi)
		return fail(h, "invalid hex string: invalid jump length");
	if (range && !have_hi && depth)
		return fail(h, "invalid hex string: unbounded jump inside "
			       "an alternative");
	if ((it = add(h, out)) != NULL) {
		struct yr_hex_ext *x = add_ext(h, out, it);

		it->kind = YH_JUMP;
		if (x) {
			x->min = (uint32_t)lo;
			x->max = !range ? (uint32_t)lo :
				 have_hi ? (uint32_t)hi : YR_HEX_UNBOUNDED;
		}
	}
	return 0;
}

static int seq(struct hx *h, int depth, struct yr_hex_seq *out);

/* A new alternative of x, or NULL when nothing is built. */
static struct yr_hex_seq *new_alt(struct hx *h, struct yr_hex_ext *x)
{
	struct yr_hex_seq *a;

	if (!x)
		return NULL;
	a = realloc(x->alts, (x->nalts + 1) * sizeof(*a));
	if (!a) {
		h->oom = 1;
		return NULL;
	}
	x->alts = a;
	memset(&a[x->nalts], 0, sizeof(*a));
	return &a[x->nalts++];
}

/* At '(': alternatives, each a sequence (built into their own, so that
 * x stays where it is). */
static int alternatives(struct hx *h, int depth, struct yr_hex_seq *out)
{
	struct yr_hex_item *it = add(h, out);
	struct yr_hex_ext *x = add_ext(h, out, it);

	if (it)
		it->kind = YH_ALT;
	if (depth >= YR_HEX_MAX_DEPTH)
		return fail(h, "invalid hex string: alternatives nested too deep");
	h->p++;
	for (;;) {
		if (seq(h, depth + 1, new_alt(h, x)) < 0 || h->oom)
			return -1;
		blank(h);
		if (h->p < h->end && *h->p == '|') {
			h->p++;
			continue;
		}
		if (h->p < h->end && *h->p == ')') {
			h->p++;
			return 0;
		}
		return fail(h, "invalid hex string: alternative not closed");
	}
}

/* Items up to ')', '|' or the end; not empty, no jump first or last. */
static int seq(struct hx *h, int depth, struct yr_hex_seq *out)
{
	int n = 0, last_jump = 0, rc;

	for (;;) {
		blank(h);
		if (h->p >= h->end || *h->p == ')' || *h->p == '|')
			break;
		if (*h->p == '[') {
			if (!n)
				return fail(h, "invalid hex string: a jump "
					       "cannot come first");
			rc = jump(h, depth, out);
			last_jump = 1;
		} else {
			rc = *h->p == '(' ? alternatives(h, depth, out) :
					    byte(h, out);
			last_jump = 0;
		}
		if (rc < 0 || h->oom)
			return -1;
		n++;
	}
	if (!n)
		return fail(h, "invalid hex string: empty");
	if (last_jump)
		return fail(h, "invalid hex string: a jump cannot come last");
	return 0;
}

int yr_hex_check(const char *s, size_t n, char *err, size_t cap)
{
	struct hx h = { s, s + n, err, cap, 0 };

	if (seq(&h, 0, NULL) < 0)
		return -1;
	if (h.p < h.end)
		return fail(&h, "invalid hex string: unexpected character");
	return 0;
}

void yr_hex_free(struct yr_hex_seq *seq)
{
	uint32_t i, k;

	for (i = 0; i < seq->next; i++) {
		for (k = 0; k < seq->ext[i].nalts; k++)
			yr_hex_free(&seq->ext[i].alts[k]);
		free(seq->ext[i].alts);
	}
	free(seq->items);
	free(seq->ext);
	memset(seq, 0, sizeof(*seq));
}

int yr_hex_compile(const char *s, size_t n, struct yr_hex_seq *out)
{
	char err[128];
	struct hx h = { s, s + n, err, sizeof(err), 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = seq(&h, 0, out) < 0 || h.p < h.end ? -1 : 0;
	if (rc || h.oom) {
		yr_hex_free(out);
	} else if (out->n < out->cap) { /* kept for as long as the rules */
		struct yr_hex_item *it = realloc(out->items,
						 out->n * sizeof(*it));

		if (it) {
			out->items = it;
			out->cap = out->n;
		}
	}
	return h.oom ? VIGIL_ENOMEM : rc;
}
