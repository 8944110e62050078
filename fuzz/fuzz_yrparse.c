/*
 * fuzz_yrparse.c -- libFuzzer target for the YARA rule parser
 * (src/lib/yara/): any input either reads, with every rule holding a
 * condition and every string used (and every regex's wide form made or
 * refused, yrwide.c), or gives an error that names its place; nothing is
 * read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yara/yrparse.h"
#include "yara/yrwide.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ext[] = { "filename" };
	struct yr_parse_opts o = { .file = "f.yar", .externals = ext,
				  .nexternals = 1 };
	struct yr_ruleset rs;
	char err[512];
	size_t i, k;
	int rc;

	memset(&rs, 0, sizeof(rs));
	rc = yr_parse(&rs, (const char *)data, size, &o, err, sizeof(err));
	if (rc == 0) {
		for (i = 0; i < rs.nrules; i++) {
			if (!rs.rules[i].cond || !rs.rules[i].name)
				abort();
			for (k = 0; k < rs.rules[i].nstrings; k++) {
				const struct yr_string *st = &rs.rules[i].strings[k];
				struct vbuf w = { 0 };

				if (!st->used)
					abort();
				/* a regex's wide form: made, or refused */
				if (st->kind == YS_REGEX &&
				    yr_regex_widen(st->value, st->len, &w) == 0 &&
				    w.data[w.len - 1] != 0)
					abort();
				vbuf_free(&w);
			}
		}
	} else if (rc == -1 && strncmp(err, "f.yar:", 6)) {
		abort();
	}
	yr_ruleset_free(&rs);
	return 0;
}
