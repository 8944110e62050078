/*
 * yrmatch.c -- the reference matcher (yrmatch.h): a text string compared
 * at every offset (ascii and wide forms, nocase, fullword), a hex string
 * run by backtracking at every offset (jumps shortest first, alternatives
 * in order), a regular expression by PCRE2 from every offset; xor's keys
 * tried in turn; base64's patterns made as yara makes them (the string,
 * or its wide form, after 0, 1 and 2 bytes, encoded, the characters that
 * depend on those bytes or on the padding cut off). The buffer is read
 * within its length only. A wide regular expression is matched in its
 * wide form (yrwide.c).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "yara/yrmatch.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "yara/yrhex.h"
#include "yara/yrwide.h"
#include "vigil/vigil.h"

static int add(struct yr_matches *out, size_t off, size_t len)
{
	if (out->n >= YR_MAX_MATCHES)
		return YR_MATCH_LIMIT;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		struct yr_match *m = realloc(out->m, cap * sizeof(*m));

		if (!m)
			return VIGIL_ENOMEM;
		out->m = m;
		out->cap = cap;
	}
	out->m[out->n].off = off;
	out->m[out->n++].len = len;
	return 0;
}

void yr_matches_free(struct yr_matches *m)
{
	free(m->m);
	memset(m, 0, sizeof(*m));
}

static int alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static uint8_t fold(uint8_t c, int nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* The string at buf[i] in its wide or ascii form, each byte XORed with
 * key (the wide form's zero bytes too, as yara makes it). */
static int text_at(const struct yr_string *s, const uint8_t *buf, size_t len,
		   size_t i, int wide, uint8_t key)
{
	int nocase = !!(s->mods & YM_NOCASE);
	size_t k, step = wide ? 2 : 1;

	if (len - i < s->len * step)
		return 0;
	for (k = 0; k < s->len; k++)
		if (fold(buf[i + k * step] ^ key, nocase) !=
			    fold((uint8_t)s->value[k], nocase) ||
		    (wide && (buf[i + k * 2 + 1] ^ key)))
			return 0;
	return 1;
}

/* fullword: no letter or digit on either side (wide: the 16-bit unit). */
static int whole_word(const uint8_t *buf, size_t len, size_t i, size_t n,
		      int wide)
{
	if (wide)
		return !(i >= 2 && alnum(buf[i - 2]) && !buf[i - 1]) &&
		       !(i + n + 1 < len && alnum(buf[i + n]) && !buf[i + n + 1]);
	return !(i && alnum(buf[i - 1])) && !(i + n < len && alnum(buf[i + n]));
}

/* The first key (of xor's range, or none) the string matches with at
 * buf[i] in that form; -1 if none does. */
static int key_at(const struct yr_string *s, const uint8_t *buf, size_t len,
		  size_t i, int wide)
{
	int k = s->mods & YM_XOR ? s->xor_min : 0,
	    last = s->mods & YM_XOR ? s->xor_max : 0;

	for (; k <= last; k++)
		if (text_at(s, buf, len, i, wide, (uint8_t)k))
			return k;
	return -1;
}

static int text(const struct yr_string *s, const uint8_t *buf, size_t len,
		struct yr_matches *out)
{
	int forms[2], nf = 0, f, rc;
	size_t i;

	if (!(s->mods & YM_WIDE) || (s->mods & YM_ASCII))
		forms[nf++] = 0;
	if (s->mods & YM_WIDE)
		forms[nf++] = 1;
	for (i = 0; i < len; i++)
		for (f = 0; f < nf; f++) {
			size_t n = s->len * (forms[f] ? 2 : 1);

			if (key_at(s, buf, len, i, forms[f]) < 0)
				continue;
			if ((s->mods & YM_FULLWORD) &&
			    !whole_word(buf, len, i, n, forms[f]))
				continue;
			if ((rc = add(out, i, n)) != 0)
				return rc;
		}
	return 0;
}

/* base64's patterns: at most 2 forms x 2 widths x 3 shifts. */
#define B64_MAX_VARIANTS 12

struct b64set {
	uint8_t *v[B64_MAX_VARIANTS];
	size_t len[B64_MAX_VARIANTS];
	int n;
};

/*
 * The base64 text of src (n bytes) after shift bytes 'A', with the
 * characters the shift and the padding touch cut off, as yara makes its
 * patterns: shift + 1 leading (none without a shift), pad + 1 trailing
 * (none without padding); widened when wide. NULL on ENOMEM.
 */
static uint8_t *b64_variant(const uint8_t *src, size_t n, int shift,
			    const char *abc, int wide, size_t *out_len)
{
	size_t total = n + (size_t)shift, o = 0, k, lead, trail, len, pad;
	uint8_t *in = malloc(total + 3), *enc = malloc((total + 2) / 3 * 4 + 1);
	uint8_t *res = NULL;

	if (!in || !enc)
		goto out;
	memset(in, 'A', (size_t)shift);
	memcpy(in + shift, src, n);
	memset(in + total, 0, 3);
	for (k = 0; k < total; k += 3) {
		uint32_t w = (uint32_t)in[k] << 16 | (uint32_t)in[k + 1] << 8 |
			     in[k + 2];
		size_t left = total - k, c;

		for (c = 0; c < 4; c++)
			enc[o++] = c <= left ? (uint8_t)abc[(w >> (18 - 6 * c)) & 63] :
					       '=';
	}
	pad = total % 3 ? 3 - total % 3 : 0;
	lead = shift ? (size_t)shift + 1 : 0;
	trail = pad ? pad + 1 : 0;
	len = o > lead + trail ? o - lead - trail : 0;
	if ((res = malloc(len * 2 + 1)) != NULL) {
		for (k = 0; k < len; k++) {
			if (wide) {
				res[2 * k] = enc[lead + k];
				res[2 * k + 1] = 0;
			} else {
				res[k] = enc[lead + k];
			}
		}
		*out_len = wide ? len * 2 : len;
	}
out:
	free(in);
	free(enc);
	return res;
}

static void b64_free(struct b64set *b)
{
	while (b->n)
		free(b->v[--b->n]);
}

/* The patterns of a base64 or base64wide string, in yara's order. */
static int b64_patterns(const struct yr_string *s, struct b64set *b)
{
	static const char std[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *abc = s->alphabet ? s->alphabet : std;
	uint8_t *wsrc = malloc(s->len * 2 + 1);
	int form, width, shift;
	size_t k;

	if (!wsrc)
		return VIGIL_ENOMEM;
	for (k = 0; k < s->len; k++) {
		wsrc[2 * k] = (uint8_t)s->value[k];
		wsrc[2 * k + 1] = 0;
	}
	for (form = 0; form < 2; form++) { /* the wide string, the ascii one */
		if (form == 0 ? !(s->mods & YM_WIDE) :
				(s->mods & YM_WIDE) && !(s->mods & YM_ASCII))
			continue;
		for (width = 0; width < 2; width++) {
			if (!(s->mods & (width ? YM_BASE64WIDE : YM_BASE64)))
				continue;
			for (shift = 0; shift < 3; shift++) {
				b->v[b->n] = b64_variant(
					form ? (const uint8_t *)s->value : wsrc,
					form ? s->len : s->len * 2, shift, abc,
					width, &b->len[b->n]);
				if (!b->v[b->n]) {
					free(wsrc);
					return VIGIL_ENOMEM;
				}
				b->n++;
			}
		}
	}
	free(wsrc);
	return 0;
}

/* Every offset one of the patterns starts at (the first one's length). */
static int base64(const struct yr_string *s, const uint8_t *buf, size_t len,
		  struct yr_matches *out)
{
	struct b64set b = { .n = 0 };
	size_t i;
	int k, rc = b64_patterns(s, &b);

	for (i = 0; i < len && !rc; i++)
		for (k = 0; k < b.n; k++)
			if (b.len[k] && len - i >= b.len[k] &&
			    !memcmp(buf + i, b.v[k], b.len[k])) {
				rc = add(out, i, b.len[k]);
				break;
			}
	b64_free(&b);
	return rc;
}

struct hexrun {
	const uint8_t *buf;
	size_t len;
	uint64_t steps;
	unsigned depth;
};

struct cont {
	const struct yr_hex_seq *s;
	uint32_t i;
	const struct cont *next;
};

static int jump(struct hexrun *r, const struct yr_hex_seq *s, uint32_t i,
		const struct cont *k, size_t pos, size_t *end);
static int alts(struct hexrun *r, const struct yr_hex_seq *s, uint32_t i,
		const struct cont *k, size_t pos, size_t *end);

/* 1 and *end if seq[i..] then the continuations match from pos; -1 when
 * the steps or the depth run out. Bytes are compared in a loop; jumps
 * and alternatives recurse. */
static int run(struct hexrun *r, const struct yr_hex_seq *s, uint32_t i,
	       const struct cont *k, size_t pos, size_t *end)
{
	const struct yr_hex_item *it;
	int rc;

	if (++r->steps > YR_MAX_HEX_STEPS || r->depth >= YR_MAX_HEX_DEPTH)
		return -1;
	for (; i < s->n && s->items[i].kind == YH_BYTE; i++, pos++) {
		it = &s->items[i];
		if (pos >= r->len ||
		    ((r->buf[pos] & it->mask) == it->val) == it->neg)
			return 0;
	}
	if (i == s->n) {
		if (!k) {
			*end = pos;
			return 1;
		}
		r->depth++;
		rc = run(r, k->s, k->i, k->next, pos, end);
		r->depth--;
		return rc;
	}
	it = &s->items[i];
	r->depth++;
	rc = it->kind == YH_JUMP ? jump(r, s, i, k, pos, end) :
				   alts(r, s, i, k, pos, end);
	r->depth--;
	return rc;
}

static int jump(struct hexrun *r, const struct yr_hex_seq *s, uint32_t i,
		const struct cont *k, size_t pos, size_t *end)
{
	const struct yr_hex_item *it = &s->items[i];
	uint64_t j, max = it->max == YR_HEX_UNBOUNDED ? r->len : it->max;
	int rc;

	for (j = it->min; j <= max && pos + j <= r->len; j++)
		if ((rc = run(r, s, i + 1, k, pos + j, end)) != 0)
			return rc;
	return 0;
}

static int alts(struct hexrun *r, const struct yr_hex_seq *s, uint32_t i,
		const struct cont *k, size_t pos, size_t *end)
{
	const struct yr_hex_item *it = &s->items[i];
	uint32_t j;
	int rc;

	for (j = 0; j < it->nalts; j++) {
		struct cont c = { s, i + 1, k };

		if ((rc = run(r, &it->alts[j], 0, &c, pos, end)) != 0)
			return rc;
	}
	return 0;
}

static int hex(const struct yr_string *s, const uint8_t *buf, size_t len,
	       struct yr_matches *out)
{
	struct yr_hex_seq prog;
	struct hexrun r = { buf, len, 0, 0 };
	size_t i, end;
	int rc = yr_hex_compile(s->value, s->len, &prog);

	if (rc)
		return rc < 0 && rc != -1 ? rc : YR_MATCH_UNSUPPORTED;
	for (i = 0; i < len && !rc; i++) {
		int m = run(&r, &prog, 0, NULL, i, &end);

		if (m < 0)
			rc = YR_MATCH_LIMIT;
		else if (m)
			rc = add(out, i, end - i);
	}
	yr_hex_free(&prog);
	return rc;
}

/* The matches of one form of a regex (its wide form when wide). */
static int regex_form(const struct yr_string *s, const char *pat,
		      size_t plen, int wide, const uint8_t *buf, size_t len,
		      struct yr_matches *out)
{
	uint32_t opts = PCRE2_NO_UTF_CHECK;
	pcre2_match_data *md;
	pcre2_code *re;
	PCRE2_SIZE eoff, *ov;
	size_t at = 0;
	int err, rc = 0;

	opts |= (s->re_flags & YR_RE_NOCASE) || (s->mods & YM_NOCASE) ?
			PCRE2_CASELESS : 0;
	opts |= s->re_flags & YR_RE_DOTALL ? PCRE2_DOTALL : 0;
	re = pcre2_compile((PCRE2_SPTR)pat, plen, opts, &err, &eoff, NULL);
	if (!re)
		return YR_MATCH_UNSUPPORTED;
	if (!(md = pcre2_match_data_create_from_pattern(re, NULL))) {
		pcre2_code_free(re);
		return VIGIL_ENOMEM;
	}
	while (!rc && at < len &&
	       pcre2_match(re, buf, len, at, 0, md, NULL) >= 0) {
		ov = pcre2_get_ovector_pointer(md);
		if (!(s->mods & YM_FULLWORD) ||
		    whole_word(buf, len, ov[0], ov[1] - ov[0], wide))
			rc = add(out, ov[0], ov[1] - ov[0]);
		at = ov[0] + 1; /* every offset a match starts at */
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc;
}

/* Merges out's two runs, each in order of offset ([0, n1) ascii, then
 * wide), keeping one match per offset: the ascii form's where both are. */
static int merge_forms(struct yr_matches *out, size_t n1)
{
	struct yr_match *m = malloc((out->n + 1) * sizeof(*m));
	size_t i = 0, j = n1, k = 0;

	if (!m)
		return VIGIL_ENOMEM;
	while (i < n1 || j < out->n) {
		struct yr_match next = j >= out->n ||
					       (i < n1 && out->m[i].off <= out->m[j].off) ?
					       out->m[i++] : out->m[j++];

		if (!k || m[k - 1].off != next.off)
			m[k++] = next;
	}
	if (k)
		memcpy(out->m, m, k * sizeof(*m));
	out->n = k;
	free(m);
	return 0;
}

/* The ascii form, the wide form, or both: matches in order of offset,
 * one per offset. */
static int regex(const struct yr_string *s, const uint8_t *buf, size_t len,
		 struct yr_matches *out)
{
	struct vbuf w = { 0 };
	size_t n1;
	int rc = 0;

	if (!(s->mods & YM_WIDE) || (s->mods & YM_ASCII))
		rc = regex_form(s, s->value, s->len, 0, buf, len, out);
	if (rc || !(s->mods & YM_WIDE))
		return rc;
	n1 = out->n;
	if ((rc = yr_regex_widen(s->value, s->len, &w)) == 0)
		rc = regex_form(s, (const char *)w.data, w.len - 1, 1, buf,
				len, out);
	else if (rc == -1)
		rc = YR_MATCH_UNSUPPORTED;
	vbuf_free(&w);
	return rc ? rc : merge_forms(out, n1);
}

int yr_match_string(const struct yr_string *s, const uint8_t *buf,
		    size_t len, struct yr_matches *out, const char **why)
{
	int rc;

	out->n = 0;
	*why = NULL;
	rc = s->mods & (YM_BASE64 | YM_BASE64WIDE) ? base64(s, buf, len, out) :
	     s->kind == YS_TEXT ? text(s, buf, len, out) :
	     s->kind == YS_HEX ? hex(s, buf, len, out) :
				 regex(s, buf, len, out);
	if (rc == YR_MATCH_LIMIT)
		*why = "too many matches, or a hex string too slow to match";
	else if (rc == YR_MATCH_UNSUPPORTED)
		*why = "a regular expression PCRE2 refuses";
	return rc;
}
