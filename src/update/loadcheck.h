/*
 * loadcheck.h -- a signature database is loaded, compiled and self-tested
 * (vigil_engine_self_test) before vigil-repo signs it and before
 * vigil-update switches current to it: a file that cannot serve is never
 * published nor installed.
 */
#ifndef VIGIL_UPDATE_LOADCHECK_H
#define VIGIL_UPDATE_LOADCHECK_H

#include <stddef.h>

/* A .vdb in memory: 0, or -1 with a one-line reason in err. */
int upd_load_check(const void *data, size_t len, char *err, size_t errlen);
/* The same of a .vdb written to path (mapped, not copied: a database of
 * the full feed's size is not held twice). */
int upd_load_check_file(const char *path, const void *data, size_t len,
			char *err, size_t errlen);

/* A directory of ClamAV databases, their signatures checked with the
 * certificates of certs_dir (.cvd.sign) or ClamAV's key and cvd_key (the
 * headers' signatures): 0; -2 when a signature or checksum does not
 * verify; -1 for any other failure; err says which. */
int upd_load_check_dir(const char *dir, const char *certs_dir,
		       const char *cvd_key, char *err, size_t errlen);

#endif
