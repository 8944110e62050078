/*
 * xmlelem.h -- the text of an XML element found by its local name
 * (xmlelem.c), for the formats that carry data in one element (XDP's
 * <chunk>, HWPML's <BINDATA>, Word 2003 XML's <w:binData>).
 */
#ifndef VIGIL_FORMATS_CODEC_XMLELEM_H
#define VIGIL_FORMATS_CODEC_XMLELEM_H

#include <stddef.h>
#include <stdint.h>

struct xml_elem {
	const uint8_t *tag;	/* its start tag, from '<' */
	const uint8_t *text;	/* its text, up to the next "</" */
	size_t text_len;
};

/*
 * The next element whose local name (after any "prefix:") is local, in
 * any case, from *pos on in b[0..len); *pos moves past its text. 1 if one
 * was found, 0 if not.
 */
int xml_next(const uint8_t *b, size_t len, size_t *pos, const char *local,
	     struct xml_elem *e);
/* 1 if the start tag's attribute (by its exact name) has the value want
 * (in any case). */
int xml_attr_is(const struct xml_elem *e, const char *name, const char *want);

#endif
