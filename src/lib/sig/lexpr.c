/*
 * lexpr.c -- logical expressions of .ldb signatures. The parser follows
 * ClamAV's grouping exactly: at the top level an expression splits at its
 * first operator ("0&1|2" is 0&(1|2)); a parenthesised block splits at its
 * last operator ("(0&1|2)" is (0&1)|2); a block may carry a count
 * modifier. Nodes are LEAF(id, mod, x) and BIN(op, mod, x, y, leftlen).
 */
#include "sig/lexpr.h"

#include <ctype.h>
#include <string.h>

#include "vigil/vigil.h"

enum { LX_LEAF = 1, LX_BIN = 2 };
#define LX_LEAF_BYTES 7
#define LX_BIN_BYTES 16

struct lx {
	const char *s;
	struct vbuf *out;
	struct lexpr_info *info;
	const char *why;
	int rc;
};

static int lx_fail(struct lx *x, const char *why)
{
	if (!x->rc) {
		x->rc = VIGIL_EFORMAT;
		x->why = why;
	}
	return x->rc;
}

static int is_mod(char c)
{
	return c == '=' || c == '<' || c == '>';
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Unsigned decimal at s[*i..hi); advances *i. */
static int lx_num(struct lx *x, size_t *i, size_t hi, uint32_t *v)
{
	uint64_t n = 0;
	size_t start = *i;

	while (*i < hi && isdigit((unsigned char)x->s[*i])) {
		n = n * 10 + (uint64_t)(x->s[(*i)++] - '0');
		if (n > UINT32_MAX)
			return lx_fail(x, "number too large");
	}
	if (*i == start)
		return lx_fail(x, "number expected");
	*v = (uint32_t)n;
	return 0;
}

/*
 * "X" or "X,Y" after a modifier; Y is 0 when absent. As clamscan reads
 * them (the official feed has both): "==X" is "=X", and a comma with no
 * number after it is ignored ("0=2,&1").
 */
static int lx_modvals(struct lx *x, size_t *i, size_t hi, uint32_t *v1,
		      uint32_t *v2)
{
	*v2 = 0;
	if (*i < hi && x->s[*i] == '=' && x->s[*i - 1] == '=')
		(*i)++;
	if (lx_num(x, i, hi, v1) < 0)
		return x->rc;
	if (*i < hi && x->s[*i] == ',') {
		(*i)++;
		if (*i < hi && isdigit((unsigned char)x->s[*i]) &&
		    lx_num(x, i, hi, v2) < 0)
			return x->rc;
	}
	return 0;
}

static int lx_leaf(struct lx *x, size_t lo, size_t hi)
{
	uint8_t node[LX_LEAF_BYTES] = { LX_LEAF };
	uint32_t id = 0, v1 = 0, v2;
	size_t i = lo;

	if (lx_num(x, &i, hi, &id) < 0)
		return x->rc;
	if (id >= LEXPR_MAX_SUBSIGS)
		return lx_fail(x, "subsignature index above 63");
	if (i < hi && is_mod(x->s[i])) {
		node[2] = (uint8_t)x->s[i++];
		x->info->has_counts = 1;
		if (lx_modvals(x, &i, hi, &v1, &v2) < 0)
			return x->rc;
	}
	if (i != hi)
		return lx_fail(x, "unexpected character in expression");
	if (id > x->info->max_id)
		x->info->max_id = id;
	node[1] = (uint8_t)id;
	put32(node + 3, v1);
	x->rc = vbuf_append(x->out, node, sizeof(node));
	return x->rc;
}

struct lx_scan {
	size_t op, op1, blkend;	/* positions, 0 when absent (never valid) */
	char opc, op1c, blkmod;
	uint32_t v1, v2;
};

/* One pass over s[lo..hi) locating the operator to split at. */
static int lx_find(struct lx *x, size_t lo, size_t hi, struct lx_scan *sc)
{
	size_t i, depth = 0;

	memset(sc, 0, sizeof(*sc));
	for (i = lo; i < hi; i++) {
		char c = x->s[i];

		if (c == '(' && ++depth > LEXPR_MAX_DEPTH)
			return lx_fail(x, "expression nested too deeply");
		if (c == ')' && !depth--)
			return lx_fail(x, "missing opening parenthesis");
		if ((c == '&' || c == '|') && depth == 0) {
			sc->opc = c;
			sc->op = i;
			return 0;
		}
		if ((c == '&' || c == '|') && depth == 1) {
			sc->op1c = c;
			sc->op1 = i;
		}
		if (!sc->op1c || depth)
			continue;
		/* Back at depth 0 after a block: it may carry a modifier. */
		sc->blkend = i;
		sc->blkmod = 0;
		if (i + 1 < hi && is_mod(x->s[i + 1])) {
			size_t j = i + 2;

			sc->blkmod = x->s[i + 1];
			x->info->has_counts = 1;
			if (lx_modvals(x, &j, hi, &sc->v1, &sc->v2) < 0)
				return x->rc;
			i = j - 1;
		}
		if (i + 1 == hi)
			return 0;
		sc->blkmod = 0;
	}
	if (depth)
		return lx_fail(x, "missing closing parenthesis");
	return 0;
}

static int lx_parse(struct lx *x, size_t lo, size_t hi, unsigned depth);

static int lx_bin(struct lx *x, const struct lx_scan *sc, size_t lstart,
		  size_t rend, size_t op, char opc, unsigned depth)
{
	uint8_t node[LX_BIN_BYTES] = { LX_BIN, (uint8_t)opc,
				       (uint8_t)sc->blkmod };
	size_t at = x->out->len;

	if (op == lstart)
		return lx_fail(x, "missing left operand");
	if (op + 1 >= rend)
		return lx_fail(x, "missing right operand");
	put32(node + 3, sc->v1);
	put32(node + 7, sc->v2);
	if ((x->rc = vbuf_append(x->out, node, sizeof(node))) < 0)
		return x->rc;
	if (lx_parse(x, lstart, op, depth + 1) < 0)
		return x->rc;
	put32(x->out->data + at + 11, (uint32_t)(x->out->len - at -
						 LX_BIN_BYTES));
	return lx_parse(x, op + 1, rend, depth + 1);
}

static int lx_parse(struct lx *x, size_t lo, size_t hi, unsigned depth)
{
	struct lx_scan sc;

	if (depth > LEXPR_MAX_DEPTH)
		return lx_fail(x, "expression nested too deeply");
	if (lo >= hi)
		return lx_fail(x, "empty expression");
	if (lx_find(x, lo, hi, &sc) < 0)
		return x->rc;
	if (sc.opc)
		return lx_bin(x, &sc, lo, hi, sc.op, sc.opc, depth);
	if (sc.op1c)
		return lx_bin(x, &sc, lo + 1, sc.blkend, sc.op1, sc.op1c,
			      depth);
	if (x->s[lo] == '(') {
		if (x->s[hi - 1] != ')')
			return lx_fail(x, "modifier on a group without an "
					  "operator");
		return lx_parse(x, lo + 1, hi - 1, depth + 1);
	}
	return lx_leaf(x, lo, hi);
}

int lexpr_compile(const char *s, size_t n, struct vbuf *out,
		  struct lexpr_info *info, const char **why)
{
	struct lx x = { s, out, info, NULL, 0 };
	size_t start = out->len;

	memset(info, 0, sizeof(*info));
	if (n > LEXPR_MAX_CHARS)
		lx_fail(&x, "expression too long");
	else
		lx_parse(&x, 0, n, 0);
	if (x.rc) {
		out->len = start;
		*why = x.why ? x.why : "out of memory";
	}
	return x.rc;
}

/* ------------------------------------------------------------ evaluation */

static int cmp_mod(char mod, uint32_t val, uint32_t want)
{
	switch (mod) {
	case '=':
		return val == want;
	case '<':
		return val < want;
	case '>':
		return val > want;
	default:
		return 0;
	}
}

static int ev(const uint8_t *c, const uint32_t *counts, uint32_t *cnt,
	      uint64_t *ids)
{
	uint32_t lcnt = 0, rcnt = 0, t;
	uint64_t lids = 0, rids = 0;
	int l, r, ret;

	if (c[0] == LX_LEAF) {
		uint32_t val = counts[c[1]];

		if (c[2] ? !cmp_mod((char)c[2], val, get32(c + 3)) : !val)
			return 0;
		*cnt += val;
		*ids |= 1ull << c[1];
		return 1;
	}
	l = ev(c + LX_BIN_BYTES, counts, &lcnt, &lids);
	r = ev(c + LX_BIN_BYTES + get32(c + 11), counts, &rcnt, &rids);
	ret = c[1] == '&' ? (l && r) : (l || r);
	if (!c[2]) {
		if (ret) {
			*cnt += lcnt + rcnt;
			*ids |= lids | rids;
		}
		return ret;
	}
	t = ret ? lcnt + rcnt : 0;
	if (!ret)
		lids = rids = 0;
	if (!cmp_mod((char)c[2], t, get32(c + 3)))
		return 0;
	if (get32(c + 7) &&
	    (uint32_t)__builtin_popcountll(lids | rids) < get32(c + 7))
		return 0;
	*cnt += t;
	return 1;
}

int lexpr_eval(const uint8_t *code, size_t len, const uint32_t *counts)
{
	uint32_t cnt = 0;
	uint64_t ids = 0;

	(void)len;
	return ev(code, counts, &cnt, &ids);
}

static size_t node_valid(const uint8_t *c, size_t len, unsigned nsub,
			 unsigned depth)
{
	size_t left, right;

	if (depth > LEXPR_MAX_DEPTH + 2 || !len)
		return 0;
	if (c[0] == LX_LEAF)
		return (len >= LX_LEAF_BYTES && c[1] < nsub &&
			(!c[2] || is_mod((char)c[2]))) ?
			       LX_LEAF_BYTES :
			       0;
	if (c[0] != LX_BIN || len < LX_BIN_BYTES || (c[1] != '&' && c[1] != '|') ||
	    (c[2] && !is_mod((char)c[2])))
		return 0;
	left = get32(c + 11);
	if (left > len - LX_BIN_BYTES ||
	    node_valid(c + LX_BIN_BYTES, left, nsub, depth + 1) != left)
		return 0;
	right = node_valid(c + LX_BIN_BYTES + left, len - LX_BIN_BYTES - left,
			   nsub, depth + 1);
	return right ? LX_BIN_BYTES + left + right : 0;
}

static int node_monotone(const uint8_t *c)
{
	if (c[2] && c[2] != '>')
		return 0;
	return c[0] == LX_LEAF ||
	       (node_monotone(c + LX_BIN_BYTES) &&
		node_monotone(c + LX_BIN_BYTES + get32(c + 11)));
}

int lexpr_monotone(const uint8_t *code, size_t len)
{
	return len && node_monotone(code);
}

int lexpr_valid(const uint8_t *code, size_t len, unsigned nsub)
{
	return node_valid(code, len, nsub, 0) == len;
}
