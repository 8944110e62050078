/*
 * yrcheck.c -- reads YARA rule files with Vigil's parser (src/lib/yara/)
 * and says, file by file, whether they compile and how many rules they
 * hold, or the first error: what tests/e2e/test_yara_parse.py compares
 * with yarac. Each file is read alone, as yarac reads one, with the
 * files it includes.
 *   yrcheck [-d NAME=VALUE]... FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "yara/yrparse.h"

#define MAX_EXTERNALS 64
#define MAX_FILE_BYTES (64u << 20)

/* An included file, named relative to the file that includes it (as
 * yarac reads them). */
static int include(void *ctx, const char *name, const char *from,
		   char **path, char **src, size_t *len)
{
	const char *slash = from ? strrchr(from, '/') : NULL;
	size_t dir = slash && name[0] != '/' ? (size_t)(slash - from) + 1 : 0;

	(void)ctx;
	if (!(*path = malloc(dir + strlen(name) + 1)))
		return -1;
	memcpy(*path, from, dir);
	strcpy(*path + dir, name);
	*src = read_whole(*path, MAX_FILE_BYTES, len);
	return *src ? 0 : -1;
}

static int check(const char *path, const struct yr_parse_opts *o)
{
	struct yr_ruleset rs;
	char err[1024];
	size_t len;
	char *src = read_whole(path, MAX_FILE_BYTES, &len);
	int rc;

	if (!src) {
		printf("%s: cannot read\n", path);
		return 1;
	}
	memset(&rs, 0, sizeof(rs));
	rc = yr_parse(&rs, src, len, o, err, sizeof(err));
	if (rc)
		printf("%s: error: %s\n", path, err);
	else
		printf("%s: OK %zu rules\n", path, rs.nrules);
	yr_ruleset_free(&rs);
	free(src);
	return rc != 0;
}

int main(int argc, char **argv)
{
	static char names[MAX_EXTERNALS][128];
	const char *ext[MAX_EXTERNALS];
	struct yr_parse_opts o = { .externals = ext, .include = include };
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-d") && i + 1 < argc &&
		    o.nexternals < MAX_EXTERNALS) {
			snprintf(names[o.nexternals], sizeof(names[0]), "%.*s",
				 (int)strcspn(argv[i + 1], "="), argv[i + 1]);
			ext[o.nexternals] = names[o.nexternals];
			o.nexternals++;
			i++;
			continue;
		}
		o.file = argv[i];
		bad |= check(argv[i], &o);
	}
	return bad;
}
