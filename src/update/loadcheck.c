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

/* The library's last error, to say why a load failed. */
static void on_log(void *ctx, int level, const char *msg)
{
	if (level == VIGIL_LOG_ERROR)
		snprintf(ctx, 512, "%s", msg);
}

/* Loads path (or data), compiles, self-tests: 0, or -1 with err. */
static int check(const char *path, const void *data, size_t len,
		 struct vigil_engine_options *o, char *err, size_t errlen)
{
	struct vigil_engine *e = NULL;
	char name[256], said[512] = "";
	int rc;

	o->size = sizeof(*o);
	o->log = on_log;
	o->log_ctx = said;
	if ((rc = vigil_engine_new(&e, o)) == 0 &&
	    (rc = path ? vigil_engine_load(e, path) :
			 vigil_engine_load_memory(e, "main.vdb", data,
						  len)) == 0 &&
	    (rc = vigil_engine_compile(e)) == 0)
		rc = vigil_engine_self_test(e, name, sizeof(name));
	if (rc == VIGIL_EFALSEPOS)
		snprintf(err, errlen, "the database flags a harmless object "
			 "as %s", name);
	else if (rc < 0)
		snprintf(err, errlen, "the database does not load: %s%s%s",
			 vigil_strerror(rc), *said ? ": " : "", said);
	vigil_engine_free(e);
	return rc < 0 ? (rc == VIGIL_ECHECKSUM ? -2 : -1) : 0;
}

int upd_load_check(const void *data, size_t len, char *err, size_t errlen)
{
	if (not_vdb(data, len, err, errlen) < 0)
		return -1;
	struct vigil_engine_options o = { 0 };

	return check(NULL, data, len, &o, err, errlen) < 0 ? -1 : 0;
}

int upd_load_check_file(const char *path, const void *data, size_t len,
			char *err, size_t errlen)
{
	if (not_vdb(data, len, err, errlen) < 0)
		return -1;
	struct vigil_engine_options o = { 0 };

	return check(path, NULL, 0, &o, err, errlen) < 0 ? -1 : 0;
}

int upd_load_check_dir(const char *dir, const char *certs_dir,
		       const char *cvd_key, char *err, size_t errlen)
{
	struct vigil_engine_options o = { 0 };

	o.cvd_certs_dir = certs_dir;
	o.cvd_key = cvd_key;
	return check(dir, NULL, 0, &o, err, errlen);
}
