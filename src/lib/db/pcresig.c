/*
 * pcresig.c -- PCRE subsignatures: "[Offset:]Trigger/PCRE/[Flags]", as
 * ClamAV's manual gives them. The expression lies between the first '/'
 * and the last; the trigger is a logical expression over the
 * subsignatures before this one; the offset, if any, is a body
 * signature's. The expression is compiled once here, so that one PCRE2
 * rejects is refused with its file and line, not met at scan time.
 */
#include "db/pcresig.h"

#include <string.h>

#include "db/bodysig.h"
#include "db/fields.h"
#include "sig/lexpr.h"
#include "sig/pcre.h"

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

/* The last c in s[0..n), or NULL. */
static const char *last_of(const char *s, size_t n, char c)
{
	while (n--)
		if (s[n] == c)
			return s + n;
	return NULL;
}

int pcresig_is(const char *s, size_t n)
{
	return memchr(s, '/', n) != NULL;
}

static int parse_flags(struct loadctx *lc, const char *s, size_t n,
		       uint16_t *flags)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned f = sigpcre_flag(s[i]);

		if (!f)
			return skip(load_warn(lc, VIGIL_EFORMAT, "unknown PCRE "
					      "flag '%c'", s[i]));
		*flags |= (uint16_t)f;
	}
	return 0;
}

/* The expression compiles; its bytes are appended to the code. */
static int expression(struct loadctx *lc, const char *re, size_t n,
		      struct vdb_pcre *p)
{
	struct sigset *ss = lc->ss;
	pcre2_code *c = NULL;
	char why[200];
	int rc;

	if (!n)
		return skip(load_warn(lc, VIGIL_EFORMAT, "empty PCRE"));
	rc = sigpcre_compile(re, n, p->flags, &c, why, sizeof(why));
	pcre2_code_free(c);
	if (rc == VIGIL_ENOMEM)
		return rc;
	if (rc < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "PCRE: %s", why));
	if (ss->code.len > UINT32_MAX - n)
		return VIGIL_ELIMIT;
	p->re_off = (uint32_t)ss->code.len;
	p->re_len = (uint32_t)n;
	return vbuf_append(&ss->code, re, n);
}

/* The trigger's bytecode is appended; it may name only earlier subs. */
static int trigger(struct loadctx *lc, const char *s, size_t n,
		   struct vdb_pcre *p, int *zero_true)
{
	struct sigset *ss = lc->ss;
	uint32_t zeros[LEXPR_MAX_SUBSIGS] = { 0 };
	struct lexpr_info info;
	const char *why = NULL;
	int rc;

	p->trig_off = (uint32_t)ss->code.len;
	rc = lexpr_compile(s, n, &ss->code, &info, &why);
	if (rc == VIGIL_ENOMEM)
		return rc;
	if (rc < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "PCRE trigger: %s",
				      why));
	if (info.max_id >= p->sub)
		return skip(load_warn(lc, VIGIL_EFORMAT, "PCRE trigger names "
				      "subsignature %u, not one before %u",
				      info.max_id, p->sub));
	p->trig_len = (uint32_t)(ss->code.len - p->trig_off);
	*zero_true = lexpr_eval(ss->code.data + p->trig_off, p->trig_len,
				zeros);
	return 0;
}

/* "[Offset:]Trigger" before the first '/'. */
static int prefix(struct loadctx *lc, const char *s, size_t n, uint8_t target,
		  struct vdb_pcre *p, int *zero_true)
{
	const char *colon = last_of(s, n, ':');
	struct offspec o = { 0 };
	int rc;

	if (colon) {
		size_t on = (size_t)(colon - s);

		if ((rc = bodysig_offset(lc, s, on, target, &o)) != 0)
			return rc;
		n -= on + 1;
		s = colon + 1;
	}
	p->off_kind = o.kind;
	p->off_sect = o.sect;
	p->off_shift = o.shift;
	p->off_n = o.n;
	return trigger(lc, s, n, p, zero_true);
}

int pcresig_add(struct loadctx *lc, const char *s, size_t n, unsigned sub,
		uint32_t owner, struct vdb_ldb *l)
{
	const char *open = memchr(s, '/', n), *close = last_of(s, n, '/');
	struct vdb_pcre p = { 0 }, *pp;
	int rc, zero_true = 0;

	if (!open || close == open)
		return skip(load_warn(lc, VIGIL_EFORMAT, "PCRE subsignature "
				      "lacks its closing '/'"));
	p.owner = owner;
	p.sub = (uint16_t)sub;
	if ((rc = parse_flags(lc, close + 1, n - (size_t)(close - s) - 1,
			      &p.flags)) != 0 ||
	    (rc = prefix(lc, s, (size_t)(open - s), l->target, &p,
			 &zero_true)) != 0 ||
	    (rc = expression(lc, open + 1, (size_t)(close - open) - 1, &p)) != 0)
		return rc;
	if (!(pp = varr_push(&lc->ss->pcre)))
		return VIGIL_ENOMEM;
	*pp = p;
	if (!l->npcre++)
		l->pcre_first = (uint32_t)(lc->ss->pcre.n - 1);
	if (zero_true)
		l->flags |= LDB_F_ZERO_TRUE;
	return 0;
}
