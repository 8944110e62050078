/*
 * cli.h -- what the parts of the vigil program share: the commands, the
 * engine setup from -d options, and small helpers. The program uses only
 * libvigil's public API.
 */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/vigil.h"

#define EXIT_CLEAN 0
#define EXIT_FOUND 1
#define EXIT_ERROR 2

/* Signature sources to load and how. */
struct dbsetup {
	const char **paths;	/* -d arguments; none: the default database */
	size_t npaths;
	unsigned flags;		/* VIGIL_ENGINE_* */
	const char *cache_dir;	/* NULL: no matcher cache */
	const char *cvd_key;	/* --cvd-key: trusted beside ClamAV's */
	const char *certs_dir;	/* --cvdcertsdir; NULL: ClamAV's default */
	int verbose;		/* every load warning, not the first few */
	int quiet;
};

/* Builds and compiles an engine; prints its own errors. 0 or -1. */
int dbsetup_engine(struct dbsetup *d, struct vigil_engine **out);
/* The default matcher cache directory, or NULL. */
const char *dbsetup_default_cache(void);
/* Directory with the bundled database, for the default set. */
const char *dbsetup_bundled(void);

int cmd_scan(int argc, char **argv);

/* Confines this process for scanning (sandbox.c); 0, or -1 after printing
 * why (an error, or a missing layer when require is set). */
int scan_confine(int require);
/* Tries to escape the sandbox through path and prints what happened;
 * EXIT_CLEAN when only reading worked, else EXIT_ERROR. */
int scan_sandbox_probe(const char *path);
int cmd_db(int argc, char **argv);
/* `vigil quarantine`: the store `vigil scan --quarantine` fills. */
int cmd_quarantine(int argc, char **argv);
/* `vigil yara`: yara's command line (cmd_yara.c); yara's exit status. */
int cmd_yara(int argc, char **argv);

/* Seconds since an arbitrary start, monotonic. */
double now_seconds(void);

#endif
