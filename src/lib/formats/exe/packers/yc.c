/*
 * yc.c -- executables encrypted with yoda's Crypter 1.3. The crypter adds
 * a section "yC" whose stub first decrypts the rest of itself, then every
 * section but the resources, relocations, exports, TLS and itself, a byte
 * at a time: load a byte, run it through a short sequence of byte
 * operations (add, sub, xor, rotate, inc, dec, not, neg, with constants or
 * with the loop counter, padded with no-ops and jumps over junk bytes),
 * store it back. Both sequences are read from the stub (byteops.c) and
 * run here on the file's bytes; the decrypted image goes on as "yc-decrypted" (often
 * it is another packer's output, UPX, which is then unpacked in turn).
 * The stub is read through the bounded reader.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/exe/packers/byteops.h"
#include "formats/exe/stages.h"
#include "formats/exe/pe.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define YC_NAME "yC\0\0\0\0\0\0"
#define YC_SEARCH_BYTES 4096	/* the section table is in the headers */

/* The stub's first instructions, up to the first sequence (0xff: any). */
static const uint8_t prologue[] = {
	0x55, 0x8b, 0xec, 0x53, 0x56, 0x57, 0x60, 0xe8, 0x00, 0x00, 0x00,
	0x00, 0x5d, 0x81, 0xed, 0xff, 0xff, 0xff, 0xff, 0xb9, 0xff, 0xff,
	0xff, 0xff, 0x81, 0xe9, 0xff, 0xff, 0xff, 0xff, 0x8b, 0xd5, 0x81,
	0xc2, 0xff, 0xff, 0xff, 0xff, 0x8d, 0x3a, 0x8b, 0xf7, 0x33, 0xc0,
	0xeb, 0x04, 0x90, 0xeb, 0x01, 0xff, 0xac,
};

/* The section decryptor: mov edi, esi; jmp; nop; jmp over junk; lodsb. */
static const uint8_t decryptor[] = { 0x8b, 0xfe, 0xeb, 0x04, 0x90, 0xeb,
				     0x01, 0xff, 0xac };

int yc_probe(const uint8_t *buf, size_t len, int type)
{
	return type == VIGIL_TYPE_PE &&
	       memmem(buf, len < YC_SEARCH_BYTES ? len : YC_SEARCH_BYTES,
		      YC_NAME, 8);
}

/* Whether the bytes at r match pat (0xff: any); consumed if they do. */
static int match(struct rdr *r, const uint8_t *pat, size_t n)
{
	struct rdr t = *r;
	const uint8_t *p = rdr_bytes(&t, n);
	size_t i;

	if (!p)
		return 0;
	for (i = 0; i < n; i++)
		if (pat[i] != 0xff && p[i] != pat[i])
			return 0;
	*r = t;
	return 1;
}

/* The little-endian 32 bits at off; 0 past the end. */
static uint32_t u32_at(const uint8_t *buf, size_t len, size_t off)
{
	struct rdr r;

	rdr_init(&r, buf, len);
	rdr_seek(&r, off);
	return rdr_u32le(&r);
}

/* The section yC, with the entry point in it; its index, or -1. */
static int yc_section(const struct pe_info *pe)
{
	uint16_t i;

	for (i = 0; i < pe->nsect; i++)
		if (!strcmp(pe->sect[i].name, "yC") &&
		    pe->ep - pe->sect[i].vaddr < pe->sect[i].rawsize)
			return i;
	return -1;
}

/* The stub's first layer, decrypted in the copy: where the rest of the
 * stub is (*at, *n in the file); 0, or -1 if this is not yC 1.3. */
static int stub_layer(const uint8_t *buf, size_t len, const struct pe_info *pe,
		      uint8_t *copy, long *at, uint32_t *n)
{
	const struct pe_section *y = &pe->sect[yc_section(pe)];
	long ep = pe_rva_to_off(pe, pe->ep);
	uint32_t va, rva;
	struct byteops s;
	struct rdr r;
	size_t e;

	rdr_init(&r, buf, len);
	if (ep < 0 || rdr_seek(&r, (size_t)ep) < 0 ||
	    !match(&r, prologue, sizeof(prologue)) || byteops_parse(&r, &s) < 0)
		return -1;
	e = (size_t)ep; /* the prologue's immediates, read as the stub does */
	*n = u32_at(buf, len, e + 20) - u32_at(buf, len, e + 26);
	va = (uint32_t)pe->image_base + pe->ep + 12 -
	     u32_at(buf, len, e + 15) + u32_at(buf, len, e + 34);
	rva = va - (uint32_t)pe->image_base;
	*at = pe_rva_to_off(pe, rva);
	if (*at < (long)y->raw || *n > y->rawsize ||
	    (uint64_t)*at + *n > (uint64_t)y->raw + y->rawsize ||
	    (uint64_t)*at + *n > len)
		return -1;
	byteops_decrypt(&s, copy + *at, *n);
	return 0;
}

/* The section decryptor in the decrypted stub; 0, or -1. */
static int find_decryptor(const uint8_t *p, uint32_t n, struct byteops *s)
{
	struct rdr r;
	uint32_t i;

	rdr_init(&r, p, n);
	for (i = 0; i + sizeof(decryptor) < n; i++)
		if (rdr_seek(&r, i) == 0 &&
		    match(&r, decryptor, sizeof(decryptor)))
			return byteops_parse(&r, s);
	return -1;
}

/* The sections the stub decrypts: not by these names, not empty. */
static int encrypted(const struct pe_section *sect, size_t len)
{
	static const char *const skip[] = { "rsrc", ".rsr", "relo", ".rel",
					    "yC", ".eda", ".tls" };
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strncmp(sect->name, skip[i], strlen(skip[i]) < 4 ?
							  strlen(skip[i]) + 1 :
							  4))
			return 0;
	return sect->raw && sect->rawsize && sect->raw < len;
}

/* Not yC after all (a section of that name without the stub): the
 * stages after this one look at it. */
static int fallback(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	(void)c;
	(void)buf;
	(void)len;
	return EXE_NEXT;
}

int yc_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct pe_info pe;
	struct byteops s;
	uint8_t *copy;
	uint32_t n;
	uint16_t i;
	long at;
	int y, rc;

	if (pe_parse(buf, len, &pe) < 0 || (y = yc_section(&pe)) < 0)
		return fallback(c, buf, len);
	if (len > fmt_max_child(c))
		return fmt_too_big(c, "yc-decrypted");
	if (!(copy = malloc(len)))
		return VIGIL_ENOMEM;
	memcpy(copy, buf, len);
	if (stub_layer(buf, len, &pe, copy, &at, &n) < 0 ||
	    find_decryptor(copy + at, n, &s) < 0) {
		fmt_warn(c, "yC: not a stub this version knows");
		free(copy);
		return fallback(c, buf, len);
	}
	for (i = 0; i < pe.nsect; i++)
		if (encrypted(&pe.sect[i], len))
			byteops_decrypt(&s, copy + pe.sect[i].raw,
				(uint32_t)(pe.sect[i].rawsize <
						   len - pe.sect[i].raw ?
					   pe.sect[i].rawsize :
					   len - pe.sect[i].raw));
	/* the copy is not to be decrypted again: its section gets renamed */
	copy[pe.table_end - 40u * (pe.nsect - (unsigned)y) + 2] = '-';
	rc = fmt_child(c, "yc-decrypted", copy, len);
	free(copy);
	return rc ? rc : EXE_NEXT; /* its overlay still counts */
}
