/*
 * yrlex.c -- YARA's tokens (yrlex.h). The source is untrusted text; every
 * read is checked against its end, and a token longer than its limit is
 * an error token, never cut short in silence.
 */
#include "yara/yrlex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const keywords[] = {
	"all", "and", "any", "ascii", "at", "base64", "base64wide",
	"condition", "contains", "defined", "endswith", "entrypoint", "false",
	"filesize", "for", "fullword", "global", "icontains", "iendswith",
	"iequals", "import", "in", "include", "int16", "int16be", "int32",
	"int32be", "int8", "int8be", "istartswith", "matches", "meta",
	"nocase", "none", "not", "of", "or", "private", "rule", "startswith",
	"strings", "them", "true", "uint16", "uint16be", "uint32", "uint32be",
	"uint8", "uint8be", "wide", "xor",
};

void yr_lex_init(struct yr_lexer *l, const char *src, size_t len)
{
	memset(l, 0, sizeof(*l));
	l->src = l->p = l->line_at = src;
	l->end = src + len;
	l->line = 1;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int peek(const struct yr_lexer *l, size_t k)
{
	return l->p + k < l->end ? (unsigned char)l->p[k] : -1;
}

static void newline(struct yr_lexer *l)
{
	l->line++;
	l->line_at = l->p;
}

static void newline_at(struct yr_lexer *l, const char *at)
{
	l->line++;
	l->line_at = at;
}

static int fail(struct yr_lexer *l, struct yr_token *t, const char *msg)
{
	snprintf(l->err, sizeof(l->err), "%s", msg);
	t->kind = YT_ERROR;
	return -1;
}

/* Skips white space and comments; -1 at a comment left open. */
static int skip_blank(struct yr_lexer *l)
{
	while (l->p < l->end) {
		int c = (unsigned char)*l->p;

		if (c == '\n') {
			l->p++;
			newline(l);
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
			   c == '\v') {
			l->p++;
		} else if (c == '/' && peek(l, 1) == '/') {
			while (l->p < l->end && *l->p != '\n')
				l->p++;
		} else if (c == '/' && peek(l, 1) == '*') {
			for (l->p += 2;; l->p++) {
				if (l->p + 1 >= l->end)
					return -1;
				if (*l->p == '\n') {
					l->p++;
					newline(l);
					l->p--;
				} else if (l->p[0] == '*' && l->p[1] == '/') {
					l->p += 2;
					break;
				}
			}
		} else {
			break;
		}
	}
	return 0;
}

static int set_text(struct yr_token *t, const char *s, size_t n)
{
	t->text = malloc(n + 1);
	if (!t->text)
		return -1;
	memcpy(t->text, s, n);
	t->text[n] = 0;
	t->text_len = n;
	return 0;
}

/* The token's text s..l->p, at most max bytes: 0, or -1 (an error
 * token, too_long or out of memory). */
static int take(struct yr_lexer *l, struct yr_token *t, const char *s,
		size_t max, const char *too_long)
{
	if ((size_t)(l->p - s) > max)
		return fail(l, t, too_long);
	if (set_text(t, s, (size_t)(l->p - s)) < 0)
		return fail(l, t, "out of memory");
	return 0;
}

static void word(struct yr_lexer *l, struct yr_token *t)
{
	const char *s = l->p;
	size_t n, k;

	while (l->p < l->end && (is_alpha(*l->p) || is_digit(*l->p)))
		l->p++;
	n = (size_t)(l->p - s);
	if (n > YR_MAX_IDENT_BYTES) {
		fail(l, t, "identifier too long");
		return;
	}
	for (k = 0; k < sizeof(keywords) / sizeof(*keywords); k++)
		if (strlen(keywords[k]) == n && !memcmp(keywords[k], s, n)) {
			t->kind = (enum yr_tok)(YK_FIRST + k);
			return;
		}
	t->kind = YT_IDENT;
	if (set_text(t, s, n) < 0)
		fail(l, t, "out of memory");
}

/* $name, #name, @name, !name; a '$' name may end in '*'. */
static void string_ident(struct yr_lexer *l, struct yr_token *t)
{
	static const enum yr_tok kinds[] = { YT_STRID, YT_STRCOUNT,
					     YT_STROFF, YT_STRLEN };
	const char *s = l->p + 1;

	t->kind = kinds[strchr("$#@!", *l->p) - "$#@!"];
	l->p++;
	while (l->p < l->end && (is_alpha(*l->p) || is_digit(*l->p)))
		l->p++;
	if (take(l, t, s, YR_MAX_IDENT_BYTES, "identifier too long") < 0)
		return;
	if (t->kind == YT_STRID && l->p < l->end && *l->p == '*') {
		t->wildcard = 1;
		l->p++;
	}
}

static void number(struct yr_lexer *l, struct yr_token *t)
{
	const char *s = l->p;
	int base = 10, d;
	uint64_t v = 0;

	if (s[0] == '0' && peek(l, 1) >= 0 && (s[1] == 'x' || s[1] == 'o')) {
		base = s[1] == 'x' ? 16 : 8;
		l->p += 2;
	}
	if (base == 10 && l->p < l->end) {
		const char *q = l->p;

		while (q < l->end && is_digit(*q))
			q++;
		if (q + 1 < l->end && *q == '.' && is_digit(q[1])) {
			char buf[64];
			size_t n;

			for (q++; q < l->end && is_digit(*q); q++)
				;
			n = (size_t)(q - s);
			if (n >= sizeof(buf)) {
				fail(l, t, "number too long");
				return;
			}
			memcpy(buf, s, n);
			buf[n] = 0;
			t->kind = YT_FLOAT;
			t->f = strtod(buf, NULL);
			l->p = q;
			return;
		}
	}
	while (l->p < l->end && (d = hexval(*l->p)) >= 0 && d < base) {
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
			fail(l, t, "integer too large");
			return;
		}
		v = v * (uint64_t)base + (uint64_t)d;
		l->p++;
	}
	if (l->p == s + (base == 10 ? 0 : 2)) {
		fail(l, t, "malformed number");
		return;
	}
	if (base == 10 && l->p + 1 < l->end && (*l->p == 'K' || *l->p == 'M') &&
	    l->p[1] == 'B') {
		uint64_t m = *l->p == 'K' ? 1024 : 1024 * 1024;

		if (v > (uint64_t)INT64_MAX / m) {
			fail(l, t, "integer too large");
			return;
		}
		v *= m;
		l->p += 2;
	}
	if (v > (uint64_t)INT64_MAX) {
		fail(l, t, "integer too large");
		return;
	}
	t->kind = YT_INT;
	t->i = (int64_t)v;
}

/* One escape after a backslash in a text string, into *out. */
static int text_escape(struct yr_lexer *l, char *out)
{
	int c = peek(l, 0), h, lo;

	l->p++;
	switch (c) {
	case '"': *out = '"'; return 0;
	case '\\': *out = '\\'; return 0;
	case 't': *out = '\t'; return 0;
	case 'n': *out = '\n'; return 0;
	case 'r': *out = '\r'; return 0;
	case 'x':
		if ((h = hexval(peek(l, 0))) < 0 || (lo = hexval(peek(l, 1))) < 0)
			return -1;
		l->p += 2;
		*out = (char)(h << 4 | lo);
		return 0;
	default:
		return -1;
	}
}

/* Bytes up to the closing quote or the line's end: a bound on the
 * string's length once its escapes are resolved. */
static size_t text_span(const struct yr_lexer *l)
{
	const char *q = l->p;

	while (q < l->end && *q != '"' && *q != '\n')
		q += *q == '\\' && q + 1 < l->end ? 2 : 1;
	return (size_t)(q - l->p);
}

static void text(struct yr_lexer *l, struct yr_token *t)
{
	char *buf;
	size_t n = 0;

	l->p++;
	if (!(buf = malloc(text_span(l) + 1))) {
		fail(l, t, "out of memory");
		return;
	}
	t->text = buf;
	for (;;) {
		if (l->p >= l->end || *l->p == '\n') {
			fail(l, t, "unterminated string");
			return;
		}
		if (*l->p == '"')
			break;
		if (n >= YR_MAX_TOKEN_BYTES) {
			fail(l, t, "string too long");
			return;
		}
		if (*l->p == '\\') {
			l->p++;
			if (text_escape(l, &buf[n++]) < 0) {
				fail(l, t, "illegal escape sequence");
				return;
			}
		} else {
			buf[n++] = *l->p++;
		}
	}
	l->p++;
	buf[n] = 0;
	t->text_len = n;
	t->kind = YT_TEXT;
}

/* /pattern/ and its flags; "\/" stays in the pattern as written. */
static void regex(struct yr_lexer *l, struct yr_token *t)
{
	const char *s = ++l->p;

	for (;;) {
		if (l->p >= l->end || *l->p == '\n') {
			fail(l, t, "unterminated regular expression");
			return;
		}
		if (*l->p == '/')
			break;
		if (*l->p == '\\' && l->p + 1 < l->end && l->p[1] != '\n')
			l->p++;
		l->p++;
	}
	if (l->p == s) {
		fail(l, t, "empty regular expression");
		return;
	}
	if (take(l, t, s, YR_MAX_TOKEN_BYTES, "regular expression too long") < 0)
		return;
	for (l->p++; l->p < l->end && (*l->p == 'i' || *l->p == 's'); l->p++)
		t->regex_flags |= *l->p == 'i' ? YR_RE_NOCASE : YR_RE_DOTALL;
	t->kind = YT_REGEX;
}

void yr_lex_hex(struct yr_lexer *l, struct yr_token *t)
{
	const char *s = l->p;

	memset(t, 0, sizeof(*t));
	t->line = l->line;
	t->col = (unsigned)(l->p - l->line_at) + 1;
	t->at = s;
	/* comments may hold a '}': they are passed over (yrhex.c reads them
	 * again as blank) */
	for (; l->p < l->end && *l->p != '}'; l->p++) {
		if (*l->p == '/' && peek(l, 1) == '/') {
			while (l->p + 1 < l->end && l->p[1] != '\n')
				l->p++;
		} else if (*l->p == '/' && peek(l, 1) == '*') {
			const char *e = l->p + 2;

			while (e + 1 < l->end && !(e[0] == '*' && e[1] == '/'))
				e++;
			if (e + 1 >= l->end) {
				l->p = l->end;
				break;
			}
			for (; l->p < e + 1; l->p++)
				if (*l->p == '\n')
					newline_at(l, l->p + 1);
		} else if (*l->p == '\n') {
			newline_at(l, l->p + 1);
		}
	}
	if (l->p >= l->end) {
		fail(l, t, "unterminated hex string");
		return;
	}
	if (take(l, t, s, YR_MAX_TOKEN_BYTES, "hex string too long") < 0)
		return;
	l->p++;
	t->len = (size_t)(l->p - s);
	t->kind = YT_HEX;
}

/* Operators of one or two characters. */
static int punct(struct yr_lexer *l, struct yr_token *t)
{
	static const struct { char s[3]; enum yr_tok k; } ops[] = {
		{ "..", YT_DOTDOT }, { "==", YT_EQ }, { "!=", YT_NE },
		{ "<=", YT_LE }, { ">=", YT_GE }, { "<<", YT_SHL },
		{ ">>", YT_SHR }, { "{", YT_LBRACE }, { "}", YT_RBRACE },
		{ "(", YT_LPAREN }, { ")", YT_RPAREN }, { "[", YT_LBRACK },
		{ "]", YT_RBRACK }, { ":", YT_COLON }, { "=", YT_ASSIGN },
		{ ",", YT_COMMA }, { ".", YT_DOT }, { "<", YT_LT },
		{ ">", YT_GT }, { "+", YT_PLUS }, { "-", YT_MINUS },
		{ "*", YT_STAR }, { "\\", YT_BSLASH }, { "%", YT_PERCENT },
		{ "&", YT_AMP }, { "|", YT_PIPE }, { "^", YT_CARET },
		{ "~", YT_TILDE },
	};
	size_t k, n;

	for (k = 0; k < sizeof(ops) / sizeof(*ops); k++) {
		n = strlen(ops[k].s);
		if ((size_t)(l->end - l->p) >= n && !memcmp(l->p, ops[k].s, n)) {
			t->kind = ops[k].k;
			l->p += n;
			return 0;
		}
	}
	return -1;
}

void yr_lex_next(struct yr_lexer *l, struct yr_token *t)
{
	int c;

	memset(t, 0, sizeof(*t));
	if (skip_blank(l) < 0) {
		fail(l, t, "unterminated comment");
		return;
	}
	t->line = l->line;
	t->col = (unsigned)(l->p - l->line_at) + 1;
	t->at = l->p;
	if (l->p >= l->end) {
		t->kind = YT_EOF;
		return;
	}
	c = (unsigned char)*l->p;
	if (is_alpha(c))
		word(l, t);
	else if (is_digit(c))
		number(l, t);
	else if (c == '"')
		text(l, t);
	else if (c == '/')
		regex(l, t);
	else if (c == '$' || c == '#' || c == '@' ||
		 (c == '!' && peek(l, 1) != '='))
		string_ident(l, t);
	else if (punct(l, t) < 0)
		fail(l, t, "unexpected character");
	t->len = (size_t)(l->p - t->at);
}

const char *yr_tok_name(enum yr_tok k)
{
	static const char *const names[] = {
		"end of file", "error", "identifier", "string identifier",
		"string count", "string offset", "string length", "integer",
		"number", "text string", "regular expression", "hex string",
		"'{'", "'}'", "'('", "')'", "'['", "']'", "':'", "'='", "','",
		"'.'", "'..'", "'=='", "'!='", "'<'", "'<='", "'>'", "'>='",
		"'+'", "'-'", "'*'", "'\\'", "'%'", "'&'", "'|'", "'^'", "'~'",
		"'<<'", "'>>'",
	};

	if (k >= YK_FIRST && k < YK_LAST)
		return keywords[k - YK_FIRST];
	return k < sizeof(names) / sizeof(*names) ? names[k] : "token";
}
