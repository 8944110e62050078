/*
 * yrscan.c -- the reference evaluator (src/lib/yara/yreval.c) over files:
 * prints "rule file" for each rule that matches, as yara prints them,
 * and "rule file: unsupported: why" or "...: limit: why" on standard
 * error where it cannot say; what tests/e2e/test_yara_eval.py compares
 * with yara.
 *   yrscan [-d NAME=VALUE]... RULES FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "yara/yreval.h"
#include "yara/yrparse.h"

#define MAX_EXTERNALS 64
#define MAX_FILE_BYTES (256u << 20)

static void external(struct yr_external *x, char *def)
{
	char *eq = strchr(def, '='), *end;

	x->name = def;
	x->kind = YN_TEXT;
	x->text = "";
	if (!eq)
		return;
	*eq = 0;
	x->text = eq + 1;
	x->i = strtoll(eq + 1, &end, 0);
	if (*x->text && !*end)
		x->kind = YN_INT;
	else if (!strcmp(x->text, "true") || !strcmp(x->text, "false")) {
		x->kind = YN_BOOL;
		x->i = !strcmp(x->text, "true");
	}
}

static int scan(const struct yr_ruleset *rs, const char *path,
		const struct yr_external *ext, size_t next)
{
	uint8_t *res = calloc(rs->nrules + 1, 1);
	const char **why = calloc(rs->nrules + 1, sizeof(*why));
	size_t len, r;
	char *buf = read_whole(path, MAX_FILE_BYTES, &len);
	int rc = 1;

	if (buf && res && why &&
	    yr_eval(rs, (const uint8_t *)buf, len, ext, next, res, why) == 0) {
		rc = 0;
		for (r = 0; r < rs->nrules; r++) {
			if (rs->rules[r].flags & YR_RULE_PRIVATE)
				continue;
			if (res[r] == YR_RULE_TRUE)
				printf("%s %s\n", rs->rules[r].name, path);
			else if (res[r] != YR_RULE_FALSE)
				fprintf(stderr, "%s %s: %s: %s\n",
					rs->rules[r].name, path,
					res[r] == YR_RULE_LIMIT ? "limit" :
								  "unsupported",
					why[r] ? why[r] : "?");
		}
	}
	free(buf);
	free(res);
	free(why);
	return rc;
}

int main(int argc, char **argv)
{
	static struct yr_external ext[MAX_EXTERNALS];
	static const char *names[MAX_EXTERNALS];
	struct yr_parse_opts o = { .externals = names };
	struct yr_ruleset rs;
	char err[1024];
	size_t len;
	char *src;
	int i, bad = 0;

	for (i = 1; i + 1 < argc && !strcmp(argv[i], "-d"); i += 2)
		if (o.nexternals < MAX_EXTERNALS) {
			external(&ext[o.nexternals], argv[i + 1]);
			names[o.nexternals] = ext[o.nexternals].name;
			o.nexternals++;
		}
	if (i >= argc || !(src = read_whole(argv[i], MAX_FILE_BYTES, &len))) {
		fprintf(stderr, "usage: yrscan [-d NAME=VALUE]... RULES FILE...\n");
		return 2;
	}
	o.file = argv[i];
	memset(&rs, 0, sizeof(rs));
	if (yr_parse(&rs, src, len, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	for (i++; i < argc; i++)
		bad |= scan(&rs, argv[i], ext, o.nexternals);
	yr_ruleset_free(&rs);
	free(src);
	return bad;
}
