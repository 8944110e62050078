/*
 * yrapi_int.h -- the public YARA rule set (vigil.h's vigil_yara), between
 * its building (yrapi.c) and its scanning (yrapiscan.c).
 */
#ifndef VIGIL_YARA_YRAPI_INT_H
#define VIGIL_YARA_YRAPI_INT_H

#include "vigil/vigil.h"
#include "yara/yreval.h"
#include "yara/yrfast.h"
#include "yara/yrparse.h"

/* External variables at most. */
#define YRAPI_MAX_EXTERNALS 256
/* Bytes of a rule file (an included one too) at most. */
#define YRAPI_MAX_RULE_FILE (64u << 20)
/* Bytes of a match handed to the caller at most (yara's 512). */
#define YRAPI_MATCH_DATA 512

enum { YRAPI_ADDING, YRAPI_FAILED, YRAPI_COMPILED };

/* What the caller sees of a rule, made at compile. */
struct yrapi_view {
	struct vigil_yara_meta *meta;
	const char **ids;	/* "$name" of each string */
};

struct vigil_yara {
	struct yr_ruleset rs;
	struct yr_external ext[YRAPI_MAX_EXTERNALS];
	const char *names[YRAPI_MAX_EXTERNALS];
	char *owned[YRAPI_MAX_EXTERNALS];
	size_t next;
	struct yr_fast *fast;
	struct yrapi_view *views;
	vigil_log_fn log;
	void *log_ctx;
	unsigned flags;		/* VIGIL_YARA_* */
	int state;
};

/* Text external name's value for the scans s makes from now on (value
 * must last as long; NULL: the set's own). 0, or -1 if the set has no
 * text external of that name. */
int yrapi_scanner_text(struct vigil_yara_scanner *s, const char *name,
		       const char *value);

/* A stream gathered for one scan, at most; the room kept between
 * streams. */
#define YRAPI_MAX_STREAM_BYTES ((size_t)1 << 30)
#define YRAPI_KEEP_STREAM_BYTES ((size_t)4 << 20)
/* Files up to this size are read into a buffer a scanner keeps, larger
 * ones mapped (file_read_small()). Against mapping every file, over
 * bench/yara.py's corpus (whole runs of vigil yara): the plain strings
 * 0.0505 -> 0.0480 s, reversinglabs 0.064 -> 0.062, elastic the same;
 * with 4 MiB or 64 MiB, no faster. */
#define YRAPI_READ_BYTES ((size_t)1 << 20)

#endif
