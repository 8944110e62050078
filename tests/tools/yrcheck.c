/*
 * yrcheck.c -- reads YARA rule files through libvigil's public interface
 * (vigil_yara_add_file: Vigil's parser, src/lib/yara/) and says, file by
 * file, whether they compile and how many rules they hold, or the first
 * error: what tests/e2e/test_yara_parse.py compares with yarac. Each file
 * is read alone, as yarac reads one, with the files it includes.
 *   yrcheck [-d NAME=VALUE]... FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

#define MAX_EXTERNALS 64

static void say(void *ctx, int level, const char *msg)
{
	(void)level;
	snprintf(ctx, 1024, "%s", msg);
}

static int check(const char *path, char *const *defs, int ndefs)
{
	char err[1024] = "";
	struct vigil_yara_options o = { sizeof(o), say, err, 0 };
	struct vigil_yara *y;
	int i, rc;

	if (vigil_yara_new(&y, &o) != 0)
		return 1;
	for (i = 0; i < ndefs; i++) {
		char name[128], *eq = strchr(defs[i], '=');

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(defs[i], "="),
			 defs[i]);
		vigil_yara_define(y, name, eq ? eq + 1 : "");
	}
	rc = vigil_yara_add_file(y, path, NULL);
	if (rc == VIGIL_EFORMAT)
		printf("%s: error: %s\n", path, err);
	else if (rc)
		printf("%s: cannot read\n", path);
	else
		printf("%s: OK %zu rules\n", path, vigil_yara_rule_count(y));
	vigil_yara_free(y);
	return rc != 0;
}

int main(int argc, char **argv)
{
	char *defs[MAX_EXTERNALS];
	int i, ndefs = 0, bad = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			if (ndefs < MAX_EXTERNALS)
				defs[ndefs++] = argv[i + 1];
			i++;
			continue;
		}
		bad |= check(argv[i], defs, ndefs);
	}
	return bad;
}
