/*
 * cltype.h -- ClamAV's file types (CL_TYPE_*), the names that target
 * blocks ("Container:", "Intermediates:", "HandlerType:") and .cdb/.ftm
 * lines use. Vigil keeps them as small numbers in compiled databases.
 */
#ifndef VIGIL_SIG_CLTYPE_H
#define VIGIL_SIG_CLTYPE_H

#include <stddef.h>

/* 0 is "none"; CLT_ANY is CL_TYPE_ANY; the rest in ClamAV's list order. */
enum cl_type {
	CLT_NONE = 0,
	CLT_ANY,
	CLT_7Z,
	CLT_7ZSFX,
	CLT_APM,
	CLT_ARJ,
	CLT_ARJSFX,
	CLT_AUTOIT,
	CLT_BINARY_DATA,
	CLT_BINHEX,
	CLT_BZ,
	CLT_CABSFX,
	CLT_CPIO_CRC,
	CLT_CPIO_NEWC,
	CLT_CPIO_ODC,
	CLT_CPIO_OLD,
	CLT_CRYPTFF,
	CLT_DMG,
	CLT_EGG,
	CLT_ELF,
	CLT_GIF,
	CLT_GPT,
	CLT_GRAPHICS,
	CLT_GZ,
	CLT_HTML_UTF16,
	CLT_HTML,
	CLT_HWP3,
	CLT_HWPOLE2,
	CLT_INTERNAL,
	CLT_ISHIELD_MSI,
	CLT_ISO9660,
	CLT_JAVA,
	CLT_JPEG,
	CLT_LNK,
	CLT_MACHO_UNIBIN,
	CLT_MACHO,
	CLT_MAIL,
	CLT_MBR,
	CLT_MHTML,
	CLT_MSCAB,
	CLT_MSCHM,
	CLT_MSEXE,
	CLT_MSOLE2,
	CLT_MSSZDD,
	CLT_NULSFT,
	CLT_OLD_TAR,
	CLT_ONENOTE,
	CLT_OOXML_HWP,
	CLT_OOXML_PPT,
	CLT_OOXML_WORD,
	CLT_OOXML_XL,
	CLT_PART_HFSPLUS,
	CLT_PDF,
	CLT_PNG,
	CLT_POSIX_TAR,
	CLT_PS,
	CLT_PYTHON_COMPILED,
	CLT_RAR,
	CLT_RARSFX,
	CLT_RIFF,
	CLT_RTF,
	CLT_SCRENC,
	CLT_SCRIPT,
	CLT_SIS,
	CLT_SWF,
	CLT_TEXT_ASCII,
	CLT_TEXT_UTF16BE,
	CLT_TEXT_UTF16LE,
	CLT_TEXT_UTF8,
	CLT_TIFF,
	CLT_TNEF,
	CLT_UDF,
	CLT_UUENCODED,
	CLT_XAR,
	CLT_XDP,
	CLT_XML_HWP,
	CLT_XML_WORD,
	CLT_XML_XL,
	CLT_XZ,
	CLT_ZIP,
	CLT_ZIPSFX,
	/* Added in later ClamAV releases (its file type magic names them);
	 * appended so that the numbers stored in .vdb files keep their
	 * meaning. */
	CLT_AI_MODEL,
	CLT_ALZ,
	CLT_IGNORED,
	CLT_LHA_LZH,
	CLT_PART_ANY,
	CLT_ZSTD,
	CLT_COUNT
};

/* The type named "CL_TYPE_<X>" in s[0..n), or CLT_NONE. */
int cltype_parse(const char *s, size_t n);
/* "CL_TYPE_<X>" of a type, or "CL_TYPE_?" if there is none. */
const char *cltype_name(int t);

#endif
