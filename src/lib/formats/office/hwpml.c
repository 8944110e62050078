/*
 * hwpml.c -- Hangul Word Processor XML documents (HWPML): the binary data
 * an HWPML file stores in <BINDATA> elements (base64 when its Encoding
 * attribute says so, then raw deflate when Compress="true") and the
 * script text of <SCRIPTHEADER> and <SCRIPTSOURCE>, each a contained
 * object ("bindata-N", "script-N"), as ClamAV reads them (HWPML_MAX_PARTS
 * in all, more is the MaxFiles limit). Recognised as
 * ClamAV's file type magic does: a UTF-8 byte order mark and an XML
 * declaration at the start, "<HWPML" after it (in the first MiB). Written
 * here: a scan for three elements' text (codec/xmlelem.c) needs no XML
 * document model.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "formats/archive/streams.h"
#include "formats/codec/encoding.h"
#include "formats/codec/xmlelem.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define HWPML_LOOK_BYTES (1u << 20)
#define HWPML_MAX_PARTS 256
#define HWPML_START "\xef\xbb\xbf<?xml version=\"1.0\""

int hwpml_probe(const uint8_t *buf, size_t len, int type)
{
	size_t n = strlen(HWPML_START);

	return (type == VIGIL_TYPE_TEXT || type == VIGIL_TYPE_HTML) &&
	       len > n && !memcmp(buf, HWPML_START, n) &&
	       memmem(buf, len < HWPML_LOOK_BYTES ? len : HWPML_LOOK_BYTES,
		      "<HWPML", 6);
}

/* One element's text decoded as its attributes say, handed over. */
static int part(struct fmt_ctx *c, const struct xml_elem *e,
		const char *name)
{
	struct vbuf dec = { 0 };
	struct stream_out o;
	const uint8_t *data = e->text;
	size_t n = e->text_len;
	int over = 0, rc = 0;

	if (xml_attr_is(e, "Encoding", "Base64")) {
		if ((rc = enc_base64(data, n, fmt_max_child(c), &dec, &over)) < 0)
			goto done;
		if (over) {
			rc = fmt_too_big(c, name);
			goto done;
		}
		data = dec.data;
		n = dec.len;
	}
	if (xml_attr_is(e, "Compress", "true")) {
		stream_out_init(&o, c, fmt_max_child(c));
		stream_inflate_raw(&o, data, n);
		rc = o.nomem ? VIGIL_ENOMEM :
		     o.b.len ? fmt_child(c, name, o.b.data, o.b.len) :
			       fmt_unreadable(c, "Heuristics.Broken.HWPML");
		vbuf_free(&o.b);
	} else if (n) {
		rc = fmt_child(c, name, data, n);
	}
done:
	vbuf_free(&dec);
	return rc;
}

int hwpml_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	static const struct {
		const char *local, *name;
	} kinds[] = {
		{ "BINDATA", "bindata" },
		{ "SCRIPTHEADER", "script" },
		{ "SCRIPTSOURCE", "script" },
	};
	unsigned k, n = 0;
	int rc = 0;

	for (k = 0; k < 3 && !rc; k++) {
		struct xml_elem e;
		size_t pos = 0;

		while (!rc && xml_next(buf, len, &pos, kinds[k].local, &e)) {
			char name[32];

			if (n == HWPML_MAX_PARTS) /* parts left past the bound */
				return fmt_unreadable(c, FMT_MAXFILES);
			snprintf(name, sizeof(name), "%s-%u", kinds[k].name, ++n);
			rc = part(c, &e, name);
		}
	}
	return rc;
}
