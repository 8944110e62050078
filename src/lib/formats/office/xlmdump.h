/*
 * xlmdump.h -- an Excel workbook stream's records as clamscan's text dump
 * (xlmdump.c).
 */
#ifndef VIGIL_FORMATS_OFFICE_XLMDUMP_H
#define VIGIL_FORMATS_OFFICE_XLMDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/* Appends the dump of the BIFF records in b to out, at most max bytes.
 * Returns 0, 1 when the text reached max (out holds what fit), or
 * VIGIL_ENOMEM. */
int xlm_dump(const uint8_t *b, size_t len, size_t max, struct vbuf *out);

#endif
