/*
 * sfx.h -- the archive appended to a self-extracting executable.
 */
#ifndef VIGIL_FORMATS_SFX_H
#define VIGIL_FORMATS_SFX_H

#include <stddef.h>
#include <stdint.h>

struct fmt_ctx;

/* ELF self-extractors (PE ones are found by embedpe.c, which calls
 * sfx_extract() before looking for embedded images). */
int sfx_probe(const uint8_t *buf, size_t len, int type);
/* Extracts the archive in a PE's or ELF's overlay, if any (for a PE out
 * of a container, else one in its sections): as fmt_child(). */
int sfx_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len);

#endif
