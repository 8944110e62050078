/*
 * yaraload.h -- YARA rules inside the engine (yaraload.c): .yar and .yara
 * sources (loose, in a directory or in a .cvd) gathered into one rule set
 * and compiled with the engine; yarascan.h runs them. A rule that matches
 * is the detection "YARA.<rule>" (ClamAV's name less its .UNOFFICIAL).
 */
#ifndef VIGIL_CORE_YARALOAD_H
#define VIGIL_CORE_YARALOAD_H

#include <stddef.h>
#include <stdint.h>

struct vigil_engine;

/* At engine compile: every shard's YARA sources compiled, the rules'
 * matcher and detection names. 0 or VIGIL_E* (a source that does not
 * compile: VIGIL_EFORMAT, logged as file:line:column); *nrules says how
 * many rules there are. */
int yaraload_compile(struct vigil_engine *e, uint64_t *nrules);
void yaraload_free(struct vigil_engine *e);

#endif
