/*
 * ole2.c -- OLE2 compound files (doc, xls, ppt, msi): the directory tree
 * walked (olefs.c reads it) and every stream handed to fmt_child() under
 * its path. Streams with a known inner form are opened here as well: OLE1
 * packages ("\1Ole10Native"), VBA module source (see vba.c) and the
 * objects embedded in PowerPoint documents (see ppt.c), the Excel 4.0
 * macro sheets of a workbook (see biff.c), and "MSO" streams (ActiveMime
 * data: a 4-byte size, then a zlib stream), inflated as clamscan does;
 * an encrypted Office Open XML package is opened where it can be (see
 * offcrypto.c), the compressed streams of HWP 5 documents (hwp5.c), and
 * an Outlook message's compressed RTF body (mapi.c).
 * Encrypted Word and PowerPoint documents (and workbooks, biff.c) are
 * Heuristics.Encrypted.OLE2, ClamAV 1.5's name.
 */
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/streams.h"
#include "formats/format.h"
#include "formats/mail/mapi.h"
#include "formats/office/ole1pkg.h"
#include "formats/office/biff.h"
#include "formats/office/hwp5.h"
#include "formats/office/offcrypto.h"
#include "formats/office/olefs.h"
#include "formats/office/ppt.h"
#include "formats/office/vba.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

int ole2_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_OLE2;
}

/* 1 if a stream says its document is encrypted: a Word document's FIB
 * with fEncrypted, or PowerPoint's "EncryptedSummary" stream. */
static int doc_encrypted(const char *name, const uint8_t *b, size_t len)
{
	if (!strcmp(name, "EncryptedSummary"))
		return 1;
	return !strcmp(name, "WordDocument") && len >= 12 &&
	       le16_load(b) == 0xa5ec && (le16_load(b + 10) & 0x0100);
}

/* An MSO stream's zlib data, inflated into a contained object. */
static int mso_stream(struct fmt_ctx *c, const char *path, const uint8_t *b,
		      size_t len)
{
	char name[544];

	if (len < 6 || b[4] != 0x78 || b[5] != 0x9c)
		return 0;
	snprintf(name, sizeof(name), "%s.inflated", path);
	return stream_inflate_child(c, path, name, b + 6, len - 6, 0);
}

/* An Outlook message's PR_RTF_COMPRESSED (MS-OXMSG), decoded beside it. */
#define MSG_RTF_STREAM "__substg1.0_10090102"

static int rtf_body(struct fmt_ctx *c, const char *path, const uint8_t *b,
		    size_t len)
{
	char name[544];

	snprintf(name, sizeof(name), "%s.rtf", path);
	return mapi_rtf_child(c, name, b, len);
}

static int stream(struct ole2 *o, uint32_t idx, const char *path)
{
	const struct dirent2 *d = &o->dir[idx];
	struct vbuf b = { 0 };
	int r = ole2_read(o, idx, &b), rc = 0;

	if (r == 1)
		rc = fmt_too_big(o->c, path);
	else if (r == VIGIL_ENOMEM)
		rc = r;
	else if (r < 0)
		fmt_warn(o->c, "stream %s: broken sector chain", path);
	else if (!strcmp(d->name, "\001Ole10Native") && b.len > 4)
		rc = ole1_package(o->c, b.data + 4, b.len - 4);
	else if (!strcmp(d->name, "PowerPoint Document"))
		rc = ppt_objects(o->c, b.data, b.len);
	else if (r == 0 && !strcasecmp(d->name, MSG_RTF_STREAM))
		rc = rtf_body(o->c, path, b.data, b.len);
	else if (biff_is_workbook(d->name))
		rc = biff_workbook(o->c, d->name, b.data, b.len);
	else if (r == 0 && doc_encrypted(d->name, b.data, b.len))
		rc = fmt_unreadable(o->c, "Heuristics.Encrypted.OLE2");
	else if (r == 0 && o->hwp5)
		rc = hwp5_stream(o->c, o->hwp5_flags, d->name, path, b.data,
				 b.len);
	else if (r == 0)
		rc = mso_stream(o->c, path, b.data, b.len);
	if (!rc && r == 0 && b.len)
		rc = fmt_child(o->c, path, b.data, b.len);
	vbuf_free(&b);
	return rc;
}

static int storage(struct ole2 *o, uint32_t first, const char *prefix,
		   unsigned depth);

/* One entry: a stream, or a storage (its VBA project, then its tree). */
static int visit(struct ole2 *o, uint32_t idx, const char *prefix,
		 unsigned depth)
{
	char path[512];
	int rc = 0;

	snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "",
		 o->dir[idx].name);
	if (o->dir[idx].type == 2)
		return stream(o, idx, path);
	if (o->dir[idx].type != 1)
		return 0;
	if (!strcasecmp(o->dir[idx].name, "VBA") &&
	    ole2_find(o, idx, "dir") != NO_STREAM)
		rc = vba_project(o, idx);
	return rc ? rc : storage(o, o->dir[idx].child, path, depth + 1);
}

/*
 * Every entry of one storage: its tree (left, entry, right) walked with a
 * stack of its own, so that siblings cost no depth (a chain of a thousand
 * siblings is as readable as a balanced tree); each entry once. Depth
 * counts storages within storages; past OLE2_MAX_DEPTH the limit is
 * reported, never passed in silence.
 */
static int storage(struct ole2 *o, uint32_t first, const char *prefix,
		   unsigned depth)
{
	uint32_t *stack, n = 0, idx = first;
	int rc = 0;

	if (first >= o->ndir || o->seen[first])
		return 0;
	if (depth > OLE2_MAX_DEPTH)
		return fmt_unreadable(o->c,
				      "Heuristics.Limits.Exceeded.MaxRecursion");
	if (!(stack = malloc(o->ndir * sizeof(*stack))))
		return VIGIL_ENOMEM;
	for (;;) {
		while (idx < o->ndir && !o->seen[idx]) {
			o->seen[idx] = 1;
			stack[n++] = idx;
			idx = o->dir[idx].left;
		}
		if (!n || rc)
			break;
		idx = stack[--n];
		rc = fmt_expired(o->c) ? 1 : visit(o, idx, prefix, depth);
		idx = o->dir[idx].right;
	}
	free(stack);
	return rc;
}

int ole2_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct ole2 o;
	int rc;

	rc = ole2_open(&o, c, buf, len);
	if (rc == VIGIL_ENOMEM)
		goto out;
	if (rc < 0) {
		fmt_warn(c, "damaged OLE2 structure");
		rc = 0;
		goto out;
	}
	o.hwp5 = hwp5_header(&o, &o.hwp5_flags);
	rc = offcrypto_package(&o);
	if (!rc)
		rc = storage(&o, o.dir[0].child, "", 0);
out:
	ole2_close(&o);
	return rc;
}
