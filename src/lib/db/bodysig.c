/*
 * bodysig.c -- .ndb lines ("Name:Target:Offset:Hex[:MinFL[:MaxFL]]") and
 * the pieces shared with logical signatures: offsets and target types.
 * Offsets relative to parsed executables (EP, Sx, SEx, SL, VI) are reported
 * as unsupported, never ignored: ignoring one would widen the signature.
 */
#include "db/bodysig.h"

#include <string.h>

#include "db/fields.h"
#include "db/hashdb.h"
#include "match/pattern.h"

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

static int is_exe_offset(const char *s, size_t n)
{
	if (n >= 2 && !memcmp(s, "EP", 2))
		return 1;
	if (n >= 2 && !memcmp(s, "VI", 2))
		return 1;
	return n >= 2 && s[0] == 'S' &&
	       (s[1] == 'L' || s[1] == 'E' || (s[1] >= '0' && s[1] <= '9'));
}

int bodysig_offset(struct loadctx *lc, const char *s, size_t n,
		   struct offspec *o)
{
	const char *comma = memchr(s, ',', n);
	size_t base = comma ? (size_t)(comma - s) : n;
	uint64_t shift = 0;

	memset(o, 0, sizeof(*o));
	if (fields_eq(s, n, "*"))
		return 0;
	if (is_exe_offset(s, n))
		return skip(load_warn(lc, VIGIL_EUNSUPPORTED, "offset '%.*s' "
				      "needs a parsed executable "
				      "(not supported yet)", (int)n, s));
	if (comma && (fields_u64(comma + 1, n - base - 1, &shift) < 0 ||
		      shift > UINT32_MAX))
		return skip(load_warn(lc, VIGIL_EFORMAT, "malformed maxshift "
				      "in offset '%.*s'", (int)n, s));
	o->shift = (uint32_t)shift;
	if (base > 4 && !memcmp(s, "EOF-", 4)) {
		o->kind = OFF_EOF;
		if (fields_u64(s + 4, base - 4, &o->n) == 0)
			return 0;
	} else if (fields_u64(s, base, &o->n) == 0) {
		o->kind = OFF_ABS;
		return 0;
	}
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
	if ((rc = bodysig_target(lc, f.p[1], f.n[1], &tmpl.target)) != 0 ||
	    (rc = bodysig_offset(lc, f.p[2], f.n[2], &off)) != 0)
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
