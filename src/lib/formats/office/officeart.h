/*
 * officeart.h -- the pictures of an Office drawing group (officeart.c).
 */
#ifndef VIGIL_FORMATS_OFFICE_OFFICEART_H
#define VIGIL_FORMATS_OFFICE_OFFICEART_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"

/* Every picture in the blip store of an OfficeArtDggContainer (an Excel
 * workbook's drawing group), each a child object. Returns as fmt_child. */
int officeart_pictures(struct fmt_ctx *c, const uint8_t *b, size_t len);

#endif
