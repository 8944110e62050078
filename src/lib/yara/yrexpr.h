/*
 * yrexpr.h -- a rule's condition (yrexpr.c).
 */
#ifndef VIGIL_YARA_YREXPR_H
#define VIGIL_YARA_YREXPR_H

#include "yara/yrstate.h"

struct yr_node *yr_parse_cond(struct yr_parser *p);

#endif
