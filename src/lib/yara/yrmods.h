/*
 * yrmods.h -- the modifiers after a string's value (yrmods.c).
 */
#ifndef VIGIL_YARA_YRMODS_H
#define VIGIL_YARA_YRMODS_H

#include "yara/yrstate.h"

void yr_modifiers(struct yr_parser *p, struct yr_string *s);

#endif
