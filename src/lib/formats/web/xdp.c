/*
 * xdp.c -- Adobe XML Data Packages: XML that carries a PDF, base64 in
 * <chunk> elements (of any namespace prefix) inside its <pdf> packet.
 * The chunks are joined, decoded and handed over ("xdp-pdf"); clamscan
 * 1.4 recognises the type but reads no PDF out of it. Recognised by
 * "<xdp:xdp" in the first MiB of a text (ClamAV's file type magic looks
 * anywhere), which the pass over the object for the containers'
 * signatures finds (match/magic.c: a memmem() of every text's first MiB
 * was 2% of a one-thread scan of the bench corpus).
 */
#include "formats/codec/encoding.h"
#include "formats/codec/xmlelem.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define XDP_LOOK_BYTES (1u << 20)
#define XDP_MAX_CHUNKS 64

int xdp_marked(const struct magic_hits *h, int type)
{
	return (type == VIGIL_TYPE_TEXT || type == VIGIL_TYPE_HTML) &&
	       h->n[MAGIC_XDP] && h->at[MAGIC_XDP][0] + 8 <= XDP_LOOK_BYTES;
}

int xdp_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct vbuf b64 = { 0 }, out = { 0 };
	size_t pos = 0;
	unsigned n;
	int over = 0, more = 0, rc = 0;

	for (n = 0; n <= XDP_MAX_CHUNKS; n++) {
		struct xml_elem e;

		if (!xml_next(buf, len, &pos, "chunk", &e))
			break;
		if (n == XDP_MAX_CHUNKS) {
			more = 1; /* the PDF is read as far as the bound */
			break;
		}
		if ((rc = vbuf_append(&b64, e.text, e.text_len)) < 0)
			goto done;
	}
	if (!b64.len)
		goto done;
	rc = enc_base64(b64.data, b64.len, fmt_max_child(c), &out, &over);
	if (rc == 0 && over)
		rc = fmt_too_big(c, "xdp-pdf");
	else if (rc == 0 && out.len)
		rc = fmt_child(c, "xdp-pdf", out.data, out.len);
	if (rc == 0 && more)
		rc = fmt_unreadable(c, FMT_MAXFILES);
done:
	vbuf_free(&b64);
	vbuf_free(&out);
	return rc;
}
