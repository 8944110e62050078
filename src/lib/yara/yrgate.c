/*
 * yrgate.c -- a rule's terms testable before its strings (yrgate.h): the
 * walk down the condition's "and"s, and what a term may read. A term of
 * integers alone is evaluated alone exactly as within its condition (no
 * loop variable, module, rule or string in it), so that its being false
 * (or undefined, which the condition takes as false) decides the rule.
 */
#include "yara/yrgate.h"

#include <string.h>

#include "yara/yrlex.h"

/* 1 if n reads only integers: literals, filesize, uintXX() of such, and
 * arithmetic, bitwise, comparison and logic on them. */
static int integral(const struct yr_node *n)
{
	switch (n->kind) {
	case YN_INT: case YN_FILESIZE:
		return 1;
	case YN_INTFN:
		return integral(n->a);
	case YN_UNARY:
		return integral(n->a);
	case YN_BINARY:
		return n->op != YK_MATCHES && n->op != YK_CONTAINS &&
		       n->op != YK_ICONTAINS && n->op != YK_STARTSWITH &&
		       n->op != YK_ISTARTSWITH && n->op != YK_ENDSWITH &&
		       n->op != YK_IENDSWITH && n->op != YK_IEQUALS &&
		       integral(n->a) && integral(n->b);
	default:
		return 0;
	}
}

static size_t walk(const struct yr_node *n, const struct yr_node **out,
		   size_t k, size_t max)
{
	if (n->kind == YN_BINARY && n->op == YK_AND)
		return walk(n->b, out, walk(n->a, out, k, max), max);
	if (k < max && n->kind != YN_INT && integral(n))
		out[k++] = n;
	return k;
}

size_t yr_rule_gates(const struct yr_rule *r, const struct yr_node **out,
		     size_t max)
{
	return r->cond ? walk(r->cond, out, 0, max) : 0;
}

/* Appends n's nodes to out from k; returns the end, or max + 1. */
static size_t key(const struct yr_node *n, uint8_t *out, size_t k, size_t max)
{
	struct { int32_t kind, op; int64_t i; } rec = { (int32_t)n->kind, n->op,
							n->i };

	if (k > max || max - k < sizeof(rec))
		return max + 1;
	memcpy(out + k, &rec, sizeof(rec));
	k += sizeof(rec);
	if (n->a)
		k = key(n->a, out, k, max);
	if (n->b)
		k = key(n->b, out, k, max);
	return k;
}

size_t yr_term_key(const struct yr_node *n, uint8_t *out, size_t max)
{
	size_t k = key(n, out, 0, max);

	return k > max ? 0 : k;
}
