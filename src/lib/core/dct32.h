/*
 * dct32.h -- a DCT-II of 32 single-precision values computed the way the
 * rustdct crate (0.7) plans and computes it, which ClamAV's image fuzzy
 * hash uses, so that every rounding step is the same (core/imghash.c).
 */
#ifndef VIGIL_CORE_DCT32_H
#define VIGIL_CORE_DCT32_H

/* Transforms x[0..32) in place (unnormalised DCT-II). */
void dct32(float x[32]);

#endif
