/*
 * cltypes.c -- ClamAV's file type of an object: Vigil's own type (from
 * filetype.c) refined by the magic that tells ClamAV's finer types apart.
 * A zip is an Office Open XML document of the kind its part names say.
 */
#define _GNU_SOURCE
#include "core/cltypes.h"

#include <string.h>

#include "common/le.h"
#include "sig/cltype.h"
#include "vigil/vigil.h"

#define ZIP_TYPING_ENTRIES 1024

struct magic {
	const char *m;
	size_t n;
	size_t at;
	int t;
};

static const struct magic archives[] = {
	{ "PK\x03\x04", 4, 0, CLT_ZIP }, { "PK\x05\x06", 4, 0, CLT_ZIP },
	{ "PK\x07\x08", 4, 0, CLT_ZIP }, { "Rar!\x1a\x07", 6, 0, CLT_RAR },
	{ "7z\xbc\xaf\x27\x1c", 6, 0, CLT_7Z }, { "MSCF", 4, 0, CLT_MSCAB },
	{ "070707", 6, 0, CLT_CPIO_ODC }, { "070701", 6, 0, CLT_CPIO_NEWC },
	{ "070702", 6, 0, CLT_CPIO_CRC }, { "\xc7\x71", 2, 0, CLT_CPIO_OLD },
	{ "\x71\xc7", 2, 0, CLT_CPIO_OLD }, { "xar!", 4, 0, CLT_XAR },
	{ "ustar", 5, 257, CLT_POSIX_TAR }, { "CD001", 5, 0x8001, CLT_ISO9660 },
	{ "\x60\xea", 2, 0, CLT_ARJ }, { "\x1f\x8b", 2, 0, CLT_GZ },
	{ "BZh", 3, 0, CLT_BZ }, { "\xfd" "7zXZ\0", 6, 0, CLT_XZ },
	{ "SZDD", 4, 0, CLT_MSSZDD }, { "ITSF", 4, 0, CLT_MSCHM },
	{ "GIF8", 4, 0, CLT_GIF }, { "\x89PNG", 4, 0, CLT_PNG },
	{ "\xff\xd8\xff", 3, 0, CLT_JPEG }, { "II*\0", 4, 0, CLT_TIFF },
	{ "MM\0*", 4, 0, CLT_TIFF }, { "\x28\xb5\x2f\xfd", 4, 0, CLT_ZSTD },
	{ "-lh", 3, 2, CLT_LHA_LZH }, { "ALZ\x01", 4, 0, CLT_ALZ },
	{ "EGGA", 4, 0, CLT_EGG },
	{ "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16,
	  0, CLT_ONENOTE },
};

static int by_magic(const uint8_t *b, size_t len, int dflt)
{
	size_t i;

	for (i = 0; i < sizeof(archives) / sizeof(archives[0]); i++) {
		const struct magic *m = &archives[i];

		if (len >= m->at + m->n && !memcmp(b + m->at, m->m, m->n))
			return m->t;
	}
	if (len >= 8 && (b[0] & 0xf0) == 0x50 && !memcmp(b + 1, "\x2a\x4d\x18", 3))
		return CLT_ZSTD; /* a skippable frame first */
	return dflt;
}

/* The Office Open XML kind an entry's name gives, or 0. */
static int ooxml_part(const uint8_t *name, size_t n)
{
	static const struct {
		const char *prefix;
		int t;
	} parts[] = {
		{ "xl/", CLT_OOXML_XL }, { "ppt/", CLT_OOXML_PPT },
		{ "word/", CLT_OOXML_WORD },
	};
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t pn = strlen(parts[i].prefix);

		if (n >= pn && !memcmp(name, parts[i].prefix, pn))
			return parts[i].t;
	}
	return 0;
}

/*
 * A zip is an Office Open XML document when one of its entries is a part
 * of one (walking the local headers from the start, as ClamAV does, for at
 * most ZIP_TYPING_ENTRIES entries; a header whose sizes come after its
 * data ends the walk).
 */
static int zip_kind(const uint8_t *b, size_t len)
{
	size_t at = 0, i;

	for (i = 0; i < ZIP_TYPING_ENTRIES && at <= len && len - at >= 30 &&
		    !memcmp(b + at, "PK\x03\x04", 4); i++) {
		uint16_t flags = le16_load(b + at + 6);
		uint32_t csize = le32_load(b + at + 18);
		size_t nlen = le16_load(b + at + 26), xlen = le16_load(b + at + 28);
		int t;

		if (len - at - 30 < nlen)
			break;
		if ((t = ooxml_part(b + at + 30, nlen)))
			return t;
		if (flags & 8)
			break;
		if ((uint64_t)csize + nlen + xlen > len - at - 30)
			break;
		at += 30 + nlen + xlen + csize;
	}
	return CLT_ZIP;
}

/* Word and Excel 2003 XML name their program in the first KiB. */
static int text_kind(const uint8_t *b, size_t len, int dflt)
{
	size_t n = len < 1024 ? len : 1024;

	if (memmem(b, n, "progid=\"Word.Document\"", 22))
		return CLT_XML_WORD;
	if (memmem(b, n, "progid=\"Excel.Sheet\"", 20))
		return CLT_XML_XL;
	return dflt;
}

int cltypes_of(const uint8_t *buf, size_t len, int type)
{
	static const int direct[] = {
		[VIGIL_TYPE_BINARY] = CLT_BINARY_DATA,
		[VIGIL_TYPE_TEXT] = CLT_TEXT_ASCII,
		[VIGIL_TYPE_HTML] = CLT_HTML, [VIGIL_TYPE_MAIL] = CLT_MAIL,
		[VIGIL_TYPE_PE] = CLT_MSEXE, [VIGIL_TYPE_ELF] = CLT_ELF,
		[VIGIL_TYPE_MACHO] = CLT_MACHO, [VIGIL_TYPE_OLE2] = CLT_MSOLE2,
		[VIGIL_TYPE_PDF] = CLT_PDF, [VIGIL_TYPE_GRAPHICS] = CLT_GRAPHICS,
		[VIGIL_TYPE_FLASH] = CLT_SWF, [VIGIL_TYPE_JAVA] = CLT_JAVA,
		[VIGIL_TYPE_ARCHIVE] = CLT_BINARY_DATA,
		[VIGIL_TYPE_EMPTY] = CLT_BINARY_DATA,
		[VIGIL_TYPE_COMPRESSED] = CLT_BINARY_DATA,
		[VIGIL_TYPE_RTF] = CLT_RTF, [VIGIL_TYPE_BINHEX] = CLT_BINHEX,
		[VIGIL_TYPE_TNEF] = CLT_TNEF,
		[VIGIL_TYPE_MSCOMPRESS] = CLT_MSSZDD,
	};
	int t;

	if (type < 0 || (size_t)type >= sizeof(direct) / sizeof(direct[0]))
		return CLT_BINARY_DATA;
	t = direct[type];
	switch (type) {
	case VIGIL_TYPE_BINARY: /* what Vigil reads by its magic alone */
	case VIGIL_TYPE_ARCHIVE:
	case VIGIL_TYPE_COMPRESSED:
	case VIGIL_TYPE_GRAPHICS:
	case VIGIL_TYPE_MSCOMPRESS:
		t = by_magic(buf, len, t);
		return t == CLT_ZIP ? zip_kind(buf, len) : t;
	case VIGIL_TYPE_TEXT:
	case VIGIL_TYPE_HTML:
		return text_kind(buf, len, t);
	default:
		return t;
	}
}

int cltypes_vigil(int cltype)
{
	static const struct {
		int cl, vt;
	} map[] = {
		{ CLT_PDF, VIGIL_TYPE_PDF }, { CLT_MAIL, VIGIL_TYPE_MAIL },
		{ CLT_HTML, VIGIL_TYPE_HTML }, { CLT_MSEXE, VIGIL_TYPE_PE },
		{ CLT_ELF, VIGIL_TYPE_ELF }, { CLT_MACHO, VIGIL_TYPE_MACHO },
		{ CLT_MSOLE2, VIGIL_TYPE_OLE2 }, { CLT_RTF, VIGIL_TYPE_RTF },
		{ CLT_GRAPHICS, VIGIL_TYPE_GRAPHICS },
		{ CLT_GIF, VIGIL_TYPE_GRAPHICS }, { CLT_PNG, VIGIL_TYPE_GRAPHICS },
		{ CLT_JPEG, VIGIL_TYPE_GRAPHICS }, { CLT_TIFF, VIGIL_TYPE_GRAPHICS },
		{ CLT_SWF, VIGIL_TYPE_FLASH }, { CLT_JAVA, VIGIL_TYPE_JAVA },
		{ CLT_TEXT_ASCII, VIGIL_TYPE_TEXT }, { CLT_ZIP, VIGIL_TYPE_ARCHIVE },
		{ CLT_RAR, VIGIL_TYPE_ARCHIVE }, { CLT_7Z, VIGIL_TYPE_ARCHIVE },
		{ CLT_MSCAB, VIGIL_TYPE_ARCHIVE }, { CLT_GZ, VIGIL_TYPE_COMPRESSED },
		{ CLT_BZ, VIGIL_TYPE_COMPRESSED }, { CLT_XZ, VIGIL_TYPE_COMPRESSED },
		{ CLT_ZSTD, VIGIL_TYPE_COMPRESSED },
		{ CLT_LHA_LZH, VIGIL_TYPE_ARCHIVE },
		{ CLT_BINHEX, VIGIL_TYPE_BINHEX }, { CLT_TNEF, VIGIL_TYPE_TNEF },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].cl == cltype)
			return map[i].vt;
	return -1;
}
