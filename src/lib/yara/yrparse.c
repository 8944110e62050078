/*
 * yrparse.c -- a YARA rule file, read by recursive descent: imports and
 * rules, each with its tags, metadata, strings and condition (yrexpr.c),
 * and the checks yarac makes on them. Written here rather than taken from
 * libyara: its parser builds yara's own bytecode, not a tree another
 * matcher can compile (docs/yara.md).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "yara/yrparse.h"

#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/vbuf.h"
#include "yara/yrexpr.h"
#include "yara/yrhex.h"
#include "yara/yrmods.h"
#include "yara/yrstate.h"
#include "yara/yrwide.h"
#include "vigil/vigil.h"

/* The modules a rule may import (those YARA documents). */
static const char *const modules[] = {
	"pe", "elf", "math", "hash", "dotnet", "magic", "console", "time",
	"string", "cuckoo",
};

/* The namespace, copied into the arena once per file. */
static const char *namespace_name(struct yr_parser *p)
{
	if (!p->ns)
		p->ns = yr_keep(p, yr_namespace(p), strlen(yr_namespace(p)));
	return p->ns;
}

/* "ns:name", the rule's key in the index. */
static const char *rule_key(struct yr_parser *p, const char *ns,
			    const char *name)
{
	size_t a = strlen(ns), b = strlen(name);
	char *k = yr_alloc(&p->rs->arena, a + b + 2);

	if (!k)
		return yr_oom(p);
	memcpy(k, ns, a);
	k[a] = ':';
	memcpy(k + a + 1, name, b + 1);
	return k;
}

static int known_module(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(modules) / sizeof(*modules); i++)
		if (!strcmp(modules[i], name))
			return 1;
	return 0;
}

static void *grow(struct yr_parser *p, void **arr, size_t *n, size_t size);

static void import(struct yr_parser *p)
{
	const char **m;

	if (p->tok.kind != YT_TEXT) {
		yr_perr(p, "syntax error: module name expected");
		return;
	}
	if (!known_module(p->tok.text)) {
		yr_perr(p, "unknown module \"%s\"", p->tok.text);
		return;
	}
	m = grow(p, (void **)&p->rs->imports, &p->rs->nimports, sizeof(*m));
	if (m)
		*m = yr_keep(p, p->tok.text, p->tok.text_len);
	yr_next(p);
}

/*
 * Grows an arena array of n records by one; the new record. Its room is
 * implied by n (1, then doubled at each power of two), so a rule with
 * many strings costs at most three times their size, not their square,
 * and one with few (most have a handful) little more than theirs.
 */
static void *grow(struct yr_parser *p, void **arr, size_t *n, size_t size)
{
	if (!(*n & (*n - 1))) {
		size_t cap = *n ? *n * 2 : 1;
		char *a = yr_alloc(&p->rs->arena, cap * size);

		if (!a)
			return yr_oom(p);
		if (*n)
			memcpy(a, *arr, *n * size);
		*arr = a;
	}
	return (char *)*arr + (*n)++ * size;
}

/*
 * Grows a rule's array of n records by one, on the heap while the rule is
 * read (rule_settle() then moves it into the arena at its size): the new
 * record, or NULL.
 */
static void *grow_rule(struct yr_parser *p, void **arr, size_t *n,
		       size_t size)
{
	if (!(*n & (*n - 1))) {
		void *a = realloc(*arr, (*n ? *n * 2 : 1) * size);

		if (!a)
			return yr_oom(p);
		*arr = a;
	}
	memset((char *)*arr + *n * size, 0, size);
	return (char *)*arr + (*n)++ * size;
}

/* 0, or -1 (the parse failed) if the regular expression token ends
 * inside an escape or a class, an error as in yarac (it was taken as one
 * PCRE2 refuses, and its rule as one not evaluated). */
static int regex_whole(struct yr_parser *p)
{
	struct vbuf w = { 0 };
	int rc = yr_regex_source(p->tok.text, p->tok.text_len, 0, &w);

	vbuf_free(&w);
	if (rc == VIGIL_ENOMEM)
		yr_oom(p);
	else if (rc == VIGIL_EINVAL)
		yr_perr(p, "regular expression ends inside an escape or a "
			"class");
	return rc ? -1 : 0;
}

/* A rule's array from the heap into the arena, at its size. */
static void settle(struct yr_parser *p, void **arr, size_t n, size_t size)
{
	void *a = n && !p->failed ? yr_alloc(&p->rs->arena, n * size) : NULL;

	if (a)
		memcpy(a, *arr, n * size);
	else if (n && !p->failed)
		yr_oom(p);
	free(*arr);
	*arr = a;
}

static void rule_settle(struct yr_parser *p, struct yr_rule *r)
{
	settle(p, (void **)&r->tags, r->ntags, sizeof(*r->tags));
	settle(p, (void **)&r->meta, r->nmeta, sizeof(*r->meta));
	settle(p, (void **)&r->strings, r->nstrings, sizeof(*r->strings));
}

static void tags(struct yr_parser *p, struct yr_rule *r)
{
	while (!p->failed && p->tok.kind == YT_IDENT) {
		const char **t;
		size_t i;

		for (i = 0; i < r->ntags; i++)
			if (!strcmp(r->tags[i], p->tok.text)) {
				yr_perr(p, "duplicated tag \"%s\"", p->tok.text);
				return;
			}
		t = grow_rule(p, (void **)&r->tags, &r->ntags, sizeof(*t));
		if (t)
			*t = yr_keep(p, p->tok.text, p->tok.text_len);
		yr_next(p);
	}
}

static void meta(struct yr_parser *p, struct yr_rule *r)
{
	while (!p->failed && p->tok.kind == YT_IDENT) {
		struct yr_meta *m = grow_rule(p, (void **)&r->meta, &r->nmeta,
					      sizeof(*m));
		int neg;

		if (!m)
			return;
		m->key = yr_keep(p, p->tok.text, p->tok.text_len);
		yr_next(p);
		if (!yr_expect(p, YT_ASSIGN))
			return;
		neg = yr_accept(p, YT_MINUS);
		if (p->tok.kind == YT_TEXT && !neg) {
			m->kind = YN_TEXT;
			m->text = yr_keep(p, p->tok.text, p->tok.text_len);
		} else if (p->tok.kind == YT_INT) {
			m->kind = YN_INT;
			m->i = neg ? -p->tok.i : p->tok.i;
		} else if ((p->tok.kind == YK_TRUE || p->tok.kind == YK_FALSE) &&
			   !neg) {
			m->kind = YN_BOOL;
			m->i = p->tok.kind == YK_TRUE;
		} else {
			yr_perr(p, "syntax error: metadata value expected");
			return;
		}
		yr_next(p);
	}
}

static void one_string(struct yr_parser *p, struct yr_rule *r)
{
	struct yr_string *s;
	const char *id = p->tok.text;

	if (*id && yr_string_find(p, id) >= 0) {
		yr_perr(p, "duplicated string identifier \"$%s\"", id);
		return;
	}
	if (p->tok.wildcard) {
		yr_perr(p, "syntax error: a string's name cannot end in '*'");
		return;
	}
	if (!(s = grow_rule(p, (void **)&r->strings, &r->nstrings, sizeof(*s))))
		return;
	s->id = yr_keep(p, id, p->tok.text_len);
	s->line = p->tok.line;
	if (!s->id || yr_string_index_last(p) < 0) {
		yr_oom(p);
		return;
	}
	yr_next(p);
	if (!yr_expect(p, YT_ASSIGN))
		return;
	if (p->tok.kind == YT_LBRACE) {
		struct yr_token hex;

		yr_lex_hex(&p->lx, &hex);
		free(p->tok.text);
		p->tok = hex;
		if (hex.kind == YT_ERROR) {
			yr_perr(p, "%s", p->lx.err);
			return;
		}
		if (yr_hex_check(hex.text, hex.text_len, p->lx.err,
				 sizeof(p->lx.err)) < 0) {
			yr_perr(p, "%s", p->lx.err);
			return;
		}
		s->kind = YS_HEX;
	} else if (p->tok.kind == YT_TEXT) {
		s->kind = YS_TEXT;
		if (!p->tok.text_len) {
			yr_perr(p, "empty string \"$%s\"", s->id);
			return;
		}
	} else if (p->tok.kind == YT_REGEX) {
		s->kind = YS_REGEX;
		s->re_flags = p->tok.regex_flags;
		if (regex_whole(p) < 0)
			return;
	} else {
		yr_perr(p, "syntax error: string value expected");
		return;
	}
	s->value = yr_keep(p, p->tok.text, p->tok.text_len);
	s->len = p->tok.text_len;
	yr_next(p);
	yr_modifiers(p, s);
}

static void strings(struct yr_parser *p, struct yr_rule *r)
{
	while (!p->failed && p->tok.kind == YT_STRID)
		one_string(p, r);
}

/* Every string the condition does not use is an error, as in yarac. */
static void all_used(struct yr_parser *p, const struct yr_rule *r)
{
	size_t i;

	for (i = 0; i < r->nstrings && !p->failed; i++)
		if (!r->strings[i].used) {
			p->tok.line = r->strings[i].line;
			p->tok.col = 1;
			yr_perr(p, "unreferenced string \"$%s\"", r->strings[i].id);
		}
}

static void rule_body(struct yr_parser *p, struct yr_rule *r)
{
	if (!yr_expect(p, YT_LBRACE))
		return;
	if (yr_accept(p, YK_META) && yr_expect(p, YT_COLON))
		meta(p, r);
	if (yr_accept(p, YK_STRINGS) && yr_expect(p, YT_COLON)) {
		strings(p, r);
		if (!p->failed && !r->nstrings)
			yr_perr(p, "syntax error: a string expected");
	}
	if (!yr_expect(p, YK_CONDITION) || !yr_expect(p, YT_COLON))
		return;
	r->cond = yr_parse_cond(p);
	if (!p->failed)
		all_used(p, r);
	yr_expect(p, YT_RBRACE);
}

static void rule(struct yr_parser *p, unsigned flags)
{
	struct yr_rule r;

	memset(&r, 0, sizeof(r));
	r.flags = flags;
	r.line = p->tok.line;
	if (!yr_expect(p, YK_RULE))
		return;
	if (p->tok.kind != YT_IDENT) {
		yr_perr(p, "syntax error: rule name expected");
		return;
	}
	if (yr_rule_find(p->rs, yr_namespace(p), p->tok.text) >= 0) {
		yr_perr(p, "duplicated identifier \"%s\"", p->tok.text);
		return;
	}
	r.name = yr_keep(p, p->tok.text, p->tok.text_len);
	r.ns = namespace_name(p);
	if (!p->file) {
		const char *f = p->o && p->o->file ? p->o->file : "<rules>";

		p->file = yr_keep(p, f, strlen(f));
	}
	r.file = p->file;
	r.key = rule_key(p, r.ns, r.name);
	yr_next(p);
	if (yr_accept(p, YT_COLON))
		tags(p, &r);
	p->rule = &r;
	rule_body(p, &r);
	p->rule = NULL;
	yr_names_free(&p->strs);
	rule_settle(p, &r);
	if (p->failed)
		return;
	if (p->rs->nrules >= YR_MAX_RULES) {
		yr_perr(p, "too many rules (the limit is %u)", YR_MAX_RULES);
		return;
	}
	if (p->rs->nrules == p->rs->caprules) {
		size_t cap = p->rs->caprules ? p->rs->caprules * 2 : 64;
		struct yr_rule *n = realloc(p->rs->rules, cap * sizeof(*n));

		if (!n) {
			yr_oom(p);
			return;
		}
		p->rs->rules = n;
		p->rs->caprules = cap;
	}
	p->rs->rules[p->rs->nrules++] = r;
	if (yr_rule_index_last(p->rs) < 0)
		yr_oom(p);
}

/* After "include": the named file's rules, read into the same set. */
static void include(struct yr_parser *p)
{
	struct yr_parse_opts sub;
	char *path = NULL, *src = NULL;
	size_t len = 0;
	int rc;

	if (p->tok.kind != YT_TEXT) {
		yr_perr(p, "syntax error: a file name expected");
		return;
	}
	if (!p->o || !p->o->include) {
		yr_perr(p, "include is not allowed here");
		return;
	}
	if (p->o->depth + 1 >= YR_MAX_INCLUDE_DEPTH) {
		yr_perr(p, "includes nested too deep (the limit is %d)",
			YR_MAX_INCLUDE_DEPTH);
		return;
	}
	if (p->o->include(p->o->include_ctx, p->tok.text, p->o->file, &path,
			  &src, &len) < 0) {
		yr_perr(p, "cannot include \"%s\"", p->tok.text);
		free(path);
		free(src);
		return;
	}
	sub = *p->o;
	sub.file = path;
	sub.depth++;
	rc = yr_parse(p->rs, src, len, &sub, p->err, p->errcap);
	if (rc)
		p->failed = rc; /* the included file's message stands */
	free(path);
	free(src);
	yr_next(p);
}

static void top(struct yr_parser *p)
{
	unsigned flags = 0;

	if (yr_accept(p, YK_IMPORT)) {
		import(p);
		return;
	}
	if (yr_accept(p, YK_INCLUDE)) {
		include(p);
		return;
	}
	for (;;) {
		if (yr_accept(p, YK_GLOBAL))
			flags |= YR_RULE_GLOBAL;
		else if (yr_accept(p, YK_PRIVATE))
			flags |= YR_RULE_PRIVATE;
		else
			break;
	}
	rule(p, flags);
}

int yr_parse(struct yr_ruleset *rs, const char *src, size_t len,
	     const struct yr_parse_opts *o, char *err, size_t errcap)
{
	struct yr_parser *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return VIGIL_ENOMEM;
	yr_lex_init(&p->lx, src, len);
	p->rs = rs;
	p->o = o;
	p->err = err;
	p->errcap = errcap;
	if (errcap)
		err[0] = 0;
	if (strlen(yr_namespace(p)) > YR_MAX_NS || strchr(yr_namespace(p), ':') ||
	    !*yr_namespace(p)) {
		snprintf(err, errcap, "%s: a namespace of 1 to %d bytes without "
			 "':' expected", o && o->file ? o->file : "rules",
			 YR_MAX_NS);
		free(p);
		return -1;
	}
	yr_next(p);
	while (!p->failed && p->tok.kind != YT_EOF)
		top(p);
	free(p->tok.text);
	if (p->have_ahead)
		free(p->ahead.text);
	yr_names_free(&p->strs);
	yr_keep_done(p);
	rc = p->failed;
	free(p);
	return rc;
}

void yr_ruleset_free(struct yr_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nre; i++)
		pcre2_code_free(rs->re[i]);
	free(rs->re);
	yr_names_free(&rs->by_name);
	free(rs->rules);
	yr_arena_free(rs->arena);
	memset(rs, 0, sizeof(*rs));
}
