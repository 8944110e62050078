/*
 * qstore.h -- the quarantine: files found infected, taken out of place and
 * kept encrypted (libsodium's secretstream, XChaCha20-Poly1305, with a key
 * made at the store's first use), so that they can neither run nor be
 * found again by another scanner, with what is needed to put them back
 * exactly: their path, owner, mode, times, SHA-256 and detection. The
 * store has a size cap: the oldest entries go first to make room.
 *   DIR/key          32 bytes, 0600
 *   DIR/ID.vq        "VIGILQ1\0", the stream's header, its chunks
 *   DIR/ID.json      the entry (qstore_entry), 0600
 */
#ifndef VIGIL_CLI_QSTORE_H
#define VIGIL_CLI_QSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The default store, and its default cap in bytes. */
#define QSTORE_DEFAULT_DIR "/var/lib/vigil/quarantine"
#define QSTORE_DEFAULT_CAP_BYTES (1ull << 30)
/* Longest path kept, in bytes. */
#define QSTORE_MAX_PATH 4096

struct qstore_entry {
	char id[40];
	char path[QSTORE_MAX_PATH];
	char detection[256];
	char sha256[65];
	uint64_t size;
	unsigned mode;
	uid_t uid;
	gid_t gid;
	int64_t atime_ns, mtime_ns;
	int64_t quarantined;	/* Unix time */
};

/*
 * Takes path into the store at dir (made 0700 if absent), then removes it;
 * oldest entries are evicted to keep the store within cap bytes. 0 and the
 * entry, or -1 with a reason in err (the file is then left in place).
 */
int qstore_put(const char *dir, uint64_t cap, const char *path,
	       const char *detection, struct qstore_entry *e, char *err,
	       size_t errlen);
/* The same for a file open at fd (read from its start: fanotify's
 * descriptors raise no event of their own), path its name: removed only
 * while it still names the file read. */
int qstore_put_fd(const char *dir, uint64_t cap, int fd, const char *path,
		  const char *detection, struct qstore_entry *e, char *err,
		  size_t errlen);
/* The entries, oldest first (*n of them; free() the array): 0 or -1. */
int qstore_list(const char *dir, struct qstore_entry **out, size_t *n,
		char *err, size_t errlen);
/* One entry by its id: 0, or -1 with err. */
int qstore_get(const char *dir, const char *id, struct qstore_entry *e,
	       char *err, size_t errlen);
/* Writes the entry's file back to to (its own path when NULL) with its
 * owner, mode and times, checked against its SHA-256; refuses to replace
 * an existing file. The entry is removed: 0, or -1 with err. */
int qstore_restore(const char *dir, const char *id, const char *to,
		   char *err, size_t errlen);
/* Removes an entry: 0, or -1 with err. */
int qstore_delete(const char *dir, const char *id, char *err, size_t errlen);

#endif
