/*
 * scan.h -- the pieces of "vigil scan": a queue of paths fed by the
 * directory walker and drained by the worker threads, and the reporter
 * that prints results, progress and the summary.
 */
#ifndef VIGIL_CLI_SCAN_H
#define VIGIL_CLI_SCAN_H

#include <getopt.h>
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"

#define QUEUE_CAPACITY 4096
#define WALK_MAX_DEPTH 256
#define MAX_EXCLUDES 64
/* The path "-" names standard input. */
#define STDIN_PATH "-"

struct queue {
	char *item[QUEUE_CAPACITY];
	size_t head, count;
	int closed;
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
};

void queue_init(struct queue *q);
void queue_push(struct queue *q, char *path);	/* takes ownership */
/* Up to max paths into out, at least one (0 once closed and empty), and
 * no more than a share of those waiting among workers, so that each
 * finds some. */
size_t queue_pop_some(struct queue *q, char **out, size_t max,
		      size_t workers);
void queue_close(struct queue *q);
void queue_destroy(struct queue *q);

struct scanopts {
	int infected_only, no_summary, json, quiet, verbose, progress;
	int follow_symlinks;
	/* clamscan's everyday options (clamopts.c) */
	int bell, no_cross_fs;
	int max_dir_depth;		/* --max-dir-recursion */
	regex_t include[MAX_EXCLUDES], include_dir[MAX_EXCLUDES];
	size_t ninclude, ninclude_dir;
	const char *file_list;		/* -f: paths, one a line */
	int action;			/* enum action_kind */
	const char *action_dir;		/* --move, --copy, --quarantine */
	uint64_t quarantine_cap;	/* --quarantine-max, bytes */
	unsigned scan_flags;	/* VIGIL_SCAN_* */
	uint64_t max_filesize, max_scansize;
	uint32_t max_files, max_depth, max_seconds, max_ratio;
	uint32_t pcre_match_limit, pcre_recmatch_limit;
	uint64_t pcre_max_filesize;
	unsigned skip_families;	/* VIGIL_FAMILY_*: --scan-<family>=no */
	uint32_t structured_cc_count, structured_ssn_count;
	regex_t exclude[MAX_EXCLUDES], exclude_dir[MAX_EXCLUDES];
	size_t nexclude, nexclude_dir;
	int threads;
};

struct scanstats {
	atomic_ulong files, dirs, infected, errors, skipped;
	atomic_ullong bytes;
};

struct scanctx {
	struct vigil_engine *engine;
	struct scanopts o;
	struct queue q;
	struct scanstats st;
	pthread_mutex_t out_lock;
	FILE *log;		/* --log: the report there too */
	int progress_shown;
	double t0;
	int busy;		/* workers scanning a file now (atomic) */
	dev_t root_dev;		/* the argument being walked (--cross-fs) */
};

/* Walks one command-line argument, queueing files. */
void walk_arg(struct scanctx *c, const char *path);
/* Walks each path named in o.file_list (-f): 0, or -1 said. */
int walk_file_list(struct scanctx *c);

/* clamscan's options that vigil scan takes too (clamopts.c): long
 * option codes from CLAMOPT_FIRST, short ones 'f', 'o', 'V'. */
enum {
	CLAMOPT_FIRST = 1000, CLAMOPT_MOVE, CLAMOPT_COPY, CLAMOPT_REMOVE,
	CLAMOPT_BELL, CLAMOPT_STDOUT, CLAMOPT_CROSS_FS, CLAMOPT_DIR_DEPTH,
	CLAMOPT_INCLUDE, CLAMOPT_INCLUDE_DIR, CLAMOPT_TEMPDIR,
	CLAMOPT_LEAVE_TEMPS, CLAMOPT_DEBUG, CLAMOPT_QUARANTINE,
	CLAMOPT_QUARANTINE_MAX,
};
#define CLAMOPT_LONG \
	{ "move", required_argument, NULL, CLAMOPT_MOVE }, \
	{ "copy", required_argument, NULL, CLAMOPT_COPY }, \
	{ "remove", optional_argument, NULL, CLAMOPT_REMOVE }, \
	{ "bell", no_argument, NULL, CLAMOPT_BELL }, \
	{ "stdout", no_argument, NULL, CLAMOPT_STDOUT }, \
	{ "cross-fs", optional_argument, NULL, CLAMOPT_CROSS_FS }, \
	{ "max-dir-recursion", required_argument, NULL, CLAMOPT_DIR_DEPTH }, \
	{ "include", required_argument, NULL, CLAMOPT_INCLUDE }, \
	{ "include-dir", required_argument, NULL, CLAMOPT_INCLUDE_DIR }, \
	{ "tempdir", required_argument, NULL, CLAMOPT_TEMPDIR }, \
	{ "leave-temps", optional_argument, NULL, CLAMOPT_LEAVE_TEMPS }, \
	{ "debug", no_argument, NULL, CLAMOPT_DEBUG }, \
	{ "quarantine", optional_argument, NULL, CLAMOPT_QUARANTINE }, \
	{ "quarantine-max", required_argument, NULL, \
	  CLAMOPT_QUARANTINE_MAX }, \
	{ "file-list", required_argument, NULL, 'f' }, \
	{ "suppress-ok-results", no_argument, NULL, 'o' }, \
	{ "version", no_argument, NULL, 'V' }
/* One of them: 0 taken, -1 a bad value, 1 not one of them. */
int clamopt_parse(int ch, const char *arg, struct scanopts *o);
/* Adds a regular expression to a list of MAX_EXCLUDES: 0, or -1 said. */
int scan_add_regex(regex_t *r, size_t *n, const char *re);

/* Result of one file; thread-safe. */
void report_result(struct scanctx *c, const char *path,
		   struct vigil_scanner *s, const struct vigil_result *r);
void report_error(struct scanctx *c, const char *path, const char *why);
void report_skip(struct scanctx *c, const char *path, const char *why);
/* "path: what" as clamscan says it (Symbolic link, Excluded), not with -i
 * or in JSON; counted as skipped. */
void report_note(struct scanctx *c, const char *path, const char *what);
void report_summary(struct scanctx *c, uint64_t known, double start_wall);
/* Redraws the progress line (called from the progress thread). */
void report_progress(struct scanctx *c, int final);

#endif
