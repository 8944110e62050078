/*
 * bodysig.c -- .ndb lines ("Name:Target:Offset:Hex[:MinFL[:MaxFL]]") and
 * the pieces shared with logical signatures: offsets and target types.
 * Offsets relative to parsed executables (EP+n, EP-n, Sx+n, SEx, SL+n) are
 * allowed for PE, ELF and Mach-O targets only, as in ClamAV; VI (at the
 * start of a PE's version information strings) for PE only.
 */
#include "db/bodysig.h"

#include <string.h>

#include "db/fields.h"
#include "db/hashdb.h"
#include "db/macrosig.h"
#include "sig/pattern.h"

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

/* The number after a prefix of s[0..n), up to n. */
static int number(const char *s, size_t n, size_t at, uint64_t *v)
{
	return at < n ? fields_u64(s + at, n - at, v) : -1;
}

/* EP+n, EP-n, Sx+n, SEx, SL+n in s[0..n): 0, 1 (not one), -1 (malformed). */
static int exe_offset(const char *s, size_t n, struct offspec *o)
{
	const char *plus;
	uint64_t v;

	if (n >= 3 && !memcmp(s, "EP", 2) && (s[2] == '+' || s[2] == '-')) {
		if (number(s, n, 3, &v) < 0 || v > INT64_MAX)
			return -1;
		o->kind = OFF_EP;
		o->n = s[2] == '-' ? (uint64_t)0 - v : v;
		return 0;
	}
	if (n >= 3 && !memcmp(s, "SL+", 3)) {
		o->kind = OFF_SL;
		return number(s, n, 3, &o->n);
	}
	if (n >= 2 && !memcmp(s, "SE", 2)) {
		o->kind = OFF_SE;
		if (number(s, n, 2, &v) < 0 || v > UINT16_MAX)
			return -1;
		o->sect = (uint16_t)v;
		return 0;
	}
	if (n < 2 || s[0] != 'S' || s[1] < '0' || s[1] > '9')
		return 1;
	plus = memchr(s, '+', n);
	if (!plus || fields_u64(s + 1, (size_t)(plus - s) - 1, &v) < 0 ||
	    v > UINT16_MAX)
		return -1;
	o->kind = OFF_SX;
	o->sect = (uint16_t)v;
	return number(s, n, (size_t)(plus - s) + 1, &o->n);
}

/* ClamAV's targets with a parsed executable: PE, ELF, Mach-O. */
static int exe_target(uint8_t t)
{
	return t == 1 || t == 6 || t == 9;
}

static int plain_offset(const char *s, size_t base, struct offspec *o)
{
	if (base > 4 && !memcmp(s, "EOF-", 4)) {
		o->kind = OFF_EOF;
		return fields_u64(s + 4, base - 4, &o->n);
	}
	o->kind = OFF_ABS;
	return fields_u64(s, base, &o->n);
}

int bodysig_offset(struct loadctx *lc, const char *s, size_t n,
		   uint8_t target, struct offspec *o)
{
	const char *comma = memchr(s, ',', n);
	size_t base = comma ? (size_t)(comma - s) : n;
	uint64_t shift = 0;
	int r;

	memset(o, 0, sizeof(*o));
	if (fields_eq(s, n, "*"))
		return 0;
	if (fields_eq(s, n, "VI")) {
		if (target != 1)
			return skip(load_warn(lc, VIGIL_EFORMAT, "offset VI is "
					      "only valid for target 1 (PE)"));
		o->kind = OFF_VI;
		return 0;
	}
	if (comma && (fields_u64(comma + 1, n - base - 1, &shift) < 0 ||
		      shift > UINT32_MAX))
		return skip(load_warn(lc, VIGIL_EFORMAT, "malformed maxshift "
				      "in offset '%.*s'", (int)n, s));
	o->shift = (uint32_t)shift;
	r = exe_offset(s, base, o);
	if (r == 0 && !exe_target(target))
		return skip(load_warn(lc, VIGIL_EFORMAT, "offset '%.*s' is "
				      "only valid for targets 1, 6 and 9 "
				      "(PE, ELF, Mach-O), not %u", (int)n, s,
				      target));
	if (r == 0 || (r == 1 && plain_offset(s, base, o) == 0))
		return 0;
	return skip(load_warn(lc, VIGIL_EFORMAT, "malformed offset '%.*s'",
			      (int)n, s));
}

int bodysig_target(struct loadctx *lc, const char *s, size_t n,
		   uint8_t *target)
{
	uint64_t t;

	if (fields_u64(s, n, &t) < 0 || t > SIG_MAX_TARGET || t == 8)
		return skip(load_warn(lc, VIGIL_EFORMAT, "invalid target type "
				      "'%.*s'", (int)n, s));
	if (t >= 13)
		return skip(load_warn(lc, VIGIL_EUNSUPPORTED, "target type %u "
				      "is not supported", (unsigned)t));
	*target = (uint8_t)t;
	return 0;
}

int bodysig_add(struct loadctx *lc, const char *hex, size_t n,
		const struct hexsig_mods *mods, const struct offspec *o,
		struct vdb_matchable *tmpl)
{
	struct sigset *ss = lc->ss;
	struct vdb_matchable *m;
	const char *why = NULL;
	size_t start = ss->code.len;
	int rc;

	if (start > UINT32_MAX - PAT_MAX_CODE_BYTES)
		return VIGIL_ELIMIT;
	rc = hexsig_compile(hex, n, mods, &ss->code, &why);
	if (rc == VIGIL_ENOMEM)
		return rc;
	if (rc < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "%s", why));
	if (!(m = varr_push(&ss->match)))
		return VIGIL_ENOMEM;
	*m = *tmpl;
	m->code_off = (uint32_t)start;
	m->code_len = (uint32_t)(ss->code.len - start);
	m->off_kind = o->kind;
	m->off_n = o->n;
	m->off_shift = o->shift;
	m->off_sect = o->sect;
	pat_lengths(ss->code.data + start, m->code_len, &m->minlen,
		    &m->maxlen);
	return 0;
}

int ndb_line(struct loadctx *lc, const char *s, size_t n)
{
	struct vdb_matchable tmpl = { 0 };
	struct offspec off;
	struct vdb_ndb *nd;
	struct fields f;
	int rc;

	if (fields_split(s, n, ':', &f, 6) < 0 || f.count < 4)
		return skip(load_warn(lc, VIGIL_EFORMAT, "expected "
				      "Name:Target:Offset:Hex[:MinFL[:MaxFL]]"));
	if (!f.n[0])
		return skip(load_warn(lc, VIGIL_EFORMAT, "empty signature "
				      "name"));
	if (!sig_flevel_ok(lc, f.count > 4 ? f.p[4] : NULL,
			   f.count > 4 ? f.n[4] : 0,
			   f.count > 5 ? f.p[5] : NULL,
			   f.count > 5 ? f.n[5] : 0, &rc))
		return rc < 0 ? rc : 1;
	if ((lc->flags & VIGIL_ENGINE_NO_PHISHING_SIGS) &&
	    ((f.n[0] >= 13 && !memcmp(f.p[0], "HTML.Phishing", 13)) ||
	     (f.n[0] >= 14 && !memcmp(f.p[0], "Email.Phishing", 14))))
		return 1; /* --phishing-sigs=no, as clamscan: silently */
	if (f.n[2] && f.p[2][0] == '$') /* a macro group member */
		return macrosig_member(lc, f.p[2], f.n[2], f.p[3], f.n[3]);
	if ((rc = bodysig_target(lc, f.p[1], f.n[1], &tmpl.target)) != 0 ||
	    (rc = bodysig_offset(lc, f.p[2], f.n[2], tmpl.target,
				 &off)) != 0)
		return rc;
	if (load_is_ignored(lc, f.p[0], f.n[0]))
		return 1;
	tmpl.kind = MATCH_NDB;
	tmpl.owner = (uint32_t)lc->ss->ndb.n;
	if ((rc = bodysig_add(lc, f.p[3], f.n[3], NULL, &off, &tmpl)) != 0)
		return rc;
	if (!(nd = varr_push(&lc->ss->ndb)))
		return VIGIL_ENOMEM;
	nd->matchable = (uint32_t)(lc->ss->match.n - 1);
	return sigset_string(lc->ss, f.p[0], f.n[0], &nd->name);
}
