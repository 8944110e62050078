/*
 * decmpfs.h -- files an HFS+ volume stores compressed (decmpfs.c).
 */
#ifndef VIGIL_FORMATS_ARCHIVE_DECMPFS_H
#define VIGIL_FORMATS_ARCHIVE_DECMPFS_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

#define DECMPFS_ATTR "com.apple.decmpfs"
#define DECMPFS_INLINE 3	/* zlib (or raw) data in the attribute */
#define DECMPFS_RESOURCE 4	/* zlib (or raw) blocks in the resource fork */

/* The attribute's header: 0, or -1 if it is not one. */
int decmpfs_header(const uint8_t *attr, size_t n, uint32_t *type,
		   uint64_t *size);

/*
 * The file's data into out, at most max bytes: from the attribute itself
 * (DECMPFS_INLINE) or from the resource fork rsrc (DECMPFS_RESOURCE).
 * Returns 0, 1 (it outgrew max), FMT_DAMAGED or VIGIL_ENOMEM.
 */
int decmpfs_inline(const uint8_t *attr, size_t n, size_t max,
		   struct vbuf *out);
int decmpfs_resource(const uint8_t *rsrc, size_t n, size_t max,
		     struct vbuf *out);

#endif
