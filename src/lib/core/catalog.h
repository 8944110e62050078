/*
 * catalog.h -- signed catalogs (.cat) the engine trusts, and the PE
 * images they vouch for (catalog.c).
 */
#ifndef VIGIL_CORE_CATALOG_H
#define VIGIL_CORE_CATALOG_H

#include <stddef.h>
#include <stdint.h>

struct vigil_engine;

/* The PE members of the signed catalogs the engine trusts (warnings for
 * the others), after its shards are built: 0 or VIGIL_ENOMEM. */
int catalog_build(struct vigil_engine *e);

#endif
