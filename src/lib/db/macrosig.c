/*
 * macrosig.c -- macro subsignatures, as ClamAV's manual gives them: a
 * logical signature's "${min-max}N$" holds when a member of macro group N
 * (an .ndb line whose offset is "$N") matches starting min..max bytes
 * after the start of a match of the subsignature before it. ClamAV allows
 * 32 groups; a member is never a detection of its own.
 */
#include "db/macrosig.h"

#include <string.h>

#include "db/fields.h"
#include "db/hexsig.h"
#include "sig/pattern.h"

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

int macrosig_is(const char *s, size_t n)
{
	return n >= 2 && s[0] == '$' && s[1] == '{';
}

static int group(const char *s, size_t n, uint8_t *g)
{
	uint64_t v;

	if (fields_u64(s, n, &v) < 0 || v >= MACRO_GROUPS)
		return -1;
	*g = (uint8_t)v;
	return 0;
}

int macrosig_member(struct loadctx *lc, const char *off, size_t on,
		    const char *hex, size_t hn)
{
	struct sigset *ss = lc->ss;
	struct vdb_macro_pat p = { 0 }, *pp;
	size_t start = ss->code.len;
	const char *why = NULL;
	int rc;

	if (on < 2 || group(off + 1, on - 1, &p.group) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "macro group '%.*s' "
				      "is not $0..$%d", (int)on, off,
				      MACRO_GROUPS - 1));
	if (start > UINT32_MAX - PAT_MAX_CODE_BYTES)
		return VIGIL_ELIMIT;
	rc = hexsig_compile(hex, hn, NULL, &ss->code, &why);
	if (rc == VIGIL_ENOMEM)
		return rc;
	if (rc < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "%s", why));
	p.code_off = (uint32_t)start;
	p.code_len = (uint32_t)(ss->code.len - start);
	if (!(pp = varr_push(&ss->macropat)))
		return VIGIL_ENOMEM;
	*pp = p;
	return 0;
}

/* "${min-max}N$" into m. */
static int parse(const char *s, size_t n, struct vdb_macro *m)
{
	const char *close = memchr(s, '}', n), *dash;
	uint64_t lo, hi;

	if (!close || s[n - 1] != '$' || close + 1 >= s + n - 1)
		return -1;
	dash = memchr(s + 2, '-', (size_t)(close - s) - 2);
	if (!dash || fields_u64(s + 2, (size_t)(dash - s) - 2, &lo) < 0 ||
	    fields_u64(dash + 1, (size_t)(close - dash) - 1, &hi) < 0 ||
	    lo > hi || hi > UINT32_MAX)
		return -1;
	m->min = (uint32_t)lo;
	m->max = (uint32_t)hi;
	return group(close + 1, (size_t)(s + n - 1 - close - 1), &m->group);
}

int macrosig_add(struct loadctx *lc, const char *s, size_t n, unsigned sub,
		 uint32_t owner, struct vdb_ldb *l)
{
	struct vdb_macro m = { 0 }, *mp;

	if (!sub || parse(s, n, &m) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "malformed macro "
				      "subsignature '%.*s'%s", (int)n, s,
				      sub ? "" : " (it cannot be the first)"));
	m.owner = owner;
	m.sub = (uint16_t)sub;
	if (!(mp = varr_push(&lc->ss->macro)))
		return VIGIL_ENOMEM;
	*mp = m;
	if (!l->nmacro++)
		l->macro_first = (uint32_t)(lc->ss->macro.n - 1);
	return 0;
}

int macrosig_check(struct loadctx *lc, const struct vdb_ldb *l)
{
	const struct vdb_macro *m = lc->ss->macro.data;
	const struct vdb_matchable *mt = lc->ss->match.data;
	size_t i, j;

	for (i = l->macro_first; l->nmacro && i < lc->ss->macro.n; i++) {
		int plain = 0;

		for (j = l->first; j < lc->ss->match.n && !plain; j++)
			plain = mt[j].sub == m[i].sub - 1;
		if (!plain)
			return skip(load_warn(lc, VIGIL_EFORMAT, "macro "
					      "subsignature %u does not follow "
					      "a plain one", m[i].sub));
	}
	return 0;
}
