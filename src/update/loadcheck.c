/*
 * loadcheck.c -- see loadcheck.h. The engine is built without a matcher
 * cache (the quick matcher: fast to build, the same detections) and freed.
 */
#include <stdio.h>
#include <string.h>

#include "loadcheck.h"
#include "vigil/vigil.h"

/* The .vdb format's leading bytes (docs/formats.md). */
#define VDB_MAGIC "VIGILDB\x1a"

static int not_vdb(const void *data, size_t len, char *err, size_t errlen)
{
	if (len >= sizeof(VDB_MAGIC) - 1 &&
	    !memcmp(data, VDB_MAGIC, sizeof(VDB_MAGIC) - 1))
		return 0;
	snprintf(err, errlen, "not a compiled database (.vdb: vigil db "
		 "compile makes one)");
	return -1;
}

/* Loads with load(e), compiles, self-tests: 0, or -1 with err. */
static int check(const char *path, const void *data, size_t len, char *err,
		 size_t errlen)
{
	struct vigil_engine *e = NULL;
	char name[256];
	int rc;

	if ((rc = vigil_engine_new(&e, NULL)) == 0 &&
	    (rc = path ? vigil_engine_load(e, path) :
			 vigil_engine_load_memory(e, "main.vdb", data,
						  len)) == 0 &&
	    (rc = vigil_engine_compile(e)) == 0)
		rc = vigil_engine_self_test(e, name, sizeof(name));
	if (rc == VIGIL_EFALSEPOS)
		snprintf(err, errlen, "the database flags a harmless object "
			 "as %s", name);
	else if (rc < 0)
		snprintf(err, errlen, "the database does not load: %s",
			 vigil_strerror(rc));
	vigil_engine_free(e);
	return rc < 0 ? -1 : 0;
}

int upd_load_check(const void *data, size_t len, char *err, size_t errlen)
{
	if (not_vdb(data, len, err, errlen) < 0)
		return -1;
	return check(NULL, data, len, err, errlen);
}

int upd_load_check_file(const char *path, const void *data, size_t len,
			char *err, size_t errlen)
{
	if (not_vdb(data, len, err, errlen) < 0)
		return -1;
	return check(path, NULL, 0, err, errlen);
}
