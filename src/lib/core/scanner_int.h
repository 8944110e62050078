/*
 * scanner_int.h -- a scanner's private state: the Vectorscan scratch, the
 * per-shard match bookkeeping (reset after each object through lists of
 * what was touched, so that cost follows matches, not database size), the
 * detections of the last scan, and an open stream.
 */
#ifndef VIGIL_CORE_SCANNER_INT_H
#define VIGIL_CORE_SCANNER_INT_H

#include <hs/hs.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"
#include "core/engine_int.h"
#include "core/seen.h"
#include "match/magic.h"

/* A stream is held in memory up to this size, then in a memfd. */
#define STREAM_SPILL_BYTES (16u << 20)

struct shard_state {
	uint32_t *counts;	/* .ldb subsignature counts */
	uint8_t *done;		/* per matchable: verified for this object */
	uint64_t *next;		/* per matchable: first start not yet tried
				 * (anchors matcher) */
	uint32_t *touched_m;
	size_t ntm;
	uint8_t *ldb_mark;	/* per .ldb: has counts to evaluate */
	uint32_t *touched_l;
	size_t ntl;
};

struct stream {
	int open;
	uint8_t *buf;
	size_t len, cap;
	int fd;			/* memfd once spilled, else -1 */
	uint64_t total;
	int over;		/* exceeded max_filesize: not kept */
};

/* A detection: the signature's name and where inside the object. */
struct detection {
	const char *name;	/* in the engine, or a static limit name */
	uint32_t path;		/* offset of its path in the text pool */
	int kind;		/* DET_* */
};

/* What a detection is. Matches come first in a result, then heuristics,
 * then limits (clamscan's order without --heuristic-scan-precedence). */
enum { DET_MATCH = 0, DET_LIMIT = 1, DET_HEUR = 2 };

/* Containers whose types are kept for Container and Intermediates. */
#define WALK_CHAIN_MAX 64
/* Nesting levels with an entry buffer kept between entries (fmt_buffer),
 * and the largest one kept past the end of a scan. */
#define WALK_BUF_LEVELS 8
#define WALK_BUF_KEEP_BYTES (4u << 20)
/* Files vigil_scanner_scan_paths() reads ahead at once, the most bytes
 * of one it reads so, and of all (batch.c). */
#define SCANNER_BATCH_FILES 256
#define SCANNER_BATCH_FILE_BYTES (1u << 20)
#define SCANNER_BATCH_BYTES (16u << 20)
/* A page over this size has no text form matched (clamscan's
 * MaxHTMLNoTags default); its tags form is matched whatever its size. */
#define HTML_TEXT_MAX_BYTES (8u << 20)
_Static_assert(SCANNER_BATCH_FILE_BYTES <= HTML_TEXT_MAX_BYTES,
	       "a page read ahead has both forms");

/* A page's two forms made before its scan, with their digests (batch.c):
 * where they lie in the scanner's forms[0] and forms[1]. */
struct page_forms {
	size_t off[2], len[2];
	struct digests d[2];
	int text[2];		/* scanner_text_served() of each */
};

/* State of one top-level scan as it descends into contained objects. */
struct walk {
	double t0;		/* monotonic start time */
	uint64_t bytes;		/* bytes matched so far */
	uint32_t files;		/* objects matched so far */
	unsigned depth;		/* of the object being matched */
	unsigned layers;	/* compression layers in a row above it */
	struct vbuf path;	/* "a.zip//b.exe" of that object, NUL-ended */
	int stop;		/* a scan-wide limit ended the scan */
	const uint8_t *top;	/* the object the scan began with */
	size_t toplen;
	int top_type;		/* its type once matched, else -1 */
	struct seen seen;	/* contained objects matched so far */
	uint8_t chain[WALK_CHAIN_MAX];	/* enum cl_type of each container,
					 * outermost first */
	unsigned nchain;	/* containers above the object (the first
				 * WALK_CHAIN_MAX are in chain) */
};

struct icon_cache;
struct par;

struct vigil_scanner {
	const struct vigil_engine *e;
	struct vigil_yara_scanner *yara; /* the engine's YARA rules, or NULL */
	const char *name;	/* the path being scanned, for the YARA
				 * externals filename and filepath; NULL
				 * for a descriptor or buffer without one */
	char *given_name;	/* vigil_scanner_set_name()'s copy */
	char yara_ext[32];	/* the YARA external extension's value */
	struct vigil_scan_options opts;
	hs_scratch_t *scratch;
	hs_scratch_t *mscratch;	/* magic_db()'s, on first use (its compile
				 * is kept out of a load) */
	struct shard_state *st;
	struct varr det;	/* struct detection */
	struct varr warn;	/* uint32_t[2]: path and message in pool */
	struct vbuf pool;	/* NUL-terminated paths and warnings */
	uint8_t *norm;
	size_t normcap;
	struct vbuf html[2];	/* a page's tags and text forms */
	struct vbuf fbuf;	/* a file read whole (scanner.c) */
	struct vbuf ahead;	/* files read ahead, one after another
				 * (batch.c) */
	struct digests top_d;	/* the top-level object's digests computed
				 * before its scan (batch.c), if top_d_buf
				 * and top_d_len are its */
	const uint8_t *top_d_buf;
	size_t top_d_len;
	int top_d_type;		/* its type, detected there */
	int top_d_text;		/* and scanner_text_served() of it */
	const struct page_forms *top_forms; /* its forms if it is a page
					     * whose forms were made, or
					     * NULL */
	struct vbuf forms[2];	/* pages' forms made ahead (batch.c) */
	struct magic_hits mh;	/* the containers' signatures in the object */
	const uint8_t *mh_buf;	/* whose body pass found them (walk.c) */
	size_t mh_len;
	struct magic_hits self_hits; /* those a helper's pass over self_for,
				      * the archive being unpacked, found */
	const uint8_t *self_for;
	struct exeinfo *exe;	/* headers of the object being matched */
	struct icon_cache *icons; /* its icons' metrics (iconscan.c) */
	struct walk w;
	struct stream stream;
	struct pcrescan_state *pcre;	/* PCRE2 match data, on first use */
	int handler;		/* a HandlerType signature's enum cl_type for
				 * the object just matched, or 0 */
	int obj_type;		/* Vigil type the object is matched as */
	int img_state;		/* IMG_HASH_*: its image fuzzy hash */
	uint8_t img_hash[8];
	struct vbuf xbuf[WALK_BUF_LEVELS]; /* entry buffers, by depth */
	struct par *par;	/* helper threads (parwalk.c), or NULL */
	struct par *helps;	/* a helper's: whose threads it is in */
	uint64_t seq;		/* a helper's: the task it runs */
};

/* What a helper's scan of one member found, for the scanner it helps. */
struct verdict_rec {
	struct varr det;	/* struct detection, paths in pool */
	struct varr warn;	/* uint32_t[2] */
	struct vbuf pool;
};

/* Whether the object's image fuzzy hash is known (reset per object). */
enum { IMG_HASH_UNKNOWN = 0, IMG_HASH_OK, IMG_HASH_NONE };

/* Limit names; every one is "Heuristics.Limits.Exceeded.<Which>". */
#define LIMIT_PREFIX "Heuristics.Limits.Exceeded."
#define LIMIT_FILESIZE LIMIT_PREFIX "MaxFileSize"
#define LIMIT_SCANSIZE LIMIT_PREFIX "MaxScanSize"
#define LIMIT_FILES LIMIT_PREFIX "MaxFiles"
#define LIMIT_DEPTH LIMIT_PREFIX "MaxRecursion"
#define LIMIT_TIME LIMIT_PREFIX "MaxScanTime"
#define LIMIT_RATIO LIMIT_PREFIX "CompressionRatio"
#define LIMIT_STEPS LIMIT_PREFIX "MatchSteps"
#define LIMIT_PCRE_MATCH LIMIT_PREFIX "PCREMatchLimit"
#define LIMIT_PCRE_DEPTH LIMIT_PREFIX "PCRERecMatchLimit"
#define LIMIT_PCRE_SIZE LIMIT_PREFIX "PCREMaxFileSize"
#define LIMIT_IMAGE LIMIT_PREFIX "MaxImagePixels"
#define LIMIT_ICONS LIMIT_PREFIX "MaxIconsPE"

/*
 * hashscan.c: the hash signatures of tables base .. base + HASH_NALGO - 1
 * (HT_FILE or HT_SECTION) over buf, digests kept in d. 0, 1 or an error.
 */
int hashscan_run(struct vigil_scanner *s, int base, const uint8_t *buf,
		 size_t len, struct digests *d);
/* The algorithms (bits of enum hash_algo) some signature of tables base
 * .. base + HASH_NALGO - 1 wants for an object of len bytes. */
unsigned hashscan_wanted(const struct vigil_engine *e, int base,
			 uint64_t len);

/*
 * certscan.c: a PE image's Authenticode signature against the .crb
 * certificates, and the signed catalogs: 0, 1 (a blocked certificate:
 * detected, stop), an error, or CERTSCAN_TRUSTED (a trusted signer or
 * catalog: the image is not to be matched).
 */
#define CERTSCAN_TRUSTED 2
int certscan_run(struct vigil_scanner *s, const uint8_t *buf, size_t len);


/* secthash.c: PE section hash signatures over an object. */
int secthash_scan(struct vigil_scanner *s, const uint8_t *buf, size_t len);

/* verdict.c: what a scan found. */
void verdict_reset(struct vigil_scanner *s);
/* Records a detection; returns 1 if the scan should stop, or an error. */
int scanner_detect(struct vigil_scanner *s, const char *name);
/*
 * Records that a limit (or unreadable content, such as an encrypted entry)
 * kept something from being matched. No ignore list or allowlist removes
 * it: such content is never reported as clean. With VIGIL_SCAN_LIMITS_WARN
 * it is a warning instead. Returns 0, or an error.
 */
int scanner_limit(struct vigil_scanner *s, const char *name);
/*
 * Records a heuristic detection (Heuristics.Broken.Media.PNG ...): a
 * result like a match, but reported only if no signature matches in the
 * rest of the scan, unless VIGIL_SCAN_HEURISTIC_PRECEDENCE ends the scan
 * at once. Returns 1 if the scan should stop, or an error.
 */
int scanner_heuristic(struct vigil_scanner *s, const char *name);
/* ftmscan.c: a file type magic rule (the internal name of its body
 * signature) matched the object buf: may set s->handler. Returns 0. */
int ftm_hit(struct vigil_scanner *s, const uint8_t *buf, size_t len,
	    const char *rule);
/* heuristics.c: --alert-broken, --alert-broken-media and
 * --detect-structured on one object. 0, 1 (stop) or an error. */
int heuristics_run(struct vigil_scanner *s, const uint8_t *buf, size_t len,
		   int type);
/* scanner.c: the len bytes of fd mapped at map scanned, with its pages
 * guarded (util/mapguard.h): VIGIL_ECHANGED or VIGIL_EIO where some were
 * lost and no detection was made. */
int scanner_scan_mapped(struct vigil_scanner *s, int fd, const void *map,
			size_t len, struct vigil_result *res);
/* Adds a warning about the object being matched. */
void scanner_warn(struct vigil_scanner *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drops the detections from index 'from' on that are not limits. */
void verdict_drop_matches(struct vigil_scanner *s, size_t from);
int verdict_has_limit(const struct vigil_scanner *s, size_t from);
/* 1 if a signature or a heuristic (not a limit) matched from 'from' on. */
int verdict_has_match(const struct vigil_scanner *s, size_t from);
/* Releases the entry buffers (fmt_buffer) past WALK_BUF_KEEP_BYTES, at
 * the end of a scan. */
static inline void scanner_trim(struct vigil_scanner *s)
{
	unsigned i;

	for (i = 0; i < WALK_BUF_LEVELS; i++)
		if (s->xbuf[i].cap > WALK_BUF_KEEP_BYTES)
			vbuf_free(&s->xbuf[i]);
}

/* Copies a helper's results out (into r's arrays, made for their records). */
int verdict_export(const struct vigil_scanner *h, struct verdict_rec *r);
/* Appends results exported from a helper to the scanner's own. */
int verdict_import(struct vigil_scanner *s, const struct verdict_rec *r);
void verdict_rec_free(struct verdict_rec *r);
void verdict_fill(struct vigil_scanner *s, int type, size_t len,
		  struct vigil_result *res);

/* Matches one buffer against a shard's body signatures; with mh, where
 * its database finds them, the containers' signatures in the same pass
 * (mh->found set if the pass was whole). text: buf is text
 * (hstext_textual), which its text databases serve; BODY_TEXT_RAW: and
 * a text file's raw bytes, whose normalisation is matched next. */
#define BODY_TEXT_RAW 2
int bodyscan_run(struct vigil_scanner *s, size_t shard, const uint8_t *buf,
		 size_t len, uint32_t targets, struct magic_hits *mh,
		 int text);
/* walk.c: 1 if buf is text and some shard has a text database to match
 * it with (not over Vectorscan's block: such a buffer is matched in
 * chunks by the shard's own database); the check is left out where
 * nothing would use it. */
int scanner_text_served(const struct vigil_scanner *s, const uint8_t *buf,
			size_t len);
/* walk.c: scans a whole object held in memory and fills res. */
int scanner_scan_object(struct vigil_scanner *s, const uint8_t *buf,
			size_t len, struct vigil_result *res);
double scanner_clock(void);
/* stream.c: ends the open stream unread, the limit 'which' its result. */
int stream_end_at_limit(struct vigil_scanner *s, const char *which,
			struct vigil_result *res);

#endif
