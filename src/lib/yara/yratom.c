/*
 * yratom.c -- the runs of fixed bytes the fast matcher looks for (yratom.h).
 * A hex string's run is one of its top level (between jumps, masked bytes
 * and alternatives), its distance from the start the sum of what lies
 * before it; a regular expression's is its literal beginning, read up to
 * the first character that is not a literal (an escape such as \d, a
 * class, '.', a group) and without a last literal a quantifier makes
 * optional or repeats.
 */
#include "yara/yratom.h"

#include <string.h>

#define INF UINT32_MAX

static uint32_t add_sat(uint32_t a, uint32_t b)
{
	return a == INF || b == INF || a > INF - 1 - b ? INF : a + b;
}

static void seq_len(const struct yr_hex_seq *s, uint32_t *min, uint32_t *max);

static void item_len(const struct yr_hex_item *it, uint32_t *min,
		     uint32_t *max)
{
	uint32_t j, lo, hi;

	if (it->kind == YH_BYTE) {
		*min = *max = 1;
	} else if (it->kind == YH_JUMP) {
		*min = it->min;
		*max = it->max == YR_HEX_UNBOUNDED ? INF : it->max;
	} else {
		*min = INF;
		*max = 0;
		for (j = 0; j < it->nalts; j++) {
			seq_len(&it->alts[j], &lo, &hi);
			*min = lo < *min ? lo : *min;
			*max = hi > *max ? hi : *max;
		}
	}
}

static void seq_len(const struct yr_hex_seq *s, uint32_t *min, uint32_t *max)
{
	uint32_t i, lo, hi;

	*min = *max = 0;
	for (i = 0; i < s->n; i++) {
		item_len(&s->items[i], &lo, &hi);
		*min = add_sat(*min, lo);
		*max = add_sat(*max, hi);
	}
}

static int fixed(const struct yr_hex_item *it)
{
	return it->kind == YH_BYTE && it->mask == 0xff && !it->neg;
}

/* A run's worth: its length up to eleven, then bytes other than NUL and
 * 0xff (which fill whole files); none without such a byte. */
static int score(const struct yr_run *r)
{
	uint32_t k, n = r->len < 11 ? r->len : 11;
	int rare = 0;

	for (k = 0; k < r->len; k++)
		rare += r->b[k] != 0 && r->b[k] != 0xff;
	return rare ? (int)n * 64 + rare : 0;
}

int yr_hex_run(const struct yr_hex_seq *prog, struct yr_run *out)
{
	uint32_t i = 0, lo = 0, hi = 0, min, max;
	int best = 0;

	while (i < prog->n) {
		struct yr_run r = { .len = 0, .omin = lo, .omax = hi };

		for (; i < prog->n && fixed(&prog->items[i]); i++) {
			if (r.len < YR_RUN_MAX)
				r.b[r.len] = prog->items[i].val;
			r.len++;
			lo = add_sat(lo, 1);
			hi = add_sat(hi, 1);
		}
		r.len = r.len < YR_RUN_MAX ? r.len : YR_RUN_MAX;
		if (r.len >= 2 && r.omax != INF &&
		    r.omax - r.omin <= YR_RUN_SPREAD && score(&r) > best) {
			best = score(&r);
			*out = r;
		}
		if (i < prog->n) {
			item_len(&prog->items[i++], &min, &max);
			lo = add_sat(lo, min);
			hi = add_sat(hi, max);
		}
	}
	return best ? 0 : -1;
}

/* The length of the class at re[i] ('['): a ']' right after the '[' or
 * "[^" is a member; to the end of re if it is not closed. */
static size_t class_len(const char *re, size_t n, size_t i)
{
	size_t k = i + 1;

	k += k < n && re[k] == '^';
	k += k < n && re[k] == ']';
	for (; k < n && re[k] != ']'; k++)
		k += re[k] == '\\';
	return (k < n ? k + 1 : n) - i;
}

/* 1 if re has an alternative outside any group. */
static int top_alternative(const char *re, size_t n)
{
	int depth = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = re[i];

		if (c == '\\')
			i++;
		else if (c == '[')
			i += class_len(re, n, i) - 1;
		else if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		else if (c == '|' && depth <= 0)
			return 1;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The literal byte at re[*i], advancing *i: 0, or -1 if none is there. */
static int literal(const char *re, size_t n, size_t *i, uint8_t *b)
{
	static const char ctl[] = "n\nt\tr\rf\fa\ae\x1b";
	const char *p;
	char c = re[*i];

	if (c != '\\') {
		if (strchr("[]().|?*+{}^$", c))
			return -1;
		*b = (uint8_t)c;
		(*i)++;
		return 0;
	}
	if (*i + 1 >= n)
		return -1;
	c = re[*i + 1];
	if (c == 'x') {
		if (*i + 3 >= n || hexval(re[*i + 2]) < 0 || hexval(re[*i + 3]) < 0)
			return -1;
		*b = (uint8_t)(hexval(re[*i + 2]) << 4 | hexval(re[*i + 3]));
		*i += 4;
		return 0;
	}
	if ((p = strchr(ctl, c)) != NULL && c && (p - ctl) % 2 == 0) {
		*b = (uint8_t)p[1];
	} else if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
		return -1; /* a class, a position, a reference */
	} else {
		*b = (uint8_t)c;
	}
	*i += 2;
	return 0;
}

/* After an item at re[*i]: its quantifier skipped, its least count into
 * *min (1 without one). */
static void quantifier(const char *re, size_t n, size_t *i, unsigned *min)
{
	*min = 1;
	if (*i >= n)
		return;
	if (re[*i] == '?' || re[*i] == '*' || re[*i] == '+') {
		*min = re[*i] == '+';
		(*i)++;
	} else if (re[*i] == '{') {
		size_t k = *i + 1;
		unsigned m = 0;

		for (; k < n && re[k] >= '0' && re[k] <= '9'; k++)
			m = m < 100000 ? m * 10 + (unsigned)(re[k] - '0') : m;
		while (k < n && re[k] != '}')
			k++;
		*min = m;
		*i = k < n ? k + 1 : n;
	} else {
		return;
	}
	if (*i < n && (re[*i] == '?' || re[*i] == '+'))
		(*i)++; /* lazy, possessive */
}

/* Skips the item at re[*i] that is not a literal: a group, a class, an
 * escape, '.', an anchor. */
static void skip_item(const char *re, size_t n, size_t *i)
{
	int depth = 0;

	do {
		char c = re[*i];

		if (c == '\\')
			*i += 2;
		else if (c == '[')
			*i += class_len(re, n, *i);
		else
			*i += 1;
		depth += (c == '(') - (c == ')');
	} while (*i < n && depth > 0);
	if (*i > n)
		*i = n;
}

static void put(struct yr_run *r, uint8_t b, int wide)
{
	if (r->len + 1u + (unsigned)wide > YR_RUN_MAX)
		return;
	r->b[r->len++] = b;
	if (wide)
		r->b[r->len++] = 0;
}

uint32_t yr_regex_run(const char *re, size_t n, int wide, struct yr_run *out)
{
	struct yr_run cur = { .len = 0 }, other = { .len = 0 };
	size_t i = 0, end;
	unsigned min;
	int lit, first = 1;
	uint8_t b = 0;

	memset(out, 0, sizeof(*out));
	if (top_alternative(re, n))
		return 0;
	for (;;) {
		lit = i < n && literal(re, n, &i, &b) == 0;
		if (!lit && i < n)
			skip_item(re, n, &i);
		end = i;
		quantifier(re, n, &i, &min);
		if (lit && min)
			put(&cur, b, wide);
		if (lit && i == end)
			continue;
		/* the run ends (a quantified literal counts once) */
		if (first)
			*out = cur;
		else if (cur.len > other.len)
			other = cur;
		first = 0;
		cur.len = 0;
		if (i >= n)
			break;
	}
	if (out->len < 4 && other.len > out->len) {
		*out = other;
		out->omax = INF; /* anywhere after the start */
	}
	return out->len;
}

/* The end of the group that opens at re[i] ('('), or 0 if it is not
 * closed. */
static size_t group_end(const char *re, size_t n, size_t i)
{
	size_t k = i;

	skip_item(re, n, &k);
	return k <= n && re[k - 1] == ')' ? k : 0;
}

/* The branches of re's alternative at its top, or of a group that opens
 * it (not optional): each one's run into out. Their count, or 0 if one
 * has none of two bytes, or there are more than max. */
static size_t branch_runs(const char *re, size_t n, int wide,
			  struct yr_run *out, size_t max)
{
	size_t lo = 0, hi = n, k, start, nr = 0, e;
	unsigned min;

	if (!top_alternative(re, n)) {
		if (!n || re[0] != '(' || !(e = group_end(re, n, 0)))
			return 0;
		k = e;
		quantifier(re, n, &k, &min);
		if (!min)
			return 0;
		if (n > 1 && re[1] == '?' && (n < 3 || re[2] != ':'))
			return 0; /* not a plain group */
		lo = 1 + (n > 2 && re[1] == '?') * 2;
		hi = e - 1;
	}
	for (k = start = lo; k <= hi;) {
		if (k < hi && re[k] != '|') {
			if (re[k] == '[' || re[k] == '(' || re[k] == '\\')
				skip_item(re, hi, &k);
			else
				k++;
			continue;
		}
		if (nr == max ||
		    yr_regex_run(re + start, k - start, wide, &out[nr]) < 2)
			return 0;
		nr++;
		start = ++k;
	}
	return nr;
}

size_t yr_regex_runs(const char *re, size_t n, int wide, struct yr_run *out,
		     size_t max)
{
	size_t nr = branch_runs(re, n, wide, out, max);

	if (nr)
		return nr;
	return yr_regex_run(re, n, wide, &out[0]) >= 2 ? 1 : 0;
}
