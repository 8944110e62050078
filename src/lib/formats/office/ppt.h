/*
 * ppt.h -- the OLE objects embedded in a PowerPoint document (ppt.c).
 */
#ifndef VIGIL_FORMATS_OFFICE_PPT_H
#define VIGIL_FORMATS_OFFICE_PPT_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"

/* The objects of a "PowerPoint Document" stream, each handed on. */
int ppt_objects(struct fmt_ctx *c, const uint8_t *b, size_t len);

#endif
