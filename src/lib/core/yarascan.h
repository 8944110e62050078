/*
 * yarascan.h -- the engine's YARA rules (yaraload.h) over each object a
 * scan reaches (yarascan.c).
 */
#ifndef VIGIL_CORE_YARASCAN_H
#define VIGIL_CORE_YARASCAN_H

#include <stddef.h>
#include <stdint.h>

struct vigil_scanner;

/* A scanner's part: 0 or VIGIL_ENOMEM. */
int yarascan_scanner_new(struct vigil_scanner *s);
void yarascan_scanner_free(struct vigil_scanner *s);
/* The rules over one object of type (VIGIL_TYPE_*), with the externals
 * filename, filepath, extension and filetype its own: detections
 * reported; 0, a stop, or VIGIL_E*. */
int yarascan_object(struct vigil_scanner *s, const uint8_t *buf, size_t len,
		    int type);

#endif
