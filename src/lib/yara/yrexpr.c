/*
 * yrexpr.c -- a rule's condition, read by precedence climbing with YARA's
 * order (weakest first): or; and; not and defined; == != contains
 * icontains startswith istartswith endswith iendswith iequals matches;
 * < <= > >=; |; ^; &; << >>; + -; * \ %; unary - and ~. Strings, rules,
 * modules, externals and loop variables are resolved as they are read,
 * and every string the condition names is marked used.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "yara/yrexpr.h"
#include "yara/yrmodref.h"
#include "yara/yrwide.h"
#include "vigil/vigil.h"

static struct yr_node *expr(struct yr_parser *p, int minbp);
static struct yr_node *primary(struct yr_parser *p);

#define BP_NOT 3
#define BP_PRIMARY 6 /* arithmetic and bitwise: what "at" and "of" take */
#define BP_UNARY 12
#define BP_OF 13

static int infix_bp(enum yr_tok k)
{
	switch (k) {
	case YK_OR: return 1;
	case YK_AND: return 2;
	case YT_EQ: case YT_NE: case YK_CONTAINS: case YK_ICONTAINS:
	case YK_STARTSWITH: case YK_ISTARTSWITH: case YK_ENDSWITH:
	case YK_IENDSWITH: case YK_IEQUALS: case YK_MATCHES: return 4;
	case YT_LT: case YT_LE: case YT_GT: case YT_GE: return 5;
	case YT_PIPE: return 6;
	case YT_CARET: return 7;
	case YT_AMP: return 8;
	case YT_SHL: case YT_SHR: return 9;
	case YT_PLUS: case YT_MINUS: return 10;
	case YT_STAR: case YT_BSLASH: case YT_PERCENT: return 11;
	case YK_OF: return BP_OF;
	default: return 0;
	}
}

static const char *name_of(struct yr_parser *p)
{
	return yr_keep(p, p->tok.text, p->tok.text_len);
}

/* Marks the strings a name ($a, $a*, or "" with wildcard: all) covers. */
static int use_string(struct yr_parser *p, const char *id, int wildcard,
		      char sigil)
{
	struct yr_rule *r = p->rule;
	size_t i, n = strlen(id);
	int found = 0;

	if (!*id && !wildcard) {
		if (!p->in_for_of)
			yr_perr(p, "\"%c\" outside a for..of loop", sigil);
		return !p->failed;
	}
	if (!wildcard) {
		long k = yr_string_find(p, id);

		if (k >= 0)
			r->strings[k].used = found = 1;
	}
	for (i = 0; wildcard && i < r->nstrings; i++)
		if (!strncmp(r->strings[i].id, id, n)) {
			r->strings[i].used = 1;
			found = 1;
		}
	if (!found)
		yr_perr(p, "undefined string identifier \"%c%s%s\"", sigil, id,
			wildcard ? "*" : "");
	return !p->failed;
}

static struct yr_node *range(struct yr_parser *p)
{
	struct yr_node *n = yr_node(p, YN_RANGE);

	if (!n || !yr_expect(p, YT_LPAREN) || !(n->a = expr(p, 0)) ||
	    !yr_expect(p, YT_DOTDOT) || !(n->b = expr(p, 0)) ||
	    !yr_expect(p, YT_RPAREN))
		return NULL;
	return n;
}

/* $a [at x | in (a..b)], #a [in (a..b)], @a[i], !a[i]. */
static struct yr_node *string_ref(struct yr_parser *p)
{
	static const char sigils[] = "$#@!";
	enum yr_tok k = p->tok.kind;
	struct yr_node *n = yr_node(p, k == YT_STRID ? YN_STR :
					k == YT_STRCOUNT ? YN_COUNT :
					k == YT_STROFF ? YN_OFFSET : YN_LENGTH);

	if (!n || !(n->s = name_of(p)))
		return NULL;
	if (p->tok.wildcard)
		return yr_perr(p, "syntax error: a wildcard is only for sets");
	if (!use_string(p, n->s, 0, sigils[k - YT_STRID]))
		return NULL;
	yr_next(p);
	if (k == YT_STRID && yr_accept(p, YK_AT)) {
		n->op = YK_AT;
		n->a = expr(p, BP_PRIMARY);
	} else if ((k == YT_STRID || k == YT_STRCOUNT) &&
		   yr_accept(p, YK_IN)) {
		n->op = YK_IN;
		n->a = range(p);
	} else if ((k == YT_STROFF || k == YT_STRLEN) &&
		   yr_accept(p, YT_LBRACK)) {
		if ((n->a = expr(p, 0)))
			yr_expect(p, YT_RBRACK);
	}
	return p->failed ? NULL : n;
}

static int is_var(const struct yr_parser *p, const char *name)
{
	int i;

	for (i = 0; i < p->nvars; i++)
		if (!strcmp(p->vars[i], name))
			return 1;
	return 0;
}

static int defined_name(const struct yr_parser *p, const char *name)
{
	size_t i;

	if (is_var(p, name))
		return 1;
	for (i = 0; p->o && i < p->o->nexternals; i++)
		if (!strcmp(p->o->externals[i], name))
			return 1;
	for (i = 0; i < p->rs->nimports; i++)
		if (!strcmp(p->rs->imports[i], name))
			return 1;
	if (yr_rule_find(p->rs, yr_namespace(p), name) >= 0)
		return 1;
	/* a rule may name itself (yarac takes it: its value so far) */
	return p->rule && !strcmp(p->rule->name, name);
}

/* The regular expression token, as a node whose code the rule set keeps
 * (compiled here once, not at each scan). */
static struct yr_node *regex_node(struct yr_parser *p)
{
	struct yr_ruleset *rs = p->rs;
	struct yr_node *n = yr_node(p, YN_REGEX);
	struct vbuf src = { 0 };
	uint32_t opts;
	PCRE2_SIZE eoff;
	int err, rc;

	if (!n || !(n->s = name_of(p)))
		return NULL;
	n->flags = p->tok.regex_flags;
	if (rs->nre == rs->capre) {
		size_t cap = rs->capre ? rs->capre * 2 : 16;
		void **re = realloc(rs->re, cap * sizeof(*re));

		if (!re)
			return yr_oom(p);
		rs->re = re;
		rs->capre = cap;
	}
	opts = (n->flags & YR_RE_NOCASE ? PCRE2_CASELESS : 0) |
	       (n->flags & YR_RE_DOTALL ? PCRE2_DOTALL : 0);
	rc = yr_regex_source(n->s, p->tok.text_len, 0, &src);
	if (rc == VIGIL_ENOMEM)
		return yr_oom(p);
	if (rc == VIGIL_EINVAL) {
		vbuf_free(&src);
		return yr_perr(p, "regular expression ends inside an escape or "
			       "a class");
	}
	rs->re[rs->nre] = rc ? NULL : /* refused, as PCRE2 refuses it */
		pcre2_compile((PCRE2_SPTR)src.data, src.len - 1, opts, &err,
			      &eoff, NULL);
	vbuf_free(&src);
	n->i = (int64_t)rs->nre++;
	yr_next(p);
	return n;
}

static struct yr_node *args(struct yr_parser *p, struct yr_node *fn)
{
	struct yr_node *n = yr_node(p, YN_CALL), **tail;

	if (!n)
		return NULL;
	n->a = fn;
	tail = &n->b;
	if (yr_accept(p, YT_RPAREN))
		return n;
	do {
		if (p->tok.kind == YT_REGEX) { /* a function may take one */
			if (!(*tail = regex_node(p)))
				return NULL;
		} else if (!(*tail = expr(p, 0))) {
			return NULL;
		}
		tail = &(*tail)->next;
	} while (yr_accept(p, YT_COMMA));
	return yr_expect(p, YT_RPAREN) ? n : NULL;
}

/* name, name.field, name[i], name(args), chained. */
static struct yr_node *identifier(struct yr_parser *p)
{
	struct yr_node *n = yr_node(p, YN_IDENT), *m;

	if (!n || !(n->s = name_of(p)))
		return NULL;
	if (!defined_name(p, n->s))
		return yr_perr(p, "undefined identifier \"%s\"", n->s);
	if (yr_ref_base(p, n) < 0)
		return NULL;
	yr_next(p);
	while (!p->failed) {
		if (yr_accept(p, YT_DOT)) {
			if (p->tok.kind != YT_IDENT)
				return yr_perr(p, "syntax error: a field name "
						  "expected");
			if (!(m = yr_node(p, YN_MEMBER)) || !(m->s = name_of(p)))
				return NULL;
			m->a = n;
			n = m;
			if (yr_ref_member(p, m) < 0)
				return NULL;
			yr_next(p);
		} else if (yr_accept(p, YT_LBRACK)) {
			if (!(m = yr_node(p, YN_INDEX)) || !(m->b = expr(p, 0)) ||
			    !yr_expect(p, YT_RBRACK))
				return NULL;
			m->a = n;
			n = m;
			if (yr_ref_index(p, m) < 0)
				return NULL;
		} else if (yr_accept(p, YT_LPAREN)) {
			if (!(n = args(p, n)) || yr_ref_call(p, n) < 0)
				return NULL;
		} else {
			break;
		}
	}
	return p->failed ? NULL : n;
}

/* them, ($a, $b*, ...) or (rule, rule*, ...). */
static struct yr_node *set(struct yr_parser *p)
{
	struct yr_node *n = yr_node(p, YN_SET), **tail;

	if (!n)
		return NULL;
	if (p->tok.kind == YK_THEM) {
		n->op = YK_THEM;
		if (!p->rule->nstrings)
			return yr_perr(p, "\"them\" in a rule without strings");
		yr_next(p);
		return use_string(p, "", 1, '$') ? n : NULL;
	}
	if (!yr_expect(p, YT_LPAREN))
		return NULL;
	if (p->tok.kind == YT_IDENT)
		n->kind = YN_RULESET;
	tail = &n->a;
	do {
		enum yr_tok want = n->kind == YN_SET ? YT_STRID : YT_IDENT;
		struct yr_node *m;

		if (p->tok.kind != want)
			return yr_perr(p, "syntax error: %s expected in a set",
				       yr_tok_name(want));
		if (!(m = yr_node(p, n->kind == YN_SET ? YN_STR : YN_IDENT)) ||
		    !(m->s = name_of(p)))
			return NULL;
		m->flags = (unsigned)p->tok.wildcard;
		yr_next(p);
		if (n->kind == YN_RULESET && p->tok.kind == YT_STAR) {
			m->flags = 1;
			yr_next(p);
		}
		if (n->kind == YN_SET && !use_string(p, m->s, (int)m->flags, '$'))
			return NULL;
		*tail = m;
		tail = &m->next;
	} while (yr_accept(p, YT_COMMA));
	return yr_expect(p, YT_RPAREN) ? n : NULL;
}

/* quantifier "of" set [in (a..b)]. */
static struct yr_node *of(struct yr_parser *p, struct yr_node *quant)
{
	struct yr_node *n = yr_node(p, YN_OF);

	if (!n || !yr_expect(p, YK_OF))
		return NULL;
	n->a = quant;
	if (!(n->b = set(p)))
		return NULL;
	if (yr_accept(p, YK_IN) && !(n->c = range(p)))
		return NULL;
	return n;
}

/* all, any, none, or an expression (a number of strings). */
static struct yr_node *quantifier(struct yr_parser *p)
{
	struct yr_node *n = yr_node(p, YN_QUANT);

	if (!n)
		return NULL;
	if (p->tok.kind == YK_ALL || p->tok.kind == YK_ANY ||
	    p->tok.kind == YK_NONE) {
		n->op = p->tok.kind;
		yr_next(p);
		return n;
	}
	n->a = expr(p, BP_OF + 1);
	if (n->a && yr_accept(p, YT_PERCENT))
		n->i = 1;
	return n->a ? n : NULL;
}

/* (a..b), (a, b, ...), or an identifier (an array or dictionary). */
static struct yr_node *iterator(struct yr_parser *p)
{
	struct yr_node *first, *n, **tail;

	if (p->tok.kind != YT_LPAREN)
		return identifier(p);
	yr_next(p);
	if (!(first = expr(p, 0)))
		return NULL;
	if (yr_accept(p, YT_DOTDOT)) {
		if (!(n = yr_node(p, YN_RANGE)))
			return NULL;
		n->a = first;
		n->b = expr(p, 0);
		return n->b && yr_expect(p, YT_RPAREN) ? n : NULL;
	}
	if (!(n = yr_node(p, YN_ENUM)))
		return NULL;
	n->a = first;
	tail = &first->next;
	while (yr_accept(p, YT_COMMA)) {
		if (!(*tail = expr(p, 0)))
			return NULL;
		tail = &(*tail)->next;
	}
	return yr_expect(p, YT_RPAREN) ? n : NULL;
}

/* ": ( condition )" of a for loop. */
static struct yr_node *loop_body(struct yr_parser *p)
{
	struct yr_node *b;

	if (!yr_expect(p, YT_COLON) || !yr_expect(p, YT_LPAREN))
		return NULL;
	b = expr(p, 0);
	return b && yr_expect(p, YT_RPAREN) ? b : NULL;
}

static struct yr_node *for_in(struct yr_parser *p, struct yr_node *n)
{
	int nvars = p->nvars, k = 0;
	struct yr_node **tail = &n->vars, *v;

	n->kind = YN_FOR_IN;
	do {
		if (p->tok.kind != YT_IDENT)
			return yr_perr(p, "syntax error: a loop variable "
					  "expected");
		if (nvars + k >= YR_MAX_LOOP_VARS || is_var(p, p->tok.text))
			return yr_perr(p, "loop variable \"%s\" %s", p->tok.text,
				       nvars + k >= YR_MAX_LOOP_VARS ?
					       "is one too many" :
					       "is already in use");
		if (!(v = yr_node(p, YN_IDENT)) || !(v->s = name_of(p)))
			return NULL;
		*tail = v;
		tail = &v->next;
		k++;
		yr_next(p);
	} while (yr_accept(p, YT_COMMA));
	if (!yr_expect(p, YK_IN) || !(n->b = iterator(p)) ||
	    yr_ref_loop(p, n->b, k, p->vardecl + nvars, p->varmod + nvars) < 0)
		return NULL;
	for (v = n->vars; v; v = v->next)
		p->vars[p->nvars++] = v->s;
	n->c = loop_body(p);
	p->nvars = nvars;
	return n->c ? n : NULL;
}

static struct yr_node *for_loop(struct yr_parser *p)
{
	struct yr_node *n = yr_node(p, YN_FOR_OF);

	yr_next(p);
	if (!n || !(n->a = quantifier(p)))
		return NULL;
	if (!yr_accept(p, YK_OF))
		return for_in(p, n);
	if (!(n->b = set(p)))
		return NULL;
	p->in_for_of++;
	n->c = loop_body(p);
	p->in_for_of--;
	return n->c ? n : NULL;
}

static struct yr_node *unary(struct yr_parser *p, int op, int bp)
{
	struct yr_node *n = yr_node(p, YN_UNARY);

	yr_next(p);
	if (!n)
		return NULL;
	n->op = op;
	n->a = expr(p, bp);
	return n->a ? n : NULL;
}

static struct yr_node *int_function(struct yr_parser *p)
{
	struct yr_node *n = yr_node(p, YN_INTFN);

	if (!n)
		return NULL;
	n->op = p->tok.kind;
	yr_next(p);
	if (!yr_expect(p, YT_LPAREN) || !(n->a = expr(p, 0)) ||
	    !yr_expect(p, YT_RPAREN))
		return NULL;
	return n;
}

static struct yr_node *literal(struct yr_parser *p)
{
	static const struct { enum yr_tok t; enum yr_node_kind k; } kinds[] = {
		{ YT_INT, YN_INT }, { YT_FLOAT, YN_FLOAT }, { YT_TEXT, YN_TEXT },
		{ YK_TRUE, YN_BOOL }, { YK_FALSE, YN_BOOL },
		{ YK_FILESIZE, YN_FILESIZE }, { YK_ENTRYPOINT, YN_ENTRYPOINT },
	};
	struct yr_node *n;
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
		if (kinds[k].t == p->tok.kind)
			break;
	if (k == sizeof(kinds) / sizeof(*kinds))
		return yr_perr(p, "syntax error: unexpected %s",
			       yr_tok_name(p->tok.kind));
	if (!(n = yr_node(p, kinds[k].k)))
		return NULL;
	if (kinds[k].k == YN_FLOAT)
		n->f = p->tok.f;
	else
		n->i = p->tok.kind == YK_TRUE ? 1 : p->tok.i;
	if (p->tok.kind == YT_TEXT) {
		if (!(n->s = name_of(p)))
			return NULL;
		n->slen = (uint32_t)p->tok.text_len;
	}
	yr_next(p);
	return n;
}

static struct yr_node *primary(struct yr_parser *p)
{
	enum yr_tok k = p->tok.kind;
	struct yr_node *n;

	if (k == YK_NOT || k == YK_DEFINED)
		return unary(p, k, BP_NOT);
	if (k == YT_MINUS || k == YT_TILDE)
		return unary(p, k, BP_UNARY);
	if (k == YT_STRID || k == YT_STRCOUNT || k == YT_STROFF ||
	    k == YT_STRLEN)
		return string_ref(p);
	if (k == YT_IDENT)
		return identifier(p);
	if (k == YK_FOR)
		return for_loop(p);
	if (k == YK_ALL || k == YK_ANY || k == YK_NONE)
		return (n = quantifier(p)) ? of(p, n) : NULL;
	if (k >= YK_INT16 && k <= YK_INT8BE)
		return int_function(p);
	if (k >= YK_UINT16 && k <= YK_UINT8BE)
		return int_function(p);
	if (k == YT_LPAREN) {
		yr_next(p);
		n = expr(p, 0);
		return n && yr_expect(p, YT_RPAREN) ? n : NULL;
	}
	return literal(p);
}

static struct yr_node *binary(struct yr_parser *p, struct yr_node *left,
			      enum yr_tok op, int bp)
{
	struct yr_node *n = yr_node(p, YN_BINARY);

	if (!n)
		return NULL;
	n->op = op;
	n->a = left;
	yr_next(p);
	if (op != YK_MATCHES) {
		n->b = expr(p, bp + 1);
		if (n->b && (op == YT_BSLASH || op == YT_PERCENT) &&
		    n->b->kind == YN_INT && n->b->i == 0)
			return yr_perr(p, "division by zero"); /* as yarac */
	}
	else if (p->tok.kind != YT_REGEX)
		return yr_perr(p, "syntax error: a regular expression expected");
	else
		n->b = regex_node(p);
	return n->b ? n : NULL;
}

/* "N% of": a percentage of a set. */
static struct yr_node *percent_of(struct yr_parser *p, struct yr_node *left)
{
	struct yr_node *q = yr_node(p, YN_QUANT);

	yr_next(p); /* '%' */
	if (!q)
		return NULL;
	q->a = left;
	q->i = 1;
	return of(p, q);
}

static struct yr_node *expr(struct yr_parser *p, int minbp)
{
	struct yr_node *left;

	if (++p->depth > YR_MAX_DEPTH) {
		p->depth--;
		return yr_perr(p, "condition nested too deeply");
	}
	left = primary(p);
	while (left && !p->failed) {
		enum yr_tok k = p->tok.kind;
		int bp = infix_bp(k);

		if (!bp || bp < minbp)
			break;
		if (k == YK_OF) {
			struct yr_node *q = yr_node(p, YN_QUANT);

			if (q)
				q->a = left;
			left = q ? of(p, q) : NULL;
		} else if (k == YT_PERCENT && yr_peek(p)->kind == YK_OF) {
			left = percent_of(p, left);
		} else {
			left = binary(p, left, k, bp);
		}
	}
	p->depth--;
	return p->failed ? NULL : left;
}

struct yr_node *yr_parse_cond(struct yr_parser *p)
{
	return expr(p, 0);
}
