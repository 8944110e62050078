/*
 * imgcheck.c -- whether a JPEG, PNG, GIF or TIFF image is broken, for
 * Heuristics.Broken.Media.* (clamscan's --alert-broken-media). Images
 * with damaged structure are how image-parser exploits reach a viewer;
 * the checks and the names they report are ClamAV's, so that the same
 * images are reported (its names carry the reason: .PNG.EOFReadingChunk,
 * .JPEG.SegmentDataOutOfFile ...). Only the structure is walked (chunks,
 * segments, blocks, directories); nothing is decoded. A JPEG comment of
 * length 0 or 1 is the MS04-028 exploit's shape, reported as ClamAV does.
 */
#include "formats/media/imgcheck.h"

#include <string.h>

#include "common/le.h"

#define JPEG_MAX_FILL 16 /* bytes looked at for a marker */
#define PNG_MAX_CHUNK 0x7fffffffu

static const char *png_check(const uint8_t *b, size_t len)
{
	size_t off = 8;

	while (len - off >= 4) {
		uint32_t n = be32_load(b + off);

		off += 4;
		if (n > PNG_MAX_CHUNK)
			return "Heuristics.Broken.Media.PNG.InvalidChunkLength";
		if (len - off < 4)
			return "Heuristics.Broken.Media.PNG.EOFReadingChunkType";
		off += 4;
		if (len - off < n)
			return "Heuristics.Broken.Media.PNG.EOFReadingChunk";
		if (!memcmp(b + off - 4, "IHDR", 4) &&
		    (n != 13 || !be32_load(b + off) || !be32_load(b + off + 4) ||
		     be32_load(b + off) > PNG_MAX_CHUNK ||
		     be32_load(b + off + 4) > PNG_MAX_CHUNK))
			return NULL; /* ClamAV stops looking */
		off += n;
		if (len - off < 4)
			return "Heuristics.Broken.Media.PNG.EOFReadingChunkCRC";
		off += 4;
		if (!memcmp(b + off - 8 - n, "IEND", 4))
			return NULL;
	}
	return NULL;
}

/* Skips sub-blocks up to the terminator; 0, or -1 if the file ends. */
static int gif_blocks(const uint8_t *b, size_t len, size_t *off, int *cut)
{
	for (;;) {
		if (*off >= len)
			return *cut = 0, -1;
		if (!b[(*off)++])
			return 0;
		if (b[*off - 1] > len - *off)
			return *cut = 1, -1;
		*off += b[*off - 1];
	}
}

static const char *gif_extension(const uint8_t *b, size_t len, size_t *off)
{
	int cut;

	if (*off >= len)
		return "Heuristics.Broken.Media.GIF.TruncatedExtension";
	if (b[(*off)++] == 0xf9) { /* graphic control: fixed size */
		*off += 6;
		return NULL;
	}
	if (gif_blocks(b, len, off, &cut) < 0)
		return cut ? "Heuristics.Broken.Media.GIF.TruncatedExtensionSubBlock" :
			     "Heuristics.Broken.Media.GIF.TruncatedExtension";
	return NULL;
}

static const char *gif_image(const uint8_t *b, size_t len, size_t *off)
{
	int cut;

	if (len - *off < 9)
		return "Heuristics.Broken.Media.GIF.TruncatedImageDescriptor";
	if (b[*off + 8] & 0x80)
		*off += 3u << ((b[*off + 8] & 7) + 1);
	*off += 9 + 1; /* descriptor, LZW code size */
	if (gif_blocks(b, len, off, &cut) < 0)
		return "Heuristics.Broken.Media.GIF.TruncatedImageDataBlock";
	return NULL;
}

static const char *gif_check(const uint8_t *b, size_t len)
{
	size_t off = 6 + 7;
	const char *why;
	int image = 0;

	if (len < off)
		return "Heuristics.Broken.Media.GIF.TruncatedScreenDescriptor";
	if (b[10] & 0x80) {
		off += 3u << ((b[10] & 7) + 1);
		if (off > len)
			return "Heuristics.Broken.Media.GIF.TruncatedGlobalColorTable";
	}
	for (;;) {
		if (off >= len)
			return image ? NULL :
				       "Heuristics.Broken.Media.GIF.MissingImageData";
		switch (b[off++]) {
		case 0x3b:
			return NULL;
		case 0x21:
			why = gif_extension(b, len, &off);
			break;
		case 0x2c:
			why = gif_image(b, len, &off);
			image = 1;
			break;
		default:
			return "Heuristics.Broken.Media.GIF.UnknownBlockLabel";
		}
		if (why)
			return why;
	}
}

static uint32_t tiff32(const uint8_t *p, int be)
{
	return be ? be32_load(p) : le32_load(p);
}

/* Bytes of one value of a TIFF field type (0: a type TIFF 6 lacks). */
static unsigned tiff_type_bytes(uint16_t t)
{
	static const uint8_t size[13] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8,
					  4, 8 };

	return t < 13 ? size[t] : 0;
}

static const char *tiff_ifd(const uint8_t *b, size_t len, int be,
			    uint64_t *off)
{
	uint16_t n, i;

	if (*off > len || len - *off < 2)
		return "Heuristics.Broken.Media.TIFF.EOFReadingNumIFDDirectoryEntries";
	n = be ? be16_load(b + *off) : le16_load(b + *off);
	*off += 2;
	for (i = 0; i < n; i++, *off += 12) {
		const uint8_t *e = b + *off;
		uint64_t bytes;

		if (len - *off < 12)
			return "Heuristics.Broken.Media.TIFF.EOFReadingIFDEntry";
		bytes = (uint64_t)tiff32(e + 4, be) *
			tiff_type_bytes(be ? be16_load(e + 2) : le16_load(e + 2));
		if (bytes > 4 && tiff32(e + 8, be) + bytes > len)
			return "Heuristics.Broken.Media.TIFF.OutOfBoundsAccess";
	}
	return NULL;
}

static const char *tiff_check(const uint8_t *b, size_t len)
{
	int be = b[0] == 'M';
	uint64_t off, last;
	const char *why;

	if (len < 8)
		return "Heuristics.Broken.Media.TIFF.EOFReadingFirstIFDOffset";
	if (!(off = tiff32(b + 4, be)))
		return "Heuristics.Broken.Media.TIFF.InvalidIFDOffset";
	do {
		if ((why = tiff_ifd(b, len, be, &off)))
			return why;
		last = off;
		if (len - off < 4)
			return "Heuristics.Broken.Media.TIFF.EOFReadingChunkCRC";
		off = tiff32(b + off, be);
		if (off && last >= off)
			return "Heuristics.Broken.Media.TIFF.OutOfOrderIFDOffset";
	} while (off);
	return NULL;
}

/* State of the JPEG walk: what application segments were seen. */
struct jpeg {
	unsigned segment, jfif, exif, spiff;
	int app, comment;
	uint8_t prev;
};

/* The next marker after up to 16 fill bytes; -1 with *why on failure. */
static int jpeg_marker(const uint8_t *b, size_t len, size_t *off,
		       const char **why)
{
	uint8_t prev = 0, m = 0;
	unsigned i;

	for (i = 0; *off < len && i < JPEG_MAX_FILL; i++) {
		m = b[(*off)++];
		if (prev == 0xff && m != 0xff)
			return m;
		prev = m;
	}
	*why = i == JPEG_MAX_FILL ?
		       "Heuristics.Broken.Media.JPEG.SpuriousBytesBeforeSegment" :
		       "Heuristics.Broken.Media.JPEG.CantReadSegmentSize";
	return -1;
}

static int has(const uint8_t *b, size_t len, size_t at, const char *s,
	       size_t n)
{
	return at <= len && len - at >= n && !memcmp(b + at, s, n);
}

/* An application segment (data at d, n bytes with the length field). */
static const char *jpeg_app(struct jpeg *j, uint8_t m, const uint8_t *b,
			    size_t len, size_t d, unsigned n)
{
	unsigned seg = j->segment;

	if (m == 0xe0 && has(b, len, d, "JFIF", 5)) {
		if (j->app && j->jfif)
			return "Heuristics.Broken.Media.JPEG.JFIFdupAppMarker";
		if (!(seg == 1 || (seg == 2 && (j->comment || j->exif)) ||
		      (seg == 3 && j->comment && j->exif)))
			return "Heuristics.Broken.Media.JPEG.JFIFmarkerBadPosition";
		if (n < 16)
			return "Heuristics.Broken.Media.JPEG.JFIFheaderTooShort";
		j->app = 1, j->jfif++;
	} else if (m == 0xe1 && has(b, len, d, "Exif\0", 6)) {
		if (j->app && (j->exif || j->spiff))
			return "Heuristics.Broken.Media.JPEG.ExifDupAppMarker";
		if (seg > 3 && !j->comment && j->jfif)
			return "Heuristics.Broken.Media.JPEG.ExifHeaderBadPosition";
		if (n < 16)
			return "Heuristics.Broken.Media.JPEG.ExifHeaderTooShort";
		j->app = 1, j->exif++;
	} else if (m == 0xe1 && has(b, len, d, "http://", 7)) {
		j->comment = 1;
	} else if (m == 0xe8 && has(b, len, d, "SPIFF", 6)) {
		if (j->app)
			return "Heuristics.Broken.Media.JPEG.SPIFFdupAppMarker";
		if (seg != 1 && (seg != 2 || !j->comment))
			return "Heuristics.Broken.Media.JPEG.SPIFFmarkerBadPosition";
		if (n < 16)
			return "Heuristics.Broken.Media.JPEG.SPIFFheaderTooShort";
		j->app = 1, j->spiff++;
	} else if (m == 0xed) {
		j->comment = 1;
	}
	return NULL;
}

/* What a segment's marker means once its data is known to be there;
 * 1 when the walk is over (*why set if broken). */
static int jpeg_segment(struct jpeg *j, uint8_t m, const uint8_t *b,
			size_t len, size_t d, unsigned n, const char **why)
{
	if (m >= 0xe0 && m <= 0xef)
		return (*why = jpeg_app(j, m, b, len, d, n)) != NULL;
	switch (m) {
	case 0xf7: /* JPG7 */
		*why = j->app ? "Heuristics.Broken.Media.JPEG.AppMarkerBeforeJPG7" :
				NULL;
		return 1;
	case 0xda: /* start of scan: image data follows */
		return 1;
	case 0xd9: /* end of image before any scan */
		*why = "Heuristics.Broken.Media.JPEG.NoImages";
		return 1;
	case 0xfe:
		j->comment = 1;
		return 0;
	case 0xf2: /* DTT needs a DTI before it */
		if (j->prev != 0xf1)
			*why = "Heuristics.Broken.Media.JPEG.DTTMissingDTISegment";
		return *why != NULL;
	default:
		return 0;
	}
}

static const char *jpeg_check(const uint8_t *b, size_t len)
{
	struct jpeg j = { 0 };
	const char *why = NULL;
	size_t off = b[1] == 0xd8 ? 2 : 4;
	int m = 0;

	for (;;) {
		unsigned n;

		j.segment++;
		if (off < len && (m = jpeg_marker(b, len, &off, &why)) < 0)
			return why;
		if (m == 0xfe && len - off >= 2 && !b[off] && b[off + 1] < 2)
			return "Heuristics.Exploit.W32.MS04-028";
		if (off >= len || len - off < 2)
			return "Heuristics.Broken.Media.JPEG.CantReadSegmentSize";
		if ((n = be16_load(b + off)) < 2)
			return "Heuristics.Broken.Media.JPEG.InvalidSegmentSize";
		if (n >= len - off + 2)
			return "Heuristics.Broken.Media.JPEG.SegmentDataOutOfFile";
		off += n;
		if (jpeg_segment(&j, (uint8_t)m, b, len, off - n + 2, n, &why))
			return why;
		if (off > len) /* ClamAV lets a segment end one byte past */
			off = len;
		j.prev = (uint8_t)m;
	}
}

const char *image_broken(const uint8_t *b, size_t len)
{
	if (len >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return png_check(b, len);
	if (len >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
		return gif_check(b, len);
	if (len >= 4 && (!memcmp(b, "II*\0", 4) || !memcmp(b, "MM\0*", 4)))
		return tiff_check(b, len);
	if (len >= 3 && (!memcmp(b, "\xff\xd8\xff", 3) ||
			 (len >= 4 && !memcmp(b, "\xff\xd9\xff\xd8", 4))))
		return jpeg_check(b, len);
	return NULL;
}
