/*
 * offcrypto.h -- encrypted Office Open XML packages inside OLE2 files
 * (offcrypto.c).
 */
#ifndef VIGIL_FORMATS_OFFICE_OFFCRYPTO_H
#define VIGIL_FORMATS_OFFICE_OFFCRYPTO_H

#include "formats/office/olefs.h"

/* The encrypted package of o, if it has one: decrypted and handed on when
 * Excel's built-in password opens it, else Heuristics.Encrypted.OLE2.
 * Returns as fmt_child(). */
int offcrypto_package(struct ole2 *o);

#endif
