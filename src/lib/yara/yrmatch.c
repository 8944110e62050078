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
#include "yara/yrmatch.h"

#include <stdlib.h>
#include <string.h>

#include "yara/yrhex.h"
#include "yara/yrwide.h"
#include "vigil/vigil.h"

int yr_matches_add(struct yr_matches *out, size_t off, size_t len)
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
	return out->want && out->n >= out->want ? YR_MATCH_ENOUGH : 0;
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
	int k;

	if (!(s->mods & YM_XOR))
		return text_at(s, buf, len, i, wide, 0) ? 0 : -1;
	/* the first byte tells the only key that can match (xor goes
	 * without nocase) */
	if (i >= len || !s->len)
		return -1;
	k = buf[i] ^ (uint8_t)s->value[0];
	return k >= s->xor_min && k <= s->xor_max &&
			       text_at(s, buf, len, i, wide, (uint8_t)k) ? k : -1;
}

int yr_text_at(const struct yr_string *s, const uint8_t *buf, size_t len,
	       size_t i, int wide)
{
	return key_at(s, buf, len, i, wide) >= 0 &&
	       (!(s->mods & YM_FULLWORD) ||
		whole_word(buf, len, i, s->len * (wide ? 2 : 1), wide));
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
		for (f = 0; f < nf; f++)
			if (yr_text_at(s, buf, len, i, forms[f]) &&
			    (rc = yr_matches_add(out, i, s->len * (forms[f] ? 2 : 1))) != 0)
				return rc;
	return 0;
}

/* Every offset one of the patterns starts at (the first one's length). */
static int base64(const struct yr_string *s, const uint8_t *buf, size_t len,
		  struct yr_matches *out)
{
	struct yr_b64set b = { .n = 0 };
	size_t i, n;
	int rc = yr_b64_patterns(s, &b);

	for (i = 0; i < len && !rc; i++)
		if ((n = yr_b64_at(&b, buf, len, i)) != 0)
			rc = yr_matches_add(out, i, n);
	yr_b64_free(&b);
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
	const struct yr_hex_ext *x = yr_hex_ext(s, &s->items[i]);
	uint64_t j, max = x->max == YR_HEX_UNBOUNDED ? r->len : x->max;
	int rc;

	for (j = x->min; j <= max && pos + j <= r->len; j++)
		if ((rc = run(r, s, i + 1, k, pos + j, end)) != 0)
			return rc;
	return 0;
}

static int alts(struct hexrun *r, const struct yr_hex_seq *s, uint32_t i,
		const struct cont *k, size_t pos, size_t *end)
{
	const struct yr_hex_ext *x = yr_hex_ext(s, &s->items[i]);
	uint32_t j;
	int rc;

	for (j = 0; j < x->nalts; j++) {
		struct cont c = { s, i + 1, k };

		if ((rc = run(r, &x->alts[j], 0, &c, pos, end)) != 0)
			return rc;
	}
	return 0;
}

int yr_hex_at(const struct yr_hex_seq *prog, const uint8_t *buf, size_t len,
	      size_t i, uint64_t *steps, size_t *end)
{
	struct hexrun r = { buf, len, *steps, 0 };
	int m = run(&r, prog, 0, NULL, i, end);

	*steps = r.steps - 1; /* the attempt itself is no step */
	return m;
}

static int hex(const struct yr_string *s, const uint8_t *buf, size_t len,
	       struct yr_matches *out)
{
	struct yr_hex_seq prog;
	uint64_t steps = 0;
	size_t i, end;
	int rc = yr_hex_compile(s->value, s->len, &prog);

	if (rc)
		return rc < 0 && rc != -1 ? rc : YR_MATCH_UNSUPPORTED;
	for (i = 0; i < len && !rc; i++) {
		int m = yr_hex_at(&prog, buf, len, i, &steps, &end);

		if (m < 0)
			rc = YR_MATCH_LIMIT;
		else if (m)
			rc = yr_matches_add(out, i, end - i);
	}
	yr_hex_free(&prog);
	return rc;
}

pcre2_code *yr_regex_code(const struct yr_string *s, int wide, int anchored,
			  int *nomem)
{
	uint32_t opts = PCRE2_NO_UTF_CHECK;
	struct vbuf w = { 0 };
	pcre2_code *re;
	PCRE2_SIZE eoff;
	int err, rc;

	*nomem = 0;
	opts |= (s->re_flags & YR_RE_NOCASE) || (s->mods & YM_NOCASE) ?
			PCRE2_CASELESS : 0;
	opts |= s->re_flags & YR_RE_DOTALL ? PCRE2_DOTALL : 0;
	opts |= anchored ? PCRE2_ANCHORED : 0;
	if ((rc = yr_regex_source(s->value, s->len, wide, &w)) != 0) {
		*nomem = rc == VIGIL_ENOMEM;
		vbuf_free(&w);
		return NULL;
	}
	re = pcre2_compile((PCRE2_SPTR)w.data, w.len - 1, opts, &err, &eoff,
			   NULL);
	vbuf_free(&w);
	return re;
}

int yr_regex_at(const pcre2_code *anchored, pcre2_match_data *md,
		const struct yr_string *s, const uint8_t *buf, size_t len,
		size_t i, int wide, size_t *mlen)
{
	PCRE2_SIZE *ov;
	int m = pcre2_match(anchored, buf, len, i, PCRE2_NOTEMPTY, md, NULL);

	if (m < 0) /* no match; or PCRE2 gave up (its limits): never "no" */
		return m == PCRE2_ERROR_NOMATCH ? 0 : -1;
	ov = pcre2_get_ovector_pointer(md);
	*mlen = ov[1] - ov[0];
	return *mlen && (!(s->mods & YM_FULLWORD) ||
			 whole_word(buf, len, ov[0], ov[1] - ov[0], wide));
}

/* Where a wide form's match may begin: each of its atoms is followed by
 * a NUL, so a match of min bytes is min / 2 bytes each followed by a NUL,
 * at every second place. The first place such a run begins, or len if
 * none does (the form matches nowhere). */
static size_t wide_from(const pcre2_code *re, const uint8_t *buf, size_t len)
{
	uint32_t min = 0;
	size_t run[2] = { 0, 0 }, pairs, i;

	if (pcre2_pattern_info(re, PCRE2_INFO_MINLENGTH, &min) != 0 ||
	    (pairs = min / 2) == 0)
		return 0;
	for (i = 0; i + 1 < len; i++) {
		size_t *r = &run[i & 1];

		*r = buf[i + 1] ? 0 : *r + 1;
		if (*r == pairs)
			return i - 2 * (pairs - 1);
	}
	return len;
}

int yr_regex_form(const pcre2_code *re, pcre2_match_data *md,
		  const struct yr_string *s, const uint8_t *buf, size_t len,
		  int wide, struct yr_matches *out)
{
	PCRE2_SIZE *ov;
	size_t at = wide ? wide_from(re, buf, len) : 0;
	int rc = 0, m = 0;

	while (!rc && at < len &&
	       (m = pcre2_match(re, buf, len, at, PCRE2_NOTEMPTY, md,
				NULL)) >= 0) {
		ov = pcre2_get_ovector_pointer(md);
		if (ov[1] > ov[0] && (!(s->mods & YM_FULLWORD) ||
				      whole_word(buf, len, ov[0], ov[1] - ov[0],
						 wide)))
			rc = yr_matches_add(out, ov[0], ov[1] - ov[0]);
		at = ov[0] + 1; /* every offset a match starts at */
	}
	/* PCRE2 giving up (its match or JIT stack limits) is a limit */
	return rc ? rc : m < 0 && m != PCRE2_ERROR_NOMATCH ? YR_MATCH_LIMIT : 0;
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
int yr_regex_all(pcre2_code *const re[2], pcre2_match_data *md,
		 const struct yr_string *s, const uint8_t *buf, size_t len,
		 struct yr_matches *out)
{
	size_t n1;
	int rc = 0;

	if (!(s->mods & YM_WIDE) || (s->mods & YM_ASCII))
		rc = yr_regex_form(re[0], md, s, buf, len, 0, out);
	if (rc || !(s->mods & YM_WIDE))
		return rc;
	n1 = out->n;
	rc = yr_regex_form(re[1], md, s, buf, len, 1, out);
	return rc ? rc : merge_forms(out, n1);
}

/* Both forms compiled for this buffer alone. */
static int regex(const struct yr_string *s, const uint8_t *buf, size_t len,
		 struct yr_matches *out)
{
	pcre2_code *re[2] = { NULL, NULL };
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int wide, nomem = 0, rc = md ? 0 : VIGIL_ENOMEM;

	for (wide = 0; wide < 2 && !rc; wide++)
		if ((wide ? s->mods & YM_WIDE :
			    !(s->mods & YM_WIDE) || (s->mods & YM_ASCII)) &&
		    !(re[wide] = yr_regex_code(s, wide, 0, &nomem)))
			rc = nomem ? VIGIL_ENOMEM : YR_MATCH_UNSUPPORTED;
	if (!rc)
		rc = yr_regex_all(re, md, s, buf, len, out);
	pcre2_code_free(re[0]);
	pcre2_code_free(re[1]);
	pcre2_match_data_free(md);
	return rc;
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
		*why = "too many matches, a hex string too slow to match, or a "
		       "regular expression PCRE2 gave up on";
	else if (rc == YR_MATCH_UNSUPPORTED)
		*why = "a regular expression PCRE2 refuses";
	return rc;
}
