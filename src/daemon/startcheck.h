/*
 * startcheck.h -- what vigild checks before it starts, run alike by the
 * daemon and by --check-config, and the switch to the configured User once
 * the listeners are bound (as clamd does).
 */
#ifndef VIGILD_STARTCHECK_H
#define VIGILD_STARTCHECK_H

#include <stddef.h>

#include "config.h"

/*
 * Checks the settings no single line can (DatabaseDirectory set and
 * there, something to listen on, User and LocalSocketGroup known) and sets
 * c->db_dir: DatabaseDirectory, or its current/ when it is vigil update's
 * directory. 0, or -1 with a one-line reason in err.
 */
int start_check(struct vconf *c, char *err, size_t errlen);

/* Becomes User (its group; with AllowSupplementaryGroups, its other
 * groups too) when started as root: 0, or -1 with err. Started as another
 * user, it can only stay that user: logged, not refused. */
int drop_privileges(const struct vconf *c, char *err, size_t errlen);

#endif
