/*
 * peres.h -- the resources of a PE image, as objects.
 */
#ifndef VIGIL_FORMATS_PERES_H
#define VIGIL_FORMATS_PERES_H

#include <stddef.h>
#include <stdint.h>

struct fmt_ctx;

/* Hands over every resource of the image: as fmt_child(). */
int peres_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len);

#endif
