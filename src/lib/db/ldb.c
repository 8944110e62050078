/*
 * ldb.c -- logical signatures: "Name;TargetBlock;Expression;Sub0;Sub1...".
 * A signature is added whole or not at all: if any part of it cannot be
 * honoured (an unknown target-block key, a malformed subsignature),
 * everything it added is rolled back and a warning names it.
 */
#include <stdlib.h>
#include <string.h>

#include "db/bodysig.h"
#include "db/fields.h"
#include "db/hashdb.h"
#include "db/macrosig.h"
#include "db/bcompsig.h"
#include "db/fuzzysig.h"
#include "db/pcresig.h"
#include "sig/cltype.h"
#include "sig/lexpr.h"

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

static int parse_range(const char *s, size_t n, uint64_t *lo, uint64_t *hi)
{
	const char *dash = memchr(s, '-', n);

	if (!dash)
		return fields_u64(s, n, lo) < 0 ? -1 :
						   (*hi = *lo, 0);
	if (fields_u64(s, (size_t)(dash - s), lo) < 0 ||
	    fields_u64(dash + 1, n - (size_t)(dash - s) - 1, hi) < 0 ||
	    *lo > *hi)
		return -1;
	return 0;
}

static int file_type(struct loadctx *lc, const char *s, size_t n,
		     uint8_t *out)
{
	int t = cltype_parse(s, n);

	if (t == CLT_NONE)
		return skip(load_warn(lc, VIGIL_EFORMAT, "unknown file type "
				      "'%.*s'", (int)n, s));
	*out = (uint8_t)t;
	return 0;
}

/* Intermediates:CL_TYPE_A>CL_TYPE_B..., outermost first. */
static int intermediates(struct loadctx *lc, const char *s, size_t n,
			 struct vdb_ldb *l)
{
	struct fields f;
	size_t i;
	int rc;

	if (fields_split(s, n, '>', &f, LDB_MAX_INTERMEDIATES) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "more than %d "
				      "Intermediates", LDB_MAX_INTERMEDIATES));
	for (i = 0; i < f.count; i++)
		if ((rc = file_type(lc, f.p[i], f.n[i], &l->inter[i])) != 0)
			return rc;
	l->ninter = (uint8_t)f.count;
	return 0;
}

/* NumberOfSections and EntryPoint ranges. */
static int exe_range(struct loadctx *lc, const char *k, size_t kn,
		     const char *v, size_t vn, struct vdb_ldb *l)
{
	uint64_t lo, hi;

	if (parse_range(v, vn, &lo, &hi) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "malformed %.*s "
				      "range", (int)kn, k));
	if (fields_eq(k, kn, "EntryPoint")) {
		l->ep_min = lo;
		l->ep_max = hi;
		l->flags |= LDB_F_EP;
		return 0;
	}
	l->nsect_min = lo > UINT16_MAX ? UINT16_MAX : (uint16_t)lo;
	l->nsect_max = hi > UINT16_MAX ? UINT16_MAX : (uint16_t)hi;
	l->flags |= LDB_F_NSECT;
	return 0;
}

/* IconGroup1 and IconGroup2 as written (NULL: absent). */
struct icon_req {
	const char *p[2];
	size_t n[2];
};

static int tdb_item(struct loadctx *lc, const char *k, size_t kn,
		    const char *v, size_t vn, struct vdb_ldb *l,
		    struct icon_req *ic)
{
	uint64_t lo, hi;
	int rc;

	if (fields_eq(k, kn, "Container"))
		return file_type(lc, v, vn, &l->container);
	if (fields_eq(k, kn, "HandlerType"))
		return file_type(lc, v, vn, &l->handler);
	if (fields_eq(k, kn, "Intermediates"))
		return intermediates(lc, v, vn, l);
	if (fields_eq(k, kn, "NumberOfSections") ||
	    fields_eq(k, kn, "EntryPoint"))
		return exe_range(lc, k, kn, v, vn, l);
	if (fields_eq(k, kn, "Target"))
		return bodysig_target(lc, v, vn, &l->target);
	if (fields_eq(k, kn, "IconGroup1") || fields_eq(k, kn, "IconGroup2")) {
		if (!vn)
			return skip(load_warn(lc, VIGIL_EFORMAT, "empty icon "
					      "group"));
		l->flags |= LDB_F_ICON;
		ic->p[k[9] == '2'] = v;
		ic->n[k[9] == '2'] = vn;
		return 0;
	}
	if (fields_eq(k, kn, "FileSize")) {
		if (parse_range(v, vn, &l->fsize_min, &l->fsize_max) < 0)
			return skip(load_warn(lc, VIGIL_EFORMAT, "malformed "
					      "FileSize range"));
		return 0;
	}
	if (fields_eq(k, kn, "Engine")) {
		if (parse_range(v, vn, &lo, &hi) < 0)
			return skip(load_warn(lc, VIGIL_EFORMAT, "malformed "
					      "Engine range"));
		if (lo > SIG_FLEVEL)
			return skip(load_warn(lc, VIGIL_EUNSUPPORTED, "needs "
					      "functionality level %llu, "
					      "above %d",
					      (unsigned long long)lo,
					      SIG_FLEVEL));
		return hi < SIG_FLEVEL ? 1 : 0; /* retired */
	}
	rc = load_warn(lc, VIGIL_EUNSUPPORTED, "target block key '%.*s' is "
		       "not supported", (int)kn, k);
	return skip(rc);
}

static int parse_tdb(struct loadctx *lc, const char *s, size_t n,
		     struct vdb_ldb *l, struct icon_req *ic)
{
	struct fields f;
	size_t i;
	int rc, has_target = 0;

	l->fsize_max = UINT64_MAX;
	if (fields_split(s, n, ',', &f, 32) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "target block too "
				      "long"));
	for (i = 0; i < f.count; i++) {
		const char *colon = memchr(f.p[i], ':', f.n[i]);
		size_t kn = colon ? (size_t)(colon - f.p[i]) : f.n[i];

		if (!colon)
			return skip(load_warn(lc, VIGIL_EFORMAT, "target block "
					      "item '%.*s' lacks ':'",
					      (int)f.n[i], f.p[i]));
		has_target |= fields_eq(f.p[i], kn, "Target");
		rc = tdb_item(lc, f.p[i], kn, colon + 1, f.n[i] - kn - 1, l,
			      ic);
		if (rc)
			return rc;
	}
	if (!has_target)
		return skip(load_warn(lc, VIGIL_EFORMAT, "target block lacks "
				      "Target"));
	if ((l->flags & LDB_F_ICON) && l->target != 1)
		return skip(load_warn(lc, VIGIL_EFORMAT, "IconGroup needs "
				      "Target:1 (PE), as in ClamAV"));
	return 0;
}

static int parse_mods(struct loadctx *lc, const char *s, size_t n,
		      struct hexsig_mods *m, int *ascii)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case 'i':
			m->nocase = 1;
			break;
		case 'w':
			m->wide = 1;
			break;
		case 'f':
			m->fullword = 1;
			break;
		case 'a':
			*ascii = 1;
			break;
		default:
			return skip(load_warn(lc, VIGIL_EFORMAT, "unknown "
					      "subsignature modifier '%c'",
					      s[i]));
		}
	}
	return 0;
}

/* Where "::" first occurs in s[0..n), if it occurs again later; else n. */
static size_t inner_modifier(const char *s, size_t n)
{
	size_t i, first = n;

	for (i = 0; i + 1 < n; i++) {
		if (s[i] != ':' || s[i + 1] != ':')
			continue;
		if (first < n)
			return first;
		first = i++;
	}
	return n;
}

/*
 * clamscan's reading of a pattern with a modifier inside it
 * ("hex::i*hex::i", one main.ldb line): the pattern ends at the first
 * "::", one byte of anything follows, and no modifier applies (measured:
 * docs/signatures.md). s[0..n) is the part before that "::".
 */
static int inner_modifier_subsig(struct loadctx *lc, const char *s, size_t n,
				 struct vdb_matchable *tmpl)
{
	const struct hexsig_mods none = { 0 };
	const char *colon = memchr(s, ':', n);
	struct offspec off = { 0 };
	char *hex;
	int rc;

	if (colon) {
		if ((rc = bodysig_offset(lc, s, (size_t)(colon - s),
					 tmpl->target, &off)) != 0)
			return rc;
		n -= (size_t)(colon - s) + 1;
		s = colon + 1;
	}
	if (!(hex = malloc(n + 2)))
		return VIGIL_ENOMEM;
	memcpy(hex, s, n);
	memcpy(hex + n, "??", 2);
	rc = bodysig_add(lc, hex, n + 2, &none, &off, tmpl);
	free(hex);
	return rc;
}

static int subsig(struct loadctx *lc, const char *s, size_t n,
		  struct vdb_matchable *tmpl)
{
	struct hexsig_mods mods = { 0 };
	struct offspec off = { 0 };
	const char *hex = s, *colon;
	size_t hn = n, i;
	int ascii = 0, rc;

	if ((i = inner_modifier(s, n)) < n)
		return inner_modifier_subsig(lc, s, i, tmpl);
	for (i = n; i >= 2; i--) {
		if (s[i - 1] == ':' && s[i - 2] == ':') {
			if ((rc = parse_mods(lc, s + i, n - i, &mods,
					     &ascii)) != 0)
				return rc;
			hn = i - 2;
			break;
		}
	}
	if ((colon = memchr(hex, ':', hn))) {
		size_t on = (size_t)(colon - hex);

		if ((rc = bodysig_offset(lc, hex, on, tmpl->target, &off)) != 0)
			return rc;
		hex = colon + 1;
		hn -= on + 1;
	}
	if ((rc = bodysig_add(lc, hex, hn, &mods, &off, tmpl)) != 0 ||
	    !(mods.wide && ascii))
		return rc;
	mods.wide = 0; /* "wa": the ascii form too */
	return bodysig_add(lc, hex, hn, &mods, &off, tmpl);
}

/* Expression and subsignatures; fills l's matchable range. */
static int ldb_body(struct loadctx *lc, const struct fields *f,
		    struct vdb_ldb *l)
{
	struct sigset *ss = lc->ss;
	struct vdb_matchable tmpl = { 0 };
	struct lexpr_info info;
	const char *why = NULL;
	size_t i, nsub = f->count - 3;
	int rc;

	l->expr_off = (uint32_t)ss->code.len;
	rc = lexpr_compile(f->p[2], f->n[2], &ss->code, &info, &why);
	if (rc == VIGIL_ENOMEM)
		return rc;
	if (rc < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "logical expression: "
				      "%s", why));
	l->expr_len = (uint32_t)(ss->code.len - l->expr_off);
	if (info.max_id + 1 != nsub) /* ClamAV requires the two to agree */
		return skip(load_warn(lc, VIGIL_EFORMAT, "expression uses %u "
				      "subsignatures, the line has %zu",
				      info.max_id + 1, nsub));
	l->first = (uint32_t)ss->match.n;
	l->nsub = (uint16_t)nsub;
	tmpl.kind = MATCH_LDB;
	tmpl.target = l->target;
	tmpl.owner = (uint32_t)ss->ldb.n;
	tmpl.flags = info.has_counts ? MATCH_F_COUNT : 0;
	for (i = 0; i < nsub; i++) {
		const char *s = f->p[3 + i];
		size_t n = f->n[3 + i];

		tmpl.sub = (uint16_t)i;
		if (fuzzysig_is(s, n))
			rc = fuzzysig_add(lc, s, n, (unsigned)i, tmpl.owner);
		else if (macrosig_is(s, n))
			rc = macrosig_add(lc, s, n, (unsigned)i, tmpl.owner, l);
		else if (bcompsig_is(s, n)) /* before PCRE: "0(>>4#ib2#=0)" */
			rc = bcompsig_add(lc, s, n, (unsigned)i, tmpl.owner, l);
		else if (pcresig_is(s, n))
			rc = pcresig_add(lc, s, n, (unsigned)i, tmpl.owner, l);
		else
			rc = subsig(lc, s, n, &tmpl);
		if (rc)
			return rc;
	}
	l->nmatch = (uint16_t)(ss->match.n - l->first);
	if ((rc = bcompsig_check(lc, l)) != 0)
		return rc;
	return macrosig_check(lc, l);
}

/* The groups of the .ldb just added ("*" or absent: any). */
static int icon_groups(struct sigset *ss, const struct icon_req *ic)
{
	struct vdb_ldb_icon r = { (uint32_t)(ss->ldb.n - 1), { 0, 0 }, 0 };
	struct vdb_ldb_icon *slot;
	unsigned k;
	int rc;

	for (k = 0; k < 2; k++)
		if (ic->p[k] && !(ic->n[k] == 1 && ic->p[k][0] == '*') &&
		    (rc = sigset_string(ss, ic->p[k], ic->n[k], &r.group[k])))
			return rc;
	if (!(slot = varr_push(&ss->ldbicon)))
		return VIGIL_ENOMEM;
	*slot = r;
	return 0;
}

int ldb_line(struct loadctx *lc, const char *s, size_t n)
{
	struct sigset *ss = lc->ss;
	size_t match0 = ss->match.n, code0 = ss->code.len, pcre0 = ss->pcre.n;
	size_t bcomp0 = ss->bcomp.n, macro0 = ss->macro.n;
	size_t fuzzy0 = ss->fuzzy.n;
	uint32_t zeros[LEXPR_MAX_SUBSIGS] = { 0 };
	struct vdb_ldb l = { 0 }, *lp;
	struct icon_req ic = { { NULL, NULL }, { 0, 0 } };
	struct fields f;
	int rc;

	if (fields_split(s, n, ';', &f, 3 + SIG_MAX_SUBSIGS) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "more than %d "
				      "subsignatures", SIG_MAX_SUBSIGS));
	if (f.count < 4 || !f.n[0])
		return skip(load_warn(lc, VIGIL_EFORMAT, "expected "
				      "Name;TargetBlock;Expression;Sub0..."));
	if ((rc = parse_tdb(lc, f.p[1], f.n[1], &l, &ic)) != 0)
		return rc;
	if (load_is_ignored(lc, f.p[0], f.n[0]))
		return 1;
	if ((rc = ldb_body(lc, &f, &l)) != 0) {
		ss->match.n = match0;
		ss->code.len = code0;
		ss->pcre.n = pcre0;
		ss->bcomp.n = bcomp0;
		ss->macro.n = macro0;
		ss->fuzzy.n = fuzzy0;
		return rc;
	}
	if (lexpr_eval(ss->code.data + l.expr_off, l.expr_len, zeros))
		l.flags |= LDB_F_ZERO_TRUE;
	if (!(lp = varr_push(&ss->ldb)))
		return VIGIL_ENOMEM;
	*lp = l;
	if ((rc = sigset_string(ss, f.p[0], f.n[0], &lp->name)))
		return rc;
	return (l.flags & LDB_F_ICON) ? icon_groups(ss, &ic) : 0;
}
