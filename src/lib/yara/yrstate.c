/*
 * yrstate.c -- the parser's token helpers: the current token and one
 * ahead, accepting and expecting kinds, errors with their place, nodes.
 */
#include "yara/yrstate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

void *yr_perr(struct yr_parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (p->failed)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errcap, "%s:%u:%u: %s",
		 p->o && p->o->file ? p->o->file : "<rules>", p->tok.line,
		 p->tok.col, msg);
	p->failed = -1;
	return NULL;
}

void *yr_oom(struct yr_parser *p)
{
	if (!p->failed) {
		snprintf(p->err, p->errcap, "out of memory");
		p->failed = VIGIL_ENOMEM;
	}
	return NULL;
}

void yr_next(struct yr_parser *p)
{
	free(p->tok.text);
	if (p->have_ahead) {
		p->tok = p->ahead;
		p->have_ahead = 0;
	} else {
		yr_lex_next(&p->lx, &p->tok);
	}
	if (p->tok.kind == YT_ERROR)
		yr_perr(p, "%s", p->lx.err);
}

const struct yr_token *yr_peek(struct yr_parser *p)
{
	if (!p->have_ahead) {
		yr_lex_next(&p->lx, &p->ahead);
		p->have_ahead = 1;
	}
	return &p->ahead;
}

int yr_accept(struct yr_parser *p, enum yr_tok k)
{
	if (p->failed || p->tok.kind != k)
		return 0;
	yr_next(p);
	return 1;
}

int yr_expect(struct yr_parser *p, enum yr_tok k)
{
	if (yr_accept(p, k))
		return 1;
	yr_perr(p, "syntax error: %s expected, found %s", yr_tok_name(k),
		yr_tok_name(p->tok.kind));
	return 0;
}

struct yr_node *yr_node(struct yr_parser *p, enum yr_node_kind kind)
{
	struct yr_node *n = yr_alloc_node(&p->rs->arena);

	if (!n)
		return yr_oom(p);
	n->kind = kind;
	n->line = p->tok.line;
	n->col = p->tok.col;
	return n;
}


static const char *string_id(const void *ctx, size_t i)
{
	return ((const struct yr_rule *)ctx)->strings[i].id;
}

long yr_string_find(const struct yr_parser *p, const char *id)
{
	return yr_names_find(&p->strs, id, string_id, p->rule);
}

int yr_string_index_last(struct yr_parser *p)
{
	return yr_names_add(&p->strs, p->rule->nstrings, string_id, p->rule);
}

const char *yr_namespace(const struct yr_parser *p)
{
	return p->o && p->o->ns ? p->o->ns : "default";
}

#define YR_INTERN_MAX 64 /* bytes: longer texts are copied each time */

/* Doubles the table (an open one, at most half full). 0 or -1. */
static int intern_grow(struct yr_parser *p)
{
	size_t cap = p->interned_cap ? p->interned_cap * 2 : 1024, i, j;
	struct yr_interned *t = calloc(cap, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < p->interned_cap; i++) {
		if (!p->interned[i].s)
			continue;
		for (j = yr_hash(p->interned[i].s, p->interned[i].n) &
			 (cap - 1);
		     t[j].s; j = (j + 1) & (cap - 1))
			;
		t[j] = p->interned[i];
	}
	free(p->interned);
	p->interned = t;
	p->interned_cap = cap;
	return 0;
}

const char *yr_keep(struct yr_parser *p, const char *s, size_t n)
{
	char *d;
	size_t i = 0;

	if (!s) {
		s = "";
		n = 0;
	}
	if (n <= YR_INTERN_MAX) {
		if (2 * (p->ninterned + 1) > p->interned_cap &&
		    intern_grow(p) < 0)
			return yr_oom(p);
		for (i = yr_hash(s, n) & (p->interned_cap - 1);
		     p->interned[i].s; i = (i + 1) & (p->interned_cap - 1))
			if (p->interned[i].n == n &&
			    !memcmp(p->interned[i].s, s, n))
				return p->interned[i].s;
	}
	if (!(d = yr_strdup(&p->rs->arena, s, n)))
		return yr_oom(p);
	if (n <= YR_INTERN_MAX) {
		p->interned[i] = (struct yr_interned){ d, n };
		p->ninterned++;
	}
	return d;
}

void yr_keep_done(struct yr_parser *p)
{
	free(p->interned);
	p->interned = NULL;
	p->ninterned = p->interned_cap = 0;
}
