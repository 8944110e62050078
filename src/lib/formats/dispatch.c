/*
 * dispatch.c -- the format table: which family takes an object, the first
 * whose probe does. Probes look at the type and a few magic bytes only;
 * the dispatcher never parses. Where two take the same type, the first
 * wins: single compressed streams before libarchive's reader. The
 * executable family orders its own stages (exe/pipeline.c).
 */
#include <string.h>

#include "formats/format.h"
#include "formats/parsers.h"
#include "vigil/vigil.h"

#define ARC VIGIL_FAMILY_ARCHIVE
#define MAIL VIGIL_FAMILY_MAIL

static const struct format formats[] = {
	/* a disk image's trailer outranks what its first run looks like */
	{ "dmg", ARC, dmg_probe, dmg_extract, NULL },
	{ "compressed", ARC, compressed_probe, compressed_extract, NULL },
	{ "udf", ARC, udf_probe, udf_extract, NULL }, /* its first 32 KiB are free */
	{ "arj", ARC, arj_probe, arj_extract, NULL },
	{ "archive", ARC, archive_probe, archive_extract, NULL },
	{ "mspack", ARC, mspack_probe, mspack_extract, NULL },
	{ "mail", MAIL, mail_probe, mail_extract, NULL },
	{ "binhex", MAIL, binhex_probe, binhex_extract, NULL },
	{ "xdp", VIGIL_FAMILY_PDF, NULL, xdp_extract, xdp_marked }, /* before html */
	{ "hwpml", VIGIL_FAMILY_XMLDOCS, hwpml_probe, hwpml_extract, NULL },
	{ "hwp3", VIGIL_FAMILY_HWP, hwp3_probe, hwp3_extract, NULL },
	{ "msxml", VIGIL_FAMILY_XMLDOCS, msxml_probe, msxml_extract, NULL },
	{ "html", VIGIL_FAMILY_HTML, html_probe, html_extract, NULL },
	{ "swf", VIGIL_FAMILY_SWF, swf_probe, swf_extract, NULL },
	{ "rtf", VIGIL_FAMILY_OLE2, rtf_probe, rtf_extract, NULL },
	{ "pdf", VIGIL_FAMILY_PDF, pdf_probe, pdf_extract, NULL },
	{ "ole2", VIGIL_FAMILY_OLE2, ole2_probe, ole2_extract, NULL },
	{ "tnef", MAIL, tnef_probe, tnef_extract, NULL },
	{ "sis", ARC, sis_probe, sis_extract, NULL },
	{ "onenote", VIGIL_FAMILY_ONENOTE, onenote_probe, onenote_extract, NULL },
	{ "mbr", ARC, mbr_probe, mbr_extract, NULL },
	{ "alz", ARC, alz_probe, alz_extract, NULL },
	{ "egg", ARC, egg_probe, egg_extract, NULL },
	{ "gpt", ARC, gpt_probe, gpt_extract, NULL },
	{ "apm", ARC, apm_probe, apm_extract, NULL },
	{ "hfsplus", ARC, hfsplus_probe, hfsplus_extract, NULL },
	{ "exe", VIGIL_FAMILY_PE, exe_probe, exe_extract, NULL }, /* own order */
};

const struct format *format_for(const uint8_t *buf, size_t len, int type,
				const struct magic_hits *h)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].probe ? formats[i].probe(buf, len, type) :
				       formats[i].by_marks(h, type))
			return &formats[i];
	return NULL;
}

static const struct format embedded = { "embedded", ARC, NULL,
					embedded_extract, NULL };

const struct format *format_embedded(const uint8_t *buf, size_t len,
				     int type, const struct magic_hits *h)
{
	return embedded_wanted(buf, len, type, h) ? &embedded : NULL;
}
