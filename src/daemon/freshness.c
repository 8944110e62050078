/*
 * freshness.c -- reads "fresh <time>" from the update state beside the
 * database directory. The test clock VIGIL_TEST_NOW is honoured, as by
 * vigil update itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "freshness.h"

long long update_metadata_age(const char *dbdir)
{
	char path[4200], key[32], rest[96];
	const char *t = getenv("VIGIL_TEST_NOW");
	long long now = t && *t ? atoll(t) : (long long)time(NULL);
	long long v, fresh = -1;
	FILE *f;

	const char *slash;
	size_t n = strlen(dbdir);

	/* the parent by name: ".." would follow the link current is */
	while (n > 1 && dbdir[n - 1] == '/')
		n--;
	for (slash = dbdir + n; slash > dbdir && slash[-1] != '/'; slash--)
		;
	n = (size_t)(slash - dbdir);
	snprintf(path, sizeof(path), "%.*sstate/versions", (int)n, dbdir);
	if (!n || !(f = fopen(path, "re")))
		return -1;
	while (fscanf(f, "%31s %lld %95s\n", key, &v, rest) == 3)
		if (!strcmp(key, "fresh"))
			fresh = v;
	fclose(f);
	return fresh < 0 ? -1 : now - fresh;
}
