/*
 * clamav.h -- `vigil update --from-clamav MIRROR`: ClamAV's own databases
 * from a ClamAV mirror or a private (cvdupdate) mirror (clamav.c).
 */
#ifndef VIGIL_UPDATE_CLAMAV_H
#define VIGIL_UPDATE_CLAMAV_H

#include "ctx.h"

/* The databases followed unless --databases says otherwise. */
#define CLAMAV_DEFAULT_DBS "main,daily,bytecode"
/* The largest .cvd fetched, in bytes (the official main.cvd is about
 * 170 MB). */
#define CLAMAV_MAX_CVD_BYTES ((size_t)1 << 30)

/* One cycle against mirror: the databases that changed fetched, checked
 * and installed with the others as DBDIR/current. U_OK or why not. */
enum upd_error upd_clamav_cycle(struct uctx *c, const char *mirror);

#endif
