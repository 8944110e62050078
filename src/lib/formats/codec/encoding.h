/*
 * encoding.h -- the text encodings of mail and documents: base64,
 * quoted-printable, uuencode, and HTML's character references. Decoders
 * read any bytes and skip what does not belong; output never exceeds max
 * bytes (then *over is set), or, for references, the input's length.
 */
#ifndef VIGIL_FORMATS_ENCODING_H
#define VIGIL_FORMATS_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/* Each returns 0, or VIGIL_ENOMEM. */
int enc_base64(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	       int *over);
int enc_qp(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	   int *over);
/*
 * Decodes the uuencoded lines that follow a "begin" line at in[0..len) up
 * to "end"; *used is set to the bytes consumed.
 */
int enc_uu(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
	   int *over, size_t *used);

/*
 * HTML character references (&lt; &#65; &#x41;...), as a browser decodes
 * them in text and attribute values: the one at in[0] ('&') into *ch,
 * returning the bytes it takes (0: none, or wider than a byte, left as it
 * is); or every one in in[0..len) into out (room for len bytes), returning
 * the length written.
 */
size_t enc_html_ref(const uint8_t *in, size_t len, uint8_t *ch);
size_t enc_html_refs(const uint8_t *in, size_t len, uint8_t *out);

/* Finds the next "begin NNN name" line at or after from; -1 if none. */
long enc_uu_find(const uint8_t *in, size_t len, size_t from, char *name,
		 size_t cap);

#endif
