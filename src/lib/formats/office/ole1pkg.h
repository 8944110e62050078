/*
 * ole1pkg.h -- OLE1 "Package" objects: the file they wrap.
 */
#ifndef VIGIL_FORMATS_OLE1PKG_H
#define VIGIL_FORMATS_OLE1PKG_H

#include "formats/format.h"

/*
 * Hands the file inside a Package's native data to fmt_child() under its
 * label; if the data does not parse, the whole of it. Returns as
 * fmt_child().
 */
int ole1_package(struct fmt_ctx *c, const uint8_t *b, size_t len);

#endif
