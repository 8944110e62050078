/*
 * pdfname.h -- PDF names as readers read them: "#xx" escapes undone, so
 * "/Fl#61teDecode" is /FlateDecode and "/Encr#79pt" is /Encrypt.
 */
#ifndef VIGIL_FORMATS_PDFNAME_H
#define VIGIL_FORMATS_PDFNAME_H

#include <stddef.h>
#include <stdint.h>

#include "common/reader.h"

/* Copies n bytes from in to out (room for n) with the escapes inside
 * names undone; returns the length written. */
size_t pdf_unescape_names(const uint8_t *in, size_t n, uint8_t *out);
/* Whether the name at r (its '/', not consumed) is name ("/JS"), written
 * plainly or escaped. */
int pdf_name_is(const struct rdr *r, const char *name);

#endif
