/*
 * yrwide.h -- a YARA regular expression as PCRE2 source, and its wide
 * form: every atom that matches a character (a literal, an escape such as
 * \x41 or \d, a class, '.') followed by a zero byte, as yara matches a
 * "wide" regex; anchors, groups, alternatives and quantifiers as they are
 * (a count "{,m}" written "{0,m}", as yara reads it).
 */
#ifndef VIGIL_YARA_YRWIDE_H
#define VIGIL_YARA_YRWIDE_H

#include <stddef.h>

#include "util/vbuf.h"

/* re (n bytes) as PCRE2 source, in its wide form if wide, appended to
 * out, NUL-ended: 0, VIGIL_EINVAL if re ends inside an escape or a
 * class, or VIGIL_ENOMEM. */
int yr_regex_source(const char *re, size_t n, int wide, struct vbuf *out);

#endif
