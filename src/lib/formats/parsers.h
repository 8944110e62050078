/*
 * parsers.h -- the probe and extract functions of every format parser, for
 * the table in dispatch.c. Each pair lives in its own file here.
 */
#ifndef VIGIL_FORMATS_PARSERS_H
#define VIGIL_FORMATS_PARSERS_H

#include "formats/format.h"

#define PARSER(name)                                                        \
	int name##_probe(const uint8_t *buf, size_t len, int type);          \
	int name##_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)

PARSER(archive);
PARSER(arj);
PARSER(compressed);
PARSER(mspack);
PARSER(mail);
PARSER(binhex);
PARSER(html);
PARSER(rtf);
PARSER(pdf);
PARSER(ole2);
PARSER(tnef);
PARSER(sis);
PARSER(embedpe);
PARSER(upx);
PARSER(yc);
PARSER(pepack);
PARSER(autoit);
PARSER(nsis);
PARSER(ishield);

#endif
