/*
 * cltypes.h -- ClamAV's file type (CL_TYPE_*) of an object, for the
 * target-block keys that name the containers of what is matched.
 */
#ifndef VIGIL_CORE_CLTYPES_H
#define VIGIL_CORE_CLTYPES_H

#include <stddef.h>
#include <stdint.h>

/* The enum cl_type of buf[0..len), whose Vigil type is type. */
int cltypes_of(const uint8_t *buf, size_t len, int type);

/* Vigil's type (enum vigil_file_type) that reads a cl_type's objects,
 * or -1 if none does. */
int cltypes_vigil(int cltype);

#endif
