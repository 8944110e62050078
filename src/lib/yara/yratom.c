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

#include "match/anchors.h"

#include <string.h>

#define INF UINT32_MAX

static uint32_t add_sat(uint32_t a, uint32_t b)
{
	return a == INF || b == INF || a > INF - 1 - b ? INF : a + b;
}

static void seq_len(const struct yr_hex_seq *s, uint32_t *min, uint32_t *max);

static void item_len(const struct yr_hex_seq *s, const struct yr_hex_item *it,
		     uint32_t *min, uint32_t *max)
{
	const struct yr_hex_ext *x;
	uint32_t j, lo, hi;

	if (it->kind == YH_BYTE) {
		*min = *max = 1;
		return;
	}
	x = yr_hex_ext(s, it);
	if (it->kind == YH_JUMP) {
		*min = x->min;
		*max = x->max == YR_HEX_UNBOUNDED ? INF : x->max;
	} else {
		*min = INF;
		*max = 0;
		for (j = 0; j < x->nalts; j++) {
			seq_len(&x->alts[j], &lo, &hi);
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
		item_len(s, &s->items[i], &lo, &hi);
		*min = add_sat(*min, lo);
		*max = add_sat(*max, hi);
	}
}

static int fixed(const struct yr_hex_item *it)
{
	return it->kind == YH_BYTE && it->mask == 0xff && !it->neg;
}

/* A run's worth: its length up to eleven, then bytes other than NUL and
 * 0xff (which fill whole files), then, shorter than eleven (a key of four
 * bytes), its rarest four bytes (anchor_rarity4()); none without such a
 * byte. */
static int score(const struct yr_run *r)
{
	uint32_t k, n = r->len < 11 ? r->len : 11;
	int rare = 0, best = 0;

	for (k = 0; k < r->len; k++)
		rare += r->b[k] != 0 && r->b[k] != 0xff;
	for (k = 0; n < 11 && k + 4 <= r->len && k < 64; k++) {
		int w = anchor_rarity4(r->b + k);

		best = w > best ? w : best;
	}
	return rare ? ((int)n * 64 + rare) * 128 + (best < 127 ? best : 127) : 0;
}

/*
 * The bytes of the fixed run from item r->at to item end, as r keeps
 * them: YR_RUN_MAX at most, from three bytes before its first byte other
 * than NUL and 0xff (a run of padding, then the bytes that tell, would
 * otherwise be looked for by its padding, found at every place of a
 * binary); r->at, r->end and the offsets moved with the window.
 */
static void window(const struct yr_hex_seq *prog, struct yr_run *r,
		   uint32_t end)
{
	uint32_t k, skip = 0;

	for (k = r->at; k < end; k++)
		if (prog->items[k].val != 0 && prog->items[k].val != 0xff) {
			skip = k - r->at > 3 ? k - r->at - 3 : 0;
			break;
		}
	r->at += skip;
	r->omin = add_sat(r->omin, skip);
	r->omax = add_sat(r->omax, skip);
	for (k = r->at; k < end && r->len < YR_RUN_MAX; k++)
		r->b[r->len++] = prog->items[k].val;
	r->end = r->at + r->len;
}

/* The byte item i of prog stands for if it is fixed, else NUL (any);
 * *go cleared past an item of more than one byte, or of none. */
static uint8_t around_byte(const struct yr_hex_seq *prog, uint32_t i,
			   int *go)
{
	const struct yr_hex_item *it;

	if (!*go || i >= prog->n || /* wraps below 0 */
	    (it = &prog->items[i])->kind != YH_BYTE) {
		*go = 0;
		return 0;
	}
	return fixed(it) ? it->val : 0;
}

/* The fixed bytes of prog two before run r and two after, across single
 * bytes not fixed (81 ?? 68 74 74 70: 0x81 two before "http"): the low
 * byte the furthest before. */
static uint32_t hex_around(const struct yr_hex_seq *prog,
			   const struct yr_run *r)
{
	int go = 1;
	uint32_t v = (uint32_t)around_byte(prog, r->at - 1, &go) << 8;

	v |= around_byte(prog, r->at - 2, &go);
	go = 1;
	v |= (uint32_t)around_byte(prog, r->end, &go) << 16;
	v |= (uint32_t)around_byte(prog, r->end + 1, &go) << 24;
	return v;
}

int yr_hex_run(const struct yr_hex_seq *prog, struct yr_run *out)
{
	uint32_t i = 0, lo = 0, hi = 0, min, max;
	int best = 0;

	while (i < prog->n) {
		struct yr_run r = { .len = 0, .omin = lo, .omax = hi, .at = i };

		for (; i < prog->n && fixed(&prog->items[i]); i++) {
			lo = add_sat(lo, 1);
			hi = add_sat(hi, 1);
		}
		window(prog, &r, i);
		if (r.len >= 2 && r.omax != INF &&
		    r.omax - r.omin <= YR_RUN_SPREAD && score(&r) > best) {
			best = score(&r);
			*out = r;
			out->around = hex_around(prog, &r);
		}
		if (i < prog->n) {
			item_len(prog, &prog->items[i], &min, &max);
			i++;
			lo = add_sat(lo, min);
			hi = add_sat(hi, max);
		}
	}
	return best ? 0 : -1;
}

/* A window of four items from i: its score (the rarities of its three
 * fixed bytes, 0 if it is none: yr_hex_gapped()), its wildcard's place in
 * *gap. */
static int gap_score(const struct yr_hex_seq *prog, uint32_t i, int *gap)
{
	const struct yr_hex_item *it = &prog->items[i];
	int score = 0, open = -1;

	if (i + 4 > prog->n)
		return 0;
	for (int k = 0; k < 4; k++) {
		if (it[k].kind != YH_BYTE || it[k].neg)
			return 0;
		if (fixed(&it[k]))
			score += anchor_rarity(it[k].val);
		else if (open < 0 && k < 2)
			open = k;
		else
			return 0;
	}
	if (open < 0 || (it[2].val == 0 && it[3].val == 0) || !score)
		return 0;
	*gap = open;
	return score;
}

int yr_hex_gapped(const struct yr_hex_seq *prog, struct yr_run *out)
{
	uint32_t i, lo = 0, hi = 0, min, max, best_i = 0, blo = 0, bhi = 0;
	int best = 0, gap = 0, g = 0;

	for (i = 0; i < prog->n; i++) {
		int sc = gap_score(prog, i, &g);

		if (sc > best && hi != INF && hi - lo <= YR_RUN_SPREAD) {
			best = sc;
			best_i = i;
			blo = lo;
			bhi = hi;
			gap = g;
		}
		item_len(prog, &prog->items[i], &min, &max);
		lo = add_sat(lo, min);
		hi = add_sat(hi, max);
	}
	if (!best)
		return -1;
	memset(out, 0, sizeof(*out));
	for (uint32_t k = 0; k < 4; k++)
		out->b[k] = prog->items[best_i + k].val;
	out->len = 4;
	out->omin = blo;
	out->omax = bhi;
	out->at = best_i;
	out->end = best_i + 4;
	out->around = hex_around(prog, out);
	out->gap = (uint8_t)(gap + 1);
	out->gap_mask = prog->items[best_i + (uint32_t)gap].mask;
	out->gap_val = prog->items[best_i + (uint32_t)gap].val;
	return 0;
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
		/* a brace that opens no count is a brace (PCRE2) */
		if (strchr("[]().|?*+^$", c) ||
		    (c == '{' && yr_regex_counted(re, n, *i)))
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
	} else if ((c >= '0' && c <= '9') ||
		   ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
		return -1; /* a class, a position, a reference */
	} else {
		*b = (uint8_t)c;
	}
	*i += 2;
	return 0;
}

/* A number at re[*k], advancing *k (capped at 100000). */
static uint32_t number(const char *re, size_t n, size_t *k)
{
	uint32_t m = 0;

	for (; *k < n && re[*k] >= '0' && re[*k] <= '9'; (*k)++)
		m = m < 100000 ? m * 10 + (uint32_t)(re[*k] - '0') : m;
	return m;
}

int yr_regex_counted(const char *re, size_t n, size_t i)
{
	size_t k = i + 1, digits = 0;
	int comma = 0;

	for (; k < n && re[k] >= '0' && re[k] <= '9'; k++)
		digits++;
	if (k < n && re[k] == ',')
		for (comma = 1, k++; k < n && re[k] >= '0' && re[k] <= '9'; k++)
			;
	return re[i] == '{' && (digits || comma) && k < n && re[k] == '}';
}

/* After an item at re[*i]: its quantifier skipped, its least and most
 * counts into *min and *max (1 and 1 without one; INF unbounded). */
static void quantifier(const char *re, size_t n, size_t *i, unsigned *min,
		       uint32_t *max)
{
	*min = *max = 1;
	if (*i >= n)
		return;
	if (re[*i] == '?' || re[*i] == '*' || re[*i] == '+') {
		*min = re[*i] == '+';
		*max = re[*i] == '?' ? 1 : INF;
		(*i)++;
	} else if (yr_regex_counted(re, n, *i)) {
		size_t k = *i + 1;

		*min = number(re, n, &k);
		*max = *min;
		if (k < n && re[k] == ',') {
			k++;
			*max = k < n && re[k] == '}' ? INF : number(re, n, &k);
		}
		while (k < n && re[k] != '}')
			k++;
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

static uint32_t mul_sat(uint32_t a, uint32_t b)
{
	return a && b && (a == INF || b == INF || a > (INF - 1) / b) ? INF :
								     a * b;
}

static void seq_bounds(const char *re, size_t s, size_t e, int depth,
		       uint32_t *min, uint32_t *max);

/* The bytes one repetition of the item re[s..e) that is not a literal
 * takes, fewest and most: a class, '.' or an escape one character; an
 * anchor or \b none; a group its branches'. */
static void item_bounds(const char *re, size_t s, size_t e, int depth,
			uint32_t *min, uint32_t *max)
{
	size_t k, from;
	uint32_t lo, hi;
	int d = 0;

	*min = *max = 1;
	if (re[s] == '^' || re[s] == '$' ||
	    (re[s] == '\\' && s + 1 < e && strchr("bBAzZG", re[s + 1])))
		*min = *max = 0;
	if (re[s] != '(')
		return;
	if (depth > 16) { /* deeper than worth: anything */
		*min = 0, *max = INF;
		return;
	}
	from = s + 1 + (s + 2 < e && re[s + 1] == '?') * 2;
	*min = INF, *max = 0;
	for (k = from; k <= e - 1; k++) {
		if (k < e - 1 && re[k] == '\\') {
			k++;
		} else if (k < e - 1 && re[k] == '[') {
			k += class_len(re, e - 1, k) - 1;
		} else if (k == e - 1 || (re[k] == '|' && !d)) {
			seq_bounds(re, from, k, depth + 1, &lo, &hi);
			*min = lo < *min ? lo : *min;
			*max = hi > *max ? hi : *max;
			from = k + 1;
		} else {
			d += (re[k] == '(') - (re[k] == ')');
		}
	}
}

/* The bytes the items of re[s..e) take together, fewest and most. */
static void seq_bounds(const char *re, size_t s, size_t e, int depth,
		       uint32_t *min, uint32_t *max)
{
	size_t i = s, at;
	uint32_t lo, hi, qmax;
	unsigned qmin;
	uint8_t b;

	*min = *max = 0;
	while (i < e) {
		at = i;
		if (literal(re, e, &i, &b) == 0)
			lo = hi = 1;
		else
			skip_item(re, e, &i), item_bounds(re, at, i, depth, &lo, &hi);
		quantifier(re, e, &i, &qmin, &qmax);
		*min = add_sat(*min, mul_sat(lo, qmin));
		*max = add_sat(*max, mul_sat(hi, qmax));
	}
}

/* A run's worth for a regex: four bytes at a bounded place first, then
 * four bytes anywhere (the string is then matched over the whole buffer
 * where one is found), then two or three bytes likewise; within each, a
 * byte more is worth half a start less to verify where the run is found
 * (a longer run is rarer, each start one more match to try). */
static int re_score(const struct yr_run *r)
{
	uint32_t spread = r->omax == INF ? INF : r->omax - r->omin;
	int bounded = spread <= YR_RE_SPREAD;

	if (r->len < 2)
		return 0;
	return (r->len >= 4 ? 4000 : 0) + bounded * 3000 + (int)r->len * 8 -
	       (bounded ? (int)spread * 16 : 0);
}

/* Ends the run being read: kept in *best if worth more; a run whose
 * place is too loose to verify around is "anywhere". */
static void run_end(struct yr_run *cur, struct yr_run *best)
{
	if (cur->omax != INF && cur->omax - cur->omin > YR_RE_SPREAD)
		cur->omax = INF;
	if (cur->omax == INF)
		cur->omin = 0; /* so that a find tells where the run begins */
	if (re_score(cur) > re_score(best))
		*best = *cur;
	cur->len = 0;
}

uint32_t yr_regex_run(const char *re, size_t n, int wide, struct yr_run *out)
{
	struct yr_run cur = { .len = 0 };
	uint32_t lo = 0, hi = 0, ilo, ihi, qmax, k = wide ? 2 : 1;
	size_t i = 0, at, end;
	unsigned qmin;
	int lit;
	uint8_t b = 0;

	memset(out, 0, sizeof(*out));
	if (top_alternative(re, n))
		return 0;
	while (i < n) {
		at = i;
		if ((lit = literal(re, n, &i, &b) == 0))
			ilo = ihi = 1;
		else
			skip_item(re, n, &i), item_bounds(re, at, i, 0, &ilo, &ihi);
		end = i;
		quantifier(re, n, &i, &qmin, &qmax);
		if (lit && qmin) {
			if (!cur.len)
				cur.omin = lo, cur.omax = hi, cur.at = (uint32_t)at;
			put(&cur, b, wide);
			/* where it ends, if its last byte is not repeated */
			cur.end = i == end ? (uint32_t)i : UINT32_MAX;
		}
		lo = add_sat(lo, mul_sat(mul_sat(ilo, qmin), k));
		hi = add_sat(hi, mul_sat(mul_sat(ihi, qmax), k));
		if (!lit || i != end) /* a quantified literal counts once */
			run_end(&cur, out);
	}
	run_end(&cur, out);
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

/* The literal bytes that follow a group ending at re[e], none of them
 * quantified, at most TAIL_TEXT characters of re: where they end. */
#define TAIL_TEXT 32
static size_t tail_end(const char *re, size_t n, size_t e)
{
	size_t j = e, at, q;
	uint32_t qmax;
	unsigned qmin;
	uint8_t b;

	while (j < n && j - e < TAIL_TEXT) {
		at = j;
		if (literal(re, n, &j, &b) != 0)
			return at;
		q = j;
		quantifier(re, n, &q, &qmin, &qmax);
		if (q != j)
			return at;
	}
	return j;
}

/* Branch re[start..k)'s run into *out, and where it ends the branch
 * (its last byte fixed, not repeated), the group's tail re[e..te) after
 * it (a branch "rmi" of "(ldap|rmi|dns):\/\/" is looked for as
 * "rmi://"). Its own length, which must be 2 or more. */
static uint32_t branch_run(const char *re, size_t n, size_t start, size_t k,
			   size_t e, size_t te, int wide, struct yr_run *out)
{
	uint32_t len = yr_regex_run(re + start, k - start, wide, out);
	uint8_t b;

	if (len < 2 || out->end != k - start)
		return len;
	for (size_t j = e; j < te && literal(re, n, &j, &b) == 0;)
		put(out, b, wide);
	return len;
}

/* The branches of re's alternative at its top, or of a group that opens
 * it (not optional): each one's run into out, with the literal bytes
 * after the group where it is not repeated. Their count, or 0 if one
 * has none of two bytes, or there are more than max. */
static size_t branch_runs(const char *re, size_t n, int wide,
			  struct yr_run *out, size_t max)
{
	size_t lo = 0, hi = n, k, start, nr = 0, e = 0, te = 0;
	uint32_t qmax;
	unsigned min;

	if (!top_alternative(re, n)) {
		if (!n || re[0] != '(' || !(e = group_end(re, n, 0)))
			return 0;
		k = e;
		quantifier(re, n, &k, &min, &qmax);
		if (!min)
			return 0;
		if (n > 1 && re[1] == '?' && (n < 3 || re[2] != ':'))
			return 0; /* not a plain group */
		lo = 1 + (n > 2 && re[1] == '?') * 2;
		hi = e - 1;
		te = k == e ? tail_end(re, n, e) : e;
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
		    branch_run(re, n, start, k, e, te, wide, &out[nr]) < 2)
			return 0;
		out[nr++].at = UINT32_MAX; /* in a branch: no tail of re */
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
