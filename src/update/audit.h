/*
 * audit.h -- --audit (audit.c).
 */
#ifndef VIGIL_UPDATE_AUDIT_H
#define VIGIL_UPDATE_AUDIT_H

#include "ctx.h"

/* The journal's chain and the kept databases: 0, or 1 if anything is
 * wrong (printed). */
int upd_audit(struct uctx *c);

#endif
