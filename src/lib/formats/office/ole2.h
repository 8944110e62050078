/*
 * ole2.h -- what the readers of streams inside OLE2 files (VBA projects,
 * PowerPoint records) need from the compound-file parser.
 */
#ifndef VIGIL_FORMATS_OLE2_H
#define VIGIL_FORMATS_OLE2_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"
#include "util/vbuf.h"

struct ole2;

/* Index of the stream or storage named name in a storage, or UINT32_MAX. */
uint32_t ole2_find(const struct ole2 *o, uint32_t storage, const char *name);
/* Reads directory entry idx's data: 0, 1 (over the size limit), -1. */
int ole2_read(const struct ole2 *o, uint32_t idx, struct vbuf *out);
struct fmt_ctx *ole2_ctx(const struct ole2 *o);

/* vba.c: the module source of the VBA project in storage vba. */
int vba_project(struct ole2 *o, uint32_t vba);
/* ppt.c: the OLE objects embedded in a "PowerPoint Document" stream. */
int ppt_objects(struct fmt_ctx *c, const uint8_t *b, size_t len);

#endif
