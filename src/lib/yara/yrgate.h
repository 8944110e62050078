/*
 * yrgate.h -- the terms of a rule's condition that can be tested before
 * its strings are looked for (yrgate.c): of those the condition is the
 * "and" of, the ones that read only the data's size, integers at fixed
 * places and constants ("uint16(0) == 0x5a4d", "filesize < 2MB"). A rule
 * one of whose terms is false over a buffer is false whatever its
 * strings match there, so that a scan can pass over its strings.
 */
#ifndef VIGIL_YARA_YRGATE_H
#define VIGIL_YARA_YRGATE_H

#include <stddef.h>
#include <stdint.h>

#include "yara/yrast.h"

/* Rule r's terms, at most max into out; returns how many. */
size_t yr_rule_gates(const struct yr_rule *r, const struct yr_node **out,
		     size_t max);

/* A term as bytes (its nodes' kinds, operators and integers), so that the
 * same term of many rules is tested once: its length, or 0 if it does not
 * fit in max bytes. */
size_t yr_term_key(const struct yr_node *n, uint8_t *out, size_t max);

#endif
