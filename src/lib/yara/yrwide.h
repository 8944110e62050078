/*
 * yrwide.h -- a YARA regular expression's wide form: every atom that
 * matches a character (a literal, an escape such as \x41 or \d, a class,
 * '.') followed by a zero byte, as yara matches a "wide" regex; anchors,
 * groups, alternatives and quantifiers as they are.
 */
#ifndef VIGIL_YARA_YRWIDE_H
#define VIGIL_YARA_YRWIDE_H

#include <stddef.h>

#include "util/vbuf.h"

/* The wide form of re (n bytes) appended to out, NUL-ended: 0, -1 if re
 * ends inside an escape or a class, or VIGIL_ENOMEM. */
int yr_regex_widen(const char *re, size_t n, struct vbuf *out);

#endif
