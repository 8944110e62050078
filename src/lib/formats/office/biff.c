/*
 * biff.c -- Excel workbook streams (BIFF5 "Book", BIFF8 "Workbook", as
 * [MS-XLS] describes them): a sequence of records, each a 16-bit type and
 * a 16-bit length before its data. The sheet list of the workbook globals
 * (BoundSheet8 records) says which sheets are Excel 4.0 macro sheets
 * (XLM): their formulas run when the workbook opens, the way VBA macros
 * do, so one is reported as macros (Heuristics.OLE2.ContainsMacros.XLM,
 * as clamscan names it, with --alert-macros). A FilePass record says the
 * workbook's records are encrypted (RC4 or XOR obfuscation, which Vigil
 * does not undo): Heuristics.Encrypted.OLE2, ClamAV 1.5's name. The
 * pictures of the drawing group (MsoDrawingGroup records and the Continue
 * records after them, joined) are extracted (officeart.c). A workbook with
 * a macro sheet or pictures is also written out as clamscan's text dump
 * of its records, formulas decoded (xlmdump.c), and that text is matched
 * as the object "xlm-macro", so signatures written against clamscan's
 * dump find the same macros (a BIFF8 "Workbook" only: clamscan 1.4 writes
 * none of a BIFF5 "Book", whose records it would misread). The stream itself is matched as data by the
 * caller.
 */
#include <strings.h>

#include "formats/office/biff.h"
#include "formats/office/officeart.h"
#include "formats/office/xlmdump.h"
#include "common/reader.h"
#include "util/vbuf.h"

#define BIFF_BOUNDSHEET 0x0085 /* BoundSheet8: one sheet of the workbook */
#define BIFF_FILEPASS 0x002f /* the records after it are encrypted */
#define BIFF_DRAWINGGROUP 0x00eb /* MsoDrawingGroup: OfficeArt records */
#define BIFF_CONTINUE 0x003c /* more of the record before it */
#define BIFF_SHEET_MACRO 0x01 /* BoundSheet8.dt: an Excel 4.0 macro sheet */
/* Records read per stream before the rest is left to the matcher. */
#define BIFF_MAX_RECORDS 1000000

int biff_is_workbook(const char *name)
{
	return !strcasecmp(name, "Workbook") || !strcasecmp(name, "Book");
}

struct biff_scan {
	int macros, encrypted;
	struct vbuf drawing;	/* the drawing group, its pieces joined */
};

/* One record; 0 or a negative VIGIL_E* code. */
static int record(struct biff_scan *s, uint16_t type, uint16_t prev,
		  const uint8_t *data, uint16_t rlen)
{
	s->macros |= type == BIFF_BOUNDSHEET && rlen >= 6 &&
		     data[5] == BIFF_SHEET_MACRO;
	s->encrypted |= type == BIFF_FILEPASS;
	if (type == BIFF_DRAWINGGROUP ||
	    (type == BIFF_CONTINUE && prev == BIFF_DRAWINGGROUP &&
	     s->drawing.len))
		return vbuf_append(&s->drawing, data, rlen);
	return 0;
}

/* The dump clamscan writes of a workbook with macros or pictures. */
static int dump(struct fmt_ctx *c, const uint8_t *b, size_t len)
{
	static const char name[] = "xlm-macro";
	struct vbuf text = { 0 };
	int rc = xlm_dump(b, len, fmt_max_output(c, len), &text), over = rc;

	if (rc >= 0)
		rc = fmt_script(c, name, text.data, text.len);
	if (!rc && over == 1) /* what fit was matched; the rest is a limit */
		rc = fmt_over(c, name, len);
	vbuf_free(&text);
	return rc;
}

int biff_workbook(struct fmt_ctx *c, const char *name, const uint8_t *b,
		  size_t len)
{
	struct biff_scan s = { 0 };
	uint16_t prev = 0;
	struct rdr r;
	size_t n;
	int rc = 0;

	rdr_init(&r, b, len);
	for (n = 0; n < BIFF_MAX_RECORDS && rdr_left(&r) >= 4 && !rc; n++) {
		uint16_t type = rdr_u16le(&r), rlen = rdr_u16le(&r);
		const uint8_t *data = rdr_bytes(&r, rlen);

		if (!data)
			break; /* cut short: the matcher still sees it all */
		rc = record(&s, type, prev, data, rlen);
		if (type != BIFF_CONTINUE)
			prev = type;
	}
	if (!rc && s.macros)
		rc = fmt_macros(c, "XLM");
	if (!rc && (s.macros || s.drawing.len) && !strcasecmp(name, "Workbook"))
		rc = dump(c, b, len); /* clamscan 1.4 dumps no BIFF5 "Book" */
	if (!rc && s.encrypted)
		rc = fmt_unreadable(c, "Heuristics.Encrypted.OLE2");
	else if (!rc && s.drawing.len)
		rc = officeart_pictures(c, s.drawing.data, s.drawing.len);
	vbuf_free(&s.drawing);
	return rc;
}
