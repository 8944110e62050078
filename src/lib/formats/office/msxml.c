/*
 * msxml.c -- Word and Excel 2003 XML documents: what they embed (OLE
 * objects, pictures, the "editdata.mso" of macros) is base64 in binData
 * elements (w:binData and the like); each is decoded and handed over
 * ("bindata-N"), as ClamAV reads them (MSXML_MAX_PARTS of them, more is
 * the MaxFiles limit). Recognised as ClamAV's type says:
 * an XML declaration and, in the first KiB, a Word document or workbook
 * root (<w:wordDocument, <Workbook, <x:Workbook) or a progid naming Word
 * or Excel.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "formats/codec/encoding.h"
#include "formats/codec/xmlelem.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define MSXML_LOOK_BYTES 1024
#define MSXML_MAX_PARTS 256

int msxml_probe(const uint8_t *buf, size_t len, int type)
{
	static const char *const roots[] = {
		"<w:wordDocument", "<wordDocument", "<Workbook", "<x:Workbook",
		"progid=\"Word.Document\"", "progid=\"Excel.Sheet\"",
	};
	size_t n = len < MSXML_LOOK_BYTES ? len : MSXML_LOOK_BYTES, i;

	if ((type != VIGIL_TYPE_TEXT && type != VIGIL_TYPE_HTML) ||
	    !memmem(buf, n, "<?xml", 5))
		return 0;
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (memmem(buf, n, roots[i], strlen(roots[i])))
			return 1;
	return 0;
}

int msxml_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct xml_elem e;
	size_t pos = 0;
	unsigned n = 0;
	int rc = 0;

	while (!rc && xml_next(buf, len, &pos, "binData", &e)) {
		struct vbuf out = { 0 };
		char name[32];
		int over = 0;

		if (n == MSXML_MAX_PARTS) /* parts left past the bound */
			return fmt_unreadable(c, FMT_MAXFILES);
		snprintf(name, sizeof(name), "bindata-%u", ++n);
		rc = enc_base64(e.text, e.text_len, fmt_max_child(c), &out,
				&over);
		if (rc == 0 && over)
			rc = fmt_too_big(c, name);
		else if (rc == 0 && out.len)
			rc = fmt_child(c, name, out.data, out.len);
		vbuf_free(&out);
	}
	return rc;
}
