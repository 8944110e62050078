/*
 * root.h -- the client's root of trust (root.c).
 */
#ifndef VIGIL_UPDATE_ROOT_H
#define VIGIL_UPDATE_ROOT_H

#include <stddef.h>

#include "ctx.h"

/* The trusted root: the stored one, or the --trust file at first. */
enum upd_error upd_root_load(struct uctx *c);
/* Takes m (verified) and its text (len bytes) as the trusted root. */
void upd_root_adopt(struct uctx *c, const struct manifest *m, char *text,
		    size_t len);

#endif
