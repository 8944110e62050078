/*
 * install.h -- installing a verified database (install.c).
 */
#ifndef VIGIL_UPDATE_INSTALL_H
#define VIGIL_UPDATE_INSTALL_H

#include <stddef.h>

#include "ctx.h"

/* Installs data (the verified database of release r) as current. */
enum upd_error upd_install(struct uctx *c, const struct manifest *r,
			   const void *data, size_t len);
/* Installs tmp, a complete and checked directory of databases, as
 * DBDIR/v/name (name "N-..."), and makes it current. */
enum upd_error upd_install_dir(struct uctx *c, const char *tmp,
			       const char *name);
/* Removes what an install cut short left in DBDIR/tmp. */
void upd_clean_tmp(struct uctx *c);
/* The release number of a version directory's name ("N-hash"): 0, or -1
 * if the name is not one. */
int upd_version_of(const char *name, unsigned long long *v);

#endif
