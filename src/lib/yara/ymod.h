/*
 * ymod.h -- YARA's modules (pe, elf, math, hash, ...), the two halves of
 * one: what a module declares (fields, structures, arrays, dictionaries,
 * functions with their overloads, constants), which the parser checks a
 * rule's condition against when it is compiled; and the values a module
 * fills in for one scanned buffer, which the evaluator reads. A member
 * is found by name once, at compile time, and read by its index after.
 */
#ifndef VIGIL_YARA_YMOD_H
#define VIGIL_YARA_YMOD_H

#include <stddef.h>
#include <stdint.h>

#include "yara/yrast.h"

enum ym_type {
	YM_UNDEF,	/* a value not set: undefined, as in YARA */
	YM_INT, YM_FLOAT, YM_STR,
	YM_STRUCT, YM_ARRAY, YM_DICT,
	YM_FUNC,	/* declared only */
	YM_CONST,	/* declared only: an integer the parser folds in */
	YM_REGEX,	/* a function's argument only */
};

struct ym_obj;
struct ym_call;

/* A value: the members of a structure, the items of an array or
 * dictionary, a function's arguments and result. */
struct ym_val {
	uint8_t type;		/* enum ym_type */
	uint32_t n;		/* YM_STR: its bytes (not NUL-ended) */
	union {
		int64_t i;
		double f;
		const char *s;
		struct ym_obj *o;	/* YM_STRUCT, YM_ARRAY, YM_DICT */
		const void *re;		/* YM_REGEX: the evaluator's */
	} u;
};

/* A structure (v[]: one per member declared), an array or a dictionary
 * (v[]: its items; key[]: a dictionary's keys, NUL-ended). */
struct ym_obj {
	uint32_t n, cap;
	struct ym_val *v;
	const char **key;
};

typedef struct ym_val (*ym_fn)(struct ym_call *c);

struct ym_decl {
	const char *name;
	uint8_t type;			/* enum ym_type */
	uint16_t nmembers;		/* YM_STRUCT */
	const struct ym_decl *members;	/* YM_STRUCT */
	const struct ym_decl *item;	/* YM_ARRAY, YM_DICT: the items' */
	const char *args;		/* YM_FUNC: one letter per argument:
					 * i f s r (regex) */
	char ret;			/* YM_FUNC: i f s */
	ym_fn fn;			/* YM_FUNC */
	int64_t value;			/* YM_CONST: an integer, */
	double fvalue;			/* or with ret 'f' a float */
};

#define YM_DI(n) { .name = (n), .type = YM_INT }
#define YM_DF(n) { .name = (n), .type = YM_FLOAT }
#define YM_DS(n) { .name = (n), .type = YM_STR }
#define YM_DK(n, v) { .name = (n), .type = YM_CONST, .value = (v) }
#define YM_DKF(n, v) { .name = (n), .type = YM_CONST, .ret = 'f', \
	.fvalue = (v) }
#define YM_DSTRUCT(n, m) { .name = (n), .type = YM_STRUCT, \
	.nmembers = sizeof(m) / sizeof(*(m)), .members = (m) }
#define YM_DARRAY(n, it) { .name = (n), .type = YM_ARRAY, .item = (it) }
#define YM_DDICT(n, it) { .name = (n), .type = YM_DICT, .item = (it) }
#define YM_DFN(n, a, r, f) { .name = (n), .type = YM_FUNC, .args = (a), \
	.ret = (r), .fn = (f) }

/* Items of arrays and dictionaries of plain values. */
extern const struct ym_decl ym_int_item, ym_str_item;

/* One scan's modules: loaded on first use, freed with ym_scan_free(). */
#define YM_MAX_MODULES 16

struct ym_scan {
	const uint8_t *buf;
	size_t len;
	struct yr_arena *arena;		/* the modules' values */
	struct ym_obj *root[YM_MAX_MODULES];
	void *priv[YM_MAX_MODULES];
	uint8_t loaded[YM_MAX_MODULES];
	int oom;			/* an allocation failed */
	/* 1 if regex re (a YM_REGEX argument) matches s[0..n). */
	int (*re_match)(void *ctx, const void *re, const char *s, size_t n);
	void *re_ctx;
	/* console.log's lines; NULL: dropped. */
	void (*log)(void *ctx, const char *line, size_t n);
	void *log_ctx;
};

struct ym_call {
	struct ym_scan *scan;
	void *priv;			/* the module's, for this buffer */
	const struct ym_obj *self;	/* the structure the function is in */
	const struct ym_val *arg;
	size_t nargs;
};

struct ym_module {
	const char *name;
	const struct ym_decl *root;	/* a YM_STRUCT */
	/* Fills root's members from s->buf; 0, or VIGIL_ENOMEM. *priv is
	 * what its functions get, freed by unload (may be NULL). NULL: a
	 * module of functions only. */
	int (*load)(struct ym_scan *s, struct ym_obj *root, void **priv);
	void (*unload)(void *priv);
};

/* Member m of structure o, or an undefined value where o has none (a
 * structure the module left empty). */
const struct ym_val *ym_get(const struct ym_obj *o, size_t m);
/* Item i of array o, or the item called key[0..klen) of dictionary o;
 * NULL if there is none. */
const struct ym_val *ym_item(const struct ym_obj *o, int dict, int64_t i,
			     const char *key, size_t klen);
/*
 * Calls the function member k of structure owner (its form taking args,
 * which may differ from k's when the parser could not tell the
 * arguments' types) of module mod, on self. 0 with *out set, or -1 if no
 * form takes those arguments.
 */
int ym_invoke(struct ym_scan *s, int mod, const struct ym_decl *owner,
	      size_t k, const struct ym_obj *self, struct ym_val *args,
	      size_t nargs, struct ym_val *out);

/* Member called name in d's members from index from on, or -1. */
long ym_member(const struct ym_decl *d, const char *name, size_t from);

/* Builders, for the modules: all from s's arena; on failure s->oom is
 * set and NULL (or nothing) is given back. */
struct ym_obj *ym_new(struct ym_scan *s, size_t nmembers);
void ym_int(struct ym_obj *o, size_t m, int64_t v);
void ym_float(struct ym_obj *o, size_t m, double v);
void ym_str(struct ym_scan *s, struct ym_obj *o, size_t m, const void *p,
	    size_t n);
/* A structure of nmembers as member m of o (an array's item with
 * ym_push), or NULL. */
struct ym_obj *ym_sub(struct ym_scan *s, struct ym_obj *o, size_t m,
		      size_t nmembers);
/* A structure of nmembers as a new item at the end of array o; NULL. */
struct ym_obj *ym_push_struct(struct ym_scan *s, struct ym_obj *o,
			      size_t nmembers);
/* A new, undefined item at the end of array (or dictionary) o; NULL. */
struct ym_val *ym_push(struct ym_scan *s, struct ym_obj *o);
/* The dictionary item called key (added if new); NULL. */
struct ym_val *ym_dict(struct ym_scan *s, struct ym_obj *o, const char *key,
		       size_t klen);
/* An arena copy of p[0..n) with a NUL after it, as a value; sets s->oom. */
struct ym_val ym_text(struct ym_scan *s, const void *p, size_t n);

/* Values for functions to give back. */
struct ym_val ym_vint(int64_t i);
struct ym_val ym_vfloat(double f);
extern const struct ym_val ym_undef;

#endif
