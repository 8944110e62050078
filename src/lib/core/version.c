/*
 * version.c -- version and error strings, and type names: static text.
 */
#include "vigil/vigil.h"

const char *vigil_version(void)
{
	return VIGIL_VERSION_STRING;
}

int vigil_version_number(void)
{
	return VIGIL_VERSION_NUMBER;
}

const char *vigil_strerror(int code)
{
	static const char *const msg[] = {
		"success",
		"out of memory",
		"invalid argument",
		"input/output error",
		"malformed signatures or database",
		"operation not allowed in this state",
		"unsupported signature feature",
		"checksum mismatch",
		"unsupported database format version",
		"pattern matcher failure",
		"no such file or directory",
		"no usable signatures",
		"not a regular file",
		"internal limit exceeded",
		"the database flags a harmless object",
		"the file shrank while it was scanned",
	};

	if (code > 0 || (unsigned)-code >= sizeof(msg) / sizeof(msg[0]))
		return "unknown error";
	return msg[-code];
}

const char *vigil_file_type_name(int type)
{
	static const char *const names[] = {
		"BINARY", "TEXT", "HTML", "MAIL", "PE", "ELF", "MACHO",
		"OLE2", "PDF", "GRAPHICS", "FLASH", "JAVA", "ARCHIVE",
		"EMPTY", "COMPRESSED", "RTF", "BINHEX", "TNEF", "MSCOMPRESS",
	};

	if (type < 0 || (unsigned)type >= sizeof(names) / sizeof(names[0]))
		return "UNKNOWN";
	return names[type];
}
