/*
 * broken.c -- whether a PE or ELF file's headers are broken, for
 * Heuristics.Broken.Executable (clamscan's --alert-broken). The rules are
 * the ones ClamAV applies when it is asked to alert on broken executables,
 * so that the same files are reported: for a PE, headers that cannot be
 * read, no sections, optional headers too small for what they declare,
 * alignments the loader refuses, sections out of order or with holes, and
 * an entry point that no section maps; for an ELF, an unknown class, more
 * than 128 program headers, header entry sizes of the wrong size, tables
 * outside the file and an entry point no segment holds.
 */
#include "formats/exe/broken.h"

#include <string.h>

#include "common/le.h"
#include "common/reader.h"

#define PE_OPT32_BYTES 96   /* optional header without data directories */
#define PE_OPT64_BYTES 112
#define PE_DIR_BYTES 8
#define PE_MAX_DIRS 16
#define PE_SECT_BYTES 40
#define PE_SUBSYSTEM_NATIVE 1
#define ELF_MAX_PHNUM 128

/* What the loader rounds a section to. */
static uint64_t align_down(uint64_t v, uint32_t a)
{
	return a ? v / a * a : v;
}

static uint64_t align_up(uint64_t v, uint32_t a)
{
	return a ? (v / a + (v % a != 0)) * a : v;
}

struct pe_hdr {
	uint32_t lfanew, salign, falign, ep, hdr_size, ndirs;
	uint16_t nsect, opt_size, subsystem;
	int is64;
	int dirs_cut;		/* the data directories are not all there */
};

/* The file and optional headers; a reason, or NULL. */
static const char *pe_headers(const uint8_t *b, size_t len, struct pe_hdr *h)
{
	size_t opt_at, stored;
	struct rdr r;

	rdr_init(&r, b, len);
	rdr_seek(&r, 0x3c);
	h->lfanew = rdr_u32le(&r);
	if (rdr_failed(&r))
		return "no e_lfanew";
	if (rdr_seek(&r, (size_t)h->lfanew + 6) < 0)
		return "no file header";
	h->nsect = rdr_u16le(&r);
	rdr_skip(&r, 12);
	h->opt_size = rdr_u16le(&r);
	if (rdr_failed(&r) || !h->nsect)
		return "no sections";
	if (h->opt_size < PE_OPT32_BYTES)
		return "optional header too small";
	opt_at = (size_t)h->lfanew + 24;
	if (rdr_seek(&r, opt_at) < 0 || rdr_left(&r) < PE_OPT32_BYTES)
		return "optional header truncated";
	h->is64 = rdr_u16le(&r) == 0x20b;
	stored = h->is64 ? PE_OPT64_BYTES : PE_OPT32_BYTES;
	if (h->opt_size < stored)
		return "PE32+ optional header too small";
	if (rdr_left(&r) + 2 < stored)
		return "optional header truncated";
	rdr_seek(&r, opt_at + 16);
	h->ep = rdr_u32le(&r);
	rdr_seek(&r, opt_at + 32);
	h->salign = rdr_u32le(&r);
	h->falign = rdr_u32le(&r);
	rdr_seek(&r, opt_at + 60);
	h->hdr_size = rdr_u32le(&r);
	rdr_skip(&r, 4);
	h->subsystem = rdr_u16le(&r);
	rdr_seek(&r, opt_at + stored - 4);
	h->ndirs = rdr_u32le(&r);
	if (h->ndirs > PE_MAX_DIRS)
		h->ndirs = PE_MAX_DIRS;
	if (h->opt_size < stored + (size_t)h->ndirs * PE_DIR_BYTES)
		return "optional header smaller than its data directories";
	h->dirs_cut = rdr_left(&r) < (size_t)h->ndirs * PE_DIR_BYTES;
	return NULL;
}

static const char *pe_alignment(const struct pe_hdr *h)
{
	if (h->subsystem == PE_SUBSYSTEM_NATIVE)
		return NULL;
	if (!h->salign || h->salign % 0x1000)
		return "bad section alignment";
	if (!h->falign || h->falign % 0x200)
		return "bad file alignment";
	return NULL;
}

struct pe_sect {
	uint32_t urva, uvsz, uraw, ursz;
	uint64_t rva, vsz, raw, rsz;
};

/* One section as ClamAV keeps it; 1 if it lies outside the file. */
static int pe_section(struct rdr *r, const struct pe_hdr *h, size_t len,
		      struct pe_sect *s)
{
	rdr_skip(r, 8);
	s->uvsz = rdr_u32le(r);
	s->urva = rdr_u32le(r);
	s->ursz = rdr_u32le(r);
	s->uraw = rdr_u32le(r);
	rdr_skip(r, 16);
	s->rva = align_down(s->urva, h->salign);
	s->vsz = align_up(s->uvsz, h->salign);
	s->raw = align_down(s->uraw, h->falign);
	s->rsz = align_up(s->ursz, h->falign);
	if (s->rsz && (s->raw >= len || s->uraw >= len))
		return 1;
	if (s->rsz && s->raw + s->rsz > len)
		s->rsz = len - s->raw;
	return 0;
}

/* The section table, walked as the loader would see it; a reason or NULL.
 * ep_ok says whether a kept section maps the entry point. */
static const char *pe_sections(struct rdr *r, size_t len,
			       const struct pe_hdr *h, int *ep_ok)
{
	struct pe_sect s, prev = { 0 };
	uint64_t hdr = align_up(h->hdr_size, h->salign);
	unsigned i, kept = 0;

	*ep_ok = h->ep < hdr && h->ep < len;
	for (i = 0; i < h->nsect; i++) {
		if (pe_section(r, h, len, &s)) {
			if (h->nsect - (i - kept) == 1)
				return "its only section is outside the file";
			continue;
		}
		if (!h->salign || s.urva % h->salign)
			return "misaligned section address";
		if ((s.urva | s.uvsz | s.ursz) >> 31 ||
		    (s.rsz && s.uraw >> 31))
			return "section values with the sign bit set";
		if (!kept && s.urva != hdr)
			return "first section not right after the headers";
		if (kept && s.urva - prev.urva != prev.vsz)
			return "sections out of order, overlapping or with holes";
		if (h->ep >= hdr && s.rsz && s.rva <= h->ep &&
		    s.rsz > h->ep - s.rva)
			*ep_ok = 1;
		prev = s;
		kept++;
	}
	return NULL;
}

/* The section table's place, with the loader's fallback to 512-byte
 * file alignment when a section's raw offset needs it. */
static const char *pe_table(const uint8_t *b, size_t len, struct pe_hdr *h,
			    struct rdr *r)
{
	size_t at = (size_t)h->lfanew + 24 + h->opt_size;
	uint16_t i;

	rdr_init(r, b, len);
	if (rdr_seek(r, at) < 0 ||
	    rdr_left(r) < (size_t)h->nsect * PE_SECT_BYTES)
		return "section table truncated";
	for (i = 0; h->falign != 0x200 && i < h->nsect; i++) {
		uint32_t rsz = le32_load(b + at + i * PE_SECT_BYTES + 16);
		uint32_t raw = le32_load(b + at + i * PE_SECT_BYTES + 20);

		if (h->falign && rsz && raw % h->falign && !(raw % 0x200))
			h->falign = 0x200;
	}
	return NULL;
}

const char *exe_broken_pe(const uint8_t *b, size_t len)
{
	struct pe_hdr h;
	const char *why;
	struct rdr r;
	int ep_ok = 0;

	memset(&h, 0, sizeof(h));
	if ((why = pe_headers(b, len, &h)) || (why = pe_alignment(&h)))
		return why;
	if (h.dirs_cut)
		return NULL; /* ClamAV gives up there without calling it broken */
	if ((why = pe_table(b, len, &h, &r)) ||
	    (why = pe_sections(&r, len, &h, &ep_ok)))
		return why;
	return ep_ok ? NULL : "entry point outside every section";
}

struct elf_hdr {
	int be, is64;
	uint64_t entry, phoff, shoff;
	uint16_t phentsize, phnum, shentsize, shnum;
};

static uint64_t elf_word(struct rdr *r, const struct elf_hdr *h)
{
	return h->is64 ? rdr_u64(r, h->be) : rdr_u32(r, h->be);
}

/* The program headers: each readable, one of them holding the entry. */
static const char *elf_segments(const uint8_t *b, size_t len,
				const struct elf_hdr *h)
{
	int found = 0;
	struct rdr r;
	uint16_t i;

	if (h->phnum > ELF_MAX_PHNUM)
		return "more than 128 program headers";
	if (!h->phnum || !h->entry)
		return NULL;
	if (h->phentsize != (h->is64 ? 56 : 32))
		return "program header size";
	rdr_init(&r, b, len);
	for (i = 0; i < h->phnum; i++) {
		uint64_t vaddr, memsz;

		if (rdr_seek(&r, h->phoff + (uint64_t)i * h->phentsize) < 0 ||
		    rdr_left(&r) < h->phentsize)
			return "program header outside the file";
		rdr_skip(&r, h->is64 ? 16 : 8);
		vaddr = elf_word(&r, h);
		rdr_skip(&r, h->is64 ? 16 : 8);
		memsz = elf_word(&r, h);
		if (!found && vaddr <= h->entry && h->entry - vaddr < memsz)
			found = 1;
	}
	return found ? NULL : "entry point outside every segment";
}

const char *exe_broken_elf(const uint8_t *b, size_t len)
{
	struct elf_hdr h;
	const char *why;
	struct rdr r;

	if (len < 52 || memcmp(b, "\x7f" "ELF", 4))
		return NULL;
	if (b[4] != 1 && b[4] != 2)
		return "unknown ELF class";
	if (b[4] == 2 && len < 64)
		return NULL; /* ClamAV: not an ELF file */
	memset(&h, 0, sizeof(h));
	h.is64 = b[4] == 2;
	h.be = b[5] == 2;
	rdr_init(&r, b, len);
	rdr_seek(&r, 24);
	h.entry = elf_word(&r, &h);
	h.phoff = elf_word(&r, &h);
	h.shoff = elf_word(&r, &h);
	rdr_skip(&r, 6);
	h.phentsize = rdr_u16(&r, h.be);
	h.phnum = rdr_u16(&r, h.be);
	h.shentsize = rdr_u16(&r, h.be);
	h.shnum = rdr_u16(&r, h.be);
	if ((why = elf_segments(b, len, &h)))
		return why;
	if (h.shnum > 2048)
		return NULL; /* ClamAV stops looking there */
	if (h.shentsize != (h.is64 ? 64 : 40))
		return "section header size";
	if (h.shnum && (h.shoff > len ||
			(len - h.shoff) / h.shentsize < h.shnum))
		return "section headers outside the file";
	return NULL;
}
