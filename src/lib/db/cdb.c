/*
 * cdb.c -- container metadata signatures, as ClamAV's manual gives them:
 * the type and size of the container, a POSIX extended expression for the
 * entry's name (compiled here once, so that one libc refuses is refused
 * with its line), its stored and real sizes, whether it is encrypted, its
 * position (from 1) and, for zip and rar, its CRC. '*' is "any"; numbers
 * are a value or a range "x-y".
 */
#include "db/cdb.h"

#include <regex.h>
#include <string.h>

#include "db/fields.h"
#include "db/hashdb.h"
#include "sig/cltype.h"

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

/* '*', "x" or "x-y" into r. */
static int range(const char *s, size_t n, uint64_t r[2])
{
	const char *dash = memchr(s, '-', n);

	if (fields_eq(s, n, "*")) {
		r[0] = 0;
		r[1] = UINT64_MAX;
		return 0;
	}
	if (!dash)
		return fields_u64(s, n, &r[0]) < 0 ? -1 : (r[1] = r[0], 0);
	if (fields_u64(s, (size_t)(dash - s), &r[0]) < 0 ||
	    fields_u64(dash + 1, n - (size_t)(dash - s) - 1, &r[1]) < 0 ||
	    r[0] > r[1])
		return -1;
	return 0;
}

static int crc_field(const char *s, size_t n, struct vdb_cdb *c)
{
	uint8_t b[4];

	if (fields_eq(s, n, "*") || !n)
		return 0;
	if (n != 8 || fields_hex(s, n, b, 4) < 0)
		return -1;
	c->crc = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		 (uint32_t)b[2] << 8 | b[3];
	c->has_crc = 1;
	return 0;
}

/* The fields after the name; *bad names the first that is wrong. */
static int fields_of(const struct fields *f, struct vdb_cdb *c,
		     const char **bad)
{
	static const int at[4] = { 2, 4, 5, 7 };
	int k;

	*bad = "ContainerType";
	if (!fields_eq(f->p[1], f->n[1], "*") &&
	    (c->cltype = (uint8_t)cltype_parse(f->p[1], f->n[1])) == CLT_NONE)
		return -1;
	for (k = 0; k < 4; k++) {
		*bad = k == 0 ? "ContainerSize" : k == 1 ?
			"FileSizeInContainer" : k == 2 ? "FileSizeReal" :
			"FilePos";
		if (range(f->p[at[k]], f->n[at[k]], c->range[k]) < 0)
			return -1;
	}
	*bad = "IsEncrypted";
	if (fields_eq(f->p[6], f->n[6], "*"))
		c->encrypted = CDB_ANY;
	else if (fields_eq(f->p[6], f->n[6], "0") ||
		 fields_eq(f->p[6], f->n[6], "1"))
		c->encrypted = (uint8_t)(f->p[6][0] - '0');
	else
		return -1;
	*bad = "Res1";
	return crc_field(f->p[8], f->n[8], c);
}

/*
 * glibc's regcomp takes time exponential in stacked quantifiers (".*+++"
 * with eleven '+': 1.9 s) and memory in nested bounds ("((a{1,100}){1,100})"
 * four deep exhausted the machine): the fuzz campaign's find.
 */
const char *cdb_regex_shape(const char *s, size_t n)
{
	unsigned bounds = 0;
	int after_q = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\') {
			i++;
			after_q = 0;
			continue;
		}
		if (c == '*' || c == '+' || c == '?' || c == '{') {
			if (after_q)
				return "a quantifier after a quantifier";
			if (c == '{' && i && s[i - 1] == ')')
				return "a bound on a group";
			if (c == '{' && ++bounds > CDB_MAX_BOUNDS)
				return "too many bounds";
			if (c == '{') {
				const char *end = memchr(s + i, '}', n - i);
				size_t k;

				for (k = i + 1; end && k < (size_t)(end - s); k++)
					if (s[k] >= '0' && s[k] <= '9' &&
					    (k + 4 <= (size_t)(end - s) &&
					     s[k + 1] >= '0' && s[k + 1] <= '9' &&
					     s[k + 2] >= '0' && s[k + 2] <= '9' &&
					     s[k + 3] >= '0' && s[k + 3] <= '9'))
						return "a bound above 999";
				i = end ? (size_t)(end - s) : n;
			}
			after_q = 1;
			continue;
		}
		after_q = 0;
	}
	return NULL;
}

static int regex_ok(struct loadctx *lc, const char *s, size_t n)
{
	const char *bad = cdb_regex_shape(s, n);
	char re[CDB_MAX_REGEX_BYTES + 1];
	regex_t r;
	int rc;

	if (n > CDB_MAX_REGEX_BYTES)
		return skip(load_warn(lc, VIGIL_EFORMAT, "file name expression "
				      "longer than %u bytes",
				      CDB_MAX_REGEX_BYTES));
	if (bad)
		return skip(load_warn(lc, VIGIL_EFORMAT, "file name expression "
				      "'%.*s': %s", (int)n, s, bad));
	memcpy(re, s, n);
	re[n] = 0;
	if ((rc = regcomp(&r, re, REG_EXTENDED | REG_NOSUB)) == REG_ESPACE)
		return VIGIL_ENOMEM;
	if (rc != 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "file name expression "
				      "'%s' does not compile", re));
	regfree(&r);
	return 0;
}

int cdb_line(struct loadctx *lc, const char *s, size_t n)
{
	struct vdb_cdb c = { 0 }, *cp;
	const char *bad = NULL;
	struct fields f;
	int rc;

	if (fields_split(s, n, ':', &f, 12) < 0 || f.count < 10 || !f.n[0])
		return skip(load_warn(lc, VIGIL_EFORMAT, "expected VirusName:"
				      "ContainerType:ContainerSize:FileNameREGEX"
				      ":FileSizeInContainer:FileSizeReal:"
				      "IsEncrypted:FilePos:Res1:Res2"));
	if (fields_of(&f, &c, &bad) < 0)
		return skip(load_warn(lc, VIGIL_EFORMAT, "malformed %s", bad));
	if (!sig_flevel_ok(lc, f.count > 10 ? f.p[10] : NULL,
			   f.count > 10 ? f.n[10] : 0,
			   f.count > 11 ? f.p[11] : NULL,
			   f.count > 11 ? f.n[11] : 0, &rc))
		return skip(rc);
	if ((rc = regex_ok(lc, f.p[3], f.n[3])) != 0)
		return rc;
	if (load_is_ignored(lc, f.p[0], f.n[0]))
		return 1;
	if ((rc = sigset_string(lc->ss, f.p[0], f.n[0], &c.name)) < 0 ||
	    (rc = sigset_string(lc->ss, f.p[3], f.n[3], &c.regex)) < 0)
		return rc;
	if (!(cp = varr_push(&lc->ss->cdb)))
		return VIGIL_ENOMEM;
	*cp = c;
	return 0;
}
