/*
 * filetype.h -- recognising an object's type by its content, and the
 * ClamAV target types that apply to it.
 */
#ifndef VIGIL_CORE_FILETYPE_H
#define VIGIL_CORE_FILETYPE_H

#include <stddef.h>
#include <stdint.h>

/* Bytes examined to tell text from binary (as ClamAV), and for markers. */
#define FILETYPE_TEXT_SAMPLE_BYTES 1024
#define FILETYPE_SAMPLE_BYTES 4096

int filetype_detect(const uint8_t *buf, size_t len);
/* Bitmask of target types matched against the raw bytes. */
uint32_t filetype_raw_targets(int type);
/* Bitmask of target types matched against normalised text, or 0. */
uint32_t filetype_norm_targets(int type);

#endif
