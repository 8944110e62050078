/*
 * engine_int.h -- the engine's internals shared by the engine, the
 * scanner and the body matcher. An engine is a list of shards; each shard
 * is one .vdb image (mapped from a file, or built from sources) with its
 * own Vectorscan database.
 */
#ifndef VIGIL_CORE_ENGINE_INT_H
#define VIGIL_CORE_ENGINE_INT_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dbstat.h"
#include "db/sigset.h"
#include "db/vdb.h"
#include "match/hschunk.h"
#include "match/hsdb.h"
#include "vigil/vigil.h"

#define ENGINE_MAX_SHARDS 64

/* A phishing list regex, anchored at both ends, and the literal text
 * every string it matches must end with (a filter before regexec). */
#define PHISH_SUFFIX_BYTES 32
struct phish_rx {
	regex_t re;
	char suffix[PHISH_SUFFIX_BYTES];
	uint8_t suffix_len;
	uint8_t icase;
};

/* A URL hash of a .gdb line and its list ('0', '1', '2', 'W'). */
struct gsb_entry {
	uint8_t digest[32];
	char list;
};

struct shard {
	uint8_t *image;		/* malloc'd image, or NULL when mapped */
	void *map;
	size_t map_len;
	struct vdb_view v;
	struct hscache_digest digest; /* its set's, if has_digest: from the
				       * stamp of its file (hscache.h) */
	int has_digest;
	struct hscache_unsettled vdb_new; /* its file, if too new to stamp
					   * (vigil_engine_settle()) */
	struct hsdb m;
	uint32_t *cnt_base;	/* per .ldb: first slot in the count array */
	size_t ncounts;
	uint32_t *zero_ldb;	/* .ldb true without any match */
	size_t nzero;
	_Atomic(void *) *pcre_code; /* per PCRE subsignature, on first use */
	_Atomic(struct hschunk *) *chunk; /* for objects over the block
					   * limit, on first use */
	regex_t *cdb_re;	/* per .cdb record, its file name expression */
	size_t ncdb_re;		/* of them compiled (to free) */
	struct phish_rx *phish_rx; /* per phishing list line, its regex
				    * (unused for host patterns) */
	size_t nphish_rx;	/* lines looked at (to free) */
	struct gsb_entry *gsb;	/* the URL hashes of .gdb lines */
	size_t ngsb;
	char name[256];
};

struct group {
	struct sigset ss;
	char name[256];
};

struct vigil_engine {
	struct vigil_engine_options opts;
	int compiled;
	struct group *groups[ENGINE_MAX_SHARDS];
	size_t ngroups;
	struct group *loose;	/* the group for loose source files */
	struct shard shards[ENGINE_MAX_SHARDS];
	size_t nshards;
	const char **ignore;	/* name-only ignores of every shard, sorted */
	size_t nignore;
	int has_allow[HASH_NALGO];
	int has_secthash;	/* some shard has PE section hashes */
	int has_imphash;	/* some shard has PE import table hashes */
	int has_cdb;		/* some shard has container metadata */
	int has_phish;		/* some shard has a phishing list */
	int has_certs;		/* some shard has .crb certificates */
	uint8_t *cat_digest[2];	/* the PE members of trusted catalogs: SHA-1
				 * (20 bytes each) and SHA-256 (32), sorted */
	size_t ncat_digest[2];
	int has_gsb;		/* some shard has URL hashes */
	uint64_t skipped;
	uint64_t cache_hits;
	uint64_t quick_matchers; /* shards anchored because the cache missed */
	struct vigil_yara *yara; /* the YARA rules of every source, or NULL */
	char **yara_names;	/* per rule: its detection name */
	size_t nyara;
	size_t yara_skipped;	/* of them, those that need a module */
	struct dbstat loaded;	/* the files and directories it was loaded
				 * from (vigil_engine_changed()) */
};

/* 1 if name is on the engine's ignore list. */
int engine_ignores(const struct vigil_engine *e, const char *name);

#endif
