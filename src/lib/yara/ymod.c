/*
 * ymod.c -- the builders modules fill their values with, and reading
 * them back: items, function calls (ymod.h).
 */
#include "yara/ymod.h"

#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

const struct ym_decl ym_int_item = { .name = "", .type = YM_INT };
const struct ym_decl ym_str_item = { .name = "", .type = YM_STR };
const struct ym_val ym_undef = { YM_UNDEF, 0, { 0 } };

long ym_member(const struct ym_decl *d, const char *name, size_t from)
{
	size_t i;

	for (i = from; i < d->nmembers; i++)
		if (!strcmp(d->members[i].name, name))
			return (long)i;
	return -1;
}

struct ym_obj *ym_new(struct ym_scan *s, size_t nmembers)
{
	struct ym_obj *o = yr_alloc(&s->arena, sizeof(*o));

	if (o && nmembers &&
	    !(o->v = yr_alloc(&s->arena, nmembers * sizeof(*o->v))))
		o = NULL;
	if (!o) {
		s->oom = 1;
		return NULL;
	}
	o->n = o->cap = (uint32_t)nmembers;
	return o;
}

void ym_int(struct ym_obj *o, size_t m, int64_t v)
{
	if (o && m < o->n) {
		o->v[m].type = YM_INT;
		o->v[m].u.i = v;
	}
}

void ym_float(struct ym_obj *o, size_t m, double v)
{
	if (o && m < o->n) {
		o->v[m].type = YM_FLOAT;
		o->v[m].u.f = v;
	}
}

struct ym_val ym_text(struct ym_scan *s, const void *p, size_t n)
{
	struct ym_val v = ym_undef;
	char *d = yr_strdup(&s->arena, p ? p : "", p ? n : 0);

	if (!d) {
		s->oom = 1;
		return v;
	}
	v.type = YM_STR;
	v.u.s = d;
	v.n = (uint32_t)n;
	return v;
}

void ym_str(struct ym_scan *s, struct ym_obj *o, size_t m, const void *p,
	    size_t n)
{
	if (o && m < o->n)
		o->v[m] = ym_text(s, p, n);
}

struct ym_obj *ym_sub(struct ym_scan *s, struct ym_obj *o, size_t m,
		      size_t nmembers)
{
	struct ym_obj *c;

	if (!o || m >= o->n || !(c = ym_new(s, nmembers)))
		return NULL;
	o->v[m].type = YM_STRUCT;
	o->v[m].u.o = c;
	return c;
}

/* Room for one more item in o (and its key, if keyed): 0 or -1. */
static int room(struct ym_scan *s, struct ym_obj *o, int keyed)
{
	uint32_t cap = o->cap ? o->cap * 2 : 8;
	struct ym_val *v;
	const char **k;

	if (o->n < o->cap)
		return 0;
	if (o->cap > (1u << 24) ||
	    !(v = yr_alloc(&s->arena, cap * sizeof(*v))))
		return s->oom = 1, -1;
	if (o->n)
		memcpy(v, o->v, o->n * sizeof(*v));
	if (keyed) {
		if (!(k = yr_alloc(&s->arena, cap * sizeof(*k))))
			return s->oom = 1, -1;
		if (o->n)
			memcpy(k, o->key, o->n * sizeof(*k));
		o->key = k;
	}
	o->v = v;
	o->cap = cap;
	return 0;
}

struct ym_val *ym_push(struct ym_scan *s, struct ym_obj *o)
{
	if (!o || room(s, o, 0) < 0)
		return NULL;
	o->v[o->n] = ym_undef;
	return &o->v[o->n++];
}

struct ym_obj *ym_push_struct(struct ym_scan *s, struct ym_obj *o,
			      size_t nmembers)
{
	struct ym_val *v = ym_push(s, o);
	struct ym_obj *c = v ? ym_new(s, nmembers) : NULL;

	if (!c)
		return NULL;
	v->type = YM_STRUCT;
	v->u.o = c;
	return c;
}

struct ym_val *ym_dict(struct ym_scan *s, struct ym_obj *o, const char *key,
		       size_t klen)
{
	uint32_t i;
	char *k;

	if (!o)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (!strncmp(o->key[i], key, klen) && !o->key[i][klen])
			return &o->v[i];
	if (room(s, o, 1) < 0 || !(k = yr_strdup(&s->arena, key, klen))) {
		s->oom = 1;
		return NULL;
	}
	o->key[o->n] = k;
	o->v[o->n] = ym_undef;
	return &o->v[o->n++];
}

struct ym_val ym_vint(int64_t i)
{
	struct ym_val v = { YM_INT, 0, { .i = i } };

	return v;
}

struct ym_val ym_vfloat(double f)
{
	struct ym_val v = { YM_FLOAT, 0, { .f = f } };

	return v;
}

const struct ym_val *ym_get(const struct ym_obj *o, size_t m)
{
	return o && m < o->n ? &o->v[m] : &ym_undef;
}

const struct ym_val *ym_item(const struct ym_obj *o, int dict, int64_t i,
			     const char *key, size_t klen)
{
	uint32_t k;

	if (!dict)
		return i >= 0 && (uint64_t)i < o->n ? &o->v[i] : NULL;
	for (k = 0; k < o->n; k++)
		if (strlen(o->key[k]) == klen && !memcmp(o->key[k], key, klen))
			return &o->v[k];
	return NULL;
}

/* 1 if function f takes the values args[0..n) (an integer for a float,
 * which is then converted). */
static int takes_values(const struct ym_decl *f, struct ym_val *args,
			size_t n, int convert)
{
	size_t i;

	if (strlen(f->args) != n)
		return 0;
	for (i = 0; i < n; i++) {
		char want = f->args[i];
		uint8_t got = args[i].type;

		if (want == 'f' && got == YM_INT) {
			if (convert) {
				args[i].type = YM_FLOAT;
				args[i].u.f = (double)args[i].u.i;
			}
		} else if ((want == 'i' && got != YM_INT) ||
			   (want == 'f' && got != YM_FLOAT) ||
			   (want == 's' && got != YM_STR) ||
			   (want == 'r' && got != YM_REGEX)) {
			return 0;
		}
	}
	return 1;
}

int ym_invoke(struct ym_scan *s, int mod, const struct ym_decl *owner,
	      size_t k, const struct ym_obj *self, struct ym_val *args,
	      size_t nargs, struct ym_val *out)
{
	const char *name = owner->members[k].name;
	struct ym_call c;
	size_t f;

	for (f = (size_t)(ym_member(owner, name, 0)); f < owner->nmembers &&
			 !strcmp(owner->members[f].name, name); f++)
		if (takes_values(&owner->members[f], args, nargs, 0))
			break;
	if (f >= owner->nmembers || strcmp(owner->members[f].name, name) ||
	    mod < 0 || mod >= YM_MAX_MODULES)
		return -1;
	takes_values(&owner->members[f], args, nargs, 1);
	c.scan = s;
	c.priv = s->priv[mod];
	c.self = self;
	c.arg = args;
	c.nargs = nargs;
	*out = owner->members[f].fn(&c);
	return 0;
}
