/*
 * hwp5.h -- the compressed streams of HWP 5 documents (hwp5.c).
 */
#ifndef VIGIL_FORMATS_OFFICE_HWP5_H
#define VIGIL_FORMATS_OFFICE_HWP5_H

#include "formats/office/olefs.h"

/* The flags of o's HWP 5 file header, and 1, if o is an HWP 5 document;
 * 0 otherwise. */
int hwp5_header(const struct ole2 *o, uint32_t *flags);
/* A stream of an HWP 5 document with header flags: a compressed one is
 * inflated into a contained object ("<path>.inflated"); one the document's
 * password hides is Heuristics.Encrypted.HWP. Returns as fmt_child(). */
int hwp5_stream(struct fmt_ctx *c, uint32_t flags, const char *name,
		const char *path, const uint8_t *b, size_t len);

#endif
