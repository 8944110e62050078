/*
 * iconmetrics.h -- ClamAV's icon metrics: what its icon matcher measures
 * of an icon (colour, gray, bright, dark, edged and flat areas, colour
 * spread) and how it scores one icon against an .idb entry.
 */
#ifndef VIGIL_CORE_ICONMETRICS_H
#define VIGIL_CORE_ICONMETRICS_H

#include <stdint.h>

#include "db/vdb_format.h"

/* Sides an icon is measured at: scaled icons end between these. */
#define ICON_SIDE_MIN 16
#define ICON_SIDE_MAX 32

/*
 * Measures a side x side image of 0xAARRGGBB pixels, rows top first
 * (side in ICON_SIDE_MIN..ICON_SIDE_MAX); img is overwritten (its edges
 * are drawn into it, as ClamAV does, whose later steps read them).
 * Returns 0, VIGIL_EINVAL (a side out of range) or VIGIL_ENOMEM.
 */
int iconmetrics_compute(uint32_t *img, unsigned side,
			struct vdb_icon_metrics *m);

/* 1 if icon (measured at icon->side) is close enough to entry sig. */
int iconmetrics_match(const struct vdb_icon_metrics *icon,
		      const struct vdb_icon_metrics *sig);

/* The 124 hex digits of an .idb line (and a NUL) into out. */
void iconmetrics_format(const struct vdb_icon_metrics *m, char out[125]);

#endif
