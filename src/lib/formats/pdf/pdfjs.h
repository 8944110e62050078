/*
 * pdfjs.h -- JavaScript a PDF holds in strings rather than streams
 * ("/JS (...)" or "/JS <...>"), decoded as a reader decodes the string.
 */
#ifndef VIGIL_FORMATS_PDFJS_H
#define VIGIL_FORMATS_PDFJS_H

#include "formats/format.h"

/* Hands each such script to fmt_child() as "js-N"; returns as it does. */
int pdf_js_strings(struct fmt_ctx *c, const uint8_t *buf, size_t len);

#endif
