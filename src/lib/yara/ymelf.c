/*
 * ymelf.c -- YARA's elf module: the header of a 32- or 64-bit ELF file
 * of either byte order, its sections (named from the section name table),
 * segments, the dynamic section's entries, and the symbols of the last
 * SYMTAB and DYNSYM sections, read as yara 4.2 reads them. The entry
 * point is a file offset: through the segments of an executable, the
 * sections of anything else. Symbols and dynamic entries are kept to
 * YMELF_MAX_ENTRIES each (yara keeps every one a file holds).
 */
#include <string.h>

#include "common/le.h"
#include "yara/ymodules.h"
#include "vigil/vigil.h"

/* Symbols per table and dynamic entries kept, at most. */
#define YMELF_MAX_ENTRIES 65536

enum {
	EL_TYPE, EL_MACHINE, EL_ENTRY_POINT, EL_NUMBER_OF_SECTIONS, EL_SH_OFFSET,
	EL_SH_ENTRY_SIZE, EL_NUMBER_OF_SEGMENTS, EL_PH_OFFSET, EL_PH_ENTRY_SIZE,
	EL_SECTIONS, EL_SEGMENTS, EL_DYNAMIC_SECTION_ENTRIES, EL_DYNAMIC,
	EL_SYMTAB_ENTRIES, EL_SYMTAB, EL_DYNSYM_ENTRIES, EL_DYNSYM, EL_NFIELDS
};
enum { ES_TYPE, ES_FLAGS, ES_ADDRESS, ES_NAME, ES_SIZE, ES_OFFSET, ES_N };
enum {
	EG_TYPE, EG_FLAGS, EG_OFFSET, EG_VIRTUAL_ADDRESS, EG_PHYSICAL_ADDRESS,
	EG_FILE_SIZE, EG_MEMORY_SIZE, EG_ALIGNMENT, EG_N
};
enum { ED_TYPE, ED_VAL, ED_N };
enum { EY_NAME, EY_VALUE, EY_SIZE, EY_TYPE, EY_BIND, EY_SHNDX, EY_N };

struct elf {
	const uint8_t *b;
	size_t len;
	int is64, be;
	uint64_t shoff, phoff;
	uint16_t shnum, phnum, shstrndx, type;
};

static uint64_t rd(const struct elf *e, uint64_t off, unsigned size)
{
	const uint8_t *p = e->b + off;

	if (size == 1)
		return p[0];
	if (size == 2)
		return e->be ? be16_load(p) : le16_load(p);
	if (size == 4)
		return e->be ? be32_load(p) : le32_load(p);
	return e->be ? be64_load(p) : le64_load(p);
}

/* A word: 4 bytes in a 32-bit file, 8 in a 64-bit one. */
static uint64_t word(const struct elf *e, uint64_t off32, uint64_t off64)
{
	return e->is64 ? rd(e, off64, 8) : rd(e, off32, 4);
}

static unsigned sh_size(const struct elf *e) { return e->is64 ? 64 : 40; }
static unsigned ph_size(const struct elf *e) { return e->is64 ? 56 : 32; }

static int fits(const struct elf *e, uint64_t off, uint64_t n)
{
	return off <= e->len && n <= e->len - off;
}

/* An RVA's file offset, or -1: through the segments of an executable,
 * through the sections (not empty or NOBITS ones) of anything else. */
static int64_t rva_to_offset(const struct elf *e, uint64_t rva)
{
	uint64_t i, at, va;

	if (e->type == 2) {
		if (!e->phoff || !e->phnum ||
		    !fits(e, e->phoff, (uint64_t)e->phnum * ph_size(e)))
			return -1;
		for (i = 0; i < e->phnum; i++) {
			at = e->phoff + i * ph_size(e);
			va = word(e, at + 8, at + 16);
			if (rva >= va && rva - va < word(e, at + 20, at + 40))
				return (int64_t)(word(e, at + 4, at + 8) + (rva - va));
		}
		return -1;
	}
	if (!e->shoff || !e->shnum ||
	    !fits(e, e->shoff, (uint64_t)e->shnum * sh_size(e)))
		return -1;
	for (i = 0; i < e->shnum; i++) {
		uint32_t t;

		at = e->shoff + i * sh_size(e);
		t = (uint32_t)rd(e, at + 4, 4);
		va = word(e, at + 12, at + 16);
		if (t != 0 && t != 8 && rva >= va &&
		    rva - va < word(e, at + 20, at + 32))
			return (int64_t)(word(e, at + 16, at + 24) + (rva - va));
	}
	return -1;
}

/* yara's string table entry: the table must start with a NUL, the entry
 * end before limit. NULL otherwise. */
static const char *table_entry(const struct elf *e, uint64_t base,
			       uint64_t limit, uint32_t index)
{
	uint64_t at = base + index;
	size_t n;

	if (base >= limit || limit > e->len || e->b[base] || (int32_t)index < 0 ||
	    at >= limit)
		return NULL;
	n = strnlen((const char *)e->b + at, (size_t)(limit - at));
	return at + n == limit ? NULL : (const char *)e->b + at;
}

struct symtab {
	uint64_t off, size, str, strsize;
	int found;
};

static void symbols(struct ym_scan *s, const struct elf *e, struct ym_obj *root,
		    const struct symtab *t, size_t arr_m, size_t count_m)
{
	struct ym_obj *arr = ym_sub(s, root, arr_m, 0);
	unsigned sz = e->is64 ? 24 : 16;
	uint64_t j, at;

	if (!t->found || !fits(e, t->off, t->size) ||
	    !fits(e, t->str, t->strsize) || !arr)
		return;
	for (j = 0; j < t->size / sz && j < YMELF_MAX_ENTRIES; j++) {
		struct ym_obj *o = ym_push_struct(s, arr, EY_N);
		const char *name;
		uint8_t info;

		if (!o)
			return;
		at = t->off + j * sz;
		info = (uint8_t)rd(e, at + (e->is64 ? 4 : 12), 1);
		name = table_entry(e, t->str, t->str + t->strsize,
				   (uint32_t)rd(e, at, 4));
		if (name)
			ym_str(s, o, EY_NAME, name, strlen(name));
		ym_int(o, EY_BIND, info >> 4);
		ym_int(o, EY_TYPE, info & 15);
		ym_int(o, EY_SHNDX, (int64_t)rd(e, at + (e->is64 ? 6 : 14), 2));
		ym_int(o, EY_VALUE, (int64_t)word(e, at + 4, at + 8));
		ym_int(o, EY_SIZE, (int64_t)word(e, at + 8, at + 16));
	}
	ym_int(root, count_m, (int64_t)j);
}

/* A SYMTAB or DYNSYM section whose link is a STRTAB: remembered. */
static void note_symtab(const struct elf *e, uint64_t at, struct symtab *t)
{
	uint32_t link = (uint32_t)rd(e, at + (e->is64 ? 40 : 24), 4);
	uint64_t str;

	if (link >= e->shnum)
		return;
	str = e->shoff + (uint64_t)link * sh_size(e);
	if ((uint32_t)rd(e, str + 4, 4) != 3)
		return;
	t->off = word(e, at + 16, at + 24);
	t->size = word(e, at + 20, at + 32);
	t->str = word(e, str + 16, str + 24);
	t->strsize = word(e, str + 20, str + 32);
	t->found = 1;
}

static void sections(struct ym_scan *s, const struct elf *e, struct ym_obj *root)
{
	struct ym_obj *arr = ym_sub(s, root, EL_SECTIONS, 0);
	struct symtab sym = { 0 }, dyn = { 0 };
	uint64_t strtab = 0, i, at;
	int have_str;

	if (e->shnum >= 0xff00 || e->shstrndx >= e->shnum ||
	    e->shoff >= e->len ||
	    !fits(e, e->shoff, (uint64_t)e->shnum * sh_size(e)) || !arr)
		return;
	at = e->shoff + (uint64_t)e->shstrndx * sh_size(e);
	strtab = word(e, at + 16, at + 24);
	have_str = strtab < e->len && strtab > 0;
	for (i = 0; i < e->shnum; i++) {
		struct ym_obj *o = ym_push_struct(s, arr, ES_N);
		uint32_t type, name;
		const char *nm;

		if (!o)
			return;
		at = e->shoff + i * sh_size(e);
		type = (uint32_t)rd(e, at + 4, 4);
		name = (uint32_t)rd(e, at, 4);
		ym_int(o, ES_TYPE, type);
		ym_int(o, ES_FLAGS, (int64_t)word(e, at + 8, at + 8));
		ym_int(o, ES_ADDRESS, (int64_t)word(e, at + 12, at + 16));
		ym_int(o, ES_SIZE, (int64_t)word(e, at + 20, at + 32));
		ym_int(o, ES_OFFSET, (int64_t)word(e, at + 16, at + 24));
		if (name < e->len && have_str &&
		    (nm = table_entry(e, strtab, e->len, name)))
			ym_str(s, o, ES_NAME, nm, strlen(nm));
		if (type == 2)
			note_symtab(e, at, &sym);
		else if (type == 11)
			note_symtab(e, at, &dyn);
	}
	symbols(s, e, root, &sym, EL_SYMTAB, EL_SYMTAB_ENTRIES);
	symbols(s, e, root, &dyn, EL_DYNSYM, EL_DYNSYM_ENTRIES);
}

/* A PT_DYNAMIC segment's entries, to the first DT_NULL. */
static void dynamic(struct ym_scan *s, const struct elf *e, struct ym_obj *root,
		    uint64_t off)
{
	struct ym_obj *arr = ym_sub(s, root, EL_DYNAMIC, 0);
	unsigned sz = e->is64 ? 16 : 8;
	uint64_t j = 0, tag;

	for (; arr && fits(e, off, sz) && j < YMELF_MAX_ENTRIES; off += sz) {
		struct ym_obj *o = ym_push_struct(s, arr, ED_N);

		if (!o)
			return;
		tag = word(e, off, off);
		ym_int(o, ED_TYPE, (int64_t)tag);
		ym_int(o, ED_VAL, (int64_t)word(e, off + 4, off + 8));
		j++;
		if (!tag)
			break;
	}
	ym_int(root, EL_DYNAMIC_SECTION_ENTRIES, (int64_t)j);
}

static void segments(struct ym_scan *s, const struct elf *e, struct ym_obj *root)
{
	struct ym_obj *arr = ym_sub(s, root, EL_SEGMENTS, 0);
	static const uint8_t off32[] = { 0, 24, 4, 8, 12, 16, 20, 28 };
	static const uint8_t off64[] = { 0, 4, 8, 16, 24, 32, 40, 48 };
	uint64_t i, at;
	unsigned f;

	if (!e->phnum || e->phnum == 0xffff || e->phoff >= e->len ||
	    !fits(e, e->phoff, (uint64_t)e->phnum * ph_size(e)) || !arr)
		return;
	for (i = 0; i < e->phnum; i++) {
		struct ym_obj *o = ym_push_struct(s, arr, EG_N);

		if (!o)
			return;
		at = e->phoff + i * ph_size(e);
		for (f = 0; f < EG_N; f++) /* type and flags are 4 bytes */
			ym_int(o, f, f < 2 ? (int64_t)rd(e, at + (e->is64 ?
						off64[f] : off32[f]), 4) :
					     (int64_t)word(e, at + off32[f],
							   at + off64[f]));
		if (rd(e, at, 4) == 2)
			dynamic(s, e, root, word(e, at + 4, at + 8));
	}
}

static void header(const struct elf *e, struct ym_obj *root)
{
	uint64_t entry = word(e, 24, 24);

	ym_int(root, EL_TYPE, e->type);
	ym_int(root, EL_MACHINE, (int64_t)rd(e, 18, 2));
	ym_int(root, EL_SH_OFFSET, (int64_t)e->shoff);
	ym_int(root, EL_SH_ENTRY_SIZE, (int64_t)rd(e, e->is64 ? 58 : 46, 2));
	ym_int(root, EL_NUMBER_OF_SECTIONS, e->shnum);
	ym_int(root, EL_PH_OFFSET, (int64_t)e->phoff);
	ym_int(root, EL_PH_ENTRY_SIZE, (int64_t)rd(e, e->is64 ? 54 : 42, 2));
	ym_int(root, EL_NUMBER_OF_SEGMENTS, e->phnum);
	if (entry && rva_to_offset(e, entry) >= 0)
		ym_int(root, EL_ENTRY_POINT, rva_to_offset(e, entry));
}

static int load(struct ym_scan *s, struct ym_obj *root, void **priv)
{
	struct elf e = { s->buf, s->len, 0, 0, 0, 0, 0, 0, 0, 0 };

	*priv = NULL;
	if (s->len < 16 || memcmp(s->buf, "\x7f" "ELF", 4) ||
	    (s->buf[4] != 1 && s->buf[4] != 2) ||
	    (s->buf[5] != 1 && s->buf[5] != 2))
		return 0;
	e.is64 = s->buf[4] == 2;
	e.be = s->buf[5] == 2;
	if (s->len <= (e.is64 ? 64u : 52u))
		return 0;
	e.type = (uint16_t)rd(&e, 16, 2);
	e.phoff = word(&e, 28, 32);
	e.shoff = word(&e, 32, 40);
	e.phnum = (uint16_t)rd(&e, e.is64 ? 56 : 44, 2);
	e.shnum = (uint16_t)rd(&e, e.is64 ? 60 : 48, 2);
	e.shstrndx = (uint16_t)rd(&e, e.is64 ? 62 : 50, 2);
	header(&e, root);
	sections(s, &e, root);
	segments(s, &e, root);
	return s->oom ? VIGIL_ENOMEM : 0;
}

static const struct ym_decl section_m[] = {
	[ES_TYPE] = YM_DI("type"), [ES_FLAGS] = YM_DI("flags"),
	[ES_ADDRESS] = YM_DI("address"), [ES_NAME] = YM_DS("name"),
	[ES_SIZE] = YM_DI("size"), [ES_OFFSET] = YM_DI("offset"),
};
static const struct ym_decl section_item = YM_DSTRUCT("", section_m);
static const struct ym_decl segment_m[] = {
	[EG_TYPE] = YM_DI("type"), [EG_FLAGS] = YM_DI("flags"),
	[EG_OFFSET] = YM_DI("offset"),
	[EG_VIRTUAL_ADDRESS] = YM_DI("virtual_address"),
	[EG_PHYSICAL_ADDRESS] = YM_DI("physical_address"),
	[EG_FILE_SIZE] = YM_DI("file_size"),
	[EG_MEMORY_SIZE] = YM_DI("memory_size"),
	[EG_ALIGNMENT] = YM_DI("alignment"),
};
static const struct ym_decl segment_item = YM_DSTRUCT("", segment_m);
static const struct ym_decl dyn_m[] = {
	[ED_TYPE] = YM_DI("type"), [ED_VAL] = YM_DI("val"),
};
static const struct ym_decl dyn_item = YM_DSTRUCT("", dyn_m);
static const struct ym_decl sym_m[] = {
	[EY_NAME] = YM_DS("name"), [EY_VALUE] = YM_DI("value"),
	[EY_SIZE] = YM_DI("size"), [EY_TYPE] = YM_DI("type"),
	[EY_BIND] = YM_DI("bind"), [EY_SHNDX] = YM_DI("shndx"),
};
static const struct ym_decl sym_item = YM_DSTRUCT("", sym_m);

static const struct ym_decl elf_m[] = {
	[EL_TYPE] = YM_DI("type"), [EL_MACHINE] = YM_DI("machine"),
	[EL_ENTRY_POINT] = YM_DI("entry_point"),
	[EL_NUMBER_OF_SECTIONS] = YM_DI("number_of_sections"),
	[EL_SH_OFFSET] = YM_DI("sh_offset"),
	[EL_SH_ENTRY_SIZE] = YM_DI("sh_entry_size"),
	[EL_NUMBER_OF_SEGMENTS] = YM_DI("number_of_segments"),
	[EL_PH_OFFSET] = YM_DI("ph_offset"),
	[EL_PH_ENTRY_SIZE] = YM_DI("ph_entry_size"),
	[EL_SECTIONS] = YM_DARRAY("sections", &section_item),
	[EL_SEGMENTS] = YM_DARRAY("segments", &segment_item),
	[EL_DYNAMIC_SECTION_ENTRIES] = YM_DI("dynamic_section_entries"),
	[EL_DYNAMIC] = YM_DARRAY("dynamic", &dyn_item),
	[EL_SYMTAB_ENTRIES] = YM_DI("symtab_entries"),
	[EL_SYMTAB] = YM_DARRAY("symtab", &sym_item),
	[EL_DYNSYM_ENTRIES] = YM_DI("dynsym_entries"),
	[EL_DYNSYM] = YM_DARRAY("dynsym", &sym_item),
	YM_DK("ET_NONE", 0), YM_DK("ET_REL", 1), YM_DK("ET_EXEC", 2),
	YM_DK("ET_DYN", 3), YM_DK("ET_CORE", 4), YM_DK("EM_NONE", 0),
	YM_DK("EM_M32", 1), YM_DK("EM_SPARC", 2), YM_DK("EM_386", 3),
	YM_DK("EM_68K", 4), YM_DK("EM_88K", 5), YM_DK("EM_860", 7),
	YM_DK("EM_MIPS", 8), YM_DK("EM_MIPS_RS3_LE", 10), YM_DK("EM_PPC", 20),
	YM_DK("EM_PPC64", 21), YM_DK("EM_ARM", 40), YM_DK("EM_X86_64", 62),
	YM_DK("EM_AARCH64", 183), YM_DK("SHT_NULL", 0),
	YM_DK("SHT_PROGBITS", 1), YM_DK("SHT_SYMTAB", 2),
	YM_DK("SHT_STRTAB", 3), YM_DK("SHT_RELA", 4), YM_DK("SHT_HASH", 5),
	YM_DK("SHT_DYNAMIC", 6), YM_DK("SHT_NOTE", 7), YM_DK("SHT_NOBITS", 8),
	YM_DK("SHT_REL", 9), YM_DK("SHT_SHLIB", 10), YM_DK("SHT_DYNSYM", 11),
	YM_DK("SHF_WRITE", 1), YM_DK("SHF_ALLOC", 2),
	YM_DK("SHF_EXECINSTR", 4), YM_DK("PT_NULL", 0), YM_DK("PT_LOAD", 1),
	YM_DK("PT_DYNAMIC", 2), YM_DK("PT_INTERP", 3), YM_DK("PT_NOTE", 4),
	YM_DK("PT_SHLIB", 5), YM_DK("PT_PHDR", 6), YM_DK("PT_TLS", 7),
	YM_DK("PT_GNU_EH_FRAME", 0x6474e550),
	YM_DK("PT_GNU_STACK", 0x6474e551), YM_DK("DT_NULL", 0),
	YM_DK("DT_NEEDED", 1), YM_DK("DT_PLTRELSZ", 2), YM_DK("DT_PLTGOT", 3),
	YM_DK("DT_HASH", 4), YM_DK("DT_STRTAB", 5), YM_DK("DT_SYMTAB", 6),
	YM_DK("DT_RELA", 7), YM_DK("DT_RELASZ", 8), YM_DK("DT_RELAENT", 9),
	YM_DK("DT_STRSZ", 10), YM_DK("DT_SYMENT", 11), YM_DK("DT_INIT", 12),
	YM_DK("DT_FINI", 13), YM_DK("DT_SONAME", 14), YM_DK("DT_RPATH", 15),
	YM_DK("DT_SYMBOLIC", 16), YM_DK("DT_REL", 17), YM_DK("DT_RELSZ", 18),
	YM_DK("DT_RELENT", 19), YM_DK("DT_PLTREL", 20), YM_DK("DT_DEBUG", 21),
	YM_DK("DT_TEXTREL", 22), YM_DK("DT_JMPREL", 23),
	YM_DK("DT_BIND_NOW", 24), YM_DK("DT_INIT_ARRAY", 25),
	YM_DK("DT_FINI_ARRAY", 26), YM_DK("DT_INIT_ARRAYSZ", 27),
	YM_DK("DT_FINI_ARRAYSZ", 28), YM_DK("DT_RUNPATH", 29),
	YM_DK("DT_FLAGS", 30), YM_DK("DT_ENCODING", 32),
	YM_DK("STT_NOTYPE", 0), YM_DK("STT_OBJECT", 1), YM_DK("STT_FUNC", 2),
	YM_DK("STT_SECTION", 3), YM_DK("STT_FILE", 4), YM_DK("STT_COMMON", 5),
	YM_DK("STT_TLS", 6), YM_DK("STB_LOCAL", 0), YM_DK("STB_GLOBAL", 1),
	YM_DK("STB_WEAK", 2), YM_DK("PF_X", 1), YM_DK("PF_W", 2),
	YM_DK("PF_R", 4),
};

static const struct ym_decl elf_root = YM_DSTRUCT("elf", elf_m);

const struct ym_module ym_elf = { "elf", &elf_root, load, NULL };
