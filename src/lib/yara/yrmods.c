/*
 * yrmods.c -- a string's modifiers (ascii wide nocase fullword private
 * xor base64 base64wide), their arguments (xor's key range, base64's
 * alphabet) and the combinations yarac refuses.
 */
#include <string.h>

#include "yara/yrmods.h"

static const struct {
	enum yr_tok tok;
	unsigned mod;
	const char *name;
} mods[] = {
	{ YK_ASCII, YM_ASCII, "ascii" }, { YK_WIDE, YM_WIDE, "wide" },
	{ YK_NOCASE, YM_NOCASE, "nocase" },
	{ YK_FULLWORD, YM_FULLWORD, "fullword" },
	{ YK_PRIVATE, YM_PRIVATE, "private" }, { YK_XOR, YM_XOR, "xor" },
	{ YK_BASE64, YM_BASE64, "base64" },
	{ YK_BASE64WIDE, YM_BASE64WIDE, "base64wide" },
};

/* xor's optional (key) or (low-high), each 0..255. */
static void xor_range(struct yr_parser *p, struct yr_string *s)
{
	s->xor_min = 0;
	s->xor_max = 255;
	if (!yr_accept(p, YT_LPAREN))
		return;
	if (p->tok.kind != YT_INT || p->tok.i > 255) {
		yr_perr(p, "invalid xor range: a key is 0 to 255");
		return;
	}
	s->xor_min = s->xor_max = (int)p->tok.i;
	yr_next(p);
	if (yr_accept(p, YT_MINUS)) {
		if (p->tok.kind != YT_INT || p->tok.i > 255 ||
		    p->tok.i < s->xor_min) {
			yr_perr(p, "invalid xor range");
			return;
		}
		s->xor_max = (int)p->tok.i;
		yr_next(p);
	}
	yr_expect(p, YT_RPAREN);
}

/* base64's optional ("64-character alphabet"). */
static void alphabet(struct yr_parser *p, struct yr_string *s)
{
	if (!yr_accept(p, YT_LPAREN))
		return;
	if (p->tok.kind != YT_TEXT || p->tok.text_len != 64) {
		yr_perr(p, "invalid base64 alphabet: 64 characters are needed");
		return;
	}
	if (s->alphabet && strcmp(s->alphabet, p->tok.text)) {
		yr_perr(p, "base64 and base64wide must use the same alphabet");
		return;
	}
	s->alphabet = yr_strdup(&p->rs->arena, p->tok.text, 64);
	if (!s->alphabet)
		yr_oom(p);
	yr_next(p);
	yr_expect(p, YT_RPAREN);
}

static void combination(struct yr_parser *p, const struct yr_string *s)
{
	static const unsigned hex_ok = YM_PRIVATE;
	static const unsigned re_ok = YM_ASCII | YM_WIDE | YM_NOCASE |
				      YM_FULLWORD | YM_PRIVATE;
	unsigned b64 = YM_BASE64 | YM_BASE64WIDE, m = s->mods;

	if (s->kind == YS_HEX && (m & ~hex_ok))
		yr_perr(p, "invalid modifier for a hex string");
	else if (s->kind == YS_REGEX && (m & ~re_ok))
		yr_perr(p, "invalid modifier for a regular expression");
	else if ((m & YM_XOR) && (m & YM_NOCASE))
		yr_perr(p, "invalid modifier combination: xor nocase");
	else if ((m & b64) && (m & (YM_NOCASE | YM_XOR | YM_FULLWORD)))
		yr_perr(p, "invalid modifier combination: base64 with %s",
			m & YM_NOCASE ? "nocase" : m & YM_XOR ? "xor" :
							   "fullword");
}

void yr_modifiers(struct yr_parser *p, struct yr_string *s)
{
	size_t k;

	while (!p->failed) {
		for (k = 0; k < sizeof(mods) / sizeof(*mods); k++)
			if (p->tok.kind == mods[k].tok)
				break;
		if (k == sizeof(mods) / sizeof(*mods))
			break;
		if (s->mods & mods[k].mod) {
			yr_perr(p, "duplicated modifier \"%s\"", mods[k].name);
			return;
		}
		s->mods |= mods[k].mod;
		yr_next(p);
		if (mods[k].mod == YM_XOR)
			xor_range(p, s);
		else if (mods[k].mod & (YM_BASE64 | YM_BASE64WIDE))
			alphabet(p, s);
	}
	if (!p->failed)
		combination(p, s);
}
