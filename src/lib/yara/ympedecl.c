/*
 * ympedecl.c -- the pe module: what it declares (YARA 4.2's fields,
 * functions and constants; the delayed imports as YARA 4.3 names them)
 * and its load, which runs each part over the image.
 */
#include <stdlib.h>

#include "yara/ympe.h"
#include "yara/ymodules.h"
#include "vigil/vigil.h"

static const struct ym_decl version_m[] = {
	[PEV_MAJOR] = YM_DI("major"), [PEV_MINOR] = YM_DI("minor"),
};
static const struct ym_decl kv_m[] = {
	[PEKV_KEY] = YM_DS("key"), [PEKV_VALUE] = YM_DS("value"),
};
static const struct ym_decl kv_item = YM_DSTRUCT("", kv_m);
static const struct ym_decl dir_m[] = {
	[PEDD_VIRTUAL_ADDRESS] = YM_DI("virtual_address"),
	[PEDD_SIZE] = YM_DI("size"),
};
static const struct ym_decl dir_item = YM_DSTRUCT("", dir_m);
static const struct ym_decl section_m[] = {
	[PES_NAME] = YM_DS("name"), [PES_FULL_NAME] = YM_DS("full_name"),
	[PES_CHARACTERISTICS] = YM_DI("characteristics"),
	[PES_VIRTUAL_ADDRESS] = YM_DI("virtual_address"),
	[PES_VIRTUAL_SIZE] = YM_DI("virtual_size"),
	[PES_RAW_DATA_OFFSET] = YM_DI("raw_data_offset"),
	[PES_RAW_DATA_SIZE] = YM_DI("raw_data_size"),
	[PES_POINTER_TO_RELOCATIONS] = YM_DI("pointer_to_relocations"),
	[PES_POINTER_TO_LINE_NUMBERS] = YM_DI("pointer_to_line_numbers"),
	[PES_NUMBER_OF_RELOCATIONS] = YM_DI("number_of_relocations"),
	[PES_NUMBER_OF_LINE_NUMBERS] = YM_DI("number_of_line_numbers"),
};
static const struct ym_decl section_item = YM_DSTRUCT("", section_m);
static const struct ym_decl overlay_m[] = {
	[PEO_OFFSET] = YM_DI("offset"), [PEO_SIZE] = YM_DI("size"),
};
static const struct ym_decl rich_m[] = {
	[PER_OFFSET] = YM_DI("offset"), [PER_LENGTH] = YM_DI("length"),
	[PER_KEY] = YM_DI("key"), [PER_RAW_DATA] = YM_DS("raw_data"),
	[PER_CLEAR_DATA] = YM_DS("clear_data"),
	[PER_VERSION] = YM_DFN("version", "i", 'i', ympe_rich_version),
	[PER_VERSION2] = YM_DFN("version", "ii", 'i', ympe_rich_version),
	[PER_TOOLID] = YM_DFN("toolid", "i", 'i', ympe_rich_toolid),
	[PER_TOOLID2] = YM_DFN("toolid", "ii", 'i', ympe_rich_toolid),
};
static const struct ym_decl export_m[] = {
	[PEE_OFFSET] = YM_DI("offset"), [PEE_NAME] = YM_DS("name"),
	[PEE_FORWARD_NAME] = YM_DS("forward_name"),
	[PEE_ORDINAL] = YM_DI("ordinal"), [PEE_RVA] = YM_DI("rva"),
};
static const struct ym_decl export_item = YM_DSTRUCT("", export_m);
static const struct ym_decl function_m[] = {
	[PEF_NAME] = YM_DS("name"), [PEF_ORDINAL] = YM_DI("ordinal"),
	[PEF_RVA] = YM_DI("rva"),
};
static const struct ym_decl function_item = YM_DSTRUCT("", function_m);
static const struct ym_decl import_m[] = {
	[PEI_LIBRARY_NAME] = YM_DS("library_name"),
	[PEI_NUMBER_OF_FUNCTIONS] = YM_DI("number_of_functions"),
	[PEI_FUNCTIONS] = YM_DARRAY("functions", &function_item),
};
static const struct ym_decl import_item = YM_DSTRUCT("", import_m);
static const struct ym_decl resource_m[] = {
	[PERS_RVA] = YM_DI("rva"), [PERS_OFFSET] = YM_DI("offset"),
	[PERS_LENGTH] = YM_DI("length"), [PERS_TYPE] = YM_DI("type"),
	[PERS_ID] = YM_DI("id"), [PERS_LANGUAGE] = YM_DI("language"),
	[PERS_TYPE_STRING] = YM_DS("type_string"),
	[PERS_NAME_STRING] = YM_DS("name_string"),
	[PERS_LANGUAGE_STRING] = YM_DS("language_string"),
};
static const struct ym_decl resource_item = YM_DSTRUCT("", resource_m);
static const struct ym_decl signature_m[] = {
	[PESG_THUMBPRINT] = YM_DS("thumbprint"),
	[PESG_ISSUER] = YM_DS("issuer"), [PESG_SUBJECT] = YM_DS("subject"),
	[PESG_VERSION] = YM_DI("version"),
	[PESG_ALGORITHM] = YM_DS("algorithm"),
	[PESG_ALGORITHM_OID] = YM_DS("algorithm_oid"),
	[PESG_SERIAL] = YM_DS("serial"),
	[PESG_NOT_BEFORE] = YM_DI("not_before"),
	[PESG_NOT_AFTER] = YM_DI("not_after"),
	[PESG_VALID_ON] = YM_DFN("valid_on", "i", 'i', ympe_valid_on),
};
static const struct ym_decl signature_item = YM_DSTRUCT("", signature_m);

static const struct ym_decl pe_m[] = {
	[PE_IS_PE] = YM_DI("is_pe"), [PE_MACHINE] = YM_DI("machine"),
	[PE_NUMBER_OF_SECTIONS] = YM_DI("number_of_sections"),
	[PE_TIMESTAMP] = YM_DI("timestamp"),
	[PE_POINTER_TO_SYMBOL_TABLE] = YM_DI("pointer_to_symbol_table"),
	[PE_NUMBER_OF_SYMBOLS] = YM_DI("number_of_symbols"),
	[PE_SIZE_OF_OPTIONAL_HEADER] = YM_DI("size_of_optional_header"),
	[PE_CHARACTERISTICS] = YM_DI("characteristics"),
	[PE_ENTRY_POINT] = YM_DI("entry_point"),
	[PE_ENTRY_POINT_RAW] = YM_DI("entry_point_raw"),
	[PE_IMAGE_BASE] = YM_DI("image_base"),
	[PE_NUMBER_OF_RVA_AND_SIZES] = YM_DI("number_of_rva_and_sizes"),
	[PE_NUMBER_OF_VERSION_INFOS] = YM_DI("number_of_version_infos"),
	[PE_VERSION_INFO] = YM_DDICT("version_info", &ym_str_item),
	[PE_VERSION_INFO_LIST] = YM_DARRAY("version_info_list", &kv_item),
	[PE_OPTHDR_MAGIC] = YM_DI("opthdr_magic"),
	[PE_SIZE_OF_CODE] = YM_DI("size_of_code"),
	[PE_SIZE_OF_INITIALIZED_DATA] = YM_DI("size_of_initialized_data"),
	[PE_SIZE_OF_UNINITIALIZED_DATA] = YM_DI("size_of_uninitialized_data"),
	[PE_BASE_OF_CODE] = YM_DI("base_of_code"),
	[PE_BASE_OF_DATA] = YM_DI("base_of_data"),
	[PE_SECTION_ALIGNMENT] = YM_DI("section_alignment"),
	[PE_FILE_ALIGNMENT] = YM_DI("file_alignment"),
	[PE_LINKER_VERSION] = YM_DSTRUCT("linker_version", version_m),
	[PE_OS_VERSION] = YM_DSTRUCT("os_version", version_m),
	[PE_IMAGE_VERSION] = YM_DSTRUCT("image_version", version_m),
	[PE_SUBSYSTEM_VERSION] = YM_DSTRUCT("subsystem_version", version_m),
	[PE_WIN32_VERSION_VALUE] = YM_DI("win32_version_value"),
	[PE_SIZE_OF_IMAGE] = YM_DI("size_of_image"),
	[PE_SIZE_OF_HEADERS] = YM_DI("size_of_headers"),
	[PE_CHECKSUM] = YM_DI("checksum"),
	[PE_CALCULATE_CHECKSUM] = YM_DFN("calculate_checksum", "", 'i',
					 ympe_calculate_checksum),
	[PE_SUBSYSTEM] = YM_DI("subsystem"),
	[PE_DLL_CHARACTERISTICS] = YM_DI("dll_characteristics"),
	[PE_SIZE_OF_STACK_RESERVE] = YM_DI("size_of_stack_reserve"),
	[PE_SIZE_OF_STACK_COMMIT] = YM_DI("size_of_stack_commit"),
	[PE_SIZE_OF_HEAP_RESERVE] = YM_DI("size_of_heap_reserve"),
	[PE_SIZE_OF_HEAP_COMMIT] = YM_DI("size_of_heap_commit"),
	[PE_LOADER_FLAGS] = YM_DI("loader_flags"),
	[PE_DATA_DIRECTORIES] = YM_DARRAY("data_directories", &dir_item),
	[PE_SECTIONS] = YM_DARRAY("sections", &section_item),
	[PE_OVERLAY] = YM_DSTRUCT("overlay", overlay_m),
	[PE_RICH_SIGNATURE] = YM_DSTRUCT("rich_signature", rich_m),
	[PE_IMPHASH] = YM_DFN("imphash", "", 's', ympe_imphash),
	[PE_SECTION_INDEX] = YM_DFN("section_index", "s", 'i',
				    ympe_section_index),
	[PE_SECTION_INDEX_ADDR] = YM_DFN("section_index", "i", 'i',
					 ympe_section_index),
	[PE_EXPORTS] = YM_DFN("exports", "s", 'i', ympe_fn_exports),
	[PE_EXPORTS_RE] = YM_DFN("exports", "r", 'i', ympe_fn_exports),
	[PE_EXPORTS_ORD] = YM_DFN("exports", "i", 'i', ympe_fn_exports),
	[PE_EXPORTS_INDEX] = YM_DFN("exports_index", "s", 'i',
				    ympe_fn_exports_index),
	[PE_EXPORTS_INDEX_ORD] = YM_DFN("exports_index", "i", 'i',
					ympe_fn_exports_index),
	[PE_EXPORTS_INDEX_RE] = YM_DFN("exports_index", "r", 'i',
				       ympe_fn_exports_index),
	[PE_IMPORTS_SS] = YM_DFN("imports", "ss", 'i', ympe_fn_imports),
	[PE_IMPORTS_SI] = YM_DFN("imports", "si", 'i', ympe_fn_imports),
	[PE_IMPORTS_S] = YM_DFN("imports", "s", 'i', ympe_fn_imports),
	[PE_IMPORTS_RR] = YM_DFN("imports", "rr", 'i', ympe_fn_imports),
	[PE_IMPORTS_ISS] = YM_DFN("imports", "iss", 'i', ympe_fn_imports),
	[PE_IMPORTS_ISI] = YM_DFN("imports", "isi", 'i', ympe_fn_imports),
	[PE_IMPORTS_IS] = YM_DFN("imports", "is", 'i', ympe_fn_imports),
	[PE_IMPORTS_IRR] = YM_DFN("imports", "irr", 'i', ympe_fn_imports),
	[PE_LOCALE] = YM_DFN("locale", "i", 'i', ympe_locale),
	[PE_LANGUAGE] = YM_DFN("language", "i", 'i', ympe_language),
	[PE_IS_DLL] = YM_DFN("is_dll", "", 'i', ympe_is_dll),
	[PE_IS_32BIT] = YM_DFN("is_32bit", "", 'i', ympe_is_32bit),
	[PE_IS_64BIT] = YM_DFN("is_64bit", "", 'i', ympe_is_64bit),
	[PE_NUMBER_OF_IMPORTS] = YM_DI("number_of_imports"),
	[PE_NUMBER_OF_IMPORTED_FUNCTIONS] =
		YM_DI("number_of_imported_functions"),
	[PE_NUMBER_OF_DELAYED_IMPORTS] = YM_DI("number_of_delayed_imports"),
	[PE_NUMBER_OF_DELAYED_IMPORTED_FUNCTIONS] =
		YM_DI("number_of_delayed_imported_functions"),
	[PE_NUMBER_OF_EXPORTS] = YM_DI("number_of_exports"),
	[PE_DLL_NAME] = YM_DS("dll_name"),
	[PE_EXPORT_TIMESTAMP] = YM_DI("export_timestamp"),
	[PE_EXPORT_DETAILS] = YM_DARRAY("export_details", &export_item),
	[PE_IMPORT_DETAILS] = YM_DARRAY("import_details", &import_item),
	[PE_DELAYED_IMPORT_DETAILS] =
		YM_DARRAY("delayed_import_details", &import_item),
	[PE_RESOURCE_TIMESTAMP] = YM_DI("resource_timestamp"),
	[PE_RESOURCE_VERSION] = YM_DSTRUCT("resource_version", version_m),
	[PE_RESOURCES] = YM_DARRAY("resources", &resource_item),
	[PE_NUMBER_OF_RESOURCES] = YM_DI("number_of_resources"),
	[PE_PDB_PATH] = YM_DS("pdb_path"),
	[PE_SIGNATURES] = YM_DARRAY("signatures", &signature_item),
	[PE_NUMBER_OF_SIGNATURES] = YM_DI("number_of_signatures"),
	[PE_RVA_TO_OFFSET] = YM_DFN("rva_to_offset", "i", 'i',
				    ympe_fn_rva_to_offset),
	YM_DK("MACHINE_UNKNOWN", 0x0), YM_DK("MACHINE_AM33", 0x1d3),
	YM_DK("MACHINE_AMD64", 0x8664), YM_DK("MACHINE_ARM", 0x1c0),
	YM_DK("MACHINE_ARMNT", 0x1c4), YM_DK("MACHINE_ARM64", 0xaa64),
	YM_DK("MACHINE_EBC", 0xebc), YM_DK("MACHINE_I386", 0x14c),
	YM_DK("MACHINE_IA64", 0x200), YM_DK("MACHINE_M32R", 0x9041),
	YM_DK("MACHINE_MIPS16", 0x266), YM_DK("MACHINE_MIPSFPU", 0x366),
	YM_DK("MACHINE_MIPSFPU16", 0x466), YM_DK("MACHINE_POWERPC", 0x1f0),
	YM_DK("MACHINE_POWERPCFP", 0x1f1), YM_DK("MACHINE_R4000", 0x166),
	YM_DK("MACHINE_SH3", 0x1a2), YM_DK("MACHINE_SH3DSP", 0x1a3),
	YM_DK("MACHINE_SH4", 0x1a6), YM_DK("MACHINE_SH5", 0x1a8),
	YM_DK("MACHINE_THUMB", 0x1c2), YM_DK("MACHINE_WCEMIPSV2", 0x169),
	YM_DK("MACHINE_TARGET_HOST", 0x1), YM_DK("MACHINE_R3000", 0x162),
	YM_DK("MACHINE_R10000", 0x168), YM_DK("MACHINE_ALPHA", 0x184),
	YM_DK("MACHINE_SH3E", 0x1a4), YM_DK("MACHINE_ALPHA64", 0x284),
	YM_DK("MACHINE_AXP64", 0x284), YM_DK("MACHINE_TRICORE", 0x520),
	YM_DK("MACHINE_CEF", 0xcef), YM_DK("MACHINE_CEE", 0xc0ee),
	YM_DK("SUBSYSTEM_UNKNOWN", 0), YM_DK("SUBSYSTEM_NATIVE", 1),
	YM_DK("SUBSYSTEM_WINDOWS_GUI", 2), YM_DK("SUBSYSTEM_WINDOWS_CUI", 3),
	YM_DK("SUBSYSTEM_OS2_CUI", 5), YM_DK("SUBSYSTEM_POSIX_CUI", 7),
	YM_DK("SUBSYSTEM_NATIVE_WINDOWS", 8),
	YM_DK("SUBSYSTEM_WINDOWS_CE_GUI", 9),
	YM_DK("SUBSYSTEM_EFI_APPLICATION", 10),
	YM_DK("SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER", 11),
	YM_DK("SUBSYSTEM_EFI_RUNTIME_DRIVER", 12),
	YM_DK("SUBSYSTEM_EFI_ROM_IMAGE", 13), YM_DK("SUBSYSTEM_XBOX", 14),
	YM_DK("SUBSYSTEM_WINDOWS_BOOT_APPLICATION", 16),
	YM_DK("HIGH_ENTROPY_VA", 0x20), YM_DK("DYNAMIC_BASE", 0x40),
	YM_DK("FORCE_INTEGRITY", 0x80), YM_DK("NX_COMPAT", 0x100),
	YM_DK("NO_ISOLATION", 0x200), YM_DK("NO_SEH", 0x400),
	YM_DK("NO_BIND", 0x800), YM_DK("APPCONTAINER", 0x1000),
	YM_DK("WDM_DRIVER", 0x2000), YM_DK("GUARD_CF", 0x4000),
	YM_DK("TERMINAL_SERVER_AWARE", 0x8000), YM_DK("RELOCS_STRIPPED", 0x1),
	YM_DK("EXECUTABLE_IMAGE", 0x2), YM_DK("LINE_NUMS_STRIPPED", 0x4),
	YM_DK("LOCAL_SYMS_STRIPPED", 0x8), YM_DK("AGGRESIVE_WS_TRIM", 0x10),
	YM_DK("LARGE_ADDRESS_AWARE", 0x20), YM_DK("BYTES_REVERSED_LO", 0x80),
	YM_DK("MACHINE_32BIT", 0x100), YM_DK("DEBUG_STRIPPED", 0x200),
	YM_DK("REMOVABLE_RUN_FROM_SWAP", 0x400),
	YM_DK("NET_RUN_FROM_SWAP", 0x800), YM_DK("SYSTEM", 0x1000),
	YM_DK("DLL", 0x2000), YM_DK("UP_SYSTEM_ONLY", 0x4000),
	YM_DK("BYTES_REVERSED_HI", 0x8000),
	YM_DK("IMAGE_DIRECTORY_ENTRY_EXPORT", 0),
	YM_DK("IMAGE_DIRECTORY_ENTRY_IMPORT", 1),
	YM_DK("IMAGE_DIRECTORY_ENTRY_RESOURCE", 2),
	YM_DK("IMAGE_DIRECTORY_ENTRY_EXCEPTION", 3),
	YM_DK("IMAGE_DIRECTORY_ENTRY_SECURITY", 4),
	YM_DK("IMAGE_DIRECTORY_ENTRY_BASERELOC", 5),
	YM_DK("IMAGE_DIRECTORY_ENTRY_DEBUG", 6),
	YM_DK("IMAGE_DIRECTORY_ENTRY_ARCHITECTURE", 7),
	YM_DK("IMAGE_DIRECTORY_ENTRY_COPYRIGHT", 7),
	YM_DK("IMAGE_DIRECTORY_ENTRY_GLOBALPTR", 8),
	YM_DK("IMAGE_DIRECTORY_ENTRY_TLS", 9),
	YM_DK("IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG", 10),
	YM_DK("IMAGE_DIRECTORY_ENTRY_BOUND_IMPORT", 11),
	YM_DK("IMAGE_DIRECTORY_ENTRY_IAT", 12),
	YM_DK("IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT", 13),
	YM_DK("IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR", 14),
	YM_DK("IMAGE_NT_OPTIONAL_HDR32_MAGIC", 0x10b),
	YM_DK("IMAGE_NT_OPTIONAL_HDR64_MAGIC", 0x20b),
	YM_DK("IMAGE_ROM_OPTIONAL_HDR_MAGIC", 0x107),
	YM_DK("SECTION_NO_PAD", 0x8), YM_DK("SECTION_CNT_CODE", 0x20),
	YM_DK("SECTION_CNT_INITIALIZED_DATA", 0x40),
	YM_DK("SECTION_CNT_UNINITIALIZED_DATA", 0x80),
	YM_DK("SECTION_LNK_OTHER", 0x100), YM_DK("SECTION_LNK_INFO", 0x200),
	YM_DK("SECTION_LNK_REMOVE", 0x800),
	YM_DK("SECTION_LNK_COMDAT", 0x1000),
	YM_DK("SECTION_NO_DEFER_SPEC_EXC", 0x4000),
	YM_DK("SECTION_GPREL", 0x8000), YM_DK("SECTION_MEM_FARDATA", 0x8000),
	YM_DK("SECTION_MEM_PURGEABLE", 0x20000),
	YM_DK("SECTION_MEM_16BIT", 0x20000),
	YM_DK("SECTION_MEM_LOCKED", 0x40000),
	YM_DK("SECTION_MEM_PRELOAD", 0x80000),
	YM_DK("SECTION_ALIGN_1BYTES", 0x100000),
	YM_DK("SECTION_ALIGN_2BYTES", 0x200000),
	YM_DK("SECTION_ALIGN_4BYTES", 0x300000),
	YM_DK("SECTION_ALIGN_8BYTES", 0x400000),
	YM_DK("SECTION_ALIGN_16BYTES", 0x500000),
	YM_DK("SECTION_ALIGN_32BYTES", 0x600000),
	YM_DK("SECTION_ALIGN_64BYTES", 0x700000),
	YM_DK("SECTION_ALIGN_128BYTES", 0x800000),
	YM_DK("SECTION_ALIGN_256BYTES", 0x900000),
	YM_DK("SECTION_ALIGN_512BYTES", 0xa00000),
	YM_DK("SECTION_ALIGN_1024BYTES", 0xb00000),
	YM_DK("SECTION_ALIGN_2048BYTES", 0xc00000),
	YM_DK("SECTION_ALIGN_4096BYTES", 0xd00000),
	YM_DK("SECTION_ALIGN_8192BYTES", 0xe00000),
	YM_DK("SECTION_ALIGN_MASK", 0xf00000),
	YM_DK("SECTION_LNK_NRELOC_OVFL", 0x1000000),
	YM_DK("SECTION_MEM_DISCARDABLE", 0x2000000),
	YM_DK("SECTION_MEM_NOT_CACHED", 0x4000000),
	YM_DK("SECTION_MEM_NOT_PAGED", 0x8000000),
	YM_DK("SECTION_MEM_SHARED", 0x10000000),
	YM_DK("SECTION_MEM_EXECUTE", 0x20000000),
	YM_DK("SECTION_MEM_READ", 0x40000000),
	YM_DK("SECTION_MEM_WRITE", 0x80000000),
	YM_DK("SECTION_SCALE_INDEX", 0x1), YM_DK("RESOURCE_TYPE_CURSOR", 1),
	YM_DK("RESOURCE_TYPE_BITMAP", 2), YM_DK("RESOURCE_TYPE_ICON", 3),
	YM_DK("RESOURCE_TYPE_MENU", 4), YM_DK("RESOURCE_TYPE_DIALOG", 5),
	YM_DK("RESOURCE_TYPE_STRING", 6), YM_DK("RESOURCE_TYPE_FONTDIR", 7),
	YM_DK("RESOURCE_TYPE_FONT", 8), YM_DK("RESOURCE_TYPE_ACCELERATOR", 9),
	YM_DK("RESOURCE_TYPE_RCDATA", 10),
	YM_DK("RESOURCE_TYPE_MESSAGETABLE", 11),
	YM_DK("RESOURCE_TYPE_GROUP_CURSOR", 12),
	YM_DK("RESOURCE_TYPE_GROUP_ICON", 14),
	YM_DK("RESOURCE_TYPE_VERSION", 16),
	YM_DK("RESOURCE_TYPE_DLGINCLUDE", 17),
	YM_DK("RESOURCE_TYPE_PLUGPLAY", 19), YM_DK("RESOURCE_TYPE_VXD", 20),
	YM_DK("RESOURCE_TYPE_ANICURSOR", 21),
	YM_DK("RESOURCE_TYPE_ANIICON", 22), YM_DK("RESOURCE_TYPE_HTML", 23),
	YM_DK("RESOURCE_TYPE_MANIFEST", 24),
	YM_DK("IMAGE_DEBUG_TYPE_UNKNOWN", 0),
	YM_DK("IMAGE_DEBUG_TYPE_COFF", 1),
	YM_DK("IMAGE_DEBUG_TYPE_CODEVIEW", 2),
	YM_DK("IMAGE_DEBUG_TYPE_FPO", 3), YM_DK("IMAGE_DEBUG_TYPE_MISC", 4),
	YM_DK("IMAGE_DEBUG_TYPE_EXCEPTION", 5),
	YM_DK("IMAGE_DEBUG_TYPE_FIXUP", 6),
	YM_DK("IMAGE_DEBUG_TYPE_OMAP_TO_SRC", 7),
	YM_DK("IMAGE_DEBUG_TYPE_OMAP_FROM_SRC", 8),
	YM_DK("IMAGE_DEBUG_TYPE_BORLAND", 9),
	YM_DK("IMAGE_DEBUG_TYPE_RESERVED10", 10),
	YM_DK("IMAGE_DEBUG_TYPE_CLSID", 11),
	YM_DK("IMAGE_DEBUG_TYPE_VC_FEATURE", 12),
	YM_DK("IMAGE_DEBUG_TYPE_POGO", 13),
	YM_DK("IMAGE_DEBUG_TYPE_ILTCG", 14),
	YM_DK("IMAGE_DEBUG_TYPE_MPX", 15),
	YM_DK("IMAGE_DEBUG_TYPE_REPRO", 16), YM_DK("IMPORT_STANDARD", 1),
	YM_DK("IMPORT_DELAYED", 2), YM_DK("IMPORT_ANY", -1),
};

const struct ym_decl ympe_root = YM_DSTRUCT("pe", pe_m);

static int load(struct ym_scan *s, struct ym_obj *root, void **priv)
{
	struct ympe *pe = calloc(1, sizeof(*pe));

	*priv = pe;
	if (!pe)
		return VIGIL_ENOMEM;
	pe->b = s->buf;
	pe->len = s->len;
	pe->root = root;
	ym_int(root, PE_IS_PE, 0);
	if (ympe_headers(s, pe) < 0) {
		pe->nt = 0;
		return 0;
	}
	ympe_resources(s, pe);
	ympe_rich(s, pe);
	ympe_debug(s, pe);
	ympe_signatures(s, pe);
	ympe_imports(s, pe);
	ympe_delayed_imports(s, pe);
	ympe_exports(s, pe);
	return s->oom ? VIGIL_ENOMEM : 0;
}

const struct ym_module ym_pe = { "pe", &ympe_root, load, free };
