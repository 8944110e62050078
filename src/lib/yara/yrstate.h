/*
 * yrstate.h -- the parser's state and its token helpers (yrstate.c),
 * shared by the rule reader (yrparse.c), the modifiers (yrmods.c) and the
 * condition reader (yrexpr.c).
 */
#ifndef VIGIL_YARA_YRSTATE_H
#define VIGIL_YARA_YRSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "yara/yrast.h"
#include "yara/yrlex.h"

/* Nesting of conditions, as YARA's limit on its parser's stack. */
#define YR_MAX_DEPTH 128
/* Rules in one set at most. */
#define YR_MAX_RULES (1u << 20)

/* Includes nested at most, as yara's limit. */
#define YR_MAX_INCLUDE_DEPTH 16

struct yr_parse_opts {
	const char *file;		/* for messages */
	const char *ns;			/* the rules' namespace; NULL:
					 * "default" */
	const char *const *externals;	/* names defined with -d */
	size_t nexternals;
	/*
	 * An included file: name as written, from the file that includes it.
	 * Fills *path (for messages) and *src (malloc'd, the parser frees
	 * them); 0, or -1 if it cannot be read. NULL: include is refused.
	 */
	int (*include)(void *ctx, const char *name, const char *from,
		       char **path, char **src, size_t *len);
	void *include_ctx;
	unsigned depth;			/* set by the parser */
};

/* Variables of nested for loops in scope at most. */
#define YR_MAX_LOOP_VARS 32

struct yr_interned {
	const char *s;
	size_t n;
};

struct yr_parser {
	struct yr_lexer lx;
	struct yr_token tok, ahead;
	int have_ahead;
	struct yr_ruleset *rs;
	const struct yr_parse_opts *o;
	char *err;
	size_t errcap;
	int failed;		/* -1 after an error, VIGIL_ENOMEM */
	struct yr_rule *rule;	/* the rule being read */
	struct yr_names strs;	/* its strings by name */
	const char *vars[YR_MAX_LOOP_VARS];
	/* what each variable is when it holds a module's value (else
	 * NULL), and the module's index */
	const struct ym_decl *vardecl[YR_MAX_LOOP_VARS];
	int varmod[YR_MAX_LOOP_VARS];
	int nvars;
	int in_for_of;		/* "$", "#", "@" and "!" alone are allowed */
	const char *ns;		/* the namespace, kept in the arena */
	const char *file;	/* the file's name, kept in the arena */
	int depth;
	struct yr_interned *interned; /* short texts kept once (yr_keep) */
	size_t ninterned, interned_cap;
};

/* Text kept in the rule set's arena; a short one already kept by this
 * parse (a metadata key, an author, a string's name) is shared, not
 * copied again. NULL (and the parse failed) if memory ran out. */
const char *yr_keep(struct yr_parser *p, const char *s, size_t n);
/* The table of yr_keep(), at the parse's end. */
void yr_keep_done(struct yr_parser *p);

/* The namespace the rules being read go into. */
const char *yr_namespace(const struct yr_parser *p);
/* Reports an error at the current token (the first one only); NULL. */
void *yr_perr(struct yr_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *yr_oom(struct yr_parser *p);
void yr_next(struct yr_parser *p);
const struct yr_token *yr_peek(struct yr_parser *p);
int yr_accept(struct yr_parser *p, enum yr_tok k);
int yr_expect(struct yr_parser *p, enum yr_tok k);
struct yr_node *yr_node(struct yr_parser *p, enum yr_node_kind kind);
/* The rule's string called id (not ""), or -1; indexing the last one
 * added: 0 or VIGIL_ENOMEM. */
long yr_string_find(const struct yr_parser *p, const char *id);
int yr_string_index_last(struct yr_parser *p);

#endif
