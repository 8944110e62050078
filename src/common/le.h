/*
 * le.h -- little- and big-endian loads from bytes already known to be
 * there (the bounded reader's getters check; these are for spans a caller
 * has checked, such as a mapped image or a verified header). No
 * alignment is assumed.
 */
#ifndef VIGIL_COMMON_LE_H
#define VIGIL_COMMON_LE_H

#include <stdint.h>

static inline uint16_t le16_load(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32_load(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t le64_load(const uint8_t *p)
{
	return (uint64_t)le32_load(p) | (uint64_t)le32_load(p + 4) << 32;
}

static inline uint16_t be16_load(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32_load(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t be64_load(const uint8_t *p)
{
	return (uint64_t)be32_load(p) << 32 | (uint64_t)be32_load(p + 4);
}

#endif
