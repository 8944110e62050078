/*
 * ftm.c -- file type magic, the .ftm lines of ClamAV's daily database.
 * Each rule says that bytes at an offset (magic type 0 and 4: plain hex
 * at a decimal offset; type 1: a body pattern with a body offset) mean a
 * CL_TYPE, for objects of a given type (rtype, usually CL_TYPE_ANY). A
 * rule becomes a body signature of target 0 whose internal name carries
 * the rule ("\1<magictype>:<rtype>:<type>"); when it matches, the scan
 * reads the object again as that type where ClamAV would change the
 * type (core/ftmscan.c says where), and never reports it.
 */
#include "db/ftm.h"

#include <stdio.h>
#include <string.h>

#include "db/bodysig.h"
#include "db/fields.h"
#include "db/hashdb.h"
#include "sig/cltype.h"

#define FTM_MAX_NAME_BYTES 32

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* The rule's fields: magic type, and the two types. */
static int ftm_types(struct loadctx *lc, const struct fields *f, int *mt,
		     int *rtype, int *type)
{
	if (f->n[0] != 1 || (f->p[0][0] != '0' && f->p[0][0] != '1' &&
			     f->p[0][0] != '4'))
		return skip(load_warn(lc, VIGIL_EFORMAT, "magic type must be "
				      "0, 1 or 4"));
	*mt = f->p[0][0] - '0';
	if (*mt != 1 && !all_digits(f->p[1], f->n[1]))
		return skip(load_warn(lc, VIGIL_EFORMAT, "magic type %d needs a "
				      "decimal offset", *mt));
	if (*mt != 1 && (!f->n[2] || f->n[2] % 2 ||
			 !fields_all_hex(f->p[2], f->n[2])))
		return skip(load_warn(lc, VIGIL_EFORMAT, "magic type %d needs "
				      "plain hex bytes", *mt));
	*rtype = cltype_parse(f->p[4], f->n[4]);
	*type = cltype_parse(f->p[5], f->n[5]);
	if (*rtype == CLT_NONE || *type == CLT_NONE)
		return skip(load_warn(lc, VIGIL_EFORMAT, "unknown file type "
				      "'%.*s'", (int)(*rtype ? f->n[5] : f->n[4]),
				      *rtype ? f->p[5] : f->p[4]));
	return 0;
}

int ftm_line(struct loadctx *lc, const char *s, size_t n)
{
	struct vdb_matchable tmpl = { 0 };
	char name[FTM_MAX_NAME_BYTES];
	int mt, rtype, type, rc;
	struct offspec off;
	struct vdb_ndb *nd;
	struct fields f;

	if (fields_split(s, n, ':', &f, 8) < 0 || f.count < 6)
		return skip(load_warn(lc, VIGIL_EFORMAT, "expected magictype:"
				      "offset:magicbytes:name:rtype:type"
				      "[:min_flevel[:max_flevel]]"));
	if (!sig_flevel_ok(lc, f.count > 6 ? f.p[6] : NULL,
			   f.count > 6 ? f.n[6] : 0,
			   f.count > 7 ? f.p[7] : NULL,
			   f.count > 7 ? f.n[7] : 0, &rc))
		return rc < 0 ? rc : 1;
	if ((rc = ftm_types(lc, &f, &mt, &rtype, &type)) != 0 ||
	    (rc = bodysig_offset(lc, f.p[1], f.n[1], 0, &off)) != 0)
		return rc;
	tmpl.kind = MATCH_NDB;
	tmpl.owner = (uint32_t)lc->ss->ndb.n;
	if ((rc = bodysig_add(lc, f.p[2], f.n[2], NULL, &off, &tmpl)) != 0)
		return rc;
	if (!(nd = varr_push(&lc->ss->ndb)))
		return VIGIL_ENOMEM;
	nd->matchable = (uint32_t)(lc->ss->match.n - 1);
	snprintf(name, sizeof(name), "%c%d:%d:%d", FTM_MARK, mt, rtype, type);
	return sigset_string(lc->ss, name, strlen(name), &nd->name);
}
