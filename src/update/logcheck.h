/*
 * logcheck.h -- the public log as the client checks it (logcheck.c): the
 * manifests it installs must be leaves of a log that is consistent with
 * what it saw before; two that cannot both be true raise an alarm that
 * stays until an administrator clears it.
 */
#ifndef VIGIL_UPDATE_LOGCHECK_H
#define VIGIL_UPDATE_LOGCHECK_H

#include "ctx.h"

/* The manifests are in the public log, which is consistent with what this
 * client saw before. */
enum upd_error upd_log_check(struct uctx *c, const char *mirror,
			 const struct manifest *ts, const struct text *tg,
			 const struct text *rel);
/* The public log now: its checkpoint verified with the trusted root, all
 * its leaf hashes from tiles (malloc'd), the tree seen before a prefix. */
enum upd_error upd_log_fetch_all(struct uctx *c, const char *mirror,
			     uint8_t (**leaves)[SHA256_BYTES], uint64_t *n);
/* Loads and saves state/log (leaf hashes) and state/checkpoint. */
int upd_log_state_load(struct uctx *c);
int upd_log_state_save(struct uctx *c);
/* The persistent split-view alarm: set, or asked about. */
void upd_alarm_raise(struct uctx *c, const char *why);
int upd_alarm_raised(const struct uctx *c);

#endif
