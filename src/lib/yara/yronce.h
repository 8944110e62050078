/*
 * yronce.h -- which of a rule's strings its condition needs only to have
 * matched somewhere (yronce.c): not where, how often or how long. A scan
 * whose caller does not want the matches listed can stop looking for such
 * a string at its first match.
 */
#ifndef VIGIL_YARA_YRONCE_H
#define VIGIL_YARA_YRONCE_H

#include <stdint.h>

#include "yara/yrast.h"

/* Sets once[k] for each string k of r (in order) that its condition reads
 * only as "matched or not" ($a, "any/all/N of" without "in"), 0 for the
 * others (#a, @a, !a, $a at/in, of..in, for..of). */
void yr_strings_once(const struct yr_rule *r, uint8_t *once);

#endif
