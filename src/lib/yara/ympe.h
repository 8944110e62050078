/*
 * ympe.h -- YARA's pe module, shared by its parts: the declarations and
 * the load (ympedecl.c), the headers and sections (ympe.c), imports and
 * exports (ympeimp.c), resources and version information (ymperes.c),
 * the certificates (ympesig.c), the rich header and debug path
 * (ympemisc.c), reading the image (ympeutil.c). Member indexes are the
 * order of the declaration tables.
 *
 * Why not formats/exe/pe.c (the engine's PE reader): rules compare with
 * what yara reads, and yara maps an RVA its own way (the section with
 * the highest address holding it by virtual size, raw offsets rounded to
 * a file alignment below 512, the headers mapped one to one), takes
 * fields from a header cut short, and keeps limits of its own; the
 * engine's reader follows the Windows loader and ClamAV. The ordinal
 * names are shared (peimp_ordinal_name()). Likewise ympesig.c reads every
 * WIN_CERTIFICATE and nested signature as yara does, where
 * formats/exe/authenticode.c checks the one signature the loader
 * verifies.
 */
#ifndef VIGIL_YARA_YMPE_H
#define VIGIL_YARA_YMPE_H

#include <stddef.h>
#include <stdint.h>

#include "yara/ymod.h"

/* Limits, as yara's: sections, imported functions, exports, resources,
 * certificates read; an export's name. */
#define YMPE_MAX_SECTIONS 96
#define YMPE_MAX_IMPORTS 16384
#define YMPE_MAX_EXPORTS 8192
#define YMPE_MAX_EXPORT_NAME 512
#define YMPE_MAX_RESOURCES 65536
#define YMPE_MAX_CERTS 16
/* Version information strings kept (each looked up by key). */
#define YMPE_MAX_VERSION_STRINGS 1024
/* A DLL's or function's name read, at most. */
#define YMPE_MAX_NAME 256

/* The root's members. */
enum {
	PE_IS_PE, PE_MACHINE, PE_NUMBER_OF_SECTIONS, PE_TIMESTAMP,
	PE_POINTER_TO_SYMBOL_TABLE, PE_NUMBER_OF_SYMBOLS,
	PE_SIZE_OF_OPTIONAL_HEADER, PE_CHARACTERISTICS, PE_ENTRY_POINT,
	PE_ENTRY_POINT_RAW, PE_IMAGE_BASE, PE_NUMBER_OF_RVA_AND_SIZES,
	PE_NUMBER_OF_VERSION_INFOS, PE_VERSION_INFO, PE_VERSION_INFO_LIST,
	PE_OPTHDR_MAGIC, PE_SIZE_OF_CODE, PE_SIZE_OF_INITIALIZED_DATA,
	PE_SIZE_OF_UNINITIALIZED_DATA, PE_BASE_OF_CODE, PE_BASE_OF_DATA,
	PE_SECTION_ALIGNMENT, PE_FILE_ALIGNMENT, PE_LINKER_VERSION,
	PE_OS_VERSION, PE_IMAGE_VERSION, PE_SUBSYSTEM_VERSION,
	PE_WIN32_VERSION_VALUE, PE_SIZE_OF_IMAGE, PE_SIZE_OF_HEADERS,
	PE_CHECKSUM, PE_CALCULATE_CHECKSUM, PE_SUBSYSTEM,
	PE_DLL_CHARACTERISTICS, PE_SIZE_OF_STACK_RESERVE,
	PE_SIZE_OF_STACK_COMMIT, PE_SIZE_OF_HEAP_RESERVE,
	PE_SIZE_OF_HEAP_COMMIT, PE_LOADER_FLAGS, PE_DATA_DIRECTORIES,
	PE_SECTIONS, PE_OVERLAY, PE_RICH_SIGNATURE, PE_IMPHASH,
	PE_SECTION_INDEX, PE_SECTION_INDEX_ADDR, PE_EXPORTS, PE_EXPORTS_RE,
	PE_EXPORTS_ORD, PE_EXPORTS_INDEX, PE_EXPORTS_INDEX_ORD,
	PE_EXPORTS_INDEX_RE, PE_IMPORTS_SS, PE_IMPORTS_SI, PE_IMPORTS_S,
	PE_IMPORTS_RR, PE_IMPORTS_ISS, PE_IMPORTS_ISI, PE_IMPORTS_IS,
	PE_IMPORTS_IRR, PE_LOCALE, PE_LANGUAGE, PE_IS_DLL, PE_IS_32BIT,
	PE_IS_64BIT, PE_NUMBER_OF_IMPORTS, PE_NUMBER_OF_IMPORTED_FUNCTIONS,
	PE_NUMBER_OF_DELAYED_IMPORTS, PE_NUMBER_OF_DELAYED_IMPORTED_FUNCTIONS,
	PE_NUMBER_OF_EXPORTS, PE_DLL_NAME, PE_EXPORT_TIMESTAMP,
	PE_EXPORT_DETAILS, PE_IMPORT_DETAILS, PE_DELAYED_IMPORT_DETAILS,
	PE_RESOURCE_TIMESTAMP, PE_RESOURCE_VERSION, PE_RESOURCES,
	PE_NUMBER_OF_RESOURCES, PE_PDB_PATH, PE_SIGNATURES,
	PE_NUMBER_OF_SIGNATURES, PE_RVA_TO_OFFSET,
	PE_NFIELDS	/* the constants follow */
};

enum { PEV_MAJOR, PEV_MINOR, PEV_N };
enum { PEKV_KEY, PEKV_VALUE, PEKV_N };
enum { PEDD_VIRTUAL_ADDRESS, PEDD_SIZE, PEDD_N };
enum {
	PES_NAME, PES_FULL_NAME, PES_CHARACTERISTICS, PES_VIRTUAL_ADDRESS,
	PES_VIRTUAL_SIZE, PES_RAW_DATA_OFFSET, PES_RAW_DATA_SIZE,
	PES_POINTER_TO_RELOCATIONS, PES_POINTER_TO_LINE_NUMBERS,
	PES_NUMBER_OF_RELOCATIONS, PES_NUMBER_OF_LINE_NUMBERS, PES_N
};
enum { PEO_OFFSET, PEO_SIZE, PEO_N };
enum {
	PER_OFFSET, PER_LENGTH, PER_KEY, PER_RAW_DATA, PER_CLEAR_DATA,
	PER_VERSION, PER_VERSION2, PER_TOOLID, PER_TOOLID2, PER_N
};
enum { PEE_OFFSET, PEE_NAME, PEE_FORWARD_NAME, PEE_ORDINAL, PEE_RVA, PEE_N };
enum { PEI_LIBRARY_NAME, PEI_NUMBER_OF_FUNCTIONS, PEI_FUNCTIONS, PEI_N };
enum { PEF_NAME, PEF_ORDINAL, PEF_RVA, PEF_N };
enum {
	PERS_RVA, PERS_OFFSET, PERS_LENGTH, PERS_TYPE, PERS_ID, PERS_LANGUAGE,
	PERS_TYPE_STRING, PERS_NAME_STRING, PERS_LANGUAGE_STRING, PERS_N
};
enum {
	PESG_THUMBPRINT, PESG_ISSUER, PESG_SUBJECT, PESG_VERSION,
	PESG_ALGORITHM, PESG_ALGORITHM_OID, PESG_SERIAL, PESG_NOT_BEFORE,
	PESG_NOT_AFTER, PESG_VALID_ON, PESG_N
};

/* A parsed image, what the functions read. */
struct ympe {
	const uint8_t *b;
	size_t len;
	uint32_t nt;		/* "PE\0\0" */
	uint32_t opt;		/* the optional header */
	int is64;
	uint16_t characteristics;
	uint32_t nsect;		/* section headers in the file, at most 96 */
	uint32_t nsect_want;	/* declared, at most 96 */
	uint32_t sect;		/* the first one */
	uint32_t file_align;
	uint32_t ndirs;		/* NumberOfRvaAndSizes */
	uint32_t symtab, nsyms;
	struct ym_obj *root;
	struct ym_val imphash;	/* once computed */
};

extern const struct ym_decl ympe_root;

/* Bytes from off to the end of the file (0 if off is past it). */
size_t ympe_avail(const struct ympe *pe, uint64_t off);
/* File offset of rva, or -1, as yara maps it. */
int64_t ympe_rva_to_offset(const struct ympe *pe, uint64_t rva);
/* Data directory i: its rva and size; 0, or -1 if absent. */
int ympe_dir(const struct ympe *pe, unsigned i, uint32_t *rva,
	     uint32_t *size);

/* Parses b's headers into pe and fills the root's header fields and
 * sections: 0, or -1 if b is not a PE image yara reads. */
int ympe_headers(struct ym_scan *s, struct ympe *pe);
void ympe_imports(struct ym_scan *s, struct ympe *pe);
void ympe_delayed_imports(struct ym_scan *s, struct ympe *pe);
void ympe_exports(struct ym_scan *s, struct ympe *pe);
void ympe_resources(struct ym_scan *s, struct ympe *pe);
void ympe_signatures(struct ym_scan *s, struct ympe *pe);
void ympe_rich(struct ym_scan *s, struct ympe *pe);
void ympe_debug(struct ym_scan *s, struct ympe *pe);

/* The functions (each file's own). */
struct ym_val ympe_imphash(struct ym_call *c);
struct ym_val ympe_fn_exports(struct ym_call *c);
struct ym_val ympe_fn_exports_index(struct ym_call *c);
struct ym_val ympe_fn_imports(struct ym_call *c);
struct ym_val ympe_locale(struct ym_call *c);
struct ym_val ympe_language(struct ym_call *c);
struct ym_val ympe_valid_on(struct ym_call *c);
struct ym_val ympe_rich_version(struct ym_call *c);
struct ym_val ympe_rich_toolid(struct ym_call *c);
struct ym_val ympe_section_index(struct ym_call *c);
struct ym_val ympe_is_dll(struct ym_call *c);
struct ym_val ympe_is_32bit(struct ym_call *c);
struct ym_val ympe_is_64bit(struct ym_call *c);
struct ym_val ympe_calculate_checksum(struct ym_call *c);
struct ym_val ympe_fn_rva_to_offset(struct ym_call *c);

#endif
