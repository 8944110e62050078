/*
 * sevenz.h -- 7z archives decoded on several cores (see sevenz.c).
 */
#ifndef VIGIL_FORMATS_ARCHIVE_SEVENZ_H
#define VIGIL_FORMATS_ARCHIVE_SEVENZ_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"

/* sevenz_extract's "not read here": the archive is left to libarchive. */
#define SEVENZ_OTHER 2

/* 1 if buf starts with 7z's signature. */
int sevenz_is(const uint8_t *buf, size_t len);
/* 7z archives appended to a 7z that are opened too (7-Zip opens the
 * first only; another tool may look further). */
#define SEVENZ_MAX_APPENDED 8
/*
 * Extracts the 7z archive at buf: as fmt_child(), or SEVENZ_OTHER before
 * anything was announced when its headers are not ones this reader takes
 * or a folder needs a coder liblzma lacks. *end is set to where the
 * archive ends (its header's end) once its signature header was read.
 */
int sevenz_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		   size_t *end);

#endif
