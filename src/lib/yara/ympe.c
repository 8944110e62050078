/*
 * ympe.c -- the pe module's headers: the COFF and optional headers, the
 * data directories, the sections (with a long name from the COFF string
 * table), the overlay, and the functions over them (section_index,
 * is_dll, is_32bit, is_64bit, calculate_checksum, rva_to_offset). An
 * image yara would not read (no MZ, no PE signature, headers cut short)
 * leaves every field undefined but is_pe, which is 0.
 */
#include <ctype.h>
#include <string.h>

#include "common/le.h"
#include "yara/ympe.h"

static uint64_t opt_field(const struct ympe *pe, unsigned off32,
			  unsigned off64, unsigned size)
{
	const uint8_t *p = pe->b + pe->opt + (pe->is64 ? off64 : off32);

	return size == 8 ? le64_load(p) : size == 4 ? le32_load(p) :
	       size == 2 ? le16_load(p) : p[0];
}

/* Finds the headers as yara's pe_get_header: 0, or -1. */
static int locate(struct ympe *pe)
{
	uint64_t need;

	if (pe->len < 64 || le16_load(pe->b) != 0x5a4d)
		return -1;
	pe->nt = le32_load(pe->b + 0x3c);
	need = (uint64_t)pe->nt + 24;
	if (pe->len < need || le32_load(pe->b + pe->nt) != 0x00004550 ||
	    pe->len < need + 224)
		return -1;
	pe->opt = pe->nt + 24;
	pe->is64 = le16_load(pe->b + pe->opt) == 0x20b;
	if (pe->is64 && pe->len < need + 240)
		return -1;
	return 0;
}

static const struct {
	uint8_t member, off32, off64, size;
} fields[] = {
	{ PE_ENTRY_POINT_RAW, 16, 16, 4 }, { PE_IMAGE_BASE, 28, 24, 4 },
	{ PE_NUMBER_OF_RVA_AND_SIZES, 92, 108, 4 },
	{ PE_OPTHDR_MAGIC, 0, 0, 2 }, { PE_SIZE_OF_CODE, 4, 4, 4 },
	{ PE_SIZE_OF_INITIALIZED_DATA, 8, 8, 4 },
	{ PE_SIZE_OF_UNINITIALIZED_DATA, 12, 12, 4 },
	{ PE_BASE_OF_CODE, 20, 20, 4 }, { PE_SECTION_ALIGNMENT, 32, 32, 4 },
	{ PE_FILE_ALIGNMENT, 36, 36, 4 }, { PE_WIN32_VERSION_VALUE, 52, 52, 4 },
	{ PE_SIZE_OF_IMAGE, 56, 56, 4 }, { PE_SIZE_OF_HEADERS, 60, 60, 4 },
	{ PE_CHECKSUM, 64, 64, 4 }, { PE_SUBSYSTEM, 68, 68, 2 },
	{ PE_DLL_CHARACTERISTICS, 70, 70, 2 },
	{ PE_SIZE_OF_STACK_RESERVE, 72, 72, 4 },
	{ PE_SIZE_OF_STACK_COMMIT, 76, 80, 4 },
	{ PE_SIZE_OF_HEAP_RESERVE, 80, 88, 4 },
	{ PE_SIZE_OF_HEAP_COMMIT, 84, 96, 4 }, { PE_LOADER_FLAGS, 88, 104, 4 },
};

static void versions(struct ym_scan *s, struct ympe *pe)
{
	static const struct { uint8_t member, off, size; } v[] = {
		{ PE_LINKER_VERSION, 2, 1 }, { PE_OS_VERSION, 40, 2 },
		{ PE_IMAGE_VERSION, 44, 2 }, { PE_SUBSYSTEM_VERSION, 48, 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(*v); i++) {
		struct ym_obj *o = ym_sub(s, pe->root, v[i].member, PEV_N);

		ym_int(o, PEV_MAJOR, (int64_t)opt_field(pe, v[i].off, v[i].off,
							v[i].size));
		ym_int(o, PEV_MINOR,
		       (int64_t)opt_field(pe, v[i].off + v[i].size,
					  v[i].off + v[i].size, v[i].size));
	}
}

static void optional_header(struct ym_scan *s, struct ympe *pe)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		unsigned size = fields[i].size;

		if (pe->is64 && (fields[i].member == PE_IMAGE_BASE ||
				 (fields[i].off64 >= 72 && fields[i].off64 < 104)))
			size = 8;
		ym_int(pe->root, fields[i].member,
		       (int64_t)opt_field(pe, fields[i].off32, fields[i].off64,
					  size));
	}
	if (!pe->is64)
		ym_int(pe->root, PE_BASE_OF_DATA, (int64_t)opt_field(pe, 24, 24, 4));
	versions(s, pe);
	pe->file_align = (uint32_t)opt_field(pe, 36, 36, 4);
	pe->ndirs = (uint32_t)opt_field(pe, 92, 108, 4);
}

static void coff_header(struct ympe *pe)
{
	const uint8_t *h = pe->b + pe->nt + 4;

	ym_int(pe->root, PE_IS_PE, 1);
	ym_int(pe->root, PE_MACHINE, le16_load(h));
	ym_int(pe->root, PE_NUMBER_OF_SECTIONS, le16_load(h + 2));
	ym_int(pe->root, PE_TIMESTAMP, le32_load(h + 4));
	ym_int(pe->root, PE_POINTER_TO_SYMBOL_TABLE, le32_load(h + 8));
	ym_int(pe->root, PE_NUMBER_OF_SYMBOLS, le32_load(h + 12));
	ym_int(pe->root, PE_SIZE_OF_OPTIONAL_HEADER, le16_load(h + 16));
	ym_int(pe->root, PE_CHARACTERISTICS, le16_load(h + 18));
	pe->characteristics = le16_load(h + 18);
	pe->symtab = le32_load(h + 8);
	pe->nsyms = le32_load(h + 12);
	pe->sect = pe->opt + le16_load(h + 16);
	pe->nsect_want = le16_load(h + 2);
	if (pe->nsect_want > YMPE_MAX_SECTIONS)
		pe->nsect_want = YMPE_MAX_SECTIONS;
	for (pe->nsect = 0; pe->nsect < pe->nsect_want &&
			    ympe_avail(pe, (uint64_t)pe->sect + 40ull *
						   (pe->nsect + 1) - 1);
	     pe->nsect++)
		;
}

static void directories(struct ym_scan *s, struct ympe *pe)
{
	struct ym_obj *arr = ym_sub(s, pe->root, PE_DATA_DIRECTORIES, 0);
	uint64_t at = (uint64_t)pe->opt + (pe->is64 ? 112 : 96);
	unsigned i, n = pe->ndirs < 16 ? pe->ndirs : 16;

	for (i = 0; i < n && ympe_avail(pe, at + 8 * i) >= 8; i++) {
		struct ym_obj *d = ym_push_struct(s, arr, PEDD_N);

		if (!d)
			return;
		ym_int(d, PEDD_VIRTUAL_ADDRESS, le32_load(pe->b + at + 8 * i));
		ym_int(d, PEDD_SIZE, le32_load(pe->b + at + 8 * i + 4));
	}
}

/* A "/123" name's full text from the COFF string table; n: its length,
 * or NULL (an unprintable or unended one). */
static const char *full_name(const struct ympe *pe, const char *name,
			     size_t len, size_t *n)
{
	uint64_t at = (uint64_t)pe->symtab + 18ull * pe->nsyms, idx = 0;
	size_t i, avail;

	*n = len;
	if (!pe->symtab || name[0] != '/')
		return name;
	for (i = 1; i < 8 && isdigit((unsigned char)name[i]); i++)
		idx = idx * 10 + (uint64_t)(name[i] - '0');
	avail = ympe_avail(pe, at + idx);
	for (i = 0; i < avail; i++) {
		char ch = (char)pe->b[at + idx + i];

		if (!ch) {
			*n = i;
			return (const char *)pe->b + at + idx;
		}
		if (!isprint((unsigned char)ch))
			break;
	}
	*n = 0;
	return NULL;
}

static void section(struct ym_scan *s, struct ympe *pe, struct ym_obj *o,
		    const uint8_t *h)
{
	static const uint8_t ints[][3] = {
		{ PES_CHARACTERISTICS, 36, 4 }, { PES_RAW_DATA_SIZE, 16, 4 },
		{ PES_RAW_DATA_OFFSET, 20, 4 }, { PES_VIRTUAL_ADDRESS, 12, 4 },
		{ PES_VIRTUAL_SIZE, 8, 4 }, { PES_POINTER_TO_RELOCATIONS, 24, 4 },
		{ PES_POINTER_TO_LINE_NUMBERS, 28, 4 },
		{ PES_NUMBER_OF_RELOCATIONS, 32, 2 },
		{ PES_NUMBER_OF_LINE_NUMBERS, 34, 2 },
	};
	char name[9];
	const char *full;
	size_t len = 8, i, flen;

	memcpy(name, h, 8);
	name[8] = 0;
	while (len && !name[len - 1])
		len--;
	ym_str(s, o, PES_NAME, name, len);
	full = full_name(pe, name, len, &flen);
	ym_str(s, o, PES_FULL_NAME, full ? full : "", flen);
	for (i = 0; i < sizeof(ints) / sizeof(*ints); i++)
		ym_int(o, ints[i][0], ints[i][2] == 4 ? le32_load(h + ints[i][1]) :
							le16_load(h + ints[i][1]));
}

/* The sections, and the overlay after the one whose data ends last. */
static void sections(struct ym_scan *s, struct ympe *pe)
{
	struct ym_obj *arr = ym_sub(s, pe->root, PE_SECTIONS, 0), *ov;
	uint64_t hi_off = 0, hi_size = 0, end;
	uint32_t i;

	for (i = 0; i < pe->nsect; i++) {
		const uint8_t *h = pe->b + pe->sect + 40 * i;
		struct ym_obj *o = ym_push_struct(s, arr, PES_N);

		if (!o)
			return;
		section(s, pe, o, h);
		end = (uint64_t)le32_load(h + 20) + le32_load(h + 16);
		if (end > hi_off + hi_size) {
			hi_off = le32_load(h + 20);
			hi_size = le32_load(h + 16);
		}
	}
	ov = ym_sub(s, pe->root, PE_OVERLAY, PEO_N);
	end = hi_off + hi_size;
	ym_int(ov, PEO_OFFSET, end && pe->len > end ? (int64_t)end : 0);
	ym_int(ov, PEO_SIZE, end && pe->len > end ? (int64_t)(pe->len - end) : 0);
}

int ympe_headers(struct ym_scan *s, struct ympe *pe)
{
	if (locate(pe) < 0)
		return -1;
	coff_header(pe);
	optional_header(s, pe);
	ym_int(pe->root, PE_ENTRY_POINT,
	       ympe_rva_to_offset(pe, opt_field(pe, 16, 16, 4)));
	directories(s, pe);
	sections(s, pe);
	return 0;
}

/* The parsed image behind a function, or NULL (not a PE). */
static const struct ympe *image(const struct ym_call *c)
{
	const struct ympe *pe = c->priv;

	return pe && pe->nt ? pe : NULL;
}

struct ym_val ympe_section_index(struct ym_call *c)
{
	const struct ympe *pe = image(c);
	const struct ym_val *sv;
	uint32_t i;

	if (!pe || (sv = &pe->root->v[PE_SECTIONS])->type != YM_STRUCT)
		return ym_undef;
	for (i = 0; i < sv->u.o->n; i++) {
		const struct ym_obj *o = sv->u.o->v[i].u.o;

		if (c->arg[0].type == YM_STR) {
			if (!strcmp(o->v[PES_NAME].u.s, c->arg[0].u.s))
				return ym_vint(i);
		} else if (c->arg[0].u.i >= o->v[PES_RAW_DATA_OFFSET].u.i &&
			   c->arg[0].u.i < o->v[PES_RAW_DATA_OFFSET].u.i +
						   o->v[PES_RAW_DATA_SIZE].u.i) {
			return ym_vint(i);
		}
	}
	return ym_undef;
}

struct ym_val ympe_is_dll(struct ym_call *c)
{
	const struct ympe *pe = image(c);

	return pe ? ym_vint((pe->characteristics & 0x2000) != 0) : ym_undef;
}

struct ym_val ympe_is_32bit(struct ym_call *c)
{
	const struct ympe *pe = image(c);

	return pe ? ym_vint(!pe->is64) : ym_undef;
}

struct ym_val ympe_is_64bit(struct ym_call *c)
{
	const struct ympe *pe = image(c);

	return pe ? ym_vint(pe->is64) : ym_undef;
}

/* The image's checksum as the loader computes it: 32-bit little-endian
 * words summed with carries folded, the CheckSum field taken as 0, folded
 * to 16 bits, plus the file's size. */
struct ym_val ympe_calculate_checksum(struct ym_call *c)
{
	const struct ympe *pe = image(c);
	uint64_t sum = 0, skip;
	size_t i, j;

	if (!pe)
		return ym_undef;
	skip = (uint64_t)pe->opt + 64;
	for (i = 0; i <= pe->len / 4; i++) {
		if (4 * (uint64_t)i == skip)
			continue;
		if (4 * i + 4 <= pe->len)
			sum += le32_load(pe->b + 4 * i);
		else
			for (j = 0; j < pe->len % 4; j++)
				sum += (uint64_t)pe->b[4 * i + j] << (8 * j);
		if (sum > 0xffffffffu)
			sum = (sum & 0xffffffffu) + (sum >> 32);
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum += sum >> 16;
	sum &= 0xffff;
	return ym_vint((int64_t)(sum + pe->len));
}

struct ym_val ympe_fn_rva_to_offset(struct ym_call *c)
{
	const struct ympe *pe = image(c);
	int64_t off;

	if (!pe || (off = ympe_rva_to_offset(pe, (uint64_t)c->arg[0].u.i)) < 0)
		return ym_undef;
	return ym_vint(off);
}
