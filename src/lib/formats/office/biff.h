/*
 * biff.h -- the sheets of an Excel workbook stream (biff.c).
 */
#ifndef VIGIL_FORMATS_OFFICE_BIFF_H
#define VIGIL_FORMATS_OFFICE_BIFF_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"

/* 1 if an OLE2 stream of this name holds a BIFF workbook. */
int biff_is_workbook(const char *name);
/* The records of a "Workbook" (BIFF8) or "Book" (BIFF5) stream, named
 * name: an Excel 4.0 macro sheet among its sheets is reported as XLM
 * macros. */
int biff_workbook(struct fmt_ctx *c, const char *name, const uint8_t *b,
		  size_t len);

#endif
