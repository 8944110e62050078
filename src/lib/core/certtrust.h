/*
 * certtrust.h -- what the engine's .crb lines say of an Authenticode
 * signature (certtrust.c).
 */
#ifndef VIGIL_CORE_CERTTRUST_H
#define VIGIL_CORE_CERTTRUST_H

#include "formats/exe/authenticode.h"

struct vigil_engine;

/* The name of a blocked line one of sig's certificates matches, or NULL. */
const char *certtrust_blocked(const struct vigil_engine *e,
			      const struct ac_sig *sig);
/* 1 if sig is valid, dated while its signer's certificate was valid, and
 * made by a signer the .crb lines trust to sign code. */
int certtrust_trusted(const struct vigil_engine *e, const struct ac_sig *sig);

#endif
