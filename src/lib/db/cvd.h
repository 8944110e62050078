/*
 * cvd.h -- ClamAV database containers (.cvd .cld .cud): a 512-byte header
 * "ClamAV-VDB:time:version:sigs:flevel:md5:dsig:builder:stime" followed by
 * a (gzipped) tar archive of signature files.
 */
#ifndef VIGIL_DB_CVD_H
#define VIGIL_DB_CVD_H

#include <stddef.h>
#include <stdint.h>

#include "db/cvdsig.h"

/* Hard limits on what a container may unpack to. */
#define CVD_HEADER_BYTES 512
#define CVD_MAX_ENTRY_BYTES (1ull << 30)
#define CVD_MAX_TOTAL_BYTES (4ull << 30)
#define CVD_MAX_ENTRIES 4096

struct cvd_header {
	char time[64];
	uint32_t version;
	uint32_t sigs;
	uint32_t flevel;
	char md5[33];
	char dsig[CVDSIG_MAX_CHARS + 1];
	char builder[64];
	uint64_t stime;
};

/* Called for each signature file in the archive; non-zero stops. */
typedef int (*cvd_entry_fn)(void *ctx, const char *name, const uint8_t *data,
			    size_t len);

/* Parses the header of buf. Returns 0 or VIGIL_EFORMAT. */
int cvd_parse_header(const uint8_t *buf, size_t len, struct cvd_header *h);

/* What cvd_unpack() checks: the body's MD5 against the header's, the
 * header's digital signature (ClamAV's key or extra_key's, cvdsig.h). */
#define CVD_CHECK_MD5 1
#define CVD_CHECK_DSIG 2

/*
 * Verifies (checks: CVD_CHECK_*; ClamAV checks both for .cvd only, the
 * MD5 alone when a detached .sign signature vouched for the file) and
 * unpacks a container. A ".info" entry, if present, is enforced: every file it lists must
 * have its size and SHA-256. On error *why names the fault. Returns 0,
 * VIGIL_EFORMAT, VIGIL_ECHECKSUM, VIGIL_ELIMIT, VIGIL_ENOMEM, or what fn
 * returned.
 */
int cvd_unpack(const uint8_t *buf, size_t len, int checks,
	       const char *extra_key, cvd_entry_fn fn, void *ctx,
	       const char **why);

#endif
