/*
 * ign.h -- ignore lists: .ign2 ("Name" or "Name:MD5-of-the-entry") and the
 * older .ign ("db:line:Name").
 */
#ifndef VIGIL_DB_IGN_H
#define VIGIL_DB_IGN_H

#include "db/sigset.h"

int ign_line(struct loadctx *lc, const char *s, size_t n, int old_format);

#endif
