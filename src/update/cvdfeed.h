/*
 * cvdfeed.h -- what `vigil update --from-clamav` reads besides the
 * databases themselves (which libvigil verifies and loads): the version
 * and build time in a .cvd's 512-byte header, as a mirror answers a range
 * request for it, and the client's record of the versions installed,
 * DBDIR/state/clamav ("NAME VERSION BUILDTIME" a line), the floor below
 * which no database is accepted again.
 */
#ifndef VIGIL_UPDATE_CVDFEED_H
#define VIGIL_UPDATE_CVDFEED_H

#include <stddef.h>
#include <stdint.h>

/* A .cvd's header, in bytes. */
#define CVDFEED_HEADER_BYTES 512
/* Databases followed at most, and the longest name (without .cvd). */
#define CVDFEED_MAX_DBS 8
#define CVDFEED_MAX_NAME 32
/* The state file's largest size, in bytes. */
#define CVDFEED_STATE_MAX_BYTES 4096

struct cvdfeed_head {
	uint32_t version;
	uint64_t built;		/* the header's build time, Unix seconds */
};

struct cvdfeed_state {
	struct {
		char name[CVDFEED_MAX_NAME];
		uint32_t version;
		uint64_t built;
	} db[CVDFEED_MAX_DBS];
	unsigned n;
};

/* "ClamAV-VDB:time:version:sigs:level:md5:dsig:builder:buildtime" at the
 * start of buf: 0, or -1 when it is not such a header. */
int cvdfeed_header(const void *buf, size_t len, struct cvdfeed_head *h);

/* The state file's text: 0, or -1 when a line is malformed. */
int cvdfeed_state_parse(const char *text, size_t len,
			struct cvdfeed_state *s);
/* Its text into buf: the length, or -1 if it does not fit. */
int cvdfeed_state_format(const struct cvdfeed_state *s, char *buf,
			 size_t len);
/* The entry for name (made if absent and there is room), or NULL. */
int cvdfeed_state_find(struct cvdfeed_state *s, const char *name, int make);

/* Whether name is a database name (letters, digits, '-', '_'; not too
 * long): what may be put into a URL and a file name. */
int cvdfeed_name_ok(const char *name);

#endif
