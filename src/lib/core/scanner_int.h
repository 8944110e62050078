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

#include "core/engine_int.h"

/* A stream is held in memory up to this size, then in a memfd. */
#define STREAM_SPILL_BYTES (16u << 20)

struct shard_state {
	uint32_t *counts;	/* .ldb subsignature counts */
	uint8_t *done;		/* per matchable: verified for this object */
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

struct vigil_scanner {
	const struct vigil_engine *e;
	struct vigil_scan_options opts;
	hs_scratch_t *scratch;
	struct shard_state *st;
	const char **det;
	size_t ndet, capdet;
	uint8_t *norm;
	size_t normcap;
	struct stream stream;
};

/* Records a detection; returns 1 if the scan should stop, or an error. */
int scanner_detect(struct vigil_scanner *s, const char *name);
/*
 * Records that a limit stopped the scan. Unlike a detection, no ignore list
 * can remove it: a limit is never reported as clean.
 */
int scanner_limit(struct vigil_scanner *s, const char *name);

#define LIMIT_FILESIZE "Heuristics.Limits.Exceeded.MaxFileSize"
#define LIMIT_STEPS "Heuristics.Limits.Exceeded.MatchSteps"
/* Matches one buffer against a shard's body signatures. */
int bodyscan_run(struct vigil_scanner *s, size_t shard, const uint8_t *buf,
		 size_t len, uint32_t targets);
/* Scans a whole object held in memory and fills res. */
int scanner_scan_object(struct vigil_scanner *s, const uint8_t *buf,
			size_t len, struct vigil_result *res);

#endif
