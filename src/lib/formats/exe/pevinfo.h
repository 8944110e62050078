/*
 * pevinfo.h -- where the key/value strings of a PE's version information
 * (VS_VERSIONINFO, resource type 16) start: the places that body
 * signatures with the offset VI are matched at.
 */
#ifndef VIGIL_FORMATS_PEVINFO_H
#define VIGIL_FORMATS_PEVINFO_H

#include <stddef.h>
#include <stdint.h>

#include "formats/exe/pe.h"

/* Strings kept per image. */
#define PEVINFO_MAX_STRINGS 64

/*
 * Fills at[] with the file offsets of each string's key (its UTF-16 key,
 * terminator, padding, then value: what a VI signature is the hex of).
 * Returns how many (at most PEVINFO_MAX_STRINGS).
 */
unsigned pevinfo_offsets(const uint8_t *b, size_t len,
			 const struct pe_info *pe, uint64_t *at);

#endif
