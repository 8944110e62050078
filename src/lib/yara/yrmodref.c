/*
 * yrmodref.c -- module references in conditions, checked against the
 * declarations (yrmodref.h).
 */
#include <string.h>

#include "yara/ymodules.h"
#include "yara/yrmodref.h"

/* Arguments a function takes at most. */
#define REF_MAX_ARGS 8

int yr_ref_base(struct yr_parser *p, struct yr_node *n)
{
	const struct ym_module *m;
	size_t i;
	int v, idx;

	for (v = p->nvars - 1; v >= 0; v--)
		if (!strcmp(p->vars[v], n->s)) {
			n->decl = p->vardecl[v];
			n->mod = p->varmod[v];
			return 0;
		}
	for (i = 0; p->o && i < p->o->nexternals; i++)
		if (!strcmp(p->o->externals[i], n->s))
			return 0;
	for (i = 0; i < p->rs->nimports; i++)
		if (!strcmp(p->rs->imports[i], n->s)) {
			if (!(m = ym_module_find(n->s, &idx))) {
				n->flags |= YR_ID_NOMODULE;
				return 0;
			}
			n->flags |= YR_ID_MODULE;
			n->mod = idx;
			n->decl = m->root;
			return 0;
		}
	return 0;
}

/* What is not a module's value: a name for messages. */
static const char *what(const struct yr_node *n)
{
	return n->s ? n->s : "expression";
}

/* Copies what a node is derived from (module, unevaluated module). */
static int inherit(struct yr_node *m, const struct yr_node *base)
{
	m->mod = base->mod;
	if (base->flags & YR_ID_NOMODULE) {
		m->flags |= YR_ID_NOMODULE;
		return 1;
	}
	return 0;
}

int yr_ref_member(struct yr_parser *p, struct yr_node *m)
{
	const struct ym_decl *d = m->a->decl, *md;
	long k;

	if (inherit(m, m->a))
		return 0;
	if (!d || d->type != YM_STRUCT) {
		yr_perr(p, "\"%s\" is not a structure", what(m->a));
		return -1;
	}
	if ((k = ym_member(d, m->s, 0)) < 0) {
		yr_perr(p, "invalid field name \"%s\"", m->s);
		return -1;
	}
	md = &d->members[k];
	m->i = k;
	m->decl = md;
	if (md->type == YM_CONST) {
		m->kind = md->ret == 'f' ? YN_FLOAT : YN_INT;
		if (m->kind == YN_FLOAT)
			m->f = md->fvalue;
		else
			m->i = md->value;
		m->a = NULL;
		m->decl = NULL;
	}
	return 0;
}

int yr_ref_index(struct yr_parser *p, struct yr_node *m)
{
	const struct ym_decl *d = m->a->decl;
	char t = yr_type_of(m->b);

	if (inherit(m, m->a))
		return 0;
	if (!d || (d->type != YM_ARRAY && d->type != YM_DICT)) {
		yr_perr(p, "\"%s\" is not an array or dictionary", what(m->a));
		return -1;
	}
	if (t != '?' && t != (d->type == YM_ARRAY ? 'i' : 's')) {
		yr_perr(p, "wrong type for the index of \"%s\"", what(m->a));
		return -1;
	}
	m->decl = d->item;
	return 0;
}

/* 1 if a parameter of type want takes an argument of type got. */
static int takes(char want, char got)
{
	return got == '?' || want == got || (want == 'f' && got == 'i');
}

/* 1 if function f takes the argument types got[0..n). */
static int form_takes(const struct ym_decl *f, const char *got, size_t n)
{
	size_t i;

	if (strlen(f->args) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!takes(f->args[i], got[i]))
			return 0;
	return 1;
}

int yr_ref_call(struct yr_parser *p, struct yr_node *call)
{
	const struct yr_node *f = call->a, *arg;
	const struct ym_decl *owner, *fd = f->decl;
	char got[REF_MAX_ARGS];
	size_t n = 0, k;

	if (inherit(call, f))
		return 0;
	if (!fd || fd->type != YM_FUNC || !f->a || !(owner = f->a->decl)) {
		yr_perr(p, "\"%s\" is not a function", what(f));
		return -1;
	}
	for (arg = call->b; arg; arg = arg->next) {
		if (n == REF_MAX_ARGS) {
			yr_perr(p, "too many arguments for \"%s\"", f->s);
			return -1;
		}
		got[n++] = yr_type_of(arg);
	}
	for (k = (size_t)f->i; k < owner->nmembers &&
			       !strcmp(owner->members[k].name, f->s); k++)
		if (form_takes(&owner->members[k], got, n)) {
			call->i = (int64_t)k;
			call->decl = &owner->members[k];
			return 0;
		}
	yr_perr(p, "wrong arguments for function \"%s\"", f->s);
	return -1;
}

int yr_ref_loop(struct yr_parser *p, const struct yr_node *it, int nvars,
		const struct ym_decl **vd, int *mod)
{
	const struct ym_decl *d = it->decl;
	int k, want = 1;

	for (k = 0; k < nvars; k++) {
		vd[k] = NULL;
		mod[k] = it->mod;
	}
	if (it->kind == YN_RANGE || it->kind == YN_ENUM ||
	    (it->flags & YR_ID_NOMODULE)) {
		want = it->flags & YR_ID_NOMODULE ? nvars : 1;
	} else if (d && d->type == YM_ARRAY) {
		vd[0] = d->item;
	} else if (d && d->type == YM_DICT) {
		want = 2;
		vd[0] = &ym_str_item;
		if (nvars > 1)
			vd[1] = d->item;
	} else {
		yr_perr(p, "\"%s\" is not iterable", what(it));
		return -1;
	}
	if (nvars != want) {
		yr_perr(p, "this loop takes %d variable%s", want,
			want > 1 ? "s" : "");
		return -1;
	}
	return 0;
}

static char decl_type(const struct ym_decl *d)
{
	switch (d->type) {
	case YM_INT: return 'i';
	case YM_FLOAT: return 'f';
	case YM_STR: return 's';
	case YM_FUNC: return d->ret;
	default: return 'o';
	}
}

static char arith_type(const struct yr_node *n)
{
	char a = yr_type_of(n->a), b = yr_type_of(n->b);

	if (a == '?' || b == '?')
		return '?';
	return a == 'f' || b == 'f' ? 'f' : 'i';
}

char yr_type_of(const struct yr_node *n)
{
	if (n->flags & YR_ID_NOMODULE &&
	    (n->kind == YN_IDENT || n->kind == YN_MEMBER ||
	     n->kind == YN_INDEX || n->kind == YN_CALL))
		return '?';
	switch (n->kind) {
	case YN_FLOAT: return 'f';
	case YN_TEXT: return 's';
	case YN_REGEX: return 'r';
	case YN_UNARY: return n->op == YT_MINUS ? yr_type_of(n->a) : 'i';
	case YN_BINARY:
		if (n->op == YT_PLUS || n->op == YT_MINUS || n->op == YT_STAR ||
		    n->op == YT_BSLASH || n->op == YT_PERCENT)
			return arith_type(n);
		return 'i';
	case YN_IDENT: case YN_MEMBER: case YN_INDEX: case YN_CALL:
		return n->decl ? decl_type(n->decl) : '?';
	default: return 'i';
	}
}
