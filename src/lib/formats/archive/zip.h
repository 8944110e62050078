/*
 * zip.h -- a zip archive's entries from its central directory (zip.c).
 */
#ifndef VIGIL_FORMATS_ARCHIVE_ZIP_H
#define VIGIL_FORMATS_ARCHIVE_ZIP_H

#include <stddef.h>
#include <stdint.h>

#include "formats/archive/zipdir.h"
#include "formats/format.h"

/* Every record of zd (read from buf) decoded and handed to fmt_child():
 * as fmt_child() returns. */
int zip_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		const struct zipdir *zd);

#endif
