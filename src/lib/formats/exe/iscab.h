/*
 * iscab.h -- InstallShield cabinets: a header (dataN.hdr) and the volumes
 * it describes (dataN.cab, dataN+1.cab...), found by the caller.
 */
#ifndef VIGIL_FORMATS_ISCAB_H
#define VIGIL_FORMATS_ISCAB_H

#include <stddef.h>
#include <stdint.h>

struct fmt_ctx;

/* Volume number v (from 1) of the cabinet, or NULL if it is not at hand. */
typedef const uint8_t *(*iscab_volume_fn)(void *ctx, unsigned v,
					  size_t *len);

/* 1 if b starts like a cabinet header ("ISc("). */
int iscab_is_header(const uint8_t *b, size_t len);
/* Hands over every file the header describes. Returns as fmt_child(). */
int iscab_extract(struct fmt_ctx *c, const uint8_t *hdr, size_t hlen,
		  iscab_volume_fn volume, void *ctx);

#endif
