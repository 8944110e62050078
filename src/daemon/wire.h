/*
 * wire.h -- the messages between vigild's parent and its workers, over a
 * SOCK_SEQPACKET pair: a job carries the object as a descriptor
 * (SCM_RIGHTS), never a path; a result carries the verdict and names.
 */
#ifndef VIGILD_WIRE_H
#define VIGILD_WIRE_H

#include <stdint.h>

#include "common/escape.h"

/* Largest result message: paths inside the object are cut to fit, the
 * first detection's name never is (up to WIRE_MAX_NAME_BYTES). */
#define WIRE_MAX_RESULT_BYTES 16384
#define WIRE_MAX_NAME_BYTES 1024
/* Longest path a sandbox probe job may name. */
#define WIRE_MAX_PROBE_PATH_BYTES 1024

enum wire_job_kind {
	JOB_SCAN = 1,	/* scan the descriptor that comes with it */
	JOB_PROBE = 2,	/* test hook: try to escape (common/escape.h) */
};

struct wire_job {
	uint32_t kind;		/* enum wire_job_kind */
	uint32_t flags;		/* VIGIL_SCAN_ALLMATCH */
	uint64_t id;
	char path[WIRE_MAX_PROBE_PATH_BYTES]; /* JOB_PROBE: the probe's;
					       * JOB_SCAN: the file's name,
					       * or "" */
};

/*
 * A result: the fixed part, then for each of ndetections a name and a
 * path inside the object, each NUL-terminated, in text[]. A verdict other
 * than clean with no name (which the worker never sends) is reported with
 * WIRE_UNNAMED, never as clean.
 */
#define WIRE_UNNAMED "Heuristics.Vigil.Unnamed"
struct wire_result {
	uint64_t id;
	int32_t rc;		/* 0 or a VIGIL_E* code */
	int32_t verdict;	/* enum vigil_verdict */
	uint32_t ndetections;	/* detections reported (names in text) */
	uint32_t nwarnings;
	uint64_t bytes;		/* bytes matched, contained objects included */
	uint32_t objects;
	uint32_t text_len;	/* bytes used in text[] */
	struct escape_result probe; /* JOB_PROBE: what the worker could do */
	char text[WIRE_MAX_RESULT_BYTES];
};

#endif
