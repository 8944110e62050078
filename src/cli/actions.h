/*
 * actions.h -- what `vigil scan` does with a file found infected, as
 * clamscan: --move=DIR, --copy=DIR, --remove. See actions.c.
 */
#ifndef VIGIL_CLI_ACTIONS_H
#define VIGIL_CLI_ACTIONS_H

#include <stddef.h>

#include <stdint.h>

enum action_kind { ACT_NONE, ACT_MOVE, ACT_COPY, ACT_REMOVE, ACT_QUARANTINE };

/* Starts the helper (before the scan confines itself): 0, or -1 said.
 * dir: where to move or copy, or the quarantine (qstore.h) with its cap
 * in bytes; paths (and the lines of file_list, if not NULL) are what the
 * command line named: nothing outside them is acted on. */
int actions_start(enum action_kind kind, const char *dir, uint64_t cap,
		  char *const *paths, size_t npaths, const char *file_list);
/* Acts on a file found infected as name: 0 done, -1 failed, 1 nothing to
 * do; the line to print in line ("PATH: moved to 'DEST'", or why not). */
int actions_apply(const char *path, const char *name, char *line,
		  size_t len);
void actions_stop(void);

#endif
