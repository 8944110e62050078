/*
 * sigset.h -- signatures being loaded: what the source parsers produce and
 * the .vdb writer consumes. Also the load context that carries the file
 * name and line number into warnings.
 */
#ifndef VIGIL_DB_SIGSET_H
#define VIGIL_DB_SIGSET_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "db/vdb_format.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

/* ClamAV functionality level whose signatures Vigil honours (1.4). */
#define SIG_FLEVEL 216
/* Longest accepted source line. */
#define SIG_MAX_LINE_BYTES (4u << 20)
/* Most subsignatures in one logical signature (ClamAV's limit). */
#define SIG_MAX_SUBSIGS 64

struct sig_hash {
	uint8_t digest[HASH_MAX_DIGEST];
	uint64_t size;
	uint32_t name;
};

struct sig_ignore {
	uint32_t name;
	int has_md5;
	uint8_t md5[16];
};

struct sigset {
	struct vbuf strings;
	struct varr hash[HT_N];		/* struct sig_hash, by table */
	struct varr allow[HASH_NALGO];	/* struct sig_hash */
	struct varr match;		/* struct vdb_matchable */
	struct vbuf code;
	struct varr ndb;		/* struct vdb_ndb */
	struct varr ldb;		/* struct vdb_ldb */
	struct varr pcre;		/* struct vdb_pcre */
	struct varr bcomp;		/* struct vdb_bcomp */
	struct varr fuzzy;		/* struct vdb_fuzzy */
	struct varr icon;		/* struct vdb_icon (.idb) */
	struct varr ldbicon;		/* struct vdb_ldb_icon */
	struct varr icon_group[2];	/* uint32_t: distinct group names */
	struct varr cat;		/* struct vdb_catalog */
	struct vbuf catblob;		/* their bytes */
	struct vbuf yara;		/* YARA sources, as VDB_SEC_YARA */
	struct varr macro;		/* struct vdb_macro */
	struct varr macropat;		/* struct vdb_macro_pat */
	struct varr cdb;		/* struct vdb_cdb */
	struct varr phish;		/* struct vdb_phish */
	struct varr cert;		/* struct vdb_cert */
	struct varr ignore;		/* struct sig_ignore */
	struct vbuf sources;		/* "name, name, ..." */
	uint64_t skipped;
	uint64_t ignored;
	uint64_t ign_bloom[1024];	/* names in .ign2, hashed: a filter */
};

/* Where a line came from, and how to report what cannot be honoured. */
struct loadctx {
	struct sigset *ss;
	const char *file;
	size_t line;
	const char *text;	/* the current line, for .ign2 digests */
	size_t text_len;
	unsigned flags;		/* VIGIL_ENGINE_* */
	const char *cvd_key;	/* one more key for .cvd signatures, or NULL */
	const char *cvd_certs_dir; /* trust anchors of .cvd.sign files, or
				    * NULL (also for sources without a path) */
	vigil_log_fn log;
	void *log_ctx;
	/* 1: YARA sources (.yar, .yara) are kept, into ss->yara; 0: they are
	 * warned of, not read */
	int yara;
};

int sigset_init(struct sigset *ss);
void sigset_free(struct sigset *ss);
/* Appends a NUL-terminated copy of s[0..n) and returns its offset. */
int sigset_string(struct sigset *ss, const char *s, size_t n, uint32_t *off);
const char *sigset_str(const struct sigset *ss, uint32_t off);
uint64_t sigset_count(const struct sigset *ss);

/*
 * Reports a line the engine cannot honour as "file:line: reason". Returns
 * 0 (skip the line and carry on) or, in strict mode, rc.
 */
int load_warn(struct loadctx *lc, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void load_log(const struct loadctx *lc, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 1 if a signature named name[0..n) on the current line is ignored. */
int load_is_ignored(struct loadctx *lc, const char *name, size_t n);
/* Adds a name to the filter that load_is_ignored() consults first. */
void sigset_bloom_add(struct sigset *ss, const char *name, size_t n);

#endif
