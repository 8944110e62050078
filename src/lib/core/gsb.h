/*
 * gsb.h -- real URLs against the Safe Browsing style URL hashes of .gdb
 * files (gsb.c).
 */
#ifndef VIGIL_CORE_GSB_H
#define VIGIL_CORE_GSB_H

struct vigil_engine;

/* The heuristic a real URL's hashes name, or NULL. */
const char *gsb_check(const struct vigil_engine *e, const char *url);

#endif
