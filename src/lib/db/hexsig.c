/*
 * hexsig.c -- parser for ClamAV's hex signature syntax: bytes, nibble and
 * byte wildcards, gaps ({n} {-n} {n-} {n-m} * [n-m]), alternatives
 * ((aa|bb), !(aa|bb), generic), and the classes (B) (L) (W). It emits
 * pattern bytecode and enforces ClamAV's rule that every part between
 * ranges has two static bytes in a row.
 */
#include "db/hexsig.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "sig/pattern.h"
#include "vigil/vigil.h"

/* Largest number accepted in {n-m} and [n-m]. */
#define HEXSIG_MAX_RANGE 0x7ffffffe

struct hp {
	const char *s;
	size_t n, i;
	const struct hexsig_mods *mods;
	struct vbuf *out;
	const char *why;
	size_t lit_at;		/* offset of the open PAT_LIT, or SIZE_MAX */
	size_t any_at;		/* offset of a PAT_ANY ending the code */
	size_t ops;		/* operations emitted so far */
	unsigned run;		/* static bytes in a row in this part */
	int part_ok;		/* this part has two static bytes in a row */
	int rc;
};

static int fail(struct hp *p, const char *why)
{
	if (!p->rc) {
		p->rc = VIGIL_EFORMAT;
		p->why = why;
	}
	return p->rc;
}

static int oom(struct hp *p, int rc)
{
	if (rc < 0 && !p->rc) {
		p->rc = rc;
		p->why = "out of memory";
	}
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void close_lit(struct hp *p)
{
	p->lit_at = SIZE_MAX;
}

static void set_u16(uint8_t *d, size_t v)
{
	d[0] = (uint8_t)v;
	d[1] = (uint8_t)(v >> 8);
}

/* Appends one plain byte to the open literal, opening one if needed. */
static int emit_litbyte(struct hp *p, uint8_t b)
{
	uint8_t *hdr;
	size_t n;

	if (p->lit_at == SIZE_MAX ||
	    (size_t)(p->out->data[p->lit_at + 1] |
		     p->out->data[p->lit_at + 2] << 8) == 0xffff) {
		p->lit_at = p->out->len;
		p->ops++;
		if (oom(p, vbuf_append_u8(p->out, PAT_LIT)) < 0 ||
		    oom(p, vbuf_append_u16(p->out, 0)) < 0)
			return p->rc;
	}
	if (oom(p, vbuf_append_u8(p->out, b)) < 0)
		return p->rc;
	hdr = p->out->data + p->lit_at;
	n = (size_t)(hdr[1] | hdr[2] << 8) + 1;
	set_u16(hdr + 1, n);
	return 0;
}

static int emit_class(struct hp *p, const uint8_t map[32])
{
	close_lit(p);
	p->ops++;
	if (oom(p, vbuf_append_u8(p->out, PAT_CLASS)) < 0)
		return p->rc;
	return oom(p, vbuf_append(p->out, map, 32));
}

/* One matched byte of the signature, after modifiers. */
static int emit_byte(struct hp *p, uint8_t b)
{
	int rc;

	if (p->mods->nocase && isalpha(b)) {
		uint8_t map[32] = { 0 };
		uint8_t lo = (uint8_t)tolower(b), up = (uint8_t)toupper(b);

		map[lo >> 3] |= (uint8_t)(1u << (lo & 7));
		map[up >> 3] |= (uint8_t)(1u << (up & 7));
		rc = emit_class(p, map);
	} else {
		rc = emit_litbyte(p, b);
	}
	if (!rc && p->mods->wide)
		rc = emit_litbyte(p, 0);
	if (++p->run >= 2)
		p->part_ok = 1;
	return rc;
}

static int emit_wide_zero(struct hp *p)
{
	return p->mods->wide ? emit_litbyte(p, 0) : 0;
}

static int emit_mask(struct hp *p, uint8_t v, uint8_t m)
{
	close_lit(p);
	p->run = 0;
	p->ops++;
	if (oom(p, vbuf_append_u8(p->out, PAT_MASK)) < 0 ||
	    oom(p, vbuf_append_u8(p->out, v)) < 0 ||
	    oom(p, vbuf_append_u8(p->out, m)) < 0)
		return p->rc;
	return emit_wide_zero(p);
}

static int emit_any(struct hp *p, uint32_t n)
{
	size_t len = p->out->len;
	uint8_t *d = p->out->data;

	close_lit(p);
	p->run = 0;
	/* Merge with a directly preceding PAT_ANY: "????" is one op. */
	if (p->any_at != SIZE_MAX && p->any_at + 5 == len) {
		uint32_t old = (uint32_t)d[len - 4] | (uint32_t)d[len - 3] << 8 |
			       (uint32_t)d[len - 2] << 16 |
			       (uint32_t)d[len - 1] << 24;

		if (old <= UINT32_MAX - 1 - n) {
			p->out->len -= 4;
			return oom(p, vbuf_append_u32(p->out, old + n));
		}
	}
	p->ops++;
	p->any_at = len;
	if (oom(p, vbuf_append_u8(p->out, PAT_ANY)) < 0)
		return p->rc;
	return oom(p, vbuf_append_u32(p->out, n));
}

/* A range ends a part: the part behind it must have had its two bytes. */
static int emit_gap(struct hp *p, uint32_t min, uint32_t max, int splits)
{
	close_lit(p);
	p->run = 0;
	if (splits) {
		if (!p->part_ok)
			return fail(p, "each part between ranges needs two "
				       "static bytes in a row");
		p->part_ok = 0;
	}
	p->ops++;
	if (oom(p, vbuf_append_u8(p->out, PAT_GAP)) < 0 ||
	    oom(p, vbuf_append_u32(p->out, min)) < 0)
		return p->rc;
	return oom(p, vbuf_append_u32(p->out, max));
}

static int emit_edge_or_inner(struct hp *p, char kind, int neg, int first,
			      int last)
{
	uint8_t map[32] = { 0 };
	unsigned b;

	if (first || last) {
		uint8_t f = kind == 'B' ? PAT_EDGE_BOUND :
			    kind == 'L' ? PAT_EDGE_LINE : PAT_EDGE_WORD;

		f |= (uint8_t)(neg ? PAT_EDGE_NEG : 0);
		f |= (uint8_t)(last && !first ? PAT_EDGE_RIGHT : 0);
		close_lit(p);
		p->ops++;
		if (oom(p, vbuf_append_u8(p->out, PAT_EDGE)) < 0)
			return p->rc;
		return oom(p, vbuf_append_u8(p->out, f));
	}
	p->run = 0;
	if (kind == 'L') {
		close_lit(p);
		p->ops++;
		if (oom(p, vbuf_append_u8(p->out, PAT_LINE)) < 0)
			return p->rc;
		return oom(p, vbuf_append_u8(p->out, (uint8_t)neg));
	}
	for (b = 0; b < 256; b++) {
		int in = kind == 'B' ? pat_boundary[b] != 0 : !isalnum((int)b);

		if (in != neg)
			map[b >> 3] |= (uint8_t)(1u << (b & 7));
	}
	if (emit_class(p, map) < 0)
		return p->rc;
	return emit_wide_zero(p);
}

static int parse_uint(struct hp *p, uint32_t *v)
{
	uint64_t x = 0;
	size_t start = p->i;

	while (p->i < p->n && isdigit((unsigned char)p->s[p->i])) {
		x = x * 10 + (uint64_t)(p->s[p->i++] - '0');
		if (x > HEXSIG_MAX_RANGE)
			return fail(p, "range bound too large");
	}
	if (p->i == start)
		return fail(p, "number expected in range");
	*v = (uint32_t)x;
	return 0;
}

/* {n} {-n} {n-} {n-m}, with p->i just past '{'. */
static int parse_brace(struct hp *p)
{
	uint32_t lo = 0, hi = PAT_INF;
	int has_lo = 0;

	if (p->i < p->n && p->s[p->i] != '-') {
		if (parse_uint(p, &lo) < 0)
			return p->rc;
		has_lo = 1;
	}
	if (p->i < p->n && p->s[p->i] == '-') {
		p->i++;
		if (p->i < p->n && p->s[p->i] != '}' &&
		    parse_uint(p, &hi) < 0)
			return p->rc;
		if (!has_lo && hi == PAT_INF)
			return fail(p, "empty range {-}");
	} else if (has_lo) {
		hi = lo;
	} else {
		return fail(p, "malformed range");
	}
	if (p->i >= p->n || p->s[p->i] != '}')
		return fail(p, "unterminated range");
	p->i++;
	if (lo > hi)
		return fail(p, "range minimum above maximum");
	if (lo == hi)
		return emit_any(p, lo);
	return emit_gap(p, lo, hi, 1);
}

/* [n-m], the anchored-byte range, with p->i just past '['. */
static int parse_bracket(struct hp *p)
{
	uint32_t lo, hi;

	if (parse_uint(p, &lo) < 0)
		return p->rc;
	if (p->i >= p->n || p->s[p->i++] != '-')
		return fail(p, "malformed [n-m]");
	if (parse_uint(p, &hi) < 0)
		return p->rc;
	if (p->i >= p->n || p->s[p->i++] != ']')
		return fail(p, "unterminated [n-m]");
	if (lo > hi)
		return fail(p, "range minimum above maximum");
	return emit_gap(p, lo, hi, 0);
}


/* One member of an alternative as (value, mask) pairs, into tmp. */
static int parse_member(struct hp *p, const char *m, size_t n,
			struct vbuf *tmp)
{
	size_t i = 0;

	if (!n)
		return fail(p, "empty alternative");
	while (i < n) {
		int a, b;

		if (m[i] == '{') {
			uint32_t k = 0;

			for (i++; i < n && isdigit((unsigned char)m[i]); i++)
				if ((k = k * 10 + (uint32_t)(m[i] - '0')) > 128)
					return fail(p, "gap in alternative "
						       "over 128 bytes");
			if (i >= n || m[i++] != '}')
				return fail(p, "only {n} gaps are allowed in "
					       "alternatives");
			while (k--)
				if (oom(p, vbuf_append_u16(tmp, 0)) < 0)
					return p->rc;
			continue;
		}
		if (n - i < 2)
			return fail(p, "odd number of hex digits in "
				       "alternative");
		a = hexval(m[i]);
		b = hexval(m[i + 1]);
		if (m[i] == '?' && m[i + 1] == '?')
			b = 0;
		else if (m[i] == '?' && b >= 0)
			b = b | 0x0f00;
		else if (a >= 0 && m[i + 1] == '?')
			b = a << 4 | 0xf000;
		else if (a >= 0 && b >= 0)
			b = (a << 4 | b) | 0xff00;
		else
			return fail(p, "invalid character in alternative");
		i += 2;
		if (oom(p, vbuf_append_u16(tmp, (uint16_t)b)) < 0)
			return p->rc;
	}
	return 0;
}

struct altset {
	struct vbuf pairs;		/* u16: value | mask << 8 */
	size_t start[PAT_MAX_ALTS + 1];	/* member i: [start[i], start[i+1]) */
	size_t count;
	int plain;			/* no wildcard in any member */
	int same_len;
	size_t len0;
};

static int split_members(struct hp *p, const char *s, size_t n,
			 struct altset *a)
{
	size_t i = 0, j;

	a->plain = a->same_len = 1;
	while (i <= n) {
		size_t mlen;

		for (j = i; j < n && s[j] != '|'; j++)
			;
		if (a->count == PAT_MAX_ALTS)
			return fail(p, "too many alternatives");
		a->start[a->count] = a->pairs.len;
		if (parse_member(p, s + i, j - i, &a->pairs) < 0)
			return p->rc;
		mlen = (a->pairs.len - a->start[a->count]) / 2;
		if (!a->count)
			a->len0 = mlen;
		a->same_len &= mlen == a->len0;
		a->count++;
		i = j + 1;
	}
	a->start[a->count] = a->pairs.len;
	for (i = 0; i < a->pairs.len; i += 2)
		a->plain &= a->pairs.data[i + 1] == 0xff;
	return 0;
}

static uint16_t pair_at(const struct altset *a, size_t k)
{
	return (uint16_t)(a->pairs.data[2 * k] | a->pairs.data[2 * k + 1] << 8);
}

/* Single plain bytes: a byte class, negated or not. */
static int emit_alt_class(struct hp *p, const struct altset *a, int neg)
{
	uint8_t map[32] = { 0 };
	size_t i;

	for (i = 0; i < a->count; i++) {
		uint8_t b = (uint8_t)pair_at(a, i);

		map[b >> 3] |= (uint8_t)(1u << (b & 7));
		if (p->mods->nocase && isalpha(b)) {
			b ^= 0x20;
			map[b >> 3] |= (uint8_t)(1u << (b & 7));
		}
	}
	if (neg)
		for (i = 0; i < 32; i++)
			map[i] = (uint8_t)~map[i];
	p->run = 0;
	if (emit_class(p, map) < 0)
		return p->rc;
	return emit_wide_zero(p);
}

static int emit_pair(struct hp *p, uint16_t pr)
{
	uint8_t v = (uint8_t)pr, m = (uint8_t)(pr >> 8);

	if (m == 0xff && p->mods->nocase && isalpha(v)) {
		v &= 0xdf;
		m = 0xdf;
	}
	if (oom(p, vbuf_append_u8(p->out, v)) < 0 ||
	    oom(p, vbuf_append_u8(p->out, m)) < 0)
		return p->rc;
	if (p->mods->wide && m && (oom(p, vbuf_append_u8(p->out, 0)) < 0 ||
				   oom(p, vbuf_append_u8(p->out, 0xff)) < 0))
		return p->rc;
	return 0;
}

static int emit_alt(struct hp *p, const struct altset *a, int neg)
{
	size_t i, k;

	close_lit(p);
	p->run = 0;
	p->ops++;
	if (oom(p, vbuf_append_u8(p->out, PAT_ALT)) < 0 ||
	    oom(p, vbuf_append_u8(p->out, (uint8_t)neg)) < 0 ||
	    oom(p, vbuf_append_u16(p->out, (uint16_t)a->count)) < 0)
		return p->rc;
	for (i = 0; i < a->count; i++) {
		size_t first = a->start[i] / 2, last = a->start[i + 1] / 2;
		size_t len = last - first, wide = 0;

		for (k = first; p->mods->wide && k < last; k++)
			wide += (pair_at(a, k) >> 8) != 0;
		if (len + wide > 0xffff)
			return fail(p, "alternative too long");
		if (oom(p, vbuf_append_u16(p->out, (uint16_t)(len + wide))) < 0)
			return p->rc;
		for (k = first; k < last; k++)
			if (emit_pair(p, pair_at(a, k)) < 0)
				return p->rc;
	}
	return 0;
}

static int parse_alts(struct hp *p, const char *s, size_t n, int neg)
{
	struct altset a;
	int rc;

	memset(&a, 0, sizeof(a));
	if (split_members(p, s, n, &a) < 0)
		goto out;
	if (a.plain && a.same_len && a.len0 == 1)
		emit_alt_class(p, &a, neg);
	else if (neg && !(a.plain && a.same_len))
		fail(p, "negated alternatives must be plain bytes of one "
			"length");
	else
		emit_alt(p, &a, neg);
out:
	rc = p->rc;
	vbuf_free(&a.pairs);
	return rc;
}

/* (B) (L) (W) or alternatives, with p->i just past '('. */
static int parse_paren(struct hp *p, int neg)
{
	size_t open = p->i - (neg ? 2 : 1), close;
	const char *c = memchr(p->s + p->i, ')', p->n - p->i);

	if (!c)
		return fail(p, "unterminated '('");
	close = (size_t)(c - p->s);
	if (close - p->i == 1 && strchr("BLW", p->s[p->i])) {
		char kind = p->s[p->i];

		p->i = close + 1;
		return emit_edge_or_inner(p, kind, neg, open == 0,
					  close + 1 == p->n);
	}
	open = p->i;
	p->i = close + 1;
	return parse_alts(p, p->s + open, close - open, neg);
}

static int parse_pair(struct hp *p)
{
	char a, b;
	int ha, hb;

	if (p->n - p->i < 2)
		return fail(p, "odd number of hex digits");
	a = p->s[p->i];
	b = p->s[p->i + 1];
	p->i += 2;
	ha = hexval(a);
	hb = hexval(b);
	if (a == '?' && b == '?')
		return emit_any(p, 1);
	if (a == '?' && hb >= 0)
		return emit_mask(p, (uint8_t)hb, 0x0f);
	if (ha >= 0 && b == '?')
		return emit_mask(p, (uint8_t)(ha << 4), 0xf0);
	if (ha < 0 || hb < 0)
		return fail(p, "invalid character in hex signature");
	return emit_byte(p, (uint8_t)(ha << 4 | hb));
}

static int parse_token(struct hp *p)
{
	char c = p->s[p->i];

	switch (c) {
	case '*':
		p->i++;
		return emit_gap(p, 0, PAT_INF, 1);
	case '{':
		p->i++;
		return parse_brace(p);
	case '[':
		p->i++;
		return parse_bracket(p);
	case '!':
		if (p->i + 1 >= p->n || p->s[p->i + 1] != '(')
			return fail(p, "'!' must precede '('");
		p->i += 2;
		return parse_paren(p, 1);
	case '(':
		p->i++;
		return parse_paren(p, 0);
	default:
		return parse_pair(p);
	}
}

static int emit_fullword(struct hp *p, int right)
{
	uint8_t f = PAT_EDGE_WORD | (right ? PAT_EDGE_RIGHT : 0);

	close_lit(p);
	p->ops++;
	if (oom(p, vbuf_append_u8(p->out, PAT_EDGE)) < 0)
		return p->rc;
	return oom(p, vbuf_append_u8(p->out, f));
}

int hexsig_compile(const char *s, size_t n, const struct hexsig_mods *mods,
		   struct vbuf *out, const char **why)
{
	static const struct hexsig_mods none;
	struct hp p = { s, n, 0, mods ? mods : &none, out, NULL, SIZE_MAX,
			SIZE_MAX, 0, 0, 0, 0 };
	size_t start = out->len;

	if (!n)
		fail(&p, "empty hex signature");
	if (!p.rc && p.mods->fullword)
		emit_fullword(&p, 0);
	while (!p.rc && p.i < n)
		parse_token(&p);
	if (!p.rc && !p.part_ok)
		fail(&p, "each part between ranges needs two static bytes "
			 "in a row");
	if (!p.rc && p.mods->fullword)
		emit_fullword(&p, 1);
	if (!p.rc && out->len - start > PAT_MAX_CODE_BYTES)
		fail(&p, "hex signature too long");
	if (!p.rc && !pat_valid(out->data + start, out->len - start))
		fail(&p, "too many unbounded ranges");
	if (p.rc) {
		out->len = start;
		*why = p.why;
	}
	return p.rc;
}
