/*
 * yrlex.h -- the tokens of YARA's rule language, as YARA's documentation
 * writes them: identifiers and keywords, string identifiers ($a, #a, @a,
 * !a, with a trailing '*' in sets), numbers (decimal with KB/MB, 0x hex,
 * 0o octal, and decimals with a point), text strings with their escapes,
 * regular expressions (/.../ with i and s), and operators. A hex string is
 * read on the parser's request, since '{' also opens a rule's body.
 */
#ifndef VIGIL_YARA_YRLEX_H
#define VIGIL_YARA_YRLEX_H

#include <stddef.h>
#include <stdint.h>

/* The longest identifier, as YARA's limit. */
#define YR_MAX_IDENT_BYTES 128
/* The longest text string, regular expression or hex string kept. */
#define YR_MAX_TOKEN_BYTES (1u << 20)

enum yr_tok {
	YT_EOF, YT_ERROR, YT_IDENT, YT_STRID, YT_STRCOUNT, YT_STROFF,
	YT_STRLEN, YT_INT, YT_FLOAT, YT_TEXT, YT_REGEX, YT_HEX,
	YT_LBRACE, YT_RBRACE, YT_LPAREN, YT_RPAREN, YT_LBRACK, YT_RBRACK,
	YT_COLON, YT_ASSIGN, YT_COMMA, YT_DOT, YT_DOTDOT, YT_EQ, YT_NE,
	YT_LT, YT_LE, YT_GT, YT_GE, YT_PLUS, YT_MINUS, YT_STAR, YT_BSLASH,
	YT_PERCENT, YT_AMP, YT_PIPE, YT_CARET, YT_TILDE, YT_SHL, YT_SHR,
	/* keywords */
	YK_FIRST,
	YK_ALL = YK_FIRST, YK_AND, YK_ANY, YK_ASCII, YK_AT, YK_BASE64,
	YK_BASE64WIDE, YK_CONDITION, YK_CONTAINS, YK_DEFINED, YK_ENDSWITH,
	YK_ENTRYPOINT, YK_FALSE, YK_FILESIZE, YK_FOR, YK_FULLWORD, YK_GLOBAL,
	YK_ICONTAINS, YK_IENDSWITH, YK_IEQUALS, YK_IMPORT, YK_IN, YK_INCLUDE,
	YK_INT16, YK_INT16BE, YK_INT32, YK_INT32BE, YK_INT8, YK_INT8BE,
	YK_ISTARTSWITH, YK_MATCHES, YK_META, YK_NOCASE, YK_NONE, YK_NOT, YK_OF,
	YK_OR, YK_PRIVATE, YK_RULE, YK_STARTSWITH, YK_STRINGS, YK_THEM,
	YK_TRUE, YK_UINT16, YK_UINT16BE, YK_UINT32, YK_UINT32BE, YK_UINT8,
	YK_UINT8BE, YK_WIDE, YK_XOR,
	YK_LAST
};

struct yr_token {
	enum yr_tok kind;
	unsigned line, col;
	const char *at;		/* its first byte in the source */
	size_t len;		/* its length in the source */
	int64_t i;		/* YT_INT */
	double f;		/* YT_FLOAT */
	/* YT_TEXT: the bytes, escapes resolved; YT_REGEX: the pattern;
	 * YT_HEX: what is between the braces; YT_IDENT and string
	 * identifiers: the name (without $ # @ !) */
	char *text;
	size_t text_len;
	unsigned regex_flags;	/* YR_RE_NOCASE | YR_RE_DOTALL */
	int wildcard;		/* a string identifier ending in '*' */
};

#define YR_RE_NOCASE 1u
#define YR_RE_DOTALL 2u

struct yr_lexer {
	const char *src, *end, *p;
	unsigned line;
	const char *line_at;	/* where the current line begins */
	char err[160];		/* what YT_ERROR means */
};

void yr_lex_init(struct yr_lexer *l, const char *src, size_t len);
/* The next token into *t (its text is malloc'd, the caller's to free). */
void yr_lex_next(struct yr_lexer *l, struct yr_token *t);
/* At a '{' after "$id =": the hex string up to its '}' into *t. */
void yr_lex_hex(struct yr_lexer *l, struct yr_token *t);
/* A keyword's spelling (for messages). */
const char *yr_tok_name(enum yr_tok k);

#endif
