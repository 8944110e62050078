/*
 * exeinfo.c -- entry point and section table of PE, ELF (32/64-bit, either
 * byte order) and Mach-O (32/64-bit, either byte order) images, read
 * through the bounded reader. Offsets are as the headers declare them;
 * users clip them to the buffer. Where ClamAV's choices are arbitrary they
 * are followed: ELF sections count from section header 0, and the entry
 * point is found through the program headers (ELF) or section addresses
 * (Mach-O thread state).
 */
#include "formats/exe/exeinfo.h"

#include <stddef.h>
#include <string.h>

#include "formats/exe/pe.h"
#include "formats/exe/pevinfo.h"
#include "common/reader.h"

_Static_assert(EXE_MAX_VI == PEVINFO_MAX_STRINGS, "one limit for both");

static void add_section(struct exeinfo *x, uint64_t off, uint64_t size)
{
	if (x->nsect == EXE_MAX_SECTIONS) {
		x->truncated = 1;
		return;
	}
	x->sect[x->nsect].off = off;
	x->sect[x->nsect].size = size;
	x->nsect++;
}

/* ClamAV's view of PE sections: offsets aligned down, sizes up. */
static uint64_t align_down(uint64_t v, uint32_t a)
{
	return a && !(a & (a - 1)) ? v / a * a : v;
}

static uint64_t align_up(uint64_t v, uint32_t a)
{
	return a && !(a & (a - 1)) ? (v + a - 1) / a * a : v;
}

static enum exe_kind pe_info(const uint8_t *b, size_t len, struct exeinfo *x)
{
	struct pe_info pe;
	uint32_t ep;
	uint16_t i;

	if (pe_parse(b, len, &pe) < 0)
		return EXE_NONE;
	for (i = 0; i < pe.nsect; i++)
		add_section(x, align_down(pe.sect[i].raw, pe.file_align),
			    align_up(pe.sect[i].rawsize, pe.file_align));
	/* The entry point's section, searched from the last one. */
	for (i = pe.nsect; i-- > 0 && !x->has_ep;) {
		uint64_t rva = align_down(pe.sect[i].vaddr, pe.sect_align);

		ep = pe.ep;
		if (x->sect[i].size && rva <= ep && ep - rva < x->sect[i].size) {
			x->ep = x->sect[i].off + (ep - rva);
			x->has_ep = 1;
		}
	}
	if (!x->has_ep && pe.ep < pe.headers_size) {
		x->ep = pe.ep;
		x->has_ep = 1;
	}
	x->nvi = pevinfo_offsets(b, len, &pe, x->vi);
	return x->kind = EXE_PE;
}

/* ELF header fields that differ in width between the classes. */
struct elf_hdr {
	int be, is64;
	uint64_t entry, phoff, shoff;
	uint16_t phentsize, phnum, shentsize, shnum;
};

static int elf_header(const uint8_t *b, size_t len, struct elf_hdr *h)
{
	struct rdr r;

	if (len < 52 || memcmp(b, "\x7f" "ELF", 4) || b[4] < 1 || b[4] > 2 ||
	    b[5] < 1 || b[5] > 2)
		return -1;
	h->is64 = b[4] == 2;
	h->be = b[5] == 2;
	rdr_init(&r, b, len);
	rdr_seek(&r, 24);
	h->entry = h->is64 ? rdr_u64(&r, h->be) : rdr_u32(&r, h->be);
	h->phoff = h->is64 ? rdr_u64(&r, h->be) : rdr_u32(&r, h->be);
	h->shoff = h->is64 ? rdr_u64(&r, h->be) : rdr_u32(&r, h->be);
	rdr_skip(&r, 6); /* flags, ehsize */
	h->phentsize = rdr_u16(&r, h->be);
	h->phnum = rdr_u16(&r, h->be);
	h->shentsize = rdr_u16(&r, h->be);
	h->shnum = rdr_u16(&r, h->be);
	return rdr_failed(&r) ? -1 : 0;
}

/* The entry point through the program header holding it in the file. */
static void elf_entry(const uint8_t *b, size_t len, const struct elf_hdr *h,
		      struct exeinfo *x)
{
	struct rdr r;
	uint16_t i;

	rdr_init(&r, b, len);
	for (i = 0; i < h->phnum; i++) {
		uint64_t off, vaddr, filesz;
		uint32_t type;

		if (rdr_seek(&r, h->phoff + (uint64_t)i * h->phentsize) < 0)
			return;
		type = rdr_u32(&r, h->be);
		rdr_skip(&r, h->is64 ? 4 : 0);
		off = h->is64 ? rdr_u64(&r, h->be) : rdr_u32(&r, h->be);
		vaddr = h->is64 ? rdr_u64(&r, h->be) : rdr_u32(&r, h->be);
		rdr_skip(&r, h->is64 ? 8 : 4); /* paddr */
		filesz = h->is64 ? rdr_u64(&r, h->be) : rdr_u32(&r, h->be);
		if (rdr_failed(&r))
			return;
		if (type && h->entry >= vaddr && h->entry - vaddr < filesz) {
			x->ep = off + (h->entry - vaddr);
			x->has_ep = x->ep >= off; /* no wrap-around */
			return;
		}
	}
}

size_t exeinfo_elf_end(const uint8_t *b, size_t len)
{
	struct elf_hdr h;
	struct rdr r;
	uint64_t end;
	uint16_t i;

	if (elf_header(b, len, &h) < 0)
		return 0;
	end = h.shoff + (uint64_t)h.shnum * h.shentsize;
	rdr_init(&r, b, len);
	for (i = 0; i < h.phnum && h.phentsize >= (h.is64 ? 56 : 32); i++) {
		uint64_t off, filesz;

		if (rdr_seek(&r, h.phoff + (uint64_t)i * h.phentsize +
					 (h.is64 ? 8 : 4)) < 0)
			break;
		off = h.is64 ? rdr_u64(&r, h.be) : rdr_u32(&r, h.be);
		rdr_skip(&r, h.is64 ? 16 : 8); /* vaddr, paddr */
		filesz = h.is64 ? rdr_u64(&r, h.be) : rdr_u32(&r, h.be);
		if (!rdr_failed(&r) && off + filesz > end && off + filesz >= off)
			end = off + filesz;
	}
	return end < len ? (size_t)end : len;
}

static enum exe_kind elf_info(const uint8_t *b, size_t len, struct exeinfo *x)
{
	struct elf_hdr h;
	struct rdr r;
	uint16_t i;

	if (elf_header(b, len, &h) < 0)
		return EXE_NONE;
	if (h.phentsize >= (h.is64 ? 56 : 32))
		elf_entry(b, len, &h, x);
	rdr_init(&r, b, len);
	for (i = 0; h.shentsize >= (h.is64 ? 64 : 40) && i < h.shnum; i++) {
		uint64_t off, size;

		if (rdr_seek(&r, h.shoff + (uint64_t)i * h.shentsize + 16 +
					 (h.is64 ? 8 : 0)) < 0)
			break;
		off = h.is64 ? rdr_u64(&r, h.be) : rdr_u32(&r, h.be);
		size = h.is64 ? rdr_u64(&r, h.be) : rdr_u32(&r, h.be);
		if (rdr_failed(&r))
			break;
		add_section(x, off, size);
	}
	return x->kind = EXE_ELF;
}

#define MACHO_LC_SEGMENT 0x1
#define MACHO_LC_UNIXTHREAD 0x5
#define MACHO_LC_SEGMENT_64 0x19
#define MACHO_LC_MAIN 0x80000028u
#define MACHO_CPU_X86 7
#define MACHO_CPU_X86_64 0x01000007

struct macho {
	int be, is64;
	uint32_t cpu;
	uint64_t pc;		/* thread state's program counter */
	int has_pc;
	uint64_t addr[EXE_MAX_SECTIONS];	/* sections' VM addresses */
};

/* A segment command's sections; r is just past the command header. */
static void macho_segment(struct rdr *r, struct macho *m, struct exeinfo *x)
{
	uint32_t nsects, i;

	rdr_skip(r, 16 + (m->is64 ? 32 : 16) + 8); /* name, VM, prot */
	nsects = rdr_u32(r, m->be);
	rdr_skip(r, 4);
	for (i = 0; i < nsects && !rdr_failed(r); i++) {
		uint64_t addr, size;
		uint32_t off;

		rdr_skip(r, 32);
		addr = m->is64 ? rdr_u64(r, m->be) : rdr_u32(r, m->be);
		size = m->is64 ? rdr_u64(r, m->be) : rdr_u32(r, m->be);
		off = rdr_u32(r, m->be);
		rdr_skip(r, m->is64 ? 28 : 24); /* align .. reserved */
		if (rdr_failed(r))
			return;
		if (x->nsect < EXE_MAX_SECTIONS)
			m->addr[x->nsect] = addr;
		add_section(x, off, size);
	}
}

/* The program counter of an x86 or x86-64 thread state. */
static void macho_thread(struct rdr *r, struct macho *m)
{
	if (m->cpu == MACHO_CPU_X86) {
		rdr_skip(r, 8 + 10 * 4);
		m->pc = rdr_u32(r, m->be);
	} else if (m->cpu == MACHO_CPU_X86_64) {
		rdr_skip(r, 8 + 16 * 8);
		m->pc = rdr_u64(r, m->be);
	} else {
		return;
	}
	m->has_pc = !rdr_failed(r);
}

static void macho_pc_to_ep(const struct macho *m, struct exeinfo *x)
{
	uint32_t i;

	for (i = 0; m->has_pc && i < x->nsect; i++) {
		if (m->pc >= m->addr[i] && m->pc - m->addr[i] < x->sect[i].size) {
			x->ep = x->sect[i].off + (m->pc - m->addr[i]);
			x->has_ep = 1;
			return;
		}
	}
}

static enum exe_kind macho_info(const uint8_t *b, size_t len,
				struct exeinfo *x, struct macho *m)
{
	static const uint8_t magic[4][4] = {
		{ 0xce, 0xfa, 0xed, 0xfe }, { 0xcf, 0xfa, 0xed, 0xfe },
		{ 0xfe, 0xed, 0xfa, 0xce }, { 0xfe, 0xed, 0xfa, 0xcf } };
	struct rdr r;
	uint32_t ncmds, i;
	size_t pos, k;

	for (k = 0; k < 4 && (len < 4 || memcmp(b, magic[k], 4)); k++)
		;
	if (k == 4)
		return EXE_NONE;
	m->be = k >= 2;
	m->is64 = k % 2;
	rdr_init(&r, b, len);
	rdr_skip(&r, 4);
	m->cpu = rdr_u32(&r, m->be);
	rdr_skip(&r, 8);
	ncmds = rdr_u32(&r, m->be);
	pos = m->is64 ? 32 : 28;
	for (i = 0; i < ncmds && rdr_seek(&r, pos) == 0; i++) {
		uint32_t cmd = rdr_u32(&r, m->be), size = rdr_u32(&r, m->be);

		if (rdr_failed(&r) || size < 8)
			break;
		if (cmd == MACHO_LC_SEGMENT || cmd == MACHO_LC_SEGMENT_64)
			macho_segment(&r, m, x);
		else if (cmd == MACHO_LC_UNIXTHREAD)
			macho_thread(&r, m);
		else if (cmd == MACHO_LC_MAIN && !x->has_ep)
			x->has_ep = (x->ep = rdr_u64(&r, m->be), !rdr_failed(&r));
		pos += size;
	}
	if (!x->has_ep)
		macho_pc_to_ep(m, x);
	return x->kind = EXE_MACHO;
}

enum exe_kind exeinfo_parse(const uint8_t *b, size_t len, struct exeinfo *x)
{
	struct macho m;
	enum exe_kind k;

	memset(&m, 0, sizeof(m));
	memset(x, 0, offsetof(struct exeinfo, sect));
	if ((k = pe_info(b, len, x)) != EXE_NONE ||
	    (k = elf_info(b, len, x)) != EXE_NONE)
		return k;
	return macho_info(b, len, x, &m);
}
