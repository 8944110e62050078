/*
 * xdp.c -- Adobe XML Data Packages: XML that carries a PDF, base64 in
 * <chunk> elements (of any namespace prefix) inside its <pdf> packet.
 * Each chunk is decoded and handed over ("xdp-N"), where ClamAV finds its
 * PDFs too. Recognised by "<xdp:xdp" in the first MiB of a text (ClamAV's
 * file type magic looks anywhere). Written here: finding one element's
 * text needs a scan for its tags, not an XML document model.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include "formats/codec/encoding.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define XDP_LOOK_BYTES (1u << 20)
#define XDP_MAX_CHUNKS 64

int xdp_probe(const uint8_t *buf, size_t len, int type)
{
	if (type != VIGIL_TYPE_TEXT && type != VIGIL_TYPE_HTML)
		return 0;
	return memmem(buf, len < XDP_LOOK_BYTES ? len : XDP_LOOK_BYTES,
		      "<xdp:xdp", 8) != NULL;
}

/* Just past the next <chunk> or <prefix:chunk> start tag at or after
 * *pos (moved there); NULL if there is none. */
static const uint8_t *chunk_open(const uint8_t *b, size_t len, size_t *pos)
{
	const uint8_t *p = b + *pos, *end = b + len;

	while ((p = memmem(p, (size_t)(end - p), "chunk", 5))) {
		const uint8_t *q = p, *gt;

		if (q > b && q[-1] == ':') /* a namespace prefix */
			for (q--; q > b && isalnum(q[-1]); q--)
				;
		p += 5;
		if (q == b || q[-1] != '<' || p >= end ||
		    (*p != '>' && !isspace(*p)))
			continue;
		if (!(gt = memchr(p, '>', (size_t)(end - p))))
			return NULL;
		*pos = (size_t)(gt + 1 - b);
		return gt + 1;
	}
	return NULL;
}

int xdp_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct vbuf b64 = { 0 }, out = { 0 };
	size_t pos = 0;
	unsigned n;
	int over = 0, rc = 0;

	for (n = 0; n < XDP_MAX_CHUNKS; n++) {
		const uint8_t *start = chunk_open(buf, len, &pos), *stop;

		if (!start ||
		    !(stop = memmem(start, len - (size_t)(start - buf), "</", 2)))
			break;
		if ((rc = vbuf_append(&b64, start, (size_t)(stop - start))) < 0)
			goto done;
		pos = (size_t)(stop - buf) + 2;
	}
	if (!b64.len)
		goto done;
	rc = enc_base64(b64.data, b64.len, fmt_max_child(c), &out, &over);
	if (rc == 0 && over)
		rc = fmt_too_big(c, "xdp-pdf");
	else if (rc == 0 && out.len)
		rc = fmt_child(c, "xdp-pdf", out.data, out.len);
done:
	vbuf_free(&b64);
	vbuf_free(&out);
	return rc;
}
