/*
 * compressed.c -- single compressed streams: gzip (all members), bzip2,
 * xz and lzma, zstd. Decompressed here rather than through libarchive so
 * that the compression ratio is measured against the input actually
 * consumed: a bomb is stopped after its first megabyte, not after
 * fmt_max_child() bytes. The output is one object, named after the gzip
 * header's file name when there is one.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/archive/streams.h"
#include "formats/codec/fastinflate.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define GZ_NAME_BYTES 256

enum codec { C_GZIP, C_BZIP2, C_XZ, C_ZSTD, C_NONE };

static enum codec codec_of(const uint8_t *b, size_t len)
{
	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return C_GZIP;
	if (len >= 3 && !memcmp(b, "BZh", 3))
		return C_BZIP2;
	if ((len >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6)) ||
	    (len >= 3 && !memcmp(b, "\x5d\0\0", 3)))
		return C_XZ;
	if (len >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return C_ZSTD;
	/* a skippable frame (0x184D2A50 to 0x184D2A5F) before the data: the
	 * decoder steps over it */
	if (len >= 8 && (b[0] & 0xf0) == 0x50 && !memcmp(b + 1, "\x2a\x4d\x18", 3))
		return C_ZSTD;
	return C_NONE;
}

int compressed_probe(const uint8_t *buf, size_t len, int type)
{
	return type == VIGIL_TYPE_COMPRESSED && codec_of(buf, len) != C_NONE;
}

/* A stream with no stored name is named after its container, as tools
 * name what they unpack: x.tar.gz and x.tgz hold x.tar, x.gz holds x;
 * otherwise "data". */
static void layer_name(const struct fmt_ctx *c, char *name, size_t len)
{
	static const char *const ext[][2] = {
		{ ".tgz", ".tar" }, { ".taz", ".tar" }, { ".tbz2", ".tar" },
		{ ".tbz", ".tar" }, { ".txz", ".tar" }, { ".tzst", ".tar" },
		{ ".gz", "" }, { ".bz2", "" }, { ".xz", "" }, { ".zst", "" },
		{ ".z", "" }, { ".lzma", "" },
	};
	char own[GZ_NAME_BYTES];
	size_t n, k, i;

	fmt_own_name(c, own, sizeof(own));
	n = strlen(own);
	for (i = 0; i < sizeof(ext) / sizeof(*ext); i++) {
		k = strlen(ext[i][0]);
		if (n > k && !strcasecmp(own + n - k, ext[i][0])) {
			snprintf(name, len, "%.*s%s", (int)(n - k), own,
				 ext[i][1]);
			return;
		}
	}
	snprintf(name, len, "data");
}

/* guess: found inside another object, perhaps not a stream at all; quiet
 * when nothing decodes, and what decodes is a contained object. */
static int extract(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		   int guess)
{
	struct stream_out o;
	char name[GZ_NAME_BYTES] = "";
	int rc = 0;

	stream_out_init(&o, c, fmt_max_child(c));
	switch (codec_of(buf, len)) {
	case C_GZIP:
		rc = fast_gunzip(buf, len, o.max, &o.b, name, sizeof(name));
		if (rc == 1)
			stream_gunzip(&o, buf, len, name, sizeof(name));
		else if (rc < 0)
			return rc;
		rc = 0;
		break;
	case C_BZIP2:
		stream_bunzip(&o, buf, len);
		break;
	case C_XZ:
		stream_unxz(&o, buf, len);
		break;
	default:
		stream_unzstd(&o, buf, len);
	}
	if (!*name)
		layer_name(c, name, sizeof(name));
	if (o.nomem)
		rc = VIGIL_ENOMEM;
	else if (o.stop && o.b.len > o.max)
		rc = fmt_too_big(c, name);
	else if (o.stop)
		rc = 0; /* the ratio or time guard has reported why */
	else if (o.err && !(guess && !o.b.len))
		fmt_warn(c, "%s (%zu bytes recovered)", o.err, o.b.len);
	if (!rc && !o.stop && o.b.len)
		rc = (guess ? fmt_child : fmt_layer)(c, name, o.b.data,
						     o.b.len);
	vbuf_free(&o.b);
	return rc;
}

int compressed_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	return extract(c, buf, len, 0);
}

int compressed_extract_guess(struct fmt_ctx *c, const uint8_t *buf,
			     size_t len)
{
	return extract(c, buf, len, 1);
}
