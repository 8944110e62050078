/*
 * filelist.c -- the paths of --file-list, one a line (CR LF or LF; blank
 * lines skipped), read for the walk and for the actions helper alike.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "filelist.h"

int file_list_each(const char *path, void (*fn)(void *ctx, const char *p),
		   void *ctx)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return -1;
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n)
			fn(ctx, line);
	}
	free(line);
	fclose(f);
	return 0;
}
