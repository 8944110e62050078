/*
 * readfile.c -- a whole file into memory, for the test tools.
 */
#include "readfile.h"

#include <stdio.h>
#include <stdlib.h>

char *read_whole(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(max);

	*len = 0;
	if (f && buf)
		*len = fread(buf, 1, max, f);
	if (f)
		fclose(f);
	if (!f || !buf || *len == max) {
		free(buf);
		return NULL;
	}
	return buf;
}
