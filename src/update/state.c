/*
 * state.c -- what earlier cycles established, in DBDIR/state/: the
 * version floors and the installed release (versions, common/updstate.h),
 * the trusted root when it changed, and the log's state (logcheck.c).
 * Each file is replaced whole (written aside, then renamed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fsutil.h"
#include "logcheck.h"
#include "state.h"

enum upd_error upd_state_load(struct uctx *c)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/state/versions", c->dir);
	if (updstate_load(path, &c->st) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", path, errno == EINVAL ?
			    "damaged" : strerror(errno));
	return U_OK;
}

enum upd_error upd_state_save(struct uctx *c)
{
	char path[4096], text[UPDSTATE_MAX_BYTES];
	int n = updstate_format(&c->st, text, sizeof(text));

	if (n < 0)
		return upd_fail(c, U_INSTALL, "the state does not fit %u bytes",
			    UPDSTATE_MAX_BYTES);
	snprintf(path, sizeof(path), "%s/state", c->dir);
	if (upd_mkdir_p(path, 0755) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", path, strerror(errno));
	if (c->root_changed) {
		snprintf(path, sizeof(path), "%s/state/root", c->dir);
		if (upd_write_atomic(path, c->root_text, c->root_len) < 0)
			return upd_fail(c, U_INSTALL, "%s: %s", path,
				    strerror(errno));
		c->root_changed = 0;
	}
	if (upd_log_state_save(c) < 0)
		return upd_fail(c, U_INSTALL, "%s/log: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/state/versions", c->dir);
	if (upd_write_atomic(path, text, (size_t)n) < 0)
		return upd_fail(c, U_INSTALL, "%s: %s", path, strerror(errno));
	return U_OK;
}
