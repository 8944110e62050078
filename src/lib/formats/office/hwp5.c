/*
 * hwp5.c -- HWP 5 documents (Hancom's word processor), which are OLE2
 * files: the "FileHeader" stream names the format ("HWP Document File")
 * and holds its flags. In a compressed document the body, view text,
 * document information, scripts and binary data streams are raw deflate;
 * each is inflated into a contained object, and an embedded OLE object
 * ("BIN0001.OLE") loses the 4-byte size before it, as clamscan reads
 * them. The streams of a password-protected document are encrypted:
 * Heuristics.Encrypted.HWP.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/le.h"
#include "formats/archive/streams.h"
#include "formats/office/hwp5.h"
#include "vigil/vigil.h"

#define HWP5_SIGNATURE "HWP Document File"
#define HWP5_HEADER_BYTES 40	/* signature (32), version, flags */
#define HWP5_COMPRESSED 0x1
#define HWP5_PASSWORD 0x2

int hwp5_header(const struct ole2 *o, uint32_t *flags)
{
	uint32_t idx = ole2_find(o, 0, "FileHeader");
	struct vbuf b = { 0 };
	int is = 0;

	if (idx != NO_STREAM && ole2_read(o, idx, &b) == 0 &&
	    b.len >= HWP5_HEADER_BYTES &&
	    !memcmp(b.data, HWP5_SIGNATURE, sizeof(HWP5_SIGNATURE) - 1)) {
		*flags = le32_load(b.data + 36);
		is = 1;
	}
	vbuf_free(&b);
	return is;
}

/* 1 if a stream of this name is compressed in a compressed document. */
static int packed_stream(const char *name)
{
	static const char *const pre[] = { "bin", "jscriptversion",
					   "defaultjscript", "section",
					   "viewtext", "docinfo" };
	size_t i;

	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (!strncasecmp(name, pre[i], strlen(pre[i])))
			return 1;
	return 0;
}

/* 1 if name holds ".ole" in any case (BIN0001.OLE). */
static int ole_object(const char *name)
{
	for (; *name; name++)
		if (!strncasecmp(name, ".ole", 4))
			return 1;
	return 0;
}

int hwp5_stream(struct fmt_ctx *c, uint32_t flags, const char *name,
		const char *path, const uint8_t *b, size_t len)
{
	char child[544];

	if (!packed_stream(name))
		return 0;
	if (flags & HWP5_PASSWORD)
		return fmt_unreadable(c, "Heuristics.Encrypted.HWP");
	if (!(flags & HWP5_COMPRESSED))
		return 0;
	snprintf(child, sizeof(child), "%s.inflated", path);
	/* an embedded OLE object: its size, then the object */
	return stream_inflate_child(c, path, child, b, len,
				    ole_object(name) ? 4 : 0);
}
