/*
 * yrast.h -- a YARA rule file as the parser reads it (yrparse.c): rules
 * with their tags, metadata, strings and condition, the condition as a
 * tree of nodes. Everything is allocated from one arena and freed with
 * the rule set.
 */
#ifndef VIGIL_YARA_YRAST_H
#define VIGIL_YARA_YRAST_H

#include <stddef.h>
#include <stdint.h>

#include "yara/yrlex.h"

struct ym_decl;

enum yr_node_kind {
	YN_BOOL, YN_INT, YN_FLOAT, YN_TEXT, YN_REGEX, YN_FILESIZE,
	YN_ENTRYPOINT,
	YN_STR,		/* $a; a: "at" offset or "in" range (op says) */
	YN_COUNT,	/* #a; a: optional "in" range */
	YN_OFFSET,	/* @a; a: optional index */
	YN_LENGTH,	/* !a; a: optional index */
	YN_IDENT,	/* a name: a rule, module, external or variable */
	YN_MEMBER,	/* a.name */
	YN_INDEX,	/* a[b] */
	YN_CALL,	/* a(args...), args chained by next */
	YN_INTFN,	/* uint8(a) ...: op is the keyword */
	YN_UNARY,	/* op: YK_NOT, YT_MINUS, YT_TILDE, YK_DEFINED */
	YN_BINARY,	/* a op b */
	YN_RANGE,	/* (a..b) */
	YN_ENUM,	/* (a, ...): values chained by next */
	YN_SET,		/* strings: members (YN_STR, maybe wildcards) by
			 * next, or none for "them" (op = YK_THEM) */
	YN_RULESET,	/* rules: members (YN_IDENT, maybe wildcards) */
	YN_QUANT,	/* all, any, none (op), or a: a number or percent */
	YN_OF,		/* a: quantifier, b: set, c: optional range ("in") */
	YN_FOR_OF,	/* a: quantifier, b: set, c: condition */
	YN_FOR_IN,	/* a: quantifier, b: iterator, c: condition;
			 * vars: the loop's variables by next */
};

struct yr_node {		/* 88 bytes: the public collections hold
				 * 200,000 */
	uint8_t kind;		/* enum yr_node_kind */
	int16_t op;		/* a token or keyword (enum yr_tok) */
	uint16_t flags;		/* YN_REGEX: YR_RE_*; names: wildcard;
				 * YN_IDENT: YR_ID_* */
	int16_t mod;		/* a module's value: the module's index */
	unsigned line, col;
	union {
		int64_t i;	/* YN_INT, YN_BOOL; YN_QUANT: percent;
				 * a module's member or function: its index */
		double f;	/* YN_FLOAT */
	};
	const char *s;		/* names and text (NUL-ended) */
	uint32_t slen;		/* YN_TEXT: its bytes */
	const struct ym_decl *decl;	/* a module's value: what it is */
	struct yr_node *a, *b, *c, *vars, *next;
};

/* YN_IDENT flags: a module's name (i: its index), or one not evaluated. */
#define YR_ID_MODULE 0x100u
#define YR_ID_NOMODULE 0x200u

enum yr_str_kind { YS_TEXT, YS_HEX, YS_REGEX };

/* String modifiers. */
#define YM_ASCII 0x001u
#define YM_WIDE 0x002u
#define YM_NOCASE 0x004u
#define YM_FULLWORD 0x008u
#define YM_PRIVATE 0x010u
#define YM_XOR 0x020u
#define YM_BASE64 0x040u
#define YM_BASE64WIDE 0x080u

struct yr_string {
	const char *id;		/* without '$'; "" if anonymous */
	enum yr_str_kind kind;
	const char *value;	/* text bytes, hex body, or regex */
	size_t len;
	unsigned mods;		/* YM_* */
	unsigned re_flags;	/* YR_RE_* */
	int xor_min, xor_max;	/* with YM_XOR (0..255 without a range) */
	const char *alphabet;	/* base64's custom alphabet, or NULL */
	unsigned line;
	int used;		/* referenced by the condition */
};

struct yr_meta {
	const char *key;
	int kind;		/* YN_TEXT, YN_INT, YN_BOOL */
	const char *text;
	int64_t i;
};

#define YR_RULE_GLOBAL 1u
#define YR_RULE_PRIVATE 2u

struct yr_rule {
	const char *name;
	const char *ns;		/* its namespace ("default" unless named) */
	const char *key;	/* "ns:name", what the rules are indexed by */
	const char *file;	/* where it was read, for messages */
	unsigned flags;		/* YR_RULE_* */
	unsigned line;
	const char **tags;
	size_t ntags;
	struct yr_meta *meta;
	size_t nmeta;
	struct yr_string *strings;
	size_t nstrings;
	struct yr_node *cond;
};

struct yr_arena;

/*
 * An index of names (rules in a set, strings in a rule): open addressing,
 * entry index + 1 per slot, kept under half full. The entries' names are
 * read back through name(ctx, i); "" is never indexed.
 */
struct yr_names {
	uint32_t *slot;
	size_t nslots;
};

typedef const char *(*yr_name_fn)(const void *ctx, size_t i);

long yr_names_find(const struct yr_names *x, const char *name,
		   yr_name_fn name_of, const void *ctx);
/* Indexes entry count - 1: 0 or VIGIL_ENOMEM. */
int yr_names_add(struct yr_names *x, size_t count, yr_name_fn name_of,
		 const void *ctx);
void yr_names_free(struct yr_names *x);

struct yr_ruleset {
	struct yr_arena *arena;
	struct yr_rule *rules;
	size_t nrules, caprules;
	const char **imports;
	size_t nimports;
	struct yr_names by_name;	/* the rules */
	/* The conditions' regular expressions (matches, a module function's
	 * argument), compiled once as they are read: a YN_REGEX node's i
	 * indexes them; NULL where PCRE2 refuses one (the condition is then
	 * reported unsupported where it is evaluated). pcre2_code each. */
	void **re;
	size_t nre, capre;
};

/* Bytes of a namespace's name at most. */
#define YR_MAX_NS 128

/* The index of the rule called name in namespace ns, or -1. */
long yr_rule_find(const struct yr_ruleset *rs, const char *ns,
		  const char *name);
/* Indexes rules[rs->nrules - 1] by its name: 0 or VIGIL_ENOMEM. */
int yr_rule_index_last(struct yr_ruleset *rs);

/* 1 if rule r's condition names a module that is not evaluated (one
 * yara has that Vigil does not). */
int yr_rule_uses_module(const struct yr_ruleset *rs, const struct yr_rule *r);

/* FNV-1a of n bytes: the hash of the parser's and the matcher's tables. */
size_t yr_hash(const void *p, size_t n);
void *yr_alloc(struct yr_arena **a, size_t n);
/* A node, at its own alignment (eight, not sixteen: 88 bytes, not 96). */
struct yr_node *yr_alloc_node(struct yr_arena **a);
char *yr_strdup(struct yr_arena **a, const char *s, size_t n);
void yr_arena_free(struct yr_arena *a);

#endif
