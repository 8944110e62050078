/*
 * yreval.c -- evaluates conditions (yreval.h) by walking the tree: the
 * reference evaluator, kept plain for the tests to lean on.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "yara/yreval.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yara/ymodules.h"
#include "yara/yrmatch.h"
#include "vigil/vigil.h"

enum { V_UNDEF, V_INT, V_FLOAT, V_STR, V_OBJ };

struct val {
	int t;
	int64_t i;
	double f;
	const char *s;
	size_t n;
	struct ym_obj *o;	/* V_OBJ: a module's structure, array or
				 * dictionary */
};



/* Loop variables and the for..of string in scope at most. */
#define EVAL_MAX_VARS 32

struct ev {
	const struct yr_ruleset *rs;
	const struct yr_rule *rule;
	const struct yr_matches *sm;	/* per string of the rule */
	const uint8_t *buf;
	size_t len;
	const struct yr_external *ext;
	size_t next;
	const uint8_t *result;		/* rules before this one */
	size_t nrule;			/* this rule's index */
	const char *var[EVAL_MAX_VARS];
	struct val varval[EVAL_MAX_VARS];
	int nvars;
	long cur;			/* the for..of string, or -1 */
	int unsupported;
	int oom;
	uint64_t deadline;		/* monotonic ns, 0: none */
	uint64_t steps;			/* loop iterations, over every loop */
	int timed_out;
	struct ym_scan mods;		/* the modules, loaded when named */
	const struct yr_source *src;
	int str_rc;			/* the first string that could not be
					 * matched: YR_MATCH_* */
	const char *str_why;
};

static const struct val undef = { V_UNDEF, 0, 0, NULL, 0, NULL };
/* A module's structure, array or dictionary that was not filled in. */
static struct ym_obj empty;

static struct val vint(int64_t i)
{
	struct val v = { V_INT, i, 0, NULL, 0, NULL };

	return v;
}

static int truthy(struct val v)
{
	return (v.t == V_INT && v.i) || (v.t == V_FLOAT && v.f != 0) ||
	       (v.t == V_STR && v.n);
}

static struct val eval(struct ev *e, const struct yr_node *n);

static long string_index(const struct ev *e, const char *id)
{
	size_t i;

	if (!*id)
		return e->cur;
	for (i = 0; i < e->rule->nstrings; i++)
		if (!strcmp(e->rule->strings[i].id, id))
			return (long)i;
	return -1;
}

/* Matches of string i starting in [lo, hi]. */
static size_t count_in(const struct yr_matches *m, int64_t lo, int64_t hi)
{
	size_t k, c = 0;

	for (k = 0; k < m->n; k++)
		c += (int64_t)m->m[k].off >= lo && (int64_t)m->m[k].off <= hi;
	return c;
}

static int range_of(struct ev *e, const struct yr_node *r, int64_t *lo,
		    int64_t *hi)
{
	struct val a = eval(e, r->a), b = eval(e, r->b);

	if (a.t != V_INT || b.t != V_INT)
		return -1;
	*lo = a.i;
	*hi = b.i;
	return 0;
}

/* A string that could not be matched (rc: YR_MATCH_*, or VIGIL_ENOMEM):
 * the rule's result once it is evaluated. */
static void string_failed(struct ev *e, int rc, const char *why)
{
	if (rc < 0)
		e->oom = 1;
	else if (!e->str_rc) {
		e->str_rc = rc;
		e->str_why = why;
	}
}

/* String i's matches, matched now if the source matches each when it is
 * first read. */
static const struct yr_matches *string_matches(struct ev *e, size_t i)
{
	const char *w = NULL;
	int rc;

	if (e->src->string &&
	    (rc = e->src->string(e->src->ctx, e->nrule, i, &w)) != 0)
		string_failed(e, rc, w);
	return &e->sm[i];
}

/* $a at x: asked of the source where it tells without every match. */
static struct val string_at(struct ev *e, size_t i, const struct yr_node *n)
{
	struct val v = eval(e, n->a);
	const char *w = NULL;
	int hit = -1, rc;

	if (v.t != V_INT)
		return undef; /* the string is not matched at all */
	if (e->src->string_at &&
	    (rc = e->src->string_at(e->src->ctx, e->nrule, i, v.i, &hit,
				    &w)) != 0) {
		string_failed(e, rc, w);
		return vint(0);
	}
	if (hit >= 0)
		return vint(hit);
	return vint(count_in(string_matches(e, i), v.i, v.i) > 0);
}

static struct val string_ref(struct ev *e, const struct yr_node *n)
{
	long i = string_index(e, n->s);
	const struct yr_matches *m;
	int64_t lo, hi, k = 1;
	struct val v;

	if (i < 0)
		return undef;
	if (n->kind == YN_STR && n->op == YK_AT)
		return string_at(e, (size_t)i, n);
	if ((n->kind == YN_STR || n->kind == YN_COUNT) && n->op == YK_IN) {
		if (range_of(e, n->a, &lo, &hi) < 0)
			return undef;
		k = (int64_t)count_in(string_matches(e, (size_t)i), lo, hi);
		return n->kind == YN_STR ? vint(k > 0) : vint(k);
	}
	if (n->a && ((v = eval(e, n->a)).t != V_INT))
		return undef; /* an index: before the string is matched */
	m = string_matches(e, (size_t)i);
	if (n->kind == YN_STR || n->kind == YN_COUNT)
		return n->kind == YN_STR ? vint(m->n > 0) : vint((int64_t)m->n);
	k = n->a ? v.i : 1;
	if (k < 1 || (uint64_t)k > m->n)
		return undef;
	return vint((int64_t)(n->kind == YN_OFFSET ? m->m[k - 1].off :
						     m->m[k - 1].len));
}

static struct val from_ym(const struct ym_val *y)
{
	struct val v = undef;

	switch (y ? y->type : YM_UNDEF) {
	case YM_INT: return vint(y->u.i);
	case YM_FLOAT: v.t = V_FLOAT; v.f = y->u.f; return v;
	case YM_STR: v.t = V_STR; v.s = y->u.s; v.n = y->n; return v;
	case YM_STRUCT: case YM_ARRAY: case YM_DICT:
		v.t = V_OBJ;
		v.o = y->u.o;
		return v;
	default: return undef;
	}
}

static struct ym_val to_ym(struct val v)
{
	struct ym_val y = ym_undef;

	if (v.t == V_INT)
		y = ym_vint(v.i);
	else if (v.t == V_FLOAT)
		y = ym_vfloat(v.f);
	else if (v.t == V_STR) {
		y.type = YM_STR;
		y.u.s = v.s;
		y.n = (uint32_t)v.n;
	}
	return y;
}

/* Arguments a module function takes at most. */
#define EVAL_MAX_ARGS 8

/* A module function's call: its arguments evaluated (one undefined makes
 * the result undefined, as in yara), its form chosen by their types. */
static struct val call(struct ev *e, const struct yr_node *n)
{
	const struct yr_node *f = n->a, *arg;
	struct ym_val args[EVAL_MAX_ARGS], out;
	struct val self = eval(e, f->a), v;
	size_t na = 0;

	if (self.t != V_OBJ)
		return undef;
	for (arg = n->b; arg && na < EVAL_MAX_ARGS; arg = arg->next, na++) {
		if (arg->kind == YN_REGEX) {
			args[na] = ym_undef;
			args[na].type = YM_REGEX;
			args[na].u.re = arg;
			continue;
		}
		if ((v = eval(e, arg)).t == V_UNDEF || v.t == V_OBJ)
			return undef;
		args[na] = to_ym(v);
	}
	if (ym_invoke(&e->mods, n->mod, f->a->decl, (size_t)n->i, self.o,
		      args, na, &out) < 0)
		return undef;
	e->oom |= e->mods.oom;
	return from_ym(&out);
}

/* A module's value: the module, a member, an item, a function's result. */
static struct val module_value(struct ev *e, const struct yr_node *n)
{
	struct val b, k;
	int dict;

	if (n->flags & YR_ID_NOMODULE) {
		e->unsupported = 1;
		return undef;
	}
	switch (n->kind) {
	case YN_IDENT:
		b = undef;
		if ((b.o = ym_scan_root(&e->mods, n->mod)))
			b.t = V_OBJ;
		e->oom |= e->mods.oom;
		return b;
	case YN_MEMBER:
		b = eval(e, n->a);
		if (b.t != V_OBJ || (uint64_t)n->i >= b.o->n)
			return undef;
		b = from_ym(&b.o->v[n->i]);
		if (b.t == V_UNDEF && n->decl && (n->decl->type == YM_STRUCT ||
		    n->decl->type == YM_ARRAY || n->decl->type == YM_DICT)) {
			b.t = V_OBJ; /* declared, so there, if empty */
			b.o = &empty;
		}
		return b;
	case YN_INDEX:
		b = eval(e, n->a);
		k = eval(e, n->b);
		dict = n->a->decl && n->a->decl->type == YM_DICT;
		if (b.t != V_OBJ || k.t != (dict ? V_STR : V_INT))
			return undef;
		return from_ym(ym_item(b.o, dict, k.i, k.s, k.n));
	default:
		return call(e, n);
	}
}

/* The deprecated "entrypoint": pe.entry_point, or elf.entry_point. */
static struct val entry_point(struct ev *e)
{
	static const char *const mods[] = { "pe", "elf" };
	struct ym_obj *root;
	size_t m;
	long k;
	int idx;

	for (m = 0; m < 2; m++) {
		const struct ym_module *mod = ym_module_find(mods[m], &idx);

		if (!mod || (k = ym_member(mod->root, "entry_point", 0)) < 0 ||
		    !(root = ym_scan_root(&e->mods, idx)))
			continue;
		if (root->v[k].type == YM_INT)
			return vint(root->v[k].u.i);
	}
	e->oom |= e->mods.oom;
	return undef;
}

static struct val ident(struct ev *e, const struct yr_node *n)
{
	size_t i;
	long r;
	int v;

	if (n->flags & (YR_ID_MODULE | YR_ID_NOMODULE))
		return module_value(e, n);
	for (v = e->nvars - 1; v >= 0; v--)
		if (!strcmp(e->var[v], n->s))
			return e->varval[v];
	for (i = 0; i < e->next; i++)
		if (!strcmp(e->ext[i].name, n->s)) {
			struct val x = vint(e->ext[i].i);

			if (e->ext[i].kind == YN_TEXT) {
				x.t = V_STR;
				x.s = e->ext[i].text;
				x.n = strlen(x.s);
			} else if (e->ext[i].kind == YN_FLOAT) {
				x.t = V_FLOAT;
				x.f = e->ext[i].f;
			}
			return x;
		}
	if ((r = yr_rule_find(e->rs, e->rule->ns, n->s)) >= 0 &&
	    (size_t)r < e->nrule)
		return vint(e->result[r] == YR_RULE_TRUE);
	if (!strcmp(e->rule->name, n->s))
		return vint(0); /* itself, before it is known */
	e->unsupported = 1; /* a module */
	return undef;
}

static struct val int_function(struct ev *e, const struct yr_node *n)
{
	static const struct { int tok, size, be, sign; } fns[] = {
		{ YK_UINT8, 1, 0, 0 }, { YK_UINT16, 2, 0, 0 },
		{ YK_UINT32, 4, 0, 0 }, { YK_UINT8BE, 1, 1, 0 },
		{ YK_UINT16BE, 2, 1, 0 }, { YK_UINT32BE, 4, 1, 0 },
		{ YK_INT8, 1, 0, 1 }, { YK_INT16, 2, 0, 1 }, { YK_INT32, 4, 0, 1 },
		{ YK_INT8BE, 1, 1, 1 }, { YK_INT16BE, 2, 1, 1 },
		{ YK_INT32BE, 4, 1, 1 },
	};
	struct val at = eval(e, n->a);
	uint64_t x = 0;
	size_t k, b;

	for (k = 0; fns[k].tok != n->op; k++)
		;
	if (at.t != V_INT || at.i < 0 || (uint64_t)at.i > e->len ||
	    e->len - (size_t)at.i < (size_t)fns[k].size)
		return undef;
	for (b = 0; b < (size_t)fns[k].size; b++) {
		size_t shift = fns[k].be ? (size_t)fns[k].size - 1 - b : b;

		x |= (uint64_t)e->buf[(size_t)at.i + b] << (8 * shift);
	}
	if (fns[k].sign && fns[k].size < 8 &&
	    (x >> (8 * fns[k].size - 1)) & 1)
		x |= ~(uint64_t)0 << (8 * fns[k].size);
	return vint((int64_t)x);
}

static double as_f(struct val v)
{
	return v.t == V_FLOAT ? v.f : (double)v.i;
}

static struct val arith(int op, struct val a, struct val b)
{
	struct val r = undef;

	if (a.t == V_UNDEF || b.t == V_UNDEF || a.t >= V_STR || b.t >= V_STR)
		return undef;
	if (a.t == V_FLOAT || b.t == V_FLOAT) {
		r.t = V_FLOAT;
		switch (op) {
		case YT_PLUS: r.f = as_f(a) + as_f(b); return r;
		case YT_MINUS: r.f = as_f(a) - as_f(b); return r;
		case YT_STAR: r.f = as_f(a) * as_f(b); return r;
		case YT_BSLASH:
			if (as_f(b) == 0)
				return undef;
			r.f = as_f(a) / as_f(b);
			return r;
		default: return undef;
		}
	}
	switch (op) {
	case YT_PLUS: return vint((int64_t)((uint64_t)a.i + (uint64_t)b.i));
	case YT_MINUS: return vint((int64_t)((uint64_t)a.i - (uint64_t)b.i));
	case YT_STAR: return vint((int64_t)((uint64_t)a.i * (uint64_t)b.i));
	case YT_BSLASH: case YT_PERCENT:
		if (!b.i || (a.i == INT64_MIN && b.i == -1))
			return undef;
		return vint(op == YT_BSLASH ? a.i / b.i : a.i % b.i);
	case YT_AMP: return vint(a.i & b.i);
	case YT_PIPE: return vint(a.i | b.i);
	case YT_CARET: return vint(a.i ^ b.i);
	case YT_SHL: return vint(b.i < 0 ? 0 : b.i >= 64 ? 0 :
				 (int64_t)((uint64_t)a.i << b.i));
	default: return vint(b.i < 0 ? 0 : b.i >= 64 ? 0 : a.i >> b.i);
	}
}

static int cmp_val(struct val a, struct val b)
{
	if (a.t == V_STR) {
		size_t n = a.n < b.n ? a.n : b.n;
		int c = memcmp(a.s, b.s, n);

		return c ? c : (a.n > b.n) - (a.n < b.n);
	}
	return (as_f(a) > as_f(b)) - (as_f(a) < as_f(b));
}

static struct val compare(int op, struct val a, struct val b)
{
	int c;

	if (a.t == V_UNDEF || b.t == V_UNDEF || a.t == V_OBJ || b.t == V_OBJ ||
	    (a.t == V_STR) != (b.t == V_STR))
		return undef;
	if (a.t == V_INT && b.t == V_INT)
		c = (a.i > b.i) - (a.i < b.i);
	else
		c = cmp_val(a, b);
	switch (op) {
	case YT_EQ: return vint(c == 0);
	case YT_NE: return vint(c != 0);
	case YT_LT: return vint(c < 0);
	case YT_LE: return vint(c <= 0);
	case YT_GT: return vint(c > 0);
	default: return vint(c >= 0);
	}
}

static int lower_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if ((x >= 'A' && x <= 'Z' ? x + 32 : x) !=
		    (y >= 'A' && y <= 'Z' ? y + 32 : y))
			return 0;
	}
	return 1;
}

static struct val text_op(int op, struct val a, struct val b)
{
	int nocase = op == YK_ICONTAINS || op == YK_ISTARTSWITH ||
		     op == YK_IENDSWITH || op == YK_IEQUALS;
	size_t i;

	if (a.t != V_STR || b.t != V_STR)
		return undef;
	if (op == YK_IEQUALS)
		return vint(a.n == b.n && lower_eq(a.s, b.s, a.n));
	if (b.n > a.n)
		return vint(0);
	if (op == YK_STARTSWITH || op == YK_ISTARTSWITH)
		return vint(nocase ? lower_eq(a.s, b.s, b.n) :
				     !memcmp(a.s, b.s, b.n));
	if (op == YK_ENDSWITH || op == YK_IENDSWITH)
		return vint(nocase ? lower_eq(a.s + a.n - b.n, b.s, b.n) :
				     !memcmp(a.s + a.n - b.n, b.s, b.n));
	for (i = 0; i + b.n <= a.n; i++)
		if (nocase ? lower_eq(a.s + i, b.s, b.n) :
			     !memcmp(a.s + i, b.s, b.n))
			return vint(1);
	return vint(0);
}

/* Regex node re's code, compiled as the rule was read; NULL if PCRE2
 * refused it. */
static const pcre2_code *regex_code(const struct ev *e, const struct yr_node *re)
{
	return (uint64_t)re->i < e->rs->nre ? e->rs->re[re->i] : NULL;
}

/* 1 if re matches s[0..n), 0 if not, -1 if it cannot be run. */
static int regex_run(struct ev *e, const struct yr_node *re, const char *s,
		     size_t n)
{
	const pcre2_code *c = regex_code(e, re);
	pcre2_match_data *md;
	int rc;

	if (!c)
		return -1;
	md = pcre2_match_data_create_from_pattern(c, NULL);
	rc = md ? pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, md, NULL) : -1;
	pcre2_match_data_free(md);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		return -1;
	return rc >= 0;
}

static int module_regex(void *ctx, const void *re, const char *s, size_t n)
{
	return regex_run(ctx, re, s, n) == 1;
}

static struct val matches(struct ev *e, struct val a, const struct yr_node *re)
{
	int rc;

	if (a.t != V_STR)
		return undef;
	if ((rc = regex_run(e, re, a.s, a.n)) < 0) {
		e->unsupported = 1;
		return undef;
	}
	return vint(rc);
}

static struct val binary(struct ev *e, const struct yr_node *n)
{
	struct val a = eval(e, n->a), b;

	if (n->op == YK_AND)
		return truthy(a) ? vint(truthy(eval(e, n->b))) : vint(0);
	if (n->op == YK_OR)
		return truthy(a) ? vint(1) : vint(truthy(eval(e, n->b)));
	if (n->op == YK_MATCHES)
		return matches(e, a, n->b);
	b = eval(e, n->b);
	switch (n->op) {
	case YT_EQ: case YT_NE: case YT_LT: case YT_LE: case YT_GT: case YT_GE:
		return compare(n->op, a, b);
	case YK_CONTAINS: case YK_ICONTAINS: case YK_STARTSWITH:
	case YK_ISTARTSWITH: case YK_ENDSWITH: case YK_IENDSWITH:
	case YK_IEQUALS:
		return text_op(n->op, a, b);
	default:
		return arith(n->op, a, b);
	}
}

static struct val unary(struct ev *e, const struct yr_node *n)
{
	struct val a = eval(e, n->a);

	switch (n->op) {
	case YK_DEFINED: return vint(a.t != V_UNDEF);
	case YK_NOT: return a.t == V_UNDEF ? undef : vint(!truthy(a));
	case YT_TILDE: return a.t == V_INT ? vint(~a.i) : undef;
	default:
		if (a.t == V_FLOAT)
			a.f = -a.f;
		else if (a.t == V_INT)
			a.i = (int64_t)(0 - (uint64_t)a.i);
		return a;
	}
}

/* Whether count of total meets the quantifier; -1 if it is undefined. */
static int quant_ok(struct ev *e, const struct yr_node *q, int64_t count,
		    int64_t total)
{
	struct val v;

	if (q->op == YK_ALL)
		return count == total;
	if (q->op == YK_ANY)
		return count > 0;
	if (q->op == YK_NONE)
		return count == 0;
	v = eval(e, q->a);
	if (v.t != V_INT)
		return -1;
	if (q->i) /* N% of */
		return count * 100 >= v.i * total;
	return count >= v.i;
}

/* The members a quantifier needs to match (N of), or -1: none such, or
 * not known before (N% of, an undefined N). */
static int64_t quant_need(struct ev *e, const struct yr_node *q)
{
	struct val v;

	if (q->op == YK_ALL || q->op == YK_ANY || q->op == YK_NONE || q->i)
		return -1;
	v = eval(e, q->a);
	return v.t == V_INT ? v.i : -1;
}

/* Whether quantifier q is decided, count of the seen members of total
 * having matched, so that the members left need not be matched. */
static int decided(const struct yr_node *q, int64_t count, int64_t seen,
		   int64_t total, int64_t need)
{
	if (q->op == YK_ANY || q->op == YK_NONE)
		return count > 0;
	if (q->op == YK_ALL)
		return count < seen;
	return need >= 0 && (count >= need || count + (total - seen) < need);
}

/* The strings a set names, as flags in take[] (rule->nstrings); returns
 * how many. */
static int64_t set_members(const struct ev *e, const struct yr_node *set,
			   uint8_t *take)
{
	const struct yr_node *m;
	int64_t total = 0;
	size_t i;

	for (i = 0; i < e->rule->nstrings; i++)
		take[i] = set->op == YK_THEM;
	for (m = set->a; m; m = m->next)
		for (i = 0; i < e->rule->nstrings; i++)
			if (m->flags ? !strncmp(e->rule->strings[i].id, m->s,
						strlen(m->s)) :
				       !strcmp(e->rule->strings[i].id, m->s))
				take[i] = 1;
	for (i = 0; i < e->rule->nstrings; i++)
		total += take[i];
	return total;
}

static struct val rules_of(struct ev *e, const struct yr_node *n)
{
	const struct yr_node *m;
	int64_t count = 0, total = 0;
	size_t i;
	int ok;

	for (i = 0; i < e->nrule; i++)
		for (m = n->b->a; m && !strcmp(e->rs->rules[i].ns, e->rule->ns);
		     m = m->next)
			if (m->flags ? !strncmp(e->rs->rules[i].name, m->s,
						strlen(m->s)) :
				       !strcmp(e->rs->rules[i].name, m->s)) {
				total++;
				count += e->result[i] == YR_RULE_TRUE;
				break;
			}
	ok = quant_ok(e, n->a, count, total);
	return ok < 0 ? undef : vint(ok);
}

static struct val of(struct ev *e, const struct yr_node *n)
{
	uint8_t take[4096];
	int64_t count = 0, total, seen = 0, lo = 0, hi = INT64_MAX, need;
	size_t i;
	int ok;

	if (n->b->kind == YN_RULESET)
		return rules_of(e, n);
	if (e->rule->nstrings > sizeof(take)) {
		e->unsupported = 1; /* not guessed */
		return undef;
	}
	if (n->c && range_of(e, n->c, &lo, &hi) < 0)
		return undef;
	total = set_members(e, n->b, take);
	need = quant_need(e, n->a);
	for (i = 0; i < e->rule->nstrings &&
		    !decided(n->a, count, seen, total, need); i++)
		if (take[i]) {
			seen++;
			count += count_in(string_matches(e, i), lo, hi) > 0;
		}
	ok = quant_ok(e, n->a, count, total);
	return ok < 0 ? undef : vint(ok);
}

static struct val for_of(struct ev *e, const struct yr_node *n)
{
	uint8_t take[4096];
	int64_t count = 0, total, seen = 0, need;
	long saved = e->cur;
	size_t i;
	int ok;

	if (e->rule->nstrings > sizeof(take)) {
		e->unsupported = 1; /* not guessed */
		return undef;
	}
	total = set_members(e, n->b, take);
	need = quant_need(e, n->a);
	for (i = 0; i < e->rule->nstrings &&
		    !decided(n->a, count, seen, total, need); i++)
		if (take[i]) {
			seen++;
			e->cur = (long)i;
			count += truthy(eval(e, n->c));
		}
	e->cur = saved;
	ok = quant_ok(e, n->a, count, total);
	return ok < 0 ? undef : vint(ok);
}

uint64_t yr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* 1 (and the rule being evaluated marked) once the time limit passed. */
static int past_deadline(struct ev *e)
{
	if (e->deadline && yr_now_ns() >= e->deadline)
		e->timed_out = 1;
	return e->timed_out;
}

/* What a for..in loop runs over. */
struct loop {
	int kind;		/* 0: a range, 1: a list, 2: a module's array
				 * or dictionary */
	int64_t lo, hi;		/* the range */
	const struct yr_node *item;	/* the list's next */
	struct ym_obj *o;	/* the array or dictionary */
	int dict;
};

static int loop_start(struct ev *e, const struct yr_node *it, struct loop *l)
{
	struct val v;

	memset(l, 0, sizeof(*l));
	if (it->kind == YN_RANGE)
		return range_of(e, it, &l->lo, &l->hi);
	if (it->kind == YN_ENUM) {
		l->kind = 1;
		l->item = it->a;
		return 0;
	}
	if ((v = eval(e, it)).t != V_OBJ)
		return -1;
	l->kind = 2;
	l->o = v.o;
	l->dict = it->decl && it->decl->type == YM_DICT;
	l->hi = (int64_t)v.o->n - 1;
	return 0;
}

/* The next values of the loop's variables into var[]: 1, or 0 at the
 * end. */
static int loop_next(struct ev *e, struct loop *l, struct val *var)
{
	if (l->kind == 1) {
		if (!l->item)
			return 0;
		var[0] = eval(e, l->item);
		l->item = l->item->next;
		return 1;
	}
	if (l->lo > l->hi)
		return 0;
	if (l->kind == 0) {
		var[0] = vint(l->lo++);
		return 1;
	}
	var[l->dict] = from_ym(&l->o->v[l->lo]);
	if (l->dict) {
		var[0] = undef;
		var[0].t = V_STR;
		var[0].s = l->o->key[l->lo];
		var[0].n = strlen(var[0].s);
	}
	l->lo++;
	return 1;
}

static struct val for_in(struct ev *e, const struct yr_node *n)
{
	int64_t count = 0, total = 0;
	const struct yr_node *x;
	int nv = 0, base = e->nvars, ok;
	struct loop l;

	for (x = n->vars; x; x = x->next)
		nv++;
	if (base + nv > EVAL_MAX_VARS || loop_start(e, n->b, &l) < 0)
		return undef;
	for (x = n->vars; x; x = x->next)
		e->var[e->nvars++] = x->s;
	while (loop_next(e, &l, &e->varval[base])) {
		if (l.kind == 1 && e->varval[base].t != V_INT)
			continue;
		total++;
		count += truthy(eval(e, n->c));
		if (total > (int64_t)1 << 24)
			break; /* a loop longer than any buffer */
		if (e->timed_out ||
		    (!(++e->steps & 0xffff) && past_deadline(e)))
			break;
	}
	e->nvars = base;
	if (!total)
		return vint(0); /* a loop that never ran is false, as in yara */
	ok = quant_ok(e, n->a, count, total);
	return ok < 0 ? undef : vint(ok);
}

static struct val literal(const struct yr_node *n)
{
	struct val v = undef;

	switch (n->kind) {
	case YN_BOOL: case YN_INT: return vint(n->i);
	case YN_FLOAT:
		v.t = V_FLOAT;
		v.f = n->f;
		return v;
	case YN_TEXT:
		v.t = V_STR;
		v.s = n->s;
		v.n = n->slen;
		return v;
	default: return undef;
	}
}

static struct val eval(struct ev *e, const struct yr_node *n)
{
	switch (n->kind) {
	case YN_FILESIZE: return vint((int64_t)e->len);
	case YN_ENTRYPOINT: return entry_point(e);
	case YN_STR: case YN_COUNT: case YN_OFFSET: case YN_LENGTH:
		return string_ref(e, n);
	case YN_IDENT: return ident(e, n);
	case YN_MEMBER: case YN_INDEX: case YN_CALL:
		return module_value(e, n);
	case YN_INTFN: return int_function(e, n);
	case YN_UNARY: return unary(e, n);
	case YN_BINARY: return binary(e, n);
	case YN_OF: return of(e, n);
	case YN_FOR_OF: return for_of(e, n);
	case YN_FOR_IN: return for_in(e, n);
	default: return literal(n);
	}
}

/* Rule r's result once its condition was evaluated: what stopped the
 * evaluation, if anything, instead; with why. */
static int verdict(const struct ev *e, int truth, const char **w)
{
	if (e->oom)
		return -1;
	if (e->unsupported) {
		*w = "a module Vigil does not have, a regular expression "
		     "PCRE2 refuses, or a set of over 4096 strings";
		return YR_RULE_UNSUPPORTED;
	}
	if (e->timed_out) {
		*w = "the time limit was reached";
		return YR_RULE_LIMIT;
	}
	if (e->str_rc) {
		*w = e->str_why;
		return e->str_rc == YR_MATCH_LIMIT ? YR_RULE_LIMIT :
						     YR_RULE_UNSUPPORTED;
	}
	return truth ? YR_RULE_TRUE : YR_RULE_FALSE;
}

/* One rule: its strings' matches, then its condition. */
static int one_rule(struct ev *e, const struct yr_source *src, size_t r,
		    uint8_t *result, const char **why)
{
	const struct yr_matches *sm = NULL;
	const char *w = NULL;
	int rc, v;

	result[r] = YR_RULE_FALSE;
	if (why)
		why[r] = NULL;
	if (src->known_false && src->known_false(src->ctx, r))
		return 0;
	if ((rc = src->strings(src->ctx, r, &sm, &w)) == 0) {
		e->rule = &e->rs->rules[r];
		e->sm = sm;
		e->nrule = r;
		e->cur = -1;
		e->unsupported = 0;
		e->str_rc = 0;
		v = verdict(e, truthy(eval(e, e->rule->cond)), &w);
		if (v < 0)
			return VIGIL_ENOMEM;
		result[r] = (uint8_t)v;
	} else if (rc > 0) {
		result[r] = rc == YR_MATCH_LIMIT ? YR_RULE_LIMIT :
						   YR_RULE_UNSUPPORTED;
		rc = 0;
	}
	if (why)
		why[r] = w;
	return rc;
}

/* One rule, timed when a limit or slow() asks: past the time limit, it
 * is not evaluated but reported as a limit reached. */
static int timed_rule(struct ev *e, const struct yr_source *src, size_t r,
		      uint8_t *result, const char **why)
{
	uint64_t t0 = src->slow ? yr_now_ns() : 0, dt;
	int rc;

	if (e->timed_out || (e->deadline && past_deadline(e))) {
		result[r] = YR_RULE_LIMIT;
		if (why)
			why[r] = "the time limit was reached";
		return 0;
	}
	rc = one_rule(e, src, r, result, why);
	if (src->slow && (dt = yr_now_ns() - t0) >= src->slow_ns)
		src->slow(src->ctx, r, dt);
	return rc;
}

/* The rules src->maybe names, in order; the others false, or, past the
 * time limit (noticed at a rule named), a limit reached as the rules
 * after it that are evaluated one by one. For a scan of many rules of
 * which few have a string found: 1,000 plain string rules over the
 * bench corpus, asked one by one, took 2.5% more of the whole run. */
static int maybe_rules(struct ev *e, const struct yr_source *src,
		       uint8_t *result, const char **why, int *gate)
{
	const struct yr_ruleset *rs = e->rs;
	size_t r, w, late = rs->nrules;
	int rc = 0;

	memset(result, YR_RULE_FALSE, rs->nrules); /* why[] read for none */
	for (w = 0; w * 64 < rs->nrules && !rc; w++)
		for (uint64_t b = src->maybe[w]; b && !rc; b &= b - 1) {
			r = w * 64 + (size_t)__builtin_ctzll(b);
			rc = timed_rule(e, src, r, result, why);
			if ((rs->rules[r].flags & YR_RULE_GLOBAL) &&
			    result[r] != YR_RULE_TRUE)
				*gate = 0;
			if (e->timed_out && late == rs->nrules)
				late = r;
		}
	for (r = late + 1; r < rs->nrules && !rc; r++) {
		result[r] = YR_RULE_LIMIT;
		if (why)
			why[r] = "the time limit was reached";
	}
	return rc;
}

int yr_eval_from(const struct yr_ruleset *rs, const struct yr_source *src,
		 const uint8_t *buf, size_t len, const struct yr_external *ext,
		 size_t next, uint8_t *result, const char **why)
{
	struct ev e;
	size_t r;
	int rc, gate = 1;

	memset(&e, 0, sizeof(e));
	e.rs = rs;
	e.src = src;
	e.buf = buf;
	e.len = len;
	e.ext = ext;
	e.next = next;
	e.result = result;
	e.mods.buf = buf;
	e.mods.len = len;
	e.mods.re_match = module_regex;
	e.mods.re_ctx = &e;
	e.mods.log = src->log;
	e.mods.log_ctx = src->ctx;
	if (src->timeout_ns)
		e.deadline = yr_now_ns() + src->timeout_ns;
	if (src->maybe) {
		rc = maybe_rules(&e, src, result, why, &gate);
	} else {
		for (r = 0, rc = 0; r < rs->nrules && !rc; r++) {
			rc = timed_rule(&e, src, r, result, why);
			if ((rs->rules[r].flags & YR_RULE_GLOBAL) &&
			    result[r] != YR_RULE_TRUE)
				gate = 0;
		}
	}
	ym_scan_free(&e.mods);
	if (rc)
		return rc;
	for (r = 0; r < rs->nrules && !gate; r++)
		if (result[r] == YR_RULE_TRUE) /* a global rule failed */
			result[r] = YR_RULE_FALSE;
	return 0;
}

/* Term n as compare() would give it where it is the file's size against a
 * number (most of signature-base's 477 terms, tested for every file):
 * 0 or 1, or -1 for another term. */
static int size_term(const struct yr_node *n, size_t len)
{
	const struct yr_node *a = n->a, *b = n->b;

	if (n->kind != YN_BINARY ||
	    (n->op != YT_EQ && n->op != YT_NE && n->op != YT_LT &&
	     n->op != YT_LE && n->op != YT_GT && n->op != YT_GE))
		return -1;
	if (a->kind == YN_FILESIZE && b->kind == YN_INT)
		return truthy(compare(n->op, vint((int64_t)len), vint(b->i)));
	if (a->kind == YN_INT && b->kind == YN_FILESIZE)
		return truthy(compare(n->op, vint(a->i), vint((int64_t)len)));
	return -1;
}

void yr_eval_terms(const struct yr_node *const *terms, size_t n,
		   const uint8_t *buf, size_t len, uint8_t *truth)
{
	struct ev e;
	int t;

	memset(&e, 0, sizeof(e));
	e.buf = buf;
	e.len = len;
	for (size_t i = 0; i < n; i++)
		truth[i] = (uint8_t)((t = size_term(terms[i], len)) >= 0 ?
					     t : truthy(eval(&e, terms[i])));
}

/* The reference matcher as a source: each rule's strings matched over
 * the whole buffer when the rule is evaluated. */
struct reference {
	const struct yr_ruleset *rs;
	const uint8_t *buf;
	size_t len;
	struct yr_matches *sm;
	size_t cap;
};

static int reference_strings(void *ctx, size_t r, const struct yr_matches **out,
			     const char **why)
{
	struct reference *ref = ctx;
	const struct yr_rule *rule = &ref->rs->rules[r];
	size_t i;
	int rc = 0;

	if (rule->nstrings > ref->cap) {
		struct yr_matches *m = realloc(ref->sm, rule->nstrings * sizeof(*m));

		if (!m)
			return VIGIL_ENOMEM;
		memset(m + ref->cap, 0, (rule->nstrings - ref->cap) * sizeof(*m));
		ref->sm = m;
		ref->cap = rule->nstrings;
	}
	for (i = 0; i < rule->nstrings && !rc; i++)
		rc = yr_match_string(&rule->strings[i], ref->buf, ref->len,
				     &ref->sm[i], why);
	*out = ref->sm;
	return rc;
}

int yr_eval(const struct yr_ruleset *rs, const uint8_t *buf, size_t len,
	    const struct yr_external *ext, size_t next, uint8_t *result,
	    const char **why)
{
	struct reference ref = { rs, buf, len, NULL, 0 };
	struct yr_source src = { reference_strings, &ref, NULL, NULL, 0, 0, NULL,
				 NULL, NULL, NULL };
	int rc = yr_eval_from(rs, &src, buf, len, ext, next, result, why);
	size_t i;

	for (i = 0; i < ref.cap; i++)
		yr_matches_free(&ref.sm[i]);
	free(ref.sm);
	return rc;
}
