/*
 * actions.h -- what `vigil scan` does with a file found infected, as
 * clamscan: --move=DIR, --copy=DIR, --remove. See actions.c.
 */
#ifndef VIGIL_CLI_ACTIONS_H
#define VIGIL_CLI_ACTIONS_H

#include <stddef.h>

enum action_kind { ACT_NONE, ACT_MOVE, ACT_COPY, ACT_REMOVE };

/* Starts the helper (before the scan confines itself): 0, or -1 said. */
int actions_start(enum action_kind kind, const char *dir);
/* Acts on a file found infected: 0 done, -1 failed, 1 nothing to do; the
 * line to print in line ("PATH: moved to 'DEST'", or the failure). */
int actions_apply(const char *path, char *line, size_t len);
void actions_stop(void);

#endif
