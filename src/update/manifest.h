/*
 * manifest.h -- Vigil's signed update metadata: a small text format
 * instead of JSON, so that no JSON parser and no canonicalisation sit on
 * the attack surface. A manifest is ASCII "key: value" lines in a fixed
 * order per role, a line "--", then "sig: <keyid> <base64>" lines; each
 * signature covers the bytes up to and including "--\n".
 */
#ifndef VIGIL_UPDATE_MANIFEST_H
#define VIGIL_UPDATE_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

/* Size caps, in bytes, by role. */
#define MANIFEST_MAX_ROOT_BYTES (16u << 10)
#define MANIFEST_MAX_TIMESTAMP_BYTES (4u << 10)
#define MANIFEST_MAX_TARGETS_BYTES (64u << 10)
#define MANIFEST_MAX_RELEASE_BYTES (64u << 10)

#define MANIFEST_MAX_KEYS 16	/* keys named by a root */
#define MANIFEST_MAX_SIGS 16	/* signatures on one manifest */
#define MANIFEST_MAX_DELTAS 64	/* deltas listed by a release */
#define MANIFEST_MAX_PATHS 8	/* paths delegated to release */
#define MANIFEST_MAX_WITNESSES 8 /* log witnesses a root names */
#define MANIFEST_MAX_LINE_BYTES 1024 /* one line, its newline not counted */
#define MANIFEST_MAX_VERSION ((1ull << 53) - 1)
#define KEYID_BYTES 8
#define PUBKEY_BYTES 32
#define SIG_BYTES 64
#define SHA256_BYTES 32

enum role { ROLE_ROOT, ROLE_TARGETS, ROLE_RELEASE, ROLE_TIMESTAMP,
	    ROLE_COUNT };

struct role_keys {
	unsigned threshold;
	unsigned nkeys;
	uint8_t keyid[MANIFEST_MAX_KEYS][KEYID_BYTES];
};

/* A file named by metadata: its length and SHA-256. */
struct pinned {
	uint64_t version;	/* the manifest's version (timestamp pins) */
	uint64_t len;
	uint8_t sha256[SHA256_BYTES];
};

struct delta {
	uint64_t from;		/* release version it applies to */
	uint64_t len;
	uint8_t sha256[SHA256_BYTES];
};

struct manifest {
	enum role role;
	uint64_t version;
	int64_t expires;	/* Unix time */
	/* root */
	unsigned nkeys;
	uint8_t keyid[MANIFEST_MAX_KEYS][KEYID_BYTES];
	uint8_t pubkey[MANIFEST_MAX_KEYS][PUBKEY_BYTES];
	struct role_keys roles[ROLE_COUNT];
	uint8_t log_keyid[KEYID_BYTES], log_pubkey[PUBKEY_BYTES];
	unsigned nwitnesses, witness_threshold;
	uint8_t witness_keyid[MANIFEST_MAX_WITNESSES][KEYID_BYTES];
	uint8_t witness_pubkey[MANIFEST_MAX_WITNESSES][PUBKEY_BYTES];
	/* targets: path patterns delegated to release, "db/" + "*" */
	unsigned npaths;
	char paths[MANIFEST_MAX_PATHS][64];
	/* release */
	char target[64];	/* "db/main" */
	char channel[32];	/* "stable" */
	char type[16];		/* "sigdb" or "rules" */
	struct pinned full;	/* the database itself */
	struct pinned file;	/* its compressed form, as served */
	unsigned ndeltas;
	struct delta deltas[MANIFEST_MAX_DELTAS];
	/* timestamp */
	uint64_t root_version;
	struct pinned targets, release;
	uint64_t log_size;		/* the checkpoint it was made with */
	uint8_t log_root[SHA256_BYTES];
	uint64_t targets_leaf, release_leaf; /* their places in the log */
	/* signatures */
	size_t signed_len;	/* bytes covered: up to and including "--\n" */
	unsigned nsigs;
	uint8_t sig_keyid[MANIFEST_MAX_SIGS][KEYID_BYTES];
	uint8_t sig[MANIFEST_MAX_SIGS][SIG_BYTES];
};

const char *upd_role_name(enum role r);
size_t upd_manifest_cap(enum role r);

/*
 * Parses buf as a manifest of role want. Returns 0, or -1 with a short
 * reason in *why: anything not exactly in the format is refused (unknown,
 * missing, repeated or out-of-order keys, numbers with leading zeros or
 * over 2^53, bad times, bytes outside printable ASCII, a missing "--" or
 * no signature).
 */
int upd_manifest_parse(const char *buf, size_t len, enum role want,
		   struct manifest *m, const char **why);

/*
 * Writes m's body (up to and including "--\n") to out; returns its length,
 * or 0 if it does not fit in cap bytes.
 */
size_t upd_manifest_body(const struct manifest *m, char *out, size_t cap);

/* RFC 3339 UTC ("2026-11-25T12:00:00Z") <-> Unix time; -1 if malformed. */
int64_t upd_parse_time(const char *s, size_t n);
void upd_format_time(int64_t t, char out[32]);

#endif
