/*
 * dispatch.c -- the format table: which parser takes an object. Probes
 * look at the type and a few magic bytes only; the dispatcher never parses.
 */
#include <string.h>

#include "formats/format.h"
#include "formats/parsers.h"
#include "formats/sfx.h"

static const struct format formats[] = {
	{ "compressed", compressed_probe, compressed_extract },
	{ "arj", arj_probe, arj_extract },
	{ "archive", archive_probe, archive_extract },
	{ "mspack", mspack_probe, mspack_extract },
	{ "mail", mail_probe, mail_extract },
	{ "binhex", binhex_probe, binhex_extract },
	{ "html", html_probe, html_extract },
	{ "rtf", rtf_probe, rtf_extract },
	{ "pdf", pdf_probe, pdf_extract },
	{ "ole2", ole2_probe, ole2_extract },
	{ "tnef", tnef_probe, tnef_extract },
	{ "sis", sis_probe, sis_extract },
	{ "autoit", autoit_probe, autoit_extract },
	{ "yc", yc_probe, yc_extract },
	{ "upx", upx_probe, upx_extract },
	{ "pe-packer", pepack_probe, pepack_extract },
	{ "sfx", sfx_probe, sfx_extract },
	{ "nsis", nsis_probe, nsis_extract },
	{ "installshield", ishield_probe, ishield_extract },
	{ "embedded-pe", embedpe_probe, embedpe_extract },
};

const struct format *format_for(const uint8_t *buf, size_t len, int type)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].probe(buf, len, type))
			return &formats[i];
	return NULL;
}

int fmt_extract_after(struct fmt_ctx *c, const char *name, const uint8_t *buf,
		      size_t len)
{
	size_t i;
	int after = 0;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (after && formats[i].probe(buf, len, fmt_type(c)))
			return formats[i].extract(c, buf, len);
		after = after || !strcmp(formats[i].name, name);
	}
	return 0;
}
