/*
 * freshness.c -- reads "fresh <time>" from the update state beside the
 * database directory (common/updstate.h), against the clock vigil-update
 * uses (common/clock.h, which honours the test clock).
 */
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/updstate.h"
#include "freshness.h"

int update_state(const char *dbdir, struct updstate *st)
{
	char path[4200];
	const char *slash;
	size_t n = strlen(dbdir);

	/* the parent by name: ".." would follow the link current is */
	while (n > 1 && dbdir[n - 1] == '/')
		n--;
	for (slash = dbdir + n; slash > dbdir && slash[-1] != '/'; slash--)
		;
	n = (size_t)(slash - dbdir);
	snprintf(path, sizeof(path), "%.*sstate/versions", (int)n, dbdir);
	return !n || updstate_load(path, st) != 0 ? -1 : 0;
}

long long update_metadata_age(const char *dbdir)
{
	struct updstate st;

	if (update_state(dbdir, &st) < 0)
		return -1;
	return (long long)(clock_now() - st.fresh);
}
