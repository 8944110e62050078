/*
 * parsers.h -- the probe and extract functions of every format family,
 * for the table in dispatch.c (and for a family that hands part of an
 * object to another: an appended archive is the archive family's). Each
 * pair lives in its own file under formats/; the executable family is a
 * pipeline of stages of its own (exe/pipeline.c, exe/stages.h).
 */
#ifndef VIGIL_FORMATS_PARSERS_H
#define VIGIL_FORMATS_PARSERS_H

#include "formats/format.h"

#define PARSER(name)                                                        \
	int name##_probe(const uint8_t *buf, size_t len, int type);          \
	int name##_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)

PARSER(compressed);	/* archive/compressed.c */
PARSER(arj);		/* archive/arj.c */
PARSER(archive);	/* archive/archive.c */
PARSER(mspack);		/* archive/mspack.c */
PARSER(sis);		/* archive/sis.c */
PARSER(mbr);		/* archive/mbr.c */
PARSER(alz);		/* archive/alz.c */
PARSER(egg);		/* archive/egg.c */
PARSER(dmg);		/* archive/dmg.c */
PARSER(gpt);		/* archive/gpt.c */
PARSER(apm);		/* archive/apm.c */
PARSER(hfsplus);	/* archive/hfsplus.c */
PARSER(udf);		/* archive/udf.c */
PARSER(mail);		/* mail/mail.c */
PARSER(binhex);		/* mail/binhex.c */
PARSER(tnef);		/* mail/tnef.c */
PARSER(html);		/* web/html.c */
PARSER(swf);		/* web/swf.c */
/* web/xdp.c: known by its mark */
int xdp_marked(const struct magic_hits *h, int type);
int xdp_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len);
PARSER(rtf);		/* office/rtf.c */
PARSER(ole2);		/* office/ole2.c */
PARSER(onenote);	/* office/onenote.c */
PARSER(hwpml);		/* office/hwpml.c */
PARSER(hwp3);		/* office/hwp3.c */
PARSER(msxml);		/* office/msxml.c */
PARSER(pdf);		/* pdf/pdf.c */
PARSER(exe);		/* exe/pipeline.c */

/* Containers inside or after any object (archive/embedded.c), at the
 * offsets match/magic.c found: the core asks whether there is anything to
 * open (1 if the object holds a container its own family does not read),
 * then has it opened after the family (fmt_hits(c) says where). */
int embedded_wanted(const uint8_t *buf, size_t len, int type,
		    const struct magic_hits *h);
int embedded_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len);
/* libarchive, and the compressed streams, on what may not be an archive
 * or a stream at all (found inside another object): no warning when it
 * does not open; what comes out is a contained object. */
int archive_extract_guess(struct fmt_ctx *c, const uint8_t *buf, size_t len);
int compressed_extract_guess(struct fmt_ctx *c, const uint8_t *buf,
			     size_t len);

#endif
