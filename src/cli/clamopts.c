/*
 * clamopts.c -- clamscan's everyday options, taken by `vigil scan` with
 * the same names and meaning so that cron jobs and scripts run unchanged:
 * --move, --copy, --remove (actions.c), --bell, --stdout, -f/--file-list,
 * -o/--suppress-ok-results, -V/--version, --cross-fs, --max-dir-recursion,
 * --include, --include-dir, and --tempdir, --leave-temps and --debug
 * (Vigil writes no temporary files; --debug is -v).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "common/size.h"
#include "common/qstore.h"
#include "scan.h"

int scan_add_regex(regex_t *r, size_t *n, const char *re)
{
	char msg[256];
	int rc;

	if (*n == MAX_EXCLUDES) {
		fprintf(stderr, "vigil: more than %d --exclude or --include "
			"options of one kind\n", MAX_EXCLUDES);
		return -1;
	}
	if ((rc = regcomp(&r[*n], re, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &r[*n], msg, sizeof(msg));
		fprintf(stderr, "vigil: bad regular expression '%s': %s\n", re,
			msg);
		return -1;
	}
	(*n)++;
	return 0;
}

/* clamscan's "=yes|no" forms (no value: yes). */
static int yes(const char *arg)
{
	if (!arg || !strcmp(arg, "yes"))
		return 1;
	return strcmp(arg, "no") ? -1 : 0;
}

static int action(struct scanopts *o, int kind, const char *dir)
{
	if (o->action && o->action != kind) {
		fprintf(stderr, "vigil: --move, --copy, --remove and "
			"--quarantine exclude each other\n");
		return -1;
	}
	o->action = kind;
	o->action_dir = dir;
	return 0;
}

static int valued(int ch, const char *arg, struct scanopts *o)
{
	char *end;
	long v;

	switch (ch) {
	case CLAMOPT_MOVE: return action(o, ACT_MOVE, arg);
	case CLAMOPT_COPY: return action(o, ACT_COPY, arg);
	case CLAMOPT_INCLUDE:
		return scan_add_regex(o->include, &o->ninclude, arg);
	case CLAMOPT_INCLUDE_DIR:
		return scan_add_regex(o->include_dir, &o->ninclude_dir, arg);
	case CLAMOPT_DIR_DEPTH:
		v = strtol(arg, &end, 10);
		if (*end || end == arg || v < 0 || v > WALK_MAX_DEPTH)
			return -1;
		o->max_dir_depth = (int)v;
		return 0;
	case 'f':
		o->file_list = arg;
		return 0;
	case CLAMOPT_TEMPDIR:
		return 0; /* nothing is written to a temporary file */
	case CLAMOPT_QUARANTINE_MAX:
		return size_parse(arg, UINT64_MAX, &o->quarantine_cap);
	default:
		return 1;
	}
}

int clamopt_parse(int ch, const char *arg, struct scanopts *o)
{
	int rc = valued(ch, arg, o), v;

	if (rc <= 0)
		return rc;
	switch (ch) {
	case CLAMOPT_REMOVE:
		if ((v = yes(arg)) < 0)
			return -1;
		return v ? action(o, ACT_REMOVE, NULL) : 0;
	case CLAMOPT_CROSS_FS:
		if ((v = yes(arg)) < 0)
			return -1;
		o->no_cross_fs = !v;
		return 0;
	case CLAMOPT_LEAVE_TEMPS:
		return yes(arg) < 0 ? -1 : 0;
	case CLAMOPT_QUARANTINE: /* Vigil's: the encrypted store */
		if (!o->quarantine_cap)
			o->quarantine_cap = QSTORE_DEFAULT_CAP_BYTES;
		return action(o, ACT_QUARANTINE, arg);
	case CLAMOPT_BELL: o->bell = 1; return 0;
	case CLAMOPT_STDOUT: /* what went to standard error goes to output */
		return dup2(STDOUT_FILENO, STDERR_FILENO) < 0 ? -1 : 0;
	case CLAMOPT_DEBUG: o->verbose = 1; return 0;
	case 'o': o->infected_only = 1; return 0;
	case 'V':
		printf("vigil %s (libvigil %s)\n", VIGIL_VERSION_STRING,
		       vigil_version());
		exit(0);
	default:
		return 1;
	}
}
