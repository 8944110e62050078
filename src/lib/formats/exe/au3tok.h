/*
 * au3tok.h -- AutoIt 3.2+ (EA06) keeps a compiled script as tokens: a
 * line count, then per line keywords, names, literals and operators, each
 * a byte code and its operand, ended by 0x7f. au3_detokenize() writes the
 * script back as text (tokens separated by spaces, lines by CRLF), so
 * that signatures written for script text match it.
 */
#ifndef VIGIL_FORMATS_AU3TOK_H
#define VIGIL_FORMATS_AU3TOK_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/*
 * The text of the n bytes of tokens at in, appended to out: 0; 1 when it
 * would pass max bytes (out holds max); FMT_DAMAGED for an unknown token
 * or one cut short (out holds the text before it); VIGIL_ENOMEM.
 */
int au3_detokenize(const uint8_t *in, size_t n, size_t max, struct vbuf *out);

/*
 * UTF-16LE text (a byte-order mark skipped) as UTF-8, for EA05's Unicode
 * scripts: 0, 1 past max (out holds max bytes), VIGIL_ENOMEM.
 */
int au3_utf16_text(const uint8_t *in, size_t n, size_t max, struct vbuf *out);

#endif
