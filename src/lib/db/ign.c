/*
 * ign.c -- ignore-list entries. Name-only entries also act at scan time on
 * every database; entries with an MD5 act while loading, on the lines
 * whose text has that digest.
 */
#include "db/ign.h"

#include <string.h>

#include "db/fields.h"

int ign_line(struct loadctx *lc, const char *s, size_t n, int old_format)
{
	struct sig_ignore *ig;
	struct fields f;
	const char *name;
	size_t nn;
	int has_md5 = 0;
	uint8_t md5[16];

	if (fields_split(s, n, ':', &f, 3) < 0)
		return load_warn(lc, VIGIL_EFORMAT, "malformed ignore entry");
	if (old_format) {
		if (f.count != 3)
			return load_warn(lc, VIGIL_EFORMAT, "expected "
					 "db:line:Name");
		name = f.p[2];
		nn = f.n[2];
	} else {
		if (f.count > 2)
			return load_warn(lc, VIGIL_EFORMAT, "expected Name or "
					 "Name:MD5");
		if (f.count == 2) {
			if (fields_hex(f.p[1], f.n[1], md5, 16) < 0)
				return load_warn(lc, VIGIL_EFORMAT, "malformed "
						 "MD5 in ignore entry");
			has_md5 = 1;
		}
		name = f.p[0];
		nn = f.n[0];
	}
	if (!nn)
		return load_warn(lc, VIGIL_EFORMAT, "empty signature name");
	if (!(ig = varr_push(&lc->ss->ignore)))
		return VIGIL_ENOMEM;
	ig->has_md5 = has_md5;
	if (has_md5)
		memcpy(ig->md5, md5, 16);
	sigset_bloom_add(lc->ss, name, nn);
	return sigset_string(lc->ss, name, nn, &ig->name);
}
