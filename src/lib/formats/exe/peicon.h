/*
 * peicon.h -- the icons of a PE image as ClamAV's icon matcher sees them:
 * the first icon group (RT_GROUP_ICON) of the resource tree, each entry's
 * icon (RT_ICON) in every language, decoded from its DIB (1, 4, 8, 16, 24
 * or 32 bits, AND mask, alpha blended on white) and brought to a side of
 * 16 to 32 pixels.
 */
#ifndef VIGIL_FORMATS_PEICON_H
#define VIGIL_FORMATS_PEICON_H

#include <stddef.h>
#include <stdint.h>

#include "formats/exe/pe.h"

/* Entries of the icon group read (ClamAV's MaxIconsPE default). */
#define PEICON_MAX_ICONS 100
/* Icons decoded and resource directory entries visited per image:
 * bounds on what a hostile tree can make the walk do. */
#define PEICON_MAX_DECODED 1000
#define PEICON_MAX_DIR_ENTRIES 65536

/* Called with each icon: img holds side x side 0xAARRGGBB pixels, top row
 * first, which the callee may change. 0 goes on, 1 stops the walk, a
 * negative code stops it and is returned. */
typedef int (*peicon_fn)(void *ctx, uint32_t *img, unsigned side);

/*
 * Walks the icons of b (parsed as pe). Returns 0 (every icon seen),
 * PEICON_STOPPED (the callback said so), PEICON_PARTIAL (a bound above
 * stopped the walk with icons left) or a negative code (VIGIL_ENOMEM, or
 * the callback's).
 */
#define PEICON_STOPPED 1
#define PEICON_PARTIAL 2
int peicon_each(const uint8_t *b, size_t len, const struct pe_info *pe,
		peicon_fn fn, void *ctx);

#endif
