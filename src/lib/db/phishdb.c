/*
 * phishdb.c -- .pdb and .wdb lines, as ClamAV reads them: the letter, an
 * optional functionality level at the end ("min-max", either side may be
 * empty), and the pattern after the first ':' with a '/' appended. A
 * regex ending in "([/?].*)?/" or "([/?].*)/" loses that tail (only the
 * host is compared). Regexes must compile (POSIX extended, "(?i)" for
 * case-blind) and have a shape glibc handles in little time. URL hash
 * lines ("S:F:", "S1:F:", "S2:F:" listed, "S:W:" allowed: a SHA-256 in
 * hex) are kept with their list; host key prefixes ("S:P:") are read and
 * not used, as in ClamAV.
 */
#define _GNU_SOURCE
#include "db/phishdb.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "db/cdb.h"
#include "db/fields.h"
#include "db/hashdb.h"

static int skip(int rc)
{
	return rc < 0 ? rc : 1;
}

const char *phishdb_regex(const char *pattern, int *icase)
{
	*icase = !strncmp(pattern, "(?i)", 4);
	return *icase ? pattern + 4 : pattern;
}

/* ":min-max" at the end: n shortened; 1 to load the line, 0 not, -1 if
 * the strict mode refuses. */
static int flevel(struct loadctx *lc, const char *s, size_t *n)
{
	const char *colon = memrchr(s, ':', *n), *dash, *end = s + *n;
	int rc;

	if (!colon || !(dash = memchr(colon, '-', (size_t)(end - colon))))
		return 1;
	for (const char *p = colon + 1; p < end; p++)
		if (p != dash && !isdigit((unsigned char)*p))
			return 1; /* not a level: part of the pattern */
	if (!sig_flevel_ok(lc, colon + 1, (size_t)(dash - colon - 1),
			   dash + 1, (size_t)(end - dash - 1), &rc))
		return rc < 0 ? -1 : 0;
	*n = (size_t)(colon - s);
	return 1;
}

/* The regex tail that only matches a path: dropped, the '/' kept. */
static void drop_path_tail(char *p, size_t *n)
{
	static const char *const tails[] = { "([/?].*)?/", "([/?].*)/" };
	size_t i, t;

	for (i = 0; i < 2; i++) {
		t = strlen(tails[i]);
		if (*n > t && !strcmp(p + *n - t, tails[i])) {
			*n -= t;
			p[(*n)++] = '/';
			p[*n] = 0;
		}
	}
}

static int regex_ok(struct loadctx *lc, const char *pattern, int *icase)
{
	const char *re = phishdb_regex(pattern, icase);
	const char *why = cdb_regex_shape(re, strlen(re));
	regex_t r;
	int rc;

	if (why)
		return skip(load_warn(lc, VIGIL_EFORMAT, "regex refused: %s",
				      why));
	rc = regcomp(&r, re, REG_EXTENDED | REG_NOSUB |
				     (*icase ? REG_ICASE : 0));
	if (rc == REG_ESPACE)
		return VIGIL_ENOMEM;
	if (rc)
		return skip(load_warn(lc, VIGIL_EFORMAT, "bad regex"));
	regfree(&r);
	return 0;
}

/* "S[12]:F:hash", "S:W:hash", "S:P:prefix". */
static int hash_line(struct loadctx *lc, const char *s, size_t n, int allow)
{
	char list = s[1] == ':' ? '0' : s[1];
	const char *p = s + (s[1] == ':' ? 2 : 3);
	size_t left = (size_t)(s + n - p);
	struct vdb_phish *f;

	if ((list != '0' && list != '1' && list != '2') || p > s + n ||
	    left < 2 || p[1] != ':' || !strchr(allow ? "W" : "FPW", p[0]) ||
	    (p[0] != 'F' && p[0] != 'P' && p[0] != 'W') ||
	    (p[0] == 'W' && list != '0'))
		return skip(load_warn(lc, VIGIL_EFORMAT, "expected %s",
				      allow ? "S:W:<sha256>" :
					      "S[12]:F:<sha256>, S:W:<sha256> "
					      "or S:P:<prefix>"));
	if (p[0] == 'P')
		return 0; /* host key prefixes: unused, as in ClamAV */
	if (left - 2 != 64 || !fields_all_hex(p + 2, 64))
		return skip(load_warn(lc, VIGIL_EFORMAT, "a SHA-256 is 64 hex "
				      "digits"));
	if (!(f = varr_push(&lc->ss->phish)))
		return VIGIL_ENOMEM;
	f->kind = 'S';
	f->icase = 0;
	f->reserved[0] = (uint8_t)(p[0] == 'W' ? 'W' : list);
	f->reserved[1] = 0;
	return sigset_string(lc->ss, p + 2, 64, &f->pattern);
}

int phishdb_line(struct loadctx *lc, const char *s, size_t n, int allow)
{
	char pat[PHISH_MAX_PATTERN_BYTES + 2];
	const char *colon = memchr(s, ':', n);
	struct vdb_phish *f;
	char kind = s[0];
	int icase = 0, rc;
	size_t pn;

	if ((rc = flevel(lc, s, &n)) <= 0)
		return rc < 0 ? VIGIL_EFORMAT : 1;
	if (kind == 'S' && n >= 2)
		return hash_line(lc, s, n, allow);
	if (!colon || colon >= s + n ||
	    !strchr(allow ? "XMY" : "RH", kind))
		return skip(load_warn(lc, VIGIL_EFORMAT, "expected %s",
				      allow ? "X:, M: or Y: and a pattern" :
					      "R: or H: and a pattern"));
	if ((pn = (size_t)(s + n - colon - 1)) > PHISH_MAX_PATTERN_BYTES || !pn)
		return skip(load_warn(lc, VIGIL_EFORMAT, "pattern empty or "
				      "longer than %u bytes",
				      PHISH_MAX_PATTERN_BYTES));
	memcpy(pat, colon + 1, pn);
	pat[pn++] = '/';
	pat[pn] = 0;
	if (kind == 'R' || kind == 'X' || kind == 'Y') {
		drop_path_tail(pat, &pn);
		if ((rc = regex_ok(lc, pat, &icase)) != 0)
			return rc;
	}
	if (!(f = varr_push(&lc->ss->phish)))
		return VIGIL_ENOMEM;
	f->kind = (uint8_t)kind;
	f->icase = (uint8_t)icase;
	f->reserved[0] = f->reserved[1] = 0;
	return sigset_string(lc->ss, pat, pn, &f->pattern);
}
