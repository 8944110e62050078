/*
 * exeinfo.h -- the entry point and sections of an executable (PE, ELF or
 * Mach-O) as file offsets: what the EP+n, Sx+n, SEx and SL+n offsets of
 * body signatures are relative to, what section hashes cover, and where
 * a PE's version information strings start (the VI offset).
 */
#ifndef VIGIL_FORMATS_EXEINFO_H
#define VIGIL_FORMATS_EXEINFO_H

#include <stddef.h>
#include <stdint.h>

/* Sections kept; an executable with more has no usable SL or Sx beyond. */
#define EXE_MAX_SECTIONS 256

/* Version information strings kept (the VI offset's places). */
#define EXE_MAX_VI 64

enum exe_kind { EXE_NONE = 0, EXE_PE, EXE_ELF, EXE_MACHO };

struct exe_section {
	uint64_t off;		/* file offset of its data */
	uint64_t size;		/* bytes of data in the file */
};

struct exeinfo {
	enum exe_kind kind;
	int has_ep;
	int truncated;		/* more sections than EXE_MAX_SECTIONS */
	uint64_t ep;		/* file offset of the entry point */
	uint32_t nsect;
	struct exe_section sect[EXE_MAX_SECTIONS];
	unsigned nvi;		/* PE version information strings */
	uint64_t vi[EXE_MAX_VI];	/* where each starts (its key) */
};

/*
 * Parses the headers of b (never reading outside it). Returns the kind
 * found; EXE_NONE (with x cleared) if b is none of the three.
 */
enum exe_kind exeinfo_parse(const uint8_t *b, size_t len, struct exeinfo *x);
/*
 * Where an ELF image ends in the file (its section header table or its last
 * segment's data, whichever is later); 0 if b is not ELF.
 */
size_t exeinfo_elf_end(const uint8_t *b, size_t len);

#endif
