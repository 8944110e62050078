/*
 * vba.h -- the source of the VBA macros of an OLE2 file (vba.c).
 */
#ifndef VIGIL_FORMATS_OFFICE_VBA_H
#define VIGIL_FORMATS_OFFICE_VBA_H

#include "formats/office/olefs.h"

/* The module source of the VBA project in storage vba, each handed on. */
int vba_project(struct ole2 *o, uint32_t vba);

#endif
