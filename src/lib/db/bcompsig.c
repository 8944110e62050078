/*
 * bcompsig.c -- byte-compare subsignatures, as ClamAV's manual gives them:
 * "Trigger(>>Offset#Options#Comparisons)". The trigger is one plain
 * subsignature of the same signature; the offset ">>n" or "<<n" (decimal
 * or 0x hex) counts from the start of its match; the options are a kind
 * (h hex text, d decimal text, a either, i raw binary), an optional
 * endianness (l, b), an optional e (exactly that many bytes) and the
 * number of bytes; one or two comparisons "<v", ">v", "=v" must all hold.
 */
#include "db/bcompsig.h"

#include <string.h>

#include "db/fields.h"

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

int bcompsig_is(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && i + 2 < n && s[i] == '(' &&
	       ((s[i + 1] == '>' && s[i + 2] == '>') ||
		(s[i + 1] == '<' && s[i + 2] == '<'));
}

/* Decimal, or hex after "0x". */
static int number(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		*v = 0;
		for (i = 2; i < n; i++) {
			int d = fields_hexdig(s[i]);

			if (d < 0 || *v >> 60)
				return -1;
			*v = *v << 4 | (uint64_t)d;
		}
		return 0;
	}
	return fields_u64(s, n, v);
}

static int options(const char *s, size_t n, struct vdb_bcomp *b)
{
	size_t i = 0;
	uint64_t v;

	if (i < n && s[i] && strchr("hdai", s[i]))
		b->kind = (uint8_t)s[i++];
	else
		return -1;
	if (i < n && (s[i] == 'l' || s[i] == 'b'))
		b->flags |= BCOMP_F_ENDIAN |
			    (s[i++] == 'l' ? BCOMP_F_LITTLE : 0);
	if (b->kind == 'd')
		b->flags |= BCOMP_F_ENDIAN;
	if (i < n && s[i] == 'e') {
		b->flags |= BCOMP_F_EXACT;
		i++;
	}
	if (number(s + i, n - i, &v) < 0 || !v || v > BCOMP_MAX_BYTES)
		return -1;
	b->nbytes = (uint32_t)v;
	if (b->kind == 'd' && (b->flags & BCOMP_F_LITTLE))
		return -1; /* decimal is big-endian: the manual's rule */
	if (b->kind == 'i') {
		b->flags |= BCOMP_F_EXACT;
		return (v == 1 || v == 2 || v == 4 || v == 8) ? 0 : -1;
	}
	return 0;
}

static int comparisons(const char *s, size_t n, struct vdb_bcomp *b)
{
	struct fields f;
	size_t i;

	if (fields_split(s, n, ',', &f, 2) < 0 || !f.count)
		return -1;
	for (i = 0; i < f.count; i++) {
		if (f.n[i] < 2 || !f.p[i][0] || !strchr("<>=", f.p[i][0]) ||
		    number(f.p[i] + 1, f.n[i] - 1, &b->value[i]) < 0)
			return -1;
		b->op[i] = (uint8_t)f.p[i][0];
	}
	b->ncmp = (uint8_t)f.count;
	return 0;
}

/* "(>>off#opts#cmp)" after the trigger. */
static int body(const char *s, size_t n, struct vdb_bcomp *b)
{
	struct fields f;

	if (n < 2 || s[n - 1] != ')' ||
	    fields_split(s + 1, n - 2, '#', &f, 3) < 0 || f.count != 3 ||
	    f.n[0] < 3)
		return -1;
	if (f.p[0][0] == '<')
		b->flags |= BCOMP_F_BACK;
	if (number(f.p[0] + 2, f.n[0] - 2, &b->off) < 0 ||
	    options(f.p[1], f.n[1], b) < 0 ||
	    comparisons(f.p[2], f.n[2], b) < 0)
		return -1;
	return 0;
}

int bcompsig_add(struct loadctx *lc, const char *s, size_t n, unsigned sub,
		 uint32_t owner, struct vdb_ldb *l)
{
	struct vdb_bcomp b = { 0 }, *bp;
	const char *paren = memchr(s, '(', n);
	uint64_t trigger;

	if (!paren || fields_u64(s, (size_t)(paren - s), &trigger) < 0 ||
	    trigger >= sub || body(paren, n - (size_t)(paren - s), &b) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "malformed byte "
				      "compare '%.*s'", (int)n, s));
	b.owner = owner;
	b.sub = (uint16_t)sub;
	b.trigger = (uint16_t)trigger;
	if (!(bp = varr_push(&lc->ss->bcomp)))
		return VIGIL_ENOMEM;
	*bp = b;
	if (!l->nbcomp++)
		l->bcomp_first = (uint32_t)(lc->ss->bcomp.n - 1);
	return 0;
}

int bcompsig_check(struct loadctx *lc, const struct vdb_ldb *l)
{
	const struct vdb_bcomp *b = lc->ss->bcomp.data;
	const struct vdb_matchable *m = lc->ss->match.data;
	size_t i, j;

	for (i = l->bcomp_first; l->nbcomp && i < lc->ss->bcomp.n; i++) {
		int plain = 0;

		for (j = l->first; j < lc->ss->match.n && !plain; j++)
			plain = m[j].sub == b[i].trigger;
		if (!plain)
			return skip(load_warn(lc, VIGIL_EFORMAT, "byte compare "
					      "triggered by subsignature %u, "
					      "which is not a plain one",
					      b[i].trigger));
	}
	return 0;
}
