/*
 * yarascan.h -- YARA rules inside the engine (yarascan.c): .yar and .yara
 * sources (loose, in a directory or in a .cvd) gathered into one rule set,
 * compiled with the engine, and run over every object a scan reaches; a
 * rule that matches is the detection "YARA.<rule>" (ClamAV's name less
 * its .UNOFFICIAL).
 */
#ifndef VIGIL_CORE_YARASCAN_H
#define VIGIL_CORE_YARASCAN_H

#include <stddef.h>
#include <stdint.h>

struct vigil_engine;
struct vigil_scanner;

/* The loader's callback for a YARA source (db/sigset.h): 0 or VIGIL_E*. */
int yarascan_add(void *engine, const char *name, const uint8_t *buf,
		 size_t len);
/* At engine compile: the rules' matcher and detection names. 0 or
 * VIGIL_E*; *nrules says how many rules there are. */
int yarascan_compile(struct vigil_engine *e, uint64_t *nrules);
void yarascan_engine_free(struct vigil_engine *e);

/* A scanner's part: 0 or VIGIL_ENOMEM. */
int yarascan_scanner_new(struct vigil_scanner *s);
void yarascan_scanner_free(struct vigil_scanner *s);
/* The rules over one object: detections reported; 0, a stop, or
 * VIGIL_E*. */
int yarascan_object(struct vigil_scanner *s, const uint8_t *buf, size_t len);

#endif
